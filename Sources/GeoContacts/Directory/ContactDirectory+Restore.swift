import Dispatch
import Geodesy
import HashTreeCollections
import SpatialIndex
import Synchronization

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
        let snapshot = try built(customer: customer, groups: groups, definitions: definitions, contacts: contacts,
                                 nextContactID: nextContactID, policy: policy)
        let tenant = tenant(customer)
        let replaced = tenant.queue.withLock { queue in
            guard !queue.leading else { return false }
            tenant.published.withLock { $0 = snapshot }
            return true
        }
        guard replaced else {
            throw ContactProblem(.internalError, detail: "Restore of customer \(customer): writes are in progress.")
        }
    }

    /// A customer's snapshot built in bulk from persisted data, after the checks that
    /// ``restore(customer:groups:definitions:contacts:nextContactID:policy:)`` describes.
    func built<S: Sequence>(customer: CustomerID, groups: [ContactGroup], definitions: [CustomFieldDefinition],
                            contacts: S, nextContactID: Int64, policy: ContactPolicy?) throws(ContactProblem)
        -> CustomerSnapshot where S.Element == Contact
    {
        func inconsistent(_ message: String) -> ContactProblem {
            ContactProblem(.internalError, detail: "Restore of customer \(customer): \(message).")
        }
        let groupIDs = Set(groups.map(\.id))
        let definitionIDs = Set(definitions.map(\.id))
        // An array is used as it is: a second copy of every record while the caller holds the
        // first cost 160 MB of peak memory and 0.6 s when restoring 1M contacts.
        var all = contacts as? [Contact] ?? Array(contacts)
        for contact in all {
            guard contact.id.rawValue >= 1, contact.id.rawValue < Int64.max else {
                throw inconsistent("contact id \(contact.id) is not between 1 and \(Int64.max - 1)")
            }
            guard groupIDs.contains(contact.groupId) else { throw inconsistent("contact \(contact.id) in unknown group \(contact.groupId)") }
            guard contact.location.isValid else { throw inconsistent("contact \(contact.id) has invalid location \(contact.location)") }
            for field in contact.customFields where !definitionIDs.contains(field.definitionId) {
                throw inconsistent("contact \(contact.id) has unknown custom field \(field.definitionId)")
            }
        }
        guard let positions = ContactPositions(all) else {
            throw inconsistent("duplicate contact id \(ContactPositions.firstDuplicate(in: all).map { "\($0)" } ?? "")")
        }
        // Parents exist and the links form a forest (iterative: chains may be very deep).
        var state = [UInt8](repeating: 0, count: all.count)  // 0 unseen, 1 on the current path, 2 reaches a root
        var path: [Int] = []
        for start in all.indices where state[start] == 0 {
            path.removeAll(keepingCapacity: true)
            var current: Int? = start
            while let position = current, state[position] == 0 {
                state[position] = 1
                path.append(position)
                guard let parent = all[position].parentId else { current = nil; break }
                guard let next = positions[parent] else { throw inconsistent("unknown parent \(parent)") }
                current = next
            }
            if let position = current, state[position] == 1 { throw inconsistent("parent cycle through \(all[position].id)") }
            for position in path { state[position] = 2 }
        }

        var snapshot = CustomerSnapshot(customer: customer, policy: policy ?? defaultPolicy)
        for group in groups { snapshot.groupsByID[group.id] = group }
        for definition in definitions { snapshot.definitionsByID[definition.id] = definition }
        snapshot.buildIndexes(from: &all)
        snapshot.nextContactID = max(snapshot.nextContactID, nextContactID)
        return snapshot
    }
}

