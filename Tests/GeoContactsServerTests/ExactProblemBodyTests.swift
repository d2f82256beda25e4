@testable import GeoContactsServer
import HTTPTypes
import Hummingbird
import Testing

/// Exact bodies of the library's problems as the service answers them.
@Suite("Exact problem bodies") struct ExactProblemBodyTests {
    @Test func bodies() async throws {
        let h = try await Harness()
        let before = h.state(1)
        try await h.withClient { c in
            let r422 = try await c.call(.post, "/v1/contacts", body: #"{"name":"X","groupId":1,"location":{"latitude":91,"longitude":0}}"#)
            #expect(r422.body == #"{"detail":"1 property is invalid.","errors":{"location.latitude":["must be between -90 and 90"]},"instance":"/v1/contacts","status":422,"title":"One or more properties are invalid","type":"urn:geocontacts:problem:validation-failed"}"#)
            let r400 = try await c.call(.post, "/v1/contacts", body: #"{"name":"X","groupId":1,"location":{"latitude":1,"longitude":1},"colour":"red"}"#)
            #expect(r400.body == #"{"detail":"colour: is not a known property","errors":{"colour":["is not a known property"]},"instance":"/v1/contacts","status":400,"title":"The request body does not have the expected shape","type":"urn:geocontacts:problem:invalid-body"}"#)
            let r409 = try await c.call(.delete, "/v1/contacts/1")
            #expect(r409.body == #"{"detail":"Contact 1 has 1 children; remove or re-parent them, or ask to re-parent or cascade.","instance":"/v1/contacts/1","status":409,"title":"The contact has children","type":"urn:geocontacts:problem:contact-has-children"}"#)
            let r403 = try await c.call(.post, "/v1/contacts", token: .some(try await h.token(scopes: ["contacts:read"])), body: MalformedInputTests.valid)
            #expect(r403.body == #"{"detail":"The caller lacks the scope contacts:write.","instance":"/v1/contacts","status":403,"title":"Forbidden","type":"urn:geocontacts:problem:missing-scope"}"#)
            let r415 = try await c.call(.post, "/v1/contacts", body: MalformedInputTests.valid, contentType: "text/plain")
            #expect(r415.body == #"{"detail":"The body must be application/json, not text/plain.","instance":"/v1/contacts","status":415,"title":"Unsupported media type","type":"urn:geocontacts:problem:unsupported-media-type"}"#)
            let bad = try await c.call(.get, "/v1/contacts/abc")
            #expect(bad.body == #"{"detail":"id must be an int64 contact id, not \"abc\".","errors":{"id":["must be an int64 contact id, not \"abc\""]},"instance":"/v1/contacts/abc","status":400,"title":"A request parameter is invalid","type":"urn:geocontacts:problem:invalid-parameter"}"#)
        }
        #expect(h.state(1) == before)
    }
}
