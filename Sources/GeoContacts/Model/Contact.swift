public import Geodesy

/// A stored contact: validated, with its location normalized to WGS84.
public struct Contact: Hashable, Sendable {
    /// Unique within the customer; assigned on create.
    public var id: ContactID
    /// Internal reference ("should usually be unique"; see ``ContactPolicy/requiresUniqueReferences``).
    public var reference: String?
    /// Non-empty display name.
    public var name: String
    /// The group it belongs to (exists for the customer).
    public var groupId: GroupID
    /// The parent contact (same customer), or `nil` for a root.
    public var parentId: ContactID?
    /// Free-text description.
    public var extraInformation: String?
    /// Street address.
    public var street: String?
    /// Town, city, village or locality.
    public var town: String?
    /// Postcode or zip code.
    public var postalCode: String?
    /// Country name as text.
    public var country: String?
    /// WGS84, always valid.
    public var location: Coordinate
    /// Custom-field values, sorted by definition id, at most one per definition.
    public var customFields: [CustomFieldValue]

    /// Creates a contact value without validation (for storage and tests); custom fields are sorted.
    public init(id: ContactID, reference: String? = nil, name: String, groupId: GroupID, parentId: ContactID? = nil,
                extraInformation: String? = nil, street: String? = nil, town: String? = nil,
                postalCode: String? = nil, country: String? = nil, location: Coordinate,
                customFields: [CustomFieldValue] = []) {
        self.id = id
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
        self.customFields = customFields.sorted { $0.definitionId < $1.definitionId }
    }

    /// The value of one custom field, if set.
    public func customField(_ definition: DefinitionID) -> String? {
        customFields.first { $0.definitionId == definition }?.value
    }
}

/// A set custom-field value.
public struct CustomFieldValue: Hashable, Sendable, Codable {
    /// The custom-field definition.
    public var definitionId: DefinitionID
    /// The value as text, valid for the definition's type when written.
    public var value: String

    public init(definitionId: DefinitionID, value: String) {
        self.definitionId = definitionId
        self.value = value
    }
}

/// A contact group of one customer.
public struct ContactGroup: Hashable, Sendable, Codable {
    /// Unique within the customer.
    public var id: GroupID
    /// Display name.
    public var name: String

    public init(id: GroupID, name: String) {
        self.id = id
        self.name = name
    }
}
