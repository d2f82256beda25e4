import Foundation
import GeoContacts
@testable import GeoContactsServer
import Hummingbird
import HTTPTypes
import Testing

/// `DELETE /v1/contactGroups/{id}` and `DELETE /v1/customFieldDefinitions/{id}` (see the
/// Harness's data: group 1 has contacts 2 and 3 and definition 1 is restricted to it; group 2
/// has contact 1; contact 2 has a value for definition 1).
@Suite("Group and definition removal routes") struct AdminRemovalRouteTests {
    @Test func inUseIs409AndChangesNothing() async throws {
        let h = try await Harness()
        try await h.withClient { c in
            let before = h.state(1)
            for uri in ["/v1/contactGroups/2", "/v1/contactGroups/1?moveContactsTo=2", "/v1/customFieldDefinitions/1",
                        "/v1/customFieldDefinitions/1?clearValues=false"] {
                let r = try await c.call(.delete, uri)
                #expect(r.status == 409, "\(uri)")
                #expect(r.contentType == "application/problem+json")
                #expect(r.problemCode == "in-use", "\(uri): \(r.body)")
                #expect(r.json["instance"] as? String == String(uri.prefix { $0 != "?" }))
            }
            #expect(h.state(1) == before)
        }
    }

    @Test func clearingThenMovingRemovesBoth() async throws {
        let h = try await Harness()
        try await h.withClient { c in
            let other = h.state(2)
            let cleared = try await c.call(.delete, "/v1/customFieldDefinitions/1?clearValues=true")
            #expect(cleared.status == 204 && cleared.body.isEmpty)
            #expect((try await c.call(.get, "/v1/contacts/2").json["customFields"] as? [Any])?.isEmpty == true)
            let moved = try await c.call(.delete, "/v1/contactGroups/1?moveContactsTo=2")
            #expect(moved.status == 204)
            let groups = try await c.call(.get, "/v1/contactGroups")
            #expect(groups.body.contains(#""name":"Depots""#) && !groups.body.contains(#""name":"Sites""#))
            let listed = try await c.call(.get, "/v1/contacts?groupId=2")
            #expect((listed.json["items"] as? [[String: Any]])?.count == 3)
            #expect(try await c.call(.get, "/v1/customFieldDefinitions").json["pageItemCount"] as? Int == 0)
            // Gone now: 404 with the library's codes.
            let group = try await c.call(.delete, "/v1/contactGroups/1")
            #expect(group.status == 404 && group.problemCode == "group-not-found")
            let definition = try await c.call(.delete, "/v1/customFieldDefinitions/1")
            #expect(definition.status == 404 && definition.problemCode == "definition-not-found")
            #expect(try await c.call(.get, "/v1/contacts?groupId=1").status == 404)
            // The other customer's group 1 is untouched.
            #expect(h.state(2) == other)
            try h.directory.snapshot(of: CustomerID(1)).checkInvariants()
        }
    }

    @Test func emptyGroupIsRemoved() async throws {
        let h = try await Harness()
        try await h.withClient { c in
            let created = try await c.call(.post, "/v1/contactGroups", body: #"{"name":"Empty"}"#)
            let id = try #require(created.json["id"] as? Int)
            #expect(try await c.call(.delete, "/v1/contactGroups/\(id)").status == 204)
            #expect(try await c.call(.delete, "/v1/contactGroups/\(id)").status == 404)
        }
    }

    @Test func scopeAndAuth() async throws {
        let h = try await Harness()
        try await h.withClient { c in
            let before = h.state(1)
            let writer = try await h.token(scopes: ["contacts:read", "contacts:write"])
            for uri in ["/v1/contactGroups/2", "/v1/customFieldDefinitions/1?clearValues=true"] {
                let r = try await c.call(.delete, uri, token: .some(writer))
                #expect(r.status == 403 && r.problemCode == "missing-scope", "\(uri)")
                #expect(try await c.anonymous(.delete, uri).status == 401)
                // A customer the token does not list.
                #expect(try await c.call(.delete, uri, customer: "2").status == 403)
            }
            let onlyTwo = try await h.token([2])
            #expect(try await c.call(.delete, "/v1/contactGroups/2", token: .some(onlyTwo)).status == 403)
            #expect(h.state(1) == before)
        }
    }

    @Test func hostileInputIs400Or422NeverATrap() async throws {
        let h = try await Harness()
        try await h.withClient { c in
            let before = h.state(1)
            let badIDs = ["abc", "-1", "0", "9223372036854775808", "-9223372036854775809", "99999999999999999999999", "1.5",
                          "+1", "01", "%20", "1e3", "0x10"]
            for id in badIDs {
                for base in ["/v1/contactGroups/", "/v1/customFieldDefinitions/"] {
                    let r = try await c.call(.delete, base + id)
                    #expect(r.status == 400, "\(base)\(id): \(r.status) \(r.body)")
                    #expect(r.problemCode == "invalid-parameter", "\(base)\(id)")
                }
            }
            let badQueries = ["moveContactsTo=", "moveContactsTo=-3", "moveContactsTo=0", "moveContactsTo=abc",
                              "moveContactsTo=9223372036854775808", "moveContactsTo=2&moveContactsTo=2", "moveContactsTo=2.0"]
            for query in badQueries {
                let r = try await c.call(.delete, "/v1/contactGroups/1?\(query)")
                #expect(r.status == 400 && r.problemCode == "invalid-parameter", "\(query): \(r.body)")
            }
            for query in ["clearValues=", "clearValues=yes", "clearValues=TRUE", "clearValues=1", "clearValues=true&clearValues=true"] {
                let r = try await c.call(.delete, "/v1/customFieldDefinitions/1?\(query)")
                #expect(r.status == 400 && r.problemCode == "invalid-parameter", "\(query): \(r.body)")
            }
            // Well-formed but naming no other group: 422 on moveContactsTo (after the group's own 404).
            for query in ["moveContactsTo=99", "moveContactsTo=1", "moveContactsTo=9223372036854775807"] {
                let r = try await c.call(.delete, "/v1/contactGroups/1?\(query)")
                #expect(r.status == 422, "\(query): \(r.body)")
                #expect((r.json["errors"] as? [String: [String]])?["moveContactsTo"] != nil)
            }
            #expect(try await c.call(.delete, "/v1/contactGroups/9223372036854775807?moveContactsTo=1").status == 404)
            #expect(try await c.call(.delete, "/v1/customFieldDefinitions/9223372036854775807").status == 404)
            #expect(h.state(1) == before)
            // Other methods on the new paths: 405.
            let get = try await c.call(.get, "/v1/contactGroups/1")
            #expect(get.status == 405 && get.headers[.allow] == "DELETE")
        }
    }
}
