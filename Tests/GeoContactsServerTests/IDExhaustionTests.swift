import GeoContacts
@testable import GeoContactsServer
import Testing

import Foundation
import HTTPTypes

/// Ids defined near the top of Int64 (through the library, as `geocontacts define-group --id`
/// does) must make the next allocation a 409, never an arithmetic trap.
@Suite("Id exhaustion") struct IDExhaustionTests {
    static let admin = Caller(customer: CustomerID(1), scopes: [.admin, .read, .write])

    @Test(arguments: [Int64.max, Int64.max - 1])
    func groupIDsNearTheTopAreRefusedNotTrapped(_ top: Int64) async throws {
        let h = try await Harness()
        try await h.directory.defineGroup(ContactGroup(id: GroupID(top), name: "Top"), as: Self.admin)
        let before = h.state(1)
        try await h.withClient { c in
            let r = try await c.call(.post, "/v1/contactGroups", body: #"{"name":"Next"}"#)
            #expect(r.status == 409, "\(r.body)")
            #expect(r.problemCode == "ids-exhausted")
            let again = try await c.call(.post, "/v1/contactGroups", body: #"{"name":"Next"}"#)
            #expect(again.status == 409)
        }
        #expect(h.state(1) == before)
    }

    @Test(arguments: [Int64.max, Int64.max - 1])
    func definitionIDsNearTheTopAreRefusedNotTrapped(_ top: Int64) async throws {
        let h = try await Harness()
        try await h.directory.defineCustomField(
            CustomFieldDefinition(id: DefinitionID(top), name: "Top", type: .text, options: [], groupIds: []), as: Self.admin)
        let before = h.state(1)
        try await h.withClient { c in
            let r = try await c.call(.post, "/v1/customFieldDefinitions", body: #"{"name":"Next","type":"text"}"#)
            #expect(r.status == 409, "\(r.body)")
            #expect(r.problemCode == "ids-exhausted")
        }
        #expect(h.state(1) == before)
    }

    @Test func theLastIDBelowTheTopIsStillHandedOut() async throws {
        let h = try await Harness()
        try await h.directory.defineGroup(ContactGroup(id: GroupID(Int64.max - 2), name: "Near"), as: Self.admin)
        try await h.withClient { c in
            let r = try await c.call(.post, "/v1/contactGroups", body: #"{"name":"Last"}"#)
            #expect(r.status == 201, "\(r.body)")
            #expect((r.json["id"] as? NSNumber)?.int64Value == Int64.max - 1)
            let next = try await c.call(.post, "/v1/contactGroups", body: #"{"name":"None"}"#)
            #expect(next.status == 409)
        }
    }
}
