public import Geodesy
public import HeapModule

/// A queue item of the best-first search: a node or a candidate entry, keyed by a lower
/// bound on its chord distance from the query vector.
@usableFromInline struct _NodeItem<Element: Comparable>: Comparable {
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

/// A candidate entry, keyed first by the coarse bound of its Float unit vector and, once
/// `refined`, by the tight bound of its exact ECEF chord (both as unit-sphere chords).
@usableFromInline struct _CandidateItem<Element: Comparable>: Comparable {
    @usableFromInline var bound: Double
    /// The candidate is `leaf.entries[index]`; the leaf is unretained, kept alive by the tree.
    @usableFromInline var leaf: Unmanaged<_Node<Element>>
    @usableFromInline var index: Int32
    @usableFromInline var refined: Bool
    /// Keyed by its exact geodesic (only in a search for elements in order, which requeues
    /// a candidate whose place a tie left open).
    @usableFromInline var exact: Bool = false
    @inlinable init(bound: Double, leaf: Unmanaged<_Node<Element>>, index: Int, refined: Bool) {
        self.bound = bound
        self.leaf = leaf
        self.index = Int32(truncatingIfNeeded: index)
        self.refined = refined
    }
    /// Ties go to the candidate not yet exact (see ``_NearestSearch/settleInOrder(_:_:nodeBound:)``).
    @inlinable static func < (a: Self, b: Self) -> Bool { a.bound < b.bound || (a.bound == b.bound && !a.exact && b.exact) }
    @inlinable static func == (a: Self, b: Self) -> Bool { a.bound == b.bound && a.exact == b.exact }
}

/// The k best answers so far, ascending by (distance, element).
@usableFromInline struct _Ranking<Element: Comparable & Sendable> {
    @usableFromInline let capacity: Int
    @usableFromInline let maxDistance: Double
    @usableFromInline var items: [Neighbor<Element>] = []
    /// Upper bounds on the distances of candidates not yet exact cap the k-th distance
    /// before any geodesic is known. Two trackers, each holding at most one bound per
    /// candidate: coarse bounds from Float chords as every candidate is found, and tight
    /// ones from exact ECEF chords as candidates are refined.
    @usableFromInline var coarse: _SmallestBounds
    @usableFromInline var tight: _SmallestBounds
    @usableFromInline var upperThreshold: Double = .infinity

    /// Upper bounds are tracked for k up to this; beyond it their bookkeeping would cost more
    /// than it saves.
    @inlinable static var upperBoundLimit: Int { 256 }

    @inlinable init(capacity: Int, maxDistance: Double) {
        self.capacity = capacity
        self.maxDistance = maxDistance
        items.reserveCapacity(Swift.min(capacity, 1024))
        let tracked = capacity <= Self.upperBoundLimit ? capacity : 0
        coarse = _SmallestBounds(capacity: tracked)
        tight = _SmallestBounds(capacity: tracked)
    }

    /// The chord beyond which no candidate can enter the ranking.
    @inlinable var chordThreshold: Double {
        let exact = items.count < capacity ? maxDistance : items[items.count - 1].distance
        return _Geometry.chordBound(forDistance: Swift.min(exact, upperThreshold))
    }

    /// Records an upper bound on a new candidate's unit chord; returns whether the
    /// threshold fell.
    @inlinable @inline(__always) mutating func noteCandidate(upperChord: Double) -> Bool {
        guard coarse.insert(upperChord) else { return false }
        let bound = _Geometry.distanceUpperBound(chord: coarse.largest)
        guard bound < upperThreshold else { return false }
        upperThreshold = bound
        return true
    }

    /// Records a refined candidate's upper bound in metres; returns whether the threshold fell.
    @inlinable @inline(__always) mutating func noteRefined(upperBound: Double) -> Bool {
        guard tight.insert(upperBound), tight.largest < upperThreshold else { return false }
        upperThreshold = tight.largest
        return true
    }

    /// Whether the ranking holds `capacity` answers: then only better ones enter.
    @inlinable var isFull: Bool { items.count == capacity }

    /// The last answer's element while the ranking is full of answers 0 m away (a query at a
    /// crowd of duplicates): then only smaller elements can enter.
    @inlinable var lastAtZero: Element? {
        guard isFull, let last = items.last, last.distance == 0 else { return nil }
        return last.element
    }

    /// Whether an answer at `distance` with `element` would enter the ranking: within the
    /// maximum distance, and while it is full, before its last answer (nearer, or as near
    /// with a smaller element).
    @inlinable @inline(__always) func admits(distance: Double, element: Element) -> Bool {
        guard distance <= maxDistance else { return false }
        guard items.count == capacity, let last = items.last else { return true }
        return distance < last.distance || (distance == last.distance && element < last.element)
    }

    @inlinable @inline(__always) mutating func offer(_ n: Neighbor<Element>) {
        guard admits(distance: n.distance, element: n.element) else { return }
        if items.count == capacity { items.removeLast() }
        var i = items.count
        while i > 0 {
            let p = items[i - 1]
            if p.distance < n.distance || (p.distance == n.distance && p.element < n.element) { break }
            i -= 1
        }
        items.insert(n, at: i)
    }
}

/// The `capacity` smallest values inserted so far, ascending (k is small: insertion sort).
/// The common k = 1 keeps its one value inline, without an allocation.
@usableFromInline struct _SmallestBounds {
    @usableFromInline let capacity: Int
    @usableFromInline var values: [Double] = []
    @usableFromInline var single: Double = .infinity

    @inlinable init(capacity: Int) {
        self.capacity = capacity
        if capacity > 1 { values.reserveCapacity(capacity) }
    }

    /// The largest kept value, once `capacity` values are kept.
    @inlinable var largest: Double { capacity == 1 ? single : values[capacity - 1] }

    /// Whether `capacity` values are kept (never, when it keeps none).
    @inlinable var isFull: Bool { capacity == 1 ? single < .infinity : capacity > 1 && values.count == capacity }

