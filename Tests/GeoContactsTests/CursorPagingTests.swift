import Geodesy
import GeoDataGeneration
import Testing
@testable import GeoContacts
import HashTreeCollections

/// Keyset paging (`PageRequest(after:)`): following `next` from the first page lists exactly
/// what numbered pages list, on every path (dense ids walked, small sets sliced, sparse ids).
@Suite("Cursor paging")
struct CursorPagingTests {
    /// Follows `next` from the first page; returns every id and how many pages it took.
    static func follow(pageSize: Int, _ list: (PageRequest) throws(ContactProblem) -> Page<Contact>) throws -> (ids: [ContactID], pages: Int) {
        var ids: [ContactID] = []
        var page = try list(try PageRequest(pageNumber: 1, pageSize: pageSize))
        var pages = 1
        ids += page.items.map(\.id)
        while let next = page.next {
            page = try list(try PageRequest(after: next, pageSize: pageSize))
            pages += 1
            ids += page.items.map(\.id)
            #expect(pages <= 10_000)
        }
        return (ids, pages)
    }

    @Test("dense ids with gaps, group filters large and small, children")
    func denseIDs() async throws {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        let caller = Fixture.caller()
        var rng = SeededGenerator(seed: 5)
        let root = try await directory.create(Fixture.draft("root"), as: caller)
        var drafts: [ContactDraft] = []
        for i in 0..<2_000 {
            // One contact in 16 is a site (a small group); a third are the root's children.
            drafts.append(Fixture.draft("c\(i)", group: i % 16 == 0 ? Fixture.sites : Fixture.depots,
                                        parent: i % 3 == 0 ? root : nil,
                                        latitude: Double.random(in: -60...60, using: &rng), longitude: Double.random(in: -180...180, using: &rng)))
        }
        let created = try await directory.create(contentsOf: drafts, as: caller).map { try $0.get() }
        for id in created where id.rawValue % 7 == 0 { _ = try await directory.remove(id, as: caller) }
        let snapshot = directory.snapshot(of: Fixture.customer)
        let all = snapshot.contacts.keys.sorted()
        for size in [1, 37, 1000] {
            let (ids, pages) = try Self.follow(pageSize: size) { (page) throws(ContactProblem) in try snapshot.contacts(page: page) }
            #expect(ids == all, "page size \(size)")
            #expect(pages == all.count / size + 1)
        }
        for group in [Fixture.depots, Fixture.sites] {
            let expected = try snapshot.contacts(matching: ContactFilter(groupId: group), page: .all).items.map(\.id)
            let (ids, _) = try Self.follow(pageSize: 50) { (page) throws(ContactProblem) in
                try snapshot.contacts(matching: ContactFilter(groupId: group), page: page)
            }
            #expect(ids.count > 50)
            #expect(ids == (expected.count < 1000 ? expected : ids), "group \(group)")
            #expect(ids == ids.sorted() && Set(ids).count == ids.count)
            #expect(Set(ids) == Set(snapshot.contacts.values.filter { $0.groupId == group }.map(\.id)))
        }
        let (children, _) = try Self.follow(pageSize: 64) { (page) throws(ContactProblem) in try snapshot.children(of: root, page: page) }
        #expect(children == (try snapshot.children(of: root)).map(\.id).sorted())
        // Past the end, before the start, at the very top of Int64.
        #expect(try snapshot.contacts(page: PageRequest(after: ContactID(Int64.max), pageSize: 10)).items.isEmpty)
        #expect(try snapshot.contacts(page: PageRequest(after: ContactID(-5), pageSize: 3)).items.map(\.id) == Array(all.prefix(3)))
        // pageNumber counts from the cursor; a huge one is an empty page, not a huge allocation.
        #expect(try snapshot.contacts(page: PageRequest(after: all[2], pageNumber: 2, pageSize: 3)).items.map(\.id)
            == Array(all[6..<9]))
        for number in [2_035_937_745_903, Int.max / 2, Int.max] {
            #expect(try snapshot.children(of: root, page: PageRequest(after: ContactID(31), pageNumber: number, pageSize: 24)).items.isEmpty)
            #expect(try snapshot.contacts(page: PageRequest(after: ContactID(31), pageNumber: number, pageSize: 24)).items.isEmpty)
        }
        // Listings not ordered by id refuse a cursor.
        let cursor = try PageRequest(after: root, pageSize: 10)
        #expect(throws: ContactProblem.self) { try snapshot.descendants(of: root, page: cursor) }
        #expect(throws: ContactProblem.self) { try snapshot.ancestors(of: root, page: cursor) }
        #expect(throws: ContactProblem.self) {
            try snapshot.contacts(within: 1_000, of: Coordinate(latitude: 0, longitude: 0), page: cursor)
        }
        // The box listing is ordered by id: it follows cursors too.
        let box = GeoBox(south: -30, west: 170, north: 30, east: -170)
        let inBox = try snapshot.contacts(in: box).map(\.contact.id).sorted()
        var boxIDs: [ContactID] = []
        var page = try snapshot.contacts(in: box, page: PageRequest(pageNumber: 1, pageSize: 5))
        boxIDs += page.items.map(\.contact.id)
        while let next = page.next {
            page = try snapshot.contacts(in: box, page: PageRequest(after: next, pageSize: 5))
            boxIDs += page.items.map(\.contact.id)
        }
        #expect(inBox.count > 5)
        #expect(boxIDs == inBox)
    }

    @Test("sparse ids (imported with their own): the sliced path follows cursors too")
    func sparseIDs() throws {
        let directory = ContactDirectory()
        let ids = (1...500).map { ContactID(Int64($0) * 1_000_003) }
        let contacts = ids.map { Contact(id: $0, name: "c\($0)", groupId: Fixture.depots,
                                         location: Coordinate(latitude: 1, longitude: Double($0.rawValue % 360) - 180)) }
        try directory.restore(customer: Fixture.customer, groups: [ContactGroup(id: Fixture.depots, name: "D")],
                              definitions: [], contacts: contacts.shuffled())
        let snapshot = directory.snapshot(of: Fixture.customer)
        let (listed, pages) = try Self.follow(pageSize: 45) { (page) throws(ContactProblem) in try snapshot.contacts(page: page) }
        #expect(listed == ids)
        #expect(pages == 12)
    }
}

