import Geodesy
import HashTreeCollections

/// Validates a create or a patch against one snapshot and builds the resulting contact,
/// collecting *every* failure before throwing one `validation-failed`.
///
/// Runs in two phases: ``Prepared`` (no lock: PROJ normalization) and
/// ``validate(_:onto:id:in:)`` (under the customer's writer lock: everything that depends on
/// the stored data).
enum ContactValidator {
    /// What can be checked without the stored data.
    struct Prepared: Sendable {
        var patch: ContactPatch
        var isCreate: Bool
        var location: Coordinate?
        var problems: ProblemCollector
    }

    static func prepare(_ patch: ContactPatch, isCreate: Bool, policy: ContactPolicy,
                        normalizer: SharedCoordinateNormalizer) -> Prepared
    {
        var problems = ProblemCollector()
        var location: Coordinate?
        switch patch.location {
        case .value(let input):
            location = input.resolve(defaultCRS: policy.defaultCRS, normalizer: normalizer, problems: &problems)
        case .null:
            problems.add("location", "must not be null")
        case .absent:
            if isCreate { problems.add("location", "is required") }
        }
        return Prepared(patch: patch, isCreate: isCreate, location: location, problems: problems)
    }

    /// The contact that results from applying `prepared` to `base` (nil for a create) as `id`
    /// in `snapshot`. The snapshot is borrowed, not stored: a validator holding one copied it,
    /// retaining and releasing each of its dozen indexes, on every write.
    static func validate(_ prepared: Prepared, onto base: Contact?, id: ContactID,
                         in snapshot: CustomerSnapshot) throws(ContactProblem) -> Contact {
        var problems = prepared.problems
        let patch = prepared.patch
        let policy = snapshot.policy
        let isCreate = base == nil

        func text(_ name: String, _ value: Patch<String>, current: String?, limit: Int?, nullable: Bool) -> String? {
            switch value {
            case .absent:
                if isCreate && !nullable { problems.add(name, "is required") }
                return current
            case .null:
                if !nullable { problems.add(name, "must not be null") }
                return nil
            case .value(let s):
                if let message = TextRules.problem(with: s, limit: limit) { problems.add(name, message) }
                return s
            }
        }

        let limits = policy.limits
        let name = text("name", patch.name, current: base?.name, limit: limits.name, nullable: false)
        if case .value(let s) = patch.name, TextRules.isBlank(s) { problems.add("name", "must not be empty") }
        let reference = text("reference", patch.reference, current: base?.reference, limit: limits.reference, nullable: true)
        let extraInformation = text("extraInformation", patch.extraInformation, current: base?.extraInformation,
                                    limit: limits.extraInformation, nullable: true)
        let street = text("street", patch.street, current: base?.street, limit: limits.street, nullable: true)
        let town = text("town", patch.town, current: base?.town, limit: limits.town, nullable: true)
        let postalCode = text("postalCode", patch.postalCode, current: base?.postalCode, limit: limits.postalCode, nullable: true)
        let country = text("country", patch.country, current: base?.country, limit: limits.country, nullable: true)

        if policy.requiresUniqueReferences, case .value(let r) = patch.reference,
           snapshot.byReference.ids(of: r, in: snapshot.contacts).contains(where: { $0 != id })
        {
            problems.add("reference", "is already used by another contact")
        }

        var groupId = base?.groupId
        switch patch.groupId {
        case .absent: if isCreate { problems.add("groupId", "is required") }
        case .null: problems.add("groupId", "must not be null")
        case .value(let g):
            if snapshot.groupsByID[g] == nil { problems.add("groupId", "no contact group \(g) exists") } else { groupId = g }
        }

        var parentId = base?.parentId
        switch patch.parentId {
        case .absent: break
        case .null: parentId = nil
        case .value(let p):
            if !snapshot.contacts.contains(p) {
                problems.add("parentId", "no contact \(p) exists")
            } else if p == id {
                problems.add("parentId", "a contact cannot be its own parent")
            } else if !isCreate && snapshot.isInSubtree(p, of: id) {
                problems.add("parentId", "would make the contact its own ancestor")
            } else {
                parentId = p
            }
        }

        var location = base?.location
        if let resolved = prepared.location { location = resolved }

        // Custom fields: start from the stored ones, apply the items in order.
        var fields: [DefinitionID: String] = [:]
        for field in base?.customFields ?? [] { fields[field.definitionId] = field.value }
        var named: Set<DefinitionID> = []
        if case .value(let items) = patch.customFields {
            for (i, item) in items.enumerated() {
                let path = "customFields[\(i)]"
                guard let definitionId = item.definitionId else {
                    problems.add(path + ".definitionId", "is required")
                    continue
                }
                guard let definition = snapshot.definitionsByID[definitionId] else {
                    problems.add(path + ".definitionId", "no custom field definition \(definitionId) exists")
                    continue
                }
                guard named.insert(definitionId).inserted else {
                    problems.add(path + ".definitionId", "appears more than once")
                    continue
                }
                if let groupId, item.value != nil, !definition.applies(to: groupId) {
                    problems.add(path + ".definitionId", "does not apply to contacts of group \(groupId)")
                }
                if definition.type == .statement {
                    problems.add(path + ".value", "is read-only")
                    continue
                }
                guard let value = item.value else {
                    fields[definitionId] = nil
                    continue
                }
                if let message = TextRules.problem(with: value, limit: policy.maximumCustomFieldLength) {
                    problems.add(path + ".value", message)
                } else if let message = definition.problem(with: value) {
                    problems.add(path + ".value", message)
                }
                fields[definitionId] = value
            }
        }
        // Values kept from before must still apply when the group changes.
        if let groupId, !isCreate, groupId != base?.groupId {
            for (definitionId, _) in fields where !named.contains(definitionId) {
                if let definition = snapshot.definitionsByID[definitionId], !definition.applies(to: groupId) {
                    problems.add("groupId", "custom field \(definitionId) of this contact does not apply to group \(groupId)")
                }
            }
        }

        try problems.throwIfAny()
        guard let name, let groupId, let location else {
            throw ContactProblem(.internalError, detail: "validation passed without a required value")
        }
        return Contact(id: id, reference: reference, name: name, groupId: groupId, parentId: parentId,
                       extraInformation: extraInformation, street: street, town: town, postalCode: postalCode,
                       country: country, location: location,
                       customFields: fields.map { CustomFieldValue(definitionId: $0.key, value: $0.value) })
    }
}

extension ContactPatch {
    /// The create body as a patch onto nothing (absent and `null` coincide for a create).
    init(_ draft: ContactDraft) {
        self.init()
        func p<T>(_ v: T?) -> Patch<T> { v.map { .value($0) } ?? .absent }
        reference = p(draft.reference)
        name = p(draft.name)
        groupId = p(draft.groupId)
        parentId = p(draft.parentId)
        extraInformation = p(draft.extraInformation)
        street = p(draft.street)
        town = p(draft.town)
        postalCode = p(draft.postalCode)
        country = p(draft.country)
        location = p(draft.location)
        customFields = p(draft.customFields)
    }
}
