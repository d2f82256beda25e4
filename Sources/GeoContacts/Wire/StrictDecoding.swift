/// Strict decoding of request bodies: unknown properties, duplicate keys, wrong JSON types,
/// int64 overflow and non-integral numbers for int64 properties are `invalid-body` problems naming
/// the property path; a body that is not JSON (or not an object) is `malformed-json`.
struct StrictDecoder {
    var problems = ProblemCollector()

    static func parseObject(_ bytes: some Collection<UInt8>) throws(ContactProblem) -> [(key: String, value: JSONValue)] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ContactProblem(.malformedJSON, detail: "The body is not valid JSON: \(error.message).")
        }
        guard case .object(let members) = value else {
            throw ContactProblem(.malformedJSON, detail: "The body must be a JSON object, not \(value.typeName).")
        }
        return members
    }

    /// An object's members looked up by key: the first occurrence of each (later ones were
    /// reported as duplicates). It keeps the parsed members as they are, so reading a body
    /// allocates nothing here; a lookup scans them, which is a few short keys for a valid body.
    struct KnownMembers {
        fileprivate let all: [(key: String, value: JSONValue)]

        subscript(key: String) -> JSONValue? {
            for member in all where member.key == key { return member.value }
            return nil
        }
    }

    /// The members of an object by key, reporting unknown and duplicate keys under `prefix`
    /// (at most 64 allowed keys). Paths are built only for problems. Linear in the members,
    /// however many a hostile body holds: each is compared with the allowed keys only.
    mutating func members(_ members: [(key: String, value: JSONValue)], allowed: [String], prefix: @autoclosure () -> String)
        -> KnownMembers
    {
        var seen: UInt64 = 0
        for (key, _) in members {
            guard let k = allowed.firstIndex(of: key), k < 64 else {
                problems.add(prefix() + key, "is not a known property")
                continue
            }
            if seen & (1 << k) != 0 {
                problems.add(prefix() + key, "appears more than once")
            }
            seen |= 1 << k
        }
        return KnownMembers(all: members)
    }

    mutating func string(_ value: JSONValue, _ path: @autoclosure () -> String) -> String? {
        if case .string(let s) = value { return s }
        problems.add(path(), "must be a string, not \(value.typeName)")
        return nil
    }

    mutating func int64(_ value: JSONValue, _ path: @autoclosure () -> String) -> Int64? {
        guard case .number(let text) = value else {
            problems.add(path(), "must be an integer, not \(value.typeName)")
            return nil
        }
        if let n = Int64(text) { return n }
        if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            problems.add(path(), "must be an integer without fraction or exponent, got \(text)")
        } else {
            problems.add(path(), "is outside the int64 range")
        }
        return nil
    }

    mutating func double(_ value: JSONValue, _ path: @autoclosure () -> String) -> Double? {
        guard case .number(let text) = value else {
            problems.add(path(), "must be a number, not \(value.typeName)")
            return nil
        }
        return JSONParser.double(text)  // overflow gives ±infinity, validation reports it (`validation-failed`)
    }

    /// A nullable property: `.null`, a decoded value, or `nil` after a type error.
    mutating func nullable<T>(_ value: JSONValue?, _ path: String,
                              _ decode: (inout StrictDecoder, JSONValue, String) -> T?) -> Patch<T>? where T: Hashable & Sendable {
        guard let value else { return .absent }
        if case .null = value { return .null }
        guard let decoded = decode(&self, value, path) else { return nil }
        return .value(decoded)
    }

    mutating func location(_ value: JSONValue, _ path: String) -> LocationInput? {
        guard case .object(let raw) = value else {
            problems.add(path, "must be an object, not \(value.typeName)")
            return nil
        }
        let m = members(raw, allowed: ["latitude", "longitude", "crs"], prefix: path + ".")
        var location = LocationInput(latitude: nil, longitude: nil)
        if let v = m["latitude"], !v.isNull { location.latitude = double(v, path + ".latitude") }
        if let v = m["longitude"], !v.isNull { location.longitude = double(v, path + ".longitude") }
        if let v = m["crs"], !v.isNull { location.crs = string(v, path + ".crs") }
        return location
    }

    mutating func customFields(_ value: JSONValue, _ path: String) -> [CustomFieldInput]? {
        guard case .array(let items) = value else {
            problems.add(path, "must be an array, not \(value.typeName)")
            return nil
        }
        var result: [CustomFieldInput] = []
        for (i, item) in items.enumerated() {
            let itemPath = { "\(path)[\(i)]" }
            guard case .object(let raw) = item else {
                problems.add(itemPath(), "must be an object, not \(item.typeName)")
                continue
            }
            let m = members(raw, allowed: ["definitionId", "value"], prefix: itemPath() + ".")
            var field = CustomFieldInput(definitionId: nil, value: nil)
            if let v = m["definitionId"], !v.isNull { field.definitionId = int64(v, itemPath() + ".definitionId").map { DefinitionID(rawValue: $0) } }
            if let v = m["value"], !v.isNull { field.value = string(v, itemPath() + ".value") }
            result.append(field)
        }
        return result
    }
}

