/// An OAuth-style permission the caller was granted. The HTTP service maps tokens to scopes;
/// this library enforces them.
public struct Scope: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Read contacts, groups and definitions, and run queries.
    public static let read = Scope(rawValue: "contacts:read")
    /// Create, change and remove contacts.
    public static let write = Scope(rawValue: "contacts:write")
    /// Define groups and custom-field definitions.
    public static let admin = Scope(rawValue: "contacts:admin")
}

/// Who is calling: the customer the call acts for and the scopes granted for it.
///
/// The service must only build a `Caller` for a customer the token may act for; the
/// library then never lets the call see or change another customer's data.
public struct Caller: Hashable, Sendable {
    /// The tenant (`Customer-Id` header).
    public var customer: CustomerID
    /// Scopes granted to the caller.
    public var scopes: Set<Scope>

    public init(customer: CustomerID, scopes: Set<Scope>) {
        self.customer = customer
        self.scopes = scopes
    }

    /// Throws a `missing-scope` ``ContactProblem`` unless `scope` was granted.
    public func require(_ scope: Scope) throws(ContactProblem) {
        guard scopes.contains(scope) else {
            throw ContactProblem(.missingScope, detail: "The caller lacks the scope \(scope.rawValue).")
        }
    }
}