    /// Keeps `v` if it is among the smallest; returns whether `largest` is now defined and
    /// fell (or became defined).
    @inlinable @inline(__always) mutating func insert(_ v: Double) -> Bool {
        if capacity == 1 {
            guard v < single else { return false }
            single = v
            return true
        }
        guard capacity > 1 else { return false }
        if values.count == capacity {
            guard v < values[capacity - 1] else { return false }
        } else {
            values.append(v)
        }
        var i = values.count - 1
        while i > 0 && values[i - 1] > v {
            values[i] = values[i - 1]
            i -= 1
        }
        values[i] = v
        return values.count == capacity
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
        return _nearest(to: point, count: count, maxDistance: maxDistance, region: nil, where: isIncluded)
    }

    /// The elements of the `count` entries nearest to `point`, in the order of
    /// ``nearest(to:count:maxDistance:where:)`` (ascending WGS84 geodesic distance, ties by
    /// element), without their distances.
    ///
    /// The same best-first search, but a candidate whose bounds from its exact ECEF chord
    /// (about 1 mm apart at 10 km) already put it before everything not yet settled is an
    /// answer without its geodesic; a geodesic is computed only where bounds overlap (near
    /// ties, exact duplicates). A tie with an unexpanded node, which the bounds cannot settle,
    /// falls back to the search with distances. Like a peer's nearest query that returns ids.
    ///
    /// - Parameters: as ``nearest(to:count:maxDistance:where:)``.
    /// - Returns: up to `count` elements, nearest first.
    /// - Complexity: as ``nearest(to:count:maxDistance:where:)``, with fewer exact geodesics.
    @inlinable public func nearestElements(
        to point: Coordinate, count: Int, maxDistance: Double = .infinity,
        where isIncluded: ((Element) -> Bool)? = nil
    ) -> [Element] {
        guard count > 0, !isEmpty, !(maxDistance < 0), point.isValid else { return [] }
        let found = _nearest(to: point, count: count, maxDistance: maxDistance, region: nil, inOrder: true,
                             where: isIncluded)
        return found.map(\.element)
    }

    /// The search behind the public `nearest` calls; `region`, when given, prunes nodes by its
    /// bounds and admits only entries it contains. `inOrder` searches for the elements in order
    /// (``nearestElements(to:count:maxDistance:where:)``): the distances it returns are then
    /// upper bounds, not exact.
    @inlinable func _nearest(
        to point: Coordinate, count: Int, maxDistance: Double, region: _PolygonRegion?, inOrder: Bool = false,
        where isIncluded: ((Element) -> Bool)?
    ) -> [Neighbor<Element>] {
        withExtendedLifetime(root) { root in
            func search(_ filter: ((Element) -> Bool)?) -> [Neighbor<Element>] {
                var search = _NearestSearch<Element>(point: point, count: count, maxDistance: maxDistance,
                                                     filter: filter, region: region, inOrder: inOrder)
                let found = search.run(root)
                guard search.undecided else { return found }
                // A tie the bounds could not settle: the search with exact distances decides.
                var exact = _NearestSearch<Element>(point: point, count: count, maxDistance: maxDistance,
                                                    filter: filter, region: region)
                return exact.run(root)
            }
            guard let isIncluded else { return search(nil) }
            return withoutActuallyEscaping(isIncluded) { filter in search(filter) }
        }
    }
}

/// The state of one nearest-k search, kept in one value so that the hot loops work on
/// stored properties rather than captured (boxed) locals.
@usableFromInline struct _NearestSearch<Element: Comparable & Sendable> {
    @usableFromInline let point: Coordinate
    @usableFromInline let q: (x: Double, y: Double, z: Double)
    /// The query's ECEF position in metres.
    @usableFromInline let origin: (x: Double, y: Double, z: Double)
    @usableFromInline let filter: ((Element) -> Bool)?
    /// Only entries in this region, and only nodes its bounds meet.
    @usableFromInline let region: _PolygonRegion?
    @usableFromInline var ranking: _Ranking<Element>
    @usableFromInline var nodes: Heap<_NodeItem<Element>>
    /// The nearest child of the node expanded last, held out of `nodes`: best-first, the
    /// search usually goes there next, and then it saves a push and a pop.
    @usableFromInline var next: _NodeItem<Element>?
    @usableFromInline var candidates: Heap<_CandidateItem<Element>>
    /// Chord beyond which nothing can be an answer, and its square widened by the slack.
    @usableFromInline var threshold: Double
    @usableFromInline var reachSquared: Float
    /// The query's unit vector in Float, for the hot loops.
    @usableFromInline let qf: SIMD4<Float>
    /// Answers settle in order, without their geodesics where bounds decide
    /// (``RTree/nearestElements(to:count:maxDistance:where:)``).
    @usableFromInline let inOrder: Bool
    /// An in-order search met a tie it cannot settle; its answers are incomplete.
    @usableFromInline var undecided = false
    /// Candidates popped, refined and dropped (see ``crowded``).
    @usableFromInline var refinedInVain = 0
    /// ``threshold`` as a distance (``_Geometry/distanceBeyond(chord:)``), and the threshold it
    /// was computed for: kept for the far path (``isBeyondReach(_:)``), computed when it runs.
    @usableFromInline var thresholdInMetres: (chord: Double, metres: Double) = (-1, 0)
    /// The last location whose geodesic ``geodesic(to:)`` computed, and that geodesic: for
    /// runs of exact duplicates popped in turn, and (the second pair) for leaves at one point,
    /// whose crowd may be spread over leaves scanned between others' candidates.
    @usableFromInline var lastLocation = Coordinate(latitude: .nan, longitude: .nan)
    @usableFromInline var lastDistance = 0.0
    @usableFromInline var crowdLocation = Coordinate(latitude: .nan, longitude: .nan)
    @usableFromInline var crowdDistance = 0.0
    /// Exact geodesics computed so far: many tell a query far from a dense cluster, whose
    /// nodes are then bounded through a pivot (``pivotKey(_:bound:)``).
    @usableFromInline var geodesics = 0
    /// The distance expanded around the last pivot far from the query: it bounds, without
    /// geodesics of their own, the nodes and entries within its reach (``pivotKey(_:bound:)``,
    /// ``scan(_:)``, ``refinedKey(_:)``), and drops the candidates it puts out of reach when it
    /// is made (``prune(by:)``).
    @usableFromInline var expansion: _Expansion?

