import Geodesy
import HashTreeCollections
import SpatialIndex

/// One change to a customer's data: what the journal persists and what ``CustomerSnapshot``
/// applies, in one place, to the contacts and every index.
///
/// A write produces one or more changes (a cascading removal produces one `.removed` per
/// contact, deepest first; re-parenting children produces `.updated` for each child before
/// the `.removed`; removing a group that still has contacts moves each of them with an
/// `.updated` before the `.groupRemoved`; removing a definition that contacts still carry
/// clears it from each with an `.updated` before the `.definitionRemoved`). Changes are only
/// produced after complete validation.
public enum ContactChange: Hashable, Sendable {
    /// A new contact.
    case created(Contact)
    /// A contact changed; `old` is what was stored before.
    case updated(old: Contact, new: Contact)
    /// A contact was removed; it had no children at that point.
    case removed(Contact)
    /// A group was defined or renamed.
    case groupDefined(ContactGroup)
    /// A custom-field definition was defined or replaced.
    case definitionDefined(CustomFieldDefinition)
    /// A group was removed: no contact was in it, and no definition was restricted to it.
    case groupRemoved(ContactGroup)
    /// A custom-field definition was removed: no contact had a value for it.
    case definitionRemoved(CustomFieldDefinition)
}

extension CustomerSnapshot {
    /// Applies one validated change to the contacts and every index.
    ///
    /// Every caller first asks ``problem(applying:)``, which finds every change that does not
    /// fit (a created id in use, a stale update or removal, an unknown group, parent or
    /// definition); this does not look again: a create no longer looks its id up twice, an
    /// update no longer compares the stored contact twice.
    ///
    /// - Complexity: O(log n) amortized, plus O(k) for a contact with k custom fields; O(1)
    ///   for groups and definitions.
    mutating func apply(_ change: ContactChange) {
        switch change {
        case .created(let contact):
            var now = PendingCreations(deferring: false)
            insert(contact, pending: &now)
        case .updated(let old, let new):
            // The attribute indexes hold only these: a change of anything else (a location,
            // a name, an address) leaves them as they are.
            let reindexed = old.parentId != new.parentId || old.groupId != new.groupId
                || old.reference != new.reference || old.customFields != new.customFields
            if reindexed { unindex(old) }
            contacts[new.id] = new
            if reindexed { index(new) }
            guard !isValidationCopy else { return }
            if old.location != new.location {
                let moved = spatial.move(new.id, from: old.location, to: new.location)
                precondition(moved, "contact \(old.id) missing from the spatial index")
            }
            // The dominant group's tree is the customer's, just moved; its members have no other.
            if old.groupId != new.groupId {
                if old.groupId == dominantGroup { outsiders.insert(new.id) } else { removeFromGroupTree(old) }
                if new.groupId == dominantGroup {
                    outsiders.remove(new.id)
                } else {
                    groupSpatial[new.groupId, default: RTree()].insert(new.id, at: new.location)
                }
                settleDominance()
            } else if old.location != new.location, new.groupId != dominantGroup {
                let moved = groupSpatial[new.groupId, default: RTree()].move(new.id, from: old.location, to: new.location)
                precondition(moved, "contact \(old.id) missing from its group's spatial index")
            }
        case .removed(let contact):
            unindex(contact)
            contacts[contact.id] = nil
            guard !isValidationCopy else { return }
            let removed = spatial.remove(contact.id, at: contact.location)
            precondition(removed, "contact \(contact.id) missing from the spatial index")
            if contact.groupId == dominantGroup {
                settleDominance()
            } else {
                removeFromGroupTree(contact)
                outsiders.remove(contact.id)
            }
        case .groupDefined(let group):
            groupsByID[group.id] = group
        case .definitionDefined(let definition):
            definitionsByID[definition.id] = definition
        case .groupRemoved(let group):
            groupsByID[group.id] = nil
        case .definitionRemoved(let definition):
            definitionsByID[definition.id] = nil
        }
    }

