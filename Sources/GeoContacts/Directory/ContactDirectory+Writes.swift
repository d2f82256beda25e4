import HashTreeCollections
extension ContactDirectory {
    /// Creates a contact ("Create a contact", 201 with the new id).
    ///
    /// Validates everything and reports every failure at once; a refused call changes nothing.
    /// - Returns: the new contact's id (ids grow per customer from 1).
    /// - Throws: `missing-scope` without `contacts:write`; `validation-failed` with `errors` by
    ///   property path; `storage-failed` when the journal refuses.
    public func create(_ draft: ContactDraft, as caller: Caller) async throws(ContactProblem) -> ContactID {
        try caller.require(.write)
        let policy = policy(of: caller.customer)
        await prepareCRS(CollectionOfOne(draft.location?.crs), default: policy.defaultCRS)
        let prepared = ContactValidator.prepare(ContactPatch(draft), isCreate: true, policy: policy, normalizer: normalizer)
        @Sendable func plan(_ snapshot: CustomerSnapshot) throws(ContactProblem) -> (changes: [ContactChange], result: ContactID) {
            let id = try snapshot.nextNewContactID()
            // `prepared` as captured (not a mutable copy of it: ~300 bytes and a dozen retains),
            // unless the policy changed meanwhile.
            let contact = snapshot.policy.defaultCRS == policy.defaultCRS
                ? try ContactValidator.validate(prepared, onto: nil, id: id, in: snapshot)
                : try ContactValidator.validate(
                    ContactValidator.prepare(prepared.patch, isCreate: true, policy: snapshot.policy, normalizer: self.normalizer),
                    onto: nil, id: id, in: snapshot)
            return ([.created(contact)], id)
        }
        // Not queued when nothing waits: see writeAlone.
        if let done = writeAlone(caller.customer, plan) { return try done.get() }
        return try await write(caller.customer, plan)
    }

    /// Creates many contacts in one write: validated in order (each against the contacts
    /// created before it in the batch), applied in one pass, journaled as one unit and made
    /// visible at once when durable. What the bulk endpoint calls.
    ///
    /// - Parameters:
    ///   - drafts: the contacts to create, in order; each gets the next free id.
    ///   - atomically: `false`: every valid item is created and every invalid one refused on
    ///     its own; `true`: all or nothing — when any item is refused, none is created and the
    ///     valid items answer `batch-aborted`.
    ///   - caller: who asks; needs `contacts:write` for the customer.
    /// - Returns: one result per draft, in order: the new id, or the problem the single
    ///   ``create(_:as:)`` would have thrown (`validation-failed` with the same `errors` paths).
    /// - Throws: `missing-scope` without `contacts:write`; `storage-failed` when the batch
    ///   could not be stored (then nothing was created).
    /// - Complexity: O(m log n) for m drafts into n contacts.
    public func create(contentsOf drafts: [ContactDraft], atomically: Bool = false, as caller: Caller)
        async throws(ContactProblem) -> [Result<ContactID, ContactProblem>]
    {
        try await create(contentsOf: drafts.map { NewContact(draft: $0) }, atomically: atomically, as: caller)
    }

    /// The fewest items of a non-atomic bulk create that a directory over an
    /// ``ImmediateJournal`` applies as one write, on a copy of the snapshot published at once
    /// (an import's chunk): the R-trees and the reference index then take its contacts in bulk
    /// (``CustomerSnapshot/index(_:)``). Fewer go in slices of ``inPlaceLimit`` applied in place.
    static let bulkCreation = 4096

