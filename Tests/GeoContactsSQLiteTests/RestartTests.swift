import Synchronization
import Foundation
import Testing
@testable import GeoContacts
@testable import GeoContactsSQLite
import GeoDataGeneration
import Geodesy
import GRDB

@Suite("Storage: restart and group commit")
struct RestartTests {
    static let groups = [GroupID(1), GroupID(2), GroupID(3)]
    static let kind = CustomFieldDefinition(id: DefinitionID(1), name: "Kind", type: .list, options: ["a", "b", "c"])
    static let note = CustomFieldDefinition(id: DefinitionID(2), name: "Note", type: .note, groupIds: [GroupID(2)])

    /// Builds a customer with a hierarchy, custom fields, updates, moves and removals.
    static func populate(_ directory: ContactDirectory, customer: Int64, count: Int, seed: UInt64) async throws {
        let caller = Support.caller(customer)
        for g in groups { try await directory.defineGroup(ContactGroup(id: g, name: "Group \(g)"), as: caller) }
        try await directory.defineCustomField(kind, as: caller)
        try await directory.defineCustomField(note, as: caller)
        let points = GeoDataGenerator().points(count: count, seed: seed)
        var rng = SeededGenerator(seed: seed)
        var ids: [ContactID] = []
        for (i, p) in points.enumerated() {
            let group = groups[Int.random(in: 0..<3, using: &rng)]
            var fields = [CustomFieldInput(definitionId: kind.id, value: ["a", "b", "c"][i % 3])]
            if group == GroupID(2) { fields.append(CustomFieldInput(definitionId: note.id, value: "line 1\nline \(i) ✓")) }
            let parent = ids.isEmpty || i % 4 == 0 ? nil : ids[Int.random(in: 0..<ids.count, using: &rng)]
            let draft = ContactDraft(reference: i % 5 == 0 ? "ref-\(i % 50)" : nil, name: "Contact \(i)",
                                     groupId: group, parentId: parent, street: i % 2 == 0 ? "\(i) High St" : nil,
                                     town: "Town \(i % 13)", postalCode: "P\(i % 1000)", country: "Land",
                                     location: LocationInput(latitude: p.latitude, longitude: p.longitude),
                                     customFields: fields)
            ids.append(try await directory.create(draft, as: caller))
        }
        // Updates: moves, renames, re-parenting, unsetting.
        for _ in 0..<(count / 5) {
            let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
            var patch = ContactPatch()
            patch.location = .value(LocationInput(latitude: Double.random(in: -90...90, using: &rng),
                                                  longitude: Double.random(in: -180...180, using: &rng)))
            patch.street = .null
            patch.name = .value("Moved \(id)")
            patch.customFields = .value([CustomFieldInput(definitionId: kind.id, value: nil)])
            try await directory.update(id, with: patch, as: caller)
        }
        // Removals with every policy.
        var removed = Set<ContactID>()
        for (n, policy) in [RemovalPolicy.reparentChildren, .cascade, .reject].enumerated() {
            for _ in 0..<(count / 20) {
                let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
                guard !removed.contains(id) else { continue }
                if policy == .reject, !directory.snapshot(of: CustomerID(customer)).sortedChildren(of: id).isEmpty { continue }
                for r in try await directory.remove(id, children: policy, as: caller) { removed.insert(r) }
                _ = n
            }
        }
    }

