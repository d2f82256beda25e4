import HashTreeCollections
/// Removing a contact group or a custom-field definition (scope `contacts:admin`): refused
/// while contacts use it, unless the caller asks to move the group's contacts elsewhere or to
/// clear the definition's values. Either way one write: the moves or clearings and the
/// removal are validated, journaled and published together, all or nothing.
extension ContactDirectory {
    /// Removes a contact group (scope `contacts:admin`).
    ///
    /// The group must be empty, unless `target` names another group: then every contact of
    /// the group is moved there first (its `groupId` changes; nothing else does, custom-field
    /// values included), in the same write as the removal. Ids of removed groups may be handed
    /// out again by ``createGroup(named:as:)`` (it takes the next id above the highest group).
    ///
    /// - Parameters:
    ///   - id: the group to remove.
    ///   - target: where its contacts go; `nil`: the group must have none.
    ///   - caller: who asks; needs `contacts:admin` for the customer.
    /// - Returns: the ids of the contacts moved, ascending (empty when the group was empty).
    /// - Throws: `missing-scope` without `contacts:admin`; `group-not-found` for an unknown
    ///   `id`; `validation-failed` on `moveContactsTo` when `target` is `id` or no group;
    ///   `in-use` when a custom-field definition is restricted to the group (`groupIds` lists
    ///   it: redefine it first), when the group has contacts and no `target` is given, or when
    ///   a contact to move has a value for a definition that does not apply to `target`;
    ///   `removal-too-large` when more than ``ContactPolicy/maximumRemovalSize`` contacts
    ///   would move; `storage-failed`. A refused call changes nothing.
    /// - Complexity: O(m log n) for m moved contacts of n; O(n) to find them while other
    ///   writes of the customer are batched with it (the validation copy keeps no member index).
    @discardableResult
    public func removeGroup(_ id: GroupID, moveContactsTo target: GroupID? = nil, as caller: Caller)
        async throws(ContactProblem) -> [ContactID]
    {
        try caller.require(.admin)
        return try await write(caller.customer) { snapshot throws(ContactProblem) in
            let group = try snapshot.group(id)
            if let target {
                if target == id { throw .validation(["moveContactsTo": ["must name another group than the one removed"]]) }
                if snapshot.groupsByID[target] == nil { throw .validation(["moveContactsTo": ["no contact group \(target) exists"]]) }
            }
            if let definition = snapshot.definitionRestricted(to: id) {
                throw ContactProblem(.inUse, detail: "Custom field definition \(definition) applies to group \(id) by name (groupIds); redefine it without the group first.")
            }
            guard snapshot.hasContacts(in: id) else { return ([.groupRemoved(group)], []) }
            guard let target else {
                throw ContactProblem(.inUse, detail: "Contact group \(id) has contacts; move them to another group first, or ask to (moveContactsTo).")
            }
            let limit = snapshot.policy.maximumRemovalSize
            guard let moved = snapshot.contactIDs(in: id, limit: limit) else {
                throw Self.removalTooLarge("Moving the contacts of group \(id)", limit: limit)
            }
            var changes = try Self.updates(of: moved, in: snapshot) { contact throws(ContactProblem) in
                let misfit = contact.customFields.first { snapshot.definitionsByID[$0.definitionId]?.applies(to: target) == false }
                if let misfit {
                    throw ContactProblem(.inUse, detail: "Contact \(contact.id) has a value for custom field \(misfit.definitionId), which does not apply to group \(target); clear it or move the contact first.")
                }
                contact.groupId = target
            }
            changes.append(.groupRemoved(group))
            return (changes, moved)
        }
    }