    @inlinable init(point: Coordinate, count: Int, maxDistance: Double, filter: ((Element) -> Bool)?,
                    region: _PolygonRegion? = nil, inOrder: Bool = false) {
        self.inOrder = inOrder
        self.point = point
        let vectors = _Geometry.vectors(point)
        self.q = vectors.unit
        self.qf = _Geometry.floatVector(q)
        self.origin = vectors.ecef
        self.filter = filter
        self.region = region
        // A nearest-1 search's queues start as large as glibc serves from its per-thread
        // cache (requests up to 1,032 bytes: a 32-byte array header and the items), rarely
        // outgrown; larger k start at 64 items, which its slower general path serves.
        let cached = { (stride: Int) in (1_032 - 32) / stride }
        nodes = Heap(minimumCapacity: count == 1 ? cached(MemoryLayout<_NodeItem<Element>>.stride) : 64)
        candidates = Heap(minimumCapacity: count == 1 ? cached(MemoryLayout<_CandidateItem<Element>>.stride) : 64)
        ranking = _Ranking(capacity: count, maxDistance: maxDistance)
        threshold = ranking.chordThreshold
        reachSquared = .infinity
        updateReach()
    }

    @inlinable @inline(__always) mutating func updateReach() {
        threshold = ranking.chordThreshold
        reachSquared = _Geometry.floatReachSquared(threshold: threshold)
    }

    /// Each entry within reach that passes the filter becomes a candidate, keyed by the
    /// coarse lower bound of its Float chord.
    @inlinable mutating func scan(_ leaf: _Node<Element>) {
        if leaf.entries.count >= Self.crowd, Self.holdsOnePoint(leaf) {
            scanCrowd(leaf)
            return
        }
        let unmanaged = Unmanaged.passUnretained(leaf)
        // Far from the query, the expansion's region of the leaf's box, once for its entries.
        let nearby = expansion == nil ? nil : region(of: leaf)
        // Subscripts on the node's array, not a buffer-pointer closure: the closure would
        // retain and release the array on every leaf.
        for index in 0..<leaf.entries.count {
            let d2 = leaf.entries[index].floatDistanceSquared(qf)
            guard d2 <= reachSquared else { continue }
            let entry = leaf.entries[index]
            if let filter, !filter(entry.element) { continue }
            if let region, !region.contains(entry.location) { continue }
            // A point 0 m away is an answer now, without the queues: the query's own point
            // (both poles and the antimeridian included; common at a pole), or one that
            // `geod_inverse` rounds onto it (``_Geometry/mayBeNoDistanceApart(_:_:)``). Every
            // such point passes here, so an in-order search ranks them all among themselves by
            // element before it accepts anything farther (their leaves' keys are 0: nothing is
            // accepted before they are scanned); queued, a point with a smaller element came
            // after the query's own (found by the `index` fuzzer).
            if d2 < 1e-12, _Geometry.isSamePoint(point, entry.location)
                || _Geometry.mayBeNoDistanceApart(point, entry.location) && geodesic(to: entry.location) == 0
            {
                ranking.offer(Neighbor(element: entry.element, location: entry.location, distance: 0))
                updateReach()
                continue
            }
            // After many candidates were refined only to be dropped (distinct points within a
            // metre or two, which the Float vectors cannot tell apart, are all within reach),
            // an entry is refined as it is scanned: dropped at once when its exact chord is out
            // of reach, without a push and a pop, and queued refined otherwise. Not before: in
            // a usual query, entries that a later, lower threshold drops unrefined would each
            // cost a refinement (nearest-10 ids only ~20% slower, refining from the start).
            // Far from the query, once pivots carry an expansion (see `pivotKey`), the entries
            // near them are refined as scanned too: their bounds are then centimetres apart.
            if refinedInVain >= Self.crowded && ranking.tight.isFull || expansion != nil {
                if let key = refinedKey(entry, in: nearby) {
                    candidates.insert(_CandidateItem(bound: key, leaf: unmanaged, index: index, refined: true))
                }
                continue
            }
            candidates.insert(_CandidateItem(bound: _Geometry.lowerChord(floatSquared: d2),
                                             leaf: unmanaged, index: index, refined: false))
            if ranking.noteCandidate(upperChord: _Geometry.upperChord(floatSquared: d2)) { updateReach() }
        }
    }

    /// How many candidates refined in vain (their exact chord put them out of reach) make
    /// ``scan(_:)`` refine new ones at once: so many means entries that the Float bounds
    /// cannot tell apart. On both benchmark mixes (1M points, 80,000 nearest queries) a
    /// query refined 0.04 in vain on average and none reached this.
    @inlinable static var crowded: Int { 64 }

    /// The key of `entry` refined by its exact ECEF chord (its upper bound noted in the
    /// ranking), or `nil` when that chord puts it out of reach. `nearby`: the expansion's
    /// region of the entry's leaf, when the scan has it.
    @inlinable @inline(__always) mutating func refinedKey(_ entry: _Entry<Element>, in nearby: _Expansion.Region? = nil) -> Double? {
        // Near the expansion, the entry's Float vector bounds it to about a metre: most entries
        // out of reach are dropped so, before the trigonometry of their ECEF positions.
        if let expansion, let lower = (nearby.map { expansion.bounds(entry.box, in: $0) } ?? expansion.bounds(entry.box))?.lower,
           lower > 0, isBeyondReach(lower) || _Geometry.chordBound(forDistance: lower) > threshold
        {
            return nil
        }
        let location = entry.location
        let bounds: (lower: Double, upper: Double)
        if _Geometry.isSamePoint(point, location) {
            bounds = (0, 0)
        } else {
            let position = _Geometry.ecef(location)
            if let expansion, let near = expansion.bounds(position) {
                bounds = near  // far from the query: centimetres wide where the chords' are kilometres
            } else {
                bounds = self.bounds(unitChord: entry.distanceSquared(x: q.x, y: q.y, z: q.z).squareRoot(), at: position)
            }
        }
        let key = _Geometry.chordBound(forDistance: bounds.lower)
        guard key <= threshold else { return nil }
        if ranking.noteRefined(upperBound: bounds.upper) { updateReach() }
        return key
    }

