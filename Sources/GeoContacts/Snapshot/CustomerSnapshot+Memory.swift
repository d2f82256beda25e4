import Geodesy
import HashTreeCollections
import SpatialIndex

extension CustomerSnapshot {
    /// Where a snapshot's memory goes: each of its structures built again, alone, from its
    /// contacts, and handed to `weigh` while it is alive (so the caller can count the heap
    /// bytes it holds, e.g. with the allocator's statistics before and after). Every structure
    /// is built as a restart builds it: the ordered maps and sets leaf by leaf in id order,
    /// the hash tries by insertion, the R-trees bulk-loaded. Strings are shared with the snapshot, so their own storage
    /// (those over 15 UTF-8 bytes) is counted by none of them. For `geocontacts stats --memory`.
    package func weighStructures(_ weigh: (_ name: String, _ build: () -> Any) -> Void) {
        let all = Array(contacts.values)
        weigh("contacts by id (B+-tree, \(MemoryLayout<Contact>.stride)-byte records inline)") {
            ContactIDMap(all.lazy.map { ($0.id, $0) })
        }
        weigh("R-tree of all locations") { RTree(bulkLoading: all.lazy.map { ($0.id, $0.location) }) }
        weigh("R-trees per group (none for a group holding all but at most \(Self.defaultOutsiderLimit) contacts: it shares the one above)") {
            var byGroup: [GroupID: [(ContactID, Coordinate)]] = [:]
            for contact in all { byGroup[contact.groupId, default: []].append((contact.id, contact.location)) }
            let dominant = Self.dominant(among: byGroup.lazy.map { ($0.key, $0.value.count) }, of: all.count,
                                         limit: Self.defaultOutsiderLimit)
            let trees = byGroup.filter { $0.key != dominant }.values.map { RTree(bulkLoading: $0) }
            let outsiders = dominant == nil ? [] : TreeSet(byGroup.filter { $0.key != dominant }.values.joined().lazy.map(\.0))
            return (trees, outsiders)
        }
        weigh("group members (id sets)") {
            var byGroup: [GroupID: [ContactID]] = [:]
            for contact in all { byGroup[contact.groupId, default: []].append(contact.id) }
            return byGroup.values.map { OrderedContactIDs($0) }
        }
        let oneGroup = Set(all.lazy.map(\.groupId)).count == 1
        weigh("roots and children (id sets; when every contact is a root, the roots share the set of a group holding them all)") {
            var childrenOf: [ContactID: [ContactID]] = [:]
            for contact in all { if let parent = contact.parentId { childrenOf[parent, default: []].append(contact.id) } }
            let roots = childrenOf.isEmpty && oneGroup ? [] : OrderedContactIDs(all.lazy.filter { $0.parentId == nil }.map(\.id))
            let children = TreeDictionary(uniqueKeysWithValues: childrenOf.lazy.map { ($0.key, OrderedContactIDs($0.value)) })
            return (roots, children)
        }
        weigh("references") {
            ReferenceIndex(all.lazy.compactMap { contact in contact.reference.map { (contact.id, $0) } })
        }
        weigh("custom-field values") {
            var byValue: TreeDictionary<FieldValueKey, TreeSet<ContactID>> = [:]
            for contact in all {
                for field in contact.customFields {
                    byValue[FieldValueKey(definition: field.definitionId, value: field.value), default: []].insert(contact.id)
                }
            }
            return byValue
        }
    }
}
