public import Geodesy

extension RTree {
    /// Every entry inside `polygon` (geodesic edges on WGS84, boundary included; see
    /// `GeoPolygon`).
    ///
    /// The traversal skips every node that misses the bounds of each of the polygon's parts,
    /// so a polygon costs what its bounding boxes hold, never a full scan; entries within the
    /// bounds are tested exactly with `GeoPolygon.contains(_:)`.
    ///
    /// - Returns: entries ascending by element, with distance 0.
    /// - Complexity: O(log n + m) node visits, m the entries inside the polygon's bounds.
    @inlinable public func elements(
        inside polygon: GeoPolygon, where isIncluded: ((Element) -> Bool)? = nil
    ) -> [Neighbor<Element>] {
        guard !isEmpty else { return [] }
        return _elements(in: _PolygonRegion(polygon), where: isIncluded)
    }

    /// The `count` entries inside `polygon` nearest to `point` by WGS84 geodesic distance,
    /// optionally within `maxDistance` metres and filtered, ascending by distance then element.
    ///
    /// The best-first search of ``nearest(to:count:maxDistance:where:)``, which also skips
    /// every node that misses the polygon's bounds: a polygon far from the point costs the
    /// nodes between them, not every entry nearer than the polygon.
    @inlinable public func nearest(
        to point: Coordinate, count: Int, maxDistance: Double = .infinity, inside polygon: GeoPolygon,
        where isIncluded: ((Element) -> Bool)? = nil
    ) -> [Neighbor<Element>] {
        guard count > 0, !isEmpty, !(maxDistance < 0), point.isValid else { return [] }
        return _nearest(to: point, count: count, maxDistance: maxDistance, region: _PolygonRegion(polygon),
                        where: isIncluded)
    }
}

/// A polygon as a query region: one box of unit vectors per part.
@usableFromInline struct _PolygonRegion: _Region {
    @usableFromInline let polygon: GeoPolygon
    @usableFromInline let bounds: [_Box]

    @inlinable init(_ polygon: GeoPolygon) {
        self.polygon = polygon
        bounds = polygon.bounds.map(_Geometry.vectorBounds(of:))
    }

    @inlinable func mayHold(_ box: _Box) -> Bool {
        for part in bounds where part.intersects(box) { return true }
        return false
    }

    @inlinable func contains(_ location: Coordinate) -> Bool { polygon.contains(location) }

    /// Never sure: a polygon's nodes are all tested entry by entry.
    @inlinable func holdsAll(_ box: _Box) -> Bool { false }
}
