/// An int64 identifier with its own type, so that a contact id cannot be passed where a group
/// id is expected. Encodes as the bare integer (the standard library's `RawRepresentable`
/// coding), orders and prints by its value.
public protocol Int64Identifier: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    CustomStringConvertible where RawValue == Int64
{
    init(rawValue: Int64)
}

extension Int64Identifier {
    public init(_ rawValue: Int64) { self.init(rawValue: rawValue) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// The tenant: every call names one, and one customer's data is invisible to every other.
public struct CustomerID: Int64Identifier {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
}

/// The identifier of a contact, unique within its customer.
public struct ContactID: Int64Identifier {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
}

/// The identifier of a contact group, unique within its customer.
public struct GroupID: Int64Identifier {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
}

/// The identifier of a custom-field definition, unique within its customer.
public struct DefinitionID: Int64Identifier {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
}