    /// Creates many contacts in one write, each with the id it names or the next free one:
    /// what an import that keeps its file's ids calls (see ``create(contentsOf:atomically:as:)-([ContactDraft],_,_)``).
    ///
    /// A named id must be positive, below `Int64.max` and not in use (a removed contact's id
    /// may be named again); an item naming one that is not is refused with `validation-failed`
    /// on `id`.
    /// Later items without an id get ids above every id used so far.
    public func create(contentsOf items: [NewContact], atomically: Bool = false, as caller: Caller)
        async throws(ContactProblem) -> [Result<ContactID, ContactProblem>]
    {
        try caller.require(.write)
        guard !items.isEmpty else { return [] }
        if !atomically, items.count > Self.inPlaceLimit, items.count < Self.bulkCreation, immediateJournal != nil {
            // Each item is a write of its own: in slices small enough to be applied in place.
            var results: [Result<ContactID, ContactProblem>] = []
            results.reserveCapacity(items.count)
            for start in stride(from: 0, to: items.count, by: Self.inPlaceLimit) {
                let slice = items[start..<min(start + Self.inPlaceLimit, items.count)]
                results += try await create(contentsOf: Array(slice), atomically: false, as: caller)
            }
            return results
        }
        let policy = policy(of: caller.customer)
        await prepareCRS(items.lazy.map { $0.draft.location?.crs }, default: policy.defaultCRS)
        let normalizer = self.normalizer
        let prepared = items.map { ContactValidator.prepare(ContactPatch($0.draft), isCreate: true, policy: policy, normalizer: normalizer) }
        let ids = items.map(\.id)
        let refusesOnState: @Sendable ([Result<ContactID, ContactProblem>]) -> Bool = { results in
            results.contains { if case .failure(let problem) = $0 { problem.dependsOnState } else { false } }
        }
        return try await submit(caller.customer, items: prepared.count, divisible: !atomically,
                                refusesOnState: refusesOnState) { working throws(ContactProblem) in
            let before: CustomerSnapshot? = atomically ? working : nil
            var results: [Result<ContactID, ContactProblem>] = []
            results.reserveCapacity(prepared.count)
            var changes: [ContactChange] = []
            changes.reserveCapacity(prepared.count)
            var pending = CustomerSnapshot.PendingCreations(deferring: prepared.count >= Self.bulkCreation)
            var refused = false
            for (var item, named) in zip(prepared, ids) {
                if working.policy.defaultCRS != policy.defaultCRS {  // policy changed meanwhile
                    item = ContactValidator.prepare(item.patch, isCreate: true, policy: working.policy, normalizer: normalizer)
                }
                do throws(ContactProblem) {
                    let id = try working.idForNewContact(named, problems: &item.problems)
                    let contact = try ContactValidator.validate(item, onto: nil, id: id, in: working)
                    try working.create(contact, pending: &pending)
                    changes.append(.created(contact))
                    results.append(.success(id))
                } catch {
                    refused = true
                    results.append(.failure(error))
                }
            }
            working.index(pending)
            if refused, let before {
                working = before
                let aborted = ContactProblem(.batchAborted, detail: "Not created: another item of this all-or-nothing batch was refused.")
                return ([], results.map { $0.flatMap { _ in .failure(aborted) } })
            }
            return (changes, results)
        }
    }

    /// Changes a contact with PATCH semantics (204).
    ///
    /// A change of `parentId` moves the contact with its whole subtree; one that would make the
    /// contact its own ancestor is `validation-failed` on `parentId`.
    /// - Throws: `empty-patch`; `missing-scope`; `contact-not-found`; `validation-failed` with
    ///   `errors`; `storage-failed`.
    public func update(_ id: ContactID, with patch: ContactPatch, as caller: Caller) async throws(ContactProblem) {
        try caller.require(.write)
        guard !patch.isEmpty else { throw ContactProblem(.emptyPatch, detail: "The update must name at least one property.") }
        let policy = policy(of: caller.customer)
        if case .value(let location) = patch.location { await prepareCRS(CollectionOfOne(location.crs), default: policy.defaultCRS) }
        let prepared = ContactValidator.prepare(patch, isCreate: false, policy: policy, normalizer: normalizer)
        @Sendable func plan(_ snapshot: CustomerSnapshot) throws(ContactProblem) -> (changes: [ContactChange], result: Void) {
            let old = try snapshot.contact(id)
            // `prepared` as captured unless the policy changed meanwhile, as in `create`.
            let new = snapshot.policy.defaultCRS == policy.defaultCRS
                ? try ContactValidator.validate(prepared, onto: old, id: id, in: snapshot)
                : try ContactValidator.validate(
                    ContactValidator.prepare(patch, isCreate: false, policy: snapshot.policy, normalizer: self.normalizer),
                    onto: old, id: id, in: snapshot)
            return (new == old ? [] : [.updated(old: old, new: new)], ())
        }
        // Not queued when nothing waits: see writeAlone.
        if let done = writeAlone(caller.customer, plan) { return try done.get() }
        try await write(caller.customer, plan)
    }

