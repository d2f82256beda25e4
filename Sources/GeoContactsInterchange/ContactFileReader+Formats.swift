import GeoContacts

extension ContactFileReader {
    // MARK: - CSV

    static func readCSV(_ bytes: [UInt8], name: String, progress: (Int) -> Void) throws(InterchangeError) -> [ImportRecord] {
        var reader = CSVReader(bytes: bytes)
        guard let header = reader.next() else { throw InterchangeError("\(name): the file is empty (expected a header)") }
        let coordinates = try CoordinateColumns(header: header, file: name)
        // Column index → canonical name.
        var canonical: [String: String] = [:]
        for field in textFields + integerFields + ["id", "crs", "customFields"] { canonical[field.lowercased()] = field }
        var columns: [String] = []
        var seen: Set<String> = []
        for (i, raw) in header.fields.enumerated() {
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw InterchangeError("\(name): the header is not valid UTF-8")
            }
            let key = text.trimmed.lowercased()
            let column: String
            if i == coordinates.latitude {
                column = "latitude"
            } else if i == coordinates.longitude {
                column = "longitude"
            } else if let known = canonical[key] {
                column = known
            } else {
                throw InterchangeError("""
                    \(name): unknown column "\(text)" in the header; expected latitude/lat, longitude/lon/lng, \
                    id, crs, customFields or a contract field (\((textFields + integerFields).joined(separator: ", ")))
                    """)
            }
            guard seen.insert(column).inserted else { throw InterchangeError("\(name): the header names \(column) twice") }
            columns.append(column)
        }

