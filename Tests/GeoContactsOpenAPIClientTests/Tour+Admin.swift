import Foundation
import OpenAPIRuntime
import Testing

extension Tour {
    /// createContactGroup, listContactGroups, createCustomFieldDefinition,
    /// listCustomFieldDefinitions: two groups and a list field restricted to one of them.
    mutating func defineGroupsAndFields() async throws {
        let empty = try await client.listContactGroups(headers: .init(customerId: customer)).ok.body.json
        #expect(empty.items.isEmpty)

        sites = try await client.createContactGroup(headers: .init(customerId: customer), body: .json(.init(name: "Sites")))
            .created.body.json.id
        depots = try await client.createContactGroup(headers: .init(customerId: customer), body: .json(.init(name: "Depots")))
            .created.body.json.id
        #expect(sites != depots)
        let groups = try await client.listContactGroups(headers: .init(customerId: customer)).ok.body.json
        #expect(groups.items.map(\.id).sorted() == [sites, depots].sorted())
        #expect(groups.items.first { $0.id == depots }?.name == "Depots")
        #expect(groups.pageItemCount == 2)

        let field = Schemas.DefinitionCreate(name: "Priority", _type: .list, options: ["low", "high"], groupIds: [sites])
        priority = try await client.createCustomFieldDefinition(headers: .init(customerId: customer), body: .json(field))
            .created.body.json.id
        let definitions = try await client.listCustomFieldDefinitions(headers: .init(customerId: customer)).ok.body.json
        let definition = try #require(definitions.items.first { $0.id == priority })
        #expect(definitions.items.count == 1)
        #expect(definition.name == "Priority")
        #expect(definition._type == "list")
        #expect(definition.options == ["low", "high"])
        #expect(definition.groupIds == [sites])
    }

    /// deleteCustomFieldDefinition (refused while in use, then with clearValues),
    /// deleteContactGroup (moving its contacts to another group).
    func removeGroupsAndFields() async throws {
        let inUse = try await client.deleteCustomFieldDefinition(path: .init(id: priority), headers: .init(customerId: customer))
            .conflict.body.applicationProblemJson
        #expect(Self.code(of: inUse) == "in-use")
        _ = try await client.deleteCustomFieldDefinition(path: .init(id: priority), query: .init(clearValues: true),
                                                         headers: .init(customerId: customer)).noContent
        let definitions = try await client.listCustomFieldDefinitions(headers: .init(customerId: customer)).ok.body.json
        #expect(definitions.items.isEmpty)
        let headquarters = try await client.getContact(path: .init(id: hq), headers: .init(customerId: customer)).ok.body.json
        #expect(headquarters.customFields.isEmpty, "clearValues left \(headquarters.customFields)")

        _ = try await client.deleteContactGroup(path: .init(id: depots), query: .init(moveContactsTo: sites),
                                                headers: .init(customerId: customer)).noContent
        let groups = try await client.listContactGroups(headers: .init(customerId: customer)).ok.body.json
        #expect(groups.items.map(\.id) == [sites])
        let moved = try await client.getContact(path: .init(id: madrid), headers: .init(customerId: customer)).ok.body.json
        #expect(moved.groupId == sites)
    }
}
