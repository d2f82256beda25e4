import GeoContacts
@testable import GeoContactsServer
import JWTKit
import Testing

import Foundation
import HTTPTypes

/// Tokens signed with the right key that must still be refused (issue 17, item 15): another
/// header `alg`, `nbf` or `iat` ahead of the clock beyond the leeway, no `exp`.
@Suite("Token claims and header") struct TokenClaimsTests {
    static let scopes = ["contacts:read", "contacts:write", "contacts:admin"]

    /// Signs `payload` with the harness key under a header whose `alg` is `alg`.
    static func sign(_ payload: some JWTPayload, alg: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Harness.secret), digestAlgorithm: .sha256)
        var header = JWTHeader()
        header.alg = alg
        header.typ = "JWT"
        return try await keys.sign(payload, header: header)
    }

    static func claims(issuedAt: Date = Date(), notBefore: Date? = nil) -> AccessClaims {
        var claims = AccessClaims(subject: "t", scopes: scopes, customers: [1], issuedAt: issuedAt, lifetime: 3600)
        claims.nbf = notBefore.map { NotBeforeClaim(value: $0) }
        return claims
    }

    struct WithoutExpiry: JWTPayload {
        var iss = IssuerClaim(value: AccessClaims.issuerName)
        var sub = SubjectClaim(value: "t")
        var iat = IssuedAtClaim(value: Date())
        var scope = "contacts:read"
        var customers: [Int64] = [1]
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test(arguments: ["HS512", "none", "RS256", "hs256"])
    func anotherAlgorithmInTheHeaderIsRefused(_ alg: String) async throws {
        let h = try await Harness()
        let token = try await Self.sign(Self.claims(), alg: alg)
        await #expect(throws: HTTPProblem.self) { try await h.tokens.verify(token) }
        try await h.withClient { c in
            let r = try await c.call(.get, "/v1/contacts", token: .some(token))
            #expect(r.status == 401, "\(alg): \(r.body)")
        }
    }

    @Test func theSameClaimsUnderHS256AreAccepted() async throws {
        let h = try await Harness()
        let token = try await Self.sign(Self.claims(), alg: "HS256")
        let claims = try await h.tokens.verify(token)
        #expect(claims.customers == [1])
    }

    @Test(arguments: [(0.0, true), (30.0, true), (3600.0, false), (86_400.0, false)])
    func notBeforeAheadOfTheClock(_ ahead: TimeInterval, accepted: Bool) async throws {
        let h = try await Harness()
        let token = try await Self.sign(Self.claims(notBefore: Date().addingTimeInterval(ahead)), alg: "HS256")
        if accepted {
            _ = try await h.tokens.verify(token)
        } else {
            await #expect(throws: HTTPProblem.self, "nbf \(ahead) s ahead") { try await h.tokens.verify(token) }
        }
    }

    @Test(arguments: [(0.0, true), (30.0, true), (3600.0, false), (86_400.0, false)])
    func issuedAtAheadOfTheClock(_ ahead: TimeInterval, accepted: Bool) async throws {
        let h = try await Harness()
        let token = try await Self.sign(Self.claims(issuedAt: Date().addingTimeInterval(ahead)), alg: "HS256")
        if accepted {
            _ = try await h.tokens.verify(token)
        } else {
            await #expect(throws: HTTPProblem.self, "iat \(ahead) s ahead") { try await h.tokens.verify(token) }
        }
    }

    @Test func aTokenWithoutExpiryIsRefused() async throws {
        let h = try await Harness()
        let token = try await Self.sign(WithoutExpiry(), alg: "HS256")
        await #expect(throws: HTTPProblem.self) { try await h.tokens.verify(token) }
        try await h.withClient { c in
            let r = try await c.call(.get, "/v1/contacts", token: .some(token))
            #expect(r.status == 401)
        }
    }
}
