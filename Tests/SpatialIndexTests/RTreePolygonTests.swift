import GeoDataGeneration
import Geodesy
import SpatialIndex
import Testing

/// `elements(inside:)` and `nearest(inside:)` against a brute force over every entry with
/// `GeoPolygon.contains` (the polygon test itself is checked in GeodesyTests): the pruning by
/// the polygon's bounds must never lose an entry.
@Suite("RTree polygon queries against a brute-force oracle")
struct RTreePolygonTests {
    @Test("within and nearest inside random polygons (skewed and hard mixes, poles, antimeridian)",
          arguments: [UInt64(5), 41, 2026])
    func oracle(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let points = GeoDataMix.skewed.points(count: 2_000, seed: seed) + hardPoints(1_000, using: &rng)
        var oracle = Oracle()
        var dynamic = RTree<Int64>()
        for (i, p) in points.enumerated() {
            dynamic.insert(Int64(i), at: p)
            oracle.points[Int64(i)] = p
        }
        let bulk = RTree(bulkLoading: points.enumerated().map { (Int64($0.offset), $0.element) })
        let even: (Int64) -> Bool = { $0 % 2 == 0 }
        var nonEmpty = 0
        for round in 0..<16 {
            let polygon = Self.polygon(round: round, around: points.randomElement(using: &rng)!, using: &rng)
            let inside: (Int64) -> Bool = { polygon.contains(oracle.points[$0]!) }
            let expected = oracle.points.keys.filter(inside).sorted()
            if !expected.isEmpty { nonEmpty += 1 }
            let q = points.randomElement(using: &rng)!
            for tree in [dynamic, bulk] {
                #expect(tree.elements(inside: polygon).map(\.element) == expected, "seed \(seed) round \(round)")
                #expect(tree.elements(inside: polygon, where: even).map(\.element) == expected.filter(even))
                for k in [1, 10, 100] {
                    #expect(agree(tree.nearest(to: q, count: k, inside: polygon),
                                  oracle.nearest(to: q, count: k, where: inside)), "seed \(seed) round \(round) k \(k)")
                }
                #expect(agree(tree.nearest(to: q, count: 10, maxDistance: 500_000, inside: polygon, where: even),
                              oracle.nearest(to: q, count: 10, maxDistance: 500_000, where: { inside($0) && even($0) })))
            }
        }
        #expect(nonEmpty >= 8)
    }

    /// A random star around `centre` (city to continent), a cap around a pole, a box across
    /// the antimeridian, or a square with a hole plus a far second part.
    static func polygon(round: Int, around centre: Coordinate, using rng: inout SeededGenerator) -> GeoPolygon {
        func c(_ lat: Double, _ lon: Double) -> Coordinate { Coordinate(latitude: lat, longitude: lon) }
        switch round % 4 {
        case 1:
            let lat = Double.random(in: 60...85, using: &rng) * (round % 8 == 1 ? 1 : -1)
            var ring = (0..<12).map { c(lat, Double($0) * 30 - 180) }
            if lat < 0 { ring.reverse() }
            return try! GeoPolygon(rings: [ring + [ring[0]]])
        case 2:
            return try! GeoPolygon(rings: [[c(-30, 170), c(-30, -160), c(10, -160), c(10, 170), c(-30, 170)]])
        case 3:
            let outer = [c(40, -10), c(40, 30), c(60, 30), c(60, -10), c(40, -10)]
            let hole = [c(45, 0), c(45, 20), c(55, 20), c(55, 0), c(45, 0)]
            return try! GeoPolygon(polygons: [[outer, hole], [[c(-40, 140), c(-40, 150), c(-30, 150), c(-30, 140), c(-40, 140)]]])
        default:
            let radius = [3_000.0, 40_000, 600_000][round % 3]
            let n = Int.random(in: 3...30, using: &rng)
            var ring: [Coordinate] = (0..<n).map { k in
                var v = Geodesic.wgs84.destination(from: centre, azimuth: Double(k) * 360 / Double(n),
                                                   distance: radius * Double.random(in: 0.3...1, using: &rng))
                v.latitude = min(89.99, max(-89.99, v.latitude))
                return v
            }
            ring.append(ring[0])
            return (try? GeoPolygon(rings: [ring])) ?? (try! GeoPolygon(rings: [[c(0, 0), c(0, 1), c(1, 1), c(0, 0)]]))
        }
    }
}