    @Test("indexes rebuilt from storage equal the ones before: invariants and identical query results")
    func restartRebuildsIdenticalIndexes() async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        let customers: [Int64] = [7, 8]
        var before: [Int64: CustomerSnapshot] = [:]
        // Recorded, then stored in one transaction through the same SQL as the durable
        // journal (creates, updates, moves, removals), so the test does not wait for an fsync
        // per write; the durable path has its own tests.
        do {
            let storage = try ContactStorage.open(folder, journaling: .recording)
            for (i, c) in customers.enumerated() {
                try await Self.populate(storage.directory, customer: c, count: 1500 + 500 * i, seed: UInt64(20 + i))
                before[c] = storage.directory.snapshot(of: CustomerID(c))
            }
            try storage.commitRecorded()
            storage.close()
        }
        let storage = try ContactStorage.open(folder)
        defer { storage.close() }
        #expect(try storage.appliedMigrations() == ["v1", "v2"])
        #expect(storage.statistics.customers == 2)
        let queries = GeoDataGenerator().queries(count: 60, seed: 99)
        for c in customers {
            let old = before[c]!
            let new = storage.directory.snapshot(of: CustomerID(c))
            try new.checkInvariants()
            #expect(Support.allContacts(new) == Support.allContacts(old))
            #expect(new.groups == old.groups)
            #expect(new.customFieldDefinitions == old.customFieldDefinitions)
            #expect(new.rootIDs == old.rootIDs)
            #expect(new.members == old.members)
            #expect(new.childrenByParent == old.childrenByParent)
            #expect(new.byReference == old.byReference)
            #expect(new.byFieldValue == old.byFieldValue)
            #expect(new.nextContactID <= old.nextContactID)
            for (i, q) in queries.enumerated() {
                let filter = i % 3 == 0 ? SpatialFilter(groupId: Self.groups[i % 3]) : .none
                #expect(try new.nearest(to: q, count: 10, filter: filter) == old.nearest(to: q, count: 10, filter: filter))
                #expect(try new.contacts(within: 500_000, of: q) == old.contacts(within: 500_000, of: q))
            }
            for root in new.rootIDs.sorted().prefix(20) {
                #expect(try new.descendants(of: root, order: .depthFirst, page: .all)
                        == old.descendants(of: root, order: .depthFirst, page: .all))
            }
        }
    }

    @Test("reading the contacts in two halves on two connections gives exactly the one-connection read")
    func twoHalvesReadEqualsOneRead() async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        do {
            let storage = try ContactStorage.open(folder, journaling: .recording)
            // Two customers: the middle contact falls inside the second, which is cut in two.
            try await Self.populate(storage.directory, customer: 7, count: 800, seed: 31)
            try await Self.populate(storage.directory, customer: 8, count: 2200, seed: 32)
            try storage.commitRecorded()
            storage.close()
        }
        let store = try SQLiteContactStore(folder: folder, readOnly: true)
        defer { store.close() }
        let whole = try store.loadAll(parallelAbove: .max)
        let halves = try store.loadAll(parallelAbove: 1)
        #expect(whole.map(\.customer) == [CustomerID(7), CustomerID(8)])
        #expect(halves.map(\.customer) == whole.map(\.customer))
        for (a, b) in zip(whole, halves) {
            let contacts = a.records.sorted()
            #expect(contacts.count > 500)
            #expect(a.records.count == b.records.count)
            #expect(contacts == b.records.sorted(), "customer \(a.customer)")
            #expect(a.groups == b.groups && a.definitions == b.definitions && a.nextContactID == b.nextContactID)
            #expect(contacts.contains { !$0.customFields.isEmpty })
        }
    }

    @Test("concurrent writers share batches and commits, and every acknowledged write is stored")
    func groupCommit() async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        let storage = try ContactStorage.open(folder)
        let directory = storage.directory
        let customers = (1...4).map { CustomerID(Int64($0)) }
        for customer in customers {
            try await directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: Support.caller(customer.rawValue))
        }
        let before = storage.journal!.commitStatistics
        let writers = 16, each = 25
        let ids = try await withThrowingTaskGroup(of: [(CustomerID, ContactID)].self) { group in
            for w in 0..<writers {
                let customer = customers[w % customers.count]
                group.addTask {
                    var ids: [(CustomerID, ContactID)] = []
                    for i in 0..<each {
                        ids.append((customer, try await directory.create(
                            ContactDraft(name: "w\(w)-\(i)", groupId: GroupID(1),
                                         location: LocationInput(latitude: Double(w), longitude: Double(i))),
                            as: Support.caller(customer.rawValue))))
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let after = storage.journal!.commitStatistics
        storage.close()
        let batches = after.batches - before.batches, commits = after.commits - before.commits
        #expect(ids.count == writers * each)
        // Writes of one customer that arrive together share a batch; batches of several
        // customers share a commit.
        #expect(batches < writers * each / 2, "writes should share batches: \(batches) batches")
        #expect(commits < batches, "customers' batches should share commits: \(commits) commits, \(batches) batches")
        let reopened = try ContactStorage.open(folder)
        defer { reopened.close() }
        for customer in customers {
            let snapshot = reopened.directory.snapshot(of: customer)
            let mine = ids.filter { $0.0 == customer }
            #expect(snapshot.count == mine.count)
            for (_, id) in mine { #expect(snapshot.contains(id)) }
        }
    }

    @Test("a second process cannot open a folder in use; a closed storage refuses writes")
    func folderLockAndClose() async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        let storage = try ContactStorage.open(folder)
        #expect(throws: StorageError.self) { _ = try ContactStorage.open(folder) }
        storage.close()
        await #expect(throws: ContactProblem.self) {
            try await storage.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: Support.caller(1))
        }
        let again = try ContactStorage.open(folder)
        again.close()
    }

    @Test("recording mode stores nothing until commitRecorded, then everything at once")
    func recording() async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        do {
            let storage = try ContactStorage.open(folder, journaling: .recording)
            try await storage.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: Support.caller(1))
            _ = try await storage.directory.create(
                ContactDraft(name: "x", groupId: GroupID(1), location: LocationInput(latitude: 1, longitude: 2)),
                as: Support.caller(1))
            storage.close()  // not committed
        }
        do {
            let storage = try ContactStorage.open(folder, journaling: .recording)
            #expect(storage.statistics.contacts == 0)
            try await storage.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: Support.caller(1))
            _ = try await storage.directory.create(
                ContactDraft(name: "x", groupId: GroupID(1), location: LocationInput(latitude: 1, longitude: 2)),
                as: Support.caller(1))
            #expect(try storage.commitRecorded() == 2)
            #expect(try storage.commitRecorded() == 0)
            storage.close()
        }
        let storage = try ContactStorage.open(folder)
        defer { storage.close() }
        #expect(storage.statistics.contacts == 1)
    }
}


