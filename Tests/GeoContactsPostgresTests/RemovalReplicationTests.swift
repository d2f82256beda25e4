import PostgresNIO
import Testing
@testable import GeoContacts
@testable import GeoContactsPostgres

/// Removing groups and definitions over PostgreSQL: stored, in the change feed, and applied by
/// another replica catching up; refusals store nothing.
@Suite("PostgreSQL: removed groups and definitions", .disabled(if: PG.skip, "GEOCONTACTS_SKIP_POSTGRES_TESTS=1"), .serialized)
struct RemovalReplicationTests {
    static let kind = CustomFieldDefinition(id: DefinitionID(1), name: "Kind", type: .list, options: ["a", "b"])
    static let dock = CustomFieldDefinition(id: DefinitionID(2), name: "Dock", type: .text, groupIds: [GroupID(1)])

    static func everything(_ directory: ContactDirectory) -> ([ContactID: Contact], [ContactGroup], [CustomFieldDefinition]) {
        let snapshot = directory.snapshot(of: CustomerID(1))
        return (PG.state(directory, 1), snapshot.groups, snapshot.customFieldDefinitions)
    }

    @Test("a removal on A reaches B through the feed; a restart loads it; a refusal stores nothing")
    func removalsReplicate() async throws {
        let url = try await PG.freshDatabase()
        let a = try await ReplicationTests.replica(url)
        let b = try await ReplicationTests.replica(url)
        let c = PG.caller1
        for g in 1...3 { try await a.directory.defineGroup(ContactGroup(id: GroupID(Int64(g)), name: "G\(g)"), as: c) }
        try await a.directory.defineCustomField(Self.kind, as: c)
        try await a.directory.defineCustomField(Self.dock, as: c)
        var ids: [ContactID] = []
        for i in 0..<12 {
            var fields = i % 2 == 0 ? [CustomFieldInput(definitionId: Self.kind.id, value: "a")] : []
            if i % 3 == 0 { fields.append(CustomFieldInput(definitionId: Self.dock.id, value: "d\(i)")) }
            ids.append(try await a.directory.create(PG.draft("c\(i)", group: Int64(1 + i % 3), parent: i % 4 == 0 ? nil : ids.last,
                                                              lat: Double(i), lon: Double(i), fields: fields), as: c))
        }
        let setUp = try await b.directory.catchUp(CustomerID(1))

        // Refused on B: in use (the dock field is restricted to group 1; group 2 has contacts;
        // the kind field has values): no version is written.
        await #expect(throws: ContactProblem.self) { try await b.directory.removeGroup(GroupID(1), moveContactsTo: GroupID(3), as: c) }
        await #expect(throws: ContactProblem.self) { try await b.directory.removeGroup(GroupID(2), as: c) }
        await #expect(throws: ContactProblem.self) { try await b.directory.removeCustomField(Self.kind.id, as: c) }
        #expect(try await a.databaseVersion(of: CustomerID(1)) == setUp)

        // On A: the dock field cleared and removed, group 1 moved into 2 and removed, the kind
        // field cleared and removed; B follows by the hint.
        let (_, v1) = try await ContactDirectory.recordingVersion {
            try await a.directory.removeCustomField(Self.dock.id, clearingValues: true, as: c)
        }
        let (moved, v2) = try await ContactDirectory.recordingVersion {
            try await a.directory.removeGroup(GroupID(1), moveContactsTo: GroupID(2), as: c)
        }
        #expect(moved.count == 4)
        let (_, v3) = try await ContactDirectory.recordingVersion {
            try await a.directory.removeCustomField(Self.kind.id, clearingValues: true, as: c)
        }
        #expect([v1, v2, v3] == [setUp + 1, setUp + 2, setUp + 3])
        #expect(try await ReplicationTests.converge(b, 1, to: v3))
        let expected = Self.everything(a.directory)
        #expect(expected.1.map(\.id) == [GroupID(2), GroupID(3)])
        #expect(expected.2.isEmpty)
        #expect(expected.0.values.allSatisfy { $0.customFields.isEmpty && $0.groupId != GroupID(1) })
        let seen = Self.everything(b.directory)
        #expect(seen.0 == expected.0 && seen.1 == expected.1 && seen.2 == expected.2)
        try b.directory.snapshot(of: CustomerID(1)).checkInvariants()

        // B writes on top: a value for a removed field is refused, group 3 emptied and removed.
        var patch = ContactPatch()
        patch.customFields = .value([CustomFieldInput(definitionId: Self.kind.id, value: "a")])
        await #expect(throws: ContactProblem.self) { try await b.directory.update(ids[0], with: patch, as: c) }
        let (_, v4) = try await ContactDirectory.recordingVersion {
            try await b.directory.removeGroup(GroupID(3), moveContactsTo: GroupID(2), as: c)
        }
        #expect(try await ReplicationTests.converge(a, 1, to: v4))
        #expect(Self.everything(a.directory).1.map(\.id) == [GroupID(2)])
        #expect(PG.state(a.directory, 1) == PG.state(b.directory, 1))

        // The feed names them as groups and definitions; the rows are gone.
        let feed = try await PG.withClient(url) { client in
            var kinds: [String] = []
            for try await kind in try await client.query(
                "SELECT kind FROM contact_changes WHERE customer_id = 1 AND version = \(v2) ORDER BY position",
                logger: PG.logger).decode(String.self) { kinds.append(kind) }
            return kinds
        }
        #expect(feed == ["updated", "updated", "updated", "updated", "group"])
        let rows = try await PG.withClient(url) { client in
            (try await PG.count("SELECT count(*) FROM contact_group WHERE customer_id = 1", client),
             try await PG.count("SELECT count(*) FROM custom_field_definition WHERE customer_id = 1", client),
             try await PG.count("SELECT count(*) FROM contact_custom_field WHERE customer_id = 1", client))
        }
        #expect(rows.0 == 1 && rows.1 == 0 && rows.2 == 0, "\(rows)")

        // A fresh replica (a restart) loads the same state.
        let fresh = try await ReplicationTests.replica(url)
        let loaded = Self.everything(fresh.directory)
        #expect(loaded.0 == PG.state(a.directory, 1) && loaded.1 == [ContactGroup(id: GroupID(2), name: "G2")] && loaded.2.isEmpty)
        try fresh.directory.snapshot(of: CustomerID(1)).checkInvariants()
        await fresh.close()
        await a.close()
        await b.close()
    }

