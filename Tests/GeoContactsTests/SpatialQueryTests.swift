import Geodesy
import GeoDataGeneration
import RealModule
import Testing
@testable import GeoContacts

/// Combined spatial queries (group, subtree, custom-field value, max distance, radius, box)
/// against brute force with exact WGS84 geodesics (`Geodesic.wgs84.distance`) as the oracle.
@Suite struct SpatialQueryTests {
    static let seed: UInt64 = 20_261_129
    static let big = GroupID(1), small = GroupID(2), remote = GroupID(3), empty = GroupID(4)
    static let size = CustomFieldDefinition(id: DefinitionID(1), name: "Size", type: .list, options: ["S", "M", "L", "XL"])

    struct World {
        var directory: ContactDirectory
        var contacts: [Contact]
        var snapshot: CustomerSnapshot
        var bigRoot: ContactID
    }

    /// 9,000 contacts: group 1 holds ~6,000 (above the scan threshold), group 2 the rest,
    /// group 3 three contacts near the south pole, group 4 none; a forest whose largest
    /// subtree is above the threshold; custom field "Size" with values of varied frequency.
    static func world() throws -> World {
        var rng = SeededGenerator(seed: seed)
        var contacts: [Contact] = []
        let n = 9000
        for i in 1...n {
            let group = i <= 6000 ? big : small
            // Contacts 2…5000 hang under contact 1 (a big subtree); the rest form small trees.
            let parent: ContactID?
            if i == 1 || i == 5001 { parent = nil } else if i <= 5000 {
                parent = ContactID(Int64.random(in: 1..<Int64(i), using: &rng))
            } else {
                parent = Int.random(in: 0..<5, using: &rng) == 0 ? nil : ContactID(Int64.random(in: 5001..<Int64(i), using: &rng))
            }
            let latitude = Bool.random(using: &rng) ? Double.random(in: 35...60, using: &rng) : Double.random(in: -89...89, using: &rng)
            let longitude = i % 50 == 0 ? Double.random(in: 175...180, using: &rng) : Double.random(in: -180...180, using: &rng)
            let value = ["S", "M", "M", "L", "L", "L"].randomElement(using: &rng)!
            var fields = [CustomFieldValue(definitionId: size.id, value: value)]
            if i % 997 == 0 { fields = [CustomFieldValue(definitionId: size.id, value: "XL")] }
            contacts.append(Contact(id: ContactID(Int64(i)), name: "c\(i)", groupId: group, parentId: parent,
                                    location: Coordinate(latitude: latitude, longitude: longitude), customFields: fields))
        }
        for (k, longitude) in [-60.0, 60, 179].enumerated() {
            contacts.append(Contact(id: ContactID(Int64(n + 1 + k)), name: "remote", groupId: remote,
                                    location: Coordinate(latitude: -89.5, longitude: longitude)))
        }
        let directory = ContactDirectory()
        let groups = [big, small, remote, empty].map { ContactGroup(id: $0, name: "g\($0)") }
        try directory.restore(customer: Fixture.customer, groups: groups, definitions: [size], contacts: contacts)
        let snapshot = try directory.snapshot(as: Fixture.caller())
        try snapshot.checkInvariants()
        return World(directory: directory, contacts: contacts, snapshot: snapshot, bigRoot: ContactID(1))
    }

    static func inSubtree(_ id: ContactID, of ancestor: ContactID, in byID: [ContactID: Contact]) -> Bool {
        var current: ContactID? = id
        while let c = current {
            if c == ancestor { return true }
            current = byID[c]!.parentId
        }
        return false
    }

    static func oracle(_ world: World, _ filter: SpatialFilter) -> [Contact] {
        let byID = Dictionary(uniqueKeysWithValues: world.contacts.map { ($0.id, $0) })
        return world.contacts.filter { c in
            (filter.groupId.map { c.groupId == $0 } ?? true)
                && (filter.customField.map { c.customField($0.definitionId) == $0.value } ?? true)
                && (filter.ancestorId.map { inSubtree(c.id, of: $0, in: byID) } ?? true)
                && (filter.polygon.map { $0.contains(c.location) } ?? true)
        }
    }

    static func ranked(_ candidates: [Contact], from point: Coordinate) -> [(ContactID, Double)] {
        candidates.map { ($0.id, Geodesic.wgs84.distance(from: point, to: $0.location)) }
            .sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
    }

    static func expectSame(_ got: [ContactHit], _ expected: [(ContactID, Double)], _ context: String) {
        #expect(got.map(\.contact.id) == expected.map(\.0), "\(context)")
        for (hit, (_, distance)) in zip(got, expected) {
            #expect(hit.distance.isApproximatelyEqual(to: distance, absoluteTolerance: 1e-6), "\(context)")
        }
    }