@Suite("Storage: schema migrations")
struct MigrationTests {
    @Test("ids are never reused: not after removing the highest contact and restarting")
    func idsAreNotReusedAfterRestart() async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        let caller = Support.caller(1)
        func draft(_ name: String) -> ContactDraft {
            ContactDraft(name: name, groupId: GroupID(1), location: LocationInput(latitude: 1, longitude: 2))
        }
        var storage = try ContactStorage.open(folder)
        try await storage.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: caller)
        _ = try await storage.directory.create(draft("a"), as: caller)
        let highest = try await storage.directory.create(draft("b"), as: caller)
        _ = try await storage.directory.remove(highest, children: .reject, as: caller)
        storage.close()
        storage = try ContactStorage.open(folder)
        let next = try await storage.directory.create(draft("c"), as: caller)
        #expect(next.rawValue > highest.rawValue, "id \(highest) was handed out again")
        storage.close()
    }

    @Test("migrating a v1 file to v2 seeds the id high-water mark from the stored contacts")
    func v1FileGetsSequence() async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        let caller = Support.caller(7)
        var storage = try ContactStorage.open(folder)
        try await storage.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: caller)
        let created = try await storage.directory.create(
            ContactDraft(name: "x", groupId: GroupID(1), location: LocationInput(latitude: 1, longitude: 2)), as: caller)
        storage.close()
        // Turn the file back into a v1 file.
        let queue = try DatabaseQueue(path: folder.databaseURL.path)
        try await queue.write {
            try $0.execute(sql: "DROP TABLE contact_sequence; DELETE FROM grdb_migrations WHERE identifier = 'v2'")
        }
        try queue.close()
        storage = try ContactStorage.open(folder)
        #expect(try storage.appliedMigrations() == ["v1", "v2"])
        let next = try await storage.directory.create(
            ContactDraft(name: "y", groupId: GroupID(1), location: LocationInput(latitude: 1, longitude: 2)), as: caller)
        #expect(next.rawValue == created.rawValue + 1)
        storage.close()
    }

    @Test("a new folder is migrated to the latest version; a file from a newer version is refused, not changed")
    func newerSchemaIsRefused() throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        let storage = try ContactStorage.open(folder)
        #expect(try storage.appliedMigrations() == ["v1", "v2"])
        storage.close()
        // Pretend a newer geocontacts added a migration.
        let queue = try DatabaseQueue(path: folder.databaseURL.path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
        try queue.close()
        #expect {
            _ = try ContactStorage.open(folder)
        } throws: { ($0 as? StorageError)?.code == .newerSchema }
        #expect {
            _ = try ContactStorage.open(folder, journaling: .readOnly)
        } throws: { ($0 as? StorageError)?.code == .newerSchema }
    }
}

