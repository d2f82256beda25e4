import HashTreeCollections
public import Geodesy

/// Filters of a contact listing; all given ones must hold.
public struct ContactFilter: Hashable, Sendable {
    /// Only contacts of this group.
    public var groupId: GroupID?
    /// Only children of this contact.
    public var parentId: ContactID?
    /// Only contacts with this reference.
    public var reference: String?

    public init(groupId: GroupID? = nil, parentId: ContactID? = nil, reference: String? = nil) {
        self.groupId = groupId
        self.parentId = parentId
        self.reference = reference
    }
}

extension CustomerSnapshot {
    /// The contact `id`.
    ///
    /// - Throws: 404 ``ContactProblem/Code/contactNotFound``.
    public func contact(_ id: ContactID) throws(ContactProblem) -> Contact {
        guard let contact = contacts[id] else { throw .contactNotFound(id) }
        return contact
    }

    /// A page of contacts in ascending id order, optionally filtered.
    ///
    /// The smallest of the indexes that the filter names drives the scan; the others are checked
    /// per contact.
    /// - Throws: 404 for an unknown `groupId` or `parentId` in the filter.
    /// - Complexity: O(m log(p·s)) where m is the size of the smallest named index when that is
    ///   under 1/8 of the customer; otherwise (and without a filter) O(p·s) id probes while ids
    ///   are dense, as they are unless imported with ids of their own. After a cursor
    ///   (``PageRequest/after``) p is 1: O(m log s), or O(s + gaps) probes, at any depth.
    public func contacts(matching filter: ContactFilter = ContactFilter(), page: PageRequest) throws(ContactProblem)
        -> Page<Contact>
    {
        if let group = filter.groupId, groupsByID[group] == nil { throw .groupNotFound(group) }
        if let parent = filter.parentId, contacts[parent] == nil { throw .contactNotFound(parent) }
        func matches(_ c: Contact) -> Bool {
            (filter.groupId.map { c.groupId == $0 } ?? true)
                && (filter.parentId.map { c.parentId == $0 } ?? true)
                && (filter.reference.map { c.reference == $0 } ?? true)
        }
        // The smallest index set that the filter names, if any.
        var named: [TreeSet<ContactID>] = []
        if let group = filter.groupId { named.append(members[group] ?? []) }
        if let parent = filter.parentId { named.append(childrenByParent[parent] ?? []) }
        if let reference = filter.reference { named.append(TreeSet(byReference[reference] ?? [])) }
        let smallest = named.min { $0.count < $1.count }

        let ids: [ContactID]
        let large = smallest.map { $0.count * Self.denseListingFactor >= contacts.count } ?? true
        if large, let walked = pageByWalkingIDs(page, where: matches) {
            // Everything, or a large share of it, with dense ids: probe ids in order.
            ids = walked
        } else if let smallest {
            // A small set (or sparse ids): materialize it and select the page.
            let candidates = smallest.filter { matches(contacts[$0]!) }
            ids = page.slice(ofSorted: candidates, count: candidates.count)
        } else {
            ids = page.slice(ofSorted: contacts.keys, count: contacts.count)
        }
        var result = Page(items: ids.map { contacts[$0]! }, request: page)
        result.next = ids.count == page.pageSize ? ids.last : nil
        return result
    }

    /// A filtered set at least 1/`denseListingFactor` of the customer is listed by probing
    /// ids in order; a smaller one is materialized and sliced.
    static var denseListingFactor: Int { 8 }

    /// The page of the contacts that `matches`, found by probing ids 1, 2, … in order, when ids are dense
    /// (they are handed out ascending and never reused, so gaps are only removed contacts):
    /// O(offset + pageSize + gaps) lookups instead of a pass over every contact. `nil` when
    /// ids are sparse (e.g. imported with their own ids), for the general path.
    func pageByWalkingIDs(_ page: PageRequest, where matches: (Contact) -> Bool = { _ in true }) -> [ContactID]? {
        guard let offset = page.offset, offset < contacts.count else { return [] }
        let span = nextContactID - 1  // ids live in 1...span
        guard span >= 0, span <= Int64(contacts.count) * 2 else { return nil }
        var ids: [ContactID] = []
        ids.reserveCapacity(page.pageSize)
        var skipped = 0
        // After a cursor: from the id above it (none when there is none).
        var id: Int64 = 1
        if let after = page.after {
            let (above, overflow) = after.rawValue.addingReportingOverflow(1)
            guard !overflow else { return [] }
            id = max(1, above)
        }
        while id <= span && ids.count < page.pageSize {
            if let contact = contacts[ContactID(id)], matches(contact) {
                if skipped < offset { skipped += 1 } else { ids.append(ContactID(id)) }
            }
            id += 1
        }
        return ids
    }

