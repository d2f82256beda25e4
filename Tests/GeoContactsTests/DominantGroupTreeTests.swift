import Geodesy
import GeoDataGeneration
import HashTreeCollections
import Testing
@testable import GeoContacts

/// A group holding all but a few contacts of its customer (its outsiders, at most
/// `outsiderLimit`) has no R-tree of its own: the customer's is its tree, searched without the
/// outsiders. Creates, moves between groups, removals, emptying the customer and the
/// separation past the limit must keep every invariant, and group queries (nearest, radius,
/// box) must stay exact (brute force) through each change.
@Suite struct DominantGroupTreeTests {
    let groups = [GroupID(1), GroupID(2), GroupID(3)]

    /// Nearest-5, a radius and a box within each group, against brute force over the contacts.
    func checkGroupQueries(_ snapshot: CustomerSnapshot, at q: Coordinate, _ context: String) throws {
        let box = GeoBox(south: q.latitude - 0.2, west: q.longitude - 0.3, north: q.latitude + 0.2, east: q.longitude + 0.3)
        for group in groups {
            let filter = SpatialFilter(groupId: group)
            let members: [Contact] = Array(snapshot.contacts.values).filter { $0.groupId == group }
            let found = try snapshot.nearest(to: q, count: 5, filter: filter)
            let expected = members.map { Geodesic.wgs84.distance(from: q, to: $0.location) }.sorted().prefix(5)
            #expect(found.allSatisfy { $0.contact.groupId == group }, "\(context) group \(group)")
            #expect(found.map(\.distance).elementsEqual(expected) { abs($0 - $1) < 1e-6 }, "\(context) group \(group)")
            let near = try snapshot.contacts(within: 15_000, of: q, filter: filter).map(\.contact.id)
            let nearExpected: [ContactID] = members.filter { Geodesic.wgs84.distance(from: q, to: $0.location) <= 15_000 }.map(\.id)
            #expect(Set(near) == Set(nearExpected) && near.count == nearExpected.count, "\(context) group \(group)")
            // A page of the radius query: the nearest search with a maximum distance.
            let byDistance = members.map { (Geodesic.wgs84.distance(from: q, to: $0.location), $0.id) }
                .filter { $0.0 <= 15_000 }.sorted { $0 < $1 }
            let page = try snapshot.contacts(within: 15_000, of: q, filter: filter, page: PageRequest(pageNumber: 2, pageSize: 3))
            #expect(page.items.map(\.contact.id) == byDistance.dropFirst(3).prefix(3).map(\.1), "\(context) group \(group)")
            let inBox = try snapshot.contacts(in: box, filter: filter).map(\.contact.id)
            #expect(inBox == members.filter { box.contains($0.location) }.map(\.id).sorted(), "\(context) group \(group)")
        }
    }

    @Test("the dominant group's tree is the customer's, without its outsiders, until they pass the limit; group queries stay exact",
          arguments: [11, 12, 13])
    func transitions(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var snapshot = CustomerSnapshot(customer: Fixture.customer)
        snapshot.outsiderLimit = 6
        for group in groups { snapshot.apply(.groupDefined(ContactGroup(id: group, name: "G\(group)"))) }
        var next: Int64 = 1
        var steps = (alone: 0, withOutsiders: 0, separate: 0, empty: 0)
        // Dense around one place, so that trees have several levels and moves cross them.
        func location() -> Coordinate {
            Coordinate(latitude: rng.nextDouble(in: 48, 49), longitude: rng.nextDouble(in: 2, 3))
        }
        for step in 0..<900 {
            let ids = Array(snapshot.contacts.keys)
            // Phases of 150 steps: 90 in one group (moves within it), then other groups'
            // contacts and moves between groups; every other phase ends with the customer emptied.
            let phaseGroup = groups[(step / 150) % groups.count]
            let mixing = step % 150 >= 90
            let roll = Int.random(in: 0..<20, using: &rng)
            if step % 300 == 299 {
                for id in ids { snapshot.apply(.removed(snapshot.contacts[id]!)) }
            } else if ids.isEmpty || roll < 12 {
                let group = mixing && roll < 3 ? groups.randomElement(using: &rng)! : phaseGroup
                snapshot.apply(.created(Contact(id: ContactID(next), name: "c\(next)", groupId: group, location: location())))
                next += 1
            } else if roll < 17, let id = ids.randomElement(using: &rng) {
                let old = snapshot.contacts[id]!
                var new = old
                if Bool.random(using: &rng) { new.location = location() }
                if mixing, roll == 16 { new.groupId = groups.randomElement(using: &rng)! }
                snapshot.apply(.updated(old: old, new: new))
            } else if let id = ids.randomElement(using: &rng) {
                snapshot.apply(.removed(snapshot.contacts[id]!))
            }
            try snapshot.checkInvariants()
            if snapshot.count == 0 {
                steps.empty += 1
                #expect(snapshot.dominantGroup == nil && snapshot.outsiders.isEmpty)
            } else if snapshot.dominantGroup == nil {
                steps.separate += 1
            } else if snapshot.outsiders.isEmpty {
                steps.alone += 1
            } else {
                steps.withOutsiders += 1
            }
            guard step % 7 == 0 else { continue }
            try checkGroupQueries(snapshot, at: location(), "seed \(seed) step \(step)")
        }
        #expect(steps.alone > 50 && steps.withOutsiders > 20 && steps.separate > 50 && steps.empty >= 2, "\(steps)")
    }

