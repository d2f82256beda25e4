import Foundation
import OpenAPIRuntime
import Testing

extension Tour {
    /// The London ring as the polygon body (the document leaves a ring's items untyped).
    static func londonPolygon() throws -> Schemas.PolygonGeometry {
        Schemas.PolygonGeometry(_type: .polygon, coordinates: [try OpenAPIArrayContainer(unvalidatedValue: londonRing)])
    }

    /// nearestContacts, nearestContactsInPolygon: HQ first at ~0 m from Big Ben; from Paris,
    /// only the London contacts inside the ring.
    func nearest() async throws {
        let hits = try await client.nearestContacts(
            query: .init(latitude: Self.bigBen.latitude, longitude: Self.bigBen.longitude, count: 3),
            headers: .init(customerId: customer)
        ).ok.body.json.items
        #expect(hits.map(\.value1.id) == [hq, siteA, siteB])
        let distances = hits.compactMap(\.value2.distance)
        #expect(distances.count == 3)
        #expect(try #require(distances.first) < 0.01, "HQ is at the query point")
        #expect(distances == distances.sorted())

        let inside = try await client.nearestContactsInPolygon(
            query: .init(latitude: Self.parisCentre.latitude, longitude: Self.parisCentre.longitude),
            headers: .init(customerId: customer), body: .json(try Self.londonPolygon())
        ).ok.body.json.items
        #expect(Set(inside.map(\.value1.id)) == london)
        #expect(inside.count == 3)
        let fromParis = inside.compactMap(\.value2.distance)
        #expect(fromParis == fromParis.sorted())
        #expect(fromParis.allSatisfy { $0 > 300_000 && $0 < 400_000 }, "London is ~340 km from Paris: \(fromParis)")
    }

    /// contactsWithin (radius and box), contactsInPolygon.
    func within() async throws {
        let radius = try await client.contactsWithin(
            query: .init(latitude: Self.bigBen.latitude, longitude: Self.bigBen.longitude, radius: 2_000),
            headers: .init(customerId: customer)
        ).ok.body.json
        #expect(radius.items.map(\.value1.id) == [hq, siteA], "Site A is 1.1 km away, Site B 12 km")
        #expect(radius.items.allSatisfy { ($0.value2.distance ?? .infinity) <= 2_000 })

        let box = try await client.contactsWithin(
            query: .init(south: 51, west: -1, north: 52, east: 1), headers: .init(customerId: customer)
        ).ok.body.json
        #expect(box.items.map(\.value1.id) == london.sorted())
        #expect(box.items.allSatisfy { $0.value2.distance == nil })

        let polygon = try await client.contactsInPolygon(
            headers: .init(customerId: customer), body: .json(try Self.londonPolygon())
        ).ok.body.json
        #expect(polygon.items.map(\.value1.id) == london.sorted())
        #expect(polygon.pageItemCount == 3)
    }
}
