import Foundation
import GeoDataGeneration
import Geodesy
@testable import SpatialIndex
import Testing

/// The bounds of ``_Expansion`` (the distance from a query expanded around a pivot) enclose
/// the exact geodesic for every point within its reach: pivots from 100 m to 19,880 km away,
/// at and around both poles and across the antimeridian, points at the edge of the reach; to
/// first order, and to second up to 9,000 km where the first-order remainder exceeds 5 cm.
@Suite("Expansion of the distance around a pivot")
struct ExpansionTests {
    @Test("lower ≤ geodesic ≤ upper within the reach", arguments: [5 as UInt64, 6, 77])
    func enclose(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let geodesic = Geodesic.wgs84
        var checked = 0, nearAntipode = 0
        for trial in 0..<4_000 {
            let query: Coordinate
            switch trial % 4 {
            case 0: query = Coordinate(latitude: 90, longitude: Double.random(in: -180...180, using: &rng))
            case 1: query = Coordinate(latitude: -89.9999, longitude: Double.random(in: -180...180, using: &rng))
            default: query = Coordinate(latitude: Double.random(in: -90...90, using: &rng),
                                        longitude: Double.random(in: -180...180, using: &rng))
            }
            // A pivot at a random distance (log-uniform from 100 m to 19,000 km, where the
            // reach ends at 19,880 km) and azimuth, or at a pole.
            // A fifth of them 17,000–19,950 km away, where the reach ends nearer the antipode.
            let distance = trial % 5 == 3 ? Double.random(in: 17_000_000...19_950_000, using: &rng)
                : 100 * pow(190_000, Double.random(in: 0...1, using: &rng))
            var pivot = geodesic.destination(from: query, azimuth: Double.random(in: -180...180, using: &rng),
                                             distance: distance)
            if trial % 7 == 0 { pivot = Coordinate(latitude: trial % 14 == 0 ? 90 : -90, longitude: pivot.longitude) }
            guard let expansion = _Expansion.around(pivot, from: query) else { continue }
            if expansion.distance > 0.9 * .pi * _Geometry.polarRadius { nearAntipode += 1 }
            for _ in 0..<8 {
                // Within the reach, often at its edge.
                let r = expansion.reach * (Bool.random(using: &rng) ? 0.999 : Double.random(in: 0...1, using: &rng))
                let p = geodesic.destination(from: pivot, azimuth: Double.random(in: -180...180, using: &rng), distance: r)
                guard let bounds = expansion.bounds(_Geometry.ecef(p)) else { continue }
                let exact = geodesic.distance(from: query, to: p)
                #expect(bounds.lower <= exact && exact <= bounds.upper,
                        "query \(query) pivot \(pivot) point \(p): \(bounds.lower) ≤ \(exact) ≤ \(bounds.upper)")
                checked += 1
            }
        }
        #expect(checked > 10_000)
        #expect(nearAntipode > 200)
    }

    /// `bounds(_:)` of a box bounds a whole box of Float unit vectors (a node's, or one
    /// entry's) from below and above, no further than the remainder and the Float rounding from
    /// the nearest and farthest of its points; a box reaching beyond the reach gets none.
    @Test("a box's bounds: below and above every point in it, and tight", arguments: [8 as UInt64, 9])
    func boxes(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let geodesic = Geodesic.wgs84
        var checked = 0, outOfReach = 0
        for trial in 0..<3_000 {
            guard let (query, pivot, expansion) = Self.expansion(trial: trial, using: &rng) else { continue }
            // A cluster around a point near the pivot, from one point (an entry) to a spread
            // that may leave the reach.
            let centre = geodesic.destination(from: pivot, azimuth: Double.random(in: -180...180, using: &rng),
                                              distance: expansion.reach * Double.random(in: 0...0.9, using: &rng))
            let spread = trial % 3 == 0 ? 0 : expansion.reach * pow(10, Double.random(in: -4...0, using: &rng))
            let points = Self.points(spread == 0 ? 1 : 12, within: spread, of: centre, using: &rng)
            var box = _Box.empty
            for p in points { box.formUnion(_Entry(0 as Int32, p).box) }
            let distances = points.map { geodesic.distance(from: query, to: $0) }
            let nearest = distances.min() ?? 0, farthest = distances.max() ?? 0
            guard let (lower, upper) = expansion.bounds(box) else {
                // Only a box that may reach past the reach has no bound (its corners lie within
                // the points' distance from the pivot plus its diagonal, and the Float rounding).
                let fromPivot = points.map { geodesic.distance(from: pivot, to: $0) }.max() ?? 0
                #expect(fromPivot > expansion.reach / 8 || expansion.reach < 20,
                        "no bound for a box within \(fromPivot) m of the pivot, reach \(expansion.reach) m")
                outOfReach += 1
                continue
            }
            #expect(lower <= nearest, "query \(query) pivot \(pivot): \(lower) > \(nearest)")
            #expect(upper >= farthest, "query \(query) pivot \(pivot): \(upper) < \(farthest)")
            // One entry: beyond the expansion's own bounds at its exact position by the Float
            // rounding (~0.8 m) at most, and what that adds to the remainder.
            if points.count == 1, let exact = expansion.bounds(_Geometry.ecef(points[0])) {
                #expect(lower >= exact.lower - 2, "query \(query) pivot \(pivot): \(lower) ≪ \(exact.lower)")
                #expect(upper <= exact.upper + 2, "query \(query) pivot \(pivot): \(upper) ≫ \(exact.upper)")
            }
            checked += 1
        }
        #expect(checked > 1_000)
        #expect(outOfReach > 10)
    }

    /// `bounds(_:in:)` bounds a box inside another (a child in its parent's box, an entry in its
    /// leaf's) through the outer box's region, computed once: below and above every point of
    /// the inner box, and never tighter than the inner box's own bounds (the outer radii and
    /// remainder cover it, no more).
    @Test("an inner box's bounds through its outer box's region", arguments: [10 as UInt64, 11])
    func innerBoxes(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let geodesic = Geodesic.wgs84
        var checked = 0
        for trial in 0..<3_000 {
            guard let (query, pivot, expansion) = Self.expansion(trial: trial, using: &rng) else { continue }
            // An outer box of 24 points around a point near the pivot; the inner box holds a
            // few of them (one: an entry).
            let centre = geodesic.destination(from: pivot, azimuth: Double.random(in: -180...180, using: &rng),
                                              distance: expansion.reach * Double.random(in: 0...0.6, using: &rng))
            let spread = expansion.reach * pow(10, Double.random(in: -4 ... -0.5, using: &rng))
            let points = Self.points(24, within: spread, of: centre, using: &rng)
            var outer = _Box.empty
            for p in points { outer.formUnion(_Entry(0 as Int32, p).box) }
            guard let region = expansion.region(outer) else { continue }
            let inner = Array(points.prefix(trial % 2 == 0 ? 1 : 6))
            var box = _Box.empty
            for p in inner { box.formUnion(_Entry(0 as Int32, p).box) }
            let (lower, upper) = expansion.bounds(box, in: region)
            let distances = inner.map { geodesic.distance(from: query, to: $0) }
            #expect(lower <= distances.min() ?? 0, "query \(query) pivot \(pivot): \(lower) > \(distances.min() ?? 0)")
            #expect(upper >= distances.max() ?? 0, "query \(query) pivot \(pivot): \(upper) < \(distances.max() ?? 0)")
            // Of one order, never tighter than the inner box's own bounds. (A small box near C may
            // be bounded to first order where its outer box, reaching farther, is to second:
            // then its own bounds may be the looser ones.)
            if let own = expansion.bounds(box), expansion.region(box)?.secondOrder == region.secondOrder {
                #expect(lower <= own.lower && upper >= own.upper, "tighter through the outer region: \(lower)...\(upper) within \(own.lower)...\(own.upper)")
            }
            checked += 1
        }
        #expect(checked > 1_000)
    }

    /// A query (at a pole every fifth trial) and a pivot log-uniformly 100 m to 19,000 km from
    /// it (at a pole every seventh), with the expansion around it, if there is one.
    static func expansion(trial: Int, using rng: inout SeededGenerator) -> (Coordinate, Coordinate, _Expansion)? {
        let query = trial % 5 == 0
            ? Coordinate(latitude: trial % 10 == 0 ? 90 : -90, longitude: Double.random(in: -180...180, using: &rng))
            : Coordinate(latitude: Double.random(in: -90...90, using: &rng), longitude: Double.random(in: -180...180, using: &rng))
        let distance = 100 * pow(190_000, Double.random(in: 0...1, using: &rng))
        var pivot = Geodesic.wgs84.destination(from: query, azimuth: Double.random(in: -180...180, using: &rng),
                                               distance: distance)
        if trial % 7 == 0 { pivot = Coordinate(latitude: trial % 14 == 0 ? 90 : -90, longitude: pivot.longitude) }
        return _Expansion.around(pivot, from: query).map { (query, pivot, $0) }
    }

    /// `count` points within `spread` metres of `centre`, at uniform azimuths and distances.
    static func points(_ count: Int, within spread: Double, of centre: Coordinate,
                       using rng: inout SeededGenerator) -> [Coordinate] {
        (0..<count).map { _ in
            Geodesic.wgs84.destination(from: centre, azimuth: Double.random(in: -180...180, using: &rng),
                                       distance: spread * Double.random(in: 0...1, using: &rng))
        }
    }
}
