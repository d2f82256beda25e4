import HashTreeCollections

/// The contacts under one key of an attribute index where one contact per key is the usual
/// case (references): one id held inline, more in a persistent set. A `TreeSet` of one
/// element costs a heap node of its own; with a million unique references that is most of
/// the index.
struct ContactIDSet: Hashable, Sendable, Sequence, ExpressibleByArrayLiteral {
    private enum Storage: Hashable, Sendable {
        case none
        case one(ContactID)
        case many(TreeSet<ContactID>)
    }

    private var storage: Storage

    init(arrayLiteral ids: ContactID...) {
        storage = .none
        for id in ids { insert(id) }
    }

    var count: Int {
        switch storage {
        case .none: 0
        case .one: 1
        case .many(let set): set.count
        }
    }

    var isEmpty: Bool { count == 0 }

    func contains(_ id: ContactID) -> Bool {
        switch storage {
        case .none: false
        case .one(let only): only == id
        case .many(let set): set.contains(id)
        }
    }

    mutating func insert(_ id: ContactID) {
        switch storage {
        case .none: storage = .one(id)
        case .one(let only): if only != id { storage = .many([only, id]) }
        case .many(var set):
            storage = .none  // keep `set` uniquely referenced while it changes
            set.insert(id)
            storage = .many(set)
        }
    }

    mutating func remove(_ id: ContactID) {
        switch storage {
        case .none: return
        case .one(let only): if only == id { storage = .none }
        case .many(var set):
            storage = .none
            set.remove(id)
            if set.count == 1, let only = set.first { storage = .one(only) } else if !set.isEmpty { storage = .many(set) }
        }
    }

    func makeIterator() -> Array<ContactID>.Iterator {
        switch storage {
        case .none: [].makeIterator()
        case .one(let only): [only].makeIterator()
        case .many(let set): Array(set).makeIterator()
        }
    }
}
