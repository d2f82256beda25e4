import Testing
@testable import GeoContacts
@testable import GeoContactsSQLite
import GeoDataGeneration
import Geodesy

@Suite("Storage: removed groups and definitions survive a restart")
struct RemovalRestartTests {
    @Test("moves, clearings and removals are durable; refusals stored nothing; a reopened folder has the same state")
    func removalsSurviveRestart() async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        let customer = CustomerID(7)
        let caller = Support.caller(7)
        let kind = CustomFieldDefinition(id: DefinitionID(1), name: "Kind", type: .list, options: ["a", "b"])
        let note = CustomFieldDefinition(id: DefinitionID(2), name: "Note", type: .note, groupIds: [GroupID(2)])
        let before: CustomerSnapshot
        do {
            let storage = try ContactStorage.open(folder)
            let d = storage.directory
            for g in 1...3 { try await d.defineGroup(ContactGroup(id: GroupID(Int64(g)), name: "Group \(g)"), as: caller) }
            try await d.defineCustomField(kind, as: caller)
            try await d.defineCustomField(note, as: caller)
            let points = GeoDataGenerator().points(count: 60, seed: 5)
            var ids: [ContactID] = []
            for (i, p) in points.enumerated() {
                let group = GroupID(Int64(1 + i % 3))
                var fields = i % 2 == 0 ? [CustomFieldInput(definitionId: kind.id, value: "a")] : []
                if group == GroupID(2) { fields.append(CustomFieldInput(definitionId: note.id, value: "n\(i)")) }
                ids.append(try await d.create(ContactDraft(name: "c\(i)", groupId: group, parentId: i % 4 == 0 ? nil : ids.last,
                                                           location: LocationInput(latitude: p.latitude, longitude: p.longitude),
                                                           customFields: fields), as: caller))
            }
            let untouched = d.snapshot(of: customer)
            // Refused: in use, restricted, unknown; nothing is stored for them.
            await #expect(throws: ContactProblem.self) { try await d.removeGroup(GroupID(1), as: caller) }
            await #expect(throws: ContactProblem.self) { try await d.removeGroup(GroupID(2), moveContactsTo: GroupID(3), as: caller) }
            await #expect(throws: ContactProblem.self) { try await d.removeCustomField(kind.id, as: caller) }
            #expect(Support.allContacts(d.snapshot(of: customer)) == Support.allContacts(untouched))

            #expect(try await d.removeGroup(GroupID(1), moveContactsTo: GroupID(3), as: caller).count == 20)
            #expect(try await d.removeCustomField(kind.id, clearingValues: true, as: caller).count == 30)
            #expect(try await d.removeCustomField(note.id, clearingValues: true, as: caller).count == 20)
            #expect(try await d.removeGroup(GroupID(2), moveContactsTo: GroupID(3), as: caller).count == 20)
            before = d.snapshot(of: customer)
            #expect(before.groups.map(\.id) == [GroupID(3)])
            #expect(before.customFieldDefinitions.isEmpty)
            storage.close()
        }
        let reopened = try ContactStorage.open(folder)
        defer { reopened.close() }
        let after = reopened.directory.snapshot(of: customer)
        try after.checkInvariants()
        #expect(Support.allContacts(after) == Support.allContacts(before))
        #expect(after.count == 60)
        #expect(after.groups == before.groups)
        #expect(after.customFieldDefinitions.isEmpty)
        #expect(after.members == before.members)
        #expect(after.byFieldValue.isEmpty)
        #expect(after.childrenByParent == before.childrenByParent)
        // The removed group and definition can be defined again, empty.
        try await reopened.directory.defineGroup(ContactGroup(id: GroupID(1), name: "Again"), as: caller)
        #expect(try reopened.directory.snapshot(of: customer).memberCount(of: GroupID(1)) == 0)
    }
}