@Suite("Storage: a failed commit")
struct CommitFailureTests {
    @Test("a failed commit fails its writes with storage-failed, no reader ever sees them, health says so, later writes go on")
    func failedCommitIsNeverVisible() async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        try ContactStorage.open(folder).close()  // create and migrate
        // Make SQLite refuse one contact, as a full disk or an I/O error would refuse a commit.
        let queue = try DatabaseQueue(path: folder.databaseURL.path)
        try await queue.write {
            try $0.execute(sql: """
                CREATE TRIGGER refuse BEFORE INSERT ON contact WHEN NEW.name = 'boom'
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                """)
        }
        try queue.close()

        let storage = try ContactStorage.open(folder)
        let directory = storage.directory
        let caller = Support.caller(1)
        try await directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: caller)
        func draft(_ name: String) -> ContactDraft {
            ContactDraft(name: name, groupId: GroupID(1), location: LocationInput(latitude: 1, longitude: 2))
        }
        let kept = try await directory.create(draft("kept"), as: caller)
        #expect(storage.journal?.health.isHealthy == true)

        // Readers poll as fast as they can while the refused write is in flight.
        let stop = Mutex(false)
        let started = Mutex(false)
        let reader = Task.detached { () -> (rounds: Int, sawBoom: Bool) in
            var rounds = 0, sawBoom = false
            while !stop.withLock({ $0 }) {
                let snapshot = directory.snapshot(of: CustomerID(1))
                snapshot.forEachContact { if $0.name == "boom" { sawBoom = true } }
                rounds += 1
                if rounds == 1 { started.withLock { $0 = true } }
            }
            return (rounds, sawBoom)
        }
        // On a loaded machine the reader may start late: the writes wait for its first read.
        while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
        for _ in 0..<20 {
            do throws(ContactProblem) {
                _ = try await directory.create(draft("boom"), as: caller)
                Issue.record("a refused commit was acknowledged")
            } catch {
                #expect(error.code == .storageFailed)
                #expect(!error.detail.contains("refused by the test") && !error.detail.contains("INSERT"),
                        "SQL details stay out of the problem: \(error.detail)")
            }
        }
        stop.withLock { $0 = true }
        let (rounds, sawBoom) = await reader.value
        #expect(!sawBoom, "a reader saw a write that was never durable (\(rounds) reads)")
        #expect(rounds > 0)
        let health = try #require(storage.journal?.health)
        #expect(!health.isHealthy && health.failedBatches == 20)
        #expect(health.lastFailure?.contains("refused by the test") == true)

        // The journal goes on: the next write is stored, and health recovers.
        let after = try await directory.create(draft("after"), as: caller)
        #expect(storage.journal?.health.isHealthy == true)
        #expect(Support.allContacts(directory.snapshot(of: CustomerID(1))).map(\.name) == ["kept", "after"])
        storage.close()

        let reopened = try ContactStorage.open(folder)
        defer { reopened.close() }
        let snapshot = reopened.directory.snapshot(of: CustomerID(1))
        #expect(Support.allContacts(snapshot).map(\.name) == ["kept", "after"])
        #expect(snapshot.contains(kept) && snapshot.contains(after))
    }
}
