/// The contacts by id, and the ordered id sets beside them.
typealias ContactIDMap<Value: Sendable> = SortedMap<ContactID, Value>

/// A persistent map ordered by key (contact ids; reference hashes with ids): a B+-tree whose
/// nodes are shared between copies and copied on write along the changed path only (path copying),
/// like the hash tries beside it, but
/// - ordered: a page of the map (by position or after a key) costs O(log n + page), where a
///   hash trie must look at every entry;
/// - compact: values sit in leaves of about 4 KiB filled to the brim when built in bulk or
///   appended in id order (as ids are handed out), with a few bytes of nodes per entry where
///   a hash trie spends tens;
/// - built in O(n) from ascending entries (a restart).
///
/// Every node knows how many entries lie below it, so skipping to a position costs
/// O(fanout · depth). The depth is ⌈log₆₄(n / leaf size)⌉ + 1: the recursion in the
/// mutating operations is bounded by it, never by input.
struct SortedMap<Key: Comparable & Sendable, Value: Sendable>: Sendable {
    typealias Node = SortedMapNode<Key, Value>

    private var root: Node?

    /// An empty map.
    init() {}

    /// The map of `entries`; O(n) when they come in ascending order (filling each leaf as it
    /// goes, with no copy of the entries), O(n log n) otherwise. A later entry with the same
    /// key replaces an earlier one, and is reported to `replaced`.
    init<S: Sequence>(_ entries: S, replaced: (Key) -> Void = { _ in }) where S.Element == (Key, Value) {
        var builder = Builder()
        for (key, value) in entries { builder.append(value, for: key) }
        self = builder.build(replaced: replaced)
    }

    /// Gathers entries for a map, leaf by leaf as they come in ascending key order (a restart
    /// reading a table in key order): each value goes straight into the leaf it stays in,
    /// without a copy. An entry out of order (or a repeated key) is set aside and stored by
    /// ``SortedMap/updateValue(_:forKey:)`` when the map is built, after every entry before it.
    struct Builder: Sendable {
        private var leaves: [Node] = []
        private var keys: [Key] = []
        private var values: [Value] = []
        private var unordered: [(Key, Value)] = []
        /// How many entries were appended (repeated keys included).
        private(set) var count = 0

        init() {}

        private var lastKey: Key? { keys.last ?? leaves.last?.keys.last }

        mutating func append(_ value: consuming Value, for key: Key) {
            count += 1
            if let last = lastKey, key <= last {
                unordered.append((key, value))
                return
            }
            if keys.isEmpty {
                keys.reserveCapacity(Node.leafCapacity)
                values.reserveCapacity(Node.leafCapacity)
            }
            keys.append(key)
            values.append(value)
            if keys.count == Node.leafCapacity { closeLeaf() }
        }

        /// Appends every entry of `other`, which were gathered after this one's: its leaves are
        /// taken as they are when its keys all lie above this one's.
        mutating func append(contentsOf other: consuming Builder) {
            var other = other
            other.closeLeaf()
            let total = count + other.count
            if let first = other.leaves.first?.keys.first, lastKey.map({ first > $0 }) ?? true {
                closeLeaf()
                leaves += other.leaves
            } else {
                for leaf in other.leaves {
                    for i in leaf.keys.indices { append(leaf.values[i], for: leaf.keys[i]) }
                }
            }
            for (key, value) in other.unordered { append(value, for: key) }
            count = total
        }

        private mutating func closeLeaf() {
            guard !keys.isEmpty else { return }
            leaves.append(Node(keys: keys, values: values))
            keys = []
            values = []
        }

        /// The map; each repeated key's later value replaced the earlier one and was reported to `replaced`.
        consuming func build(replaced: (Key) -> Void = { _ in }) -> SortedMap {
            closeLeaf()
            var map = SortedMap()
            map.root = Node.tree(over: leaves)
            leaves = []
            for (key, value) in unordered {
                if map.updateValue(value, forKey: key) != nil { replaced(key) }
            }
            return map
        }
    }

    /// How many entries the map holds.
    var count: Int { root?.count ?? 0 }

    var isEmpty: Bool { count == 0 }

    /// The value stored for `key`; setting `nil` removes it.
    subscript(key: Key) -> Value? {
        get {
            guard let (leaf, index) = position(of: key) else { return nil }
            return leaf.values[index]
        }
        set {
            if let newValue { updateValue(newValue, forKey: key) } else { removeValue(forKey: key) }
        }
    }

    /// Whether `key` is stored: a lookup that copies no value out (a contact is ~170 bytes
    /// whose strings a copy retains and releases).
    func contains(_ key: Key) -> Bool { position(of: key) != nil }

