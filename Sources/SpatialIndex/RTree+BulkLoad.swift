public import Geodesy

extension RTree {
    /// Builds a tree from a batch, packed along Hilbert curves over the faces of the cube
    /// around the sphere (as S2 orders its cells): leaves hold consecutive runs of the curve, nodes at every level are filled evenly
    /// (never below the minimum fill), and the result is a valid dynamic tree.
    ///
    /// - Parameter entries: (element, location) pairs with valid locations.
    /// - Complexity: O(n log n).
    @inlinable public init<S: Sequence>(bulkLoading entries: S) where S.Element == (Element, Coordinate) {
        var items = ContiguousArray<_Entry<Element>>()
        items.reserveCapacity(entries.underestimatedCount)
        for (element, location) in entries { items.append(_Entry(element, location)) }
        self.init(packing: items)
    }

    /// Builds a tree from entries already made (see ``init(bulkLoading:)``).
    @inlinable init(packing items: ContiguousArray<_Entry<Element>>) {
        guard !items.isEmpty else {
            self.init()
            return
        }
        var keyed = _Hilbert.order(of: items)
        Self.orderTiesByElement(&keyed, of: items)

        // Leaves.
        var level = ContiguousArray<(_Node<Element>, _Box)>()
        for range in Self.evenRuns(of: items.count, capacity: Self.leafCapacity) {
            let leaf = _Node<Element>.make(level: 0, capacity: range.count)
            var box = _Box.empty
            for k in range {
                let e = items[keyed[k].index]
                leaf.appendEntry(e)
                box.formUnion(e.box)
            }
            if box.isPoint { leaf.recomputeElements() }  // a crowd's (see _NodeHeader.elements)
            level.append((leaf, box))
        }
        // Branches, level by level: ``bulkBranchFill`` children each, with room for just
        // them (a full one grows when an insert reaches it, as a leaf does). A level of at
        // most ``branchCapacity`` nodes goes under one root, so that no branch below it
        // falls under the minimum fill (17 nodes would make runs of 8 and 9).
        var height = 0
        while level.count > 1 {
            height += 1
            var next = ContiguousArray<(_Node<Element>, _Box)>()
            let fill = level.count <= Self.branchCapacity ? Self.branchCapacity : Self.bulkBranchFill
            for range in Self.evenRuns(of: level.count, capacity: fill) {
                let branch = _Node.branch(level: height, capacity: range.count, children: level[range])
                var box = _Box.empty
                for k in range { box.formUnion(level[k].1) }
                if box.isPoint { branch.recomputeElements() }  // a crowd's (see _NodeHeader.elements)
                next.append((branch, box))
            }
            level = next
        }
        self.init(root: level[0].0, count: items.count)
    }
}

extension RTree {
    /// Orders each run of equal keys (entries within a fraction of a metre: a crowd at one
    /// point among them) by element, so that a crowd's leaves hold ranges of elements apart
    /// (see ``_NodeHeader/elements``).
    @inlinable static func orderTiesByElement(
        _ keyed: inout ContiguousArray<(key: UInt64, index: Int)>, of items: ContiguousArray<_Entry<Element>>
    ) {
        var start = 0
        while start < keyed.count {
            var end = start + 1
            while end < keyed.count && keyed[end].key == keyed[start].key { end += 1 }
            if end - start > 32 {
                // A crowd: sorted with the standard sort (one temporary buffer for the run).
                keyed[start..<end].sort { items[$0.index].element < items[$1.index].element }
                start = end
                continue
            }
            // Insertion sort in place for the usual short runs, without an allocation each.
            var i = start + 1
            while i < end {
                let moving = keyed[i]
                let element = items[moving.index].element
                var j = i
                while j > start && items[keyed[j - 1].index].element > element {
                    keyed[j] = keyed[j - 1]
                    j -= 1
                }
                keyed[j] = moving
                i += 1
            }
            start = end
        }
    }

    /// `0..<n` cut into the fewest runs of at most `capacity`, as even as possible, so that
    /// no run falls below the minimum fill (for `n >= capacity`, each holds more than half).
    @inlinable static func evenRuns(of n: Int, capacity: Int) -> [Range<Int>] {
        let runs = (n + capacity - 1) / capacity
        return (0..<runs).map { g in (g * n / runs)..<((g + 1) * n / runs) }
    }
}

/// Keys on Hilbert curves over the six faces of the cube around the unit sphere, and the
/// radix sort that orders them.
@usableFromInline enum _Hilbert {
    /// The positions of `items` along the face curves, each with its key.
    @inlinable static func order<Element>(of items: ContiguousArray<_Entry<Element>>)
        -> ContiguousArray<(key: UInt64, index: Int)>
    {
        var keyed = ContiguousArray<(key: UInt64, index: Int)>()
        keyed.reserveCapacity(items.count)
        for i in items.indices { keyed.append((faceKey(items[i].x, items[i].y, items[i].z), i)) }
        radixSort(&keyed, keyBits: faceKeyBits)
        return keyed
    }

    /// Bits per axis of the face curves.
    @usableFromInline static let faceBits = 24

