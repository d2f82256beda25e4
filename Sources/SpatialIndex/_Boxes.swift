/// The bounding boxes of a branch's children, stored in chunks of eight as columns: a
/// chunk is six vectors (min x, min y, min z, max x, max y, max z of eight boxes), so the
/// nearest search and ChooseSubtree test eight boxes with a few vector operations instead
/// of eight scalar loops. Lanes past `endIndex` in the last chunk hold the empty box, whose
/// squared chord from any query is +∞; they are never read as boxes.
///
/// A view of a branch's tail (see ``_Node``), valid while the node lives; every lane past
/// `endIndex`, in the node's room, holds the empty box.
@usableFromInline struct _Boxes: RandomAccessCollection, MutableCollection {
    @usableFromInline typealias Lanes = SIMD8<Float>
    /// Boxes per chunk.
    @inlinable static var width: Int { 8 }
    /// Vectors per chunk.
    @inlinable static var stride: Int { 6 }

    /// Vectors for the chunks that hold `capacity` boxes.
    @inlinable static func columnCount(capacity: Int) -> Int { (capacity + width - 1) / width * stride }

    /// The node's column storage, whose lanes past `endIndex` hold the empty box.
    @usableFromInline let columns: UnsafeMutablePointer<Lanes>
    @usableFromInline let endIndex: Int
    @inlinable var startIndex: Int { 0 }

    @inlinable init(columns: UnsafeMutablePointer<Lanes>, count: Int) {
        self.columns = columns
        self.endIndex = count
    }

    @inlinable subscript(i: Int) -> _Box {
        get {
            precondition(i >= 0 && i < endIndex, "box index out of range")
            let base = i / Self.width * Self.stride, lane = i % Self.width
            let c = columns
            return _Box(minX: c[base][lane], minY: c[base + 1][lane], minZ: c[base + 2][lane],
                        maxX: c[base + 3][lane], maxY: c[base + 4][lane], maxZ: c[base + 5][lane])
        }
        nonmutating set {
            precondition(i >= 0 && i < endIndex, "box index out of range")
            let base = i / Self.width * Self.stride, lane = i % Self.width
            let c = columns
            c[base][lane] = newValue.minX; c[base + 1][lane] = newValue.minY
            c[base + 2][lane] = newValue.minZ; c[base + 3][lane] = newValue.maxX
            c[base + 4][lane] = newValue.maxY; c[base + 5][lane] = newValue.maxZ
        }
    }

    /// Lane-wise `a < b ? b : a`, written as a lane loop that the optimizer turns into one
    /// vector max (the standard library's `pointwiseMax` is NaN-aware and stays scalar).
    @inlinable @inline(__always) static func max(_ a: Lanes, _ b: Lanes) -> Lanes {
        var r = a
        for i in 0..<Lanes.scalarCount { r[i] = a[i] < b[i] ? b[i] : a[i] }
        return r
    }

    /// Lane-wise `b < a ? b : a` (see ``max(_:_:)``).
    @inlinable @inline(__always) static func min(_ a: Lanes, _ b: Lanes) -> Lanes {
        var r = a
        for i in 0..<Lanes.scalarCount { r[i] = b[i] < a[i] ? b[i] : a[i] }
        return r
    }

    /// The smallest lane, as a lane loop (the standard library's `min()` stays scalar and slow).
    @inlinable @inline(__always) static func minimum(_ v: Lanes) -> Float {
        var m = v[0]
        for i in 1..<Lanes.scalarCount { m = v[i] < m ? v[i] : m }
        return m
    }

    /// The largest lane (see ``minimum(_:)``).
    @inlinable @inline(__always) static func maximum(_ v: Lanes) -> Float {
        var m = v[0]
        for i in 1..<Lanes.scalarCount { m = v[i] > m ? v[i] : m }
        return m
    }

    /// The number of chunks: `count` boxes rounded up to whole chunks.
    @inlinable var chunkCount: Int { (endIndex + Self.width - 1) / Self.width }

    /// Squared chords from a Float query vector to the eight boxes of chunk `chunk`, in
    /// Float arithmetic (see
    /// ``_Geometry/lowerChord(floatSquared:)`` for what they bound). Per axis the offset is
    /// q − clamp(q, lo, hi): one of 0, q − lo, q − hi, so one rounded subtraction, as
    /// max(lo − q, q − hi, 0) would be. Lanes past the last box give +∞.
    @inlinable @inline(__always)
    func floatDistancesSquared(chunk: Int, from q: SIMD4<Float>) -> Lanes {
        let base = chunk * Self.stride
        let qx = Lanes(repeating: q.x), qy = Lanes(repeating: q.y), qz = Lanes(repeating: q.z)
        let dx = qx - Self.min(Self.max(qx, columns[base]), columns[base &+ 3])
        let dy = qy - Self.min(Self.max(qy, columns[base &+ 1]), columns[base &+ 4])
        let dz = qz - Self.min(Self.max(qz, columns[base &+ 2]), columns[base &+ 5])
        return dx * dx + dy * dy + dz * dz
    }

    /// The lanes of chunk `chunk` whose box lies within `reachSquared` of `q` (by
    /// ``floatDistancesSquared(chunk:from:)``, which it returns too) as bits, lane i as bit i,
    /// lanes past the last box left out (an infinite reach would hold them).
    @inlinable @inline(__always)
    func lanes(chunk: Int, within reachSquared: Float, of q: SIMD4<Float>) -> (bits: UInt32, distancesSquared: Lanes) {
        let d2 = floatDistancesSquared(chunk: chunk, from: q)
        let boxes = Swift.min(Self.width, endIndex - chunk * Self.width)
        return (Self.lanes(d2, atMost: reachSquared) & (UInt32.max >> UInt32(32 - boxes)), d2)
    }

