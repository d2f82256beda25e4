import GeoContacts

/// Reads an import file into ``ImportRecord``s, one per row / feature / line, each decoded by
/// the core's strict create-body decoder so that every problem reads as the API's would.
public enum ContactFileReader {
    /// The contract's properties that a CSV column or a GeoJSON property may name.
    static let textFields = ["reference", "name", "extraInformation", "street", "town", "postalCode", "country"]
    static let integerFields = ["groupId", "parentId"]

    /// Reads every record of `bytes`.
    ///
    /// - Parameters:
    ///   - crs: the CRS of locations that name none (`--crs`); `nil` for WGS84.
    ///   - progress: called now and then with the bytes consumed so far.
    /// - Throws: ``InterchangeError`` when the file as a whole is unusable (no header, no
    ///   coordinate columns, an unknown column, not a FeatureCollection, broken CSV quoting).
    public static func read(_ bytes: [UInt8], format: ContactFileFormat, name: String, crs: String? = nil,
                            progress: (Int) -> Void = { _ in }) throws(InterchangeError) -> [ImportRecord]
    {
        var records: [ImportRecord]
        switch format {
        case .csv: records = try readCSV(bytes, name: name, progress: progress)
        case .geojson: records = try readGeoJSON(bytes, name: name, progress: progress)
        case .ndjson: records = readNDJSON(bytes, progress: progress)
        }
        if let crs {
            for i in records.indices where records[i].draft?.location?.crs == nil {
                records[i].draft?.location?.crs = crs
            }
        }
        return records
    }

    // MARK: - Bodies

    /// Decodes an assembled body with the core's strict decoder.
    static func decode(_ body: [UInt8], line: Int, fileID: Int64?, problems: [String: [String]]) -> ImportRecord {
        decode(line: line, fileID: fileID, problems: problems) { () throws(ContactProblem) in try ContactDraft(json: body) }
    }

    /// The record for one decoded row: its draft, or every problem of the row (the reader's
    /// own, then the strict decoder's by property path).
    static func decode(
        line: Int, fileID: Int64?, problems: [String: [String]], _ draft: () throws(ContactProblem) -> ContactDraft
    ) -> ImportRecord {
        var problems = problems
        do {
            let draft = try draft()
            if problems.isEmpty { return ImportRecord(line: line, fileID: fileID, draft: draft) }
        } catch {
            if let errors = error.errors, !errors.isEmpty {
                for (path, messages) in errors { problems[path, default: []] += messages }
            } else {
                problems["", default: []].append(error.detail)
            }
        }
        return ImportRecord(line: line, fileID: fileID, draft: nil, problems: problems)
    }

    /// `text` (whose UTF-8 is `bytes`) as a JSON number if it is one, else as a JSON string
    /// (so that the strict decoder reports a wrong type in the API's words).
    static func numberOrString(_ text: String, bytes: ArraySlice<UInt8>) -> JSONValue {
        isJSONNumber(bytes) ? .number(text) : .string(text)
    }

    /// Whether `bytes` are a JSON number: `-`? digits (`.` digits)? ([eE] [+-]? digits)?.
    static func isJSONNumber(_ bytes: ArraySlice<UInt8>) -> Bool {
        var i = bytes.startIndex
        func digits() -> Bool {
            let start = i
            while i < bytes.endIndex, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            return i > start
        }
        func skip(_ b: UInt8) -> Bool {
            guard i < bytes.endIndex, bytes[i] == b else { return false }
            i += 1
            return true
        }
        _ = skip(UInt8(ascii: "-"))
        guard digits() else { return false }
        if skip(UInt8(ascii: ".")) { guard digits() else { return false } }
        if skip(UInt8(ascii: "e")) || skip(UInt8(ascii: "E")) {
            if !skip(UInt8(ascii: "+")) { _ = skip(UInt8(ascii: "-")) }
            guard digits() else { return false }
        }
        return i == bytes.endIndex
    }

    static func fileID(_ text: String, problems: inout [String: [String]]) -> Int64? {
        guard let id = Int64(text) else {
            problems["id", default: []].append("must be an integer, got \(text)")
            return nil
        }
        guard id >= 1 else {
            problems["id", default: []].append("must be a positive integer, got \(text)")
            return nil
        }
        return id
    }
}
