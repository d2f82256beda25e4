import Geodesy
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
    ///   - policy: the customer's policy; the directory's default when `nil`.
    /// - Throws: 500 `internal-error` when the data is inconsistent; then nothing changes.
    /// - Complexity: O(n log n).
    public func restore<S: Sequence>(customer: CustomerID, groups: [ContactGroup], definitions: [CustomFieldDefinition],
                                     contacts: S, policy: ContactPolicy? = nil) throws(ContactProblem)
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
        var locations: [(ContactID, Coordinate)] = []
        locations.reserveCapacity(all.count)
        var byGroup: [GroupID: [(ContactID, Coordinate)]] = [:]
        for var contact in all {
            contact.customFields.sort { $0.definitionId < $1.definitionId }
            snapshot.contacts[contact.id] = contact
            snapshot.index(contact)
            snapshot.nextContactID = max(snapshot.nextContactID, contact.id.rawValue &+ 1)
            locations.append((contact.id, contact.location))
            byGroup[contact.groupId, default: []].append((contact.id, contact.location))
        }
        snapshot.spatial = RTree(bulkLoading: locations)
        for (group, entries) in byGroup {
            // A group holding every contact shares the customer's tree (copy-on-write).
            snapshot.groupSpatial[group] = entries.count == all.count ? snapshot.spatial : RTree(bulkLoading: entries)
        }
        let tenant = tenant(customer)
        tenant.writer.withLock { _ in
            tenant.current.withLock { $0 = snapshot }
        }
    }
}
