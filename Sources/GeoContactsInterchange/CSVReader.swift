/// One record of a CSV file: its fields as raw bytes and the line it starts on.
package struct CSVRecord: Sendable {
    /// The 1-based physical line the record starts on (a quoted field may span lines).
    public var line: Int
    /// The fields, unquoted, as raw bytes (not yet checked for UTF-8).
    public var fields: [[UInt8]]
    /// Whether each field was quoted (`""` is an empty string, an empty unquoted field is nothing).
    public var quoted: [Bool]

    public init(line: Int, fields: [[UInt8]], quoted: [Bool]? = nil) {
        self.line = line
        self.fields = fields
        self.quoted = quoted ?? Array(repeating: false, count: fields.count)
    }

    /// Whether every field is empty (a blank line).
    public var isBlank: Bool { fields.allSatisfy(\.isEmpty) }

    /// Field `i` as text, or `nil` if it is not valid UTF-8.
    public func text(_ i: Int) -> String? {
        guard i < fields.count else { return "" }
        return String(validating: fields[i], as: UTF8.self)
    }
}

/// A malformed CSV file (the structure, not a value): an unterminated quote, a stray quote.
package struct CSVSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// An RFC 4180 reader over bytes: `,` separated, `"` quoted (`""` inside quotes is one
/// quote), records ended by LF or CRLF, a UTF-8 byte-order mark skipped. Fields are kept as
/// bytes so that a record with invalid UTF-8 can be reported by its line instead of failing
/// the whole file.
package struct CSVReader: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var index: Int
    private var line = 1
    /// The fields of the record before: the next one likely has as many.
    private var width = 0
    /// Set when the reader met a structural error; iteration then stops.
    public private(set) var syntaxError: CSVSyntaxError?

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// How far the reader has come, in bytes (for a progress bar).
    public var position: Int { index }

    public mutating func next() -> CSVRecord? {
        guard syntaxError == nil, index < bytes.count else { return nil }
        let start = line
        var fields: [[UInt8]] = []
        var quoted: [Bool] = []
        fields.reserveCapacity(width)
        quoted.reserveCapacity(width)
        defer { width = fields.count }
        var field: [UInt8] = []
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        while true {
            // At the start of a field.
            let isQuoted = index < bytes.count && bytes[index] == quote
            quoted.append(isQuoted)
            if isQuoted {
                index += 1
                var closed = false
                while index < bytes.count {
                    let b = bytes[index]
                    if b == quote {
                        if index + 1 < bytes.count, bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if b == lf { line += 1 }
                    field.append(b)
                    index += 1
                }
                guard closed else {
                    syntaxError = CSVSyntaxError(line: start, message: "a quoted field is not closed")
                    return nil
                }
                if index < bytes.count, bytes[index] != comma, bytes[index] != lf, bytes[index] != cr {
                    syntaxError = CSVSyntaxError(line: line, message: "unexpected text after a closing quote")
                    return nil
                }
                fields.append(field)
                field = []
            } else {
                // Found first, then copied once.
                let fieldStart = index
                while index < bytes.count {
                    let b = bytes[index]
                    if b == comma || b == lf || b == cr { break }
                    if b == quote {
                        syntaxError = CSVSyntaxError(line: line, message: "a quote inside an unquoted field")
                        return nil
                    }
                    index += 1
                }
                fields.append(Array(bytes[fieldStart..<index]))
            }
            guard index < bytes.count else { return CSVRecord(line: start, fields: fields, quoted: quoted) }
            let b = bytes[index]
            index += 1
            if b == comma { continue }
            if b == cr, index < bytes.count, bytes[index] == lf { index += 1 }
            line += 1
            return CSVRecord(line: start, fields: fields, quoted: quoted)
        }
    }
}
