import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing
@testable import GeoContacts
@testable import GeoContactsPostgres
import Geodesy
import HashTreeCollections

/// The throwaway server's URL (Scripts/postgres-test-server.sh, started by `make test`).
/// Without it these tests fail, unless GEOCONTACTS_SKIP_POSTGRES_TESTS=1 disables them.
enum PG {
    static let skip = ProcessInfo.processInfo.environment["GEOCONTACTS_SKIP_POSTGRES_TESTS"] == "1"
    /// Errors only: PostgresNIO warns when a lease races the client's `run()` start.
    static let logger = {
        var logger = Logger(label: "geocontacts.postgres.tests")
        logger.logLevel = .error
        return logger
    }()

    struct MissingServer: Error, CustomStringConvertible {
        var description: String {
            "GEOCONTACTS_TEST_POSTGRES_URL is not set: run `make test` (it starts Scripts/postgres-test-server.sh), "
                + "or set GEOCONTACTS_SKIP_POSTGRES_TESTS=1 to disable these tests explicitly"
        }
    }

    static func baseURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["GEOCONTACTS_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw MissingServer()
        }
        return url
    }

    /// A fresh, empty database on the test server; returns its URL.
    static func freshDatabase(_ name: String = #function) async throws -> String {
        let base = try baseURL()
        let database = "t_" + String(name.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(30))
            + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        try await withClient(base) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)"), logger: logger)
        }
        guard var components = URLComponents(string: base) else { throw MissingServer() }
        components.path = "/" + database
        guard let url = components.string else { throw MissingServer() }
        return url
    }

    /// Runs `body` with a running client on `url`.
    @discardableResult
    static func withClient<T: Sendable>(_ url: String, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: try PostgresContactStorage.configuration(url: url), backgroundLogger: logger)
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        return try await body(client)
    }

    static func count(_ sql: String, _ client: PostgresClient) async throws -> Int64 {
        var n: Int64 = -1
        for try await v in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self) { n = v }
        return n
    }

    static let caller1 = Caller(customer: CustomerID(1), scopes: [.read, .write, .admin])
    static func caller(_ c: Int64) -> Caller { Caller(customer: CustomerID(c), scopes: [.read, .write, .admin]) }

    static func draft(_ name: String, group: Int64 = 1, parent: ContactID? = nil, lat: Double, lon: Double,
                      fields: [CustomFieldInput] = []) -> ContactDraft {
        ContactDraft(reference: "ref-\(name)", name: name, groupId: GroupID(group), parentId: parent,
                     street: "1 \(name) St", town: "Town", postalCode: "P1", country: "Land",
                     location: LocationInput(latitude: lat, longitude: lon), customFields: fields)
    }

    /// The customer's contacts as the directory has them, by id.
    static func state(_ directory: ContactDirectory, _ customer: Int64) -> [ContactID: Contact] {
        Dictionary(uniqueKeysWithValues: directory.snapshot(of: CustomerID(customer)).contacts.map { ($0.key, $0.value) })
    }
}

