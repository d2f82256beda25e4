public import Geodesy
public import HeapModule

/// A queue item of the best-first search: a node or a candidate entry, keyed by a lower
/// bound on its chord distance from the query vector.
@usableFromInline struct _NodeItem<Element>: Comparable {
    @usableFromInline var bound: Double
    /// Unretained: the tree being searched keeps every node alive for the whole query.
    @usableFromInline var node: Unmanaged<_Node<Element>>
    @inlinable init(bound: Double, node: Unmanaged<_Node<Element>>) {
        self.bound = bound
        self.node = node
    }
    @inlinable static func < (a: Self, b: Self) -> Bool { a.bound < b.bound }
    @inlinable static func == (a: Self, b: Self) -> Bool { a.bound == b.bound }
}

@usableFromInline struct _CandidateItem<Element>: Comparable {
    @usableFromInline var bound: Double
    /// The candidate is `leaf.entries[index]`; the leaf is unretained, kept alive by the tree.
    @usableFromInline var leaf: Unmanaged<_Node<Element>>
    @usableFromInline var index: Int
    @inlinable init(bound: Double, leaf: Unmanaged<_Node<Element>>, index: Int) {
        self.bound = bound
        self.leaf = leaf
        self.index = index
    }
    @inlinable static func < (a: Self, b: Self) -> Bool { a.bound < b.bound }
    @inlinable static func == (a: Self, b: Self) -> Bool { a.bound == b.bound }
}

/// The k best answers so far, ascending by (distance, element).
@usableFromInline struct _Ranking<Element: Comparable & Sendable> {
    @usableFromInline let capacity: Int
    @usableFromInline let maxDistance: Double
    @usableFromInline var items: [Neighbor<Element>] = []
    /// The `capacity` smallest candidate chords seen so far, ascending. The geodesic to each
    /// of those candidates is at most ``_Geometry/distanceUpperBound(chord:)`` of its chord,
    /// so the k-th of them caps the k-th distance before any exact geodesic is known.
    @usableFromInline var nearestChords: [Double] = []
    @usableFromInline var upperThreshold: Double = .infinity

    /// Upper bounds are tracked for k up to this; beyond it their bookkeeping would cost more
    /// than it saves.
    @inlinable static var upperBoundLimit: Int { 256 }

    @inlinable init(capacity: Int, maxDistance: Double) {
        self.capacity = capacity
        self.maxDistance = maxDistance
        items.reserveCapacity(Swift.min(capacity, 1024))
        if capacity <= Self.upperBoundLimit { nearestChords.reserveCapacity(capacity) }
    }

    /// The chord beyond which no candidate can enter the ranking.
    @inlinable var chordThreshold: Double {
        let exact = _Geometry.chordBound(
            forDistance: items.count < capacity ? maxDistance : items[items.count - 1].distance)
        return Swift.min(exact, upperThreshold)
    }

    /// Records a candidate's (unslacked Float) chord; returns whether the threshold fell.
    @inlinable @inline(__always) mutating func noteCandidate(chord c: Double) -> Bool {
        guard capacity <= Self.upperBoundLimit else { return false }
        let full = nearestChords.count == capacity
        if full {
            guard c < nearestChords[capacity - 1] else { return false }
        } else {
            nearestChords.append(c)
        }
        // Insertion sort step: shift larger chords up, dropping the largest when full.
        var i = nearestChords.count - 1
        while i > 0 && nearestChords[i - 1] > c {
            nearestChords[i] = nearestChords[i - 1]
            i -= 1
        }
        nearestChords[i] = c
        guard nearestChords.count == capacity else { return false }
        upperThreshold = _Geometry.chordBound(
            forDistance: _Geometry.distanceUpperBound(chord: nearestChords[capacity - 1]))
        return true
    }

    @inlinable @inline(__always) mutating func offer(_ n: Neighbor<Element>) {
        guard n.distance <= maxDistance else { return }
        if items.count == capacity {
            let last = items[items.count - 1]
            guard n.distance < last.distance || (n.distance == last.distance && n.element < last.element)
            else { return }
            items.removeLast()
        }
        var i = items.count
        while i > 0 {
            let p = items[i - 1]
            if p.distance < n.distance || (p.distance == n.distance && p.element < n.element) { break }
            i -= 1
        }
        items.insert(n, at: i)
    }
}

extension RTree {
    /// The `count` entries nearest to `point` by WGS84 geodesic distance.
    ///
    /// Best-first search over lower bounds. The exact geodesic (`geod_inverse`) is computed
    /// only for entries whose lower bound is within the current k-th distance, which is
    /// capped from the start by upper bounds on the nearest candidates seen. `isIncluded`
    /// is evaluated during the traversal, before any distance is computed, so a selective
    /// filter costs no exact geodesics for excluded entries.
    ///
    /// - Parameters:
    ///   - point: the query point (a valid coordinate).
    ///   - count: how many answers at most; 0 or less gives none.
    ///   - maxDistance: only entries at most this many metres away.
    ///   - isIncluded: which elements may be answers; `nil` for all.
    /// - Returns: up to `count` neighbours, ascending by distance, ties by element.
    /// - Complexity: O(log n + k) expected for uniform data; a filter that rejects most
    ///   entries near the point costs the entries it has to look at.
    @inlinable public func nearest(
        to point: Coordinate, count: Int, maxDistance: Double = .infinity,
        where isIncluded: ((Element) -> Bool)? = nil
    ) -> [Neighbor<Element>] {
        guard count > 0, !isEmpty, !(maxDistance < 0), point.isValid else { return [] }
        return withExtendedLifetime(root) { root in
            guard let isIncluded else {
                var search = _NearestSearch<Element>(point: point, count: count, maxDistance: maxDistance, filter: nil)
                return search.run(root)
            }
            return withoutActuallyEscaping(isIncluded) { filter in
                var search = _NearestSearch<Element>(point: point, count: count, maxDistance: maxDistance, filter: filter)
                return search.run(root)
            }
        }
    }
}

