extension JSONParser {
    /// The double nearest to a JSON number's text (a token that ``scanNumber(_:from:)``
    /// accepted): what `Double(String)` gives, ±infinity past the range included.
    ///
    /// Most coordinates take Clinger's fast path: when the digits, without the point, form
    /// an integer w ≤ 2⁵³ and the decimal exponent e lies within ±22, w and 10^|e| are both
    /// exact doubles, so one IEEE multiplication or division rounds the exact value once,
    /// correctly. Anything else (more digits, a larger exponent) goes to the C library's
    /// `strtod`, as before, which costs a String and ~100 ns.
    static func double(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
        if let fast = fastDouble(token) { return fast }
        return Double(String(decoding: token, as: UTF8.self))
    }

    /// ``double(_:)`` of a number token kept as text (``JSONValue/number(_:)``).
    static func double(_ token: String) -> Double? {
        var token = token
        return token.withUTF8 { double($0) }
    }

    /// Powers of ten that doubles hold exactly (5²² < 2⁵³).
    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The fast path of ``double(_:)``, or `nil` when it does not apply (or the text is not a
    /// number token).
    private static func fastDouble(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let negative = i < token.count && token[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var digits: UInt64 = 0
        var significant = 0  // digits counted into `digits` after the leading zeros
        var exponent = 0
        var sawDigit = false
        var inFraction = false
        while i < token.count {
            let b = token[i]
            if b == UInt8(ascii: ".") {
                guard !inFraction else { return nil }
                inFraction = true
            } else if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                sawDigit = true
                if digits != 0 || b != UInt8(ascii: "0") {
                    significant += 1
                    // 19 digits always fit in a UInt64; more leave the fast path.
                    guard significant <= 19 else { return nil }
                    digits = digits &* 10 &+ UInt64(b &- UInt8(ascii: "0"))
                }
                if inFraction { exponent -= 1 }
            } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                i += 1
                var exponentNegative = false
                if i < token.count, token[i] == UInt8(ascii: "+") || token[i] == UInt8(ascii: "-") {
                    exponentNegative = token[i] == UInt8(ascii: "-")
                    i += 1
                }
                var written = 0
                guard i < token.count else { return nil }
                while i < token.count {
                    let d = token[i]
                    guard d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9"), written < 1_000 else { return nil }
                    written = written * 10 + Int(d - UInt8(ascii: "0"))
                    i += 1
                }
                exponent += exponentNegative ? -written : written
                break
            } else {
                return nil
            }
            i += 1
        }
        guard sawDigit, digits <= 1 << 53 else { return nil }
        let magnitude: Double
        if digits == 0 {
            magnitude = 0
        } else if exponent >= 0 && exponent <= 22 {
            magnitude = Double(digits) * exactPowers[exponent]
        } else if exponent < 0 && exponent >= -22 {
            magnitude = Double(digits) / exactPowers[-exponent]
        } else {
            return nil
        }
        return negative ? -magnitude : magnitude
    }
}
