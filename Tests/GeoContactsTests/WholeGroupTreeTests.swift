import Geodesy
import GeoDataGeneration
import Testing
@testable import GeoContacts

/// A group holding every contact of its customer has no R-tree of its own (the customer's is
/// its tree): creates, moves between groups, removals and emptying the customer must keep
/// every invariant, and nearest-in-a-group must stay exact (brute force) through each change.
@Suite struct WholeGroupTreeTests {
    let groups = [GroupID(1), GroupID(2), GroupID(3)]

    @Test("the whole group's tree is the customer's until another group's contact comes; group queries stay exact",
          arguments: [11, 12, 13])
    func transitions(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var snapshot = CustomerSnapshot(customer: Fixture.customer)
        for group in groups { snapshot.apply(.groupDefined(ContactGroup(id: group, name: "G\(group)"))) }
        var next: Int64 = 1
        var steps = (shared: 0, separate: 0, empty: 0)
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
                #expect(snapshot.wholeGroup == nil)
            } else if snapshot.wholeGroup != nil {
                steps.shared += 1
            } else {
                steps.separate += 1
            }
            guard step % 7 == 0 else { continue }
            let q = location()
            for group in groups {
                let found = try snapshot.nearest(to: q, count: 5, filter: SpatialFilter(groupId: group))
                let expected = snapshot.contacts.values.filter { $0.groupId == group }
                    .map { Geodesic.wgs84.distance(from: q, to: $0.location) }.sorted().prefix(5)
                #expect(found.allSatisfy { $0.contact.groupId == group })
                #expect(found.map(\.distance).elementsEqual(expected) { abs($0 - $1) < 1e-6 },
                        "seed \(seed) step \(step) group \(group)")
            }
        }
        #expect(steps.shared > 50 && steps.separate > 50 && steps.empty >= 2, "\(steps)")
    }

    @Test("runs of creations indexed together keep, give and separate the whole group's tree as one by one would",
          arguments: [21, 22])
    func creationRuns(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var snapshot = CustomerSnapshot(customer: Fixture.customer)
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
        let runs: [(count: Int, groups: [GroupID], whole: GroupID?)] = [
            (600, [groups[0]], groups[0]),        // into an empty customer: built in bulk, the whole group's
            (300, [groups[0]], groups[0]),        // more of the same group: still one tree
            (20, [groups[0]], groups[0]),         // a short run, one by one
            (700, [groups[1], groups[2]], nil),   // other groups: the whole group gets its own tree
            (400, groups, nil),
        ]
        var oneByOne = snapshot
        for (count, chosen, whole) in runs {
            let changes = run(count, groups: chosen)
            snapshot = try snapshot.applying(changes)
            for change in changes { oneByOne.apply(change) }
            try snapshot.checkInvariants()
            #expect(snapshot.wholeGroup == whole && oneByOne.wholeGroup == whole)
            #expect(try snapshot.everyContact() == oneByOne.everyContact())
            for _ in 0..<5 {
                let q = Coordinate(latitude: rng.nextDouble(in: 48, 49), longitude: rng.nextDouble(in: 2, 3))
                for group in groups {
                    let filter = SpatialFilter(groupId: group)
                    #expect(try snapshot.nearest(to: q, count: 7, filter: filter) == oneByOne.nearest(to: q, count: 7, filter: filter))
                }
                #expect(try snapshot.contacts(within: 20_000, of: q) == oneByOne.contacts(within: 20_000, of: q))
            }
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

    @Test("a restore finds the group that holds every contact, and the first contact of another group separates it")
    func restore() throws {
        let directory = ContactDirectory()
        let contacts = (1...500).map {
            Contact(id: ContactID(Int64($0)), name: "c\($0)", groupId: groups[0],
                    location: Coordinate(latitude: Double($0 % 50), longitude: Double($0 / 50)))
        }
        try directory.restore(customer: Fixture.customer, groups: groups.map { ContactGroup(id: $0, name: "G") },
                              definitions: [], contacts: contacts)
        var snapshot = directory.snapshot(of: Fixture.customer)
        #expect(snapshot.wholeGroup == groups[0] && snapshot.groupSpatial.isEmpty)
        try snapshot.checkInvariants()
        snapshot.apply(.created(Contact(id: ContactID(501), name: "x", groupId: groups[1],
                                        location: Coordinate(latitude: 0.5, longitude: 0.5))))
        #expect(snapshot.wholeGroup == nil && snapshot.groupSpatial.count == 2)
        try snapshot.checkInvariants()
        #expect(try snapshot.nearest(to: Coordinate(latitude: 0.5, longitude: 0.5), count: 1,
                                     filter: SpatialFilter(groupId: groups[0])).first?.contact.groupId == groups[0])
    }
}