extension CustomerSnapshot {
    /// Fills the contacts and every index from validated contacts, in bulk: the contacts and
    /// the ordered id sets (roots, children, members) are built leaf by leaf from the contacts
    /// in id order (sorted first unless they come so, as storage reads them), the hash tries
    /// by insertion; the R-trees are bulk-loaded on another thread meanwhile.
    mutating func buildIndexes(from all: inout [Contact]) {
        if !all.indices.dropFirst().allSatisfy({ all[$0 - 1].id < all[$0].id }) { all.sort { $0.id < $1.id } }
        var byGroup: [GroupID: [(ContactID, Coordinate)]] = [:]
        var childrenOf: [ContactID: [ContactID]] = [:]
        for i in all.indices {
            if all[i].customFields.count > 1 { all[i].customFields.sort { $0.definitionId < $1.definitionId } }
            let contact = all[i]
            if let parent = contact.parentId { childrenOf[parent, default: []].append(contact.id) }
            byGroup[contact.groupId, default: []].append((contact.id, contact.location))
            nextContactID = max(nextContactID, contact.id.rawValue &+ 1)
            for field in contact.customFields {
                byFieldValue[FieldValueKey(definition: field.definitionId, value: field.value), default: []].insert(contact.id)
            }
        }
        // The spatial indexes, beside the maps (they share nothing).
        let trees = Mutex<(RTree<ContactID>, [GroupID: RTree<ContactID>])?>(nil)
        let count = all.count
        let locations = all.map { ($0.id, $0.location) }
        let grouped = byGroup
        let spatialWork = DispatchGroup()
        DispatchQueue.global().async(group: spatialWork) {
            let spatial = RTree(bulkLoading: locations)
            var perGroup: [GroupID: RTree<ContactID>] = [:]
            for (group, entries) in grouped {
                // A group holding every contact shares the customer's tree (copy-on-write).
                perGroup[group] = entries.count == count ? spatial : RTree(bulkLoading: entries)
            }
            trees.withLock { $0 = (spatial, perGroup) }
        }
        contacts = ContactIDMap(all.lazy.map { ($0.id, $0) })
        byReference = ReferenceIndex(all.lazy.compactMap { contact in contact.reference.map { (contact.id, $0) } })
        rootIDs = OrderedContactIDs(all.lazy.filter { $0.parentId == nil }.map(\.id))
        childrenByParent = TreeDictionary(uniqueKeysWithValues: childrenOf.lazy.map { ($0.key, OrderedContactIDs($0.value)) })
        for (group, entries) in byGroup { members[group] = OrderedContactIDs(entries.lazy.map(\.0)) }
        spatialWork.wait()
        if let (spatial, perGroup) = trees.withLock({ $0 }) {
            self.spatial = spatial
            for (group, tree) in perGroup { groupSpatial[group] = tree }
        }
    }
}

/// Where each contact of an array is, by id: a flat table when the ids are dense (the usual
/// case: ids grow from 1), a dictionary otherwise.
struct ContactPositions {
    private let lowest: Int64
    private let table: [Int32]
    private let dictionary: [ContactID: Int]

    /// `nil` when two contacts share an id.
    init?(_ contacts: [Contact]) {
        let ids = contacts.lazy.map(\.id.rawValue)
        let lowest = ids.min() ?? 1, highest = ids.max() ?? 0
        self.lowest = lowest
        let (span, overflow) = highest.subtractingReportingOverflow(lowest)
        if !overflow, contacts.count < Int32.max, span < Int64(contacts.count) * 4 + 1024 {
            var table = [Int32](repeating: -1, count: contacts.isEmpty ? 0 : Int(span) + 1)
            for (i, contact) in contacts.enumerated() {
                let slot = Int(contact.id.rawValue - lowest)
                guard table[slot] < 0 else { return nil }
                table[slot] = Int32(i)
            }
            self.table = table
            self.dictionary = [:]
        } else {
            var dictionary: [ContactID: Int] = [:]
            dictionary.reserveCapacity(contacts.count)
            for (i, contact) in contacts.enumerated() {
                guard dictionary.updateValue(i, forKey: contact.id) == nil else { return nil }
            }
            self.table = []
            self.dictionary = dictionary
        }
    }

    /// The position of the contact with `id`, if any.
    subscript(id: ContactID) -> Int? {
        guard table.isEmpty else {
            let (slot, overflow) = id.rawValue.subtractingReportingOverflow(lowest)
            guard !overflow, slot >= 0, slot < table.count else { return nil }
            let position = table[Int(slot)]
            return position < 0 ? nil : Int(position)
        }
        return dictionary[id]
    }

    /// The first id that occurs twice (for the error message).
    static func firstDuplicate(in contacts: [Contact]) -> ContactID? {
        var seen = Set<ContactID>()
        return contacts.first { !seen.insert($0.id).inserted }?.id
    }
}
