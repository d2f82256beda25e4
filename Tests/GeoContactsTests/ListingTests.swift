import Geodesy
import GeoDataGeneration
import Testing
@testable import GeoContacts
import HashTreeCollections

@Suite("Listing pages")
struct ListingTests {
    /// Concatenates every page of the unfiltered listing.
    static func allPages(_ snapshot: CustomerSnapshot, size: Int) throws -> [ContactID] {
        var out: [ContactID] = []
        for number in 1... {
            let page = try snapshot.contacts(page: PageRequest(pageNumber: number, pageSize: size))
            #expect(page.items.count <= size)
            if page.items.isEmpty { break }
            out += page.items.map(\.id)
        }
        return out
    }

    @Test("dense ids (probed in order) and sparse ids (general path) page exactly like a sorted list",
          arguments: [1 as UInt64, 2, 3])
    func pagesMatchSortedIDs(seed: UInt64) async throws {
        var rng = SeededGenerator(seed: seed)
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        var ids: [ContactID] = []
        for i in 0..<300 { ids.append(try await directory.create(Fixture.draft("c\(i)"), as: Fixture.caller())) }
        // Remove a random third, the highest among them: gaps, and a removed top.
        var removed = Set<ContactID>([ids[ids.count - 1]])
        while removed.count < 100 { removed.insert(ids[rng.nextInt(below: ids.count)]) }
        for id in removed { _ = try await directory.remove(id, children: .reject, as: Fixture.caller()) }
        let expected = ids.filter { !removed.contains($0) }
        let snapshot = directory.snapshot(of: Fixture.customer)
        for size in [1, 7, 50, 1000] {
            #expect(try Self.allPages(snapshot, size: size) == expected, "seed \(seed) size \(size)")
        }

        // Sparse ids from a shuffled restore: same answers.
        let sparse = expected.enumerated().map { i, id -> Contact in
            var c = snapshot.contacts[id]!
            c.id = ContactID(Int64(i + 1) * 1_000_003)
            c.parentId = nil
            return c
        }
        try directory.restore(customer: Fixture.other, groups: snapshot.groups, definitions: snapshot.customFieldDefinitions,
                              contacts: sparse.shuffled(using: &rng))
        let restored = directory.snapshot(of: Fixture.other)
        #expect(try Self.allPages(restored, size: 13) == sparse.map(\.id))
    }

    @Test("restore refuses ids below 1, which the service never hands out")
    func restoreRefusesNonPositiveIDs() throws {
        let directory = ContactDirectory()
        let contact = Contact(id: ContactID(0), name: "zero", groupId: GroupID(1),
                              location: Coordinate(latitude: 1, longitude: 2))
        let error = #expect(throws: ContactProblem.self) {
            try directory.restore(customer: Fixture.customer, groups: [ContactGroup(id: GroupID(1), name: "G")],
                                  definitions: [], contacts: [contact])
        }
        #expect(error?.code == .internalError)
        #expect(directory.snapshot(of: Fixture.customer).count == 0)
    }

    @Test("group-filtered pages, for a large group (probed) and a small one (materialized), match brute force")
    func groupPages() async throws {
        var rng = SeededGenerator(seed: 77)
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        var groupOf: [ContactID: GroupID] = [:]
        for i in 0..<400 {
            let group = rng.nextInt(below: 20) == 0 ? Fixture.sites : Fixture.depots  // ~5% sites
            let id = try await directory.create(Fixture.draft("c\(i)", group: group), as: Fixture.caller())
            groupOf[id] = group
        }
        for id in groupOf.keys.sorted().filter({ $0.rawValue % 9 == 0 }) {
            _ = try await directory.remove(id, children: .reject, as: Fixture.caller())
            groupOf[id] = nil
        }
        let snapshot = directory.snapshot(of: Fixture.customer)
        for group in [Fixture.depots, Fixture.sites] {
            let expected = groupOf.filter { $0.value == group }.map(\.key).sorted()
            for size in [1, 6, 1000] {
                var got: [ContactID] = []
                for number in 1... {
                    let page = try snapshot.contacts(matching: ContactFilter(groupId: group),
                                                     page: PageRequest(pageNumber: number, pageSize: size))
                    if page.items.isEmpty { break }
                    #expect(page.items.allSatisfy { $0.groupId == group })
                    got += page.items.map(\.id)
                }
                #expect(got == expected, "group \(group) size \(size)")
            }
        }
    }
}
