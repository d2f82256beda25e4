extension JSONParser {
    /// The double nearest to a JSON number's text (a token that ``scanNumber(_:from:)``
    /// accepted): what `Double(String)` gives, ±infinity past the range included.
    ///
    /// Write the digits without the point as an integer w and the decimal exponent as e.
    /// Most coordinates take Clinger's fast path: when w ≤ 2⁵³ and e lies within ±22, w and
    /// 10^|e| are both exact doubles, so one IEEE multiplication or division rounds the exact
    /// value once, correctly. With up to 19 significant digits and e within ±27 (a double's
    /// shortest text, 17 digits, as JavaScript and Swift print one), w·10^e is computed in
    /// integers and rounded once (``scaled(_:byPowerOfTen:)``). Anything else (more digits, a
    /// larger exponent) goes to the C library's `strtod`, which costs a String and ~100 ns.
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
        guard sawDigit else { return nil }
        let magnitude: Double
        if digits == 0 {
            magnitude = 0
        } else if digits <= 1 << 53 && exponent >= 0 && exponent <= 22 {
            magnitude = Double(digits) * exactPowers[exponent]
        } else if digits <= 1 << 53 && exponent < 0 && exponent >= -22 {
            magnitude = Double(digits) / exactPowers[-exponent]
        } else if exponent >= -27 && exponent <= 27 {
            magnitude = scaled(digits, byPowerOfTen: exponent)
        } else {
            return nil
        }
        return negative ? -magnitude : magnitude
    }

    /// 5⁰ … 5²⁷, every power of five below 2⁶⁴ (5²⁷ < 2⁶³).
    private static let powersOfFive: [UInt64] = (0...27).map { (0..<$0).reduce(1) { power, _ in power &* 5 } }

    /// `w`·10^`e` rounded once to the nearest double (ties to even), for 0 < `w` < 2⁶⁴ and |e| ≤ 27:
    /// 10^e = 5^e·2^e, so the work is w·5^e (or w / 5^|e|) in integers, rounded to 64 bits with
    /// every bit below them folded into the lowest one (a sticky bit), then converted by the
    /// hardware, which rounds once at bit 9 or above, where the sticky bit only tells an exact
    /// tie from a value just above it. The power of two is exact: every result is a normal double.
    static func scaled(_ w: UInt64, byPowerOfTen e: Int) -> Double {
        let power = powersOfFive[e >= 0 ? e : -e]
        if e >= 0 {
            // w·5^e < 2⁶⁴·2⁶³, as (high, low).
            let (high, low) = w.multipliedFullWidth(by: power)
            guard high != 0 else { return Double(sign: .plus, exponent: e, significand: Double(low)) }
            let shift = high.leadingZeroBitCount
            let top = high << shift | low >> (UInt64.bitWidth - shift)  // `>>` by 64 is 0
            let sticky: UInt64 = low << shift == 0 ? 0 : 1
            return Double(sign: .plus, exponent: e + UInt64.bitWidth - shift, significand: Double(top | sticky))
        }
        // w / 5^p: w moved up to bit 63, times 2^(b - 1) where 5^p has b bits, divided by 5^p
        // gives a quotient of 63 or 64 bits (and the high word stays below the divisor).
        let p = -e
        let shift = w.leadingZeroBitCount
        let bits = UInt64.bitWidth - power.leadingZeroBitCount  // 3 ... 63
        let top = w << shift
        let (quotient, remainder) = power.dividingFullWidth((high: top >> (UInt64.bitWidth + 1 - bits), low: top << (bits - 1)))
        let sticky: UInt64 = remainder == 0 ? 0 : 1
        return Double(sign: .plus, exponent: -(shift + bits - 1 + p), significand: Double(quotient | sticky))
    }
}