/// The state of one nearest-k search, kept in one value so that the hot loops work on
/// stored properties rather than captured (boxed) locals.
@usableFromInline struct _NearestSearch<Element: Comparable & Sendable> {
    @usableFromInline let point: Coordinate
    @usableFromInline let q: (x: Double, y: Double, z: Double)
    @usableFromInline let filter: ((Element) -> Bool)?
    @usableFromInline var ranking: _Ranking<Element>
    @usableFromInline var nodes = Heap<_NodeItem<Element>>(minimumCapacity: 64)
    @usableFromInline var candidates = Heap<_CandidateItem<Element>>(minimumCapacity: 64)
    /// Chord beyond which nothing can be an answer, and its square widened by the slack.
    @usableFromInline var threshold: Double
    @usableFromInline var reachSquared: Double

    @inlinable init(point: Coordinate, count: Int, maxDistance: Double, filter: ((Element) -> Bool)?) {
        self.point = point
        self.q = _Geometry.unitVector(point)
        self.filter = filter
        ranking = _Ranking(capacity: count, maxDistance: maxDistance)
        threshold = ranking.chordThreshold
        reachSquared = .infinity
        updateReach()
    }

    @inlinable @inline(__always) mutating func updateReach() {
        threshold = ranking.chordThreshold
        let reach = threshold + _Geometry.floatSlack
        reachSquared = reach * reach
    }

    /// Each entry within reach that passes the filter becomes a candidate.
    @inlinable mutating func scan(_ leaf: _Node<Element>) {
        let unmanaged = Unmanaged.passUnretained(leaf)
        leaf.entries.withUnsafeBufferPointer { entries in
            for index in 0..<entries.count {
                let d2 = entries[index].distanceSquared(x: q.x, y: q.y, z: q.z)
                guard d2 <= reachSquared else { continue }
                if let filter, !filter(entries[index].element) { continue }
                let chord = d2.squareRoot()
                candidates.insert(_CandidateItem(bound: Swift.max(0, chord - _Geometry.floatSlack),
                                                 leaf: unmanaged, index: index))
                if ranking.noteCandidate(chord: chord) { updateReach() }
            }
        }
    }

    @inlinable mutating func expand(_ node: _Node<Element>) {
        let children = node.children
        node.boxes.withUnsafeBufferPointer { boxes in
            for i in 0..<boxes.count {
                let d2 = boxes[i].distanceSquared(x: q.x, y: q.y, z: q.z)
                guard d2 <= reachSquared else { continue }
                nodes.insert(_NodeItem(bound: Swift.max(0, d2.squareRoot() - _Geometry.floatSlack),
                                       node: Unmanaged.passUnretained(children[i])))
            }
        }
    }

    /// Runs the search from `root`, which the caller keeps alive.
    @inlinable mutating func run(_ root: _Node<Element>) -> [Neighbor<Element>] {
        // Seed the bounds: descend greedily to the leaf nearest by bound and scan it first,
        // so that the best-first search below prunes from its first step.
        var seed = root
        while !seed.isLeaf {
            var best = 0
            var bestDistance = Double.infinity
            seed.boxes.withUnsafeBufferPointer { boxes in
                for i in 0..<boxes.count {
                    let d2 = boxes[i].distanceSquared(x: q.x, y: q.y, z: q.z)
                    if d2 < bestDistance { best = i; bestDistance = d2 }
                }
            }
            seed = seed.children[best]
        }
        scan(seed)
        nodes.insert(_NodeItem(bound: 0, node: Unmanaged.passUnretained(root)))
        let geodesic = Geodesic.wgs84
        while true {
            let nodeBound = nodes.min?.bound ?? .infinity
            let candidateBound = candidates.min?.bound ?? .infinity
            if Swift.min(nodeBound, candidateBound) > threshold { break }
            if candidateBound <= nodeBound {
                guard let c = candidates.popMin() else { break }
                let entry = c.leaf.takeUnretainedValue().entries[c.index]
                let location = entry.location
                let d = geodesic.distance(from: point, to: location)
                ranking.offer(Neighbor(element: entry.element, location: location, distance: d))
                updateReach()
                continue
            }
            guard let item = nodes.popMin() else { break }
            let node = item.node.takeUnretainedValue()
            if node.isLeaf {
                if node !== seed { scan(node) }
            } else {
                expand(node)
            }
        }
        return ranking.items
    }
}
