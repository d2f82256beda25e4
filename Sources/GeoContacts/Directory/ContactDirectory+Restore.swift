import Dispatch
import Geodesy
import HashTreeCollections
import SpatialIndex
import Synchronization

extension ContactDirectory {
    /// Replaces `customer`'s state with persisted data, building every index in bulk
    /// (the R-tree with `RTree(bulkLoading:)`). Not journaled: this is how a storage layer
    /// loads what it already holds.
    ///
    /// The data is checked for referential integrity first (unique ids, known groups,
    /// parents and definitions, valid locations, no parent cycle); ``CustomerSnapshot/checkInvariants()``
    /// is not run, as it would double the cost of a large restore.
    ///
    /// - Parameters:
    ///   - customer: whose state is replaced.
    ///   - groups: the customer's groups; every contact's group is one of them.
    ///   - definitions: the customer's custom-field definitions.
    ///   - records: the contacts, gathered in ascending id order for a restore in O(n) without
    ///     a copy of them (see ``ContactRecords``).
    ///   - nextContactID: the id the next created contact gets, at least; ids are never
    ///     reused, so a storage layer keeps the high-water mark of ids it ever stored (the
    ///     highest stored contact may have been removed). Ids above every restored contact
    ///     are used when this is lower.
    ///   - policy: the customer's policy; the directory's default when `nil`.
    /// - Throws: `internal-error` when the data is inconsistent, or when writes of the
    ///   customer are in progress; then nothing changes.
    /// - Complexity: O(n) for records appended in ascending id order, else O(n log n).
    public func restore(customer: CustomerID, groups: [ContactGroup], definitions: [CustomFieldDefinition],
                        records: consuming ContactRecords, nextContactID: Int64 = 1,
                        policy: ContactPolicy? = nil) throws(ContactProblem)
    {
        let snapshot = try built(customer: customer, groups: groups, definitions: definitions, records: records,
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

    /// ``restore(customer:groups:definitions:records:nextContactID:policy:)`` of `contacts`, in
    /// any order.
    public func restore<S: Sequence<Contact>>(customer: CustomerID, groups: [ContactGroup],
                                              definitions: [CustomFieldDefinition], contacts: consuming S,
                                              nextContactID: Int64 = 1, policy: ContactPolicy? = nil) throws(ContactProblem)
    {
        try restore(customer: customer, groups: groups, definitions: definitions, records: ContactRecords(contacts),
                    nextContactID: nextContactID, policy: policy)
    }

    /// A customer's snapshot built in bulk from persisted data, after the checks that
    /// ``restore(customer:groups:definitions:records:nextContactID:policy:)`` describes.
    func built(customer: CustomerID, groups: [ContactGroup], definitions: [CustomFieldDefinition],
               records: consuming ContactRecords, nextContactID: Int64, policy: ContactPolicy?) throws(ContactProblem)
        -> CustomerSnapshot
    {
        func inconsistent(_ message: String) -> ContactProblem {
            ContactProblem(.internalError, detail: "Restore of customer \(customer): \(message).")
        }
        var duplicate: ContactID?
        let map = records.builder.build { duplicate = duplicate ?? $0 }
        if let duplicate { throw inconsistent("duplicate contact id \(duplicate)") }
        // The R-trees are bulk-loaded on another core while this one checks the contacts.
        let spatial = SpatialBuild(map)

        let groupIDs = Set(groups.map(\.id))
        var knownGroup: GroupID?  // the last group found in `groupIDs`: runs of one group are common
        let definitionIDs = Set(definitions.map(\.id))
        // One pass over the map: every contact checked, and what the indexes are built from.
        var columns = RestoreColumns(count: map.count)
        try map.forEach { (id, contact) throws(ContactProblem) in
            guard id.rawValue >= 1, id.rawValue < Int64.max else {
                throw inconsistent("contact id \(id) is not between 1 and \(Int64.max - 1)")
            }
            if contact.groupId != knownGroup {
                guard groupIDs.contains(contact.groupId) else { throw inconsistent("contact \(id) in unknown group \(contact.groupId)") }
                knownGroup = contact.groupId
            }
            guard contact.location.isValid else { throw inconsistent("contact \(id) has invalid location \(contact.location)") }
            for field in contact.customFields where !definitionIDs.contains(field.definitionId) {
                throw inconsistent("contact \(id) has unknown custom field \(field.definitionId)")
            }
            columns.add(id, contact)
        }
        // Parents exist and the links form a forest (iterative: chains may be very deep).
        let ids = columns.ids
        /// Where `id` is in the ascending `ids`, if there.
        func slot(of id: ContactID) -> Int? {
            var low = 0, high = ids.count
            while low < high {
                let mid = (low + high) / 2
                if ids[mid] < id { low = mid + 1 } else { high = mid }
            }
            return low < ids.count && ids[low] == id ? low : nil
        }
        var state = [UInt8](repeating: 0, count: ids.count)  // 0 unseen, 1 on the current path, 2 reaches a root
        var path: [Int] = []
        for start in ids.indices where state[start] == 0 {
            path.removeAll(keepingCapacity: true)
            var current: Int? = start
            while let position = current, state[position] == 0 {
                state[position] = 1
                path.append(position)
                guard let parent = columns.parents[position] else { current = nil; break }
                guard let next = slot(of: parent) else { throw inconsistent("unknown parent \(parent)") }
                current = next
            }
            if let position = current, state[position] == 1 { throw inconsistent("parent cycle through \(ids[position])") }
            for position in path { state[position] = 2 }
        }

        var snapshot = CustomerSnapshot(customer: customer, policy: policy ?? defaultPolicy)
        for group in groups { snapshot.groupsByID[group.id] = group }
        for definition in definitions { snapshot.definitionsByID[definition.id] = definition }
        snapshot.buildIndexes(map, from: columns, spatial: spatial)
        snapshot.nextContactID = max(snapshot.nextContactID, nextContactID)
        return snapshot
    }
}

/// What a restore's indexes are built from, gathered in one pass over the contacts map in id
/// order (so every id list is ascending).
struct RestoreColumns {
    var ids: [ContactID] = []
    var parents: [ContactID?] = []
    var references: [(ReferenceIndex.Key, Void)] = []
    var roots: [ContactID] = []
    var groupCounts = GroupTally()
    var childrenOf: [ContactID: [ContactID]] = [:]
    var fieldValues: [(FieldValueKey, ContactID)] = []

    init(count: Int) {
        ids.reserveCapacity(count)
        parents.reserveCapacity(count)
    }

    mutating func add(_ id: ContactID, _ contact: Contact) {
        ids.append(id)
        parents.append(contact.parentId)
        if let reference = contact.reference { references.append((ReferenceIndex.Key(hash: ReferenceIndex.hash(reference), id: id), ())) }
        if let parent = contact.parentId { childrenOf[parent, default: []].append(id) } else { roots.append(id) }
        groupCounts.add(contact.groupId)
        for field in contact.customFields { fieldValues.append((FieldValueKey(definition: field.definitionId, value: field.value), id)) }
    }
}

extension CustomerSnapshot {
    /// Fills every index from the validated contacts `map` and what was gathered from it, in
    /// bulk: the ordered id sets (roots, children, members) and the reference index leaf by
    /// leaf in key order, the other maps by insertion; the R-trees come from `spatial`, built
    /// on another thread meanwhile.
    mutating func buildIndexes(_ map: ContactIDMap<Contact>, from columns: consuming RestoreColumns, spatial: SpatialBuild) {
        contacts = map
        nextContactID = max(nextContactID, (columns.ids.last?.rawValue ?? 0) &+ 1)
        let counts = columns.groupCounts.counts
        ReferenceIndex.sort(&columns.references)
        byReference = ReferenceIndex(sorted: columns.references)
        columns.references = []
        for (key, id) in columns.fieldValues { byFieldValue[key, default: []].insert(id) }
        // Every contact's id, shared (copy-on-write, like the R-tree of a group holding every
        // contact) by the roots when there is no hierarchy and by a group holding every contact.
        let allRoots = columns.roots.count == columns.ids.count
        let everyID = allRoots || counts.count == 1 ? OrderedContactIDs(columns.ids) : []
        rootIDs = allRoots ? everyID : OrderedContactIDs(columns.roots)
        childrenByParent = TreeDictionary(uniqueKeysWithValues: columns.childrenOf.lazy.map { ($0.key, OrderedContactIDs($0.value)) })
        if counts.count == 1, let group = counts.keys.first {
            members[group] = everyID
        } else {
            var byGroup: [GroupID: [ContactID]] = [:]
            map.forEach { id, contact in byGroup[contact.groupId, default: []].append(id) }
            for (group, ids) in byGroup { members[group] = OrderedContactIDs(ids) }
        }
        let built = spatial.trees()
        self.spatial = built.spatial
        dominantGroup = built.dominant
        outsiders = built.outsiders
        for (group, tree) in built.perGroup { groupSpatial[group] = tree }
    }
}

/// How many contacts each group holds, counted in runs: contacts in id order mostly come in
/// long runs of one group (a customer with one group, an import's chunk), so most additions
/// are an increment, not a dictionary lookup with its hashing.
struct GroupTally {
    private var tallied: [GroupID: Int] = [:]
    private var current: GroupID?
    private var run = 0

    mutating func add(_ group: GroupID) {
        if group == current {
            run += 1
        } else {
            flush()
            current = group
            run = 1
        }
    }

    /// Contacts per group, every group added at least once.
    var counts: [GroupID: Int] {
        var copy = self
        copy.flush()
        return copy.tallied
    }

    private mutating func flush() {
        if let current { tallied[current, default: 0] += run }
    }
}

/// A customer's R-tree and one per group, bulk-loaded from a contacts map on another thread
/// (they share nothing with the other indexes); a group holding all but a few contacts gets
/// none of its own (``CustomerSnapshot/dominantGroup``). A contact with an invalid location
/// is left out: the restore that started the build refuses it.
final class SpatialBuild: Sendable {
    typealias Trees = (spatial: RTree<ContactID>, dominant: GroupID?, outsiders: TreeSet<ContactID>,
                       perGroup: [GroupID: RTree<ContactID>])
    private let built = Mutex<Trees?>(nil)
    private let work = DispatchGroup()

    init(_ map: ContactIDMap<Contact>) {
        DispatchQueue.global().async(group: work) {
            let trees = Self.trees(of: map)
            self.built.withLock { $0 = trees }
        }
    }

    /// The trees, once built.
    func trees() -> Trees {
        work.wait()
        return built.withLock { $0 } ?? (RTree(), nil, [], [:])
    }

    private static func trees(of map: ContactIDMap<Contact>) -> Trees {
        var locations: [(ContactID, Coordinate)] = []
        locations.reserveCapacity(map.count)
        var tally = GroupTally()
        map.forEach { id, contact in
            guard contact.location.isValid else { return }
            locations.append((id, contact.location))
            tally.add(contact.groupId)
        }
        let counts = tally.counts
        let spatial = RTree(bulkLoading: locations)
        var perGroup: [GroupID: RTree<ContactID>] = [:]
        let dominant = CustomerSnapshot.dominant(among: counts.lazy.map { ($0.key, $0.value) }, of: locations.count,
                                                 limit: CustomerSnapshot.defaultOutsiderLimit)
        var partial: [GroupID: [(ContactID, Coordinate)]] = [:]
        for group in counts.keys where group != dominant { partial[group] = [] }
        var outsiders = TreeSet<ContactID>()
        if !partial.isEmpty {
            map.forEach { id, contact in
                guard contact.location.isValid, partial[contact.groupId] != nil else { return }
                partial[contact.groupId]?.append((id, contact.location))
                if dominant != nil { outsiders.insert(id) }
            }
            for (group, entries) in partial { perGroup[group] = RTree(bulkLoading: entries) }
        }
        return (spatial, dominant, outsiders, perGroup)
    }
}