extension JSONValue {
    var isNull: Bool { if case .null = self { true } else { false } }
}

extension ContactDraft {
    /// The properties of a create body, in this order (``DraftFastReader`` goes by index).
    static let properties: [String] = [
        "reference", "name", "groupId", "parentId", "extraInformation", "street", "town",
        "postalCode", "country", "location", "customFields",
    ]

    /// Decodes a create body strictly (see ``ContactProblem/Code/invalidBody``).
    ///
    /// A `null` for a required property (`name`, `groupId`, `location`) decodes as missing
    /// and is reported by validation as `validation-failed`, together with every other failure.
    ///
    /// - Throws: a ``ContactProblem`` (`malformed-json` or `invalid-body` with every
    ///   offending property path in `errors`).
    public init(json bytes: some Collection<UInt8>) throws(ContactProblem) {
        if case .some(.some(let draft)) = bytes.withContiguousStorageIfAvailable(DraftFastReader.read) {
            self = draft
            return
        }
        try self.init(strictJSON: bytes)
    }

    /// Decodes a create body with the strict decoder alone (what ``init(json:)`` falls back
    /// to when the body is not of the usual shape).
    init(strictJSON bytes: some Collection<UInt8>) throws(ContactProblem) {
        try self.init(members: try StrictDecoder.parseObject(bytes))
    }

    /// Decodes one parsed create body (an object's members) strictly; importers that read
    /// other formats (CSV) hand their fields over as members without writing JSON text.
    package init(members: [(key: String, value: JSONValue)]) throws(ContactProblem) {
        var d = StrictDecoder()
        let m = d.members(members, allowed: Self.properties, prefix: "")
        func text(_ key: String, _ d: inout StrictDecoder) -> String? {
            guard let v = m[key], !v.isNull else { return nil }
            return d.string(v, key)
        }
        self.init(name: nil, groupId: nil, location: nil)
        reference = text("reference", &d)
        name = text("name", &d)
        extraInformation = text("extraInformation", &d)
        street = text("street", &d)
        town = text("town", &d)
        postalCode = text("postalCode", &d)
        country = text("country", &d)
        if let v = m["groupId"], !v.isNull { groupId = d.int64(v, "groupId").map { GroupID(rawValue: $0) } }
        if let v = m["parentId"], !v.isNull { parentId = d.int64(v, "parentId").map { ContactID(rawValue: $0) } }
        if let v = m["location"], !v.isNull { location = d.location(v, "location") }
        if let v = m["customFields"], !v.isNull { customFields = d.customFields(v, "customFields") }
        try d.problems.throwIfAny(.invalidBody)
    }
}