    /// Grows box `i` to include `box` (`self[i].formUnion(box)` in place).
    @inlinable @inline(__always) func formUnion(at i: Int, with box: _Box) {
        precondition(i >= 0 && i < endIndex, "box index out of range")
        let base = i / Self.width * Self.stride, lane = i % Self.width
        let c = columns
        c[base][lane] = Swift.min(c[base][lane], box.minX); c[base + 1][lane] = Swift.min(c[base + 1][lane], box.minY)
        c[base + 2][lane] = Swift.min(c[base + 2][lane], box.minZ); c[base + 3][lane] = Swift.max(c[base + 3][lane], box.maxX)
        c[base + 4][lane] = Swift.max(c[base + 4][lane], box.maxY); c[base + 5][lane] = Swift.max(c[base + 5][lane], box.maxZ)
    }

    /// A bit for each box of chunk `chunk` that contains `box` (lane i is bit i); lanes past
    /// the last box hold the empty box, which contains nothing.
    ///
    /// By how much each face falls short of `box`'s, the largest of the six per box: a box
    /// holds `box` where that is at most 0. Exact: for floats a − b ≤ 0 exactly when a ≤ b
    /// (gradual underflow), and the empty box's infinite faces fall short by +∞. One
    /// comparison, its mask turned into bits by vector arithmetic (``bits(of:)``), stays in
    /// vector registers; six comparisons joined with `.&` and read lane by lane compiled to
    /// scalar compares, eight a column.
    @inlinable @inline(__always) func containing(chunk: Int, _ box: _Box) -> UInt32 {
        let base = chunk * Self.stride
        let c = columns
        let low = Self.max(Self.max(c[base] - Lanes(repeating: box.minX), c[base &+ 1] - Lanes(repeating: box.minY)),
                           c[base &+ 2] - Lanes(repeating: box.minZ))
        let high = Self.max(Self.max(Lanes(repeating: box.maxX) - c[base &+ 3], Lanes(repeating: box.maxY) - c[base &+ 4]),
                            Lanes(repeating: box.maxZ) - c[base &+ 5])
        return Self.lanes(Self.max(low, high), atMost: 0)
    }

    /// A bit for each lane of `v` at most `limit` (lane i is bit i).
    @inlinable @inline(__always) static func lanes(_ v: Lanes, atMost limit: Float) -> UInt32 {
        bits(of: (v .<= Lanes(repeating: limit))._storage)
    }

    /// A bit for each lane of `mask` that is set (all ones; lane i is bit i): the lanes
    /// weighted and summed, in vector registers (a loop testing each lane stays scalar).
    @inlinable @inline(__always) static func bits(of mask: SIMD8<Int32>) -> UInt32 {
        UInt32(truncatingIfNeeded: (mask & SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)).wrappedSum())
    }

    /// Of the boxes whose bits are set in `children` (one or more), the one of least area, the
    /// first of equals: where several boxes hold a point (overlaps in dense areas), the one
    /// ChooseSubtree would pick for it, whose points lie near it more often.
    @inlinable @inline(__always) func smallest(of children: UInt64) -> Int {
        var best = children.trailingZeroBitCount
        var rest = children & (children &- 1)
        guard rest != 0 else { return best }
        var smallest = self[best].area
        while rest != 0 {
            let i = rest.trailingZeroBitCount
            rest &= rest &- 1
            let area = self[i].area
            if area < smallest { smallest = area; best = i }
        }
        return best
    }

    /// The box of all the boxes, reduced chunk by chunk (lanes past the last box are empty).
    @inlinable var union: _Box {
        var lo = (Lanes(repeating: .infinity), Lanes(repeating: .infinity), Lanes(repeating: .infinity))
        var hi = (Lanes(repeating: -.infinity), Lanes(repeating: -.infinity), Lanes(repeating: -.infinity))
        for chunk in 0..<chunkCount {
            let base = chunk * Self.stride
            lo.0 = Self.min(lo.0, columns[base]); lo.1 = Self.min(lo.1, columns[base &+ 1])
            lo.2 = Self.min(lo.2, columns[base &+ 2]); hi.0 = Self.max(hi.0, columns[base &+ 3])
            hi.1 = Self.max(hi.1, columns[base &+ 4]); hi.2 = Self.max(hi.2, columns[base &+ 5])
        }
        return _Box(minX: Self.minimum(lo.0), minY: Self.minimum(lo.1), minZ: Self.minimum(lo.2),
                    maxX: Self.maximum(hi.0), maxY: Self.maximum(hi.1), maxZ: Self.maximum(hi.2))
    }

    /// For the eight boxes of chunk `chunk`: their half surface areas in Float
    /// (xy + yz + zx), and how much each grows to include `box`.
    @inlinable @inline(__always)
    func floatAreaGrowth(chunk: Int, including box: _Box)
        -> (area: Lanes, growth: Lanes)
    {
        let base = chunk * Self.stride
        let minX = columns[base], minY = columns[base &+ 1], minZ = columns[base &+ 2]
        let maxX = columns[base &+ 3], maxY = columns[base &+ 4], maxZ = columns[base &+ 5]
        let dx = maxX - minX, dy = maxY - minY, dz = maxZ - minZ
        let area = dx * dy + dy * dz + dz * dx
        let ux = Self.max(maxX, Lanes(repeating: box.maxX)) - Self.min(minX, Lanes(repeating: box.minX))
        let uy = Self.max(maxY, Lanes(repeating: box.maxY)) - Self.min(minY, Lanes(repeating: box.minY))
        let uz = Self.max(maxZ, Lanes(repeating: box.maxZ)) - Self.min(minZ, Lanes(repeating: box.minZ))
        return (area, (ux * uy + uy * uz + uz * ux) - area)
    }
}
