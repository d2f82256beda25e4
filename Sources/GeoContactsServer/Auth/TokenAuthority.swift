import JWTKit
import Synchronization

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Signs and verifies access tokens with one HS256 key (vapor/jwt-kit).
public struct TokenAuthority: Sendable {
    let keys: JWTKeyCollection
    let verified = VerifiedTokenCache()

    /// - Parameter secret: the HMAC key, at least 32 bytes (``SigningKeyStore``).
    public init(secret: [UInt8]) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    }

    /// A signed token for `customers` with `scopes`, valid for `lifetime` seconds.
    public func token(subject: String = "developer", customers: [Int64], scopes: [String],
                      lifetime: TimeInterval = 30 * 24 * 3600, issuedAt: Date = Date()) async throws -> String {
        try await keys.sign(AccessClaims(subject: subject, scopes: scopes, customers: customers,
                                         issuedAt: issuedAt, lifetime: lifetime))
    }

    /// The claims of a valid token (signature, algorithm, expiry and issuer checked).
    ///
    /// - Throws: a 401 ``HTTPProblem`` for any token that is not valid; the reason is in
    ///   `detail`, never the token.
    public func verify(_ token: String) async throws(HTTPProblem) -> AccessClaims {
        if let claims = verified.claims(for: token) { return claims }
        // jwt-kit picks the one key whatever the header's `alg` says: refuse any other first.
        guard Self.headerAlgorithm(of: token) == "HS256" else {
            throw HTTPProblem.unauthorized("The token is malformed or uses an unsupported algorithm.")
        }
        do {
            let claims = try await keys.verify(token, as: AccessClaims.self)
            verified.insert(claims, for: token)
            return claims
        } catch let error as JWTError {
            let reason: String = switch error.errorType {
            case .claimVerificationFailure: "The token has expired or names another issuer."
            case .signatureVerificationFailed: "The token's signature is not valid."
            default: "The token is malformed or uses an unsupported algorithm."
            }
            throw HTTPProblem.unauthorized(reason)
        } catch {
            throw HTTPProblem.unauthorized("The token is malformed.")
        }
    }
}

extension TokenAuthority {
    /// The `alg` of a compact JWT's header, or nil when the header is not base64url JSON.
    static func headerAlgorithm(of token: String) -> String? {
        struct Header: Decodable { var alg: String? }
        guard let dot = token.utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let encoded = token[..<dot]
        guard encoded.utf8.count <= 1024 else { return nil }
        var base64 = String(encoded.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let header = try? JSONDecoder().decode(Header.self, from: data) else {
            return nil
        }
        return header.alg
    }
}

/// Claims of tokens verified before, by the exact token text: the same bytes carry the same
/// signature, so only the expiry needs checking again. Bounded: emptied when it reaches
/// ``capacity`` entries. Saves the HMAC and JSON decoding on every request of a client that
/// reuses its token (under load, about half the cost of a small authenticated request).
final class VerifiedTokenCache: Sendable {
    static let capacity = 4096
    private let entries = Mutex<[String: AccessClaims]>([:])

    func claims(for token: String, now: Date = Date()) -> AccessClaims? {
        guard let claims = entries.withLock({ $0[token] }) else { return nil }
        return claims.exp.value > now ? claims : nil
    }

    func insert(_ claims: AccessClaims, for token: String) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = claims
        }
    }
}