    /// The leaf holding `key` and its index there, if `key` is stored.
    private func position(of key: Key) -> (leaf: Node, index: Int)? {
        guard var node = root else { return nil }
        while !node.isLeaf { node = node.children[node.route(key)] }
        let (found, index) = node.search(key)
        return found ? (node, index) : nil
    }

    /// Stores `value` for `key`; returns the value it replaced, if any.
    @discardableResult
    mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        guard root != nil else {
            root = Node(keys: [key], values: [value])
            return nil
        }
        if !isKnownUniquelyReferenced(&root), let shared = root { root = shared.copy(reserving: 1) }
        guard let node = root else { return nil }
        let (old, split) = Node.insert(value, for: key, into: node)
        if let split {
            root = Node(keys: [node.keys[0], split.keys[0]], children: [node, split], count: node.count + split.count)
        }
        return old
    }

    /// Stores every entry of `entries`, which come in ascending key order without a repeated
    /// key, replacing the values of keys already present.
    ///
    /// Many entries beside the map's size (a bulk import's chunk into a reference index) are
    /// merged in one pass that builds the map again, O(n + m): m insertions at random places
    /// would each shift half a 4 KiB leaf and copy a path. A few are inserted one by one.
    mutating func merge(ascending entries: [(Key, Value)]) {
        guard entries.count * 8 >= count else {
            for (key, value) in entries { updateValue(value, forKey: key) }
            return
        }
        var builder = Builder()
        var incoming = entries.makeIterator()
        var next = incoming.next()
        forEach { key, value in
            while let (newKey, newValue) = next, newKey <= key {
                builder.append(newValue, for: newKey)
                next = incoming.next()
                if newKey == key { return }
            }
            builder.append(value, for: key)
        }
        while let (key, value) = next {
            builder.append(value, for: key)
            next = incoming.next()
        }
        self = builder.build()
    }

    /// Removes the entry of `key`; returns its value, or `nil` when there was none.
    @discardableResult
    mutating func removeValue(forKey key: Key) -> Value? {
        guard self[key] != nil else { return nil }  // a miss copies no node
        if !isKnownUniquelyReferenced(&root), let shared = root { root = shared.copy(reserving: 0) }
        guard let node = root else { return nil }
        let old = Node.remove(key, from: node)
        while let node = root, !node.isLeaf, node.children.count == 1 { root = node.children[0] }
        if root?.count == 0 { root = nil }
        return old
    }

    /// The entries in ascending order, from position `offset` on (0: the first).
    func entries(fromOffset offset: Int) -> Iterator {
        Iterator(root: root, start: .offset(offset))
    }

    /// The entries with keys above `key`, in ascending order.
    func entries(after key: Key) -> Iterator {
        Iterator(root: root, start: .after(key))
    }

    /// Calls `body` with every entry in ascending order, without copying the values out (a
    /// walk over a restart's million contacts; the iterator hands out copies).
    func forEach<E: Error>(_ body: (Key, Value) throws(E) -> Void) throws(E) {
        guard let root else { return }
        try Node.walk(root, body)
    }

    /// How many value slots the leaves have allocated, and how many leaves there are (for
    /// tests of the room the map keeps).
    var leafStorage: (slots: Int, leaves: Int) {
        guard let root else { return (0, 0) }
        var slots = 0, leaves = 0
        var pending = [root]
        while let node = pending.popLast() {
            if node.isLeaf { slots += node.values.capacity; leaves += 1 } else { pending += node.children }
        }
        return (slots, leaves)
    }

    /// The keys in ascending order.
    var keys: LazyMapSequence<Self, Key> { lazy.map { $0.key } }

    /// The values in ascending order of their keys.
    var values: LazyMapSequence<Self, Value> { lazy.map { $0.value } }
}

extension SortedMap: Sequence {
    typealias Element = (key: Key, value: Value)

    func makeIterator() -> Iterator { Iterator(root: root, start: .offset(0)) }

    var underestimatedCount: Int { count }

    /// An in-order walk: the current leaf and position, and the branches above it (none, so
    /// no allocation, when the whole map is one leaf, as small id sets are).
    struct Iterator: IteratorProtocol, Sequence {
        enum Start { case offset(Int), after(Key) }

        private var branches: [(node: Node, index: Int)] = []
        private var leaf: Node?
        private var index = 0

        init(root: Node?, start: Start) {
            guard var node = root else { return }
            switch start {
            case .offset(var offset):
                guard offset >= 0, offset < node.count else { return }
                while !node.isLeaf {
                    var i = 0
                    while offset >= node.children[i].count { offset -= node.children[i].count; i += 1 }
                    descend(from: node, to: i)
                    node = node.children[i]
                }
                leaf = node
                index = offset
            case .after(let key):
                while !node.isLeaf {
                    let i = node.route(key)
                    descend(from: node, to: i)
                    node = node.children[i]
                }
                let (found, at) = node.search(key)
                leaf = node
                index = found ? at + 1 : at
                if index >= node.keys.count { nextLeaf() }
            }
        }