        // Each column's role and problem path, decided once.
        let roles = columns.map(CSVColumn.init)
        let paths = columns.map { $0 == "latitude" || $0 == "longitude" || $0 == "crs" ? "location.\($0)" : $0 }
        var records: [ImportRecord] = []
        var count = 0
        while let record = reader.next() {
            count += 1
            if count % 4096 == 0 { progress(reader.position) }
            if record.isBlank && record.fields.count <= 1 { continue }
            var problems: [String: [String]] = [:]
            if record.fields.count != columns.count {
                problems["", default: []].append("has \(record.fields.count) fields, the header \(columns.count)")
                records.append(ImportRecord(line: record.line, draft: nil, problems: problems))
                continue
            }
            // The row becomes a create body's members, decoded by the core's strict decoder
            // (the same rules and messages as a JSON body, without writing JSON text).
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(columns.count)
            var location: [(key: String, value: JSONValue)] = []
            var fileID: Int64?
            for (i, role) in roles.enumerated() {
                let field = record.fields[i][...]
                if field.isEmpty && !record.quoted[i] { continue }  // nothing: absent
                // Numbers and ids are read without surrounding spaces and tabs.
                let bytes = role.isNumeric ? field.trimmingSpaces : field
                guard let text = String(checkedUTF8: bytes) else {
                    problems[paths[i], default: []].append("is not valid UTF-8 text")
                    continue
                }
                switch role {
                case .id:
                    fileID = Self.fileID(text, problems: &problems)
                case .coordinate(let key):
                    location.append((key, numberOrString(text, bytes: bytes)))
                case .crs:
                    location.append(("crs", .string(text)))
                case .integer(let key):
                    members.append((key, numberOrString(text, bytes: bytes)))
                case .customFields:
                    if let value = try? JSONParser.parse(text.utf8) {
                        members.append(("customFields", value))
                    } else {
                        problems["customFields", default: []]
                            .append("must be a JSON array such as [{\"definitionId\": 1, \"value\": \"x\"}]")
                    }
                case .text(let key):
                    members.append((key, .string(CSVFormulaGuard.unguarded(text))))
                }
            }
            if !location.isEmpty { members.append(("location", .object(location))) }
            records.append(decode(line: record.line, fileID: fileID, problems: problems) { () throws(ContactProblem) in
                try ContactDraft(members: members)
            })
        }
        if let error = reader.syntaxError { throw InterchangeError("\(name): \(error)") }
        return records
    }

    /// What a CSV column holds, by its canonical name.
    private enum CSVColumn {
        case id, crs, customFields
        case coordinate(String)
        /// `groupId`, `parentId`.
        case integer(String)
        /// A contract text field.
        case text(String)

        init(_ column: String) {
            switch column {
            case "id": self = .id
            case "crs": self = .crs
            case "customFields": self = .customFields
            case "latitude", "longitude": self = .coordinate(column)
            case "groupId", "parentId": self = .integer(column)
            default: self = .text(column)
            }
        }

        /// Whether the column's values are read without surrounding spaces and tabs.
        var isNumeric: Bool {
            switch self {
            case .id, .coordinate, .integer: true
            case .crs, .customFields, .text: false
            }
        }
    }

    // MARK: - GeoJSON

    static func readGeoJSON(_ bytes: [UInt8], name: String, progress: (Int) -> Void) throws(InterchangeError) -> [ImportRecord] {
        let spans = JSONSpans(bytes: bytes)
        let lines = LineIndex(bytes)
        func fail(_ failure: JSONSpans.Failure) -> InterchangeError {
            InterchangeError("\(name): line \(lines.line(of: failure.offset)): not valid JSON: \(failure.message)")
        }
        let start = spans.skipSpace(bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
        let top: [(key: String, value: Range<Int>)]
        do { top = try spans.members(ofObjectAt: start).members } catch { throw fail(error) }
        guard top.contains(where: { $0.key == "type" && String(decoding: bytes[$0.value], as: UTF8.self) == "\"FeatureCollection\"" }),
              let features = top.first(where: { $0.key == "features" })
        else { throw InterchangeError("\(name): not a GeoJSON FeatureCollection (no \"type\": \"FeatureCollection\" with \"features\")") }
        let items: [Range<Int>]
        do { items = try spans.items(ofArrayAt: features.value.lowerBound).items } catch { throw fail(error) }

        var records: [ImportRecord] = []
        for (n, item) in items.enumerated() {
            if n % 4096 == 0 { progress(item.lowerBound) }
            let line = lines.line(of: item.lowerBound)
            var problems: [String: [String]] = [:]
            guard let (members, _) = try? spans.members(ofObjectAt: item.lowerBound) else {
                records.append(ImportRecord(line: line, draft: nil, problems: ["": ["a feature must be a JSON object"]]))
                continue
            }
            // Raw text for comparisons only; bodies are assembled from the original bytes, so
            // invalid UTF-8 reaches the strict decoder (which rejects it) instead of being repaired.
            func raw(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
            var fileID: Int64?
            var body: [[UInt8]] = []
            var location: [UInt8]?
            for (key, value) in members {
                switch key {
                case "type":
                    if raw(value) != "\"Feature\"" { problems["type", default: []].append("must be \"Feature\"") }
                case "id":
                    guard fileID == nil, problems["id"] == nil else {
                        problems["id", default: []].append("appears more than once")
                        continue
                    }
                    let text = raw(value)
                    fileID = Self.fileID(text.hasPrefix("\"") ? String(text.dropFirst().dropLast()) : text, problems: &problems)
                case "geometry":
                    if raw(value) == "null" { continue }
                    guard let (geometry, _) = try? spans.members(ofObjectAt: value.lowerBound),
                          geometry.contains(where: { $0.key == "type" && raw($0.value) == "\"Point\"" }),
                          let coordinates = geometry.first(where: { $0.key == "coordinates" }),
                          let (xy, _) = try? spans.items(ofArrayAt: coordinates.value.lowerBound), xy.count >= 2
                    else {
                        problems["location", default: []].append("the geometry must be a GeoJSON Point [longitude, latitude]")
                        continue
                    }
                    location = Array("{\"latitude\":".utf8) + bytes[xy[1]] + Array(",\"longitude\":".utf8) + bytes[xy[0]] + [UInt8(ascii: "}")]
                case "properties":
                    if raw(value) == "null" { continue }
                    guard let (properties, _) = try? spans.members(ofObjectAt: value.lowerBound) else {
                        problems["properties", default: []].append("must be an object")
                        continue
                    }
                    for (k, v) in properties {
                        body.append(Array("\(JSONWriter.quoted(k)):".utf8) + bytes[v])
                        if k == "location", location != nil || members.contains(where: { $0.key == "geometry" && raw($0.value) != "null" }) {
                            problems["location", default: []].append("is given both as the geometry and as a property")
                        }
                    }
                case "bbox":
                    continue
                default:
                    problems[key, default: []].append("is not a known member of a feature")
                }
            }
            if let location { body.append(Array("\"location\":".utf8) + location) }
            records.append(decode(object(body), line: line, fileID: fileID, problems: problems))
        }
        return records
    }

    /// `{m1,m2,…}` from members given as bytes.
    static func object(_ members: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, m) in members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += m
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    // MARK: - NDJSON

    static func readNDJSON(_ bytes: [UInt8], progress: (Int) -> Void) -> [ImportRecord] {
        var records: [ImportRecord] = []
        var lineNumber = 0
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < bytes.count {
            lineNumber += 1
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            defer { start = end + 1 }
            if lineNumber % 4096 == 0 { progress(start) }
            var line = Array(bytes[start..<end])
            if line.last == 0x0D { line.removeLast() }
            let spans = JSONSpans(bytes: line)
            if spans.skipSpace(0) == line.count { continue }  // blank
            // Take an "id" member out (the contract body has none); the strict decoder sees the rest.
            var problems: [String: [String]] = [:]
            var fileID: Int64?
            if let (members, objectEnd) = try? spans.members(ofObjectAt: spans.skipSpace(0)),
               spans.skipSpace(objectEnd) == line.count, members.contains(where: { $0.key == "id" })
            {
                var kept: [[UInt8]] = []
                if members.count(where: { $0.key == "id" }) > 1 { problems["id", default: []].append("appears more than once") }
                for (key, value) in members {
                    if key == "id" {
                        guard problems["id"] == nil else { continue }
                        let raw = String(decoding: line[value], as: UTF8.self)
                        if raw != "null" { fileID = Self.fileID(raw, problems: &problems) }
                    } else {
                        kept.append(Array("\(JSONWriter.quoted(key)):".utf8) + line[value])
                    }
                }
                line = object(kept)
            }
            records.append(decode(line, line: lineNumber, fileID: fileID, problems: problems))
        }
        return records
    }
}
