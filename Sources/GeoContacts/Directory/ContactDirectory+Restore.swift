import Geodesy
import HashTreeCollections
import SpatialIndex

extension ContactDirectory {
    /// Replaces `customer`'s state with persisted data, building every index in bulk
    /// (the R-tree with `RTree(bulkLoading:)`). Not journaled: this is how a storage layer
    /// loads what it already holds. Contacts may come in any order.
    ///
    /// The data is checked for referential integrity first (unique ids, known groups,
    /// parents and definitions, valid locations, no parent cycle); ``CustomerSnapshot/checkInvariants()``
    /// is not run, as it would double the cost of a large restore.
    ///
    /// - Parameters:
    ///   - nextContactID: the id the next created contact gets, at least; ids are never
    ///     reused, so a storage layer keeps the high-water mark of ids it ever stored (the
    ///     highest stored contact may have been removed). Ids above every restored contact
    ///     are used when this is lower.
    ///   - policy: the customer's policy; the directory's default when `nil`.
    /// - Throws: 500 `internal-error` when the data is inconsistent, or when writes of the
    ///   customer are in progress; then nothing changes.
    /// - Complexity: O(n log n).
    public func restore<S: Sequence>(customer: CustomerID, groups: [ContactGroup], definitions: [CustomFieldDefinition],
                                     contacts: S, nextContactID: Int64 = 1,
                                     policy: ContactPolicy? = nil) throws(ContactProblem)
        where S.Element == Contact
    {
        func inconsistent(_ message: String) -> ContactProblem {
            ContactProblem(.internalError, detail: "Restore of customer \(customer): \(message).")
        }
        let groupIDs = Set(groups.map(\.id))
        let definitionIDs = Set(definitions.map(\.id))
        var all: [Contact] = []
        var parentOf: [ContactID: ContactID?] = [:]
        for contact in contacts {
            guard contact.id.rawValue >= 1, contact.id.rawValue < Int64.max else {
                throw inconsistent("contact id \(contact.id) is not between 1 and \(Int64.max - 1)")
            }
            guard parentOf.updateValue(contact.parentId, forKey: contact.id) == nil else {
                throw inconsistent("duplicate contact id \(contact.id)")
            }
            guard groupIDs.contains(contact.groupId) else { throw inconsistent("contact \(contact.id) in unknown group \(contact.groupId)") }
            guard contact.location.isValid else { throw inconsistent("contact \(contact.id) has invalid location \(contact.location)") }
            for field in contact.customFields where !definitionIDs.contains(field.definitionId) {
                throw inconsistent("contact \(contact.id) has unknown custom field \(field.definitionId)")
            }
            all.append(contact)
        }
        // Parents exist and the links form a forest (iterative: chains may be very deep).
        var reachesRoot: [ContactID: Bool] = [:]  // false: on the current path
        reachesRoot.reserveCapacity(all.count)
        for contact in all where reachesRoot[contact.id] == nil {
            var path: [ContactID] = []
            var current: ContactID? = contact.id
            while let id = current, reachesRoot[id] == nil {
                guard let parent = parentOf[id] else { throw inconsistent("unknown parent \(id)") }
                reachesRoot[id] = false
                path.append(id)
                current = parent
            }
            if let id = current, reachesRoot[id] == false { throw inconsistent("parent cycle through \(id)") }
            for id in path { reachesRoot[id] = true }
        }

        var snapshot = CustomerSnapshot(customer: customer, policy: policy ?? defaultPolicy)
        for group in groups { snapshot.groupsByID[group.id] = group }
        for definition in definitions { snapshot.definitionsByID[definition.id] = definition }
        snapshot.buildIndexes(from: all)
        snapshot.nextContactID = max(snapshot.nextContactID, nextContactID)
        let tenant = tenant(customer)
        let replaced = tenant.queue.withLock { queue in
            guard !queue.leading else { return false }
            tenant.published.withLock { $0 = snapshot }
            return true
        }
        guard replaced else { throw inconsistent("writes are in progress") }
    }
}

extension CustomerSnapshot {
    /// Fills the contacts and every index from validated contacts, in bulk: one set of ids is
    /// built by insertion, then the contacts map, roots, children and (for few groups) the
    /// member sets are derived from it with structural operations (`TreeDictionary(keys:valueGenerator:)`,
    /// `TreeSet.filter`) instead of one path-copying insert per contact and index.
    mutating func buildIndexes(from all: [Contact]) {
        var byID: [ContactID: Contact] = [:]
        byID.reserveCapacity(all.count)
        var childrenOf: [ContactID: [ContactID]] = [:]
        var byGroup: [GroupID: [(ContactID, Coordinate)]] = [:]
        var locations: [(ContactID, Coordinate)] = []
        locations.reserveCapacity(all.count)
        for var contact in all {
            contact.customFields.sort { $0.definitionId < $1.definitionId }
            byID[contact.id] = contact
            if let parent = contact.parentId { childrenOf[parent, default: []].append(contact.id) }
            byGroup[contact.groupId, default: []].append((contact.id, contact.location))
            locations.append((contact.id, contact.location))
            nextContactID = max(nextContactID, contact.id.rawValue &+ 1)
            if let reference = contact.reference { byReference[reference, default: []].insert(contact.id) }
            for field in contact.customFields {
                byFieldValue[FieldValueKey(definition: field.definitionId, value: field.value), default: []].insert(contact.id)
            }
        }
        let ids = TreeSet(byID.keys)
        contacts = TreeDictionary(keys: ids) { byID[$0]! }
        rootIDs = ids.filter { byID[$0]!.parentId == nil }
        childrenByParent = TreeDictionary(keys: ids.filter { childrenOf[$0] != nil }) { TreeSet(childrenOf[$0]!) }
        for (group, entries) in byGroup {
            if byGroup.count == 1 {
                members[group] = ids
            } else if byGroup.count <= 8 {
                members[group] = ids.filter { byID[$0]!.groupId == group }
            } else {
                members[group] = TreeSet(entries.lazy.map(\.0))
            }
        }
        spatial = RTree(bulkLoading: locations)
        for (group, entries) in byGroup {
            // A group holding every contact shares the customer's tree (copy-on-write).
            groupSpatial[group] = entries.count == all.count ? spatial : RTree(bulkLoading: entries)
        }
    }
}