        private mutating func descend(from branch: Node, to child: Int) {
            if branches.isEmpty { branches.reserveCapacity(8) }
            branches.append((branch, child))
        }

        /// Moves to the first entry of the next leaf, or to the end.
        private mutating func nextLeaf() {
            leaf = nil
            index = 0
            while let last = branches.last {
                let next = last.index + 1
                guard next < last.node.children.count else {
                    branches.removeLast()
                    continue
                }
                branches[branches.count - 1].index = next
                var node = last.node.children[next]
                while !node.isLeaf {
                    branches.append((node, 0))
                    node = node.children[0]
                }
                leaf = node
                return
            }
        }

        mutating func next() -> Element? {
            guard let leaf, index < leaf.keys.count else { return nil }
            let element = (key: leaf.keys[index], value: leaf.values[index])
            index += 1
            if index == leaf.keys.count { nextLeaf() }
            return element
        }
    }
}

extension SortedMap: Equatable where Value: Equatable {
    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs) { $0.key == $1.key && $0.value == $1.value }
    }
}

/// A node of ``SortedMap``: a leaf holds keys and values, a branch its children and each
/// child's smallest key (a lower bound of it after removals, always above the child before).
///
/// `@unchecked Sendable`, and why that is sound: a node is mutated only by the map's
/// mutating methods, and only after `isKnownUniquelyReferenced` has shown that the mutating
/// map holds the sole reference (otherwise it is copied first). A node that two map values
/// share has a reference count of at least two and is never mutated again.
final class SortedMapNode<Key: Comparable & Sendable, Value: Sendable>: @unchecked Sendable {
    // Dynamic exclusivity checks are off for these: every access is either a read of a
    // shared (hence immutable) node or a change of a node that the single mutating map holds
    // uniquely, and no access overlaps another (as in the R-tree's nodes).
    /// The entries in this subtree.
    @exclusivity(unchecked) var count: Int
    @exclusivity(unchecked) var keys: [Key]
    /// A leaf's values, parallel to `keys`.
    @exclusivity(unchecked) var values: [Value]
    /// A branch's children, parallel to `keys`; empty in a leaf.
    @exclusivity(unchecked) var children: [SortedMapNode]

    /// About 4 KiB of values a leaf (16…256 entries).
    static var leafCapacity: Int { max(16, min(256, 4096 / max(1, MemoryLayout<Value>.stride))) }
    static var branchCapacity: Int { 64 }

    init(keys: [Key], values: [Value]) {
        self.keys = keys
        self.values = values
        self.children = []
        self.count = keys.count
    }

    init(keys: [Key], children: [SortedMapNode], count: Int) {
        self.keys = keys
        self.values = []
        self.children = children
        self.count = count
    }

    var isLeaf: Bool { children.isEmpty }

    /// A copy with room for `extra` more entries or children (the node's arrays are copied
    /// at their exact size: a path-copying write allocates no slack).
    func copy(reserving extra: Int) -> SortedMapNode {
        func exact<T>(_ array: [T]) -> [T] {
            guard !array.isEmpty else { return [] }
            var copy: [T] = []
            copy.reserveCapacity(array.count + extra)
            copy.append(contentsOf: array)
            return copy
        }
        if isLeaf { return SortedMapNode(keys: exact(keys), values: exact(values)) }
        return SortedMapNode(keys: exact(keys), children: exact(children), count: count)
    }