    static let filters: [SpatialFilter] = [
        .none,
        SpatialFilter(groupId: big),
        SpatialFilter(groupId: small),
        SpatialFilter(groupId: remote),
        SpatialFilter(groupId: empty),
        SpatialFilter(ancestorId: ContactID(1)),
        SpatialFilter(ancestorId: ContactID(5001)),
        SpatialFilter(ancestorId: ContactID(4999)),
        SpatialFilter(customField: CustomFieldValue(definitionId: size.id, value: "L")),
        SpatialFilter(customField: CustomFieldValue(definitionId: size.id, value: "XL")),
        SpatialFilter(customField: CustomFieldValue(definitionId: size.id, value: "none")),
        SpatialFilter(groupId: big, ancestorId: ContactID(1)),
        SpatialFilter(groupId: small, ancestorId: ContactID(1)),
        SpatialFilter(groupId: big, ancestorId: ContactID(1), customField: CustomFieldValue(definitionId: size.id, value: "M")),
        SpatialFilter(groupId: small, customField: CustomFieldValue(definitionId: size.id, value: "XL")),
        SpatialFilter(polygon: europe),
        SpatialFilter(polygon: acrossTheAntimeridian),
        SpatialFilter(polygon: southPolarCap),
        SpatialFilter(groupId: big, polygon: europe),
        SpatialFilter(groupId: remote, polygon: southPolarCap),
        SpatialFilter(ancestorId: ContactID(1), polygon: acrossTheAntimeridian),
        SpatialFilter(ancestorId: ContactID(4999), polygon: europe),
        SpatialFilter(customField: CustomFieldValue(definitionId: size.id, value: "XL"), polygon: europe),
    ]

    static func ring(_ points: [(Double, Double)]) -> [Coordinate] {
        (points + [points[0]]).map { Coordinate(latitude: $0.0, longitude: $0.1) }
    }
    static let europe = try! GeoPolygon(rings: [ring([(40, -10), (40, 20), (48, 25), (55, 20), (55, -10)])])
    static let acrossTheAntimeridian = try! GeoPolygon(polygons: [
        [ring([(-60, 170), (-60, -170), (10, -170), (10, 170)]), ring([(-10, 175), (-10, -175), (0, -175), (0, 175)])],
        [ring([(50, 0), (50, 5), (52, 5), (52, 0)])],
    ])
    /// Westward around the South pole: the cap south of 85° S.
    static let southPolarCap = try! GeoPolygon(rings: [ring((0..<8).map { (-85.0, 180 - Double($0) * 45) })])

    @Test func combinedQueriesMatchBruteForce() throws {
        print("SpatialQueryTests seed: \(Self.seed)")
        let world = try Self.world()
        var rng = SeededGenerator(seed: Self.seed + 1)
        let points = [Coordinate(latitude: 51.5, longitude: -0.12), Coordinate(latitude: -33.9, longitude: 151.2),
                      Coordinate(latitude: 0, longitude: 179.9), Coordinate(latitude: 90, longitude: 0)]
            + (0..<2).map { _ in Coordinate(latitude: .random(in: -90...90, using: &rng), longitude: .random(in: -180...180, using: &rng)) }
        for filter in Self.filters {
            let candidates = Self.oracle(world, filter)
            for point in points {
                let all = Self.ranked(candidates, from: point)
                let context = "filter \(filter) point \(point)"
                for k in [1, 10] {
                    Self.expectSame(try world.snapshot.nearest(to: point, count: k, filter: filter), Array(all.prefix(k)), context + " k \(k)")
                }
                let limit = 2_000_000.0
                Self.expectSame(try world.snapshot.nearest(to: point, count: 25, maxDistance: limit, filter: filter),
                                Array(all.filter { $0.1 <= limit }.prefix(25)), context + " maxDistance")
                Self.expectSame(try world.snapshot.contacts(within: 800_000, of: point, filter: filter),
                                all.filter { $0.1 <= 800_000 }, context + " radius")
            }
            for box in [GeoBox(south: 40, west: -10, north: 55, east: 20), GeoBox(south: -90, west: 170, north: 10, east: -170),
                        GeoBox(south: -90, west: -180, north: -89, east: 180)] {
                let expected = candidates.filter { box.contains($0.location) }.map(\.id).sorted()
                let got = try world.snapshot.contacts(in: box, filter: filter)
                #expect(got.map(\.contact.id) == expected, "filter \(filter) box \(box)")
                #expect(got.allSatisfy { $0.distance == 0 })
            }
            for polygon in [Self.europe, Self.acrossTheAntimeridian, Self.southPolarCap] {
                let expected = candidates.filter { polygon.contains($0.location) }.map(\.id).sorted()
                var got: [ContactID] = []
                for n in 1... {
                    let page = try world.snapshot.contacts(inside: polygon, filter: filter, page: PageRequest(pageNumber: n, pageSize: 1000))
                    got += page.items.map(\.contact.id)
                    if page.items.count < 1000 { break }
                }
                #expect(got == expected, "filter \(filter) polygon \(polygon)")
            }
        }
    }

