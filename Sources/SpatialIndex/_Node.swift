public import CPrefetch
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

/// A node's fixed fields, kept in front of its tail storage.
@usableFromInline struct _NodeHeader<Element: Comparable> {
    /// 0 for a leaf; a branch's children are at `level - 1`.
    @usableFromInline let level: Int
    /// Entries of a leaf, children of a branch.
    @usableFromInline var count: Int
    /// Room for entries (a leaf) or children (a branch) in the tail.
    @usableFromInline let capacity: Int
    /// A range holding every element below this node, kept only while the node's box is a
    /// single point (elsewhere it may be stale and is not read); possibly wider than the
    /// elements. Boxes cannot tell apart the nodes of a crowd (many entries at one point:
    /// the same box); their ranges can, because inserts and splits keep them apart
    /// (``RTree/chooseInCrowd(_:for:at:default:within:)``), so a removal from a crowd follows one
    /// path instead of visiting every leaf of the crowd. Kept only where boxes are points, it
    /// costs the inserts elsewhere nothing. For `Int64` elements it fits in the padding
    /// before the tail: nodes do not grow.
    @usableFromInline var elements: ClosedRange<Element>?
    /// Whether every entry below this node is known to lie at one point
    /// (``_Geometry/isSamePoint(_:_:)``: one distance from anywhere), kept like ``elements``
    /// only while the box is a point; `false` when not known. A box at one Float point may
    /// hold distinct coordinates within a metre, so the box alone does not say it. With it,
    /// the nearest search prunes a crowd's nodes by one geodesic and their element ranges.
    /// In the same padding as ``elements``.
    @usableFromInline var onePoint: Bool

    @inlinable init(level: Int, count: Int, capacity: Int) {
        self.level = level
        self.count = count
        self.capacity = capacity
        self.elements = nil
        self.onePoint = false
    }
}

/// A node of the R-tree, in one allocation: the header, then the content in the tail. A
/// leaf (`level == 0`) holds its entries there contiguously; a branch holds the bounding
/// boxes of its children as columns (``_Boxes``), then the children. A node's own box lives
/// in its parent (the root's in the tree). One allocation per node, not three (object,
/// entries or children, boxes): a descent meets one cold object a level instead of two or
/// three.
///
/// A leaf's room grows by reallocation (``copy(capacity:)``, which its parent or the tree
/// does before an insert reaches it), as does a bulk-loaded branch's (room for its children
/// only) up to ``RTree/branchCapacity``; any other branch has that room from the start. The
/// extra entry or child of a node full at its capacity is handled by the split.
///
/// Copy-on-write at node granularity: a mutation replaces any node on its path that is not
/// uniquely referenced by a copy first (path copying), so trees that share nodes never see
/// each other's changes.
///
/// Why ``RTree`` may be `@unchecked Sendable` (`ManagedBuffer`, and so a node, cannot
/// conform itself): a node's header and tail are mutated only
/// by `RTree`'s mutating methods, and only after `isKnownUniquelyReferenced` has shown that
/// the mutating tree holds the sole reference (otherwise the node is copied first). A node
/// reachable from two tree values — including one handed to another task — therefore has
/// a reference count of at least two and is never mutated again; it is immutable shared
/// data, as in the standard library's copy-on-write collections.
@usableFromInline final class _Node<Element: Comparable>: ManagedBuffer<_NodeHeader<Element>, _Boxes.Lanes> {
    /// Tail units (one ``_Boxes/Lanes``, 32 bytes, each) for `capacity` entries or children.
    @inlinable static func units(level: Int, capacity: Int) -> Int {
        if level == 0 {
            return (capacity * MemoryLayout<_Entry<Element>>.stride + 31) / 32
        }
        return _Boxes.columnCount(capacity: capacity) + (capacity * MemoryLayout<_Node>.stride + 31) / 32
    }

    /// An empty node with room for `capacity` entries (a leaf) or children (a branch).
    @inlinable static func make(level: Int, capacity: Int) -> _Node {
        let buffer = create(minimumCapacity: Swift.max(1, units(level: level, capacity: capacity))) { _ in
            _NodeHeader(level: level, count: 0, capacity: capacity)
        }
        let node = unsafeDowncast(buffer, to: _Node.self)
        // The tail is allocated as vectors; a leaf's holds entries, a branch's children follow
        // its columns: bind those regions to their types before anything is stored there.
        precondition(MemoryLayout<_Entry<Element>>.alignment <= MemoryLayout<_Boxes.Lanes>.alignment,
                     "elements aligned beyond 16 bytes")
        if level == 0 {
            UnsafeMutableRawPointer(node.tail).bindMemory(to: _Entry<Element>.self, capacity: capacity)
        } else {
            UnsafeMutableRawPointer(node.tail + _Boxes.columnCount(capacity: capacity))
                .bindMemory(to: _Node.self, capacity: capacity)
            let columns = node.tail
            let empty = _Box.empty
            for chunk in 0..<(_Boxes.columnCount(capacity: capacity) / _Boxes.stride) {
                let base = columns + chunk * _Boxes.stride
                base.initialize(to: _Boxes.Lanes(repeating: empty.minX))
                (base + 1).initialize(to: _Boxes.Lanes(repeating: empty.minY))
                (base + 2).initialize(to: _Boxes.Lanes(repeating: empty.minZ))
                (base + 3).initialize(to: _Boxes.Lanes(repeating: empty.maxX))
                (base + 4).initialize(to: _Boxes.Lanes(repeating: empty.maxY))
                (base + 5).initialize(to: _Boxes.Lanes(repeating: empty.maxZ))
            }
        }
        return node
    }

