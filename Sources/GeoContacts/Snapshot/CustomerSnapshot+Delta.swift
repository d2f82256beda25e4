import HashTreeCollections
extension CustomerSnapshot {
    /// This state moved to a later version of a shared store: `delta`'s rows (as they are at
    /// that version) turned into changes in an order where each one is valid, each re-checked
    /// as it is applied.
    ///
    /// The order: groups and definitions; then created and changed contacts by their depth
    /// in the new forest, parents first (a contact's new parent, and the parent's whole new
    /// chain of ancestors, is then already in place, so no step makes a cycle, even when two
    /// contacts swapped places); then removed contacts by their depth, children first; then
    /// removed definitions (no contact carries them any more), then removed groups (no
    /// contact is in them and no definition is restricted to them any more).
    ///
    /// - Throws: `internal-error` when the rows do not fit this state (a parent cycle, an
    ///   unknown parent or group, a removed group or definition still in use): the caller
    ///   then loads the customer whole.
    /// - Complexity: O(k log n) for k touched contacts, plus their ancestor chains.
    func applying(_ delta: CustomerDelta) throws(ContactProblem) -> CustomerSnapshot {
        var changes: [ContactChange] = []
        for group in delta.groups where groupsByID[group.id] != group { changes.append(.groupDefined(group)) }
        for definition in delta.definitions where definitionsByID[definition.id] != definition {
            changes.append(.definitionDefined(definition))
        }
        var incoming: [ContactID: Contact] = [:]
        for contact in delta.contacts { incoming[contact.id] = contact }
        let removed = Set(delta.removed).subtracting(incoming.keys)
        let limit = contacts.count + incoming.count + 1

        var newDepths = Depths(limit: limit)
        var upserts: [(depth: Int, contact: Contact)] = []
        for contact in incoming.values {
            let depth = try newDepths.depth(of: contact.id) { id in
                if let changed = incoming[id] { return changed.parentId }
                return removed.contains(id) ? nil : contacts[id]?.parentId
            }
            upserts.append((depth, contact))
        }
        upserts.sort { ($0.depth, $0.contact.id) < ($1.depth, $1.contact.id) }
        for (_, contact) in upserts {
            if let old = contacts[contact.id] {
                if old != contact { changes.append(.updated(old: old, new: contact)) }
            } else {
                changes.append(.created(contact))
            }
        }

        // Removals happen after the upserts: depths in that intermediate state, deepest first.
        var oldDepths = Depths(limit: limit)
        var removals: [(depth: Int, contact: Contact)] = []
        for id in removed {
            guard let contact = contacts[id] else { continue }
            let depth = try oldDepths.depth(of: id) { id in
                if let changed = incoming[id] { return changed.parentId }
                return contacts[id]?.parentId
            }
            removals.append((depth, contact))
        }
        removals.sort { ($0.depth, $1.contact.id) > ($1.depth, $0.contact.id) }
        changes.append(contentsOf: removals.map { .removed($0.contact) })
        for id in Set(delta.removedDefinitions).sorted() {
            if let definition = definitionsByID[id] { changes.append(.definitionRemoved(definition)) }
        }
        for id in Set(delta.removedGroups).sorted() {
            if let group = groupsByID[id] { changes.append(.groupRemoved(group)) }
        }

        var next = try applying(changes)
        next.nextContactID = max(next.nextContactID, delta.nextContactID)
        next.version = delta.version
        return next
    }
}

/// Depths in a forest given by a parent function, memoized, without recursion.
private struct Depths {
    let limit: Int
    var known: [ContactID: Int] = [:]

    init(limit: Int) { self.limit = limit }

    /// The depth of `id` (a root is 0).
    ///
    /// - Throws: `internal-error` when the chain is longer than `limit` (a cycle).
    mutating func depth(of id: ContactID, parent: (ContactID) -> ContactID?) throws(ContactProblem) -> Int {
        var chain: [ContactID] = []
        var current: ContactID? = id
        var base = -1
        while let node = current {
            if let depth = known[node] {
                base = depth
                break
            }
            chain.append(node)
            guard chain.count <= limit else {
                throw ContactProblem(.internalError, detail: "The stored parents of contact \(id) form a cycle.")
            }
            current = parent(node)
        }
        for (offset, node) in chain.reversed().enumerated() { known[node] = base + 1 + offset }
        return base + chain.count
    }
}
