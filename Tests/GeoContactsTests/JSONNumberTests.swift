import GeoDataGeneration
import Testing
@testable import GeoContacts

/// A JSON number's double (`JSONParser.double`, Clinger's fast path or `strtod`) is exactly
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