    /// A leaf holding `entries`, with room for `capacity` (at least their number).
    @inlinable static func leaf<C: Collection>(_ entries: C, capacity: Int) -> _Node where C.Element == _Entry<Element> {
        let node = make(level: 0, capacity: Swift.max(capacity, entries.count))
        for e in entries { node.appendEntry(e) }
        return node
    }

    /// A branch at `level` with `children` and their boxes, with room for `capacity`.
    @inlinable static func branch(level: Int, capacity: Int, children: some Sequence<(_Node, _Box)>) -> _Node {
        let node = make(level: level, capacity: capacity)
        for (child, box) in children { node.appendChild(child, box) }
        return node
    }

    deinit {
        if level == 0 {
            _ = entryBase.deinitialize(count: count)
        } else {
            _ = childBase.deinitialize(count: count)
        }
    }

    @inlinable var tail: UnsafeMutablePointer<_Boxes.Lanes> { withUnsafeMutablePointerToElements { $0 } }

    /// The header through a pointer: `ManagedBuffer.header` is a class's stored property,
    /// whose every access would pay a dynamic exclusivity check. The tree's discipline (see
    /// above) is what keeps accesses apart.
    @inlinable var fields: UnsafeMutablePointer<_NodeHeader<Element>> { withUnsafeMutablePointerToHeader { $0 } }

    @inlinable var entryBase: UnsafeMutablePointer<_Entry<Element>> {
        UnsafeMutableRawPointer(tail).assumingMemoryBound(to: _Entry<Element>.self)
    }

    @inlinable var childBase: UnsafeMutablePointer<_Node> {
        UnsafeMutableRawPointer(tail + _Boxes.columnCount(capacity: room)).assumingMemoryBound(to: _Node.self)
    }

    @inlinable var level: Int { fields.pointee.level }
    @inlinable var isLeaf: Bool { fields.pointee.level == 0 }
    /// Entries of a leaf, children of a branch; set only by the methods below.
    @inlinable var count: Int {
        get { fields.pointee.count }
        set { fields.pointee.count = newValue }
    }
    /// Room for entries or children.
    @inlinable var room: Int { fields.pointee.capacity }

    /// A leaf's entries (empty for a branch). Valid while the node lives; change them only
    /// in a uniquely referenced node.
    @inlinable var entries: UnsafeMutableBufferPointer<_Entry<Element>> {
        UnsafeMutableBufferPointer(start: entryBase, count: isLeaf ? count : 0)
    }

    /// A branch's children (empty for a leaf); see ``entries``.
    @inlinable var children: UnsafeMutableBufferPointer<_Node> {
        isLeaf ? UnsafeMutableBufferPointer(start: nil, count: 0)
            : UnsafeMutableBufferPointer(start: childBase, count: count)
    }

    /// The boxes of a branch's children (empty for a leaf); see ``entries``.
    @inlinable var boxes: _Boxes { _Boxes(columns: tail, count: isLeaf ? 0 : count) }

    /// The range of elements below this node (see ``_NodeHeader/elements``).
    @inlinable var elements: ClosedRange<Element>? {
        get { fields.pointee.elements }
        set { fields.pointee.elements = newValue }
    }

    /// Whether every entry below is known to lie at one point (see ``_NodeHeader/onePoint``).
    @inlinable var onePoint: Bool {
        get { fields.pointee.onePoint }
        set { fields.pointee.onePoint = newValue }
    }

    /// The location of the first entry below (along first children), `nil` when empty: the
    /// point of a node at ``onePoint``. A loop over the tree's height.
    @inlinable var firstLocation: Coordinate? {
        var node = Unmanaged.passUnretained(self)
        while true {
            let (next, location): (Unmanaged<_Node>?, Coordinate?) = node._withUnsafeGuaranteedRef { n in
                if n.isLeaf { return (nil, n.count > 0 ? n.entryBase.pointee.location : nil) }
                return n.count > 0 ? (Unmanaged.passUnretained(n.childBase.pointee), nil) : (nil, nil)
            }
            guard let next else { return location }
            node = next
        }
    }

    /// Whether the first entry below lies at `location` (``_Geometry/isSamePoint(_:_:)``):
    /// for a node at ``onePoint``, whether `location` is its point.
    @inlinable func firstLies(at location: Coordinate) -> Bool {
        firstLocation.map { _Geometry.isSamePoint($0, location) } ?? false
    }