    /// The fewest entries of a leaf at a single point that ``scanCrowd(_:)`` takes as one.
    @inlinable static var crowd: Int { 4 }

    /// Whether every entry of `leaf` (two or more) names one point: the same coordinate, or
    /// one pole at any longitudes, or the antimeridian as 180 and -180 (``_Geometry/isSamePoint(_:_:)``;
    /// `geod_inverse` gives every such spelling one distance). Exact duplicates (many contacts
    /// at a city's centroid, or at a pole) fill leaves of their own; any other leaf differs
    /// at its second entry, mostly.
    @inlinable @inline(__always) static func holdsOnePoint(_ leaf: _Node<Element>) -> Bool {
        let entries = leaf.entries
        let first = entries[0].location
        for i in 1..<entries.count where !_Geometry.isSamePoint(entries[i].location, first) {
            return false
        }
        return true
    }

    /// A leaf whose entries all lie at one point: one geodesic for all of them, each that
    /// passes the filter offered to the ranking at once. Through the queues, each would cost
    /// a push, a pop and, in an in-order search, a geodesic and a scan of its ties: thousands
    /// of duplicates at one point made a query from 11 km away take milliseconds for every
    /// thousand of them. An in-order search cannot take answers out of order: it stops as
    /// undecided, and the search with distances (one geodesic per such leaf) answers.
    /// Never inlined: inlined into ``scan(_:)`` it slowed every nearest query on the skewed
    /// mix by 2–7% (package-benchmark, 1M points), out of line by none measurable.
    @inlinable @inline(never) mutating func scanCrowd(_ leaf: _Node<Element>) {
        let first = leaf.entries[0]
        let d2 = first.floatDistanceSquared(qf)
        guard d2 <= reachSquared else { return }
        if inOrder {
            undecided = true
            return
        }
        let location = first.location
        if let region, !region.contains(location) { return }
        let d = crowdGeodesic(to: location)
        // A ranking that would not take the leaf's smallest element (its range: a leaf at one
        // point keeps it) takes none of its entries: a crowd spread over thousands of leaves
        // costs a look at each, not an offer of each entry.
        if let range = leaf.elements, !ranking.admits(distance: d, element: range.lowerBound) { return }
        for index in 0..<leaf.entries.count {
            let entry = leaf.entries[index]
            if let filter, !filter(entry.element) { continue }
            // Each answer carries its own spelling of the point (a pole's longitude).
            ranking.offer(Neighbor(element: entry.element, location: entry.location, distance: d))
        }
        updateReach()
    }

    /// The geodesic from the query to a crowd's `location`, kept for the next look at the
    /// same crowd (its leaves and nodes come between other candidates).
    @inlinable @inline(__always) mutating func crowdGeodesic(to location: Coordinate) -> Double {
        if !_Geometry.isSamePoint(location, crowdLocation) {
            crowdLocation = location
            crowdDistance = geodesic(to: location)
        }
        return crowdDistance
    }

    /// The geodesic from the query to `location`. Exact duplicates are common: one geodesic
    /// serves a run of them (candidates popped in turn).
    @inlinable @inline(__always) mutating func geodesic(to location: Coordinate) -> Double {
        if !_Geometry.isSamePoint(location, lastLocation) {
            lastLocation = location
            lastDistance = _Geometry.distance(from: point, to: location)
            geodesics &+= 1
        }
        return lastDistance
    }

    /// How many exact geodesics a search computes before it bounds nodes through pivots: a
    /// usual query computes about one per answer. Two more than that: the same instructions
    /// on the benchmark mixes' queries as 16 + 2k (callgrind, 200,000 points, k = 1 and 10;
    /// k alone: +6% on the hostile mix at k = 1), and far queries reach their pivots sooner.
    /// (Any count may be asked for: no overflow.)
    @inlinable var pivotAfter: Int { 2 + Swift.min(ranking.capacity, Int.max / 4) }

    /// The unit chord (~640 km) from which a node popped is offered to ``pivotKey(_:bound:)``
    /// however few geodesics the search has computed: a dense cluster thousands of kilometres
    /// away has all its node keys below its entries' (their gaps are below the chords'
    /// looseness there), so a search expands every node of it before its first candidate and
    /// would never reach ``pivotAfter``. 100,000 entries within 200 m: 130 ms → 30 µs a
    /// nearest-1 from 14,000 km, 124 → 1.1 ms from the antipode (a harness). Nearer, the chord
    /// bounds' gap is too small for a pivot to beat them (the size check rules a node out
    /// before any trigonometry); the hostile mix's queries (half uniform over the sphere) cost
    /// 0.4% (k = 1) and 1.3% (k = 10) more instructions (callgrind, 200,000 points; 0.05:
    /// +1.1% and +2.0%).
    @inlinable static var pivotChord: Double { 0.1 }

