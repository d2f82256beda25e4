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
        guard let authorization = request.headers[.authorization] else {
            throw HTTPProblem.unauthorized("The request has no Authorization header; send Authorization: Bearer <token>.")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw HTTPProblem.unauthorized("The Authorization header must be Bearer <token>.")
        }
        let claims = try await tokens.verify(String(parts[1]).trimmingSpaces)
        let customer = try Self.customerID(request)
        guard claims.customers.contains(customer.rawValue) else { throw HTTPProblem.customerNotCovered(customer.rawValue) }
        return Caller(customer: customer, scopes: Set(claims.scopes.map(Scope.init(rawValue:))))
    }

    static func customerID(_ request: Request) throws(HTTPProblem) -> CustomerID {
        let values = request.headers[values: .customerID]
        guard let value = values.first else { throw HTTPProblem.invalidCustomerID("The Customer-Id header is required.") }
        guard values.count == 1 else { throw HTTPProblem.invalidCustomerID("The Customer-Id header must appear once.") }
        guard let id = Int64(value.trimmingSpaces), id.description == value.trimmingSpaces else {
            throw HTTPProblem.invalidCustomerID("The Customer-Id header must be an int64, not \"\(value.prefix(40))\".")
        }
        return CustomerID(id)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
