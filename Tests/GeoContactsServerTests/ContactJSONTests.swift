import Foundation
import GeoContacts
@testable import GeoContactsServer
import Geodesy
import GeoDataGeneration
import Testing

/// `ContactJSON` must write exactly what `JSONEncoder` (sorted keys, unescaped slashes) writes.
@Suite("Contact JSON writer") struct ContactJSONTests {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static let awkward = ["", "plain", "quote \" backslash \\ slash /", "tab\tnew\nline\rcr", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}",
                          "ünïcødé ✓ 🗺️ 漢字", "\u{2028}\u{2029}", "</script>", "emoji 👩‍👩‍👧‍👦 flags 🇬🇧"]

    static func randomContact(_ g: inout SeededGenerator) -> Contact {
        func text() -> String? { g.nextInt(below: 3) == 0 ? nil : awkward[g.nextInt(below: awkward.count)] }
        let doubles: [Double] = [0, -0.0, 1, -1, 0.1, 1e-5, 1e-7, 123.456789012345, -179.99999999999997, 90, -90, 180,
                                 Double.leastNonzeroMagnitude, 51.51, 1e21, 12345678.9]
        let lat = g.nextInt(below: 2) == 0 ? doubles[g.nextInt(below: doubles.count)] : g.nextDouble(in: -1e6, 1e6)
        let lon = g.nextDouble(in: -180, 180)
        let fields = (0..<g.nextInt(below: 3)).map { i in
            CustomFieldValue(definitionId: DefinitionID(Int64(i + 1)), value: awkward[g.nextInt(below: awkward.count)])
        }
        return Contact(id: ContactID(Int64(g.nextInt(below: 1_000_000)) - 500_000), reference: text(),
                       name: awkward[g.nextInt(below: awkward.count)], groupId: GroupID(Int64.max - Int64(g.nextInt(below: 3))),
                       parentId: g.nextInt(below: 2) == 0 ? nil : ContactID(Int64.min + 1), extraInformation: text(),
                       street: text(), town: text(), postalCode: text(), country: text(),
                       location: Coordinate(latitude: lat, longitude: lon), customFields: fields)
    }

    @Test func matchesJSONEncoder() throws {
        let seed: UInt64 = 20_261_129
        var g = SeededGenerator(seed: seed)
        for round in 0..<300 {
            let contacts = (0..<g.nextInt(below: 4)).map { _ in Self.randomContact(&g) }
            let hits = contacts.map { ContactHit(contact: $0, distance: g.nextDouble(in: 0, 2e7)) }
            let page = Page(items: contacts, pageNumber: g.nextInt(below: 5) + 1, pageSize: g.nextInt(below: 1000) + 1)

            let expectedHits = try Self.encoder.encode(ItemsResource(items: hits.map(ContactHitResource.init)))
            #expect(ContactJSON.items(hits, withDistance: true).bytes == Array(expectedHits), "seed \(seed) round \(round)")
            let expectedBox = try Self.encoder.encode(ItemsResource(items: contacts.map(ContactResource.init)))
            #expect(ContactJSON.items(hits, withDistance: false).bytes == Array(expectedBox), "seed \(seed) round \(round)")
            let expectedPage = try Self.encoder.encode(page.map(ContactResource.init))
            #expect(ContactJSON.page(page).bytes == Array(expectedPage), "seed \(seed) round \(round)")
            if let first = contacts.first {
                #expect(ContactJSON.single(first).bytes == Array(try Self.encoder.encode(ContactResource(first))),
                        "seed \(seed) round \(round): \(String(decoding: ContactJSON.single(first).bytes, as: UTF8.self))")
            }
        }
    }
}