    @Test("a group emptied while dominant gives up the customer's tree; its outsiders keep their groups' trees")
    func dominantGroupEmptied() throws {
        var snapshot = CustomerSnapshot(customer: Fixture.customer)
        for group in groups { snapshot.apply(.groupDefined(ContactGroup(id: group, name: "G\(group)"))) }
        let contacts = (1...5).map {
            Contact(id: ContactID(Int64($0)), name: "c\($0)", groupId: $0 <= 3 ? groups[0] : groups[1],
                    location: Coordinate(latitude: 48 + Double($0) / 10, longitude: 2))
        }
        for contact in contacts { snapshot.apply(.created(contact)) }
        #expect(snapshot.dominantGroup == groups[0] && snapshot.outsiders == TreeSet([ContactID(4), ContactID(5)]))
        for contact in contacts.prefix(3) { snapshot.apply(.removed(contact)) }
        #expect(snapshot.dominantGroup == nil && snapshot.outsiders.isEmpty)
        try snapshot.checkInvariants()
        try checkGroupQueries(snapshot, at: Coordinate(latitude: 48.4, longitude: 2), "emptied")
        // Moving the last member out does the same.
        var other = CustomerSnapshot(customer: Fixture.customer)
        for group in groups { other.apply(.groupDefined(ContactGroup(id: group, name: "G\(group)"))) }
        other.apply(.created(contacts[0]))
        other.apply(.created(contacts[4]))
        #expect(other.dominantGroup == groups[0] && other.outsiders.count == 1)
        var moved = contacts[0]
        moved.groupId = groups[2]
        other.apply(.updated(old: contacts[0], new: moved))
        #expect(other.dominantGroup == nil && other.outsiders.isEmpty && other.groupSpatial.count == 2)
        try other.checkInvariants()
        try checkGroupQueries(other, at: Coordinate(latitude: 48.4, longitude: 2), "moved out")
    }

