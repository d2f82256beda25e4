import Geodesy
import GeoDataGeneration
import Testing
@testable import GeoContacts

/// A journal that is durable at once but not an ``ImmediateJournal``: its directory runs every
/// batch on a validation copy and publishes it once "durable" (the path a durable journal takes).
private struct CopyingJournal: ContactJournal {
    func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 { 0 }
    func waitUntilDurable(_ sequence: UInt64) async throws {}
}

/// Writes change the published snapshot in place (at once over an ``ImmediateJournal``, once
/// durable otherwise): what a reader took before stays exactly as it was, and both paths
/// give the same state, indexes included.
@Suite struct InPlaceWriteTests {
    let caller = Fixture.caller()

    /// The same randomized writes (creates, moves, renames, re-parenting removals, bulk
    /// creates above the in-place limit, atomic or not) on every directory, which must answer
    /// alike.
    private func writes(seed: UInt64, count: Int, to directories: [ContactDirectory]) async throws {
        var rng = SeededGenerator(seed: seed)
        var live: [ContactID] = []
        func location() -> (Double, Double) { (rng.nextDouble(in: -90, 90), rng.nextDouble(in: -180, 180)) }
        for step in 0..<count {
            let roll = live.count < 5 ? 0 : rng.next() % 10
            var outcomes: [String] = []
            switch roll {
            case 0..<5:
                let parent = live.isEmpty || rng.next() % 3 != 0 ? nil : live[Int(rng.next() % UInt64(live.count))]
                let (latitude, longitude) = location()
                let draft = Fixture.draft("c\(step)", group: rng.next() % 2 == 0 ? Fixture.depots : Fixture.sites, parent: parent,
                                          latitude: latitude, longitude: longitude)
                for directory in directories {
                    let refused = await problem { () async throws(ContactProblem) in
                        let id = try await directory.create(draft, as: caller)
                        outcomes.append("\(id)")
                    }
                    if let refused { outcomes.append(refused.code.rawValue) }
                }
                if let id = Int64(outcomes[0]) { live.append(ContactID(id)) }
            case 5..<7:
                let id = live[Int(rng.next() % UInt64(live.count))]
                var patch = ContactPatch()
                let (latitude, longitude) = location()
                patch.location = .value(LocationInput(latitude: latitude, longitude: longitude))
                if rng.next() % 2 == 0 { patch.name = .value("renamed \(step)") }
                for directory in directories {
                    let refused = await problem { () async throws(ContactProblem) in try await directory.update(id, with: patch, as: caller) }
                    outcomes.append(refused?.code.rawValue ?? "ok")
                }
            case 7..<9:
                let index = Int(rng.next() % UInt64(live.count))
                for directory in directories {
                    let refused = await problem { () async throws(ContactProblem) in
                        outcomes.append("\(try await directory.remove(live[index], children: .reparentChildren, as: caller))")
                    }
                    if let refused { outcomes.append(refused.code.rawValue) }
                }
                live.remove(at: index)
            default:
                // Now and then one of an import's size: one write, indexed in bulk.
                let large = rng.next() % 4 == 0
                let size = large ? ContactDirectory.bulkCreation + 37 : ContactDirectory.inPlaceLimit + 37
                let drafts = (0..<size).map { i in
                    let (latitude, longitude) = location()
                    let parent = large && i % 5 == 0 ? live[Int(rng.next() % UInt64(live.count))] : nil
                    return Fixture.draft(i % 9 == 4 ? "" : "bulk \(step).\(i)", group: i % 3 == 0 ? Fixture.sites : Fixture.depots,
                                         parent: parent, latitude: latitude, longitude: longitude,
                                         reference: large && i % 2 == 0 ? "ref \(i % 50)" : nil)
                }
                let atomically = rng.next() % 2 == 0
                var created: [ContactID] = []
                for directory in directories {
                    let results = try await directory.create(contentsOf: drafts, atomically: atomically, as: caller)
                    created = results.compactMap { try? $0.get() }
                    outcomes.append(results.map { (try? $0.get()).map { "\($0)" } ?? "refused" }.joined(separator: ","))
                }
                live += created
            }
            #expect(Set(outcomes).count == 1, "step \(step): \(outcomes)")
        }
    }

