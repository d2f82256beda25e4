import Geodesy
import HashTreeCollections
import SpatialIndex
/// A failed consistency check of a ``CustomerSnapshot``: a bug, never a user error.
public struct SnapshotInvariantError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "snapshot invariant violated: \(message)" }
}

extension CustomerSnapshot {
    /// Verifies that every index agrees with the contacts: group members, children and roots,
    /// references, custom-field values, the R-tree (its own invariants too), that every
    /// parent and group exists, that the parent links form a forest (no cycle), and that
    /// the next id is above every id in use; likewise every group's R-tree; and that every
    /// group a definition is restricted to exists.
    ///
    /// - Throws: ``SnapshotInvariantError`` describing the first disagreement.
    /// - Complexity: O(n log n) for n contacts.
    public func checkInvariants() throws {
        func fail(_ message: String) -> SnapshotInvariantError { SnapshotInvariantError(message: message) }
        for (id, definition) in definitionsByID {
            guard definition.id == id else { throw fail("definition keyed \(id) has id \(definition.id)") }
            for group in definition.groupIds where groupsByID[group] == nil {
                throw fail("definition \(id) restricted to unknown group \(group)")
            }
        }
        var memberTotal = 0, childTotal = 0, fieldTotal = 0
        var withReference = 0, fieldValues = 0
        for (id, contact) in contacts {
            guard contact.id == id else { throw fail("contact keyed \(id) has id \(contact.id)") }
            guard id.rawValue < nextContactID else { throw fail("id \(id) not below next id \(nextContactID)") }
            guard contact.location.isValid else { throw fail("contact \(id) has invalid location") }
            guard groupsByID[contact.groupId] != nil else { throw fail("contact \(id) in unknown group \(contact.groupId)") }
            guard members[contact.groupId]?.contains(id) == true else { throw fail("contact \(id) missing from group index") }
            if let parent = contact.parentId {
                guard contacts.contains(parent) else { throw fail("contact \(id) has missing parent \(parent)") }
                guard childrenByParent[parent]?.contains(id) == true else { throw fail("contact \(id) missing from children of \(parent)") }
                guard !rootIDs.contains(id) else { throw fail("contact \(id) with parent listed as root") }
            } else {
                guard rootIDs.contains(id) else { throw fail("root \(id) missing from roots") }
            }
            if let reference = contact.reference {
                withReference += 1
                guard byReference.contains(reference, for: id) else { throw fail("contact \(id) missing from reference index") }
            }
            var previous: DefinitionID?
            for field in contact.customFields {
                fieldValues += 1
                if let previous, previous >= field.definitionId { throw fail("custom fields of \(id) not sorted/unique") }
                previous = field.definitionId
                guard definitionsByID[field.definitionId] != nil else { throw fail("contact \(id) has unknown field \(field.definitionId)") }
                guard byFieldValue[FieldValueKey(definition: field.definitionId, value: field.value)]?.contains(id) == true
                else { throw fail("contact \(id) missing from field value index") }
            }
        }
        for (_, set) in members { memberTotal += set.count; if set.isEmpty { throw fail("empty member set kept") } }
        for (_, set) in childrenByParent { childTotal += set.count; if set.isEmpty { throw fail("empty child set kept") } }
        for (_, set) in byFieldValue { fieldTotal += set.count; if set.isEmpty { throw fail("empty field set kept") } }
        guard memberTotal == contacts.count else { throw fail("group index holds \(memberTotal), store \(contacts.count)") }
        guard childTotal + rootIDs.count == contacts.count else { throw fail("hierarchy index holds \(childTotal + rootIDs.count)") }
        guard byReference.count == withReference else { throw fail("reference index holds \(byReference.count), expected \(withReference)") }
        guard fieldTotal == fieldValues else { throw fail("field index holds \(fieldTotal), expected \(fieldValues)") }
        for (parent, _) in childrenByParent where !contacts.contains(parent) { throw fail("children of missing \(parent)") }

        // The parent links form a forest: every chain reaches a root. Iterative, O(n).
        var state: [ContactID: Bool] = [:]  // false: on the current path, true: reaches a root
        for (start, _) in contacts where state[start] == nil {
            var path: [ContactID] = []
            var current: ContactID? = start
            while let id = current, state[id] == nil {
                state[id] = false
                path.append(id)
                current = contacts[id]!.parentId
            }
            if let id = current, state[id] == false { throw fail("cycle through \(id)") }
            for id in path { state[id] = true }
        }

        guard spatial.count == contacts.count else { throw fail("R-tree holds \(spatial.count), store \(contacts.count)") }
        var seen = Set<ContactID>()
        try spatial.forEach { id, location in
            guard seen.insert(id).inserted else { throw fail("R-tree holds \(id) twice") }
            guard let contact = contacts[id], contact.location == location else {
                throw fail("R-tree entry \(id) at \(location) disagrees with the store")
            }
        }
        guard seen.count == contacts.count else { throw fail("R-tree enumerated \(seen.count)") }
        try spatial.checkInvariants()

        if let dominant = dominantGroup {
            // Distinct ids, none in the group, as many as the contacts outside it: exactly those.
            guard let size = members[dominant]?.count, size + outsiders.count == contacts.count,
                  outsiders.count <= outsiderLimit, groupSpatial[dominant] == nil else {
                throw fail("group \(dominant) shares the customer's R-tree with \(outsiders.count) outsiders")
            }
            for id in outsiders where contacts[id]?.groupId ?? dominant == dominant {
                throw fail("outsider \(id) of group \(dominant) is not a contact of another group")
            }
        } else if !outsiders.isEmpty {
            throw fail("\(outsiders.count) outsiders without a dominant group")
        }
        let trees = groupSpatial.count + (dominantGroup == nil ? 0 : 1)
        guard trees == members.count else { throw fail("\(trees) group R-trees for \(members.count) groups") }
        for (group, tree) in groupSpatial {
            guard tree.count == members[group]?.count else { throw fail("group \(group) R-tree holds \(tree.count)") }
            var inGroup = Set<ContactID>()
            try tree.forEach { id, location in
                guard inGroup.insert(id).inserted, let contact = contacts[id], contact.groupId == group, contact.location == location
                else { throw fail("group \(group) R-tree entry \(id) disagrees with the store") }
            }
            try tree.checkInvariants()
        }
    }
}
