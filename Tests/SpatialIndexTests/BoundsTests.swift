import GeoContactsTestSupport
import Geodesy
@testable import SpatialIndex
import Testing

/// The two facts the index's exactness rests on, checked on random and extreme pairs:
/// lower bound ≤ geodesic ≤ upper bound, both computed from the Float vectors stored.
@Suite("Geodesic bounds from unit vectors")
struct BoundsTests {
    @Test("lower and upper bounds enclose the exact geodesic", arguments: [3 as UInt64, 11, 12345])
    func enclose(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var points = hardPoints(2_000, using: &rng)
        // Extremes: antipodes, poles, the antimeridian, coincident points.
        points += [Coordinate(latitude: 0, longitude: 0), Coordinate(latitude: 0, longitude: 180),
                   Coordinate(latitude: 90, longitude: 0), Coordinate(latitude: -90, longitude: 45),
                   Coordinate(latitude: 0.5, longitude: 179.5), Coordinate(latitude: -0.5, longitude: -0.5)]
        for _ in 0..<20_000 {
            let a = points.randomElement(using: &rng)!, b = points.randomElement(using: &rng)!
            let ea = _Entry(Int64(0), a), eb = _Entry(Int64(1), b)
            let chord = ea.distanceSquared(x: Double(eb.x), y: Double(eb.y), z: Double(eb.z)).squareRoot()
            let exact = Geodesic.wgs84.distance(from: a, to: b)
            // The query side is exact in the index; here both sides are rounded, so allow
            // the slack twice for the lower bound.
            let lower = _Geometry.distanceLowerBound(chord: max(0, chord - _Geometry.floatSlack))
            let upper = _Geometry.distanceUpperBound(chord: chord + _Geometry.floatSlack)
            #expect(lower <= exact + 1e-9, "lower \(lower) > exact \(exact) for \(a) → \(b)")
            #expect(exact <= upper + 1e-9, "exact \(exact) > upper \(upper) for \(a) → \(b)")
        }
    }
}

@Suite("Bulk-load ordering")
struct BulkOrderTests {
    @Test("the radix sort of Hilbert keys equals a stable comparison sort", arguments: [10, 65, 1_000, 50_000])
    func radixSortMatches(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count))
        var items = ContiguousArray<(key: UInt64, index: Int)>()
        for i in 0..<count {
            // Few distinct high parts, so that equal keys (stability) and every digit occur.
            let key = (rng.next() & 0x7FFF_FFFF_FFFF_FFFF) >> UInt64(rng.nextInt(below: 60))
            items.append((key, i))
        }
        var expected = Array(items)
        expected.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        _Hilbert.radixSort(&items)
        #expect(items.map(\.key) == expected.map(\.key))
        #expect(items.map(\.index) == expected.map(\.index), "stable")
    }
}
