public import Geodesy

/// The R-tree's exact ranking applied to an explicit list of candidates, for filtered
/// queries whose candidate set is small (a small group, a subtree): ordering by the cheap
/// unit-vector lower bound first, then exact WGS84 geodesics only while they can matter.
public enum SpatialScan {
    /// The `count` candidates nearest to `point`, ascending by (distance, element).
    ///
    /// - Complexity: O(m log m) for m candidates, plus one exact geodesic per candidate
    ///   whose lower bound is within the current k-th distance.
    @inlinable public static func nearest<E: Comparable & Sendable, S: Sequence>(
        to point: Coordinate, count: Int, maxDistance: Double = .infinity, among candidates: S
    ) -> [Neighbor<E>] where S.Element == (E, Coordinate) {
        guard count > 0, !(maxDistance < 0), point.isValid else { return [] }
        let q = _Geometry.unitVector(point)
        var bounded: [(bound: Double, entry: _Entry<E>)] = []
        bounded.reserveCapacity(candidates.underestimatedCount)
        for (element, location) in candidates {
            let e = _Entry(element, location)
            bounded.append((Swift.max(0, e.distanceSquared(x: q.x, y: q.y, z: q.z).squareRoot() - _Geometry.floatSlack), e))
        }
        bounded.sort { $0.bound < $1.bound }
        var ranking = _Ranking<E>(capacity: count, maxDistance: maxDistance)
        for (bound, e) in bounded {
            if bound > ranking.chordThreshold { break }
            let location = e.location
            ranking.offer(Neighbor(element: e.element, location: location,
                                   distance: _Geometry.distance(from: point, to: location)))
        }
        return ranking.items
    }

    /// Every candidate within `radius` metres of `point`, ascending by (distance, element).
    ///
    /// - Complexity: O(m) plus one exact geodesic per candidate near the radius.
    @inlinable public static func neighbors<E: Comparable & Sendable, S: Sequence>(
        within radius: Double, of point: Coordinate, among candidates: S
    ) -> [Neighbor<E>] where S.Element == (E, Coordinate) {
        guard radius >= 0, point.isValid else { return [] }
        let q = _Geometry.unitVector(point)
        let threshold = _Geometry.chordBound(forDistance: radius)
        var out: [Neighbor<E>] = []
        for (element, location) in candidates {
            let e = _Entry(element, location)
            guard e.distanceSquared(x: q.x, y: q.y, z: q.z).squareRoot() - _Geometry.floatSlack <= threshold
            else { continue }
            let d = _Geometry.distance(from: point, to: location)
            if d <= radius { out.append(Neighbor(element: element, location: location, distance: d)) }
        }
        out.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.element < $1.element) }
        return out
    }
}
