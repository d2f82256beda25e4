/// The bounding boxes of a branch's children, stored in chunks of eight as columns: a
/// chunk is six vectors (min x, min y, min z, max x, max y, max z of eight boxes), so the
/// nearest search and ChooseSubtree test eight boxes with a few vector operations instead
/// of eight scalar loops. Lanes past `endIndex` in the last chunk hold the empty box, whose
/// squared chord from any query is +∞; they are never read as boxes.
///
/// A collection of ``_Box`` like the array it replaces; 16 boxes take 384 bytes either way.
@usableFromInline struct _Boxes: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral, Sendable {
    @usableFromInline typealias Lanes = SIMD8<Float>
    /// Boxes per chunk.
    @inlinable static var width: Int { 8 }
    /// Vectors per chunk.
    @inlinable static var stride: Int { 6 }

    @usableFromInline var columns: ContiguousArray<Lanes>
    @usableFromInline var endIndex: Int
    @inlinable var startIndex: Int { 0 }

    @inlinable init() {
        columns = []
        endIndex = 0
    }

    @inlinable init(arrayLiteral boxes: _Box...) {
        self.init()
        reserveCapacity(boxes.count)
        for b in boxes { append(b) }
    }

    @inlinable mutating func reserveCapacity(_ n: Int) {
        columns.reserveCapacity((n + Self.width - 1) / Self.width * Self.stride)
    }

    /// Bytes held by the column storage (its capacity), for memory accounting.
    @inlinable var allocatedBytes: Int { columns.capacity * MemoryLayout<Lanes>.stride }

    @inlinable subscript(i: Int) -> _Box {
        get {
            precondition(i >= 0 && i < endIndex, "box index out of range")
            let base = i / Self.width * Self.stride, lane = i % Self.width
            return columns.withUnsafeBufferPointer { c in
                _Box(minX: c[base][lane], minY: c[base + 1][lane], minZ: c[base + 2][lane],
                     maxX: c[base + 3][lane], maxY: c[base + 4][lane], maxZ: c[base + 5][lane])
            }
        }
        set {
            precondition(i >= 0 && i < endIndex, "box index out of range")
            let base = i / Self.width * Self.stride, lane = i % Self.width
            columns.withUnsafeMutableBufferPointer { c in
                c[base][lane] = newValue.minX; c[base + 1][lane] = newValue.minY
                c[base + 2][lane] = newValue.minZ; c[base + 3][lane] = newValue.maxX
                c[base + 4][lane] = newValue.maxY; c[base + 5][lane] = newValue.maxZ
            }
        }
    }

    @inlinable mutating func append(_ b: _Box) {
        if endIndex % Self.width == 0 {
            // Room for exactly one more chunk (doubling would leave spare vectors in most
            // branches), filled one vector at a time (an array literal would be an allocation).
            columns.reserveCapacity(columns.count + Self.stride)
            let empty = _Box.empty
            columns.append(Lanes(repeating: empty.minX))
            columns.append(Lanes(repeating: empty.minY))
            columns.append(Lanes(repeating: empty.minZ))
            columns.append(Lanes(repeating: empty.maxX))
            columns.append(Lanes(repeating: empty.maxY))
            columns.append(Lanes(repeating: empty.maxZ))
        }
        endIndex += 1
        self[endIndex - 1] = b
    }

    @inlinable mutating func remove(at i: Int) {
        precondition(i >= 0 && i < endIndex, "box index out of range")
        for j in i..<(endIndex - 1) { self[j] = self[j + 1] }
        self[endIndex - 1] = .empty
        endIndex -= 1
        if endIndex % Self.width == 0 { columns.removeLast(Self.stride) }
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

    /// For the eight boxes of chunk `chunk`: their half surface areas in Float
    /// (xy + yz + zx), and how much each grows to include `box`.
    @inlinable @inline(__always)
    static func floatAreaGrowth(_ columns: UnsafeBufferPointer<Lanes>, chunk: Int, including box: _Box)
        -> (area: Lanes, growth: Lanes)
    {
        let base = chunk * stride
        let minX = columns[base], minY = columns[base &+ 1], minZ = columns[base &+ 2]
        let maxX = columns[base &+ 3], maxY = columns[base &+ 4], maxZ = columns[base &+ 5]
        let dx = maxX - minX, dy = maxY - minY, dz = maxZ - minZ
        let area = dx * dy + dy * dz + dz * dx
        let ux = max(maxX, Lanes(repeating: box.maxX)) - min(minX, Lanes(repeating: box.minX))
        let uy = max(maxY, Lanes(repeating: box.maxY)) - min(minY, Lanes(repeating: box.minY))
        let uz = max(maxZ, Lanes(repeating: box.maxZ)) - min(minZ, Lanes(repeating: box.minZ))
        return (area, (ux * uy + uy * uz + uz * ux) - area)
    }
}