    /// Adds a created contact to the customer's R-tree and, unless it is the dominant
    /// group's, its group's.
    private mutating func insertSpatially(_ contact: Contact) {
        // The first contact's group is dominant (an empty customer has no group trees).
        if spatial.isEmpty { dominantGroup = contact.groupId }
        spatial.insert(contact.id, at: contact.location)
        guard contact.groupId != dominantGroup else { return }
        groupSpatial[contact.groupId, default: RTree()].insert(contact.id, at: contact.location)
        if dominantGroup != nil {
            outsiders.insert(contact.id)
            settleDominance()
        }
    }

    /// Ends ``dominantGroup``'s share of the customer's tree once it has no contact left
    /// (the outsiders are in their groups' trees already), or gives it a tree of its own once
    /// its outsiders are over the limit.
    private mutating func settleDominance() {
        guard let group = dominantGroup else { return }
        if members[group] == nil {
            dominantGroup = nil
            outsiders = []
        } else if outsiders.count > outsiderLimit {
            separateDominantGroup()
        }
    }

    /// Gives ``dominantGroup`` a tree of its own: the customer's (sharing its nodes, copy on
    /// write) without the outsiders, at most ``outsiderLimit`` + 1 removals, once.
    private mutating func separateDominantGroup() {
        guard let group = dominantGroup else { return }
        var tree = spatial
        for id in outsiders {
            guard let contact = contacts[id] else { preconditionFailure("outsider \(id) is not stored") }
            let removed = tree.remove(id, at: contact.location)
            precondition(removed, "outsider \(id) missing from the spatial index")
        }
        if !tree.isEmpty { groupSpatial[group] = tree }
        dominantGroup = nil
        outsiders = []
    }

    private mutating func removeFromGroupTree(_ contact: Contact) {
        guard var tree = groupSpatial.removeValue(forKey: contact.groupId) else {
            preconditionFailure("group \(contact.groupId) has no spatial index")
        }
        let removed = tree.remove(contact.id, at: contact.location)
        precondition(removed, "contact \(contact.id) missing from its group's spatial index")
        if !tree.isEmpty { groupSpatial[contact.groupId] = tree }
    }

    /// Adds `contact` to every attribute index (not the spatial one).
    mutating func index(_ contact: Contact) {
        indexAttributes(contact)
        if let reference = contact.reference {
            byReference.insert(reference, for: contact.id)
        }
    }

    /// Adds `contact` to every attribute index but the spatial and reference ones.
    private mutating func indexAttributes(_ contact: Contact) {
        let id = contact.id
        if let parent = contact.parentId {
            childrenByParent[parent, default: []].insert(id)
        } else if !isValidationCopy {
            rootIDs.insert(id)
        }
        guard !isValidationCopy else { return }
        members[contact.groupId, default: []].insert(id)
        for field in contact.customFields {
            byFieldValue[FieldValueKey(definition: field.definitionId, value: field.value), default: []].insert(id)
        }
    }

    /// Removes `contact` from every attribute index (not the spatial one).
    mutating func unindex(_ contact: Contact) {
        let id = contact.id
        if let parent = contact.parentId {
            Self.remove(id, from: &childrenByParent, at: parent)
        } else if !isValidationCopy {
            rootIDs.remove(id)
        }
        if let reference = contact.reference {
            byReference.remove(reference, for: id)
        }
        guard !isValidationCopy else { return }
        Self.remove(id, from: &members, at: contact.groupId)
        for field in contact.customFields {
            Self.remove(id, from: &byFieldValue, at: FieldValueKey(definition: field.definitionId, value: field.value))
        }
    }

    private static func remove<K: Hashable>(_ id: ContactID, from index: inout TreeDictionary<K, OrderedContactIDs>, at key: K) {
        guard var set = index.removeValue(forKey: key) else { return }
        set.remove(id)
        if !set.isEmpty { index[key] = set }
    }

    private static func remove<K: Hashable>(_ id: ContactID, from index: inout TreeDictionary<K, TreeSet<ContactID>>, at key: K) {
        guard var set = index.removeValue(forKey: key) else { return }
        set.remove(id)
        if !set.isEmpty { index[key] = set }
    }
}