    /// Removes a contact.
    ///
    /// - Parameters:
    ///   - id: the contact to remove.
    ///   - policy: what happens to its children: `.reject` (`contact-has-children`
    ///     while it has any), `.reparentChildren` (they take its parent, or become roots), or
    ///     `.cascade` (its whole subtree is removed).
    ///   - caller: who asks; needs `contacts:write` for the customer.
    /// - Returns: the ids removed (only `id` unless cascading), ascending.
    /// - Throws: `missing-scope`; `contact-not-found`; `contact-has-children`, or
    ///   `removal-too-large` when it would change more than
    ///   ``ContactPolicy/maximumRemovalSize`` contacts; `storage-failed`.
    @discardableResult
    public func remove(_ id: ContactID, children policy: RemovalPolicy = .reject, as caller: Caller)
        async throws(ContactProblem) -> [ContactID]
    {
        try caller.require(.write)
        return try await write(caller.customer) { snapshot throws(ContactProblem) in
            let contact = try snapshot.contact(id)
            let childCount = snapshot.childrenByParent[id]?.count ?? 0
            if childCount == 0 {
                return ([.removed(contact)], [id])
            }
            let limit = snapshot.policy.maximumRemovalSize
            let tooLarge = ContactProblem(
                .removalTooLarge,
                detail: "Removing contact \(id) this way would change more than \(limit) contacts; remove or re-parent parts of its subtree first.")
            switch policy {
            case .reject:
                throw ContactProblem(.contactHasChildren,
                                     detail: "Contact \(id) has \(childCount) children; remove or re-parent them, or ask to re-parent or cascade.")
            case .reparentChildren:
                guard childCount < limit else { throw tooLarge }
                var changes: [ContactChange] = snapshot.sortedChildren(of: id).compactMap { child in
                    guard let old = snapshot.contacts[child] else { return nil }
                    var new = old
                    new.parentId = contact.parentId
                    return .updated(old: old, new: new)
                }
                changes.append(.removed(contact))
                return (changes, [id])
            case .cascade:
                guard let subtree = snapshot.subtreeIDs(of: id, limit: limit) else { throw tooLarge }
                // Breadth-first order reversed: every contact is removed after its descendants.
                let changes: [ContactChange] = subtree.reversed().compactMap { snapshot.contacts[$0].map { .removed($0) } }
                return (changes, subtree.sorted())
            }
        }
    }

    /// Defines (or renames) a contact group (scope `contacts:admin`).
    ///
    /// - Throws: `missing-scope`; `validation-failed` on `name` when empty or holding NUL.
    public func defineGroup(_ group: ContactGroup, as caller: Caller) async throws(ContactProblem) {
        try caller.require(.admin)
        try Self.checkGroupName(group.name)
        try await write(caller.customer) { snapshot throws(ContactProblem) in
            (snapshot.groupsByID[group.id] == group ? [] : [.groupDefined(group)], ())
        }
    }

    /// Defines or replaces a custom-field definition (scope `contacts:admin`).
    ///
    /// Values already stored are kept even if they no longer parse as the new type.
    /// - Throws: `missing-scope`; `validation-failed` on `name` (empty), `options` (a list
    ///   without options), `groupIds` (an unknown group), `type` (unknown type).
    public func defineCustomField(_ definition: CustomFieldDefinition, as caller: Caller) async throws(ContactProblem) {
        try caller.require(.admin)
        try await write(caller.customer) { snapshot throws(ContactProblem) in
            try Self.check(definition, in: snapshot)
            return (snapshot.definitionsByID[definition.id] == definition ? [] : [.definitionDefined(definition)], ())
        }
    }

    /// Creates a contact group with the next id (above every group id the customer has),
    /// allocated in turn with the customer's other writes: concurrent calls, and replicas
    /// over a ``SharedJournal``, never hand out one id twice (scope `contacts:admin`).
    ///
    /// - Returns: the new group's id.
    /// - Throws: `missing-scope`; `validation-failed` on `name`; `ids-exhausted`.
    public func createGroup(named name: String, as caller: Caller) async throws(ContactProblem) -> GroupID {
        try caller.require(.admin)
        return try await write(caller.customer) { snapshot throws(ContactProblem) in
            try Self.checkGroupName(name)  // in the queue, like every write's validation
            let id = try Self.nextID(after: snapshot.groupsByID.keys.max()?.rawValue ?? 0, kind: "contact group")
            return ([.groupDefined(ContactGroup(id: GroupID(id), name: name))], GroupID(id))
        }
    }

    /// Creates a custom-field definition with the next id, allocated like
    /// ``createGroup(named:as:)``'s (scope `contacts:admin`).
    ///
    /// - Returns: the new definition's id.
    /// - Throws: as ``defineCustomField(_:as:)``; `ids-exhausted`.
    public func createCustomField(_ draft: DefinitionDraft, as caller: Caller) async throws(ContactProblem) -> DefinitionID {
        try caller.require(.admin)
        return try await write(caller.customer) { snapshot throws(ContactProblem) in
            let id = try Self.nextID(after: snapshot.definitionsByID.keys.max()?.rawValue ?? 0, kind: "custom-field definition")
            let definition = CustomFieldDefinition(
                id: DefinitionID(id), name: draft.name, type: .init(rawValue: draft.type), options: draft.options,
                groupIds: Set(draft.groupIds.map { GroupID($0) }))
            try Self.check(definition, in: snapshot)
            return ([.definitionDefined(definition)], definition.id)
        }
    }

    /// The id after `highest`; `Int64.max` stays unused, so that `id + 1` never overflows.
    private static func nextID(after highest: Int64, kind: String) throws(ContactProblem) -> Int64 {
        guard highest < Int64.max - 1 else { throw ContactProblem(.idsExhausted, detail: "No \(kind) id is left for this customer.") }
        return max(highest, 0) + 1
    }