    @Test func tinyFarAwayAndEmptyFilteredSets() throws {
        let world = try Self.world()
        let london = Coordinate(latitude: 51.5, longitude: -0.12)
        let remote = try world.snapshot.nearest(to: london, count: 10, filter: SpatialFilter(groupId: Self.remote))
        #expect(remote.count == 3 && remote.allSatisfy { $0.contact.groupId == Self.remote })
        #expect(remote.map(\.distance) == remote.map(\.distance).sorted())
        #expect(try world.snapshot.nearest(to: london, count: 10, maxDistance: 1000, filter: SpatialFilter(groupId: Self.remote)).isEmpty)
        #expect(try world.snapshot.nearest(to: london, count: 10, filter: SpatialFilter(groupId: Self.empty)).isEmpty)
        #expect(try world.snapshot.contacts(within: 1e7, of: london, filter: SpatialFilter(groupId: Self.empty)).isEmpty)
        #expect(try world.snapshot.contacts(in: .world, filter: SpatialFilter(groupId: Self.empty)).isEmpty)
        // A leaf's subtree is itself.
        let leaf = try #require(world.contacts.first { c in !world.contacts.contains { $0.parentId == c.id } })
        #expect(try world.snapshot.nearest(to: london, count: 5, filter: SpatialFilter(ancestorId: leaf.id)).map(\.contact.id) == [leaf.id])
        // Bounding boxes; the remote group straddles nothing but spans 240° of longitude at the pole.
        let box = try #require(try world.snapshot.boundingBox(of: Self.remote))
        #expect(box.south == -89.5 && box.north == -89.5 && box.west == -60 && box.east == 179)
        #expect(try world.snapshot.boundingBox(of: Self.empty) == nil)
    }

    @Test func boundingBoxCrossesTheAntimeridian() {
        let box = CustomerSnapshot.boundingBox(of: [Coordinate(latitude: 1, longitude: 179), Coordinate(latitude: 2, longitude: -179),
                                                     Coordinate(latitude: 3, longitude: 178.5)])
        #expect(box == GeoBox(south: 1, west: 178.5, north: 3, east: -179))
        #expect(CustomerSnapshot.boundingBox(of: []) == nil)
    }

    @Test func queryParametersAreChecked() throws {
        let snapshot = CustomerSnapshot(customer: Fixture.customer)
        let p = Coordinate(latitude: 0, longitude: 0)
        #expect(syncProblem { () throws(ContactProblem) in _ = try snapshot.nearest(to: p, count: 0) }?.errors?["count"] != nil)
        #expect(syncProblem { () throws(ContactProblem) in _ = try snapshot.nearest(to: p, count: 1, maxDistance: -1) }?.code == .invalidParameter)
        #expect(syncProblem { () throws(ContactProblem) in _ = try snapshot.nearest(to: Coordinate(latitude: 91, longitude: 0), count: 1) }?.errors?["latitude"] != nil)
        #expect(syncProblem { () throws(ContactProblem) in _ = try snapshot.contacts(within: -5, of: p) }?.errors?["radius"] != nil)
        #expect(syncProblem { () throws(ContactProblem) in _ = try snapshot.contacts(in: GeoBox(south: 5, west: 0, north: 1, east: 1)) }?.errors?["box"] != nil)
        #expect(syncProblem { () throws(ContactProblem) in _ = try snapshot.nearest(to: p, count: 1, filter: SpatialFilter(groupId: GroupID(1))) }?.code == .groupNotFound)
        #expect(syncProblem { () throws(ContactProblem) in _ = try snapshot.nearest(to: p, count: 1, filter: SpatialFilter(ancestorId: ContactID(1))) }?.code == .contactNotFound)
        let directory = ContactDirectory()
        #expect(syncProblem { () throws(ContactProblem) in _ = try directory.point(latitude: 0, longitude: 0, crs: "EPSG:0") }?.errors?["crs"] != nil)
        #expect(try directory.point(latitude: 179640, longitude: 530268, crs: "EPSG:27700").latitude > 51.5)
    }
}
