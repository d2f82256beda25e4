import Foundation
import PostgresNIO
import RealModule
import Testing
@testable import GeoContacts
@testable import GeoContactsPostgres
import GeoDataGeneration
import Geodesy
import HashTreeCollections

/// Two replicas (two `PostgresContactStorage`s, each with its own client, directory and
/// replicator) on one database.
@Suite("PostgreSQL replicas", .disabled(if: PG.skip, "GEOCONTACTS_SKIP_POSTGRES_TESTS=1"), .serialized)
struct ReplicationTests {
    /// A replica that learns of others' writes only from hints, reconnections and explicit
    /// catch-ups (no timer within a test's time).
    static func replica(_ url: String) async throws -> PostgresContactStorage {
        try await PostgresContactStorage.open(url: url, pollInterval: .seconds(3600), logger: PG.logger)
    }

    /// Waits until `replica` has `customer` at `version` by itself (hint or reconnection).
    static func converge(_ replica: PostgresContactStorage, _ customer: Int64, to version: Int64,
                         within limit: Duration = .seconds(20)) async throws -> Bool {
        let clock = ContinuousClock()
        let start = clock.now
        while replica.directory.snapshot(of: CustomerID(customer)).version < version {
            if clock.now - start > limit { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    @Test("a write on A is read on B with the minimum version, and reaches B by the NOTIFY hint")
    func readYourWritesAcrossReplicas() async throws {
        let url = try await PG.freshDatabase()
        let a = try await Self.replica(url)
        let b = try await Self.replica(url)
        let c = PG.caller1
        try await a.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: c)
        let (id, version) = try await ContactDirectory.recordingVersion {
            try await a.directory.create(PG.draft("Depot", lat: 51.5, lon: -0.12), as: c)
        }
        #expect(version == 2)
        let seen = try await b.directory.snapshot(as: c, minimumVersion: version)
        #expect(seen.version >= version)
        #expect(try seen.contact(id).name == "Depot")
        // A version nobody wrote: refused after the bounded wait, nothing changes.
        await #expect(throws: ContactProblem.self) {
            try await b.directory.snapshot(as: c, minimumVersion: version + 100, wait: .milliseconds(200))
        }
        // Later writes reach B without being asked for (the hint).
        let (other, later) = try await ContactDirectory.recordingVersion {
            try await a.directory.create(PG.draft("Other", parent: id, lat: 48.8, lon: 2.3), as: c)
        }
        #expect(try await Self.converge(b, 1, to: later))
        #expect(try b.directory.snapshot(of: CustomerID(1)).contact(other).parentId == id)
        await a.close()
        await b.close()
    }

    @Test("concurrent writers on one customer from both replicas: gap-free versions, distinct ids, one state", arguments: [7, 23])
    func concurrentCreates(seed: UInt64) async throws {
        let url = try await PG.freshDatabase()
        let a = try await Self.replica(url)
        let b = try await Self.replica(url)
        let c = PG.caller1
        try await a.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: c)
        try await b.directory.catchUp(CustomerID(1))
        let perWorker = 25
        // Four workers per replica; each create names a parent it saw on its own replica.
        let ids = try await withThrowingTaskGroup(of: [ContactID].self) { group in
            for worker in 0..<8 {
                let replica = worker % 2 == 0 ? a : b
                group.addTask {
                    var rng = SeededGenerator(seed: seed &* 31 &+ UInt64(worker))
                    var made: [ContactID] = []
                    for i in 0..<perWorker {
                        let existing = Array(replica.directory.snapshot(of: CustomerID(1)).contacts.keys)
                        let parent = existing.isEmpty || rng.next() % 3 == 0 ? nil : existing[Int(rng.next() % UInt64(existing.count))]
                        let draft = PG.draft("w\(worker)-\(i)", parent: parent,
                                             lat: Double(rng.next() % 1000) / 100 + 40, lon: Double(rng.next() % 1000) / 100)
                        made.append(try await replica.directory.create(draft, as: c))
                    }
                    return made
                }
            }
            var all: [ContactID] = []
            for try await made in group { all += made }
            return all
        }
        #expect(ids.count == 8 * perWorker)
        #expect(Set(ids).count == ids.count, "an id was handed out twice")
        let stored = try await PG.withClient(url) { client in
            var versions: [Int64] = []
            for try await v in try await client.query(
                "SELECT DISTINCT version FROM contact_changes WHERE customer_id = 1 ORDER BY version", logger: PG.logger)
                .decode(Int64.self) { versions.append(v) }
            return versions
        }
        // Creates that queue up on one replica share a batch, hence a version.
        let finalVersion = try #require(stored.last)
        #expect(stored == Array(1...finalVersion), "versions are not gap-free")
        #expect(try await a.directory.catchUp(CustomerID(1)) == finalVersion)
        #expect(try await b.directory.catchUp(CustomerID(1)) == finalVersion)
        #expect(PG.state(a.directory, 1) == PG.state(b.directory, 1))
        #expect(Set(PG.state(a.directory, 1).keys) == Set(ids))
        try a.directory.snapshot(of: CustomerID(1)).checkInvariants()
        try b.directory.snapshot(of: CustomerID(1)).checkInvariants()
        // A fresh replica loads exactly the same state.
        let fresh = try await Self.replica(url)
        #expect(PG.state(fresh.directory, 1) == PG.state(a.directory, 1))
        await fresh.close()
        await a.close()
        await b.close()
    }

