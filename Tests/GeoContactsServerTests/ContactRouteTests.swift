import Foundation
import GeoContacts
@testable import GeoContactsServer
import Hummingbird
import HTTPTypes
import Testing

@Suite("Contacts routes") struct ContactRouteTests {
    static let siteA = #"{"country":null,"customFields":[{"definitionId":1,"value":"high"}],"extraInformation":null,"groupId":1,"id":2,"location":{"latitude":51.51,"longitude":-0.13},"name":"Site A","parentId":1,"postalCode":null,"reference":"A","street":null,"town":"London"}"#

    @Test func health() async throws {
        try await Harness().withClient { c in
            let r = try await c.anonymous(.get, "/health", customer: nil)
            #expect(r.status == 200)
            #expect(r.body == #"{"status":"ok"}"#)
        }
    }

    @Test func getContact() async throws {
        try await Harness().withClient { c in
            let r = try await c.call(.get, "/v1/contacts/2")
            #expect(r.status == 200)
            #expect(r.contentType == "application/json")
            #expect(r.body == Self.siteA)
        }
    }

    @Test func getUnknownContactIs404Problem() async throws {
        try await Harness().withClient { c in
            let r = try await c.call(.get, "/v1/contacts/99")
            #expect(r.status == 404)
            #expect(r.contentType == "application/problem+json")
            #expect(r.body == #"{"detail":"No contact 99 exists for this customer.","instance":"/v1/contacts/99","status":404,"title":"Contact not found","type":"urn:geocontacts:problem:contact-not-found"}"#)
        }
    }

