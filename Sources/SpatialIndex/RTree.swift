public import Geodesy

/// A dynamic R-tree over points on the WGS84 ellipsoid, with exact geodesic queries.
///
/// Points are indexed by their geocentric unit vectors in three dimensions, so the
/// antimeridian and the poles are ordinary places (every longitude at a pole is one
/// point). Ranking uses the lower bound `b·θ` (polar semi-axis times the angle between
/// unit vectors), candidates are refined with bounds from their exact ECEF chord, and the
/// exact WGS84 geodesic (Karney's algorithm, PROJ's `geod_inverse`) is computed only for
/// candidates that can still be answers: about one per answer. Distances are metres.
///
/// Insertion uses least-area-enlargement ChooseSubtree and a split along the widest axis with
/// R*'s least-overlap distribution; removal condenses the tree by reinserting the entries of
/// underfull nodes; ``init(bulkLoading:)`` packs a batch along Hilbert curves on the faces of
/// the cube around the sphere. Many entries at one point (contacts geocoded to one centroid)
/// get nodes of their own that keep the range of their elements, so that removing one of
/// them, or a nearest query past them, does not visit every entry there.
///
/// `RTree` is a value type with copy-on-write at node granularity (path copying): copying
/// a tree is O(1), and mutating a tree whose nodes are shared with another copy copies only
/// the O(log n) nodes on the changed path. A reader can therefore keep a snapshot and query
/// it from any task while a writer goes on changing its own copy.
///
/// Elements are compared to break distance ties deterministically and to find an entry
/// to remove; the same element may be stored at several places (each `remove` removes one).
///
/// `@unchecked Sendable`: its nodes are immutable once shared (see `_Node` for why), and
/// its elements are `Sendable`.
public struct RTree<Element: Comparable & Sendable>: @unchecked Sendable {
    /// Most entries in a leaf.
    @inlinable static var leafCapacity: Int { 32 }
    /// Most children of a branch.
    @inlinable static var branchCapacity: Int { 24 }
    /// Children of a bulk-loaded branch below the root. Wider branches make the tree
    /// shallower, which removals and nearest queries on a dynamic tree gain from (one cold
    /// node fewer on the way down); a packed branch of 24, whose children are full and whose
    /// box is therefore wide, made nearest queries on a bulk-loaded skewed tree 8–15% slower
    /// than branches of 16, which it keeps (with room for just them: no more bytes a point).
    @inlinable static var bulkBranchFill: Int { 16 }
    /// Fewest entries on either side of a leaf split, and in a bulk-loaded leaf (40%).
    @inlinable static var leafMinimum: Int { leafCapacity * 2 / 5 }
    /// Fewest children of a non-root branch (40%).
    @inlinable static var branchMinimum: Int { branchCapacity * 2 / 5 }
    /// Fewest entries in a non-root leaf (20%): removal dissolves a leaf and reinserts its
    /// entries only below this. At 40% nearly every removal paid a reinsertion (a leaf at its
    /// usual fill of about 22 lost ten entries, then reinserted twelve); at 20% removals run
    /// about a quarter faster on 1M points (uniform and skewed mixes, alternating runs).
    @inlinable static var leafUnderflow: Int { leafCapacity / 5 }

    @usableFromInline var root: _Node<Element>
    @usableFromInline var rootBox: _Box
    /// The number of stored entries.
    @inlinable public var count: Int { _count }
    @usableFromInline var _count: Int

    /// Creates an empty tree.
    @inlinable public init() {
        root = _Node.make(level: 0, capacity: 0)
        rootBox = .empty
        _count = 0
    }

    @inlinable init(root: _Node<Element>, count: Int) {
        self.root = root
        self.rootBox = root.computedBox
        self._count = count
    }

    /// Whether the tree holds no entries.
    @inlinable public var isEmpty: Bool { count == 0 }

    /// Number of levels (1 for a single leaf).
    @inlinable public var height: Int { root.level + 1 }

    /// Calls `body` for every entry, in leaf order.
    ///
    /// - Complexity: O(n).
    @inlinable public func forEach(_ body: (Element, Coordinate) throws -> Void) rethrows {
        try forEachEntry { try body($0.element, $0.location) }
    }

    /// Calls `body` for every stored entry, in leaf order.
    @inlinable func forEachEntry(_ body: (_Entry<Element>) throws -> Void) rethrows {
        var stack: [_Node<Element>] = [root]
        while let node = stack.popLast() {
            if node.isLeaf {
                for e in node.entries { try body(e) }
            } else {
                stack.append(contentsOf: node.children.reversed())
            }
        }
    }

    /// Makes the root uniquely referenced before a mutation.
    @inlinable mutating func makeRootUnique() {
        if !isKnownUniquelyReferenced(&root) { root = root.copy(capacity: root.room) }
    }
}
