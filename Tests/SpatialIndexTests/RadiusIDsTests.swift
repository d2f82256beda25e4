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
        let (oracle, dynamic, bulk) = try Self.indexed(points)
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

    /// A radius whose edge crosses a dense cluster far away (100 to 12,000 km): there the
    /// chords' band is wider than the cluster, so its entries are settled through expansions
    /// around entries met in the band (``_Expansion``), to centimetres. Points 1 mm either side
    /// of the edge among them.
    @Test("ids and counts agree with the oracle when the edge crosses a dense cluster far away",
          arguments: [(UInt64(21), 100_000.0), (22, 1_000_000), (23, 5_000_000), (24, 12_000_000)])
    func farEdge(seed: UInt64, radius: Double) throws {
        var rng = SeededGenerator(seed: seed)
        let geodesic = Geodesic.wgs84
        let city = Coordinate(latitude: 48.8566, longitude: 2.3522)
        let centre = geodesic.destination(from: city, azimuth: Double.random(in: -180...180, using: &rng), distance: radius)
        var points: [Coordinate] = (0..<3_000).map { _ in
            geodesic.destination(from: city, azimuth: Double.random(in: -180...180, using: &rng),
                                 distance: 3_000 * Double.random(in: 0...1, using: &rng).squareRoot())
        }
        // On the edge, 1 mm either side, where it crosses the cluster.
        for _ in 0..<40 {
            let p = points[Int.random(in: 0..<points.count, using: &rng)]
            let line = geodesic.inverse(from: centre, to: p)
            for delta in [-1e-3, 1e-3] {
                points.append(geodesic.destination(from: centre, azimuth: line.initialAzimuth, distance: radius + delta))
            }
        }
        let (oracle, dynamic, bulk) = try Self.indexed(points)
        let expected = oracle.within(radius, of: centre).map(\.id).sorted()
        try #require(expected.count > 100 && expected.count < points.count - 100, "the edge must cross the cluster")
        for (label, tree) in [("inserted", dynamic), ("bulk-loaded", bulk)] {
            #expect(tree.elements(within: radius, of: centre) == expected, "seed \(seed) \(label)")
            #expect(tree.count(within: radius, of: centre) == expected.count, "seed \(seed) \(label)")
            #expect(tree.elements(within: radius, of: centre, where: { $0 % 2 == 1 }) == expected.filter { $0 % 2 == 1 },
                    "seed \(seed) \(label) filter")
        }
    }

    /// `points` (ids in order) in the oracle, in a tree built one by one and in a bulk-loaded
    /// one, both checked.
    static func indexed(_ points: [Coordinate]) throws -> (Oracle, RTree<Int64>, RTree<Int64>) {
        var oracle = Oracle()
        for (i, p) in points.enumerated() { oracle.points[Int64(i)] = p }
        let entries = points.enumerated().map { (Int64($0.offset), $0.element) }
        var dynamic = RTree<Int64>()
        for (id, p) in entries { dynamic.insert(id, at: p) }
        let bulk = RTree(bulkLoading: entries)
        try dynamic.checkInvariants()
        try bulk.checkInvariants()
        return (oracle, dynamic, bulk)
    }
}
