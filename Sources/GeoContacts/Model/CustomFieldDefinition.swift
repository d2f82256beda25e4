/// A custom field of one customer: what its values must parse as and which groups it applies to.
public struct CustomFieldDefinition: Hashable, Sendable, Codable {
    /// The type a value (always a string on the wire) must parse as.
    public struct FieldType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(rawValue) }

        /// `"true"` or `"false"`.
        public static let boolean = FieldType(rawValue: "boolean")
        /// A base-10 int64, e.g. `"-42"`.
        public static let integer = FieldType(rawValue: "integer")
        /// A decimal number with optional sign and fraction, no exponent, e.g. `"-3.25"`.
        public static let decimal = FieldType(rawValue: "decimal")
        /// Single-line text (no line breaks).
        public static let text = FieldType(rawValue: "text")
        /// Multi-line text.
        public static let note = FieldType(rawValue: "note")
        /// A calendar date `yyyy-MM-dd`, e.g. `"2024-01-31"`.
        public static let date = FieldType(rawValue: "date")
        /// A time of day `HH:mm`, 00:00…23:59.
        public static let time = FieldType(rawValue: "time")
        /// One of the definition's ``CustomFieldDefinition/options``.
        public static let list = FieldType(rawValue: "list")
        /// Read-only: writing it (even `null`) is `validation-failed`.
        public static let statement = FieldType(rawValue: "statement")
        /// The id (a positive int64) of an entry in a system list.
        public static let systemList = FieldType(rawValue: "systemList")
    }

    public var id: DefinitionID
    public var name: String
    public var type: FieldType
    /// Allowed values for ``FieldType/list``.
    public var options: [String]
    /// The groups whose contacts may carry this field; empty means every group.
    public var groupIds: Set<GroupID>

    public init(id: DefinitionID, name: String, type: FieldType, options: [String] = [], groupIds: Set<GroupID> = []) {
        self.id = id
        self.name = name
        self.type = type
        self.options = options
        self.groupIds = groupIds
    }

    /// Whether contacts of `group` may carry this field.
    public func applies(to group: GroupID) -> Bool { groupIds.isEmpty || groupIds.contains(group) }

    /// Why `value` is not acceptable for this definition's type, or `nil` if it is.
    public func problem(with value: String) -> String? {
        switch type {
        case .boolean:
            return value == "true" || value == "false" ? nil : "must be \"true\" or \"false\""
        case .integer:
            return Int64(value) != nil ? nil : "must be an integer"
        case .decimal:
            return Self.isDecimal(value) ? nil : "must be a decimal number such as -3.25"
        case .text:
            return value.contains(where: \.isNewline) ? "must be a single line" : nil
        case .note:
            return nil
        case .date:
            return Self.isDate(value) ? nil : "must be a date yyyy-MM-dd"
        case .time:
            return Self.isTime(value) ? nil : "must be a time HH:mm"
        case .list:
            return options.contains(value) ? nil : "must be one of: \(options.joined(separator: ", "))"
        case .statement:
            return "is read-only"
        case .systemList:
            if let id = Int64(value), id > 0 { return nil }
            return "must be the id of a system list entry (a positive integer)"
        default:
            return "has unsupported type \(type)"
        }
    }

    static func isDecimal(_ s: String) -> Bool {
        var u = Substring(s).utf8[...]
        if u.first == UInt8(ascii: "-") || u.first == UInt8(ascii: "+") { u = u.dropFirst() }
        let parts = u.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return false }
        let digits: (Substring.UTF8View.SubSequence) -> Bool = { $0.allSatisfy { $0 >= 48 && $0 <= 57 } }
        guard digits(whole) else { return false }
        if parts.count == 2 { return !parts[1].isEmpty && digits(parts[1]) }
        return true
    }

    static func number(_ s: Substring.UTF8View.SubSequence) -> Int? {
        guard !s.isEmpty, s.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return s.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    static func isDate(_ s: String) -> Bool {
        let p = Substring(s).utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
              let y = number(p[0]), let m = number(p[1]), let d = number(p[2]), (1...12).contains(m), d >= 1
        else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }

    static func isTime(_ s: String) -> Bool {
        let p = Substring(s).utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard p.count == 2, p[0].count == 2, p[1].count == 2, let h = number(p[0]), let m = number(p[1]) else { return false }
        return h < 24 && m < 60
    }
}
