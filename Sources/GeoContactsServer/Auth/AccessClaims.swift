public import JWTKit

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The claims of a GeoContacts access token (JWT, HS256).
///
/// ```json
/// {"iss":"geocontacts","sub":"dev","iat":1764400000,"exp":1764486400,
///  "scope":"contacts:read contacts:write","customers":[1,2]}
/// ```
/// `scope` is space-separated as in OAuth 2.0 (RFC 6749 §3.3); `customers` lists the
/// `Customer-Id`s the token may act for.
public struct AccessClaims: JWTPayload, Equatable {
    /// The issuer every token of this service carries.
    public static let issuerName = "geocontacts"

    public var iss: IssuerClaim
    public var sub: SubjectClaim
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim
    /// Not before: absent in the tokens this service signs; honoured when present.
    public var nbf: NotBeforeClaim?
    public var scope: String
    public var customers: [Int64]

    public init(subject: String, scopes: [String], customers: [Int64], issuedAt: Date = Date(), lifetime: TimeInterval) {
        iss = IssuerClaim(value: Self.issuerName)
        sub = SubjectClaim(value: subject)
        iat = IssuedAtClaim(value: issuedAt)
        exp = ExpirationClaim(value: issuedAt.addingTimeInterval(lifetime))
        scope = scopes.joined(separator: " ")
        self.customers = customers
    }

    /// The granted scopes.
    public var scopes: Set<String> { Set(scope.split(separator: " ").map(String.init)) }

    /// How far `iat` and `nbf` may lie ahead of this machine's clock (skew between hosts).
    public static let clockLeeway: TimeInterval = 60

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try verify(at: Date())
    }

    /// Checks the time claims against `now` and the issuer: `exp` passed, `iat` or `nbf` more
    /// than ``clockLeeway`` ahead, or another issuer is a failure.
    func verify(at now: Date) throws {
        try exp.verifyNotExpired(currentDate: now)
        if let nbf { try nbf.verifyNotBefore(currentDate: now.addingTimeInterval(Self.clockLeeway)) }
        guard iat.value <= now.addingTimeInterval(Self.clockLeeway) else {
            throw JWTError.claimVerificationFailure(failedClaim: iat, reason: "issued in the future")
        }
        guard iss.value == Self.issuerName else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "unknown issuer") }
    }
}