    @Test("runs of creations indexed together keep, give and separate the dominant group's tree as one by one would",
          arguments: [21, 22])
    func creationRuns(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var snapshot = CustomerSnapshot(customer: Fixture.customer)
        snapshot.outsiderLimit = 100
        snapshot = try snapshot.applying(groups.map { .groupDefined(ContactGroup(id: $0, name: "G\($0)")) })
        var next: Int64 = 1
        func run(_ count: Int, groups chosen: [GroupID]) -> [ContactChange] {
            (0..<count).map { _ in
                defer { next += 1 }
                // Dense near one place, some coincident, references shared by a few.
                let location = next % 50 == 0 ? Coordinate(latitude: 48.5, longitude: 2.5)
                    : Coordinate(latitude: rng.nextDouble(in: 48, 49), longitude: rng.nextDouble(in: 2, 3))
                let parent = next > 1 && next % 3 == 0 ? ContactID(Int64.random(in: 1..<next, using: &rng)) : nil
                return .created(Contact(id: ContactID(next), reference: next % 4 == 0 ? nil : "r\(next % 97)", name: "c\(next)",
                                        groupId: chosen.randomElement(using: &rng)!, parentId: parent, location: location))
            }
        }
        // Each run alone, then the same changes one by one: the same contacts, every index valid.
        let runs: [(count: Int, groups: [GroupID], dominant: GroupID?, outsiders: Int)] = [
            (600, [groups[0]], groups[0], 0),     // into an empty customer: built in bulk, the dominant group's
            (300, [groups[0]], groups[0], 0),     // more of the same group: still one tree
            (20, [groups[0]], groups[0], 0),      // a short run, one by one
            (90, [groups[1], groups[2]], groups[0], 90),  // a few outsiders: still one tree
            (700, [groups[1], groups[2]], nil, 0),  // past the limit: the dominant group gets its own tree
            (400, groups, nil, 0),
        ]
        var oneByOne = snapshot
        for (count, chosen, dominant, outsiders) in runs {
            let changes = run(count, groups: chosen)
            snapshot = try snapshot.applying(changes)
            for change in changes { oneByOne.apply(change) }
            try snapshot.checkInvariants()
            try oneByOne.checkInvariants()
            #expect(snapshot.dominantGroup == dominant && oneByOne.dominantGroup == dominant)
            #expect(snapshot.outsiders.count == outsiders && oneByOne.outsiders.count == outsiders)
            #expect(try snapshot.everyContact() == oneByOne.everyContact())
            for _ in 0..<5 {
                let q = Coordinate(latitude: rng.nextDouble(in: 48, 49), longitude: rng.nextDouble(in: 2, 3))
                for group in groups {
                    let filter = SpatialFilter(groupId: group)
                    #expect(try snapshot.nearest(to: q, count: 7, filter: filter) == oneByOne.nearest(to: q, count: 7, filter: filter))
                }
                #expect(try snapshot.contacts(within: 20_000, of: q) == oneByOne.contacts(within: 20_000, of: q))
            }
            try checkGroupQueries(snapshot, at: Coordinate(latitude: 48.5, longitude: 2.5), "run of \(count)")
            for reference in ["r1", "r50", "r96"] {
                #expect(snapshot.contacts(withReference: reference) == oneByOne.contacts(withReference: reference))
            }
        }
        // A run interrupted by another change (a move) indexes the creations before it first.
        let id = ContactID(5)
        var moved = try #require(snapshot.contacts[id])
        moved.location = Coordinate(latitude: 48.9, longitude: 2.9)
        let mixed = run(300, groups: groups) + [.updated(old: try #require(snapshot.contacts[id]), new: moved)] + run(300, groups: groups)
        snapshot = try snapshot.applying(mixed)
        for change in mixed { oneByOne.apply(change) }
        try snapshot.checkInvariants()
        #expect(try snapshot.everyContact() == oneByOne.everyContact())
    }

    @Test("a run of mixed groups into an empty customer makes its largest group dominant when the rest fit the limit",
          arguments: [(40, GroupID(2) as GroupID?), (140, nil)])
    func mixedFirstRun(others: Int, dominant: GroupID?) throws {
        var snapshot = CustomerSnapshot(customer: Fixture.customer)
        snapshot.outsiderLimit = 100
        snapshot = try snapshot.applying(groups.map { .groupDefined(ContactGroup(id: $0, name: "G\($0)")) })
        let changes: [ContactChange] = (1...(500 + others)).map { (i: Int) -> ContactChange in
            let group = i <= 500 ? groups[1] : groups[i % 2 == 0 ? 0 : 2]
            let location = Coordinate(latitude: 48 + Double(i % 37) / 37, longitude: 2 + Double(i % 41) / 41)
            return .created(Contact(id: ContactID(Int64(i)), name: "c\(i)", groupId: group, location: location))
        }
        snapshot = try snapshot.applying(changes)
        try snapshot.checkInvariants()
        #expect(snapshot.dominantGroup == dominant)
        #expect(snapshot.outsiders.count == (dominant == nil ? 0 : others))
        try checkGroupQueries(snapshot, at: Coordinate(latitude: 48.5, longitude: 2.5), "first run")
    }

    @Test("through the directory, a reader's snapshot keeps its answers while writes cross the limit and separate the dominant group")
    func separationThroughTheDirectory() async throws {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        let caller = Fixture.caller()
        var rng = SeededGenerator(seed: 31)
        func drafts(_ count: Int, group: GroupID) -> [ContactDraft] {
            (0..<count).map { i in
                Fixture.draft("c\(i)", group: group, latitude: rng.nextDouble(in: 51, 52), longitude: rng.nextDouble(in: -1, 0))
            }
        }
        // Sites first (dominant), then depots one by one and in batches up to the limit.
        for result in try await directory.create(contentsOf: drafts(3_000, group: Fixture.sites), as: caller) { _ = try result.get() }
        for draft in drafts(20, group: Fixture.depots) { _ = try await directory.create(draft, as: caller) }
        for result in try await directory.create(contentsOf: drafts(CustomerSnapshot.defaultOutsiderLimit - 20, group: Fixture.depots),
                                                 as: caller) { _ = try result.get() }
        let before = try directory.snapshot(as: caller)
        #expect(before.dominantGroup == Fixture.sites && before.outsiders.count == CustomerSnapshot.defaultOutsiderLimit)
        try before.checkInvariants()
        let q = Coordinate(latitude: 51.5, longitude: -0.5)
        let filter = SpatialFilter(groupId: Fixture.sites)
        let answers = try before.nearest(to: q, count: 20, filter: filter)
        let inRadius = try before.contacts(within: 5_000, of: q, filter: filter)
        // One more depot: the sites get a tree of their own; the reader's snapshot is untouched.
        _ = try await directory.create(drafts(1, group: Fixture.depots)[0], as: caller)
        let after = try directory.snapshot(as: caller)
        #expect(after.dominantGroup == nil && after.outsiders.isEmpty && after.groupSpatial.count == 2)
        try after.checkInvariants()
        try before.checkInvariants()
        #expect(try before.nearest(to: q, count: 20, filter: filter) == answers)
        #expect(try before.contacts(within: 5_000, of: q, filter: filter) == inRadius)
        #expect(try after.nearest(to: q, count: 20, filter: filter) == answers)
        #expect(try after.contacts(within: 5_000, of: q, filter: filter) == inRadius)
        let sites = Array(after.contacts.values).filter { $0.groupId == Fixture.sites }
        let expected = sites.map { (Geodesic.wgs84.distance(from: q, to: $0.location), $0.id) }.sorted { $0 < $1 }.prefix(20)
        #expect(answers.map(\.contact.id) == expected.map(\.1))
    }

    @Test("a restore finds the dominant group and its outsiders; past the limit every group gets its own tree")
    func restore() throws {
        let limit = CustomerSnapshot.defaultOutsiderLimit
        for others in [0, 3, limit, limit + 1] {
            let directory = ContactDirectory()
            // Every fourth contact, up to `others` of them, in group 2 or 3.
            let contacts: [Contact] = (1...(1_500 + 4 * others)).map { (i: Int) -> Contact in
                let outside = i % 4 == 0 && i <= 4 * others
                return Contact(id: ContactID(Int64(i)), name: "c\(i)", groupId: outside ? groups[1 + i % 8 / 4] : groups[0],
                               location: Coordinate(latitude: Double(i % 50), longitude: Double(i / 50)))
            }
            try directory.restore(customer: Fixture.customer, groups: groups.map { ContactGroup(id: $0, name: "G") },
                                  definitions: [], contacts: contacts)
            var snapshot = directory.snapshot(of: Fixture.customer)
            let outside = contacts.filter { $0.groupId != groups[0] }.count
            #expect(outside == others)
            if others <= limit {
                #expect(snapshot.dominantGroup == groups[0] && snapshot.outsiders.count == others)
                #expect(snapshot.groupSpatial.count == Set(contacts.map(\.groupId)).count - 1)
            } else {
                #expect(snapshot.dominantGroup == nil && snapshot.outsiders.isEmpty && snapshot.groupSpatial.count == 3)
            }
            try snapshot.checkInvariants()
            try checkGroupQueries(snapshot, at: Coordinate(latitude: 10.5, longitude: 3.5), "restore \(others)")
            // One more outsider: kept within the limit, or the dominant group separated at it.
            snapshot.apply(.created(Contact(id: ContactID(100_000), name: "x", groupId: groups[1],
                                            location: Coordinate(latitude: 10.5, longitude: 3.5))))
            #expect(snapshot.dominantGroup == (others < limit ? groups[0] : nil))
            try snapshot.checkInvariants()
            try checkGroupQueries(snapshot, at: Coordinate(latitude: 10.5, longitude: 3.5), "restore \(others) + 1")
        }
    }
}
