public import Geodesy

/// One stored point: the exact coordinate as given (for exact distances and box tests),
/// its geocentric unit vector rounded to Float (for bounds), and the element.
/// For `Element == Int64` the stride is 40 bytes.
@usableFromInline struct _Entry<Element> {
    @usableFromInline var latitude: Double
    @usableFromInline var longitude: Double
    @usableFromInline var x: Float, y: Float, z: Float
    @usableFromInline var element: Element

    @inlinable @inline(__always) init(_ element: Element, _ location: Coordinate) {
        let v = _Geometry.unitVector(location)
        latitude = location.latitude
        longitude = location.longitude
        x = Float(v.x); y = Float(v.y); z = Float(v.z)
        self.element = element
    }

    @inlinable @inline(__always) var location: Coordinate { Coordinate(latitude: latitude, longitude: longitude) }

    @inlinable @inline(__always) var box: _Box { _Box(x: x, y: y, z: z) }

    /// Squared chord from a Float query vector, in Float arithmetic (see
    /// ``_Geometry/lowerChord(floatSquared:)`` for what it bounds).
    @inlinable @inline(__always) func floatDistanceSquared(_ q: SIMD4<Float>) -> Float {
        let d = SIMD4<Float>(x, y, z, 0) - q
        let s = d * d
        return s.x + s.y + s.z
    }

    /// Squared Euclidean distance from a Double unit vector to this entry's Float vector.
    @inlinable @inline(__always) func distanceSquared(x qx: Double, y qy: Double, z qz: Double) -> Double {
        let dx = Double(x) - qx, dy = Double(y) - qy, dz = Double(z) - qz
        return dx * dx + dy * dy + dz * dz
    }
}

/// A node of the R-tree. A leaf (`level == 0`) holds entries contiguously; a branch holds
/// its children and, in a parallel collection stored as columns (``_Boxes``), their
/// bounding boxes. A node's own box lives in
/// its parent (the root's in the tree).
///
/// Copy-on-write at node granularity: a mutation replaces any node on its path that is not
/// uniquely referenced by a copy first (path copying), so trees that share nodes never see
/// each other's changes.
///
/// `@unchecked Sendable`, and why that is sound: a node's stored properties are mutated only
/// by `RTree`'s mutating methods, and only after `isKnownUniquelyReferenced` has shown that
/// the mutating tree holds the sole reference (otherwise the node is copied first). A node
/// reachable from two tree values — including one handed to another task — therefore has
/// a reference count of at least two and is never mutated again; it is immutable shared
/// data, as in the standard library's copy-on-write collections.
@usableFromInline final class _Node<Element>: @unchecked Sendable {
    /// 0 for a leaf; a branch's children are at `level - 1`.
    @usableFromInline let level: Int
    // Dynamic exclusivity checks are off for these three: every access is either a read of
    // a shared (hence immutable) node or a mutation of a node that the single mutating tree
    // holds uniquely, and no access overlaps another within the module's code.
    @exclusivity(unchecked) @usableFromInline var entries: ContiguousArray<_Entry<Element>>
    @exclusivity(unchecked) @usableFromInline var children: ContiguousArray<_Node<Element>>
    @exclusivity(unchecked) @usableFromInline var boxes: _Boxes

    @inlinable init(level: Int) {
        self.level = level
        entries = []
        children = []
        boxes = []
    }

    @inlinable init(leaf entries: ContiguousArray<_Entry<Element>>) {
        level = 0
        self.entries = entries
        children = []
        boxes = []
    }

    @inlinable init(level: Int, children: ContiguousArray<_Node<Element>>, boxes: _Boxes) {
        self.level = level
        entries = []
        self.children = children
        self.boxes = boxes
    }

    /// A shallow copy: same children (now shared), copied arrays.
    @inlinable func copy() -> _Node {
        let node = _Node(level: level)
        node.entries = entries
        node.children = children
        node.boxes = boxes
        return node
    }

    @inlinable var isLeaf: Bool { level == 0 }
    @inlinable var count: Int { level == 0 ? entries.count : children.count }

    /// The tight box of this node's content.
    @inlinable var computedBox: _Box {
        var b = _Box.empty
        if level == 0 {
            for e in entries { b.formUnion(e.box) }
        } else {
            for c in boxes { b.formUnion(c) }
        }
        return b
    }
}
extension _Entry: Sendable where Element: Sendable {}
