public import Geodesy

extension RTree {
    /// Builds a tree from a batch, packed along a 3-D Hilbert curve over the unit vectors:
    /// leaves hold consecutive runs of the curve, nodes at every level are filled evenly
    /// (never below the minimum fill), and the result is a valid dynamic tree.
    ///
    /// - Parameter entries: (element, location) pairs with valid locations.
    /// - Complexity: O(n log n).
    @inlinable public init<S: Sequence>(bulkLoading entries: S) where S.Element == (Element, Coordinate) {
        var items = ContiguousArray<_Entry<Element>>()
        items.reserveCapacity(entries.underestimatedCount)
        for (element, location) in entries { items.append(_Entry(element, location)) }
        guard !items.isEmpty else {
            self.init()
            return
        }
        var keyed = ContiguousArray<(key: UInt64, index: Int)>()
        keyed.reserveCapacity(items.count)
        for i in items.indices { keyed.append((_Hilbert.key(items[i].x, items[i].y, items[i].z), i)) }
        _Hilbert.radixSort(&keyed)

        // Leaves.
        var level = ContiguousArray<(_Node<Element>, _Box)>()
        for range in Self.evenRuns(of: items.count, capacity: Self.leafCapacity) {
            var run = ContiguousArray<_Entry<Element>>()
            run.reserveCapacity(range.count)
            var box = _Box.empty
            for k in range {
                let e = items[keyed[k].index]
                run.append(e)
                box.formUnion(e.box)
            }
            level.append((_Node(leaf: run), box))
        }
        // Branches, level by level.
        var height = 0
        while level.count > 1 {
            height += 1
            var next = ContiguousArray<(_Node<Element>, _Box)>()
            for range in Self.evenRuns(of: level.count, capacity: Self.branchCapacity) {
                var children = ContiguousArray<_Node<Element>>(), boxes = ContiguousArray<_Box>()
                children.reserveCapacity(range.count)
                boxes.reserveCapacity(range.count)
                var box = _Box.empty
                for k in range {
                    children.append(level[k].0)
                    boxes.append(level[k].1)
                    box.formUnion(level[k].1)
                }
                next.append((_Node(level: height, children: children, boxes: boxes), box))
            }
            level = next
        }
        self.init(root: level[0].0, count: items.count)
    }
}

extension RTree {
    /// `0..<n` cut into the fewest runs of at most `capacity`, as even as possible, so that
    /// no run falls below the minimum fill (for `n >= capacity`, each holds more than half).
    @inlinable static func evenRuns(of n: Int, capacity: Int) -> [Range<Int>] {
        let runs = (n + capacity - 1) / capacity
        return (0..<runs).map { g in (g * n / runs)..<((g + 1) * n / runs) }
    }
}

/// Keys on a 3-D Hilbert curve of 21 bits per axis (Skilling, "Programming the Hilbert
/// curve", AIP Conf. Proc. 707, 2004).
@usableFromInline enum _Hilbert {
    @usableFromInline static let bits = 21

    @inlinable static func key(_ x: Float, _ y: Float, _ z: Float) -> UInt64 {
        let scale = Double((1 << bits) - 1)
        func cell(_ v: Float) -> UInt32 {
            let t = (Double(v) + 1) / 2
            return UInt32(max(0, min(scale, (t * scale).rounded(.down))))
        }
        var X = (cell(x), cell(y), cell(z))
        axesToTranspose(&X)
        // Interleave the transposed bits, most significant first: bit b of axis 0, 1, 2
        // lands at 3b + 2, 3b + 1, 3b.
        return spread(X.0) << 2 | spread(X.1) << 1 | spread(X.2)
    }

    /// Sorts by key, stably: LSD radix sort on the 63-bit keys, 11 bits a pass (6 passes).
    ///
    /// - Complexity: O(n), against O(n log n) comparisons for `sort`.
    @inlinable static func radixSort(_ items: inout ContiguousArray<(key: UInt64, index: Int)>) {
        let n = items.count
        guard n > 64 else {
            items.sort { $0.key < $1.key }
            return
        }
        let bitsPerPass: UInt64 = 11
        let buckets = 1 << Int(bitsPerPass)
        var buffer = items
        var counts = [Int](repeating: 0, count: buckets)
        var shift: UInt64 = 0
        while shift < 63 {
            for i in 0..<buckets { counts[i] = 0 }
            for item in items { counts[Int((item.key >> shift) & UInt64(buckets - 1))] += 1 }
            var total = 0
            for i in 0..<buckets {
                let c = counts[i]
                counts[i] = total
                total += c
            }
            for item in items {
                let digit = Int((item.key >> shift) & UInt64(buckets - 1))
                buffer[counts[digit]] = item
                counts[digit] += 1
            }
            swap(&items, &buffer)
            shift += bitsPerPass
        }
    }

    /// Spreads the low 21 bits of `v` to every third bit.
    @inlinable @inline(__always) static func spread(_ v: UInt32) -> UInt64 {
        var x = UInt64(v) & 0x1F_FFFF
        x = (x | x << 32) & 0x1F_0000_0000_FFFF
        x = (x | x << 16) & 0x1F_0000_FF00_00FF
        x = (x | x << 8) & 0x100F_00F0_0F00_F00F
        x = (x | x << 4) & 0x10C3_0C30_C30C_30C3
        x = (x | x << 2) & 0x1249_2492_4924_9249
        return x
    }

    @inlinable static func axesToTranspose(_ X: inout (UInt32, UInt32, UInt32)) {
        var (x, y, z) = X
        let m: UInt32 = 1 << UInt32(bits - 1)
        var q = m
        // Inverse undo, for axes 0, 1, 2 in turn.
        // Branch-free (the bits are random, so branches would mispredict half the time):
        // `set` is all ones where the axis has bit q, and selects "invert" over "exchange".
        while q > 1 {
            let p = q - 1
            let setX = 0 &- ((x & q) >> UInt32(q.trailingZeroBitCount))
            x ^= p & setX  // axis 0 against itself: the exchange is a no-op
            let setY = 0 &- ((y & q) >> UInt32(q.trailingZeroBitCount))
            let tY = (x ^ y) & p & ~setY
            x ^= (p & setY) ^ tY
            y ^= tY
            let setZ = 0 &- ((z & q) >> UInt32(q.trailingZeroBitCount))
            let tZ = (x ^ z) & p & ~setZ
            x ^= (p & setZ) ^ tZ
            z ^= tZ
            q >>= 1
        }
        // Gray encode.
        y ^= x
        z ^= y
        var t: UInt32 = 0
        q = m
        while q > 1 {
            if z & q != 0 { t ^= q - 1 }
            q >>= 1
        }
        X = (x ^ t, y ^ t, z ^ t)
    }
}