    /// A tighter key for `node` (queued with `bound`) from the triangle inequality, or `nil`
    /// when none is worth its geodesic.
    ///
    /// Far from the query the chord bounds are loose: their gap grows as c³/24ρ² (4.8 km at
    /// 1,670 km), so every entry of a cluster smaller than that gap (thousands of sites within
    /// a few hundred metres, or a pole's) is a candidate that only its geodesic can settle, and
    /// a query from a thousand kilometres away computed one for each (20 ms for 25,000 points
    /// around a pole). With the exact geodesic d to a point p on the ellipsoid (the one under
    /// the centre of the node's box) and an upper bound r on the geodesic from p to anything in
    /// the box, every entry lies at least d − r away (geodesic distance is a metric): a node
    /// behind the ranking's k-th answer by more than half its size is dropped with one
    /// geodesic, not one per entry. The pivot's geodesic comes with the first-order expansion of
    /// the distance around it (``_Expansion``), which then bounds the nodes within its reach
    /// (2 km at most) whole from their boxes, without a pivot or a geodesic of their own
    /// (``_Expansion/bounds(_:)``), the entries of their leaves first from their Float
    /// vectors (about a metre) and then to a few centimetres (``refinedKey(_:)``), and drops
    /// the candidates queued before it that it puts out of reach (``prune(by:)``): most nodes
    /// of a cluster near the query's ranking cost no geodesic, and only entries that may rank
    /// get one.
    @inlinable mutating func pivotKey(_ node: _Node<Element>, bound: Double) -> Double? {
        // Worth it only where the chord bounds' gap (about c³/24ρ² at c ≈ bound·b) exceeds the
        // node's size and the pivot's radius (below), which is never under a·floatSlack (0.77 m):
        // nearer than ~90 km, without an expansion, not even the node's box is computed.
        let near = bound * _Geometry.polarRadius
        let rho = _Geometry.minimumCurvatureRadius
        let gap = near * near * near / (24 * rho * rho)
        if expansion == nil, gap <= _Geometry.equatorialRadius * _Geometry.floatSlack { return nil }
        let box = node.computedBox
        guard !box.isEmpty else { return nil }
        // A box within the reach of the expansion at hand: bounded by it whole, without a pivot.
        if let lower = expansion?.bounds(box)?.lower {
            return lower > 0 ? _Geometry.chordBound(forDistance: lower) : nil
        }
        // The node's half-diagonal times a is at most its size: asked first, it rules out most
        // nodes without trigonometry.
        let (ex, ey, ez) = (Double(box.maxX) - Double(box.minX), Double(box.maxY) - Double(box.minY),
                            Double(box.maxZ) - Double(box.minZ))
        guard gap > 0.5 * (ex * ex + ey * ey + ez * ez).squareRoot() * _Geometry.equatorialRadius else { return nil }
        guard let pivot = _Geometry.coordinate(direction: ((Double(box.minX) + Double(box.maxX)) / 2,
                                                          (Double(box.minY) + Double(box.maxY)) / 2,
                                                          (Double(box.minZ) + Double(box.maxZ)) / 2))
        else { return nil }
        let u = _Geometry.unitVector(pivot)
        // The farthest corner of the box from the pivot's vector (the chord to a point of the
        // box is convex, so greatest at a corner), widened for Double rounding.
        let dx = Swift.max(abs(u.x - Double(box.minX)), abs(u.x - Double(box.maxX)))
        let dy = Swift.max(abs(u.y - Double(box.minY)), abs(u.y - Double(box.maxY)))
        let dz = Swift.max(abs(u.z - Double(box.minZ)), abs(u.z - Double(box.maxZ)))
        let chord = (dx * dx + dy * dy + dz * dz).squareRoot() * (1 + 1e-12)
        let radius = _Geometry.distanceUpperBound(chord: chord)
        // Otherwise the chord bounds already bound the node as well as a pivot could.
        guard gap > radius else { return nil }
        // Within the reach of the expansion at hand, its lower bound at the pivot serves
        // without a geodesic; otherwise the pivot's geodesic, with the expansion around it.
        let pivotDistance: Double
        if let bounds = expansion?.bounds(_Geometry.ecef(pivot)) {
            pivotDistance = bounds.lower
        } else if let fresh = _Expansion.around(pivot, from: point) {
            expansion = fresh
            geodesics &+= 1
            prune(by: fresh)
            pivotDistance = fresh.distance
        } else {
            pivotDistance = geodesic(to: pivot)
        }
        let lower = pivotDistance - radius
        guard lower > 0 else { return nil }
        return _Geometry.chordBound(forDistance: lower)
    }

    /// How many candidates queued at once tell a dense cluster within the chord bounds' gap:
    /// then a node popped is offered to ``pivotKey(_:bound:)`` however few geodesics the search
    /// has computed. Below ``pivotChord`` the search otherwise expanded every node of such a
    /// cluster before its first candidate (their keys are all below its entries'), so that no
    /// node was left to pop after ``pivotAfter`` geodesics: each entry within the gap of the
    /// nearest cost a geodesic (a line of 200,000 sites 1 cm apart, 280 km away: 103,000
    /// geodesics and 100 ms a nearest-1; now 67 and 0.43 ms). 64 beyond four per answer asked
    /// for: a nearest-100 queues a few hundred in any case (at 64 alone, +9% time on the hostile
    /// mix's nearest-100, a harness). On the three mixes' queries (100,000 points, callgrind)
    /// nearest-1 and nearest-10 run within 0.4% of the instructions they ran before.
    @inlinable var crowdedCandidates: Int { 64 + 4 * Swift.min(ranking.capacity, Int.max / 8) }

    /// Drops the queued candidates that a new expansion puts out of reach, in one pass over the
    /// heap's storage (then heapified, no allocation): the entries queued before it (by their
    /// Float chords, kilometres wide far from the query; a leaf's worth a scan) would otherwise
    /// each cost a pop to be dropped. The threshold only falls: a candidate out of reach now
    /// stays so. (Raising the keys of the others too saved nothing measurable.)
    @inlinable mutating func prune(by expansion: _Expansion) {
        guard candidates.count > 1 else { return }
        let threshold = self.threshold
        candidates.removeAll { c in
            guard !c.exact,
                  let lower = expansion.bounds(c.leaf._withUnsafeGuaranteedRef({ $0.entries[Int(c.index)].box }))?.lower
            else { return false }
            return lower > 0 && _Geometry.chordBound(forDistance: lower) > threshold
        }
    }