@Suite("PostgreSQL store", .disabled(if: PG.skip, "GEOCONTACTS_SKIP_POSTGRES_TESTS=1"), .serialized)
struct PostgresStoreTests {
    @Test("create, update, remove round trip; a restart restores the same state and versions")
    func roundTripAndRestart() async throws {
        let url = try await PG.freshDatabase()
        let storage = try await PostgresContactStorage.open(url: url, logger: PG.logger)
        let d = storage.directory
        let c = PG.caller1
        try await d.defineGroup(ContactGroup(id: GroupID(1), name: "Depots"), as: c)
        try await d.defineGroup(ContactGroup(id: GroupID(2), name: "Sites"), as: c)
        let size = CustomFieldDefinition(id: DefinitionID(1), name: "Size", type: .list, options: ["S", "M", "L"])
        try await d.defineCustomField(size, as: c)
        let hq = try await d.create(PG.draft("HQ, \"London\" ✓", lat: 51.5, lon: -0.12,
                                             fields: [CustomFieldInput(definitionId: DefinitionID(1), value: "L")]), as: c)
        let paris = try await d.create(PG.draft("Paris", group: 2, parent: hq, lat: 48.8566, lon: 2.3522), as: c)
        let pole = try await d.create(PG.draft("Pole", parent: paris, lat: -90, lon: 0), as: c)
        let anti = try await d.create(PG.draft("Anti", lat: 0, lon: -180), as: c)
        var patch = ContactPatch()
        patch.name = .value("Paris moved")
        patch.location = .value(LocationInput(latitude: 45.0, longitude: 179.5))
        patch.street = .null
        patch.customFields = .value([CustomFieldInput(definitionId: DefinitionID(1), value: "S")])
        try await d.update(paris, with: patch, as: c)
        _ = try await d.remove(anti, as: c)
        // A second customer, so that restore handles several.
        try await d.defineGroup(ContactGroup(id: GroupID(1), name: "Other"), as: PG.caller(2))
        _ = try await d.create(PG.draft("Elsewhere", lat: 10, lon: 10), as: PG.caller(2))

        let before1 = PG.state(d, 1), before2 = PG.state(d, 2)
        #expect(before1.count == 3)
        #expect(before1[paris]?.street == nil)
        #expect(before1[paris]?.customFields == [CustomFieldValue(definitionId: DefinitionID(1), value: "S")])
        #expect(before1[pole]?.parentId == paris)
        // 3 definitions + 4 creates + 1 update + 1 removal for customer 1.
        #expect(storage.directory.snapshot(of: CustomerID(1)).version == 9)
        #expect(try await storage.databaseVersion(of: CustomerID(1)) == 9)
        #expect(try await storage.databaseVersion(of: CustomerID(2)) == 2)
        await storage.close()

        let reopened = try await PostgresContactStorage.open(url: url, logger: PG.logger)
        #expect(PG.state(reopened.directory, 1) == before1)
        #expect(PG.state(reopened.directory, 2) == before2)
        #expect(reopened.statistics.customers == 2)
        #expect(reopened.statistics.contacts == 4)
        #expect(reopened.statistics.versions[CustomerID(1)] == 9)
        #expect(reopened.epoch == storage.epoch)
        try reopened.directory.snapshot(of: CustomerID(1)).checkInvariants()
        // Ids are not handed out twice after a restart, even the removed highest one.
        let next = try await reopened.directory.create(PG.draft("Next", lat: 1, lon: 1), as: c)
        #expect(next.rawValue > anti.rawValue)
        // The change feed: one row per change, versions 1...10 in order.
        let feed = try await PG.withClient(url) { client in
            var rows: [(Int64, String)] = []
            for try await (v, kind) in try await client.query(
                "SELECT version, kind FROM contact_changes WHERE customer_id = 1 ORDER BY version, position",
                logger: PG.logger).decode((Int64, String).self) { rows.append((v, kind)) }
            return rows
        }
        #expect(feed.map(\.0) == Array(1...10))
        #expect(feed.map(\.1) == ["group", "group", "definition", "created", "created", "created", "created",
                                  "updated", "removed", "created"])
        let migrations = try await PG.withClient(url) { try await PG.count("SELECT max(version)::bigint FROM schema_migrations", $0) }
        #expect(migrations == 1)
        await reopened.close()
    }

    @Test("two writers on one customer: versions gap-free, each writer's in its commit order")
    func concurrentWriters() async throws {
        let url = try await PG.freshDatabase()
        let a = try await PostgresContactStorage.open(url: url, logger: PG.logger)
        let b = try await PostgresContactStorage.open(url: url, logger: PG.logger)
        let perWriter = 40
        async let fromA: [Int64] = Self.defineGroups(a, ids: (1...perWriter).map { Int64($0) })
        async let fromB: [Int64] = Self.defineGroups(b, ids: (1...perWriter).map { Int64(1000 + $0) })
        let (versionsA, versionsB) = try await (fromA, fromB)
        #expect(versionsA == versionsA.sorted() && Set(versionsA).count == perWriter)
        #expect(versionsB == versionsB.sorted() && Set(versionsB).count == perWriter)
        #expect(Set(versionsA).isDisjoint(with: versionsB))
        #expect((versionsA + versionsB).sorted() == Array(1...Int64(2 * perWriter)))
        let (feedVersions, groups) = try await PG.withClient(url) { client in
            var versions: [Int64] = []
            for try await v in try await client.query(
                "SELECT version FROM contact_changes WHERE customer_id = 1 ORDER BY version", logger: PG.logger)
                .decode(Int64.self) { versions.append(v) }
            return (versions, try await PG.count("SELECT count(*) FROM contact_group WHERE customer_id = 1", client))
        }
        #expect(feedVersions == Array(1...Int64(2 * perWriter)))
        #expect(groups == Int64(2 * perWriter))
        await a.close()
        await b.close()
    }

    /// Defines the groups one by one; returns the version after each write.
    static func defineGroups(_ storage: PostgresContactStorage, ids: [Int64]) async throws -> [Int64] {
        var versions: [Int64] = []
        for id in ids {
            let (_, version) = try await ContactDirectory.recordingVersion {
                try await storage.directory.defineGroup(ContactGroup(id: GroupID(id), name: "G\(id)"), as: PG.caller1)
            }
            versions.append(version)
        }
        return versions
    }

    @Test("a rejected write changes nothing in the database")
    func rejectedWrite() async throws {
        let url = try await PG.freshDatabase()
        let storage = try await PostgresContactStorage.open(url: url, logger: PG.logger)
        let d = storage.directory
        try await d.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: PG.caller1)
        let first = try await d.create(PG.draft("First", lat: 1, lon: 2), as: PG.caller1)
        let versionBefore = try await storage.databaseVersion(of: CustomerID(1))
        let counts = { @Sendable () async throws -> [Int64] in
            try await PG.withClient(url) { client in
                [try await PG.count("SELECT count(*) FROM contact", client),
                 try await PG.count("SELECT count(*) FROM contact_changes", client),
                 try await PG.count("SELECT count(*) FROM contact_custom_field", client)]
            }
        }
        let before = try await counts()
        // Refused by validation: unknown group, unknown parent.
        await #expect(throws: ContactProblem.self) {
            try await d.create(PG.draft("Bad group", group: 99, lat: 1, lon: 2), as: PG.caller1)
        }
        await #expect(throws: ContactProblem.self) {
            try await d.create(PG.draft("Bad parent", parent: ContactID(12345), lat: 1, lon: 2), as: PG.caller1)
        }
        // Refused by PostgreSQL itself (text cannot hold NUL): the transaction rolls back,
        // version included, and the directory does not show it.
        let nul = try? await d.create(PG.draft("nul\u{0}byte", lat: 3, lon: 4), as: PG.caller1)
        if let nul {
            // Validation let it through and the database stored it: then it must round-trip.
            Issue.record("a name with a NUL byte was stored as contact \(nul)")
        }
        // Refused by a constraint in the middle of the transaction (after the version bump
        // and the contact row): everything rolls back and the write answers storage-failed.
        try await PG.withClient(url) { client in
            try await client.query("ALTER TABLE contact_changes ADD CONSTRAINT test_refuses CHECK (object_id <> 7777)",
                                   logger: PG.logger)
        }
        try await d.defineGroup(ContactGroup(id: GroupID(2), name: "G2"), as: PG.caller1)
        let groupVersion = try await storage.databaseVersion(of: CustomerID(1))
        #expect(groupVersion == versionBefore + 1)
        await #expect(throws: ContactProblem.self) {
            try await d.defineGroup(ContactGroup(id: GroupID(7777), name: "Refused"), as: PG.caller1)
        }
        #expect(!storage.journal.health.isHealthy)
        #expect(d.snapshot(of: CustomerID(1)).groupsByID[GroupID(7777)] == nil)
        let refusedGroups = try await PG.withClient(url) {
            try await PG.count("SELECT count(*) FROM contact_group WHERE id = 7777", $0)
        }
        #expect(refusedGroups == 0)
        #expect(try await counts() == [before[0], before[1] + 1, before[2]])
        #expect(try await storage.databaseVersion(of: CustomerID(1)) == groupVersion)
        #expect(PG.state(d, 1).keys.sorted() == [first])
        // The journal recovers: the next write commits with the next version.
        _ = try await d.create(PG.draft("After", lat: 5, lon: 6), as: PG.caller1)
        #expect(try await storage.databaseVersion(of: CustomerID(1)) == groupVersion + 1)
        #expect(storage.journal.health.isHealthy)
        await storage.close()
    }

    @Test("a commit that waits past the stall limit shows in health until it ends, and is not shown before it is durable")
    func stalledCommitShowsInHealth() async throws {
        let url = try await PG.freshDatabase()
        let storage = try await PostgresContactStorage.open(url: url, stallLimit: .milliseconds(300), logger: PG.logger)
        let d = storage.directory
        try await d.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: PG.caller1)
        #expect(storage.journal.health.isHealthy)
        try await PG.withClient(url) { client in
            try await client.withConnection { blocker in
                // Another session holds the customer's version row, as a transaction that does
                // not end would: the replica's commit waits for it.
                try await blocker.query("BEGIN", logger: PG.logger)
                try await blocker.query("SELECT version FROM customer_versions WHERE customer_id = 1 FOR UPDATE",
                                        logger: PG.logger)
                let write = Task { try await d.create(PG.draft("Waits", lat: 1, lon: 2), as: PG.caller1) }
                var health = storage.journal.health
                let deadline = ContinuousClock.now + .seconds(20)
                while health.stalled == nil, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    health = storage.journal.health
                }
                #expect(!health.isHealthy)
                #expect(health.stalled?.hasPrefix("a commit for customer 1 has waited") == true, "\(health)")
                #expect(health.failedBatches == 0)
                // Not durable yet, so not visible.
                #expect(d.snapshot(of: CustomerID(1)).count == 0)
                try await blocker.query("ROLLBACK", logger: PG.logger)
                let id = try await write.value
                #expect(d.snapshot(of: CustomerID(1)).contains(id))
            }
        }
        let after = storage.journal.health
        #expect(after.isHealthy && after.stalled == nil, "\(after)")
        #expect(try await storage.databaseVersion(of: CustomerID(1)) == 2)
        await storage.close()
    }

    @Test("the geography column answers ST_DWithin like the directory's radius query")
    func geographyMatchesRadius() async throws {
        let url = try await PG.freshDatabase()
        let storage = try await PostgresContactStorage.open(url: url, logger: PG.logger)
        let d = storage.directory
        try await d.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: PG.caller1)
        var rng = SystemRandomNumberGenerator()
        // Points clustered around Paris, plus the antimeridian and a pole.
        var drafts: [ContactDraft] = (0..<150).map { i in
            PG.draft("p\(i)", lat: 48.85 + Double.random(in: -1...1, using: &rng),
                     lon: 2.35 + Double.random(in: -1.5...1.5, using: &rng))
        }
        drafts += (0..<30).map { i in PG.draft("a\(i)", lat: Double.random(in: -5...5, using: &rng),
                                               lon: i % 2 == 0 ? 179.9 : -179.9) }
        drafts += [PG.draft("pole", lat: 90, lon: 0), PG.draft("near-pole", lat: 89.99, lon: 120)]
        for draft in drafts { _ = try await d.create(draft, as: PG.caller1) }
        let snapshot = d.snapshot(of: CustomerID(1))
        let queries: [(lat: Double, lon: Double, radius: Double)] = [
            (48.8566, 2.3522, 20_000), (48.8566, 2.3522, 75_000), (49.5, 3.0, 50_000),
            (0, 180, 300_000), (0, -179.95, 50_000), (89.95, 0, 10_000), (10, 10, 1000),
        ]
        var compared = 0
        for q in queries {
            let ours = Set(try snapshot.contacts(within: q.radius, of: Coordinate(latitude: q.lat, longitude: q.lon))
                .map(\.contact.id.rawValue))
            let (theirs, boundary) = try await PG.withClient(url) { client in
                var inside = Set<Int64>(), near = Set<Int64>()
                for try await (id, distance) in try await client.query("""
                    SELECT id, ST_Distance(location, ST_SetSRID(ST_MakePoint(\(q.lon), \(q.lat)), 4326)::geography)
                    FROM contact WHERE customer_id = 1
                      AND ST_DWithin(location, ST_SetSRID(ST_MakePoint(\(q.lon), \(q.lat)), 4326)::geography, \(q.radius) + 1)
                    """, logger: PG.logger).decode((Int64, Double).self) {
                    if distance <= q.radius { inside.insert(id) }
                    if abs(distance - q.radius) < 0.01 { near.insert(id) }
                }
                return (inside, near)
            }
            // Within a centimetre of the circle the two geodesic codes may round differently.
            #expect(ours.subtracting(boundary) == theirs.subtracting(boundary), "query \(q)")
            compared += theirs.count
        }
        #expect(compared > 50)  // the queries actually hit points
        await storage.close()
    }
}
