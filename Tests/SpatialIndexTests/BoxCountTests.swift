import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy
import SpatialIndex
import Testing

/// Box queries take the nodes a box surely holds whole (no test per entry): `count(in:)` and
/// `elements(in:)` against the brute-force oracle, on boxes whose edges cut through dense
/// clusters (where a node wrongly taken whole would bring points from just outside), across
/// the antimeridian, at the poles, spanning just under and over 180° and every longitude.
@Suite("RTree box queries against a brute-force oracle", .tags(.slow))
struct BoxCountTests {
    @Test("count(in:) and elements(in:) agree with the oracle", arguments: GeoDataMix.allCases, [5, 61] as [UInt64])
    func boxes(mix: GeoDataMix, seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var points = mix.points(count: 4_000, seed: seed) + hardPoints(500, using: &rng)
        // A dense cloud of σ 2 km around Paris in every mix, with points at its edges' exact
        // coordinates below.
        let paris = Coordinate(latitude: 48.8566, longitude: 2.3522)
        for _ in 0..<1_500 {
            let azimuth = Double.random(in: -180..<180, using: &rng)
            let distance = abs(rng.nextGaussian()) * 2_000
            points.append(Geodesic.wgs84.destination(from: paris, azimuth: azimuth, distance: distance))
        }
        points += [
            Coordinate(latitude: 48.8566, longitude: 2.3), Coordinate(latitude: 48.8566, longitude: 2.4),
            Coordinate(latitude: 48.8566.nextDown, longitude: 2.35),
            Coordinate(latitude: 48.8566.nextUp, longitude: 2.35),
            Coordinate(latitude: 10, longitude: 180), Coordinate(latitude: 10, longitude: -180),
        ]
        // Hairlines: 24 points within a few centimetres north of a latitude and one a Double step
        // south of it, whose Float vectors may round across the edge (the slack must cover that).
        let hairlines = (0..<8).map { 20 + 2.5 * Double($0) + 0.123456789 }
        for (i, latitude) in hairlines.enumerated() {
            let longitude = 100 + Double(i)
            points += (0..<24).map {
                Coordinate(latitude: latitude + Double($0) * 1e-7, longitude: longitude + Double($0) * 1e-7)
            }
            points.append(Coordinate(latitude: latitude.nextDown, longitude: longitude))
        }
        let entries = points.enumerated().map { (Int64($0.offset), $0.element) }
        var dynamic = RTree<Int64>()
        for (id, p) in entries { dynamic.insert(id, at: p) }
        let bulk = RTree(bulkLoading: entries)
        var oracle = Oracle()
        for (id, p) in entries { oracle.points[id] = p }

        var boxes: [GeoBox] = [
            // Edges through the cloud's centre, one at a time, and a box inside it.
            GeoBox(south: 48.8566, west: 1, north: 50, east: 4), GeoBox(south: 47, west: 1, north: 48.8566, east: 4),
            GeoBox(south: 47, west: 2.3522, north: 50, east: 4), GeoBox(south: 47, west: 1, north: 50, east: 2.3522),
            GeoBox(south: 48.84, west: 2.33, north: 48.87, east: 2.37),
            GeoBox(south: 48.8566, west: 2.3, north: 48.8566, east: 2.4),  // one latitude
            // Across and on the antimeridian, at the poles, wide spans, every longitude.
            GeoBox(south: -30, west: 170, north: 30, east: -170), GeoBox(south: -30, west: 170, north: 30, east: 180),
            GeoBox(south: -30, west: -180, north: 30, east: -170), GeoBox(south: 60, west: -180, north: 90, east: 180),
            GeoBox(south: -90, west: 10, north: -60, east: 100), GeoBox(south: -10, west: -90, north: 60, east: 89.9),
            GeoBox(south: -10, west: -90, north: 60, east: 90), GeoBox(south: -10, west: -90, north: 60, east: 90.1),
            GeoBox(south: -10, west: 100, north: 60, east: -80.1), GeoBox(south: -89, west: -180, north: 89, east: 180),
            GeoBox(south: 0, west: 0, north: 0, east: 0),  // the equator's and the meridian's crossing
        ]
        boxes += hairlines.enumerated().map { i, latitude in
            GeoBox(south: latitude, west: 99.5 + Double(i), north: latitude + 1, east: 100.5 + Double(i))
        }
        // Random boxes, and boxes of 0.01°–5° around the mix's queries (inside its dense parts).
        for _ in 0..<40 { boxes.append(RTreeOracleTests().randomBox(&rng)) }
        for q in mix.queries(count: 40, seed: seed) {
            let half = [0.01, 0.2, 1, 5][Int.random(in: 0..<4, using: &rng)]
            var west = q.longitude - half, east = q.longitude + half
            if west < -180 { west += 360 }
            if east > 180 { east -= 360 }
            boxes.append(GeoBox(south: max(-90, q.latitude - half), west: west,
                                north: min(90, q.latitude + half), east: east))
        }

        let odd: (Int64) -> Bool = { $0 % 2 == 1 }
        for (b, box) in boxes.enumerated() {
            let expected = oracle.inBox(box)
            for (name, tree) in [("dynamic", dynamic), ("bulk", bulk)] {
                #expect(tree.count(in: box) == expected.count, "\(mix) seed \(seed) \(name) box \(b) \(box)")
                #expect(tree.elements(in: box).map(\.element) == expected,
                        "\(mix) seed \(seed) \(name) box \(b) \(box)")
                #expect(tree.count(in: box, where: odd) == expected.filter(odd).count,
                        "\(mix) seed \(seed) \(name) box \(b) \(box), odd ids")
            }
        }
    }

    @Test("an empty tree and an inverted box count nothing")
    func empty() {
        let box = GeoBox(south: -10, west: -10, north: 10, east: 10)
        #expect(RTree<Int64>().count(in: box) == 0)
        var tree = RTree<Int64>()
        tree.insert(1, at: Coordinate(latitude: 0, longitude: 0))
        #expect(tree.count(in: box) == 1)
        #expect(tree.count(in: GeoBox(south: 10, west: -10, north: -10, east: 10)) == 0)
    }
}
