/// The usual create body read in one pass, without building a ``JSONValue`` tree or looking
/// keys up by string: an object whose keys are known properties (each once, without escapes),
/// whose texts are strings without escapes or `null`, whose ids are integers or `null`, whose
/// location is `null` or an object of numbers and a `crs` string, and whose custom fields are
/// `null` or an array of objects of an integer `definitionId` and a string `value`. Anything
/// else — an unknown or repeated key, an escape, another type, malformed JSON — is left to the
/// strict decoder (``ContactDraft/init(members:)``), which reports it; so this path only ever
/// answers what that decoder would answer (`DraftFastPathTests` and the `draft` fuzzer check it).
struct DraftFastReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// The draft, or `nil` when the body is not of the usual shape.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> ContactDraft? {
        var reader = DraftFastReader(bytes: bytes)
        return reader.draft()
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// A scalar value: `null`, a string without escapes (its bytes, and whether they are
    /// ASCII), or a number (its bytes).
    private enum Scalar {
        case null
        case string(Range<Int>, ascii: Bool)
        case number(Range<Int>)
    }

    private static let keys: [[UInt8]] = ContactDraft.properties.map { Array($0.utf8) }
    private static let locationKeys: [[UInt8]] = ["latitude", "longitude", "crs"].map { Array($0.utf8) }
    private static let fieldKeys: [[UInt8]] = ["definitionId", "value"].map { Array($0.utf8) }

    private mutating func draft() -> ContactDraft? {
        var draft = ContactDraft(name: nil, groupId: nil, location: nil)
        let read = members(among: Self.keys) { reader, k in
            // By index in `ContactDraft.properties`.
            switch k {
            case 2, 3:
                guard case .some(let id) = reader.integer() else { return false }
                if k == 2 { draft.groupId = id.map { GroupID(rawValue: $0) } } else { draft.parentId = id.map { ContactID(rawValue: $0) } }
            case 9:
                guard case .some(let location) = reader.location() else { return false }
                draft.location = location
            case 10:
                guard case .some(let fields) = reader.customFields() else { return false }
                draft.customFields = fields
            default:
                guard case .some(let value) = reader.text() else { return false }
                switch k {
                case 0: draft.reference = value
                case 1: draft.name = value
                case 4: draft.extraInformation = value
                case 5: draft.street = value
                case 6: draft.town = value
                case 7: draft.postalCode = value
                default: draft.country = value
                }
            }
            return true
        }
        guard read else { return nil }
        skipWhitespace()
        return index == bytes.count ? draft : nil
    }

    /// `.some(nil)` for `null`, `.some(location)` for an object of the usual shape, `nil` otherwise.
    private mutating func location() -> LocationInput?? {
        if consumeNull() { return .some(nil) }
        var location = LocationInput(latitude: nil, longitude: nil)
        let read = members(among: Self.locationKeys) { reader, k in
            switch (k, reader.scalar()) {
            case (_, .null?): return true
            case (0, .number(let r)?): location.latitude = reader.double(r)
            case (1, .number(let r)?): location.longitude = reader.double(r)
            case (2, .string(let r, let ascii)?):
                guard let crs = reader.checkedString(r, ascii: ascii) else { return false }
                location.crs = crs
            default: return false
            }
            return true
        }
        // Not `read ? location : nil`: that ternary is a `LocationInput?` whose nil becomes
        // `.some(nil)`, a `null` location, and a malformed location object ending the body
        // (`{"location":{"crs":}`) was read as a body without one (the `draft` fuzzer).
        guard read else { return nil }
        return .some(location)
    }

    /// `.some(nil)` for `null`, `.some(fields)` for an array of objects of `definitionId`
    /// (an integer or `null`) and `value` (a string or `null`), `nil` otherwise.
    private mutating func customFields() -> [CustomFieldInput]?? {
        if consumeNull() { return .some(nil) }
        guard consume(UInt8(ascii: "[")) else { return nil }
        var fields: [CustomFieldInput] = []
        if consume(UInt8(ascii: "]")) { return fields }
        repeat {
            var field = CustomFieldInput(definitionId: nil, value: nil)
            let read = members(among: Self.fieldKeys) { reader, k in
                if k == 0 {
                    guard case .some(let id) = reader.integer() else { return false }
                    field.definitionId = id.map { DefinitionID(rawValue: $0) }
                } else {
                    guard case .some(let value) = reader.text() else { return false }
                    field.value = value
                }
                return true
            }
            guard read else { return nil }
            fields.append(field)
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "]")) else { return nil }
        return fields
    }

    /// An object whose keys are among `keys`, each at most once: `value` reads the value of
    /// key number `k` (`false`: not of the usual shape). Whether the whole object was read.
    private mutating func members(among keys: [[UInt8]], _ value: (inout DraftFastReader, Int) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        var seen: UInt32 = 0
        repeat {
            guard let k = key(among: keys), seen & (1 << k) == 0 else { return false }
            seen |= 1 << k
            guard value(&self, k) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    /// Consumes a `null` if one comes next.
    private mutating func consumeNull() -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "n"), case .null? = scalar() else { return false }
        return true
    }

    /// `.some(nil)` for `null`, `.some(text)` for a string of valid UTF-8, `nil` otherwise.
    private mutating func text() -> String?? {
        switch scalar() {
        case .null?: return .some(nil)
        case .string(let r, let ascii)?:
            guard let text = checkedString(r, ascii: ascii) else { return nil }
            return .some(text)
        default: return nil
        }
    }

    /// `.some(nil)` for `null`, `.some(n)` for an int64 integer, `nil` otherwise.
    private mutating func integer() -> Int64?? {
        switch scalar() {
        case .null?: return .some(nil)
        case .number(let r)?:
            guard let n = Int64(string(r)) else { return nil }
            return .some(n)
        default: return nil
        }
    }

    /// A key (a string without escapes, then `:`) that is one of `keys`: its index.
    private mutating func key(among keys: [[UInt8]]) -> Int? {
        guard case .string(let r, _)? = scalar(), consume(UInt8(ascii: ":")) else { return nil }
        // Lengths first, then bytes: `firstIndex` with `elementsEqual` (the generic `Sequence`
        // algorithm) made decoding the benchmark's body 4% dearer.
        candidates: for k in keys.indices where keys[k].count == r.count {
            let key = keys[k]
            for i in key.indices where key[i] != bytes[r.lowerBound + i] { continue candidates }
            return k
        }
        return nil
    }

    private mutating func scalar() -> Scalar? {
        skipWhitespace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            let start = index + 1
            var j = start
            // Eight bytes at a time, up to the first quote, backslash or control character,
            // which the loop below then reads (as it reads a last word shorter than eight).
            var high: UInt64 = 0
            if let base = UnsafeRawPointer(bytes.baseAddress) {
                while bytes.count - j >= 8 {
                    let word = UInt64(littleEndian: (base + j).loadUnaligned(as: UInt64.self))
                    let stops = Self.stops(word)
                    guard stops != 0 else {
                        high |= word
                        j += 8
                        continue
                    }
                    let offset = stops.trailingZeroBitCount / 8
                    high |= word & (1 << UInt64(offset * 8) &- 1)
                    j += offset
                    break
                }
            }
            var ascii = high & Self.highBits == 0
            while j < bytes.count {
                let b = bytes[j]
                if b == UInt8(ascii: "\"") {
                    index = j + 1
                    return .string(start..<j, ascii: ascii)
                }
                if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
                ascii = ascii && b < 0x80
                j += 1
            }
            return nil
        case UInt8(ascii: "n"):
            guard bytes.count - index >= 4, bytes[index + 1] == UInt8(ascii: "u"), bytes[index + 2] == UInt8(ascii: "l"),
                  bytes[index + 3] == UInt8(ascii: "l") else { return nil }
            index += 4
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number().map { .number($0) }
        default:
            return nil
        }
    }

    private static let highBits: UInt64 = 0x8080_8080_8080_8080
    private static let lowBits: UInt64 = 0x0101_0101_0101_0101

    /// The high bits of the bytes of `word` (the first byte lowest) that may be a quote, a
    /// backslash or below 0x20; the lowest bit set is exact: a byte below c gets its high bit
    /// in (x - c·lowBits) & ~x, and a borrow only runs on above a byte that was below c.
    private static func stops(_ word: UInt64) -> UInt64 {
        func below(_ x: UInt64, _ c: UInt64) -> UInt64 { (x &- c &* lowBits) & ~x & highBits }
        return below(word ^ (0x22 &* lowBits), 1) | below(word ^ (0x5C &* lowBits), 1) | below(word, 0x20)
    }

    /// A number by RFC 8259's grammar (``JSONParser``'s scan): its bytes.
    private mutating func number() -> Range<Int>? {
        let start = index
        let (end, valid) = JSONParser.scanNumber(bytes, from: start)
        guard valid else { return nil }
        index = end
        return start..<end
    }

    private func string(_ r: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)
    }

    private func double(_ r: Range<Int>) -> Double? {
        JSONParser.double(UnsafeBufferPointer(rebasing: bytes[r]))
    }

    /// The bytes as a string when they are valid UTF-8.
    private func checkedString(_ r: Range<Int>, ascii: Bool) -> String? {
        String(checkedUTF8: UnsafeBufferPointer(rebasing: bytes[r]), ascii: ascii)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Skips whitespace, then `byte` if it comes next.
    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }
}