    /// Lower and upper bounds in metres on the geodesic to the point at ECEF `position`, whose
    /// Float unit vector is `unitChord` from the query's.
    @inlinable @inline(__always)
    func bounds(unitChord: Double, at position: (x: Double, y: Double, z: Double)) -> (lower: Double, upper: Double) {
        let chord = _Geometry.ecefChord(from: origin, to: position)
        // Below a unit chord of 0.25 (~1,600 km) the ECEF bounds are the tighter ones and the
        // geodesic is far shorter than πρ; beyond it, combine them with the unit-vector bounds.
        if unitChord < 0.25 {
            return _Geometry.distanceBounds(ecefChord: chord, coarseUpper: .pi * _Geometry.minimumCurvatureRadius)
        }
        let coarseUpper = _Geometry.distanceUpperBound(chord: unitChord)
        let fine = _Geometry.distanceBounds(ecefChord: chord, coarseUpper: coarseUpper)
        return (Swift.max(fine.lower, _Geometry.distanceLowerBound(chord: unitChord)), fine.upper)
    }

    /// What ``holdsNoAnswer(_:box:after:full:)`` needs of the ranking, read once per node
    /// expanded: whether it is full, and its last element while it is full of answers 0 m
    /// away (read only then: a threshold of 0 is rare).
    @inlinable var pruning: (full: Bool, lastAtZero: Element?) {
        let full = ranking.isFull
        return (full, full && threshold == 0 ? ranking.lastAtZero : nil)
    }

    /// Whether `child` (whose box is `box`) holds no answer for the ranking, once it is full.
    /// A child at one Float point (a crowd's) keeps the range of its elements. When the ranking
    /// is full of answers 0 m away (`lastAtZero`, its last element), it takes only smaller
    /// elements, wherever they lie: a child whose range starts above holds none. Otherwise, a
    /// child known to hold one point (``_NodeHeader/onePoint``) is one distance away, one
    /// geodesic (kept for the crowd's other nodes): it holds none if the ranking would not take
    /// its smallest element at that distance. A query at or near a crowd of duplicates then
    /// looks at some of its subtrees instead of at every leaf.
    @inlinable @inline(__always)
    mutating func holdsNoAnswer(_ child: _Node<Element>, box: _Box, after lastAtZero: Element?, full: Bool) -> Bool {
        guard full, box.isPoint, let range = child.elements else { return false }
        if let lastAtZero, lastAtZero < range.lowerBound { return true }
        guard child.onePoint, let location = child.firstLocation else { return false }
        if let region, !region.contains(location) { return true }
        return !ranking.admits(distance: crowdGeodesic(to: location), element: range.lowerBound)
    }

    /// Whether a point at least `lower` metres away keys beyond the ``threshold``: compared in
    /// metres, without ``_Geometry/chordBound(forDistance:)`` (a division and a polynomial),
    /// against the threshold converted once (then until it changes). `false` says nothing.
    @inlinable @inline(__always) mutating func isBeyondReach(_ lower: Double) -> Bool {
        if thresholdInMetres.chord != threshold {
            thresholdInMetres = (threshold, _Geometry.distanceBeyond(chord: threshold))
        }
        return lower > thresholdInMetres.metres
    }

    /// The expansion's region of `node`'s box (see ``_Expansion/region(_:)``), if the node lies
    /// within its reach: computed once for all its children or entries. Out of line, as
    /// ``tightened(_:box:in:)``.
    @inlinable @inline(never) func region(of node: _Node<Element>) -> _Expansion.Region? {
        expansion?.region(node.computedBox)
    }

    /// The key `bound` (by its Float chord) of a child whose box is `box`, tightened by
    /// the expansion at hand where the box is within its reach, or `nil` when that puts
    /// the child out of reach. Far from the query the expansion is centimetres wide where the
    /// Float chord is kilometres wide: keyed by their chords, every node of a cluster seen
    /// from afar was queued, popped, its box computed again, keyed by ``pivotKey(_:bound:)``
    /// and requeued. `nearby`: the expansion's region of the parent's box, when within its
    /// reach (computed once for all the children). Out of line: ordinary queries have no
    /// expansion and never call it. (Its call is written out in `expand` and in the seed: one
    /// inlined helper around it changed what the compiler inlined in `expand`, +1% instructions
    /// on ordinary nearest-1 queries.)
    @inlinable @inline(never)
    mutating func tightened(_ bound: Double, box: _Box, in nearby: _Expansion.Region?) -> Double? {
        guard let expansion else { return bound }
        let near = nearby.map { expansion.bounds(box, in: $0) } ?? expansion.bounds(box)
        guard let lower = near?.lower, lower > 0 else { return bound }
        if isBeyondReach(lower) { return nil }
        let key = _Geometry.chordBound(forDistance: lower)
        guard key > bound else { return bound }
        return key <= threshold ? key : nil
    }

    /// Each child within reach enters the queue, keyed by the lower bound of its box; the
    /// nearest of them is held in `next` instead (and the one held before is queued). Children
    /// that ``holdsNoAnswer(_:box:after:full:)`` do not.
    @inlinable mutating func expand(_ node: _Node<Element>) {
        // Subscripts on the node's arrays, not buffer-pointer closures (see `scan`).
        if let held = next {
            nodes.insert(held)
            next = nil
        }
        let (full, lastAtZero) = pruning
        let nearby = expansion == nil ? nil : region(of: node)
        for chunk in 0..<node.boxes.chunkCount {
            // Most chunks have no child within reach.
            var (lanes, d2) = node.boxes.lanes(chunk: chunk, within: reachSquared, of: qf)
            let first = chunk * _Boxes.width
            while lanes != 0 {
                let lane = lanes.trailingZeroBitCount
                lanes &= lanes &- 1
                if let region, !region.mayHold(node.boxes[first + lane]) { continue }
                if holdsNoAnswer(node.children[first + lane], box: node.boxes[first + lane], after: lastAtZero, full: full) {
                    continue
                }
                var bound = _Geometry.lowerChord(floatSquared: d2[lane])
                if expansion != nil {
                    guard let key = tightened(bound, box: node.boxes[first + lane], in: nearby) else { continue }
                    bound = key
                }
                let item = _NodeItem(bound: bound, node: Unmanaged.passUnretained(node.children[first + lane]))
                _Node.prefetch(item.node, lines: _Node<Element>.usualLines(level: node.level - 1))
                if let best = next {
                    if item.bound < best.bound {
                        nodes.insert(best)
                        next = item
                    } else {
                        nodes.insert(item)
                    }
                } else {
                    next = item
                }
            }
        }
    }

