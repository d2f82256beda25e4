import GeoContacts
import GeoDataGeneration
import Geodesy
import Testing
@testable import GeoContactsInterchange

/// What `export` writes, `import` reads back as the same create bodies, in every format.
@Suite("Export and import round trip")
struct ExportRoundTripTests {
    static func contacts(seed: UInt64) -> [Contact] {
        var rng = SeededGenerator(seed: seed)
        let texts = ["Depot", "HQ, \"London\"", "=1+2", "'t Hooft", "multi\nline", "Zoë 𝄞", " padded ", "a\\b", "tab\there"]
        func text() -> String? { Int.random(in: 0..<3, using: &rng) == 0 ? nil : texts.randomElement(using: &rng) }
        return (1...120).map { i in
            var contact = Contact(
                id: ContactID(Int64(i)), reference: text(), name: texts.randomElement(using: &rng) ?? "x",
                groupId: GroupID(Int64.random(in: 1...3, using: &rng)),
                parentId: i > 1 && Bool.random(using: &rng) ? ContactID(Int64.random(in: 1..<Int64(i), using: &rng)) : nil,
                extraInformation: text(), street: text(), town: text(), postalCode: text(), country: text(),
                location: Coordinate(latitude: Double.random(in: -90...90, using: &rng),
                                     longitude: [180, -180, 0, Double.random(in: -180...180, using: &rng)].randomElement(using: &rng) ?? 0))
            if Bool.random(using: &rng) {
                contact.customFields = [CustomFieldValue(definitionId: DefinitionID(1), value: texts.randomElement(using: &rng) ?? "")]
            }
            return contact
        }
    }

    /// The create body a contact is exported as (what import must read back).
    static func draft(_ c: Contact) -> ContactDraft {
        ContactDraft(reference: c.reference, name: c.name, groupId: c.groupId, parentId: c.parentId,
                     extraInformation: c.extraInformation, street: c.street, town: c.town, postalCode: c.postalCode,
                     country: c.country, location: LocationInput(latitude: c.location.latitude, longitude: c.location.longitude),
                     customFields: c.customFields.isEmpty ? nil
                         : c.customFields.map { CustomFieldInput(definitionId: $0.definitionId, value: $0.value) })
    }

    @Test("csv, ndjson and geojson", arguments: [ContactFileFormat.csv, .ndjson, .geojson])
    func roundTrip(format: ContactFileFormat) throws {
        let contacts = ContactFileWriter.exportOrder(Self.contacts(seed: 11))
        var text = ""
        switch format {
        case .csv: text = ContactFileWriter.csvHeader + contacts.map(ContactFileWriter.csvRecord).joined()
        case .ndjson: text = contacts.map(ContactFileWriter.ndjsonLine).joined()
        case .geojson:
            text = ContactFileWriter.geojsonStart + contacts.map(ContactFileWriter.geojsonFeature).joined(separator: ",\n")
                + ContactFileWriter.geojsonEnd
        }
        let records = try ContactFileReader.read(Array(text.utf8), format: format, name: "export")
        #expect(records.count == contacts.count)
        for (contact, record) in zip(contacts, records) {
            #expect(record.problems.isEmpty, "\(record.problems)")
            #expect(record.fileID == contact.id.rawValue)
            var expected = Self.draft(contact)
            var got = try #require(record.draft)
            // Absent and empty custom fields are the same create.
            if got.customFields?.isEmpty == true { got.customFields = nil }
            if expected.customFields?.isEmpty == true { expected.customFields = nil }
            #expect(got == expected, "contact \(contact.id) in \(format)")
        }
        // Parents come before their children.
        var seen = Set<ContactID>()
        for contact in contacts {
            if let parent = contact.parentId { #expect(seen.contains(parent)) }
            seen.insert(contact.id)
        }
    }
}

/// What `import --server` sends: a decoded draft written as a create body again decodes to the
/// same draft, whatever it holds or lacks.
@Suite("Create bodies written again")
struct CreateBodyTests {
    @Test func aWrittenBodyDecodesToTheSameDraft() throws {
        let drafts = [
            ContactDraft(reference: "R\"1\"", name: "Zoë 𝄞\n\t", groupId: GroupID(3), parentId: ContactID(9),
                         extraInformation: "a\\b", street: "", town: "Town", postalCode: "01234", country: "FR",
                         location: LocationInput(latitude: -89.5, longitude: 180, crs: "EPSG:3857"),
                         customFields: [CustomFieldInput(definitionId: DefinitionID(2), value: "x"),
                                        CustomFieldInput(definitionId: DefinitionID(5), value: nil)]),
            ContactDraft(name: "only a name", groupId: nil, location: nil),
            ContactDraft(name: nil, groupId: GroupID(1), location: LocationInput(latitude: 1e-7, longitude: nil)),
            ContactDraft(name: "empty location", groupId: GroupID(1), location: LocationInput(latitude: nil, longitude: nil),
                         customFields: []),
        ]
        for draft in drafts {
            var writer = JSONWriter()
            ContactFileWriter.createBody(draft, into: &writer)
            let text = String(decoding: writer.bytes, as: UTF8.self)
            #expect(try ContactDraft(json: writer.bytes) == draft, "\(text)")
        }
    }
}