    private static func checkGroupName(_ name: String) throws(ContactProblem) {
        guard !TextRules.isBlank(name) else { throw .validation(["name": ["must not be empty"]]) }
        if let message = TextRules.problem(with: name, limit: nil) { throw .validation(["name": [message]]) }
    }

    private static func check(_ definition: CustomFieldDefinition, in snapshot: CustomerSnapshot) throws(ContactProblem) {
        var problems = ProblemCollector()
        if TextRules.isBlank(definition.name) { problems.add("name", "must not be empty") }
        if let message = TextRules.problem(with: definition.name, limit: nil) { problems.add("name", message) }
        for (i, option) in definition.options.enumerated() {
            if let message = TextRules.problem(with: option, limit: nil) { problems.add("options[\(i)]", message) }
        }
        let known: Set<CustomFieldDefinition.FieldType> = [.boolean, .integer, .decimal, .text, .note, .date, .time, .list, .statement, .systemList]
        if !known.contains(definition.type) { problems.add("type", "is not a known field type") }
        if definition.type == .list && definition.options.isEmpty { problems.add("options", "a list needs at least one option") }
        for group in definition.groupIds.sorted() where snapshot.groupsByID[group] == nil {
            problems.add("groupIds", "no contact group \(group) exists")
        }
        try problems.throwIfAny()
    }

    /// Sets a customer's validation policy (scope `contacts:admin`). Not journaled: a service
    /// sets policies from its configuration at start-up. Writes queued before it are
    /// validated under the old policy, writes after it under the new one.
    ///
    /// - Throws: `missing-scope`; `in-use` when enabling unique references while duplicates exist.
    public func setPolicy(_ policy: ContactPolicy, as caller: Caller) async throws(ContactProblem) {
        try caller.require(.admin)
        try await submit(caller.customer) { working throws(ContactProblem) in
            if policy.requiresUniqueReferences,
               let shared = working.byReference.firstShared(in: working.contacts)
            {
                throw ContactProblem(.inUse, detail: "Reference \"\(shared.reference)\" is used by \(shared.count) contacts.")
            }
            working.policy = policy
            return ([], ())
        }
    }
}

extension ContactDirectory {
    /// Decodes a create body strictly and creates the contact: what `POST /v1/contacts` calls.
    /// The scope is checked before the body is read (`missing-scope` before any problem of
    /// the body).
    ///
    /// - Throws: `missing-scope`; `malformed-json`, `invalid-body`; `validation-failed`;
    ///   `storage-failed`.
    public func create(json body: [UInt8], as caller: Caller) async throws(ContactProblem) -> ContactID {
        try caller.require(.write)
        return try await create(try ContactDraft(json: body), as: caller)
    }

    /// Decodes a PATCH body strictly and applies it: what `PATCH /v1/contacts/{id}` calls.
    /// The scope is checked before the body is read (`missing-scope` before any problem of
    /// the body).
    ///
    /// - Throws: `missing-scope`; `malformed-json`, `invalid-body`, `empty-patch`;
    ///   `contact-not-found`; `validation-failed`; `storage-failed`.
    public func update(_ id: ContactID, json body: [UInt8], as caller: Caller) async throws(ContactProblem) {
        try caller.require(.write)
        try await update(id, with: try ContactPatch(json: body), as: caller)
    }
}

/// One item of a bulk create that may name the id it must get.
public struct NewContact: Hashable, Sendable {
    /// The id to give the contact; the next free id when `nil`.
    public var id: ContactID?
    /// The create body.
    public var draft: ContactDraft

    public init(id: ContactID? = nil, draft: ContactDraft) {
        self.id = id
        self.draft = draft
    }
}

extension CustomerSnapshot {
    /// The id a new contact gets: `named` when it is usable (else a problem on `id` is added
    /// to `problems`, reported with the validation's), or the next free id.
    ///
    /// - Throws: `ids-exhausted` when no id is left (the next free id is `Int64.max`).
    func idForNewContact(_ named: ContactID?, problems: inout ProblemCollector) throws(ContactProblem) -> ContactID {
        guard let named else { return try nextNewContactID() }
        if named.rawValue < 1 || named.rawValue == Int64.max {
            problems.add("id", "must be between 1 and \(Int64.max - 1)")
        } else if contacts.contains(named) {
            problems.add("id", "contact \(named) already exists")
        }
        return named
    }

    /// The id of a contact created without one: above every id used so far.
    /// - Throws: `ids-exhausted` once that would be `Int64.max`.
    func nextNewContactID() throws(ContactProblem) -> ContactID {
        guard nextContactID < Int64.max else {
            throw ContactProblem(.idsExhausted, detail: "No contact id is left for this customer.")
        }
        return ContactID(nextContactID)
    }
}
