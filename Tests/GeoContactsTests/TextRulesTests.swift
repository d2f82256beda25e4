import Testing
@testable import GeoContacts

/// The rules every stored string obeys, and their ASCII shortcuts: a limit in Unicode scalars
/// (not bytes, not characters) and "blank" as Unicode's whitespace (not only ASCII's).
@Suite struct TextRulesTests {
    @Test("lengths count scalars: multi-byte scalars at the limit pass, one more fails; combining marks count")
    func lengthsCountScalars() {
        #expect(TextRules.problem(with: String(repeating: "n", count: 50), limit: 50) == nil)
        #expect(TextRules.problem(with: String(repeating: "n", count: 51), limit: 50) == "must be at most 50 characters")
        // 50 two-byte scalars: 100 bytes, within a limit of 50 scalars.
        #expect(TextRules.problem(with: String(repeating: "é", count: 50), limit: 50) == nil)
        #expect(TextRules.problem(with: String(repeating: "é", count: 51), limit: 50) == "must be at most 50 characters")
        // Four-byte scalars.
        #expect(TextRules.problem(with: String(repeating: "😀", count: 10), limit: 10) == nil)
        #expect(TextRules.problem(with: String(repeating: "😀", count: 11), limit: 10) == "must be at most 10 characters")
        // One character, 11 scalars.
        #expect(TextRules.problem(with: "e" + String(repeating: "\u{301}", count: 10), limit: 10) == "must be at most 10 characters")
        #expect(TextRules.problem(with: "a\u{0}b", limit: 50) == "must not contain the NUL character (U+0000)")
        #expect(TextRules.problem(with: String(repeating: "x", count: 100_000), limit: nil) == nil)
    }

    @Test("blank means empty or Unicode whitespace only; a printable first byte or any non-space character is not blank",
          arguments: [
              ("", true), (" ", true), ("\t\n\r ", true), ("\u{A0}", true), ("\u{3000}\u{2003}", true),
              ("a", false), (" a", false), ("a\u{301}", false), ("\u{E9}", false), ("\u{A0}x", false), ("~", false),
              ("\u{7F}", false), ("\u{301}", false),
          ])
    func blank(_ text: String, _ isBlank: Bool) {
        #expect(TextRules.isBlank(text) == isBlank)
        #expect(TextRules.isBlank(text) == text.allSatisfy(\.isWhitespace))
    }
}