    @Test(arguments: ["abc", "1.5", "99999999999999999999", "-", "0x10", "%20"])
    func nonIntegerPathIDIs400(_ id: String) async throws {
        let h = try await Harness()
        let before = h.state(1)
        try await h.withClient { c in
            for method in [HTTPRequest.Method.get, .patch, .delete] {
                let r = try await c.call(method, "/v1/contacts/\(id)", body: method == .patch ? #"{"name":"X"}"# : nil)
                #expect(r.status == 400, "\(method) \(id)")
                #expect(r.problemCode == "invalid-parameter")
            }
            let r = try await c.call(.get, "/v1/contacts/\(id)/children")
            #expect(r.status == 400)
        }
        #expect(h.state(1) == before)
    }

    @Test func createReturns201WithLocation() async throws {
        let h = try await Harness()
        try await h.withClient { c in
            let r = try await c.call(.post, "/v1/contacts",
                                     body: #"{"name":"Site C","groupId":1,"parentId":2,"town":"Leeds","location":{"latitude":53.8,"longitude":-1.55},"customFields":[{"definitionId":1,"value":"low"}]}"#)
            #expect(r.status == 201)
            #expect(r.body == #"{"id":4}"#)
            #expect(r.headers[.location] == "/v1/contacts/4")
            let g = try await c.call(.get, "/v1/contacts/4")
            #expect(g.body == #"{"country":null,"customFields":[{"definitionId":1,"value":"low"}],"extraInformation":null,"groupId":1,"id":4,"location":{"latitude":53.8,"longitude":-1.55},"name":"Site C","parentId":2,"postalCode":null,"reference":null,"street":null,"town":"Leeds"}"#)
        }
    }

    @Test func createInvalidIs422WithErrors() async throws {
        let h = try await Harness()
        let before = h.state(1)
        try await h.withClient { c in
            let r = try await c.call(.post, "/v1/contacts", body: #"{"name":"X","groupId":1,"location":{"latitude":91,"longitude":0}}"#)
            #expect(r.status == 422)
            #expect(r.contentType == "application/problem+json")
            #expect(r.problemCode == "validation-failed")
            let errors = r.json["errors"] as? [String: [String]]
            #expect(errors?.keys.sorted() == ["location.latitude"])
            let missing = try await c.call(.post, "/v1/contacts", body: #"{}"#)
            #expect(missing.status == 422)
            let keys = (missing.json["errors"] as? [String: [String]])?.keys.sorted()
            #expect(keys == ["groupId", "location", "name"])
            let unknownGroup = try await c.call(.post, "/v1/contacts", body: #"{"name":"X","groupId":42,"location":{"latitude":1,"longitude":1}}"#)
            #expect(unknownGroup.status == 422)
        }
        #expect(h.state(1) == before)
    }

    @Test func patchAndDelete() async throws {
        let h = try await Harness()
        try await h.withClient { c in
            let p = try await c.call(.patch, "/v1/contacts/3", body: #"{"name":"Site B2","town":"Kent","parentId":null}"#)
            #expect(p.status == 204)
            #expect(p.body == "")
            let g = try await c.call(.get, "/v1/contacts/3")
            #expect(g.json["name"] as? String == "Site B2")
            #expect(g.json["parentId"] is NSNull)
            let cycle = try await c.call(.patch, "/v1/contacts/1", body: #"{"parentId":2}"#)
            #expect(cycle.status == 422)
            let empty = try await c.call(.patch, "/v1/contacts/1", body: #"{}"#)
            #expect(empty.status == 400)
            #expect(empty.problemCode == "empty-patch")
            let unknown = try await c.call(.patch, "/v1/contacts/99", body: #"{"name":"X"}"#)
            #expect(unknown.status == 404)
            let nullName = try await c.call(.patch, "/v1/contacts/2", body: #"{"name":null}"#)
            #expect(nullName.status == 422)

            let hasChildren = try await c.call(.delete, "/v1/contacts/1")
            #expect(hasChildren.status == 409)
            #expect(hasChildren.problemCode == "contact-has-children")
            let badPolicy = try await c.call(.delete, "/v1/contacts/1?children=maybe")
            #expect(badPolicy.status == 400)
            let d = try await c.call(.delete, "/v1/contacts/3")
            #expect(d.status == 204)
            #expect(try await c.call(.get, "/v1/contacts/3").status == 404)
            #expect(try await c.call(.delete, "/v1/contacts/3").status == 404)
            let cascade = try await c.call(.delete, "/v1/contacts/1?children=cascade")
            #expect(cascade.status == 204)
            let list = try await c.call(.get, "/v1/contacts")
            #expect(list.body == #"{"items":[],"next":null,"pageItemCount":0,"pageNumber":1,"pageSize":50}"#)
        }
    }

    @Test func listAndFilters() async throws {
        try await Harness().withClient { c in
            func ids(_ uri: String) async throws -> [Int] {
                let r = try await c.call(.get, uri)
                #expect(r.status == 200, "\(uri)")
                return (r.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            }
            #expect(try await ids("/v1/contacts") == [1, 2, 3])
            #expect(try await ids("/v1/contacts?groupId=1") == [2, 3])
            #expect(try await ids("/v1/contacts?parentId=1") == [2])
            #expect(try await ids("/v1/contacts?reference=A") == [2])
            #expect(try await ids("/v1/contacts?pageSize=2&pageNumber=2") == [3])
            let page = try await c.call(.get, "/v1/contacts?pageSize=1")
            #expect(page.json["pageItemCount"] as? Int == 1)
            #expect(page.json["pageSize"] as? Int == 1)
            #expect(page.json["pageNumber"] as? Int == 1)
            for bad in ["pageSize=0", "pageSize=1001", "pageNumber=0", "pageSize=x", "groupId=1.5", "groupId=1&groupId=2"] {
                let r = try await c.call(.get, "/v1/contacts?\(bad)")
                #expect(r.status == 400, "\(bad)")
                #expect(r.problemCode == "invalid-parameter", "\(bad)")
            }
            #expect(try await c.call(.get, "/v1/contacts?groupId=77").status == 404)
            #expect(try await c.call(.get, "/v1/contacts?parentId=77").status == 404)
        }
    }

    /// Without versions (no shared store), a write that asks for a version above 0 is refused
    /// 503 `version-unavailable` before anything changes; version 0 is always reached.
    @Test func writesHonourTheMinimumVersion() async throws {
        let h = try await Harness()
        let before = h.state(1)
        try await h.withClient { c in
            let minimum = HTTPField.Name("GeoContacts-Min-Version")!
            let writes: [(HTTPRequest.Method, String, String?)] = [
                (.patch, "/v1/contacts/3", #"{"name":"X"}"#), (.delete, "/v1/contacts/3?children=cascade", nil),
                (.post, "/v1/contacts", #"{"name":"N","groupId":1,"location":{"latitude":1,"longitude":2}}"#),
                (.post, "/v1/contactBatches", #"[{"name":"N","groupId":1,"location":{"latitude":1,"longitude":2}}]"#),
                (.post, "/v1/contactGroups", #"{"name":"G2"}"#)]
            for (method, uri, body) in writes {
                let r = try await c.call(method, uri, body: body, headers: [minimum: "5"])
                #expect(r.status == 503, "\(method) \(uri): \(r.status) \(r.body.prefix(200))")
                #expect(r.body.contains("version-unavailable"), "\(method) \(uri)")
            }
            #expect(h.state(1) == before)
            let r = try await c.call(.patch, "/v1/contacts/3", body: #"{"name":"X"}"#, headers: [minimum: "0"])
            #expect(r.status == 204, "\(r.body.prefix(200))")
        }
    }
}
