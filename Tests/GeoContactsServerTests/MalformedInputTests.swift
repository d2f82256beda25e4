import GeoContacts
@testable import GeoContactsServer
import Hummingbird
import HTTPTypes
import Testing

@Suite("Malformed input") struct MalformedInputTests {
    static let valid = #"{"name":"X","groupId":1,"location":{"latitude":1,"longitude":1}}"#

    /// (case, body, expected status, expected problem code)
    static let bodies: [(String, [UInt8], Int, String)] = [
        ("not JSON", Array("name=X".utf8), 400, "malformed-json"),
        ("empty", [], 400, "malformed-json"),
        ("array", Array("[1,2]".utf8), 400, "malformed-json"),
        ("truncated", Array(#"{"name":"X""#.utf8), 400, "malformed-json"),
        ("wrong type name", Array(#"{"name":5,"groupId":1,"location":{"latitude":1,"longitude":1}}"#.utf8), 400, "invalid-body"),
        ("wrong type groupId", Array(#"{"name":"X","groupId":"1","location":{"latitude":1,"longitude":1}}"#.utf8), 400, "invalid-body"),
        ("wrong type location", Array(#"{"name":"X","groupId":1,"location":[1,1]}"#.utf8), 400, "invalid-body"),
        ("unknown field", Array(#"{"name":"X","groupId":1,"location":{"latitude":1,"longitude":1},"colour":"red"}"#.utf8), 400, "invalid-body"),
        ("unknown nested field", Array(#"{"name":"X","groupId":1,"location":{"latitude":1,"longitude":1,"altitude":3}}"#.utf8), 400, "invalid-body"),
        ("duplicate key", Array(#"{"name":"X","name":"Y","groupId":1,"location":{"latitude":1,"longitude":1}}"#.utf8), 400, "invalid-body"),
        ("huge integer", Array(#"{"name":"X","groupId":99999999999999999999999,"location":{"latitude":1,"longitude":1}}"#.utf8), 400, "invalid-body"),
        ("fractional id", Array(#"{"name":"X","groupId":1.5,"location":{"latitude":1,"longitude":1}}"#.utf8), 400, "invalid-body"),
        ("huge double (infinite: a range error)", Array(#"{"name":"X","groupId":1,"location":{"latitude":1e400,"longitude":1}}"#.utf8), 422, "validation-failed"),
        ("deep nesting", Array((String(repeating: "[", count: 3000) + String(repeating: "]", count: 3000)).utf8), 400, "malformed-json"),
        ("deep nesting in a field", Array((#"{"name":"X","groupId":1,"location":"# + String(repeating: #"{"a":"#, count: 2000) + "1" + String(repeating: "}", count: 2001)).utf8), 400, "malformed-json"),
        ("invalid UTF-8", Array(#"{"name":""#.utf8) + [0xC3, 0x28] + Array(#"","groupId":1,"location":{"latitude":1,"longitude":1}}"#.utf8), 400, "malformed-json"),
        ("lone surrogate escape", Array(#"{"name":"\ud800","groupId":1,"location":{"latitude":1,"longitude":1}}"#.utf8), 400, "malformed-json"),
    ]

    @Test(arguments: bodies.indices)
    func createRefusesMalformedBodies(_ index: Int) async throws {
        let (name, bytes, status, code) = Self.bodies[index]
        let h = try await Harness(maximumBodySize: 65_536)
        let before = h.state(1)
        try await h.withClient { c in
            let r = try await c.call(.post, "/v1/contacts", bytes: bytes)
            #expect(r.status == status, "\(name): \(r.body)")
            #expect(r.problemCode == code, "\(name): \(r.body)")
            #expect(r.contentType == "application/problem+json", "\(name)")
            let p = try await c.call(.patch, "/v1/contacts/2", bytes: bytes)
            #expect(p.status == status, "PATCH \(name): \(p.body)")
        }
        #expect(h.state(1) == before, "\(name)")
    }

    @Test func hugeBodyIs413() async throws {
        let h = try await Harness(maximumBodySize: 4096)
        let before = h.state(1)
        try await h.withClient { c in
            let big = #"{"name":"X","groupId":1,"extraInformation":""# + String(repeating: "a", count: 5000) + #"","location":{"latitude":1,"longitude":1}}"#
            for (method, uri) in [(HTTPRequest.Method.post, "/v1/contacts"), (.patch, "/v1/contacts/2"), (.post, "/v1/contactGroups"),
                                  (.post, "/v1/customFieldDefinitions")] {
                let r = try await c.call(method, uri, body: big)
                #expect(r.status == 413, "\(method) \(uri)")
                #expect(r.body == #"{"detail":"The body exceeds the limit of 4096 bytes.","instance":"\#(uri)","status":413,"title":"The request body is too large","type":"urn:geocontacts:problem:payload-too-large"}"#)
            }
        }
        #expect(h.state(1) == before)
    }

    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data", "applicationjson",
                      "", ";", ";;", " ; charset=utf-8", ";application/json", "\u{00e9}/json"])
    func wrongContentTypeIs415(_ type: String) async throws {
        let h = try await Harness()
        let before = h.state(1)
        try await h.withClient { c in
            for (method, uri) in [(HTTPRequest.Method.post, "/v1/contacts"), (.patch, "/v1/contacts/2"), (.post, "/v1/contactGroups"),
                                  (.post, "/v1/customFieldDefinitions"), (.post, "/v1/contactBatches")] {
                let r = try await c.call(method, uri, body: Self.valid, contentType: type)
                #expect(r.status == 415, "\(method) \(uri) \(type)")
                #expect(r.problemCode == "unsupported-media-type")
            }
            let none = try await c.call(.post, "/v1/contacts", body: Self.valid, contentType: nil)
            #expect(none.status == 415)
            #expect(h.state(1) == before)
            let charset = try await c.call(.post, "/v1/contacts", body: Self.valid, contentType: "application/json; charset=utf-8")
            #expect(charset.status == 201)
        }
    }

    @Test func unknownRouteIs404AndWrongMethodIs405() async throws {
        try await Harness().withClient { c in
            let r = try await c.call(.get, "/v2/nothing")
            #expect(r.status == 404)
            #expect(r.body == #"{"detail":"No resource at /v2/nothing.","instance":"/v2/nothing","status":404,"title":"Not found","type":"urn:geocontacts:problem:not-found"}"#)
            let m = try await c.call(.put, "/v1/contacts/1", body: MalformedInputTests.valid)
            #expect(m.status == 405)
            #expect(m.headers[.allow] == "DELETE, GET, PATCH")
            #expect(m.body == #"{"detail":"PUT is not allowed here; allowed: DELETE, GET, PATCH.","instance":"/v1/contacts/1","status":405,"title":"Method not allowed","type":"urn:geocontacts:problem:method-not-allowed"}"#)
            let d = try await c.call(.delete, "/v1/contactGroups")
            #expect(d.status == 405)
            #expect(d.headers[.allow] == "GET, POST")
            #expect(try await c.anonymous(.post, "/health", customer: nil).status == 405)
            // A constant segment wins over {id}, as in the router: PATCH /v1/contacts/nearest is a 405
            // (GET, and POST with a polygon).
            let nearest = try await c.call(.patch, "/v1/contacts/nearest", body: #"{"name":"X"}"#)
            #expect(nearest.status == 405)
            #expect(nearest.headers[.allow] == "GET, POST")
        }
    }
}
