import Foundation
import OpenAPIRuntime
import Testing

extension Tour {
    /// createContact (and its 422), getContact (and its 404): a three-level chain in London.
    mutating func createContacts() async throws {
        let high = Schemas.CustomFieldInput(definitionId: priority, value: "high")
        let created = try await client.createContact(
            headers: .init(customerId: customer),
            body: .json(Self.contact("HQ", group: sites, at: Self.bigBen, customFields: [high]))
        ).created
        hq = try created.body.json.id
        #expect(created.headers.location == "/v1/contacts/\(hq)")

        let stored = try await client.getContact(path: .init(id: hq), headers: .init(customerId: customer)).ok.body.json
        #expect(stored.id == hq)
        #expect(stored.name == "HQ")
        #expect(stored.groupId == sites)
        #expect(stored.parentId == nil)
        #expect(abs(stored.location.latitude - Self.bigBen.latitude) < 1e-9)
        #expect(abs(stored.location.longitude - Self.bigBen.longitude) < 1e-9)
        #expect(stored.customFields.map(\.definitionId) == [priority])
        #expect(stored.customFields.map(\.value) == ["high"])

        siteA = try await client.createContact(
            headers: .init(customerId: customer),
            body: .json(Self.contact("Site A", group: sites, at: (51.51, -0.13), parent: hq))
        ).created.body.json.id
        siteB = try await client.createContact(
            headers: .init(customerId: customer),
            body: .json(Self.contact("Site B", group: sites, at: (51.6, -0.2), parent: siteA))
        ).created.body.json.id
        #expect(Set([hq, siteA, siteB]).count == 3)

        let invalid = try await client.createContact(
            headers: .init(customerId: customer),
            body: .json(Self.contact("", group: sites, at: (95, 0)))
        ).unprocessableContent.body.applicationProblemJson
        #expect(invalid.status == 422)
        #expect(Self.code(of: invalid) == "validation-failed")
        #expect(invalid.errors?.additionalProperties.keys.sorted() == ["location.latitude", "name"])

        let missing = try await client.getContact(path: .init(id: 999_999), headers: .init(customerId: customer))
            .notFound.body.applicationProblemJson
        #expect(missing.status == 404)
        #expect(Self.code(of: missing) == "contact-not-found")
    }

    /// createContacts: a JSON array with a valid and an invalid item, then NDJSON.
    mutating func createBatches() async throws {
        let json = try await client.createContacts(
            headers: .init(customerId: customer),
            body: .json([Self.contact("Paris", group: sites, at: Self.parisCentre),
                         Self.contact("", group: sites, at: (0, 0))])
        ).ok.body.json
        #expect(json.created == 1)
        #expect(json.refused == 1)
        #expect(json.items.map(\.status) == [201, 422])
        paris = try #require(json.items.first?.id)
        let refused = try #require(json.items.last?.problem)
        #expect(json.items.last?.id == nil)
        #expect(Self.code(of: refused) == "validation-failed")
        #expect(refused.errors?.additionalProperties.keys.sorted() == ["name"])

        let lines = [#"{"name":"Berlin","groupId":\#(sites),"location":{"latitude":52.52,"longitude":13.405}}"#,
                     #"{"name":"Madrid","groupId":\#(depots),"location":{"latitude":40.4168,"longitude":-3.7038}}"#]
        let ndjson = try await client.createContacts(
            query: .init(atomic: true), headers: .init(customerId: customer),
            body: .applicationXNdjson(HTTPBody(lines.joined(separator: "\n")))
        ).ok.body.json
        #expect(ndjson.created == 2)
        #expect(ndjson.refused == 0)
        #expect(ndjson.items.map(\.status) == [201, 201])
        berlin = try #require(ndjson.items.first?.id)
        madrid = try #require(ndjson.items.last?.id)
        let stored = try await client.getContact(path: .init(id: madrid), headers: .init(customerId: customer)).ok.body.json
        #expect(stored.name == "Madrid")
        #expect(stored.groupId == depots)
    }

    /// listContacts: keyset pages over everything created, and the group filter.
    func listContacts() async throws {
        let all = [hq, siteA, siteB, paris, berlin, madrid]
        let first = try await client.listContacts(query: .init(pageSize: 4), headers: .init(customerId: customer)).ok.body.json
        #expect(first.pageSize == 4)
        #expect(first.pageItemCount == 4)
        let next = try #require(first.next)
        let second = try await client.listContacts(query: .init(after: next), headers: .init(customerId: customer)).ok.body.json
        #expect(second.next == nil)
        let ids = (first.items + second.items).map(\.id)
        #expect(ids == all.sorted())

        let depot = try await client.listContacts(query: .init(groupId: depots), headers: .init(customerId: customer)).ok.body.json
        #expect(depot.items.map(\.id) == [madrid])
    }

    /// updateContact, deleteContact: Paris moves under HQ, then goes; HQ, with children, stays.
    func updateAndDelete() async throws {
        _ = try await client.updateContact(path: .init(id: paris), headers: .init(customerId: customer),
                                           body: .json(.init(name: "Paris office", parentId: hq))).noContent
        let moved = try await client.getContact(path: .init(id: paris), headers: .init(customerId: customer)).ok.body.json
        #expect(moved.name == "Paris office")
        #expect(moved.parentId == hq)
        let children = try await client.contactChildren(path: .init(id: hq), headers: .init(customerId: customer)).ok.body.json
        #expect(children.items.map(\.id) == [siteA, paris].sorted())

        let refused = try await client.deleteContact(path: .init(id: hq), headers: .init(customerId: customer))
            .conflict.body.applicationProblemJson
        #expect(Self.code(of: refused) == "contact-has-children")

        _ = try await client.deleteContact(path: .init(id: paris), headers: .init(customerId: customer)).noContent
        let gone = try await client.getContact(path: .init(id: paris), headers: .init(customerId: customer))
            .notFound.body.applicationProblemJson
        #expect(Self.code(of: gone) == "contact-not-found")
    }
}
