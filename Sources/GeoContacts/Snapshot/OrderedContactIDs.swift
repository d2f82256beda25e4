/// A persistent set of contact ids in ascending order (a ``ContactIDMap`` without values):
/// the members of a group, the roots, the children of a contact. A page of it by position or
/// after a cursor costs O(log n + page); about 9 bytes an id when filled in id order.
struct OrderedContactIDs: Sendable, Equatable, Sequence, ExpressibleByArrayLiteral {
    private var map: ContactIDMap<Void>

    init() { map = ContactIDMap() }

    /// The set of `ids`; O(n) when they are ascending.
    init<S: Sequence>(_ ids: S) where S.Element == ContactID {
        map = ContactIDMap(ids.lazy.map { ($0, ()) })
    }

    init(arrayLiteral ids: ContactID...) { self.init(ids) }

    var count: Int { map.count }
    var isEmpty: Bool { map.isEmpty }

    func contains(_ id: ContactID) -> Bool { map[id] != nil }

    /// Adds `id`; whether it was new.
    @discardableResult
    mutating func insert(_ id: ContactID) -> Bool { map.updateValue((), forKey: id) == nil }

    /// Removes `id`; whether it was there.
    @discardableResult
    mutating func remove(_ id: ContactID) -> Bool { map.removeValue(forKey: id) != nil }

    /// The ids in ascending order from position `offset` on.
    func ids(fromOffset offset: Int) -> LazyMapSequence<ContactIDMap<Void>.Iterator, ContactID> {
        map.entries(fromOffset: offset).lazy.map { $0.key }
    }

    /// The ids above `id`, ascending.
    func ids(after id: ContactID) -> LazyMapSequence<ContactIDMap<Void>.Iterator, ContactID> {
        map.entries(after: id).lazy.map { $0.key }
    }

    /// The ids in ascending order, as an array (a walk over the leaves, no iterator).
    var ascending: [ContactID] {
        var ids: [ContactID] = []
        ids.reserveCapacity(count)
        map.forEach { id, _ in ids.append(id) }
        return ids
    }

    func makeIterator() -> LazyMapSequence<ContactIDMap<Void>, ContactID>.Iterator { map.keys.makeIterator() }

    var underestimatedCount: Int { count }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.count == rhs.count && lhs.elementsEqual(rhs) }
}