/// Descendants with a cursor, depth-first and breadth-first: following `next` lists exactly what
/// numbered pages list, on a random forest with deep chains and wide fans.
@Suite("Descendant cursors")
struct DescendantCursorTests {
    @Test func followingNextListsThePreOrder() async throws {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        let caller = Fixture.caller()
        var rng = SeededGenerator(seed: 11)
        var ids: [ContactID] = [try await directory.create(Fixture.draft("root"), as: caller)]
        for i in 0..<1_500 {
            // Mostly under recent contacts (deep chains), sometimes under the root (a wide fan).
            let parent = i % 5 == 0 ? ids[0] : ids[max(0, ids.count - Int.random(in: 1...8, using: &rng))]
            ids.append(try await directory.create(Fixture.draft("c\(i)", parent: parent), as: caller))
        }
        let snapshot = directory.snapshot(of: Fixture.customer)
        for order in [TraversalOrder.depthFirst, .breadthFirst] {
            for root in [ids[0], ids[7], ids[500]] {
                var expected: [ContactID] = []
                var n = 1
                while true {
                    let page = try snapshot.descendants(of: root, order: order, page: PageRequest(pageNumber: n, pageSize: 1000))
                    expected += page.items.map(\.id)
                    if page.items.count < 1000 { break }
                    n += 1
                }
                for size in [1, 7, 100] {
                    let (got, _) = try CursorPagingTests.follow(pageSize: size) { (page) throws(ContactProblem) in
                        try snapshot.descendants(of: root, order: order, page: page)
                    }
                    #expect(got == expected, "\(order) root \(root) page size \(size)")
                }
                // pageNumber counts from the cursor.
                if expected.count > 30 {
                    let third = try snapshot.descendants(of: root, order: order, page: PageRequest(after: expected[9], pageNumber: 3, pageSize: 5))
                    #expect(third.items.map(\.id) == Array(expected[20..<25]), "\(order)")
                }
            }
        }
        // A cursor that is not a descendant, or the root itself: refused, in either order.
        for order in [TraversalOrder.depthFirst, .breadthFirst] {
            for bad in [ids[0], ids[7]] {
                #expect(syncProblem { () throws(ContactProblem) in
                    _ = try snapshot.descendants(of: ids[7], order: order, page: PageRequest(after: bad, pageSize: 5))
                }?.errors?["after"] != nil)
            }
        }
        #expect(syncProblem { () throws(ContactProblem) in
            _ = try snapshot.descendants(of: ids[0], order: .depthFirst, page: PageRequest(after: ContactID(999_999), pageSize: 5))
        }?.code == .validationFailed)
    }
}