    /// Seeds the search: descends greedily to the leaf nearest by bound and scans it first,
    /// so that the best-first search prunes from its first step. The siblings met on the way
    /// are the rest of the tree; their bounds, computed once and kept on the stack (under a
    /// kilobyte: no allocation), let those still within reach after the scan enter the queue,
    /// so that no node on the path is looked at twice. (A node wider than the branch
    /// capacity, which the tree never builds, would fall back to queueing the root.)
    /// Returns the seed leaf.
    @inlinable mutating func seed(from root: _Node<Element>) -> _Node<Element> {
        let chunks = (RTree<Element>.branchCapacity + _Boxes.width - 1) / _Boxes.width
        let levels = root.level
        return withUnsafeTemporaryAllocation(of: Unmanaged<_Node<Element>>.self, capacity: Swift.max(1, levels)) { path in
            withUnsafeTemporaryAllocation(of: _Boxes.Lanes.self, capacity: Swift.max(1, levels * chunks)) { bounds in
                var recorded = true
                var node = Unmanaged.passUnretained(root)
                var level = 0
                var leafSquared: Float = 0  // the seed leaf's squared Float chord
                while node._withUnsafeGuaranteedRef({ !$0.isLeaf }) {
                    node = node._withUnsafeGuaranteedRef { node in
                        let count = node.boxes.count
                        let fits = recorded && level < path.count && count <= chunks * _Boxes.width
                        var best = 0
                        var bestDistance = Float.infinity
                        var holding: UInt64 = 0  // the children whose box holds the query
                        for chunk in 0..<node.boxes.chunkCount {
                            // Lanes past the last box are +∞ (see `_Boxes`): the minimum is a box's.
                            let d2 = node.boxes.floatDistancesSquared(chunk: chunk, from: qf)
                            if fits { bounds[level * chunks + chunk] = d2 }
                            let nearest = _Boxes.minimum(d2)
                            if nearest == 0 {
                                holding |= UInt64(_Boxes.lanes(d2, atMost: 0)) << UInt64(chunk * _Boxes.width)
                            }
                            if nearest < bestDistance {
                                bestDistance = nearest
                                best = chunk * _Boxes.width + _Boxes.lanes(d2, atMost: nearest).trailingZeroBitCount
                            }
                        }
                        // Of the boxes holding the query (overlaps in dense areas), the smallest.
                        if holding != 0 { best = node.boxes.smallest(of: holding) }
                        leafSquared = bestDistance  // 0 when a box holds the query
                        if fits {
                            path[level] = Unmanaged.passUnretained(node)
                            level += 1
                        } else {
                            recorded = false
                        }
                        let child = Unmanaged.passUnretained(node.children[best])
                        _Node.prefetch(child, lines: _Node<Element>.usualLines(level: node.level - 1))
                        return child
                    }
                }
                let leaf = node.takeUnretainedValue()
                // Far from the query (see ``pivotChord``), a pivot at the seed leaf brings the
                // expansion before the scan: the leaf's entries and the siblings below are then
                // keyed by it, not by chords kilometres wide (each sibling was popped only to be
                // keyed again and requeued: ~50 a query from the far side of the Earth).
                if level > 0, recorded, case let leafBound = _Geometry.lowerChord(floatSquared: leafSquared),
                   leafBound >= Self.pivotChord
                {
                    _ = pivotKey(leaf, bound: leafBound)
                }
                scan(leaf)
                guard recorded else {
                    nodes.insert(_NodeItem(bound: 0, node: Unmanaged.passUnretained(root)))
                    return leaf
                }
                // The siblings still within reach enter the queue; the path's own nodes
                // (the child taken at each level) do not, nor those that hold no answer of a
                // ranking full of nearer answers (see `expand`).
                let (full, lastAtZero) = pruning
                for l in 0..<level {
                    let taken = l + 1 < level ? path[l + 1] : node
                    path[l]._withUnsafeGuaranteedRef { parent in
                        let nearby = expansion == nil ? nil : region(of: parent)
                        for i in 0..<parent.children.count {
                            let d2 = bounds[l * chunks + i / _Boxes.width][i % _Boxes.width]
                            guard d2 <= reachSquared else { continue }
                            if let region, !region.mayHold(parent.boxes[i]) { continue }
                            let child = Unmanaged.passUnretained(parent.children[i])
                            guard child.toOpaque() != taken.toOpaque() else { continue }
                            if holdsNoAnswer(parent.children[i], box: parent.boxes[i], after: lastAtZero, full: full) {
                                continue
                            }
                            var bound = _Geometry.lowerChord(floatSquared: d2)
                            if expansion != nil {
                                guard let key = tightened(bound, box: parent.boxes[i], in: nearby) else { continue }
                                bound = key
                            }
                            _Node.prefetch(child)
                            nodes.insert(_NodeItem(bound: bound, node: child))
                        }
                    }
                }
                return leaf
            }
        }
    }

