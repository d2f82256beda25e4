import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy
import SpatialIndex
import Testing

/// The ids-only radius queries (`elements(within:of:)`, `count(within:of:)`) against the
/// brute-force oracle, including points placed 1 mm inside and outside the radius.
@Suite("RTree ids-only radius queries")
struct RadiusIDsTests {
    @Test("ids and counts agree with the oracle at the boundary (radius ± 1 mm), poles and antimeridian",
          arguments: [UInt64(11), 12, 13])
    func boundary(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let centres = GeoDataMix.skewed.queries(count: 30, seed: seed) + [
            Coordinate(latitude: 90, longitude: 0), Coordinate(latitude: -90, longitude: 0),
            Coordinate(latitude: 0, longitude: 180), Coordinate(latitude: -18.1, longitude: -179.99),
        ]
        let radii = [0.0, 1.0, 250, 5_000, 20_000, 150_000, 2_000_000]
        var points = GeoDataMix.skewed.points(count: 2_000, seed: seed)
        // Rings at exactly radius ± 1 mm around each centre, at random azimuths.
        for (ci, c) in centres.enumerated() {
            let r = radii[ci % radii.count]
            for _ in 0..<6 {
                let azimuth = Double.random(in: -180..<180, using: &rng)
                for delta in [-1e-3, 1e-3] where r + delta >= 0 {
                    points.append(Geodesic.wgs84.destination(from: c, azimuth: azimuth, distance: r + delta))
                }
            }
            points.append(c)
        }
        var oracle = Oracle()
        for (i, p) in points.enumerated() { oracle.points[Int64(i)] = p }
        let entries = points.enumerated().map { (Int64($0.offset), $0.element) }
        var dynamic = RTree<Int64>()
        for (id, p) in entries { dynamic.insert(id, at: p) }
        let bulk = RTree(bulkLoading: entries)
        try dynamic.checkInvariants()
        try bulk.checkInvariants()
        let odd: (Int64) -> Bool = { $0 % 2 == 1 }
        for (ci, c) in centres.enumerated() {
            for r in [radii[ci % radii.count], radii[(ci + 3) % radii.count]] {
                let expected = oracle.within(r, of: c).map(\.id).sorted()
                for tree in [dynamic, bulk] {
                    #expect(tree.elements(within: r, of: c) == expected, "seed \(seed) centre \(ci) \(c) radius \(r)")
                    #expect(tree.count(within: r, of: c) == expected.count, "seed \(seed) centre \(ci) radius \(r)")
                    #expect(tree.elements(within: r, of: c, where: odd) == expected.filter(odd),
                            "seed \(seed) centre \(ci) radius \(r) filter")
                    #expect(tree.neighbors(within: r, of: c).map(\.element).sorted() == expected)
                }
            }
        }
    }
}
