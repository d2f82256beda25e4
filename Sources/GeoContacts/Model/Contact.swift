public import Geodesy

/// A stored contact: validated, with its location normalized to WGS84.
public struct Contact: Hashable, Sendable {
    public var id: ContactID
    public var reference: String?
    public var name: String
    public var groupId: GroupID
    public var parentId: ContactID?
    public var extraInformation: String?
    public var street: String?
    public var town: String?
    public var postalCode: String?
    public var country: String?
    /// WGS84, always valid.
    public var location: Coordinate
    /// Custom-field values, sorted by definition id, at most one per definition.
    public var customFields: [CustomFieldValue]

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
    public var definitionId: DefinitionID
    public var value: String

    public init(definitionId: DefinitionID, value: String) {
        self.definitionId = definitionId
        self.value = value
    }
}

/// A contact group of one customer.
public struct ContactGroup: Hashable, Sendable, Codable {
    public var id: GroupID
    public var name: String

    public init(id: GroupID, name: String) {
        self.id = id
        self.name = name
    }
}
