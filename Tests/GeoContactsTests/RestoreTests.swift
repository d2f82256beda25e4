import Geodesy
import GeoDataGeneration
import Testing
@testable import GeoContacts

/// Restore over dense and sparse ids, given in any order: it builds the same indexes and refuses
/// every inconsistency, leaving nothing behind (the R-trees are built on another thread while
/// the contacts are checked: a refused restore must not keep or publish them).
@Suite struct RestoreTests {
    let groups = [ContactGroup(id: Fixture.depots, name: "Depots"), ContactGroup(id: Fixture.sites, name: "Sites")]

    /// A forest over `ids`: each contact's parent is an earlier one or none.
    func forest(_ ids: [Int64], seed: UInt64) -> [Contact] {
        var rng = SeededGenerator(seed: seed)
        return ids.enumerated().map { i, id in
            let parent = i == 0 || rng.next() % 3 == 0 ? nil : ContactID(ids[Int(rng.next() % UInt64(i))])
            return Contact(id: ContactID(id), name: "c\(id)", groupId: rng.next() % 2 == 0 ? Fixture.depots : Fixture.sites,
                           parentId: parent, location: Coordinate(latitude: rng.nextDouble(in: -90, 90), longitude: rng.nextDouble(in: -180, 180)))
        }
    }

    func restore(_ contacts: [Contact]) -> (ContactDirectory, ContactProblem?) {
        let directory = ContactDirectory()
        let problem = syncProblem { () throws(ContactProblem) in
            try directory.restore(customer: Fixture.customer, groups: groups, definitions: [], contacts: contacts)
        }
        return (directory, problem)
    }

    @Test(arguments: ["dense", "sparse"])
    func restoreBuildsTheIndexesAndRefusesInconsistencies(_ layout: String) throws {
        let ids: [Int64] = layout == "dense" ? Array(5...604)
            : (0..<600).map { Int64($0) * 15_373_311_117 + 1 } + [Int64.max - 1]
        var rng = SeededGenerator(seed: 0x5E5_70E)
        let contacts = forest(ids, seed: 0x5E5_70E).shuffled(using: &rng)
        let (directory, problem) = restore(contacts)
        #expect(problem == nil)
        let snapshot = directory.snapshot(of: Fixture.customer)
        try snapshot.checkInvariants()
        #expect(snapshot.count == contacts.count)
        for contact in contacts.prefix(50) { #expect(try snapshot.contact(contact.id) == contact) }
        // The next id is above every restored one (none is left at the top of Int64).
        #expect(snapshot.nextContactID == (layout == "dense" ? 605 : Int64.max))

        func refused(_ change: (inout [Contact]) -> Void, _ expected: String) {
            var broken = contacts
            change(&broken)
            let (directory, problem) = restore(broken)
            #expect(problem?.code == .internalError && problem?.detail.contains(expected) == true, "\(layout): \(problem?.detail ?? "accepted")")
            #expect(directory.snapshot(of: Fixture.customer).count == 0)
        }
        refused({ $0.append($0[17]) }, "duplicate contact id \(contacts[17].id)")
        refused({ $0[3].parentId = ContactID(3) }, "unknown parent")               // no such id in either layout
        refused({ $0[9].parentId = $0[9].id }, "cycle")                            // its own parent
        refused({ c in
            let a = c.firstIndex { $0.parentId == nil }!, b = c.lastIndex { $0.parentId == nil }!
            c[a].parentId = c[b].id
            c[b].parentId = c[a].id
        }, "cycle")
        refused({ $0[0].id = ContactID(0) }, "not between 1")
        refused({ $0[5].location = Coordinate(latitude: .nan, longitude: 0) }, "invalid location")
        refused({ $0[6].location = Coordinate(latitude: 91, longitude: 0) }, "invalid location")
        refused({ $0[7].groupId = GroupID(99) }, "unknown group")
    }

    /// Counting in runs gives the counts a dictionary gives, whatever the order of the groups.
    @Test func groupTallyCountsLikeADictionary() {
        var rng = SeededGenerator(seed: 20261205)
        for length in [0, 1, 2, 17, 1_000] {
            var tally = GroupTally()
            var expected: [GroupID: Int] = [:]
            for _ in 0..<length {
                // Runs of one group and single switches, as ids in order give them.
                let group = GroupID(Int64.random(in: 1...4, using: &rng))
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    tally.add(group)
                    expected[group, default: 0] += 1
                }
            }
            #expect(tally.counts == expected)
            #expect(tally.counts == expected, "reading the counts leaves the tally as it was")
        }
    }
}