    /// A key on the cube-face Hilbert curves: the face the vector points through (the axis of
    /// its largest component, by sign) above the 2-D Hilbert index of its gnomonic (u, v) on
    /// that face. The points lie on a surface, so a 2-D curve on it keeps
    /// runs compact where a 3-D curve through the cube would cut the surface irregularly.
    @inlinable static func faceKey(_ x: Float, _ y: Float, _ z: Float) -> UInt64 {
        let ax = abs(x), ay = abs(y), az = abs(z)
        let face: UInt64, u: Float, v: Float
        if ax >= ay && ax >= az {
            face = x >= 0 ? 0 : 3; u = y / ax; v = z / ax
        } else if ay >= az {
            face = y >= 0 ? 1 : 4; u = z / ay; v = x / ay
        } else {
            face = z >= 0 ? 2 : 5; u = x / az; v = y / az
        }
        let scale = Double((1 << faceBits) - 1)
        func cell(_ w: Float) -> UInt32 {
            let t = (Double(w) + 1) / 2
            return UInt32(max(0, min(scale, (t * scale).rounded(.down))))
        }
        return face << UInt64(2 * faceBits) | hilbertIndex(cell(u), cell(v))
    }

    /// The position of cell (`a`, `b`) (each below 2^``faceBits``) on the 2-D Hilbert curve
    /// of that order: four bits of each coordinate a step through ``hilbertSteps``, from the
    /// highest (``faceBits`` is a multiple of four).
    @inlinable @inline(__always) static func hilbertIndex(_ a: UInt32, _ b: UInt32) -> UInt64 {
        hilbertSteps.withUnsafeBufferPointer { steps in
            var orientation = 0
            var index: UInt64 = 0
            var shift = UInt32(faceBits)
            while shift >= 4 {
                shift -= 4
                let chunk = Int((a >> shift) & 15) << 4 | Int((b >> shift) & 15)
                let step = steps[orientation << 8 | chunk]
                index = index << 8 | UInt64(step & 0xFF)
                orientation = Int(step >> 8)
            }
            return index
        }
    }

    /// The Hilbert curve as a state machine (the classic `xy2d` one bit at a time, unrolled
    /// to four): the entry at `orientation << 8 | a << 4 | b` (four bits of each coordinate)
    /// holds the curve's eight bits for them and, above, the orientation the finer levels
    /// are read in. An orientation is bit 0, the coordinates exchanged, and bit 1, both
    /// inverted; the two commute, so turning the curve is an exclusive or.
    @usableFromInline static let hilbertSteps: [UInt16] = {
        var steps = [UInt16](repeating: 0, count: 4 << 8)
        for start in 0..<4 {
            for chunk in 0..<256 {
                var orientation = start, bits = 0
                for level in (0..<4).reversed() {
                    var x = chunk >> (4 + level) & 1, y = chunk >> level & 1
                    if orientation & 1 != 0 { swap(&x, &y) }
                    if orientation & 2 != 0 { x ^= 1; y ^= 1 }
                    bits = bits << 2 | ((3 * x) ^ y)
                    // The lower quadrants turn the finer curve: exchanged, and inverted too on the right.
                    if y == 0 { orientation ^= x == 1 ? 3 : 1 }
                }
                steps[start << 8 | chunk] = UInt16(orientation << 8 | bits)
            }
        }
        return steps
    }()

    /// How many low bits a ``faceKey(_:_:_:)`` uses.
    @inlinable static var faceKeyBits: Int { 2 * faceBits + 3 }

    /// Sorts by key, stably: LSD radix sort on keys below 2^`keyBits`, 11 bits a pass. Every
    /// pass's counts come from one read of the items, and a pass whose digit is the same in
    /// every key (the high bits of keys from one region) is skipped.
    ///
    /// - Complexity: O(n), against O(n log n) comparisons for `sort`.
    @inlinable static func radixSort(_ items: inout ContiguousArray<(key: UInt64, index: Int)>, keyBits: Int = 64) {
        let n = items.count
        guard n > 64 else {
            items.sort { $0.key < $1.key }
            return
        }
        let bitsPerPass = 11
        let buckets = 1 << bitsPerPass
        let mask = UInt64(buckets - 1)
        let passes = (Swift.min(keyBits, 64) + bitsPerPass - 1) / bitsPerPass
        // counts[p * buckets + d]: how many keys have digit d in pass p.
        var counts = [Int](repeating: 0, count: passes * buckets)
        counts.withUnsafeMutableBufferPointer { counts in
            items.withUnsafeBufferPointer { items in
                for item in items {
                    var key = item.key
                    for p in 0..<passes {
                        counts[p * buckets + Int(key & mask)] += 1
                        key >>= UInt64(bitsPerPass)
                    }
                }
            }
        }
        var buffer = items
        for p in 0..<passes {
            let shift = UInt64(p * bitsPerPass)
            let sorted: Bool = counts.withUnsafeMutableBufferPointer { counts in
                let base = p * buckets
                var total = 0
                for d in 0..<buckets {
                    let c = counts[base + d]
                    if c == n { return true }  // one digit throughout: already in order
                    counts[base + d] = total
                    total += c
                }
                items.withUnsafeBufferPointer { source in
                    buffer.withUnsafeMutableBufferPointer { target in
                        for item in source {
                            let d = base + Int((item.key >> shift) & mask)
                            target[counts[d]] = item
                            counts[d] += 1
                        }
                    }
                }
                return false
            }
            if !sorted { swap(&items, &buffer) }
        }
    }
}
