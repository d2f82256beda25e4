import Geodesy
import GeoDataGeneration
import Testing
@testable import GeoContacts

/// Radius and box queries are paged (issue 17, item 8): the pages, read one after another,
/// are exactly the unpaged answer, whatever the filter, and a page past the end is empty.
@Suite("Spatial queries in pages") struct SpatialPageTests {
    static func directory(seed: UInt64) async throws -> ContactDirectory {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        var random = SeededGenerator(seed: seed)
        var drafts: [ContactDraft] = []
        for i in 0..<600 {
            // Clustered around London with some duplicates, so that distance ties occur.
            let lat = i % 50 == 0 ? 51.5 : 51.5 + Double.random(in: -0.5...0.5, using: &random)
            let lon = i % 50 == 0 ? -0.12 : -0.12 + Double.random(in: -0.8...0.8, using: &random)
            drafts.append(Fixture.draft("C\(i)", group: i % 3 == 0 ? Fixture.sites : Fixture.depots, latitude: lat, longitude: lon))
        }
        _ = try await directory.create(contentsOf: drafts, as: Fixture.caller())
        return directory
    }

    static func allPages<T>(size: Int, _ page: (PageRequest) throws -> Page<T>) throws -> [T] {
        var items: [T] = []
        var number = 1
        while true {
            let p = try page(PageRequest(pageNumber: number, pageSize: size))
            #expect(p.pageItemCount <= size)
            items += p.items
            if p.pageItemCount < size { return items }
            number += 1
        }
    }

    @Test(arguments: [1, 7, 50, 1000])
    func radiusPagesEqualTheWholeAnswer(_ size: Int) async throws {
        let s = try await Self.directory(seed: 17).snapshot(of: Fixture.customer)
        let point = Coordinate(latitude: 51.5, longitude: -0.12)
        for (radius, filter) in [(20_000.0, SpatialFilter.none), (60_000, .none), (60_000, SpatialFilter(groupId: Fixture.sites)), (0, .none)] {
            let whole = try s.contacts(within: radius, of: point, filter: filter)
            let paged = try Self.allPages(size: size) { try s.contacts(within: radius, of: point, filter: filter, page: $0) }
            #expect(paged == whole, "radius \(radius), size \(size)")
        }
        let whole = try s.contacts(within: 60_000, of: point)
        #expect(whole.count > 100, "the test needs a large answer")
        let past = try s.contacts(within: 60_000, of: point, page: PageRequest(pageNumber: 1_000_000, pageSize: 1000))
        #expect(past.items.isEmpty)
        let huge = try s.contacts(within: 60_000, of: point, page: PageRequest(pageNumber: Int.max, pageSize: 1000))
        #expect(huge.items.isEmpty)
    }

    @Test(arguments: [1, 7, 50, 1000])
    func boxPagesEqualTheWholeAnswer(_ size: Int) async throws {
        let s = try await Self.directory(seed: 18).snapshot(of: Fixture.customer)
        let boxes = [GeoBox(south: 51.3, west: -0.5, north: 51.8, east: 0.3), GeoBox(south: -90, west: -180, north: 90, east: 180),
                     GeoBox(south: 51, west: 170, north: 52, east: 0)]
        for box in boxes {
            for filter in [SpatialFilter.none, SpatialFilter(groupId: Fixture.depots)] {
                let whole = try s.contacts(in: box, filter: filter)
                let paged = try Self.allPages(size: size) { try s.contacts(in: box, filter: filter, page: $0) }
                #expect(paged == whole, "\(box), size \(size)")
            }
        }
    }
}
