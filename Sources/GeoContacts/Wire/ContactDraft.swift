/// A location as it arrives on the wire: `{"latitude": …, "longitude": …}` in WGS84 degrees,
/// or — with `crs` (e.g. `"EPSG:3857"`) — `longitude` carries x (easting) and `latitude`
/// y (northing) in that CRS, converted to WGS84 with PROJ before validation.
public struct LocationInput: Hashable, Sendable {
    /// Latitude in degrees, or y / northing when ``crs`` names a projected CRS. `nil` if absent.
    public var latitude: Double?
    /// Longitude in degrees, or x / easting when ``crs`` names a projected CRS. `nil` if absent.
    public var longitude: Double?
    /// The coordinate reference system; `nil` means the directory's default (WGS84 unless configured).
    public var crs: String?

    public init(latitude: Double?, longitude: Double?, crs: String? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.crs = crs
    }
}

/// One item of `customFields`: `{"definitionId": int64, "value": string or null}`; a `null`
/// value unsets the field.
public struct CustomFieldInput: Hashable, Sendable {
    /// `nil` only when the JSON lacked it (`validation-failed`).
    public var definitionId: DefinitionID?
    /// The value as text; `nil` unsets.
    public var value: String?

    public init(definitionId: DefinitionID?, value: String?) {
        self.definitionId = definitionId
        self.value = value
    }
}

/// The body of "Create a contact" (`POST /v1/contacts`), decoded but not yet validated.
///
/// Required properties are optional here so that a missing one is reported, together with
/// every other failure, as `validation-failed` by ``ContactDirectory/create(_:as:)``.
public struct ContactDraft: Hashable, Sendable {
    public var reference: String?
    public var name: String?
    public var groupId: GroupID?
    public var parentId: ContactID?
    public var extraInformation: String?
    public var street: String?
    public var town: String?
    public var postalCode: String?
    public var country: String?
    public var location: LocationInput?
    public var customFields: [CustomFieldInput]?

    public init(reference: String? = nil, name: String?, groupId: GroupID?, parentId: ContactID? = nil,
                extraInformation: String? = nil, street: String? = nil, town: String? = nil,
                postalCode: String? = nil, country: String? = nil, location: LocationInput?,
                customFields: [CustomFieldInput]? = nil) {
        self.reference = reference
        self.name = name
        self.groupId = groupId
        self.parentId = parentId
        self.extraInformation = extraInformation
        self.street = street
        self.town = town
        self.postalCode = postalCode
        self.country = country
        self.location = location
        self.customFields = customFields
    }
}

/// A PATCH property: absent (keep), `null` (unset) or a value.
public enum Patch<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The property was not in the body: keep the current value.
    case absent
    /// The property was `null`: unset it (where the contract allows).
    case null
    /// The property was given.
    case value(Value)

    /// Whether the property appeared in the body.
    public var isPresent: Bool { if case .absent = self { false } else { true } }
}

/// The body of "Update a contact" (`PATCH /v1/contacts/{contactId}`), decoded but not yet
/// validated. An absent property keeps its value; `null` unsets `reference`, `parentId`,
/// `extraInformation`, `street`, `town`, `postalCode`, `country`; `name`, `groupId` and
/// `location` cannot be null (`validation-failed`). An absent, null or empty `customFields`
/// keeps all values; each item sets (or with a `null` value unsets) one field.
public struct ContactPatch: Hashable, Sendable {
    public var reference: Patch<String> = .absent
    public var name: Patch<String> = .absent
    public var groupId: Patch<GroupID> = .absent
    public var parentId: Patch<ContactID> = .absent
    public var extraInformation: Patch<String> = .absent
    public var street: Patch<String> = .absent
    public var town: Patch<String> = .absent
    public var postalCode: Patch<String> = .absent
    public var country: Patch<String> = .absent
    public var location: Patch<LocationInput> = .absent
    public var customFields: Patch<[CustomFieldInput]> = .absent

    public init() {}

    /// Whether no property is present (``ContactProblem/Code/emptyPatch``).
    public var isEmpty: Bool {
        !(reference.isPresent || name.isPresent || groupId.isPresent || parentId.isPresent
          || extraInformation.isPresent || street.isPresent || town.isPresent || postalCode.isPresent
          || country.isPresent || location.isPresent || customFields.isPresent)
    }
}
