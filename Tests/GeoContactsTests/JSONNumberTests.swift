import GeoDataGeneration
import Testing
@testable import GeoContacts

/// A JSON number's double (`JSONParser.double`: Clinger's fast path, the integer one, or
/// `strtod`) is exactly
/// what `Double(String)` gives for the same text, bit for bit.
@Suite struct JSONNumberTests {
    static func expectSameAsStrtod(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(text.utf8)
        let (end, valid) = JSONParser.scanNumber(bytes, from: 0)
        #expect(valid && end == bytes.count, "not a JSON number: \(text)", sourceLocation: sourceLocation)
        let parsed = JSONParser.double(text)
        let expected = Double(text)
        #expect(parsed?.bitPattern == expected?.bitPattern, "\(text): \(String(describing: parsed)) ≠ \(String(describing: expected))",
                sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        "0", "-0", "0.0", "-0.0", "0e5", "-0E-5", "1", "-1", "48.8566", "-33.8688", "180", "-180", "90.0",
        "179.99999999999997", "-179.9999999", "51.50000000000000000000", "0.1", "0.3", "1e22", "1e23", "9007199254740992",
        "9007199254740993", "9007199254740991.5", "1234567890123456789", "12345678901234567890", "1e-22", "1e-23",
        "2.2250738585072014e-308", "4.9e-324", "1e-400", "1.7976931348623157e308", "1e309", "-1e309",
        "0.000000000000000000000000001", "123456789012345.6", "1.5e6", "-2E-3", "1E+2", "1e0022", "1e1000",
        "0.1000000000000000055511151231257827021181583404541015625", "8.98846567431158e307",
        // Past 2⁵³ and within 10^±27: the integer path, ties to even included.
        "9007199254740995", "9007199254740993.0", "90071992547409930e-1", "9223372036854775807",
        "9223372036854776832", "9223372036854776833", "9223372036854778880", "9999999999999999999",
        "9999999999999999999e27", "1e27", "1e-27", "1e28", "1e-28", "48.856613999999997", "-0.12773999999999999",
        "4.9406564584124654e-27", "1.0000000000000002", "0.99999999999999989", "123456789.01234567e-20",
    ])
    func edgeCases(_ text: String) {
        Self.expectSameAsStrtod(text)
    }

    /// Random texts of every shape a coordinate or a projected metre takes: up to 20 digits
    /// before and after the point, with and without an exponent.
    @Test(arguments: [UInt64(1), 2, 3])
    func randomTexts(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        func digits(_ count: Int, leadingZero: Bool) -> String {
            var s = ""
            for k in 0..<count {
                let d = k == 0 && !leadingZero ? Int.random(in: 1...9, using: &rng) : Int.random(in: 0...9, using: &rng)
                s.append(Character(String(d)))
            }
            return s
        }
        for _ in 0..<20_000 {
            var text = Bool.random(using: &rng) ? "-" : ""
            let whole = Int.random(in: 0...20, using: &rng)
            text += whole == 0 ? "0" : digits(whole, leadingZero: false)
            if Int.random(in: 0..<4, using: &rng) > 0 {
                text += "." + digits(Int.random(in: 1...20, using: &rng), leadingZero: true)
            }
            if Int.random(in: 0..<4, using: &rng) == 0 {
                text += ["e", "E"].randomElement(using: &rng)! + ["", "+", "-"].randomElement(using: &rng)!
                text += String(Int.random(in: 0...40, using: &rng))
            }
            Self.expectSameAsStrtod(text)
        }
        // Doubles written as Swift writes them (shortest round trip), and with 6 and 15 decimals.
        for _ in 0..<20_000 {
            let value = Double.random(in: -180...180, using: &rng) * (Bool.random(using: &rng) ? 1 : 1e5)
            Self.expectSameAsStrtod(value.description)
            Self.expectSameAsStrtod(decimal(value, places: 6))
            Self.expectSameAsStrtod(decimal(value, places: 15))
        }
    }

    /// Integers exactly halfway between two doubles above 2⁵³ (written plainly, with ".0", and
    /// scaled by 10^-k with k zeros added), and the integers beside them: rounding ties to
    /// even, and a remainder one below or above, as `strtod` rounds them.
    @Test func ties() {
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<20_000 {
            // Up to 17 digits leave room for two zeros within the integer path's 19.
            let top = Bool.random(using: &rng) ? UInt64(1e17) : UInt64(1e19) - 4096
            let lower = Double(UInt64.random(in: (1 << 53)...top, using: &rng))
            let low = UInt64(lower)
            let middle = low + (UInt64(lower.nextUp) - low) / 2
            for n in [middle, middle - 1, middle + 1] {
                let zeros = Int.random(in: 1...2, using: &rng)
                for text in ["\(n)", "\(n).0", "\(n)\(String(repeating: "0", count: zeros))e-\(zeros)"] {
                    Self.expectSameAsStrtod(text)
                }
            }
        }
    }

    /// Texts of 19 digits just below and just above a point halfway between two doubles (from
    /// 0.004 to 2.6e36): there only the bits below the integer path's 64 tell which way to
    /// round, so this fails when they are lost.
    @Test func nearTies() {
        var rng = SeededGenerator(seed: 5)
        func power(_ p: Int) -> UInt128 { (0..<p).reduce(1) { power, _ in power * 10 } }
        for _ in 0..<20_000 {
            // Halfway between m·2^(k-52) and the next double: (2m + 1)·2^(k-53).
            let k = Int.random(in: -8...120, using: &rng)
            let odd = UInt128(UInt64.random(in: (1 << 52)..<(1 << 53), using: &rng)) * 2 + 1
            // Its first 19 digits w: w·10^-p ≤ halfway < (w + 1)·10^-p.
            func digits(_ p: Int) -> UInt128 {
                if k >= 53 { return p >= 0 ? (odd << (k - 53)) * power(p) : (odd << (k - 53)) / power(-p) }
                return odd * power(p) >> (53 - k)
            }
            var p = 18 - Int((Double(k) * 0.30103).rounded(.down))
            while digits(p) >= 10_000_000_000_000_000_000 { p -= 1 }
            while digits(p) < 1_000_000_000_000_000_000 { p += 1 }
            let w = digits(p)
            for n in [w - 1, w, w + 1] {
                Self.expectSameAsStrtod("\(n)e\(-p)")
                let text = "\(n)"
                if p > 0 && p < text.count {
                    let point = text.index(text.endIndex, offsetBy: -p)
                    Self.expectSameAsStrtod(String(text[..<point]) + "." + String(text[point...]))
                }
            }
        }
    }

    /// `value` with `decimals` digits after the point (rounded toward zero; any digits do).
    private func decimal(_ value: Double, places decimals: Int) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        let whole = magnitude.rounded(.towardZero)
        var fraction = magnitude - whole
        var text = sign + String(Int64(whole)) + "."
        for _ in 0..<decimals {
            fraction *= 10
            let d = Int(fraction.rounded(.towardZero))
            text += String(min(9, max(0, d)))
            fraction -= Double(d)
        }
        return text
    }
}