    /// Removes a custom-field definition (scope `contacts:admin`).
    ///
    /// No contact may have a value for it, unless `clearingValues`: then the value is removed
    /// from every contact that has one (the contact keeps everything else), in the same write
    /// as the removal; the values are gone for good, also if a definition with the same id is
    /// created later. Ids of removed definitions may be handed out again by
    /// ``createCustomField(_:as:)`` (it takes the next id above the highest definition).
    ///
    /// - Returns: the ids of the contacts whose value was cleared, ascending.
    /// - Throws: `missing-scope` without `contacts:admin`; `definition-not-found`; `in-use`
    ///   when contacts have values and `clearingValues` is `false`; `removal-too-large` when
    ///   more than ``ContactPolicy/maximumRemovalSize`` contacts have values;
    ///   `storage-failed`. A refused call changes nothing.
    /// - Complexity: O(n) for n contacts (each is looked at), plus O(m log n) for m cleared.
    @discardableResult
    public func removeCustomField(_ id: DefinitionID, clearingValues: Bool = false, as caller: Caller)
        async throws(ContactProblem) -> [ContactID]
    {
        try caller.require(.admin)
        return try await write(caller.customer) { snapshot throws(ContactProblem) in
            guard let definition = snapshot.definitionsByID[id] else { throw .definitionNotFound(id) }
            guard snapshot.hasValues(of: id) else { return ([.definitionRemoved(definition)], []) }
            guard clearingValues else {
                throw ContactProblem(.inUse, detail: "Contacts have values for custom field \(id); clear them first, or ask to (clearValues).")
            }
            let limit = snapshot.policy.maximumRemovalSize
            guard let cleared = snapshot.contactIDs(withValueOf: id, limit: limit) else {
                throw Self.removalTooLarge("Clearing custom field \(id)", limit: limit)
            }
            var changes = Self.updates(of: cleared, in: snapshot) { contact in
                contact.customFields.removeAll { $0.definitionId == id }
            }
            changes.append(.definitionRemoved(definition))
            return (changes, cleared)
        }
    }

    /// One `.updated` change for each of `ids`, the contact changed by `change`.
    private static func updates<E: Error>(of ids: [ContactID], in snapshot: CustomerSnapshot,
                                          _ change: (inout Contact) throws(E) -> Void) throws(E) -> [ContactChange] {
        var changes: [ContactChange] = []
        changes.reserveCapacity(ids.count + 1)
        for id in ids {
            guard let old = snapshot.contacts[id] else { continue }
            var new = old
            try change(&new)
            changes.append(.updated(old: old, new: new))
        }
        return changes
    }

    private static func removalTooLarge(_ what: String, limit: Int) -> ContactProblem {
        ContactProblem(.removalTooLarge, detail: "\(what) would change more than \(limit) contacts; change some of them first.")
    }
}

extension CustomerSnapshot {
    /// Whether any contact is in `group`.
    ///
    /// - Complexity: O(1) from the member index; O(n) on a validation copy, which does not keep it.
    func hasContacts(in group: GroupID) -> Bool {
        guard isValidationCopy else { return members[group] != nil }
        return contacts.values.contains { $0.groupId == group }
    }

    /// Whether any contact has a value for `definition`.
    ///
    /// - Complexity: O(n) for n contacts.
    func hasValues(of definition: DefinitionID) -> Bool {
        contacts.values.contains { contact in contact.customFields.contains { $0.definitionId == definition } }
    }

    /// The lowest id of a definition restricted to groups that include `group`, if any.
    func definitionRestricted(to group: GroupID) -> DefinitionID? {
        definitionsByID.values.lazy.filter { $0.groupIds.contains(group) }.map(\.id).min()
    }

    /// The contacts in `group`, ascending; `nil` when there are more than `limit`.
    ///
    /// - Complexity: O(m) for m members from the member index; O(n) on a validation copy.
    func contactIDs(in group: GroupID, limit: Int) -> [ContactID]? {
        var ids: [ContactID] = []
        if isValidationCopy {
            for (id, contact) in contacts where contact.groupId == group {
                guard ids.count < limit else { return nil }
                ids.append(id)
            }
        } else if let set = members[group] {
            guard set.count <= limit else { return nil }
            ids = set.ascending
        }
        return ids
    }

    /// The contacts with a value for `definition`, ascending; `nil` when there are more than `limit`.
    ///
    /// - Complexity: O(n) for n contacts.
    func contactIDs(withValueOf definition: DefinitionID, limit: Int) -> [ContactID]? {
        var ids: [ContactID] = []
        for (id, contact) in contacts where contact.customFields.contains(where: { $0.definitionId == definition }) {
            guard ids.count < limit else { return nil }
            ids.append(id)
        }
        return ids
    }
}