extension ContactPatch {
    /// Decodes a PATCH body strictly, keeping absent, `null` and values apart.
    ///
    /// - Throws: a ``ContactProblem``: `malformed-json`, `invalid-body` (every offending
    ///   property path in `errors`) or `empty-patch` when no property is present.
    public init(json bytes: some Collection<UInt8>) throws(ContactProblem) {
        var d = StrictDecoder()
        let m = d.members(try StrictDecoder.parseObject(bytes), allowed: ContactDraft.properties, prefix: "")
        self.init()
        func text(_ key: String, _ d: inout StrictDecoder) -> Patch<String> {
            d.nullable(m[key], key) { d, v, p in d.string(v, p) } ?? .absent
        }
        reference = text("reference", &d)
        name = text("name", &d)
        extraInformation = text("extraInformation", &d)
        street = text("street", &d)
        town = text("town", &d)
        postalCode = text("postalCode", &d)
        country = text("country", &d)
        groupId = d.nullable(m["groupId"], "groupId") { d, v, p in d.int64(v, p).map { GroupID(rawValue: $0) } } ?? .absent
        parentId = d.nullable(m["parentId"], "parentId") { d, v, p in d.int64(v, p).map { ContactID(rawValue: $0) } } ?? .absent
        location = d.nullable(m["location"], "location") { d, v, p in d.location(v, p) } ?? .absent
        customFields = d.nullable(m["customFields"], "customFields") { d, v, p in d.customFields(v, p) } ?? .absent
        try d.problems.throwIfAny(.invalidBody)
        if isEmpty { throw ContactProblem(.emptyPatch, detail: "The update must name at least one property.") }
    }
}

extension ContactDraft {
    /// Decodes the body of a bulk create: a JSON array of create bodies (`[{…}, {…}]`), or
    /// NDJSON (one create body per line; blank lines are skipped).
    ///
    /// Each item is decoded as strictly as a single create body, on its own: an item that is
    /// not an object, or not of the model's shape, is a `malformed-json` or `invalid-body`
    /// problem for that item only.
    ///
    /// - Parameters:
    ///   - bytes: the body.
    ///   - ndjson: whether the body is NDJSON rather than a JSON array.
    ///   - maximumCount: more items than this is `invalid-body` for the whole body.
    /// - Returns: one result per item, in order.
    /// - Throws: `malformed-json` when a JSON body is not an array, or `invalid-body`
    ///   when there are more than `maximumCount` items.
    public static func batch(_ bytes: [UInt8], ndjson: Bool, maximumCount: Int) throws(ContactProblem)
        -> [Result<ContactDraft, ContactProblem>]
    {
        guard ndjson else {
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes)
            } catch {
                throw ContactProblem(.malformedJSON, detail: "The body is not valid JSON: \(error.message).")
            }
            guard case .array(let items) = value else {
                throw ContactProblem(.malformedJSON, detail: "The body must be a JSON array of contacts, not \(value.typeName).")
            }
            try checkCount(items.count, maximumCount)
            return items.map { item in
                guard case .object(let members) = item else {
                    return .failure(ContactProblem(.malformedJSON, detail: "An item must be a JSON object, not \(item.typeName)."))
                }
                do throws(ContactProblem) { return .success(try ContactDraft(members: members)) } catch { return .failure(error) }
            }
        }
        var results: [Result<ContactDraft, ContactProblem>] = []
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard line.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { continue }
            try checkCount(results.count + 1, maximumCount)
            do throws(ContactProblem) { results.append(.success(try ContactDraft(json: line))) } catch { results.append(.failure(error)) }
        }
        return results
    }

    private static func checkCount(_ count: Int, _ maximum: Int) throws(ContactProblem) {
        guard count <= maximum else {
            throw ContactProblem(.invalidBody, detail: "A batch holds at most \(maximum) contacts.",
                                 errors: ["items": ["must be at most \(maximum)"]])
        }
    }
}
