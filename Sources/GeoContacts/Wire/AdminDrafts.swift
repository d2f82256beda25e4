/// The body of `POST /v1/contactGroups`: the new group's name (the service gives it its id).
public struct GroupDraft: Hashable, Sendable {
    public var name: String

    public init(name: String) { self.name = name }

    /// Decodes strictly, with the create body's rules (``ContactDraft/init(json:)``): unknown
    /// or repeated properties and wrong JSON types are `invalid-body` naming the property.
    ///
    /// - Throws: `malformed-json` or `invalid-body`; `validation-failed` when `name`
    ///   is missing.
    public init(json bytes: some Collection<UInt8>) throws(ContactProblem) {
        var d = StrictDecoder()
        let m = d.members(try StrictDecoder.parseObject(bytes), allowed: ["name"], prefix: "")
        let name = m["name"].flatMap { d.string($0, "name") }
        try d.problems.throwIfAny(.invalidBody)
        guard let name else { throw ContactProblem.validation(["name": ["is required"]]) }
        self.name = name
    }
}

/// The body of `POST /v1/customFieldDefinitions` (the service gives the definition its id).
public struct DefinitionDraft: Hashable, Sendable {
    public var name: String
    public var type: String
    public var options: [String]
    public var groupIds: [Int64]

    public init(name: String, type: String, options: [String] = [], groupIds: [Int64] = []) {
        self.name = name
        self.type = type
        self.options = options
        self.groupIds = groupIds
    }

    /// Decodes strictly, with the create body's rules; `options` and `groupIds` may be
    /// absent or `null` (none).
    ///
    /// - Throws: `malformed-json` or `invalid-body`; `validation-failed` when `name`
    ///   or `type` is missing.
    public init(json bytes: some Collection<UInt8>) throws(ContactProblem) {
        var d = StrictDecoder()
        let m = d.members(try StrictDecoder.parseObject(bytes), allowed: ["name", "type", "options", "groupIds"], prefix: "")
        let name = m["name"].flatMap { d.string($0, "name") }
        let type = m["type"].flatMap { d.string($0, "type") }
        var options: [String] = [], groupIds: [Int64] = []
        if let v = m["options"], !v.isNull { options = d.array(v, "options") { d, item, path in d.string(item, path) } }
        if let v = m["groupIds"], !v.isNull { groupIds = d.array(v, "groupIds") { d, item, path in d.int64(item, path) } }
        try d.problems.throwIfAny(.invalidBody)
        var missing: [String: [String]] = [:]
        if name == nil { missing["name"] = ["is required"] }
        if type == nil { missing["type"] = ["is required"] }
        guard let name, let type else { throw ContactProblem.validation(missing) }
        self.init(name: name, type: type, options: options, groupIds: groupIds)
    }
}

extension StrictDecoder {
    /// The items of a JSON array, each read by `item` under `path[i]`.
    mutating func array<T>(_ value: JSONValue, _ path: String,
                           _ item: (inout StrictDecoder, JSONValue, String) -> T?) -> [T] {
        guard case .array(let items) = value else {
            problems.add(path, "must be an array, not \(value.typeName)")
            return []
        }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for (i, raw) in items.enumerated() {
            if let decoded = item(&self, raw, "\(path)[\(i)]") { result.append(decoded) }
        }
        return result
    }
}