extension CustomerSnapshot {
    /// Applies validated `changes` in place, in order, each re-checked just before it is
    /// applied (no copy is made, so a change that does not fit stops the run half-way: the
    /// directory only calls this with changes already applied to a validation copy of the
    /// same state, where that cannot happen).
    ///
    /// - Returns: why a change did not fit, if one did not; the changes before it are applied.
    mutating func applyInPlace(_ changes: ArraySlice<ContactChange>) -> String? {
        for change in changes {
            if let problem = problem(applying: change) { return problem }
            apply(change)
        }
        return nil
    }
}

extension CustomerSnapshot {
    /// A new snapshot with `changes` applied in order, as a journal replays them.
    ///
    /// - Throws: `internal-error` if a change does not fit this snapshot (a created id that
    ///   exists, an update or removal of a contact that differs from the stored one, a
    ///   reference to an unknown group, parent or definition); then nothing is applied.
    public func applying(_ changes: [ContactChange]) throws(ContactProblem) -> CustomerSnapshot {
        var next = self
        var pending = PendingCreations()
        for change in changes {
            // A run of creations waits for its R-tree and reference entries; anything else
            // reads the indexes, so the run's entries go in first.
            if case .created(let contact) = change {
                try next.create(contact, pending: &pending)
                continue
            }
            next.index(pending)
            pending = PendingCreations()
            if let problem = next.problem(applying: change) {
                throw ContactProblem(.internalError, detail: "A change for customer \(customer) does not apply: \(problem).")
            }
            next.apply(change)
        }
        next.index(pending)
        return next
    }

    /// Creations applied to the contacts and the attribute indexes, whose entries in the
    /// R-trees (and in the reference index, unless references must be unique) wait to be
    /// added together by ``index(_:)``.
    struct PendingCreations {
        /// Whether entries wait at all: a few creations (a small bulk create applied in
        /// place) are indexed at once, as ``apply(_:)`` does.
        fileprivate let deferring: Bool
        fileprivate var contacts: [Contact] = []
        fileprivate var references: [(ContactID, String)] = []

        init(deferring: Bool = true) { self.deferring = deferring }
    }

    /// The fewest waiting creations that ``index(_:)`` adds to the R-trees in bulk; fewer go in
    /// one by one.
    static let bulkIndexing = 256

    /// Applies the creation of `contact` (checked first, as ``apply(checking:)`` does) to the
    /// contacts and the attribute indexes; its R-tree entries and, unless the policy wants
    /// unique references (which validation reads), its reference entry wait in `pending`.
    /// Nothing may read those indexes before ``index(_:)`` has added them.
    ///
    /// - Throws: `internal-error` when the creation does not fit; nothing is changed then.
    mutating func create(_ contact: Contact, pending: inout PendingCreations) throws(ContactProblem) {
        if let problem = problem(applying: .created(contact)) {
            throw ContactProblem(.internalError, detail: "A change for customer \(customer) does not apply: \(problem).")
        }
        insert(contact, pending: &pending)
    }

    /// The creation of `contact`, which fits: see ``create(_:pending:)``.
    private mutating func insert(_ contact: Contact, pending: inout PendingCreations) {
        contacts[contact.id] = contact
        indexAttributes(contact)
        if let reference = contact.reference {
            if policy.requiresUniqueReferences || !pending.deferring {
                byReference.insert(reference, for: contact.id)
            } else {
                pending.references.append((contact.id, reference))
            }
        }
        nextContactID = max(nextContactID, contact.id.rawValue &+ 1)
        guard !isValidationCopy else { return }
        if pending.deferring { pending.contacts.append(contact) } else { insertSpatially(contact) }
    }