    /// In a leaf: whether `key` is there, and where it is or would go.
    func search(_ key: Key) -> (found: Bool, index: Int) {
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < key { low = mid + 1 } else { high = mid }
        }
        return (low < keys.count && keys[low] == key, low)
    }

    /// In a branch: the child whose range holds `key` (the last one starting at or below it).
    func route(_ key: Key) -> Int {
        var low = 1, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] <= key { low = mid + 1 } else { high = mid }
        }
        return low - 1
    }

    /// Every entry below `node` in order (recursive: the depth is the tree's, O(log n)).
    static func walk<E: Error>(_ node: SortedMapNode, _ body: (Key, Value) throws(E) -> Void) throws(E) {
        if node.isLeaf {
            for i in node.keys.indices { try body(node.keys[i], node.values[i]) }
        } else {
            for child in node.children { try walk(child, body) }
        }
    }

    /// Makes child `i` uniquely owned by this (uniquely owned) node.
    private func uniqueChild(_ i: Int, reserving extra: Int) -> SortedMapNode {
        if !isKnownUniquelyReferenced(&children[i]) { children[i] = children[i].copy(reserving: extra) }
        return children[i]
    }

    /// Inserts or replaces under a uniquely owned `node`. Returns the replaced value and, when
    /// the node overflowed, its new right sibling.
    static func insert(_ value: Value, for key: Key, into node: SortedMapNode)
        -> (old: Value?, split: SortedMapNode?)
    {
        if node.isLeaf {
            let (found, i) = node.search(key)
            if found {
                let old = node.values[i]
                node.values[i] = value
                return (old, nil)
            }
            node.makeRoom(upTo: leafCapacity)
            node.keys.insert(key, at: i)
            node.values.insert(value, at: i)
            node.count += 1
            guard node.keys.count > leafCapacity else { return (nil, nil) }
            return (nil, node.split(appending: i == node.keys.count - 1, capacity: leafCapacity))
        }
        let i = node.route(key)
        let child = node.uniqueChild(i, reserving: 1)
        let (old, split) = insert(value, for: key, into: child)
        if key < node.keys[i] { node.keys[i] = key }
        if old == nil { node.count += 1 }
        guard let split else { return (old, nil) }
        node.makeRoom(upTo: branchCapacity)
        node.keys.insert(split.keys[0], at: i + 1)
        node.children.insert(split, at: i + 1)
        guard node.children.count > branchCapacity else { return (old, nil) }
        return (old, node.split(appending: i + 1 == node.children.count - 1, capacity: branchCapacity))
    }

    /// Makes room for one more entry (or child) growing the arrays by half, never beyond what
    /// the node holds before it splits: doubling, as arrays do by themselves, would leave a
    /// node that then splits with half of its room unused for good.
    private func makeRoom(upTo capacity: Int) {
        func grow<T>(_ array: inout [T]) {
            guard array.count == array.capacity else { return }
            array.reserveCapacity(min(capacity + 1, array.count + max(1, array.count / 2)))
        }
        grow(&keys)
        if isLeaf { grow(&values) } else { grow(&children) }
    }

    /// Moves the upper part of an overfull node into a new right sibling. After an insert at
    /// the end (as contact ids are handed out, ascending) only the last entry moves, so nodes
    /// filled in key order stay full.
    private func split(appending: Bool, capacity: Int) -> SortedMapNode {
        let at = appending ? keys.count - 1 : keys.count / 2
        func tail<T>(_ array: inout [T]) -> [T] {
            var moved: [T] = []
            // Appended in order, the new node fills up: room for all of it at once.
            moved.reserveCapacity(appending ? capacity + 1 : array.count - at)
            moved.append(contentsOf: array[at...])
            array.removeSubrange(at...)
            return moved
        }
        let right: SortedMapNode
        if isLeaf {
            right = SortedMapNode(keys: tail(&keys), values: tail(&values))
        } else {
            let children = tail(&self.children)
            right = SortedMapNode(keys: tail(&keys), children: children, count: children.reduce(0) { $0 + $1.count })
        }
        count -= right.count
        return right
    }

    /// Removes `key`, which is in the subtree of the uniquely owned `node`; merges a child that
    /// fell under a quarter full into a neighbour when both fit in one node.
    static func remove(_ key: Key, from node: SortedMapNode) -> Value? {
        if node.isLeaf {
            let (found, i) = node.search(key)
            guard found else { return nil }
            node.keys.remove(at: i)
            node.count -= 1
            return node.values.remove(at: i)
        }
        let i = node.route(key)
        let child = node.uniqueChild(i, reserving: 0)
        guard let old = remove(key, from: child) else { return nil }
        node.count -= 1
        if child.count == 0 {
            node.keys.remove(at: i)
            node.children.remove(at: i)
        } else {
            node.mergeIfSparse(i)
        }
        return old
    }

    private func mergeIfSparse(_ i: Int) {
        let child = children[i]
        let capacity = child.isLeaf ? Self.leafCapacity : Self.branchCapacity
        guard child.keys.count < capacity / 4, children.count > 1 else { return }
        let left = i > 0 ? i - 1 : i, right = left + 1
        guard children[left].keys.count + children[right].keys.count <= capacity else { return }
        let into = uniqueChild(left, reserving: children[right].keys.count)
        let from = children[right]
        into.keys.append(contentsOf: from.keys)
        into.values.append(contentsOf: from.values)
        into.children.append(contentsOf: from.children)
        into.count += from.count
        keys.remove(at: right)
        children.remove(at: right)
    }

    /// The tree over `leaves` (ascending, disjoint), with full branches, built level by level.
    static func tree(over leaves: [SortedMapNode]) -> SortedMapNode? {
        var level = leaves
        while level.count > 1 {
            var above: [SortedMapNode] = []
            above.reserveCapacity(level.count / branchCapacity + 1)
            var start = 0
            while start < level.count {
                let end = min(start + branchCapacity, level.count)
                let children = Array(level[start..<end])
                above.append(SortedMapNode(keys: children.map { $0.keys[0] }, children: children,
                                              count: children.reduce(0) { $0 + $1.count }))
                start = end
            }
            level = above
        }
        return level.first
    }
}