    @Test("two replicas re-parenting crosswise never make a cycle: one of each pair is refused")
    func noCycleAcrossReplicas() async throws {
        let url = try await PG.freshDatabase()
        let a = try await Self.replica(url)
        let b = try await Self.replica(url)
        let c = PG.caller1
        try await a.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: c)
        var pairs: [(ContactID, ContactID)] = []
        for i in 0..<15 {
            let x = try await a.directory.create(PG.draft("x\(i)", lat: 10, lon: Double(i)), as: c)
            let y = try await a.directory.create(PG.draft("y\(i)", lat: 11, lon: Double(i)), as: c)
            pairs.append((x, y))
        }
        try await b.directory.catchUp(CustomerID(1))
        var refused = 0
        for (x, y) in pairs {
            var toY = ContactPatch(), toX = ContactPatch()
            toY.parentId = .value(y)
            toX.parentId = .value(x)
            // Both replicas start from the same version; each write alone would be valid.
            async let onA: ContactProblem? = Self.outcome { try await a.directory.update(x, with: toY, as: c) }
            async let onB: ContactProblem? = Self.outcome { try await b.directory.update(y, with: toX, as: c) }
            let (problemA, problemB) = await (onA, onB)
            #expect((problemA == nil) != (problemB == nil), "exactly one of the crosswise moves succeeds")
            for problem in [problemA, problemB].compactMap({ $0 }) {
                #expect(problem.code == .validationFailed, "\(problem)")
                refused += 1
            }
        }
        #expect(refused == pairs.count)
        let version = try await PG.withClient(url) { try await PG.count("SELECT version FROM customer_versions WHERE customer_id = 1", $0) }
        #expect(try await a.directory.catchUp(CustomerID(1)) == version)
        #expect(try await b.directory.catchUp(CustomerID(1)) == version)
        #expect(PG.state(a.directory, 1) == PG.state(b.directory, 1))
        try a.directory.snapshot(of: CustomerID(1)).checkInvariants()
        await a.close()
        await b.close()
    }

    static func outcome(_ body: () async throws -> Void) async -> ContactProblem? {
        do {
            try await body()
            return nil
        } catch let problem as ContactProblem {
            return problem
        } catch {
            return ContactProblem(.internalError, detail: "\(error)")
        }
    }

    /// Replica A, and replica B that follows only customer 2, so that no hint or poll moves
    /// customer 1 on once B has it; group 1 defined on A, then one contact created on B (B
    /// loads customer 1).
    static func writerAndLaggard(_ url: String) async throws -> (a: PostgresContactStorage, b: PostgresContactStorage) {
        let a = try await replica(url)
        let b = try await PostgresContactStorage.open(url: url, pollInterval: .seconds(3600), customers: [CustomerID(2)],
                                                      logger: PG.logger)
        try await a.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: PG.caller1)
        _ = try await b.directory.create(PG.draft("on B", lat: 1, lon: 1), as: PG.caller1)
        return (a, b)
    }

    @Test("a write sent with a version its replica has not reached catches up first (no 404 for a contact created elsewhere)")
    func writeCatchesUpToMinimumVersion() async throws {
        let (a, b) = try await Self.writerAndLaggard(try await PG.freshDatabase())
        let c = PG.caller1
        let (x, version) = try await ContactDirectory.recordingVersion {
            try await a.directory.create(PG.draft("on A", lat: 2, lon: 2), as: c)
        }
        #expect(b.directory.snapshot(of: CustomerID(1)).version < version)
        // A reader may not ask for it; a writer may.
        let reader = Caller(customer: CustomerID(1), scopes: [.read])
        await #expect(throws: ContactProblem.self) { try await b.directory.catchUp(to: version, as: reader) }
        #expect(b.directory.snapshot(of: CustomerID(1)).version < version)
        try await b.directory.catchUp(to: version, as: c)
        #expect(b.directory.snapshot(of: CustomerID(1)).version >= version)
        #expect(PG.state(b.directory, 1)[x]?.name == "on A")
        var patch = ContactPatch()
        patch.name = .value("renamed on B")
        try await b.directory.update(x, with: patch, as: c)
        #expect(PG.state(b.directory, 1)[x]?.name == "renamed on B")
        await a.close()
        await b.close()
    }

    @Test("a refusal that rests on a replica's state is checked against the store first: writes on B about contacts A just created are accepted")
    func staleRefusalsAreCheckedAgainstTheStore() async throws {
        let (a, b) = try await Self.writerAndLaggard(try await PG.freshDatabase())
        let c = PG.caller1
        let behind = b.directory.snapshot(of: CustomerID(1)).version

        // An update of a contact B has not seen: no 404.
        let x = try await a.directory.create(PG.draft("x on A", lat: 2, lon: 2), as: c)
        var patch = ContactPatch()
        patch.name = .value("renamed on B")
        try await b.directory.update(x, with: patch, as: c)
        #expect(b.directory.snapshot(of: CustomerID(1)).version > behind + 1)

        // A create naming a parent and a group B has not seen: no 422.
        try await a.directory.defineGroup(ContactGroup(id: GroupID(2), name: "H"), as: c)
        let y = try await a.directory.create(PG.draft("y on A", lat: 3, lon: 3), as: c)
        let child = try await b.directory.create(PG.draft("child on B", group: 2, parent: y, lat: 3, lon: 4), as: c)

        // A bulk create: the item naming a new parent is created, the one naming a missing one
        // refused as it would be on A.
        let z = try await a.directory.create(PG.draft("z on A", lat: 4, lon: 4), as: c)
        let results = try await b.directory.create(contentsOf: [
            PG.draft("under z", parent: z, lat: 4, lon: 5),
            PG.draft("under nobody", parent: ContactID(9_999), lat: 4, lon: 6),
        ], as: c)
        let underZ = try results[0].get()
        if case .failure(let refusedItem) = results[1] {
            #expect(refusedItem.errors?["parentId"] != nil, "\(refusedItem)")
        } else {
            Issue.record("the item naming a missing parent was created: \(results[1])")
        }

        // What is refused on the store's state too stays refused, and changes nothing.
        let before = PG.state(b.directory, 1)
        var missing: ContactProblem?
        do { try await b.directory.update(ContactID(9_999), with: patch, as: c) } catch { missing = error }
        #expect(missing?.code == .contactNotFound)
        var badParent: ContactProblem?
        do { _ = try await b.directory.create(PG.draft("orphan", parent: ContactID(9_999), lat: 5, lon: 5), as: c) } catch { badParent = error }
        #expect(badParent?.errors?["parentId"] != nil, "\(String(describing: badParent))")
        #expect(PG.state(b.directory, 1) == before)

        let stored = try await a.directory.catchUp(CustomerID(1))
        #expect(b.directory.snapshot(of: CustomerID(1)).version == stored)
        let state = PG.state(b.directory, 1)
        #expect(state == PG.state(a.directory, 1))
        #expect(state[x]?.name == "renamed on B")
        #expect(state[child]?.parentId == y && state[child]?.groupId == GroupID(2))
        #expect(state[underZ]?.parentId == z)
        try b.directory.snapshot(of: CustomerID(1)).checkInvariants()
        await a.close()
        await b.close()
    }

    @Test("B's listening connection is killed while A writes: B reconnects and converges to A's state")
    func listenerKilled() async throws {
        let url = try await PG.freshDatabase()
        let a = try await Self.replica(url)
        let b = try await Self.replica(url)
        let c = PG.caller1
        try await a.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: c)
        var last: ContactID?
        for i in 0..<60 {
            if i == 20 || i == 40 {
                // Every listening backend of this database (B's among them): notifications sent
                // meanwhile are lost for good; only the reconnection's comparison recovers them.
                // (After the first kill, this also waits for the replicators to reconnect.)
                let killed = try await PG.withClient(url) { client in
                    var killed: Int64 = 0
                    for _ in 0..<200 where killed < 2 {
                        killed += try await PG.count("""
                            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
                            WHERE datname = current_database() AND application_name = 'geocontacts-replicator'
                            """, client)
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    return killed
                }
                #expect(killed >= 2, "A's and B's listening connections")
            }
            var patch = ContactPatch()
            if let last, i % 5 == 0 {
                patch.name = .value("renamed \(i)")
                try await a.directory.update(last, with: patch, as: c)
            } else {
                last = try await a.directory.create(PG.draft("c\(i)", parent: i % 3 == 0 ? nil : last, lat: 50, lon: Double(i) / 10), as: c)
            }
            if i % 7 == 0, let victim = last, i > 30 { _ = try await a.directory.remove(victim, children: .cascade, as: c) ; last = nil }
        }
        let version = a.directory.snapshot(of: CustomerID(1)).version
        #expect(try await Self.converge(b, 1, to: version), "B did not converge by itself")
        #expect(PG.state(b.directory, 1) == PG.state(a.directory, 1))
        try b.directory.snapshot(of: CustomerID(1)).checkInvariants()
        // Restarting B rebuilds the same state.
        await b.close()
        let restarted = try await Self.replica(url)
        #expect(PG.state(restarted.directory, 1) == PG.state(a.directory, 1))
        #expect(restarted.directory.snapshot(of: CustomerID(1)).version == version)
        await restarted.close()
        await a.close()
    }

    @Test("groups created at once on both replicas get distinct ids (allocated against the caught-up state)")
    func groupIDsAcrossReplicas() async throws {
        let url = try await PG.freshDatabase()
        let a = try await Self.replica(url)
        let b = try await Self.replica(url)
        let c = PG.caller1
        let ids = try await withThrowingTaskGroup(of: GroupID.self) { tasks in
            for i in 0..<20 {
                let replica = i % 2 == 0 ? a : b
                tasks.addTask { try await replica.directory.createGroup(named: "G\(i)", as: c) }
            }
            var ids: [GroupID] = []
            for try await id in tasks { ids.append(id) }
            return ids
        }
        #expect(Set(ids).count == 20, "a group id was handed out twice (one group renamed the other)")
        let version = try await PG.withClient(url) { try await PG.count("SELECT version FROM customer_versions WHERE customer_id = 1", $0) }
        _ = try await a.directory.snapshot(as: c, minimumVersion: version)
        _ = try await b.directory.snapshot(as: c, minimumVersion: version)
        #expect(a.directory.snapshot(of: CustomerID(1)).groups.map(\.name).sorted() == (0..<20).map { "G\($0)" }.sorted())
        #expect(a.directory.snapshot(of: CustomerID(1)).groups == b.directory.snapshot(of: CustomerID(1)).groups)
        await a.close()
        await b.close()
    }

    /// A replica of customer 1 with group 1 and five contacts (ids 1–5).
    static func replicaWithOldContacts(_ url: String) async throws -> PostgresContactStorage {
        let b = try await replica(url)
        try await b.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: PG.caller1)
        for i in 0..<5 { _ = try await b.directory.create(PG.draft("old\(i)", lat: 1, lon: Double(i)), as: PG.caller1) }
        return b
    }

    /// Replaces the database's contents with other rows and versions starting again under a
    /// new epoch, as a restore from another backup would leave them; then another replica
    /// writes group 7 and one contact to it.
    static func replace(_ url: String) async throws -> (other: PostgresContactStorage, newcomer: ContactID) {
        try await PG.withClient(url) { client in
            for table in ["contact", "contact_custom_field", "contact_group", "custom_field_definition",
                          "contact_sequence", "customer_versions", "contact_changes"] {
                try await client.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table)"), logger: PG.logger)
            }
            try await client.query("UPDATE database_epoch SET epoch = gen_random_uuid()", logger: PG.logger)
        }
        let other = try await replica(url)
        try await other.directory.defineGroup(ContactGroup(id: GroupID(7), name: "New"), as: PG.caller1)
        let newcomer = try await other.directory.create(PG.draft("new", group: 7, lat: 2, lon: 2), as: PG.caller1)
        return (other, newcomer)
    }

    // A database dropped and created again (DROP DATABASE … WITH (FORCE)) is detected the same
    // way once the replica's pool reconnects, but in some runs its pool did not reconnect
    // within minutes and the test hung (postgres-nio's pool after its connections were
    // terminated): not covered here, noted for the next stop.
    @Test("a replaced database (another epoch) makes the replica rebuild instead of keeping stale data")
    func replacedDatabase() async throws {
        let url = try await PG.freshDatabase()
        let b = try await Self.replicaWithOldContacts(url)
        let c = PG.caller1
        let oldEpoch = b.epoch
        let (other, newcomer) = try await Self.replace(url)
        // B's own version (6) is above the new database's (2): only the epoch tells it apart.
        #expect(b.directory.snapshot(of: CustomerID(1)).version > other.directory.snapshot(of: CustomerID(1)).version)
        try await b.synchronize()
        #expect(PG.state(b.directory, 1).keys.sorted() == [newcomer])
        #expect(PG.state(b.directory, 1) == PG.state(other.directory, 1))
        #expect(b.epoch != oldEpoch)
        #expect(b.epoch == other.epoch)
        await other.close()
        await b.close()
    }

    @Test("a rebuild that fails stays asked for: the next write rebuilds first and is validated against the new state")
    func failedRebuildIsAskedForAgain() async throws {
        let url = try await PG.freshDatabase()
        let b = try await Self.replicaWithOldContacts(url)
        let c = PG.caller1
        let (other, newcomer) = try await Self.replace(url)
        // The rebuild's load fails: a table it reads is missing meanwhile.
        try await PG.withClient(url) { try await $0.query("ALTER TABLE contact_group RENAME TO contact_group_away", logger: PG.logger) }
        await #expect(throws: (any Error).self, "the rebuild should have failed") { try await b.synchronize() }
        try await PG.withClient(url) { try await $0.query("ALTER TABLE contact_group_away RENAME TO contact_group", logger: PG.logger) }
        // Contact 5 exists only in B's stale state: validated against it, this write would
        // name a parent that the database does not have.
        var refused: ContactProblem?
        do {
            _ = try await b.directory.create(PG.draft("late", group: 7, parent: ContactID(5), lat: 3, lon: 3), as: c)
        } catch {
            refused = error
        }
        #expect(refused?.errors?["parentId"] != nil, "\(String(describing: refused))")
        #expect(PG.state(b.directory, 1).keys.sorted() == [newcomer])
        #expect(PG.state(b.directory, 1) == PG.state(other.directory, 1))
        await other.close()
        await b.close()
    }

    @Test("a replica's nearest-10 and radius answers equal PostGIS's own spheroid ranking", arguments: [5, 17] as [UInt64])
    func replicaAgreesWithPostGIS(seed: UInt64) async throws {
        let url = try await PG.freshDatabase()
        let a = try await Self.replica(url)
        let b = try await Self.replica(url)
        let c = PG.caller1
        try await a.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: c)
        var rng = SeededGenerator(seed: seed)
        // A dense city, both poles, the antimeridian, exact duplicates.
        var points: [(Double, Double)] = (0..<150).map { _ in
            (48.85 + Double.random(in: -0.2...0.2, using: &rng), 2.35 + Double.random(in: -0.3...0.3, using: &rng))
        }
        points += (0..<40).map { i in (Double.random(in: -3...3, using: &rng), i % 2 == 0 ? 179.95 : -179.95) }
        points += (0..<20).map { i in (i % 2 == 0 ? 89.9 : -89.9, Double.random(in: -180...180, using: &rng)) }
        points += [(90, 0), (-90, 0), (10, 10), (10, 10), (10, 10)]
        let drafts = points.enumerated().map { PG.draft("p\($0.offset)", lat: $0.element.0, lon: $0.element.1) }
        let (_, version) = try await ContactDirectory.recordingVersion {
            _ = try await a.directory.create(contentsOf: drafts, as: c)
        }
        let snapshot = try await b.directory.snapshot(as: c, minimumVersion: version)
        #expect(snapshot.count == points.count)
        var queries: [(Double, Double)] = [(48.85, 2.35), (0, 180), (0, -179.99), (90, 0), (-89.95, 45), (10, 10)]
        queries += (0..<20).map { _ in (Double.random(in: -90...90, using: &rng), Double.random(in: -180...180, using: &rng)) }
        for (lat, lon) in queries {
            let point = Coordinate(latitude: lat, longitude: lon)
            let ours = try snapshot.nearest(to: point, count: 10)
            // PostGIS's exact spheroid distance (ST_Distance on geography), every row ranked.
            let theirs = try await PG.withClient(url) { client in
                var rows: [(Int64, Double)] = []
                for try await row in try await client.query("""
                    SELECT id, ST_Distance(location, ST_SetSRID(ST_MakePoint(\(lon), \(lat)), 4326)::geography) AS d
                    FROM contact WHERE customer_id = 1 ORDER BY d, id LIMIT 10
                    """, logger: PG.logger).decode((Int64, Double).self) { rows.append(row) }
                return rows
            }
            #expect(ours.count == theirs.count)
            for (hit, row) in zip(ours, theirs) {
                // The same distances in the same order (ids may differ only between equal distances).
                #expect(hit.distance.isApproximatelyEqual(to: row.1, absoluteTolerance: 0.01), "query (\(lat), \(lon)): \(hit.distance) vs \(row.1)")
            }
            let radius = ours.last.map { $0.distance * 0.75 } ?? 1000
            let inside = Set(try snapshot.contacts(within: radius, of: point).map(\.contact.id.rawValue))
            let (postgis, boundary) = try await PG.withClient(url) { client in
                var rows = Set<Int64>(), near = Set<Int64>()
                for try await (id, d) in try await client.query("""
                    SELECT id, ST_Distance(location, ST_SetSRID(ST_MakePoint(\(lon), \(lat)), 4326)::geography)
                    FROM contact WHERE customer_id = 1
                    """, logger: PG.logger).decode((Int64, Double).self) {
                    if d <= radius { rows.insert(id) }
                    if abs(d - radius) < 0.01 { near.insert(id) }
                }
                return (rows, near)
            }
            #expect(inside.subtracting(boundary) == postgis.subtracting(boundary), "radius \(radius) m at (\(lat), \(lon))")
        }
        await a.close()
        await b.close()
    }
}
