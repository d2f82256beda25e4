public import GeoContacts

/// One row, feature or line of an import file, decoded as a create body.
public struct ImportRecord: Sendable {
    /// The 1-based line the row starts on.
    public var line: Int
    /// The id the file gives the contact (`id` column, feature id, `"id"` member), if any.
    public var fileID: Int64?
    /// The decoded body; `nil` when ``problems`` is not empty.
    public var draft: ContactDraft?
    /// Why the row cannot be imported, by property path (`""` for the row as a whole), with
    /// the API's messages.
    public var problems: [String: [String]]

    public init(line: Int, fileID: Int64? = nil, draft: ContactDraft?, problems: [String: [String]] = [:]) {
        self.line = line
        self.fileID = fileID
        self.draft = draft
        self.problems = problems
    }

    /// One line per message: `line 7: location.latitude: must be between -90 and 90`.
    public static func report(line: Int, problems: [String: [String]]) -> [String] {
        problems.sorted { $0.key < $1.key }.flatMap { path, messages in
            messages.map { path.isEmpty ? "line \(line): \($0)" : "line \(line): \(path): \($0)" }
        }
    }
}

/// The file formats of import and export.
public enum ContactFileFormat: String, CaseIterable, Sendable {
    /// CSV with a header: `latitude`/`lat`, `longitude`/`lon`/`lng`, and contract fields by JSON name.
    case csv
    /// A GeoJSON `FeatureCollection` of `Point` features, properties by JSON name.
    case geojson
    /// One contract body (JSON object) per line.
    case ndjson

    /// The format by file extension (`.csv`, `.geojson`, `.ndjson` / `.jsonl`), else by
    /// content: one JSON object spanning the file whose `type` is `FeatureCollection` is
    /// GeoJSON, other JSON objects are NDJSON, anything else is CSV.
    public static func detect(path: String, bytes: [UInt8]) -> ContactFileFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".geojson") { return .geojson }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .ndjson }
        let spans = JSONSpans(bytes: bytes)
        let start = spans.skipSpace(bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
        guard start < bytes.count, bytes[start] == UInt8(ascii: "{") else { return .csv }
        guard let (members, end) = try? spans.members(ofObjectAt: start) else { return .ndjson }
        if spans.skipSpace(end) < bytes.count { return .ndjson }
        let isCollection = members.contains {
            $0.key == "type" && Array(bytes[$0.value]) == Array("\"FeatureCollection\"".utf8)
        }
        return isCollection ? .geojson : .ndjson
    }
}
