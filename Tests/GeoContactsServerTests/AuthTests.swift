import GeoContacts
@testable import GeoContactsServer
import Hummingbird
import HTTPTypes
import JWTKit
import Testing

import Foundation

@Suite("Authentication, scopes and tenants") struct AuthTests {
    /// Every /v1 route with a body that would succeed for customer 1 (ids that exist there).
    static let routes: [(HTTPRequest.Method, String, String?)] = [
        (.post, "/v1/contacts", MalformedInputTests.valid),
        (.get, "/v1/contacts", nil),
        (.get, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12", nil),
        (.get, "/v1/contacts/within?latitude=51.5&longitude=-0.12&radius=1000", nil),
        (.post, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12", PolygonRouteTests.south),
        (.post, "/v1/contacts/within", PolygonRouteTests.south),
        (.get, "/v1/contacts/1", nil),
        (.patch, "/v1/contacts/1", #"{"name":"Changed"}"#),
        (.delete, "/v1/contacts/1?children=cascade", nil),
        (.get, "/v1/contacts/1/children", nil),
        (.get, "/v1/contacts/1/ancestors", nil),
        (.get, "/v1/contacts/1/descendants", nil),
        (.get, "/v1/contactGroups", nil),
        (.post, "/v1/contactGroups", #"{"name":"G"}"#),
        (.get, "/v1/customFieldDefinitions", nil),
        (.post, "/v1/customFieldDefinitions", #"{"name":"F","type":"text"}"#),
    ]

    static func scope(for method: HTTPRequest.Method, _ uri: String) -> String {
        if method == .get || uri.hasPrefix("/v1/contacts/nearest") || uri.hasPrefix("/v1/contacts/within") { return "contacts:read" }
        return uri.hasPrefix("/v1/contactGroups") || uri.hasPrefix("/v1/customFieldDefinitions") ? "contacts:admin" : "contacts:write"
    }

    @Test func everyV1RouteNeedsAValidToken() async throws {
        let h = try await Harness()
        let other = await TokenAuthority(secret: Array("another-secret-another-secret-another".utf8))
        let foreign = try await other.token(customers: [1], scopes: ["contacts:read", "contacts:write", "contacts:admin"])
        let expired = try await h.tokens.token(customers: [1], scopes: ["contacts:read"], lifetime: 60,
                                               issuedAt: Date().addingTimeInterval(-3600))
        let valid = try await h.token()
        let parts = valid.split(separator: ".")
        let unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + "."
        let tampered = parts[0] + "." + parts[1] + "." + String(parts[2].reversed())
        let before = h.state(1)
        try await h.withClient { c in
            for (method, uri, body) in Self.routes {
                let none = try await c.call(method, uri, token: .none, body: body)
                #expect(none.status == 401, "\(method) \(uri)")
                #expect(none.headers[.wwwAuthenticate] == #"Bearer realm="geocontacts""#)
                #expect(none.contentType == "application/problem+json")
                for bad in [foreign, expired, unsigned, String(tampered), "not-a-jwt", ""] {
                    let r = try await c.call(method, uri, token: .some(bad), body: body)
                    #expect(r.status == 401, "\(method) \(uri) \(bad.prefix(10))")
                    #expect(r.problemCode == "unauthorized")
                }
                let basic = try await c.call(method, uri, token: .none, body: body, headers: [.authorization: "Basic dXNlcjpwYXNz"])
                #expect(basic.status == 401)
            }
        }
        #expect(h.state(1) == before)
        let exact = try await h.withClient { c in try await c.call(.get, "/v1/contacts/1", token: .none) }
        #expect(exact.body == #"{"detail":"The request has no Authorization header; send Authorization: Bearer <token>.","instance":"/v1/contacts/1","status":401,"title":"Unauthorized","type":"urn:geocontacts:problem:unauthorized"}"#)
    }

    @Test func customerIdHeaderIsRequiredAndAnInteger() async throws {
        let h = try await Harness()
        let before = h.state(1)
        try await h.withClient { c in
            for (method, uri, body) in Self.routes {
                for value in [nil, "", "abc", "1.0", "99999999999999999999", "1,2", "0x1"] as [String?] {
                    let r = try await c.call(method, uri, customer: value, body: body)
                    #expect(r.status == 400, "\(method) \(uri) \(value ?? "missing")")
                    #expect(r.problemCode == "invalid-customer-id")
                }
            }
            let r = try await c.call(.get, "/v1/contacts", customer: nil)
            #expect(r.body == #"{"detail":"The Customer-Id header is required.","errors":{"Customer-Id":["The Customer-Id header is required."]},"instance":"/v1/contacts","status":400,"title":"The Customer-Id header is missing or invalid","type":"urn:geocontacts:problem:invalid-customer-id"}"#)
        }
        #expect(h.state(1) == before)
    }

    @Test func aTokenForCustomerOneCannotTouchCustomerTwo() async throws {
        let h = try await Harness()
        let before1 = h.state(1), before2 = h.state(2)
        try await h.withClient { c in
            for (method, uri, body) in Self.routes {
                let r = try await c.call(method, uri, customer: "2", body: body)
                #expect(r.status == 403, "\(method) \(uri)")
                #expect(r.problemCode == "customer-not-covered", "\(method) \(uri)")
            }
            let exact = try await c.call(.get, "/v1/contacts/1", customer: "2")
            #expect(exact.body == #"{"detail":"The token may not act for customer 2.","instance":"/v1/contacts/1","status":403,"title":"Forbidden","type":"urn:geocontacts:problem:customer-not-covered"}"#)
            // Acting as customer 1, customer 2's contact (id 1 there too) is never what is answered.
            let own = try await c.call(.get, "/v1/contacts/1")
            #expect(own.json["name"] as? String == "HQ")
            let near = try await c.call(.get, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12&count=10")
            #expect(!near.body.contains("Secret"))
            let list = try await c.call(.get, "/v1/contacts?pageSize=1000")
            #expect(!list.body.contains("Secret"))
            let box = try await c.call(.get, "/v1/contacts/within?south=-90&west=-180&north=90&east=180")
            #expect(!box.body.contains("Secret"))
        }
        #expect(h.state(1) == before1)
        #expect(h.state(2) == before2)
        // A token for customer 2 sees only customer 2.
        let two = try await h.token([2])
        try await h.withClient { c in
            let r = try await c.call(.get, "/v1/contacts/1", token: .some(two), customer: "2")
            #expect(r.json["name"] as? String == "Secret")
            #expect(try await c.call(.get, "/v1/contacts/2", token: .some(two), customer: "2").status == 404)
            #expect(try await c.call(.patch, "/v1/contacts/2", token: .some(two), customer: "2", body: #"{"name":"X"}"#).status == 404)
            #expect(try await c.call(.delete, "/v1/contacts/3", token: .some(two), customer: "2").status == 404)
            #expect(try await c.call(.get, "/v1/contacts/1", token: .some(two), customer: "1").status == 403)
        }
        #expect(h.state(1) == before1)
    }

    @Test func eachScopeIsEnforced() async throws {
        let all = ["contacts:read", "contacts:write", "contacts:admin"]
        for (method, uri, body) in Self.routes {
            let h = try await Harness()
            let needed = Self.scope(for: method, uri)
            let without = try await h.token(scopes: all.filter { $0 != needed })
            let only = try await h.token(scopes: [needed])
            let before = h.state(1)
            try await h.withClient { c in
                let refused = try await c.call(method, uri, token: .some(without), body: body)
                #expect(refused.status == 403, "\(method) \(uri) without \(needed)")
                #expect(refused.problemCode == "missing-scope", "\(method) \(uri)")
                #expect(refused.body.contains(needed))
            }
            #expect(h.state(1) == before, "\(method) \(uri)")
            try await h.withClient { c in
                let allowed = try await c.call(method, uri, token: .some(only), body: body)
                #expect((200..<300).contains(allowed.status), "\(method) \(uri) with only \(needed): \(allowed.body)")
            }
        }
    }

    @Test func aCachedTokenStillExpires() async throws {
        let h = try await Harness()
        let token = try await h.token(lifetime: 60)
        let claims = try await h.tokens.verify(token)
        #expect(h.tokens.verified.claims(for: token) == claims)
        #expect(h.tokens.verified.claims(for: token, now: Date().addingTimeInterval(120)) == nil)
        #expect(h.tokens.verified.claims(for: token + "x") == nil)
    }

    @Test func claimsRoundTrip() async throws {
        let h = try await Harness()
        let token = try await h.token([1, 7], scopes: ["contacts:read"])
        let claims = try await h.tokens.verify(token)
        #expect(claims.customers == [1, 7])
        #expect(claims.scopes == ["contacts:read"])
        #expect(claims.iss.value == "geocontacts")
    }
}
