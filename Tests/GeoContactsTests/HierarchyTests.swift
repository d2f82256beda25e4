import Geodesy
import GeoDataGeneration
import Testing
@testable import GeoContacts

/// Hierarchy queries against brute force over randomized forests.
@Suite struct HierarchyTests {
    /// Brute-force answers from a plain parent map.
    struct Forest {
        var parent: [ContactID: ContactID?] = [:]

        func children(of id: ContactID) -> [ContactID] { parent.filter { $0.value == id }.map(\.key).sorted() }
        var roots: [ContactID] { parent.filter { $0.value == nil }.map(\.key).sorted() }

        func ancestors(of id: ContactID) -> [ContactID] {
            var path: [ContactID] = []
            var current = parent[id]!
            while let c = current { path.append(c); current = parent[c]! }
            return path
        }

        func bfs(_ id: ContactID) -> [ContactID] {
            var out: [ContactID] = []
            var level = children(of: id)
            while !level.isEmpty {
                out += level
                level = level.flatMap { children(of: $0) }
            }
            return out
        }

        func dfs(_ id: ContactID) -> [ContactID] {
            var out: [ContactID] = []
            for c in children(of: id) { out.append(c); out += dfs(c) }  // shallow test forests only
            return out
        }
    }

    func check(_ snapshot: CustomerSnapshot, against forest: Forest, sample: [ContactID], context: String) throws {
        try snapshot.checkInvariants()
        #expect(snapshot.count == forest.parent.count, "\(context)")
        #expect(snapshot.roots(page: .all).items.map(\.id) == Array(forest.roots.prefix(1000)), "\(context)")
        for id in sample {
            #expect(try snapshot.children(of: id).map(\.id) == forest.children(of: id), "\(context) children \(id)")
            let ancestors = forest.ancestors(of: id)
            #expect(try snapshot.ancestors(of: id).map(\.id) == ancestors, "\(context) ancestors \(id)")
            for size in [1, 3] {  // pages read in turn are the whole path, and then empty
                var paged: [ContactID] = []
                for number in 1...(ancestors.count / size + 2) {
                    paged += try snapshot.ancestors(of: id, page: PageRequest(pageNumber: number, pageSize: size)).items.map(\.id)
                }
                #expect(paged == ancestors, "\(context) ancestor pages of \(size) \(id)")
            }
            #expect(try snapshot.depth(of: id) == ancestors.count, "\(context) depth \(id)")
            let bfs = forest.bfs(id)
            #expect(try snapshot.subtreeSize(of: id) == bfs.count + 1, "\(context) size \(id)")
            for order in TraversalOrder.allCases {
                let expected = order == .breadthFirst ? bfs : forest.dfs(id)
                var got: [ContactID] = []
                var number = 1
                while true {
                    let page = try snapshot.descendants(of: id, order: order, page: PageRequest(pageNumber: number, pageSize: 7))
                    got += page.items.map(\.id)
                    if page.pageItemCount < 7 { break }
                    number += 1
                }
                #expect(got == expected, "\(context) \(order) \(id)")
            }
        }
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func randomizedForests(seed: UInt64) async throws {
        print("HierarchyTests seed: \(seed)")
        var rng = SeededGenerator(seed: seed)
        // Removals that would change more than 40 contacts are refused (the fan and the chain
        // exceed it; most random subtrees do not).
        let limit = 40
        var policy = ContactPolicy.default
        policy.maximumRemovalSize = limit
        let directory = try await Fixture.directory(customers: [Fixture.customer], policy: policy)
        let caller = Fixture.caller()
        var forest = Forest()
        // Shapes: a deep chain, a wide fan, many roots, random attachments.
        var last: ContactID?
        for i in 0..<60 {
            let id = try await directory.create(Fixture.draft("chain\(i)", parent: last), as: caller)
            forest.parent[id] = .some(last)
            last = id
        }
        let hub = try await directory.create(Fixture.draft("hub"), as: caller)
        forest.parent[hub] = .some(nil)
        for i in 0..<80 {
            let id = try await directory.create(Fixture.draft("fan\(i)", parent: hub), as: caller)
            forest.parent[id] = .some(hub)
        }
        for i in 0..<120 {
            let parent = Int.random(in: 0..<4, using: &rng) == 0 ? nil : forest.parent.keys.randomElement(using: &rng)
            let id = try await directory.create(Fixture.draft("r\(i)", parent: parent), as: caller)
            forest.parent[id] = .some(parent)
        }
        try check(directory.snapshot(of: Fixture.customer), against: forest, sample: Array(forest.parent.keys.shuffled(using: &rng).prefix(30)), context: "seed \(seed) built")

        for step in 0..<150 {
            let ids = forest.parent.keys.sorted()
            let id = ids.randomElement(using: &rng)!
            let context = "seed \(seed) step \(step)"
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<6:
                // Re-parent a subtree (or try to make a cycle: refused, nothing changes).
                let target = Int.random(in: 0..<8, using: &rng) == 0 ? nil : ids.randomElement(using: &rng)!
                var patch = ContactPatch()
                patch.parentId = target.map { .value($0) } ?? .null
                let cycle = target.map { t in t == id || forest.ancestors(of: t).contains(id) } ?? false
                let p = await problem { () async throws(ContactProblem) in try await directory.update(id, with: patch, as: caller) }
                if cycle {
                    #expect(p?.code == .validationFailed && p?.errors?["parentId"] != nil, "\(context)")
                } else {
                    #expect(p == nil, "\(context) \(String(describing: p))")
                    forest.parent[id] = .some(target)
                }
            case 6..<8:
                let policy = [RemovalPolicy.reject, .reparentChildren, .cascade].randomElement(using: &rng)!
                let children = forest.children(of: id)
                let p = await problem { () async throws(ContactProblem) in try await directory.remove(id, children: policy, as: caller) }
                let changed = policy == .cascade ? forest.bfs(id).count + 1 : children.count + 1
                if policy == .reject && !children.isEmpty {
                    #expect(p?.code == .contactHasChildren, "\(context)")
                } else if !children.isEmpty && changed > limit {
                    #expect(p?.code == .removalTooLarge, "\(context) \(changed) contacts")
                } else {
                    #expect(p == nil, "\(context)")
                    if policy == .cascade {
                        for d in forest.bfs(id) { forest.parent[d] = nil }
                    } else {
                        for c in children { forest.parent[c] = .some(forest.parent[id]!) }
                    }
                    forest.parent[id] = nil
                }
            default:
                let parent = Bool.random(using: &rng) ? ids.randomElement(using: &rng) : nil
                let new = try await directory.create(Fixture.draft("n\(step)", parent: parent), as: caller)
                forest.parent[new] = .some(parent)
            }
            let sample = Array(forest.parent.keys.shuffled(using: &rng).prefix(8))
            try check(directory.snapshot(of: Fixture.customer), against: forest, sample: sample, context: context)
        }
    }

