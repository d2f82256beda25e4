/// JSON text written as bytes, escaped as Foundation's `JSONEncoder` escapes (with
/// `.withoutEscapingSlashes`): the one JSON writer of the package — HTTP responses
/// (`ContactJSON` in the server) and the export files build on it.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    /// Empties the text, keeping its storage.
    package mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    package mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    package mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Runs of bytes that need no escape are appended whole.
            var start = 0
            for i in utf8.indices {
                let byte = utf8[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                escape(byte)
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A quote, backslash or control character, escaped as `JSONEncoder` escapes it.
    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        default:
            raw("\\u00")
            let hex: StaticString = "0123456789abcdef"
            bytes.append(hex.utf8Start[Int(byte >> 4)])
            bytes.append(hex.utf8Start[Int(byte & 0xF)])
        }
    }

    /// The start of an object's member: `{"name":` for the first (`opened` is then set),
    /// `,"name":` after it. The caller closes the object (`}`, or `{}` when none was written).
    package mutating func member(_ name: StaticString, opened: inout Bool) {
        raw(opened ? ",\"" : "{\"")
        opened = true
        raw(name)
        raw("\":")
    }

    package mutating func optional(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    package mutating func int(_ value: Int64) { bytes.append(contentsOf: String(value).utf8) }

    package mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    /// As `JSONEncoder`: the shortest round-trip form, without a trailing `.0`.
    package mutating func double(_ value: Double) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// `text` as a JSON string literal (quotes included).
    package static func quoted(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
