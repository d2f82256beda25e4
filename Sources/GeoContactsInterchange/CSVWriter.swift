/// Spreadsheet formula injection: a cell starting with `=`, `+`, `-`, `@`, tab or carriage
/// return is run as a formula by spreadsheet programs. Exported text fields that start so get a
/// leading apostrophe (`'=1+2`), as do those that start with an apostrophe followed by one of
/// these characters or another apostrophe, so that the rule can be undone; a CSV import drops
/// exactly that apostrophe. Other text starting with an apostrophe (`'t Hooft`) is unchanged.
package enum CSVFormulaGuard {
    static let triggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// The text as exported: with a guarding apostrophe when it needs one.
    public static func guarded(_ text: String) -> String {
        var scalars = text.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return text }
        if triggers.contains(first) { return "'" + text }
        if first == "'", let second = scalars.next(), second == "'" || triggers.contains(second) { return "'" + text }
        return text
    }

    /// The text as imported: without the guarding apostrophe ``guarded(_:)`` added.
    public static func unguarded(_ text: String) -> String {
        var scalars = text.unicodeScalars.makeIterator()
        guard scalars.next() == "'", let second = scalars.next(), second == "'" || triggers.contains(second) else { return text }
        return String(text.unicodeScalars.dropFirst())
    }
}

/// Writes RFC 4180 CSV: a field is quoted when it is empty or holds `,`, `"`, CR, LF or
/// leading/trailing spaces; records end with LF.
public enum CSVWriter {
    /// One field, quoted if needed.
    public static func field(_ text: String) -> String {
        if text.isEmpty { return "\"\"" }
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        var quoted = "\""
        for c in text {
            if c == "\"" { quoted += "\"\"" } else { quoted.append(c) }
        }
        return quoted + "\""
    }

    /// One record with its line feed; `nil` is an empty unquoted field (nothing), `""` is
    /// written quoted so that it reads back as an empty string.
    public static func record(_ fields: [String?]) -> String {
        fields.map { $0.map(field) ?? "" }.joined(separator: ",") + "\n"
    }
}