    /// A removal that would change more than the policy's limit is refused and changes
    /// nothing; one at the limit goes through.
    @Test func removalsAreBounded() async throws {
        var policy = ContactPolicy.default
        policy.maximumRemovalSize = 10
        let directory = try await Fixture.directory(customers: [Fixture.customer], policy: policy)
        let caller = Fixture.caller()
        var chain: [ContactID] = []
        for i in 0..<12 {
            chain.append(try await directory.create(Fixture.draft("chain\(i)", parent: chain.last), as: caller))
        }
        let hub = try await directory.create(Fixture.draft("hub"), as: caller)
        for i in 0..<10 { _ = try await directory.create(Fixture.draft("fan\(i)", parent: hub), as: caller) }
        let before = directory.snapshot(of: Fixture.customer)

        for (id, removal) in [(chain[0], RemovalPolicy.cascade), (chain[1], .cascade), (hub, .reparentChildren), (hub, .cascade)] {
            let p = await problem { () async throws(ContactProblem) in try await directory.remove(id, children: removal, as: caller) }
            #expect(p?.code == .removalTooLarge, "\(id) \(removal)")
        }
        let after = directory.snapshot(of: Fixture.customer)
        #expect(after.count == before.count)
        #expect(after.contacts == before.contacts)
        try after.checkInvariants()

        // chain[2]'s subtree is exactly 10 contacts.
        let removed = try await directory.remove(chain[2], children: .cascade, as: caller)
        #expect(removed == Array(chain[2...]).sorted())
        #expect(directory.snapshot(of: Fixture.customer).count == before.count - 10)
    }

    /// A chain a million levels deep: descendants of the root, ancestors of the leaf, depth,
    /// subtree size and a cycle check all run iteratively.
    @Test(.tags(.slow)) func millionDeepChain() async throws {
        let n = 1_000_000
        let directory = ContactDirectory()
        let customer = Fixture.customer
        let group = ContactGroup(id: Fixture.depots, name: "Depots")
        func chainLink(_ i: Int) -> Contact {
            let parent: ContactID? = i == 1 ? nil : ContactID(Int64(i - 1))
            let location = Coordinate(latitude: Double(i % 1000) / 20, longitude: Double(i / 1000) / 10)
            return Contact(id: ContactID(Int64(i)), name: "c", groupId: group.id, parentId: parent, location: location)
        }
        let contacts = (1...n).lazy.map(chainLink)
        try directory.restore(customer: customer, groups: [group], definitions: [], contacts: contacts)
        let snapshot = try directory.snapshot(as: Fixture.caller())
        let root = ContactID(1), leaf = ContactID(Int64(n))
        #expect(try snapshot.subtreeSize(of: root) == n)
        #expect(try snapshot.depth(of: leaf) == n - 1)
        let ancestors = try snapshot.ancestors(of: leaf)
        #expect(ancestors.count == n - 1 && ancestors.first?.id == ContactID(Int64(n - 1)) && ancestors.last?.id == root)
        // Depth-first is where a recursive walk would overflow; it visits the whole chain.
        let last = try snapshot.descendants(of: root, order: .depthFirst, page: PageRequest(pageNumber: 1000, pageSize: 1000))
        #expect(last.pageItemCount == 999 && last.items.last?.id == leaf)
        let first = try snapshot.descendants(of: root, order: .breadthFirst, page: PageRequest(pageNumber: 1, pageSize: 1000))
        #expect(first.items.map(\.id.rawValue) == Array(2...1001))
        // Making the root a child of the leaf is a cycle: refused after walking the whole chain.
        var patch = ContactPatch()
        patch.parentId = .value(leaf)
        let p = await problem { () async throws(ContactProblem) in try await directory.update(root, with: patch, as: Fixture.caller()) }
        #expect(p?.errors?["parentId"] == ["would make the contact its own ancestor"])
        // Nearest within the subtree of a deep contact.
        let deep = ContactID(Int64(n - 10))
        let hits = try snapshot.nearest(to: Coordinate(latitude: 0, longitude: 0), count: 3, filter: SpatialFilter(ancestorId: deep))
        #expect(hits.count == 3 && hits.allSatisfy { $0.contact.id.rawValue >= deep.rawValue })
    }
}