    /// Widens ``elements`` to hold `element`.
    @inlinable @inline(__always) func include(_ element: Element) {
        if let r = fields.pointee.elements {
            if element < r.lowerBound {
                fields.pointee.elements = element...r.upperBound
            } else if element > r.upperBound {
                fields.pointee.elements = r.lowerBound...element
            }
        } else {
            fields.pointee.elements = element...element
        }
    }

    /// Widens ``elements`` to hold `range`.
    @inlinable func include(_ range: ClosedRange<Element>?) {
        guard let range else { return }
        include(range.lowerBound)
        include(range.upperBound)
    }

    /// Whether ``elements`` may hold `element`.
    @inlinable @inline(__always) func mayHold(_ element: Element) -> Bool {
        fields.pointee.elements?.contains(element) ?? false
    }

    /// Sets ``elements`` to the tight range of a leaf's entries or of the children's ranges,
    /// and ``onePoint`` to whether the entries (or every child, known at one point) share
    /// one point.
    @inlinable func recomputeElements() {
        fields.pointee.elements = nil
        guard let point = firstLocation else {
            onePoint = false
            return
        }
        var same = true
        if isLeaf {
            for e in entries {
                include(e.element)
                same = same && _Geometry.isSamePoint(e.location, point)
            }
        } else {
            for child in children {
                include(child.elements)
                same = same && child.onePoint && child.firstLies(at: point)
            }
        }
        onePoint = same
    }

    @inlinable func appendEntry(_ entry: _Entry<Element>) {
        precondition(isLeaf && count < room, "leaf full")
        (entryBase + count).initialize(to: entry)
        count += 1
    }

    /// Removes the entry at `i`, keeping the order of the others.
    @inlinable func removeEntry(at i: Int) {
        precondition(isLeaf && i >= 0 && i < count, "entry index out of range")
        let base = entryBase
        (base + i).deinitialize(count: 1)
        (base + i).moveInitialize(from: base + i + 1, count: count - i - 1)
        count -= 1
    }

    @inlinable func appendChild(_ child: _Node, _ box: _Box) {
        precondition(!isLeaf && count < room, "branch full")
        (childBase + count).initialize(to: child)
        count += 1
        boxes[count - 1] = box
    }

    /// Removes the child at `i` and its box, keeping the order of the others.
    @inlinable func removeChild(at i: Int) {
        precondition(!isLeaf && i >= 0 && i < count, "child index out of range")
        let base = childBase
        let boxes = self.boxes
        for j in i..<(count - 1) { boxes[j] = boxes[j + 1] }
        boxes[count - 1] = .empty
        (base + i).deinitialize(count: 1)
        (base + i).moveInitialize(from: base + i + 1, count: count - i - 1)
        count -= 1
    }

    /// Removes every child (their boxes become empty).
    @inlinable func removeAllChildren() {
        precondition(!isLeaf, "not a branch")
        let boxes = self.boxes
        for j in 0..<count { boxes[j] = .empty }
        childBase.deinitialize(count: count)
        count = 0
    }

    /// A shallow copy with room for `capacity`: the same children (now shared), copied entries.
    @inlinable func copy(capacity: Int) -> _Node {
        let node = _Node.make(level: level, capacity: Swift.max(capacity, count))
        if isLeaf {
            node.entryBase.initialize(from: entryBase, count: count)
        } else {
            node.childBase.initialize(from: childBase, count: count)
            let from = boxes, to = _Boxes(columns: node.tail, count: count)
            for j in 0..<count { to[j] = from[j] }
        }
        node.count = count
        node.elements = elements
        node.onePoint = onePoint
        return node
    }

    /// Asks for `node`'s first `lines` cache lines (by default its header and first box
    /// chunk, or its first entries; ``usualLines(level:)`` for all of it) ahead of use,
    /// without waiting for them.
    @inlinable @inline(__always) static func prefetch(_ node: Unmanaged<_Node>, lines: Int = 4) {
        let address = UnsafeRawPointer(node.toOpaque())
        for line in 0..<lines { spatial_prefetch(address + 64 * line) }
    }

    /// The cache lines that hold a node at `level` at its usual fill: a leaf's header and
    /// first 22 entries (its usual fill; 32 bytes each for `Int32` elements), a branch's
    /// header, its three box chunks and its 24 children.
    @inlinable @inline(__always) static func usualLines(level: Int) -> Int { level == 0 ? 12 : 13 }

    /// The tight box of this node's content.
    @inlinable var computedBox: _Box {
        guard isLeaf else { return boxes.union }
        var b = _Box.empty
        for e in entries { b.formUnion(e.box) }
        return b
    }

    /// Bytes this node asked the allocator for: the object's header and fields, then its tail
    /// (as the peers' counting allocators count; malloc rounds each request up a little).
    @inlinable var allocatedBytes: Int {
        let object = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
        return UnsafeRawPointer(tail) - object
            + Swift.max(1, Self.units(level: level, capacity: room)) * MemoryLayout<_Boxes.Lanes>.stride
    }
}

extension _Entry: Sendable where Element: Sendable {}
