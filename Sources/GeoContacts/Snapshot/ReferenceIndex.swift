/// Which contacts have which reference: an ordered set of (hash of the reference, contact id)
/// pairs, and no strings. A lookup walks the pairs of the reference's hash and keeps the
/// contacts whose reference is the one asked for (a hash shared by two references costs a
/// comparison, never a wrong answer). About 17 bytes a contact where a hash trie of strings
/// to id sets took 84.
///
/// The hashes are the standard library's `Hasher`, seeded afresh in every process: they are
/// never stored, and input cannot aim at collisions.
struct ReferenceIndex: Sendable, Equatable {
    struct Key: Comparable, Sendable {
        var hash: Int
        var id: ContactID

        static func < (a: Key, b: Key) -> Bool { (a.hash, a.id) < (b.hash, b.id) }
    }

    private var pairs = SortedMap<Key, Void>()

    init() {}

    /// The index of `references` (contact id, reference), in O(n) expected.
    init<S: Sequence>(_ references: S) where S.Element == (ContactID, String) {
        self.init(sorted: Self.sortedKeys(references))
    }

    /// The keys of `references` (contact id, reference), in order.
    private static func sortedKeys<S: Sequence>(_ references: S) -> [(Key, Void)] where S.Element == (ContactID, String) {
        var keys = references.map { (Key(hash: hash($1), id: $0), ()) }
        sort(&keys)
        return keys
    }

    /// Sorts `keys` by (hash, id): dealt into 65,536 buckets by the hash's top 16 bits, then
    /// each bucket sorted. The hashes are uniform (seeded per process), about n / 65,536 a
    /// bucket: O(n) expected, against O(n log n) comparisons for a sort of the whole (a
    /// restart of 1M contacts spent 0.12 s there). One reference shared by m contacts is one
    /// bucket of m, sorted in O(m log m).
    static func sort(_ keys: inout [(Key, Void)]) {
        let n = keys.count
        guard n >= 1 << 14 else {
            keys.sort { $0.0 < $1.0 }
            return
        }
        let bits = 16
        // The sign bit flipped: signed order of hashes as unsigned order of buckets.
        func bucket(_ key: Key) -> Int { Int((UInt64(bitPattern: Int64(key.hash)) ^ (1 << 63)) >> UInt64(64 - bits)) }
        var starts = [Int](repeating: 0, count: (1 << bits) + 1)
        for (key, _) in keys { starts[bucket(key) + 1] += 1 }
        for b in 0..<(1 << bits) { starts[b + 1] += starts[b] }
        var next = starts
        let source = keys
        keys.withUnsafeMutableBufferPointer { target in
            for item in source {
                let b = bucket(item.0)
                target[next[b]] = item
                next[b] += 1
            }
            for b in 0..<(1 << bits) where starts[b + 1] - starts[b] > 1 {
                var run = UnsafeMutableBufferPointer(rebasing: target[starts[b]..<starts[b + 1]])
                run.sort { $0.0 < $1.0 }
            }
        }
    }

    /// The index of pairs already in order, in O(n).
    init(sorted pairs: [(Key, Void)]) {
        self.pairs = SortedMap(pairs)
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.count == rhs.count && lhs.pairs.keys.elementsEqual(rhs.pairs.keys) }

    static func hash(_ reference: String) -> Int {
        var hasher = Hasher()
        hasher.combine(reference)
        return hasher.finalize()
    }

    /// How many contacts have a reference.
    var count: Int { pairs.count }

    mutating func insert(_ reference: String, for id: ContactID) {
        pairs.updateValue((), forKey: Key(hash: Self.hash(reference), id: id))
    }

    /// Inserts every (contact id, reference) pair of `references`: sorted, then merged in
    /// one pass when they are many (``SortedMap/merge(ascending:)``).
    mutating func insert(contentsOf references: [(ContactID, String)]) {
        pairs.merge(ascending: Self.sortedKeys(references))
    }

    mutating func remove(_ reference: String, for id: ContactID) {
        pairs.removeValue(forKey: Key(hash: Self.hash(reference), id: id))
    }

    /// Whether the index holds `id` under `reference`'s hash.
    func contains(_ reference: String, for id: ContactID) -> Bool {
        pairs[Key(hash: Self.hash(reference), id: id)] != nil
    }

    /// The contacts of `contacts` whose reference is `reference`, ascending by id.
    ///
    /// - Complexity: O(log n + k) for k contacts under the reference's hash.
    func ids(of reference: String, in contacts: ContactIDMap<Contact>) -> [ContactID] {
        let hash = Self.hash(reference)
        var ids: [ContactID] = []
        for (key, _) in pairs.entries(after: Key(hash: hash, id: ContactID(.min))) {
            guard key.hash == hash else { break }
            if contacts[key.id]?.reference == reference { ids.append(key.id) }
        }
        return ids
    }

    /// A reference that two or more of `contacts` share, with how many share it.
    ///
    /// - Complexity: O(n).
    func firstShared(in contacts: ContactIDMap<Contact>) -> (reference: String, count: Int)? {
        var run: [ContactID] = []
        var runHash: Int?
        func shared() -> (String, Int)? {
            guard run.count > 1 else { return nil }
            var counts: [String: Int] = [:]
            for id in run { if let reference = contacts[id]?.reference { counts[reference, default: 0] += 1 } }
            return counts.first { $0.value > 1 }.map { ($0.key, $0.value) }
        }
        for (key, _) in pairs {
            if key.hash != runHash {
                if let found = shared() { return found }
                run.removeAll(keepingCapacity: true)
                runHash = key.hash
            }
            run.append(key.id)
        }
        return shared()
    }
}
