import Geodesy
import Testing
@testable import GeoContacts

/// Reads and group queries beyond the contract table.
@Suite struct QueryEdgeTests {
    @Test func groupCountsFiltersAndPatchDetails() async throws {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        let caller = Fixture.caller()
        let root = try await directory.create(Fixture.draft("root"), as: caller)
        var ids: [ContactID] = []
        for i in 0..<5 { ids.append(try await directory.create(Fixture.draft("k\(i)", group: Fixture.sites, parent: root, reference: "same"), as: caller)) }
        var snapshot = try directory.snapshot(as: caller)
        #expect(snapshot.memberCounts.map(\.count) == [1, 5])
        #expect(try snapshot.contacts(matching: ContactFilter(parentId: root), page: .all).items.map(\.id) == ids)
        #expect(try snapshot.children(of: root, page: PageRequest(pageNumber: 2, pageSize: 2)).items.map(\.id) == Array(ids[2..<4]))
        #expect(syncProblem { () throws(ContactProblem) in _ = try snapshot.contacts(matching: ContactFilter(parentId: ContactID(99)), page: .all) }?.code == .contactNotFound)
        #expect(snapshot.contacts(withReference: "same").map(\.id) == ids)
        #expect(snapshot.contacts(withReference: "other").isEmpty)
        #expect(try snapshot.members(of: Fixture.sites, page: PageRequest(pageNumber: 1, pageSize: 3)).items.map(\.id) == Array(ids[0..<3]))

        // PATCH: a location in another CRS; customFields null keeps the values.
        var draft = Fixture.draft("f")
        draft.customFields = [CustomFieldInput(definitionId: Fixture.vip.id, value: "true")]
        let f = try await directory.create(draft, as: caller)
        try await directory.update(f, with: try ContactPatch(json: Array(#"{"customFields":null,"location":{"latitude":179640,"longitude":530268,"crs":"EPSG:27700"}}"#.utf8)), as: caller)
        snapshot = try directory.snapshot(as: caller)
        let c = try snapshot.contact(f)
        #expect(c.customFields.count == 1 && abs(c.location.latitude - 51.500694) < 1e-4)
        // Re-parenting children to a root's parent makes them roots.
        try await directory.remove(root, children: .reparentChildren, as: caller)
        snapshot = try directory.snapshot(as: caller)
        #expect(Set(snapshot.roots(page: .all).items.map(\.id)) == Set(ids + [f]))
        try snapshot.checkInvariants()
    }

    @Test func adminDefinitionsAreValidated() async throws {
        let directory = ContactDirectory()
        let admin = Fixture.caller()
        let p = await problem { () async throws(ContactProblem) in
            try await directory.defineCustomField(CustomFieldDefinition(id: DefinitionID(1), name: " ", type: .list, groupIds: [GroupID(3)]), as: admin)
        }
        #expect(p?.errors?.keys.sorted() == ["groupIds", "name", "options"])
        let q = await problem { () async throws(ContactProblem) in
            try await directory.defineCustomField(CustomFieldDefinition(id: DefinitionID(1), name: "x", type: .init(rawValue: "colour")), as: admin)
        }
        #expect(q?.errors?.keys.sorted() == ["type"])
        #expect(await problem { () async throws(ContactProblem) in try await directory.defineGroup(ContactGroup(id: GroupID(1), name: ""), as: admin) }?.code == .validationFailed)
        #expect(directory.snapshot(of: Fixture.customer).groups.isEmpty)
    }
}