    @Test func inPlaceWritesEqualWorkingCopyWritesAndLeaveReadersAlone() async throws {
        let inPlace = try await Fixture.directory(customers: [Fixture.customer])
        let copying = try await Fixture.directory(customers: [Fixture.customer], journal: CopyingJournal())
        try await writes(seed: 0x1_7_1ACE, count: 120, to: [inPlace, copying])

        // Readers' snapshots, taken before more writes (applied in place on the published
        // snapshot in both directories: at once, or once durable).
        let taken = [inPlace.snapshot(of: Fixture.customer), copying.snapshot(of: Fixture.customer)]
        let before = try taken.map { try $0.everyContact() }
        let probes = GeoDataGenerator().queries(count: 20, seed: 7)
        let nearestBefore = try taken.map { snapshot in try probes.map { try snapshot.nearest(to: $0, count: 5).map(\.contact.id) } }

        try await writes(seed: 0x2_7_1ACE, count: 200, to: [inPlace, copying])

        for (i, snapshot) in taken.enumerated() {
            try snapshot.checkInvariants()
            #expect(try snapshot.everyContact() == before[i], "a reader's snapshot changed under it")
            #expect(try probes.map { try snapshot.nearest(to: $0, count: 5).map(\.contact.id) } == nearestBefore[i])
        }

        let a = inPlace.snapshot(of: Fixture.customer), b = copying.snapshot(of: Fixture.customer)
        try a.checkInvariants()
        try b.checkInvariants()
        #expect(a.count > before[0].count)
        #expect(try a.everyContact() == b.everyContact())
        for probe in probes {
            #expect(try a.nearest(to: probe, count: 10) == b.nearest(to: probe, count: 10))
            #expect(try a.contacts(within: 2_000_000, of: probe) == b.contacts(within: 2_000_000, of: probe))
        }
    }

    @Test func anInMemoryJournalRecordsEveryWriteInTheOrderReadersSawIt() async throws {
        let journal = InMemoryJournal()
        let directory = try await Fixture.directory(customers: [Fixture.customer], journal: journal)
        let copying = try await Fixture.directory(customers: [Fixture.customer], journal: CopyingJournal())
        try await writes(seed: 0x3_7_1ACE, count: 150, to: [directory, copying])
        // Replaying what was recorded rebuilds the same state.
        var replayed = CustomerSnapshot(customer: Fixture.customer)
        for entry in journal.entries where entry.customer == Fixture.customer {
            replayed = try replayed.applying(entry.changes)
        }
        try replayed.checkInvariants()
        #expect(try replayed.everyContact() == directory.snapshot(of: Fixture.customer).everyContact())
        #expect(try replayed.everyContact() == copying.snapshot(of: Fixture.customer).everyContact())
    }

    @Test func readersTakeConsistentSnapshotsWhileWritesApplyInPlace() async throws {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        let writer = Task {
            for i in 0..<1_500 {
                _ = try await directory.create(Fixture.draft("w\(i)", latitude: Double(i % 170) - 85, longitude: Double(i % 359) - 179),
                                               as: caller)
            }
        }
        var seen: [Int] = []
        while seen.last ?? 0 < 1_500 {
            let snapshot = directory.snapshot(of: Fixture.customer)
            if seen.count % 25 == 0 { try snapshot.checkInvariants() }
            #expect(snapshot.count >= seen.last ?? 0, "a reader went back in time")
            #expect(try snapshot.everyContact().count == snapshot.count)
            seen.append(snapshot.count)
            await Task.yield()
        }
        try await writer.value
        try directory.snapshot(of: Fixture.customer).checkInvariants()
    }
}

extension CustomerSnapshot {
    /// Every contact, ascending by id, through the listing's pages.
    func everyContact() throws -> [Contact] {
        var all: [Contact] = []
        for number in 1... {
            let page = try contacts(page: PageRequest(pageNumber: number, pageSize: PageRequest.maximumPageSize))
            all += page.items
            if page.items.count < PageRequest.maximumPageSize { return all }
        }
        return all
    }
}
