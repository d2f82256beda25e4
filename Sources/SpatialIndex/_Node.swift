import Geodesy

/// One stored point: the exact coordinate as given (for exact distances and box tests),
/// its geocentric unit vector rounded to Float (for bounds), and the element.
/// For `Element == Int64` the stride is 40 bytes.
struct _Entry<Element> {
    var latitude: Double
    var longitude: Double
    var x: Float, y: Float, z: Float
    var element: Element

    @inline(__always)
    init(_ element: Element, _ location: Coordinate) {
        let v = _Geometry.unitVector(location)
        latitude = location.latitude
        longitude = location.longitude
        x = Float(v.x); y = Float(v.y); z = Float(v.z)
        self.element = element
    }

    @inline(__always)
    var location: Coordinate { Coordinate(latitude: latitude, longitude: longitude) }

    @inline(__always)
    var box: _Box { _Box(x: x, y: y, z: z) }

    /// Squared Euclidean distance from a Double unit vector to this entry's Float vector.
    @inline(__always)
    func distanceSquared(x qx: Double, y qy: Double, z qz: Double) -> Double {
        let dx = Double(x) - qx, dy = Double(y) - qy, dz = Double(z) - qz
        return dx * dx + dy * dy + dz * dz
    }
}

/// A node of the R-tree. A leaf (`level == 0`) holds entries contiguously; a branch holds
/// its children and, in a parallel array, their bounding boxes. A node's own box lives in
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
final class _Node<Element>: @unchecked Sendable {
    /// 0 for a leaf; a branch's children are at `level - 1`.
    let level: Int
    var entries: ContiguousArray<_Entry<Element>>
    var children: ContiguousArray<_Node<Element>>
    var boxes: ContiguousArray<_Box>

    init(level: Int) {
        self.level = level
        entries = []
        children = []
        boxes = []
    }

    init(leaf entries: ContiguousArray<_Entry<Element>>) {
        level = 0
        self.entries = entries
        children = []
        boxes = []
    }

    init(level: Int, children: ContiguousArray<_Node<Element>>, boxes: ContiguousArray<_Box>) {
        self.level = level
        entries = []
        self.children = children
        self.boxes = boxes
    }

    /// A shallow copy: same children (now shared), copied arrays.
    func copy() -> _Node {
        let node = _Node(level: level)
        node.entries = entries
        node.children = children
        node.boxes = boxes
        return node
    }

    var isLeaf: Bool { level == 0 }
    var count: Int { level == 0 ? entries.count : children.count }

    /// The tight box of this node's content.
    var computedBox: _Box {
        var b = _Box.empty
        if level == 0 {
            for e in entries { b.formUnion(e.box) }
        } else {
            for c in boxes { b.formUnion(c) }
        }
        return b
    }
}
