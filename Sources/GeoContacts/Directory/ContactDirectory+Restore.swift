import Geodesy
import SpatialIndex

extension ContactDirectory {
    /// Replaces `customer`'s state with persisted data, building every index in bulk
    /// (the R-tree with `RTree(bulkLoading:)`). Not journaled: this is how a storage layer
    /// loads what it already holds. Contacts may come in any order.
    ///
    /// - Parameters:
    ///   - policy: the customer's policy; the directory's default when `nil`.
    /// - Throws: 500 `internal-error` when the data is inconsistent (a duplicate id, an
    ///   unknown group, parent or definition, an invalid location, a parent cycle); then
    ///   nothing changes.
    /// - Complexity: O(n log n).
    public func restore<S: Sequence>(customer: CustomerID, groups: [ContactGroup], definitions: [CustomFieldDefinition],
                                     contacts: S, policy: ContactPolicy? = nil) throws(ContactProblem)
        where S.Element == Contact
    {
        var snapshot = CustomerSnapshot(customer: customer, policy: policy ?? defaultPolicy)
        for group in groups { snapshot.groupsByID[group.id] = group }
        for definition in definitions { snapshot.definitionsByID[definition.id] = definition }
        var locations: [(ContactID, Coordinate)] = []
        for contact in contacts {
            guard snapshot.contacts[contact.id] == nil else {
                throw ContactProblem(.internalError, detail: "Restore: duplicate contact id \(contact.id).")
            }
            var sorted = contact
            sorted.customFields.sort { $0.definitionId < $1.definitionId }
            snapshot.contacts[contact.id] = sorted
            snapshot.index(sorted)
            snapshot.nextContactID = max(snapshot.nextContactID, contact.id.rawValue &+ 1)
            locations.append((contact.id, contact.location))
        }
        snapshot.spatial = RTree(bulkLoading: locations)
        do {
            try snapshot.checkInvariants()
        } catch {
            throw ContactProblem(.internalError, detail: "Restore: inconsistent data: \(error)")
        }
        let tenant = tenant(customer)
        tenant.writer.withLock { _ in
            tenant.current.withLock { $0 = snapshot }
        }
    }
}
