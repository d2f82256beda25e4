public import GeoContacts
public import Hummingbird
import HTTPTypes

/// Turns a request's `Authorization: Bearer` token and `Customer-Id` header into the
/// library's ``Caller``: the customer the call acts for and the scopes granted.
///
/// Order of refusals: no or invalid token → 401; missing or non-integer `Customer-Id` →
/// 400; a customer the token does not list → 403. Scopes are then enforced by the library
/// (403 `missing-scope`).
public struct Authenticator: Sendable {
    public let tokens: TokenAuthority

    public init(tokens: TokenAuthority) { self.tokens = tokens }

    public func caller(for request: Request) async throws(HTTPProblem) -> Caller {
        guard let authorization = request.headers.value(of: .authorization) else {
            throw HTTPProblem.unauthorized("The request has no Authorization header; send Authorization: Bearer <token>.")
        }
        let token: String
        if let plain = Self.plainBearerToken(authorization) {
            token = plain
        } else {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw HTTPProblem.unauthorized("The Authorization header must be Bearer <token>.")
            }
            token = String(parts[1]).trimmingSpaces
        }
        let claims = try await tokens.verify(token)
        let customer = try Self.customerID(request)
        guard claims.customers.contains(customer.rawValue) else { throw HTTPProblem.customerNotCovered(customer.rawValue) }
        return Caller(customer: customer, scopes: Set(claims.scopes.map(Scope.init(rawValue:))))
    }

    /// The token of the usual header, `Bearer <token>` (any case of `Bearer`, one space, a token
    /// of visible ASCII characters), read on the UTF-8 bytes; `nil` for anything else, which the
    /// general (Character-based, much slower on a long token) parsing then handles. For every
    /// header it accepts, it gives the same token as that parsing.
    static func plainBearerToken(_ header: String) -> String? {
        var header = header
        return header.withUTF8 { bytes -> String? in
            let scheme: StaticString = "bearer"
            let count = scheme.utf8CodeUnitCount
            guard bytes.count > count + 1, bytes[count] == 0x20 else { return nil }
            for i in 0..<count {
                // `scheme` is lower-case letters: a byte matches it or its upper case (0x20 less).
                let lower = scheme.utf8Start[i]
                guard bytes[i] == lower || bytes[i] == lower - 0x20 else { return nil }
            }
            let token = UnsafeBufferPointer(rebasing: bytes[(count + 1)...])
            for b in token where b < 0x21 || b > 0x7E { return nil }
            return String(decoding: token, as: UTF8.self)
        }
    }

    static func customerID(_ request: Request) throws(HTTPProblem) -> CustomerID {
        let (first, count) = request.headers.firstValue(of: .customerID)
        guard let value = first else { throw HTTPProblem.invalidCustomerID("The Customer-Id header is required.") }
        guard count == 1 else { throw HTTPProblem.invalidCustomerID("The Customer-Id header must appear once.") }
        guard let id = Int64(value.trimmingSpaces), id.description == value.trimmingSpaces else {
            throw HTTPProblem.invalidCustomerID("The Customer-Id header must be an int64, not \"\(value.prefix(40))\".")
        }
        return CustomerID(id)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        // Fast path: a Character " " or "\t" is that one byte, so when neither end's byte is
        // one of them there is nothing to drop (and no need to walk the Characters backwards,
        // which on a long token cost a third of a request).
        let text = String(self)
        if let first = text.utf8.first, let last = text.utf8.last,
           first != 0x20, first != 0x09, last != 0x20, last != 0x09
        {
            return text
        }
        return String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