    /// Adds the waiting entries of `pending` to the reference index and the R-trees: many
    /// together, sorted, or merged in one pass (``ReferenceIndex/insert(contentsOf:)``), and
    /// in the order of a Hilbert curve, or rebuilt in bulk (``RTree/insert(contentsOf:)``),
    /// so that a bulk import's chunk of 100,000 rows touches neighbouring leaves in turn
    /// instead of random ones; a few one by one, as ``apply(_:)`` does.
    mutating func index(_ pending: PendingCreations) {
        if !pending.references.isEmpty { byReference.insert(contentsOf: pending.references) }
        guard !pending.contacts.isEmpty else { return }
        guard pending.contacts.count >= Self.bulkIndexing else {
            for contact in pending.contacts { insertSpatially(contact) }
            return
        }
        var byGroup: [GroupID: [(ContactID, Coordinate)]] = [:]
        for contact in pending.contacts { byGroup[contact.groupId, default: []].append((contact.id, contact.location)) }
        if spatial.isEmpty {
            dominantGroup = Self.dominant(among: byGroup.lazy.map { ($0.key, $0.value.count) }, of: pending.contacts.count,
                                          limit: outsiderLimit)
        } else if let group = dominantGroup,
                  outsiders.count + pending.contacts.count - (byGroup[group]?.count ?? 0) > outsiderLimit
        {
            // Separated before the run's outsiders are in: fewer removals.
            separateDominantGroup()
        }
        spatial.insert(contentsOf: pending.contacts.lazy.map { ($0.id, $0.location) })
        for (group, entries) in byGroup where group != dominantGroup {
            groupSpatial[group, default: RTree()].insert(contentsOf: entries)
            if dominantGroup != nil {
                for (id, _) in entries { outsiders.insert(id) }
            }
        }
    }

    /// The group that may be dominant among groups of the given sizes (`total` contacts in
    /// all): the largest (ties to the smallest id), when the others hold at most `limit`.
    static func dominant(among sizes: some Sequence<(GroupID, Int)>, of total: Int, limit: Int) -> GroupID? {
        let largest = sizes.max { ($0.1, $1.0) < ($1.1, $0.0) }
        guard let largest, total - largest.1 <= limit else { return nil }
        return largest.0
    }

    /// Why `change` cannot be applied here, or `nil`.
    ///
    /// - Complexity: O(log n), plus O(k) for k custom fields; O(n) for the removal of a
    ///   definition (every contact is looked at) and, on a validation copy, of a group.
    func problem(applying change: ContactChange) -> String? {
        func fits(_ c: Contact) -> String? {
            if groupsByID[c.groupId] == nil { return "contact \(c.id) in unknown group \(c.groupId)" }
            if let p = c.parentId, !contacts.contains(p) || p == c.id { return "contact \(c.id) has unknown parent \(p)" }
            if !c.location.isValid { return "contact \(c.id) has invalid location" }
            for f in c.customFields where definitionsByID[f.definitionId] == nil { return "unknown custom field \(f.definitionId)" }
            return nil
        }
        switch change {
        case .created(let c):
            return contacts.contains(c.id) ? "contact \(c.id) exists" : fits(c)
        case .updated(let old, let new):
            if old.id != new.id || contacts[old.id] != old { return "stale update of \(old.id)" }
            if let p = new.parentId, p != old.parentId, isInSubtree(p, of: new.id) { return "cycle through \(new.id)" }
            return fits(new)
        case .removed(let c):
            if contacts[c.id] != c { return "stale removal of \(c.id)" }
            return childrenByParent[c.id] != nil ? "removal of \(c.id) with children" : nil
        case .groupDefined, .definitionDefined:
            return nil
        case .groupRemoved(let group):
            if groupsByID[group.id] != group { return "stale removal of group \(group.id)" }
            if hasContacts(in: group.id) { return "removal of group \(group.id) with contacts" }
            if let definition = definitionRestricted(to: group.id) {
                return "removal of group \(group.id) that definition \(definition) is restricted to"
            }
            return nil
        case .definitionRemoved(let definition):
            if definitionsByID[definition.id] != definition { return "stale removal of definition \(definition.id)" }
            return hasValues(of: definition.id) ? "removal of definition \(definition.id) with values" : nil
        }
    }
}
