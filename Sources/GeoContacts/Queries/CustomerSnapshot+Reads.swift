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
    /// - Throws: ``ContactProblem/Code/contactNotFound``.
    public func contact(_ id: ContactID) throws(ContactProblem) -> Contact {
        guard let contact = contacts[id] else { throw .contactNotFound(id) }
        return contact
    }

    /// A page of contacts in ascending id order, optionally filtered.
    ///
    /// The smallest of the indexes that the filter names is walked in id order (every index
    /// of ids is ordered); the other filters are checked per contact.
    /// - Throws: `group-not-found` or `contact-not-found` for an unknown `groupId` or `parentId` in
    ///   the filter.
    /// - Complexity: without a filter, or with one only, O(log n + s) for a page of s, at any
    ///   page number or cursor. With several, O(log n + k) where k is the number of contacts
    ///   of the smallest named index that the walk passes (the reference index, usually one
    ///   contact a reference, is the smallest).
    public func contacts(matching filter: ContactFilter = ContactFilter(), page: PageRequest) throws(ContactProblem)
        -> Page<Contact>
    {
        if let group = filter.groupId, groupsByID[group] == nil { throw .groupNotFound(group) }
        if let parent = filter.parentId, !contacts.contains(parent) { throw .contactNotFound(parent) }
        let ids: [ContactID]
        if let reference = filter.reference {
            let holders = byReference.ids(of: reference, in: contacts)
            ids = page.ids(from: .sorted(holders), where: unmatched(filter, drivenBy: .reference))
        } else if filter.groupId != nil || filter.parentId != nil {
            let group = filter.groupId.map { members[$0] ?? [] }
            let children = filter.parentId.map { childrenByParent[$0] ?? [] }
            if let group, group.count <= children?.count ?? .max {
                ids = page.ids(from: .set(group), where: unmatched(filter, drivenBy: .group))
            } else {
                ids = page.ids(from: .set(children ?? []), where: unmatched(filter, drivenBy: .parent))
            }
        } else {
            ids = page.ids(from: .all(contacts), where: nil)
        }
        var result = Page(items: ids.map { contacts[$0]! }, request: page)
        result.next = ids.count == page.pageSize ? ids.last : nil
        return result
    }

    private enum ListingIndex { case reference, group, parent }

    /// The filters that the walked index does not already imply, as one test; `nil` when none.
    private func unmatched(_ filter: ContactFilter, drivenBy walked: ListingIndex) -> ((ContactID) -> Bool)? {
        let group = walked == .group ? nil : filter.groupId
        let parent = walked == .parent ? nil : filter.parentId
        guard group != nil || parent != nil else { return nil }
        return { id in
            guard let contact = contacts[id] else { return false }
            return (group.map { contact.groupId == $0 } ?? true) && (parent.map { contact.parentId == $0 } ?? true)
        }
    }

    /// Every contact with `reference`, ascending by id (references "should usually be unique").
    ///
    /// - Complexity: O(log n + k) for k matches.
    public func contacts(withReference reference: String) -> [Contact] {
        byReference.ids(of: reference, in: contacts).map { contacts[$0]! }
    }

    /// The customer's groups, ascending by id.
    public var groups: [ContactGroup] { groupsByID.values.sorted { $0.id < $1.id } }

    /// The group `id`.
    /// - Throws: ``ContactProblem/Code/groupNotFound``.
    public func group(_ id: GroupID) throws(ContactProblem) -> ContactGroup {
        guard let group = groupsByID[id] else { throw .groupNotFound(id) }
        return group
    }

    /// The customer's custom-field definitions, ascending by id.
    public var customFieldDefinitions: [CustomFieldDefinition] { definitionsByID.values.sorted { $0.id < $1.id } }

    /// A page of the members of `group`, ascending by id.
    /// - Throws: `group-not-found` for an unknown group.
    public func members(of group: GroupID, page: PageRequest) throws(ContactProblem) -> Page<Contact> {
        try contacts(matching: ContactFilter(groupId: group), page: page)
    }

    /// How many contacts `group` has.
    /// - Throws: `group-not-found` for an unknown group.
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
    /// - Throws: `group-not-found` for an unknown group.
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
}
