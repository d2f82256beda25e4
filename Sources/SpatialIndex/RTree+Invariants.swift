import Geodesy

/// A broken structural invariant of an ``RTree`` (a bug, never an input error).
public struct RTreeInvariantError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Shape and memory of an ``RTree``.
public struct RTreeStatistics: Hashable, Sendable {
    public var count: Int
    public var height: Int
    public var leafCount: Int
    public var branchCount: Int
    /// Heap bytes the index's nodes asked the allocator for (headers and room, used or not).
    public var bytes: Int
    /// `bytes / count`, 0 when empty.
    public var bytesPerEntry: Double { count == 0 ? 0 : Double(bytes) / Double(count) }
}

extension RTree {
    /// Checks every structural invariant: all leaves on one level, child levels one below
    /// their parent, each stored box equal to the tight box of its child, fill between the
    /// minimum and capacity (the root excepted), a branch root with at least two children,
    /// stored vectors matching their coordinates, the element range of a node at one point
    /// holding every element below it, every entry below a node known at one point lying
    /// there, and the entry count.
    ///
    /// - Throws: ``RTreeInvariantError`` describing the first violation found.
    /// - Complexity: O(n).
    public func checkInvariants() throws(RTreeInvariantError) {
        func fail(_ message: String) -> RTreeInvariantError { RTreeInvariantError(description: message) }
        if count == 0 && root.count != 0 { throw fail("empty tree with a non-empty root") }
        if root.computedBox != rootBox { throw fail("root box is not the tight box of the root") }
        if !root.isLeaf && root.children.count < 2 { throw fail("branch root with fewer than two children") }
        var entries = 0
        // Each node with whether its box is a point, where its element range must hold
        // every element below it.
        // And the point every entry below must lie at, when a node at one point above says so
        // (``_NodeHeader/onePoint``).
        var stack: [(node: _Node<Element>, isRoot: Bool, atOnePoint: Bool, point: Coordinate?)] = [(root, true, false, nil)]
        while let (node, isRoot, atOnePoint, above) = stack.popLast() {
            var point = above
            if point == nil && (isRoot ? rootBox.isPoint : atOnePoint) && node.onePoint {
                point = node.firstLocation
            }
            if node.isLeaf {
                if !node.children.isEmpty || !node.boxes.isEmpty { throw fail("leaf with children") }
                if node.entries.count > Self.leafCapacity { throw fail("leaf over capacity: \(node.entries.count)") }
                if !isRoot && node.entries.count < Self.leafUnderflow { throw fail("underfull leaf: \(node.entries.count)") }
                for e in node.entries {
                    if let point, !_Geometry.isSamePoint(point, e.location) {
                        throw fail("a node known at one point \(point) holds an entry at \(e.location)")
                    }
                    if (isRoot ? rootBox.isPoint : atOnePoint) && !node.mayHold(e.element) {
                        throw fail("the element range of a leaf at one point does not hold \(e.element)")
                    }
                    let v = _Geometry.unitVector(e.location)
                    if Float(v.x) != e.x || Float(v.y) != e.y || Float(v.z) != e.z {
                        throw fail("entry vector does not match its coordinate \(e.location)")
                    }
                }
                entries += node.entries.count
                continue
            }
            if !node.entries.isEmpty { throw fail("branch with entries") }
            if node.children.count != node.boxes.count { throw fail("children and boxes differ in number") }
            if node.children.count > Self.branchCapacity { throw fail("branch over capacity: \(node.children.count)") }
            if !isRoot && node.children.count < Self.branchMinimum { throw fail("underfull branch: \(node.children.count)") }
            for (child, box) in zip(node.children, node.boxes) {
                if child.level != node.level - 1 { throw fail("child level \(child.level) under level \(node.level)") }
                if child.computedBox != box { throw fail("stored box is not the tight box of its child") }
                if isRoot ? rootBox.isPoint : atOnePoint {
                    guard let range = child.elements, node.mayHold(range.lowerBound), node.mayHold(range.upperBound) else {
                        throw fail("a child's element range is outside its branch's, at one point")
                    }
                }
                stack.append((child, false, box.isPoint, point))
            }
        }
        if entries != count { throw fail("count \(count) but \(entries) entries") }
    }

    /// Shape and estimated memory of the tree.
    ///
    /// - Complexity: O(number of nodes).
    public var statistics: RTreeStatistics {
        var stats = RTreeStatistics(count: count, height: height, leafCount: 0, branchCount: 0, bytes: 0)
        var stack = [root]
        while let node = stack.popLast() {
            stats.bytes += node.allocatedBytes
            if node.isLeaf {
                stats.leafCount += 1
            } else {
                stats.branchCount += 1
                stack.append(contentsOf: node.children)
            }
        }
        return stats
    }
}
