public import GeoContacts
import Geodesy

/// Writes contacts in an import format so that importing the output into an empty customer
/// (with the same groups and definitions) and exporting again gives the same bytes: ids
/// are written (and kept by import), parents come before their children, doubles are
/// written with Swift's shortest round-trip form, `null`/absent and `""` stay apart.
public enum ContactFileWriter {
    /// `contacts` (one customer's, complete) with every parent before its children: a
    /// depth-first pre-order from the roots, siblings ascending by id. Iterative.
    ///
    /// - Complexity: O(n log n).
    public static func exportOrder(_ contacts: [Contact]) -> [Contact] {
        var children: [ContactID: [Contact]] = [:]
        var roots: [Contact] = []
        let ids = Set(contacts.map(\.id))
        for c in contacts {
            if let parent = c.parentId, ids.contains(parent) { children[parent, default: []].append(c) } else { roots.append(c) }
        }
        var result: [Contact] = []
        result.reserveCapacity(contacts.count)
        var stack = roots.sorted { $0.id > $1.id }
        while let next = stack.popLast() {
            result.append(next)
            if let kids = children[next.id] { stack.append(contentsOf: kids.sorted { $0.id > $1.id }) }
        }
        return result
    }

    /// The CSV header of ``csvRecord(_:)``.
    public static let csvHeader = CSVWriter.record([
        "id", "latitude", "longitude", "reference", "name", "groupId", "parentId", "extraInformation", "street",
        "town", "postalCode", "country", "customFields",
    ])

    /// One CSV record: unset properties are empty fields, custom fields a JSON array; text
    /// fields that a spreadsheet would run as a formula are guarded (``CSVFormulaGuard``).
    public static func csvRecord(_ c: Contact) -> String {
        func text(_ value: String?) -> String? { value.map(CSVFormulaGuard.guarded) }
        return CSVWriter.record([
            String(c.id.rawValue), String(c.location.latitude), String(c.location.longitude), text(c.reference), text(c.name),
            String(c.groupId.rawValue), c.parentId.map { String($0.rawValue) }, text(c.extraInformation), text(c.street),
            text(c.town), text(c.postalCode), text(c.country), c.customFields.isEmpty ? nil : customFieldsJSON(c),
        ])
    }

    /// One NDJSON line: the create body with `id` first.
    public static func ndjsonLine(_ c: Contact) -> String {
        var members = ["\"id\":\(c.id.rawValue)"]
        members += properties(c)
        members.append("\"location\":{\"latitude\":\(c.location.latitude),\"longitude\":\(c.location.longitude)}")
        if !c.customFields.isEmpty { members.append("\"customFields\":\(customFieldsJSON(c))") }
        return "{\(members.joined(separator: ","))}\n"
    }

    /// The start of a GeoJSON FeatureCollection; features follow one per line, separated by `,\n`.
    public static let geojsonStart = "{\"type\":\"FeatureCollection\",\"features\":[\n"
    /// The end of the FeatureCollection.
    public static let geojsonEnd = "\n]}\n"

    /// One GeoJSON feature (no separator).
    public static func geojsonFeature(_ c: Contact) -> String {
        var props = properties(c)
        if !c.customFields.isEmpty { props.append("\"customFields\":\(customFieldsJSON(c))") }
        return "{\"type\":\"Feature\",\"id\":\(c.id.rawValue),\"geometry\":{\"type\":\"Point\",\"coordinates\":["
            + "\(c.location.longitude),\(c.location.latitude)]},\"properties\":{\(props.joined(separator: ","))}}"
    }

    static func properties(_ c: Contact) -> [String] {
        members(reference: c.reference, name: c.name, groupId: c.groupId, parentId: c.parentId,
                extraInformation: c.extraInformation, street: c.street, town: c.town,
                postalCode: c.postalCode, country: c.country)
    }

    /// The plain members of a contact or a create body, as JSON text, in the contract's order.
    private static func members(
        reference: String?, name: String?, groupId: GroupID?, parentId: ContactID?, extraInformation: String?,
        street: String?, town: String?, postalCode: String?, country: String?
    ) -> [String] {
        var members: [String] = []
        forEachPlainMember(reference: reference, name: name, groupId: groupId, parentId: parentId,
                           extraInformation: extraInformation, street: street, town: town,
                           postalCode: postalCode, country: country) { key, value in
            switch value {
            case .text(let text): members.append("\"\(key)\":\(JSONWriter.quoted(text))")
            case .integer(let n): members.append("\"\(key)\":\(n)")
            }
        }
        return members
    }

    /// A plain member's value.
    private enum PlainValue {
        case text(String)
        case integer(Int64)
    }

    /// Calls `body` with each plain member of a contact or a create body, in the contract's
    /// order; absent ones stay out. The one list of them that both writers follow.
    private static func forEachPlainMember(
        reference: String?, name: String?, groupId: GroupID?, parentId: ContactID?, extraInformation: String?,
        street: String?, town: String?, postalCode: String?, country: String?,
        _ body: (StaticString, PlainValue) -> Void
    ) {
        func text(_ key: StaticString, _ value: String?) { if let value { body(key, .text(value)) } }
        text("reference", reference)
        text("name", name)
        if let groupId { body("groupId", .integer(groupId.rawValue)) }
        if let parentId { body("parentId", .integer(parentId.rawValue)) }
        text("extraInformation", extraInformation)
        text("street", street)
        text("town", town)
        text("postalCode", postalCode)
        text("country", country)
    }

    static func customFieldsJSON(_ c: Contact) -> String {
        "[" + c.customFields.map { "{\"definitionId\":\($0.definitionId.rawValue),\"value\":\(JSONWriter.quoted($0.value))}" }
            .joined(separator: ",") + "]"
    }

    /// A decoded create body as JSON again (for the bulk endpoint: `import --server`); what it
    /// lacks stays out, so the service reports it as the local import would.
    package static func createBody(_ d: ContactDraft, into w: inout JSONWriter) {
        var opened = false
        forEachPlainMember(reference: d.reference, name: d.name, groupId: d.groupId, parentId: d.parentId,
                           extraInformation: d.extraInformation, street: d.street, town: d.town,
                           postalCode: d.postalCode, country: d.country) { key, value in
            w.member(key, opened: &opened)
            switch value {
            case .text(let text): w.string(text)
            case .integer(let n): w.int(n)
            }
        }
        if let l = d.location {
            w.member("location", opened: &opened)
            var inner = false
            if let latitude = l.latitude { w.member("latitude", opened: &inner); w.double(latitude) }
            if let longitude = l.longitude { w.member("longitude", opened: &inner); w.double(longitude) }
            if let crs = l.crs { w.member("crs", opened: &inner); w.string(crs) }
            w.raw(inner ? "}" : "{}")
        }
        if let fields = d.customFields {
            w.member("customFields", opened: &opened)
            w.raw("[")
            for (i, f) in fields.enumerated() {
                if i > 0 { w.raw(",") }
                var item = false
                if let id = f.definitionId { w.member("definitionId", opened: &item); w.int(id.rawValue) }
                w.member("value", opened: &item)
                w.optional(f.value)
                w.raw("}")
            }
            w.raw("]")
        }
        w.raw(opened ? "}" : "{}")
    }
}
