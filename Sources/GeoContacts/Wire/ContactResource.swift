import Geodesy
/// A contact as the API answers it: the contract's JSON names plus `id`, with every nullable
/// property present (as `null` when unset) and `customFields` sorted by `definitionId`.
///
/// ```json
/// {"id":1,"reference":null,"name":"Depot","groupId":7,"parentId":null,"extraInformation":null,
///  "street":null,"town":"Leeds","postalCode":null,"country":null,
///  "location":{"latitude":53.8,"longitude":-1.55},"customFields":[{"definitionId":3,"value":"true"}]}
/// ```
package struct ContactResource: Hashable, Sendable, Codable {
    /// `{"latitude": …, "longitude": …}` in WGS84 degrees.
    package struct Location: Hashable, Sendable, Codable {
        package var latitude: Double
        package var longitude: Double
    }

    package var id: ContactID
    package var reference: String?
    package var name: String
    package var groupId: GroupID
    package var parentId: ContactID?
    package var extraInformation: String?
    package var street: String?
    package var town: String?
    package var postalCode: String?
    package var country: String?
    package var location: Location
    package var customFields: [CustomFieldValue]

    package init(_ contact: Contact) {
        id = contact.id
        reference = contact.reference
        name = contact.name
        groupId = contact.groupId
        parentId = contact.parentId
        extraInformation = contact.extraInformation
        street = contact.street
        town = contact.town
        postalCode = contact.postalCode
        country = contact.country
        location = Location(latitude: contact.location.latitude, longitude: contact.location.longitude)
        customFields = contact.customFields
    }

    enum CodingKeys: String, CodingKey {
        case id, reference, name, groupId, parentId, extraInformation, street, town, postalCode, country,
             location, customFields
        /// Only written by ``ContactHitResource``.
        case distance
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ContactID.self, forKey: .id)
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        name = try c.decode(String.self, forKey: .name)
        groupId = try c.decode(GroupID.self, forKey: .groupId)
        parentId = try c.decodeIfPresent(ContactID.self, forKey: .parentId)
        extraInformation = try c.decodeIfPresent(String.self, forKey: .extraInformation)
        street = try c.decodeIfPresent(String.self, forKey: .street)
        town = try c.decodeIfPresent(String.self, forKey: .town)
        postalCode = try c.decodeIfPresent(String.self, forKey: .postalCode)
        country = try c.decodeIfPresent(String.self, forKey: .country)
        location = try c.decode(Location.self, forKey: .location)
        customFields = try c.decodeIfPresent([CustomFieldValue].self, forKey: .customFields) ?? []
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try encodeFields(into: &c)
    }

    func encodeFields(into c: inout KeyedEncodingContainer<CodingKeys>) throws {
        try c.encode(id, forKey: .id)
        try c.encode(reference, forKey: .reference)
        try c.encode(name, forKey: .name)
        try c.encode(groupId, forKey: .groupId)
        try c.encode(parentId, forKey: .parentId)
        try c.encode(extraInformation, forKey: .extraInformation)
        try c.encode(street, forKey: .street)
        try c.encode(town, forKey: .town)
        try c.encode(postalCode, forKey: .postalCode)
        try c.encode(country, forKey: .country)
        try c.encode(location, forKey: .location)
        try c.encode(customFields, forKey: .customFields)
    }
}

/// A spatial query's answer item: the contact's properties plus `distance` in metres
/// (WGS84 geodesic from the query point; 0 for box queries).
package struct ContactHitResource: Hashable, Sendable, Encodable {
    package var contact: ContactResource
    package var distance: Double

    package init(_ hit: ContactHit) {
        contact = ContactResource(hit.contact)
        distance = hit.distance
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ContactResource.CodingKeys.self)
        try contact.encodeFields(into: &c)
        try c.encode(distance, forKey: .distance)
    }
}

/// The body of `201 Created`: `{"id": <int64>}`.
package struct CreatedResource: Hashable, Sendable, Codable {
    package var id: ContactID
    package init(id: ContactID) { self.id = id }
}
