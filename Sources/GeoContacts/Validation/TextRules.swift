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
        if text.utf8.contains(0) { return "must not contain the NUL character (U+0000)" }
        if let limit, text.unicodeScalars.count > limit { return "must be at most \(limit) characters" }
        return nil
    }
}
