public import Geodesy

extension RTree {
    /// The elements within `radius` metres (inclusive) of `point`, by WGS84 geodesic, without
    /// their distances.
    ///
    /// Exact like ``neighbors(within:of:where:)`` but cheaper: an entry whose proven upper
    /// bound (a·θ·(1 + 1e-5) from its Float unit chord) is within `radius` is accepted and one
    /// whose lower bound (b·θ) is beyond it rejected, both without a geodesic; only entries in
    /// the band between pay one `geod_inverse`.
    ///
    /// - Returns: the elements ascending.
    /// - Complexity: O(log n + m) expected, m the number of answers.
    @inlinable public func elements(
        within radius: Double, of point: Coordinate, where isIncluded: ((Element) -> Bool)? = nil
    ) -> [Element] {
        var out: [Element] = []
        _forEach(within: radius, of: point, where: isIncluded) { out.append($0) }
        out.sort()
        return out
    }

    /// How many entries are within `radius` metres (inclusive) of `point`, by WGS84 geodesic;
    /// the count of ``elements(within:of:where:)``.
    ///
    /// - Complexity: O(log n + m) expected, m the number counted.
    @inlinable public func count(
        within radius: Double, of point: Coordinate, where isIncluded: ((Element) -> Bool)? = nil
    ) -> Int {
        var count = 0
        _forEach(within: radius, of: point, where: isIncluded) { _ in count += 1 }
        return count
    }

    /// Whether `entry`, in the band between its unit-chord bounds (0.34% of the radius wide),
    /// is within `radius` of `point` (whose ECEF position is `origin`; `upper` bounds the
    /// geodesic). The exact ECEF chord's bounds, about c³/24ρ² apart (0.13 m at 50 km), settle
    /// most such entries; the rest pay a geodesic. Beyond ~100 km (bounds more than a metre
    /// apart) that band can hold a whole city: such an entry also leaves behind the distance's
    /// expansion around it (``_Expansion``), which settles the entries within its reach (2 km)
    /// to centimetres, first from their Float vectors: only those that close to the radius pay
    /// a geodesic of their own. Out of line: inlined into the walk's loop it slowed the skewed
    /// mix's radius counts, whose entries are mostly settled before the band.
    @inlinable @inline(never) static func _withinInBand(
        _ entry: _Entry<Element>, radius: Double, of point: Coordinate,
        origin: (x: Double, y: Double, z: Double), upper: Double, expansion: inout _Expansion?
    ) -> Bool {
        if let near = expansion?.bounds(entry.box) {
            if near.upper <= radius { return true }
            if near.lower > radius { return false }
        }
        let location = entry.location
        let position = _Geometry.ecef(location)
        let fine = _Geometry.distanceBounds(ecefChord: _Geometry.ecefChord(from: origin, to: position), coarseUpper: upper)
        if fine.upper <= radius { return true }
        if fine.lower > radius { return false }
        if let near = expansion?.bounds(position) {
            if near.upper <= radius { return true }
            if near.lower > radius { return false }
        } else if fine.upper - fine.lower > 1 {
            expansion = _Expansion.around(location, from: point)
        }
        return _Geometry.distance(from: point, to: location) <= radius
    }

    /// Calls `body` once for each element within `radius` of `point` (the ids-only walk).
    @inlinable func _forEach(
        within radius: Double, of point: Coordinate, where isIncluded: ((Element) -> Bool)?,
        _ body: (Element) -> Void
    ) {
        guard !isEmpty, radius >= 0, point.isValid else { return }
        let vectors = _Geometry.vectors(point)
        let q = _Geometry.floatVector(vectors.unit)
        let origin = vectors.ecef
        let reach = _Geometry.floatReachSquared(threshold: _Geometry.chordBound(forDistance: radius))
        var expansion: _Expansion?
        var stack: [_Node<Element>] = [root]
        while let node = stack.popLast() {
            if node.isLeaf {
                for e in node.entries {
                    let d2 = e.floatDistanceSquared(q)
                    guard d2 <= reach else { continue }
                    if let isIncluded, !isIncluded(e.element) { continue }
                    let upper = _Geometry.distanceUpperBound(chord: _Geometry.upperChord(floatSquared: d2))
                    if upper <= radius {
                        body(e.element)
                        continue
                    }
                    let lower = _Geometry.distanceLowerBound(chord: _Geometry.lowerChord(floatSquared: d2))
                    if lower > radius { continue }
                    if Self._withinInBand(e, radius: radius, of: point, origin: origin, upper: upper, expansion: &expansion) {
                        body(e.element)
                    }
                }
            } else {
                for chunk in 0..<node.boxes.chunkCount {
                    var lanes = node.boxes.lanes(chunk: chunk, within: reach, of: q).bits
                    while lanes != 0 {
                        stack.append(node.children[chunk * _Boxes.width + lanes.trailingZeroBitCount])
                        lanes &= lanes &- 1
                    }
                }
            }
        }
    }
}
