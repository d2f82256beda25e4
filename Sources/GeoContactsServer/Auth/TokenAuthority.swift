import JWTKit

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Signs and verifies access tokens with one HS256 key (vapor/jwt-kit).
public struct TokenAuthority: Sendable {
    let keys: JWTKeyCollection

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
        do {
            return try await keys.verify(token, as: AccessClaims.self)
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
