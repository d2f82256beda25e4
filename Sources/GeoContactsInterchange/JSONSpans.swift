/// A structural JSON scanner that finds where values are without decoding them: the byte
/// ranges of an object's members and an array's items. Import uses it to cut a file into
/// features or lines (with their line numbers) and to re-assemble contract bodies from the
/// original bytes, so that the core's strict decoder sees exactly what the file holds
/// (duplicate keys, int64 overflow, wrong types) and reports it with the API's messages.
struct JSONSpans {
    struct Failure: Error { var offset: Int; var message: String }

    let bytes: [UInt8]

    /// The first non-whitespace offset at or after `i`.
    func skipSpace(_ i: Int) -> Int {
        var i = i
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        return i
    }

    /// The end (exclusive) of the value starting at `start` (which must not be whitespace).
    /// Iterative: nesting depth costs no stack.
    func valueEnd(_ start: Int) throws(Failure) -> Int {
        guard start < bytes.count else { throw Failure(offset: start, message: "unexpected end of input") }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return try stringEnd(start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    i = try stringEnd(i)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default:
                    break
                }
                i += 1
            }
            throw Failure(offset: start, message: "unclosed \(bytes[start] == UInt8(ascii: "{") ? "object" : "array")")
        case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: ":"):
            throw Failure(offset: start, message: "expected a value")
        default:
            var i = start
            while i < bytes.count, !Self.isDelimiter(bytes[i]) { i += 1 }
            return i
        }
    }

    private static func isDelimiter(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == UInt8(ascii: ":")
            || b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }

    /// The end (exclusive) of the string starting at the quote at `start`.
    func stringEnd(_ start: Int) throws(Failure) -> Int {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
            if bytes[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 1
        }
        throw Failure(offset: start, message: "unterminated string")
    }

    /// The members of the object at `start`: each key (decoded simply: escapes other than
    /// `\"` and `\\` are kept as written) with its value's byte range.
    func members(ofObjectAt start: Int) throws(Failure) -> (members: [(key: String, value: Range<Int>)], end: Int) {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "{") else {
            throw Failure(offset: start, message: "expected an object")
        }
        var result: [(key: String, value: Range<Int>)] = []
        var i = skipSpace(start + 1)
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { return (result, i + 1) }
        while true {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Failure(offset: i, message: "expected a property name") }
            let keyEnd = try stringEnd(i)
            let key = Self.unescape(bytes[(i + 1)..<(keyEnd - 1)])
            i = skipSpace(keyEnd)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Failure(offset: i, message: "expected ':'") }
            let valueStart = skipSpace(i + 1)
            let valueEnd = try valueEnd(valueStart)
            result.append((key, valueStart..<valueEnd))
            i = skipSpace(valueEnd)
            guard i < bytes.count else { throw Failure(offset: i, message: "unexpected end of input") }
            if bytes[i] == UInt8(ascii: ",") { i = skipSpace(i + 1); continue }
            if bytes[i] == UInt8(ascii: "}") { return (result, i + 1) }
            throw Failure(offset: i, message: "expected ',' or '}'")
        }
    }

    /// The byte ranges of the items of the array at `start`.
    func items(ofArrayAt start: Int) throws(Failure) -> (items: [Range<Int>], end: Int) {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "[") else {
            throw Failure(offset: start, message: "expected an array")
        }
        var result: [Range<Int>] = []
        var i = skipSpace(start + 1)
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { return (result, i + 1) }
        while true {
            let end = try valueEnd(i)
            result.append(i..<end)
            i = skipSpace(end)
            guard i < bytes.count else { throw Failure(offset: i, message: "unexpected end of input") }
            if bytes[i] == UInt8(ascii: ",") { i = skipSpace(i + 1); continue }
            if bytes[i] == UInt8(ascii: "]") { return (result, i + 1) }
            throw Failure(offset: i, message: "expected ',' or ']'")
        }
    }

    static func unescape(_ raw: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var i = raw.startIndex
        while i < raw.endIndex {
            if raw[i] == UInt8(ascii: "\\"), i + 1 < raw.endIndex,
               raw[i + 1] == UInt8(ascii: "\"") || raw[i + 1] == UInt8(ascii: "\\") || raw[i + 1] == UInt8(ascii: "/")
            {
                out.append(raw[i + 1])
                i += 2
            } else {
                out.append(raw[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// 1-based line numbers of byte offsets.
struct LineIndex {
    private var starts: [Int] = [0]

    init(_ bytes: [UInt8]) {
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
    }

    func line(of offset: Int) -> Int {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }
}