    /// Every contact with `reference`, ascending by id (references "should usually be unique").
    ///
    /// - Complexity: O(k log k) for k matches.
    public func contacts(withReference reference: String) -> [Contact] {
        (byReference[reference] ?? []).sorted().map { contacts[$0]! }
    }

    /// The customer's groups, ascending by id.
    public var groups: [ContactGroup] { groupsByID.values.sorted { $0.id < $1.id } }

    /// The group `id`.
    /// - Throws: 404 ``ContactProblem/Code/groupNotFound``.
    public func group(_ id: GroupID) throws(ContactProblem) -> ContactGroup {
        guard let group = groupsByID[id] else { throw .groupNotFound(id) }
        return group
    }

    /// The customer's custom-field definitions, ascending by id.
    public var customFieldDefinitions: [CustomFieldDefinition] { definitionsByID.values.sorted { $0.id < $1.id } }

    /// A page of the members of `group`, ascending by id.
    /// - Throws: 404 for an unknown group.
    public func members(of group: GroupID, page: PageRequest) throws(ContactProblem) -> Page<Contact> {
        try contacts(matching: ContactFilter(groupId: group), page: page)
    }

    /// How many contacts `group` has.
    /// - Throws: 404 for an unknown group.
    public func memberCount(of group: GroupID) throws(ContactProblem) -> Int {
        guard groupsByID[group] != nil else { throw .groupNotFound(group) }
        return members[group]?.count ?? 0
    }

    /// The number of contacts in every group, ascending by group id (groups without members count 0).
    public var memberCounts: [(group: GroupID, count: Int)] {
        groups.map { ($0.id, members[$0.id]?.count ?? 0) }
    }

    /// The smallest latitude/longitude box holding every member of `group`, or `nil` if it
    /// has none. Its longitude span is the complement of the largest gap between members'
    /// longitudes, so a group straddling the antimeridian gets a box with `west > east`.
    ///
    /// - Throws: 404 for an unknown group.
    /// - Complexity: O(m log m) for m members.
    public func boundingBox(of group: GroupID) throws(ContactProblem) -> GeoBox? {
        guard groupsByID[group] != nil else { throw .groupNotFound(group) }
        guard let ids = members[group], !ids.isEmpty else { return nil }
        let locations = ids.map { contacts[$0]!.location }
        return Self.boundingBox(of: locations)
    }

    /// The smallest box around `locations`, or `nil` when there are none.
    static func boundingBox(of locations: [Coordinate]) -> GeoBox? {
        let longitudes = locations.map { $0.longitude == 180 ? -180 : $0.longitude }.sorted()
        guard let south = locations.map(\.latitude).min(), let north = locations.map(\.latitude).max(),
              let first = longitudes.first, let last = longitudes.last
        else { return nil }
        // The largest gap between consecutive longitudes (cyclically) is left out.
        var gap = first + 360 - last
        var west = first, east = last
        for i in 1..<longitudes.count where longitudes[i] - longitudes[i - 1] > gap {
            gap = longitudes[i] - longitudes[i - 1]
            west = longitudes[i]
            east = longitudes[i - 1]
        }
        return GeoBox(south: south, west: west, north: north, east: east)
    }
}

extension CustomerSnapshot {
    /// Calls `body` with every contact, in no particular order: for export and storage.
    /// - Complexity: O(n).
    public func forEachContact(_ body: (Contact) throws -> Void) rethrows {
        for (_, contact) in contacts { try body(contact) }
    }

    /// A new snapshot with `changes` applied in order, as a journal replays them.
    ///
    /// - Throws: 500 `internal-error` if a change does not fit this snapshot (a created id that
    ///   exists, an update or removal of a contact that differs from the stored one, a
    ///   reference to an unknown group, parent or definition); then nothing is applied.
    public func applying(_ changes: [ContactChange]) throws(ContactProblem) -> CustomerSnapshot {
        var next = self
        for change in changes {
            if let problem = next.problem(applying: change) {
                throw ContactProblem(.internalError, detail: "A change for customer \(customer) does not apply: \(problem).")
            }
            next.apply(change)
        }
        return next
    }

    /// Why `change` cannot be applied here, or `nil`.
    ///
    /// - Complexity: O(log n), plus O(k) for k custom fields; O(n) for the removal of a
    ///   definition (every contact is looked at) and, on a validation copy, of a group.
    func problem(applying change: ContactChange) -> String? {
        func fits(_ c: Contact) -> String? {
            if groupsByID[c.groupId] == nil { return "contact \(c.id) in unknown group \(c.groupId)" }
            if let p = c.parentId, contacts[p] == nil || p == c.id { return "contact \(c.id) has unknown parent \(p)" }
            if !c.location.isValid { return "contact \(c.id) has invalid location" }
            for f in c.customFields where definitionsByID[f.definitionId] == nil { return "unknown custom field \(f.definitionId)" }
            return nil
        }
        switch change {
        case .created(let c):
            return contacts[c.id] != nil ? "contact \(c.id) exists" : fits(c)
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