    /// Settles candidate `c` (refined, and first by its key) of an in-order search. It is the
    /// next answer if its upper bound, or failing that its geodesic, lies before every other
    /// key by more than ``_Geometry/keyMargin``. Otherwise it is requeued, keyed by its
    /// geodesic, behind the candidates not yet exact that share its key; once it comes back
    /// exact, the nearest of it and every candidate keyed within the margin of it (ties by
    /// element) is the next answer. A node within the margin leaves the search `undecided`.
    /// Returns whether the search goes on.
    @inlinable mutating func settleInOrder(_ c: _CandidateItem<Element>, _ entry: _Entry<Element>,
                                           nodeBound: Double) -> Bool {
        var c = c
        let location = entry.location
        let others = Swift.min(nodeBound, candidates.min?.bound ?? .infinity)
        if !c.exact {
            let unitChord = entry.distanceSquared(x: q.x, y: q.y, z: q.z).squareRoot()
            let upper = _Geometry.isSamePoint(point, location) ? 0 : bounds(unitChord: unitChord, at: _Geometry.ecef(location)).upper
            if upper <= ranking.maxDistance && _Geometry.chordBound(forDistance: upper) + _Geometry.keyMargin < others {
                return accept(Neighbor(element: entry.element, location: location, distance: upper))
            }
        }
        let d = _Geometry.distance(from: point, to: location)
        geodesics &+= 1
        guard d <= ranking.maxDistance else { return true }
        let key = _Geometry.chordBound(forDistance: d)
        let tied = key + _Geometry.keyMargin
        if tied < others { return accept(Neighbor(element: entry.element, location: location, distance: d)) }
        if nodeBound <= tied {
            undecided = true
            return false
        }
        if !c.exact {
            c.bound = key
            c.exact = true
            candidates.insert(c)
            return true
        }
        // Back exact: the nearest of it and every candidate keyed within the margin (their
        // geodesics compared, ties by element) is next; the rest go back. Anything keyed beyond
        // the margin is farther than `d`.
        var best = (distance: d, element: entry.element, location: location, item: c)
        var rest: [_CandidateItem<Element>] = []
        while let rival = candidates.min, rival.bound <= tied {
            _ = candidates.popMin()
            let other = rival.leaf._withUnsafeGuaranteedRef { $0.entries[Int(rival.index)] }
            let otherLocation = other.location
            let distance = otherLocation == best.location ? best.distance : _Geometry.distance(from: point, to: otherLocation)
            if distance < best.distance || (distance == best.distance && other.element < best.element) {
                rest.append(best.item)
                best = (distance, other.element, otherLocation, rival)
            } else {
                rest.append(rival)
            }
        }
        for item in rest { candidates.insert(item) }
        return accept(Neighbor(element: best.element, location: best.location, distance: best.distance))
    }

    /// Appends the next answer of an in-order search; returns whether more are wanted.
    @inlinable mutating func accept(_ n: Neighbor<Element>) -> Bool {
        guard ranking.items.count < ranking.capacity else { return false }
        ranking.items.append(n)
        updateReach()
        return ranking.items.count < ranking.capacity
    }

    /// Runs the search from `root`, which the caller keeps alive.
    @inlinable mutating func run(_ root: _Node<Element>) -> [Neighbor<Element>] {
        let seed = self.seed(from: root)
        if undecided { return ranking.items }
        while true {
            let queuedBound = nodes.min?.bound ?? .infinity
            let nextBound = next?.bound ?? .infinity
            let nodeBound = Swift.min(queuedBound, nextBound)
            let candidateBound = candidates.min?.bound ?? .infinity
            if Swift.min(nodeBound, candidateBound) > threshold { break }
            // A candidate first when one is queued at or below every node's key (an empty
            // queue's key is +∞: with no candidate queued, the nodes are expanded).
            if candidateBound <= nodeBound, var c = candidates.popMin() {
                let entry = c.leaf._withUnsafeGuaranteedRef { $0.entries[Int(c.index)] }
                let location = entry.location
                if !c.refined {
                    // Tighten the bounds with the exact ECEF chord before paying for a geodesic.
                    guard let key = refinedKey(entry) else {
                        refinedInVain += 1
                        continue
                    }
                    c.bound = key
                    c.refined = true
                    // Still first in best-first order: settled now, without a push and a pop.
                    guard key <= Swift.min(nodeBound, candidates.min?.bound ?? .infinity) else {
                        candidates.insert(c)
                        continue
                    }
                } else if let expansion, !c.exact, let bounds = expansion.bounds(_Geometry.ecef(location)) {
                    // Refined by its chords before the expansion was at hand (its upper bound was
                    // noted then, and is not noted twice): the tighter key may put it behind
                    // others, or out of reach.
                    let key = _Geometry.chordBound(forDistance: bounds.lower)
                    if key > c.bound {
                        if key <= threshold {
                            c.bound = key
                            candidates.insert(c)
                        }
                        continue
                    }
                }
                if inOrder {
                    guard settleInOrder(c, entry, nodeBound: nodeBound) else { break }
                    continue
                }
                ranking.offer(Neighbor(element: entry.element, location: location, distance: geodesic(to: location)))
                updateReach()
                continue
            }
            let item: _NodeItem<Element>
            if let held = next, nextBound <= queuedBound {
                item = held
                next = nil
            } else {
                guard let popped = nodes.popMin() else { break }
                item = popped
            }
            if geodesics >= pivotAfter || item.bound >= Self.pivotChord || candidates.count >= crowdedCandidates,
               let key = item.node._withUnsafeGuaranteedRef({ pivotKey($0, bound: item.bound) }), key > item.bound + 1e-9
            {
                // Requeued behind what may come first now (a pivot found again gives the same
                // key, not a greater one: then the node is expanded); dropped if out of reach.
                // Not for a gain of 1e-9 or less (~6 mm): a child queued with the expansion's
                // key through its parent's region is keyed here through its own box, a hair
                // tighter, and was requeued for nothing (expanding a node early costs work, never
                // an answer).
                if key <= threshold { nodes.insert(_NodeItem(bound: key, node: item.node)) }
                continue
            }
            // The tree holds every node for the whole search: no retain needed.
            item.node._withUnsafeGuaranteedRef { node in
                if node.isLeaf {
                    if node !== seed { scan(node) }
                } else {
                    expand(node)
                }
            }
            if undecided { break }
        }
        return ranking.items
    }
}
