/// What every stored string must satisfy, whatever the property.
///
/// - Lengths count **Unicode scalars** (code points), not grapheme clusters: an "e" followed by
///   300,000 combining accents is one Character but 300,001 scalars, so a limit in scalars bounds
///   what is stored and sent (at most 4 UTF-8 bytes a scalar).
/// - No NUL (U+0000): SQLite's C string interfaces end a text at NUL, so a stored string would
///   come back shorter after a restart; refusing it keeps memory and disk equal.
package enum TextRules {
    /// The message for a string that breaks a rule, or nil.
    ///
    /// - Complexity: O(n) in the string's UTF-8 length.
    package static func problem(with text: String, limit: Int?) -> String? {
        // In the string's bytes where it has them at hand (native strings: a loop over memory),
        // not through the view's generic iteration.
        let hasNUL = text.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? text.utf8.contains(0)
        if hasNUL { return "must not contain the NUL character (U+0000)" }
        // A scalar takes at least one UTF-8 byte: no need to count scalars within the limit in bytes.
        if let limit, text.utf8.count > limit, text.unicodeScalars.count > limit { return "must be at most \(limit) characters" }
        return nil
    }

    /// Whether `text` is empty or only whitespace (Unicode's, not only ASCII's).
    package static func isBlank(_ text: String) -> Bool {
        // A first byte that is printable ASCII other than the space starts a character that is
        // not whitespace, whatever combining scalars follow it: no need to look further.
        if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
        return text.allSatisfy(\.isWhitespace)
    }
}