    @Test("a removal validated on a stale replica is validated again after catching up: a value written meanwhile refuses it")
    func staleRemovalIsRevalidated() async throws {
        let url = try await PG.freshDatabase()
        let a = try await ReplicationTests.replica(url)
        let b = try await ReplicationTests.replica(url)
        let c = PG.caller1
        try await a.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: c)
        try await a.directory.defineGroup(ContactGroup(id: GroupID(2), name: "H"), as: c)
        try await a.directory.defineCustomField(Self.kind, as: c)
        try await b.directory.catchUp(CustomerID(1))
        for round in 0..<5 {
            // A writes a value and a contact into group 2; B, maybe not caught up yet, removes
            // both without moving or clearing: always refused, whichever order B learns it in.
            let id = try await a.directory.create(PG.draft("r\(round)", group: 2, lat: 1, lon: 1,
                                                           fields: [CustomFieldInput(definitionId: Self.kind.id, value: "b")]), as: c)
            let version = try await a.databaseVersion(of: CustomerID(1))
            await #expect(throws: ContactProblem.self) { try await b.directory.removeCustomField(Self.kind.id, as: c) }
            await #expect(throws: ContactProblem.self) { try await b.directory.removeGroup(GroupID(2), as: c) }
            #expect(try await a.databaseVersion(of: CustomerID(1)) == version)
            _ = try await a.directory.remove(id, as: c)
        }
        // Empty again: B's removals go through, and A follows.
        try await b.directory.catchUp(CustomerID(1))
        try await b.directory.removeCustomField(Self.kind.id, as: c)
        let (_, last) = try await ContactDirectory.recordingVersion { try await b.directory.removeGroup(GroupID(2), as: c) }
        #expect(try await ReplicationTests.converge(a, 1, to: last))
        #expect(Self.everything(a.directory).1.map(\.id) == [GroupID(1)] && Self.everything(a.directory).2.isEmpty)
        await a.close()
        await b.close()
    }
}
