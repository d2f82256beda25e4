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
    @usableFromInline var entry: _Entry<Element>
    @inlinable init(bound: Double, entry: _Entry<Element>) {
        self.bound = bound
        self.entry = entry
    }
    @inlinable static func < (a: Self, b: Self) -> Bool { a.bound < b.bound }
    @inlinable static func == (a: Self, b: Self) -> Bool { a.bound == b.bound }
}

/// The k best answers so far, ascending by (distance, element).
@usableFromInline struct _Ranking<Element: Comparable & Sendable> {
    @usableFromInline let capacity: Int
    @usableFromInline let maxDistance: Double
    @usableFromInline var items: [Neighbor<Element>] = []

    @inlinable init(capacity: Int, maxDistance: Double) {
        self.capacity = capacity
        self.maxDistance = maxDistance
        items.reserveCapacity(Swift.min(capacity, 1024))
    }

    /// The chord beyond which no candidate can enter the ranking.
    @inlinable var chordThreshold: Double {
        _Geometry.chordBound(forDistance: items.count < capacity ? maxDistance : items[items.count - 1].distance)
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
    /// Best-first search over lower bounds; the exact geodesic (`geod_inverse`) is computed
    /// only for entries whose lower bound is within the current k-th distance. `isIncluded`
    /// is evaluated during the traversal, before any distance is computed, so a selective
    /// filter costs no exact geodesics for excluded entries.
    ///
    /// - Parameters:
    ///   - point: the query point (a valid coordinate).
    ///   - count: how many answers at most; 0 or less gives none.
    ///   - maxDistance: only entries at most this many metres away.
    ///   - isIncluded: which elements may be answers.
    /// - Returns: up to `count` neighbours, ascending by distance, ties by element.
    /// - Complexity: O(log n + k) expected for uniform data; a filter that rejects most
    ///   entries near the point costs the entries it has to look at.
    @inlinable public func nearest(
        to point: Coordinate, count: Int, maxDistance: Double = .infinity,
        where isIncluded: (Element) -> Bool = { _ in true }
    ) -> [Neighbor<Element>] {
        guard count > 0, !isEmpty, !(maxDistance < 0), point.isValid else { return [] }
        let q = _Geometry.unitVector(point)
        let geodesic = Geodesic.wgs84
        var ranking = _Ranking<Element>(capacity: count, maxDistance: maxDistance)
        var threshold = ranking.chordThreshold
        var nodes = Heap<_NodeItem<Element>>()
        var candidates = Heap<_CandidateItem<Element>>()
        let slack = _Geometry.floatSlack
        // Squared chord below which a Float vector or box can hold an answer.
        var reachSquared = (threshold + slack) * (threshold + slack)
        return withExtendedLifetime(root) { root in
            nodes.insert(_NodeItem(bound: 0, node: Unmanaged.passUnretained(root)))
            while true {
                let nodeBound = nodes.min?.bound ?? .infinity
                let candidateBound = candidates.min?.bound ?? .infinity
                if Swift.min(nodeBound, candidateBound) > threshold { break }
                if candidateBound <= nodeBound {
                    guard let c = candidates.popMin() else { break }
                    let location = c.entry.location
                    let d = geodesic.distance(from: point, to: location)
                    ranking.offer(Neighbor(element: c.entry.element, location: location, distance: d))
                    threshold = ranking.chordThreshold
                    reachSquared = (threshold + slack) * (threshold + slack)
                    continue
                }
                guard let item = nodes.popMin() else { break }
                let node = item.node.takeUnretainedValue()
                if node.isLeaf {
                    node.entries.withUnsafeBufferPointer { entries in
                        for e in entries {
                            let d2 = e.distanceSquared(x: q.x, y: q.y, z: q.z)
                            guard d2 <= reachSquared, isIncluded(e.element) else { continue }
                            candidates.insert(_CandidateItem(bound: Swift.max(0, d2.squareRoot() - slack), entry: e))
                        }
                    }
                } else {
                    let children = node.children
                    node.boxes.withUnsafeBufferPointer { boxes in
                        for i in 0..<boxes.count {
                            let d2 = boxes[i].distanceSquared(x: q.x, y: q.y, z: q.z)
                            guard d2 <= reachSquared else { continue }
                            nodes.insert(_NodeItem(bound: Swift.max(0, d2.squareRoot() - slack),
                                                   node: Unmanaged.passUnretained(children[i])))
                        }
                    }
                }
            }
            return ranking.items
        }
    }
}
