import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy
import SpatialIndex
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Queries hundreds or thousands of kilometres from dense clusters, which are their nearest
/// points: there the chord bounds are wider than a cluster (c³/24ρ², 4.8 km at 1,670 km), and
/// the search bounds whole nodes through the exact geodesic to a pivot inside them (triangle
/// inequality) once it has computed many geodesics. Checked against the brute-force oracle:
/// a cloud within 111 m of the South Pole (random longitudes) with a crowd of duplicates at
/// the pole, and a cloud within about 300 m of a Paris address; as built, bulk-loaded and
/// after removals.
@Suite("RTree far from dense clusters against a brute-force oracle", .tags(.slow))
struct FarClusterOracleTests {
    @Test("nearest and nearestElements agree with the oracle far from dense clusters",
          arguments: [3 as UInt64, 1911])
    func farClusters(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var oracle = Oracle()
        var tree = RTree<Int64>()
        var ids = Array(Int64(0)..<5_300)
        ids.shuffle(using: &rng)
        for (n, id) in ids.enumerated() {
            let p: Coordinate
            switch n % 53 {
            case 0..<25:
                p = Coordinate(latitude: -90 + Double.random(in: 0...0.001, using: &rng),
                               longitude: Double.random(in: -180...180, using: &rng))
            case 25..<28:
                p = Coordinate(latitude: -90, longitude: 0)
            default:
                p = Coordinate(latitude: 48.8566 + Double.random(in: -0.003...0.003, using: &rng),
                               longitude: 2.3522 + Double.random(in: -0.004...0.004, using: &rng))
            }
            tree.insert(id, at: p)
            oracle.points[id] = p
        }
        try tree.checkInvariants()
        var queries = [
            Coordinate(latitude: -75, longitude: 138.7), Coordinate(latitude: -60, longitude: -20),
            Coordinate(latitude: -89, longitude: 0.5), Coordinate(latitude: 40, longitude: -20),
            Coordinate(latitude: 60, longitude: 2.3522), Coordinate(latitude: 48.8566, longitude: 20),
            Coordinate(latitude: -48.8566, longitude: -177.6478),  // Paris's antipode
        ]
        queries += randomCoordinates(8, using: &rng)
        func check(_ tree: RTree<Int64>, _ oracle: Oracle, _ label: String) {
            CrowdOracleTests.check(tree, against: oracle, at: queries, counts: [1, 10, 100], caps: [0, 2_500_000],
                                   label)
        }
        check(tree, oracle, "seed \(seed) inserted")
        check(RTree(bulkLoading: oracle.points.map { ($0.key, $0.value) }), oracle, "seed \(seed) bulk-loaded")
        try removeRandomly(2_000, from: &tree, &oracle, using: &rng, "seed \(seed)")
        try tree.checkInvariants()
        check(tree, oracle, "seed \(seed) after removals")
    }

    /// Two clouds about 2,000 km from the query on the equator, one due east, one due north: the
    /// eastern one (3,000 points within ±11 m) comes first by chord, the chords' gap to the
    /// geodesics differing by direction (~200 m here), so the search computes many geodesics in
    /// it before it meets the northern one. That one is 40 m nearer (30 points within ±11 m: it
    /// holds every answer), or as near and wider (300 points within ±55 m: answers from both,
    /// its leaves' pivots behind the ranking while their nearer entries are in it). A node
    /// bounded through a pivot must not be dropped while it may hold an answer.
    @Test("nearest agrees with the oracle when chord order and geodesic order disagree far away",
          arguments: [(7 as UInt64, 40.0, 30, 1e-4), (77, 40, 30, 1e-4), (8, 0, 300, 5e-4), (88, 0, 300, 5e-4)])
    func chordOrderMisleads(seed: UInt64, nearer: Double, count: Int, spread: Double) throws {
        var rng = SeededGenerator(seed: seed)
        let query = Coordinate(latitude: 0, longitude: 0)
        let east = Coordinate(latitude: 0, longitude: 18)
        let reach = Geodesic.wgs84.distance(from: query, to: east) - nearer
        // The point due north `nearer` metres nearer than `east` (bisection on the latitude).
        var low = 0.0, high = 30.0
        for _ in 0..<100 {
            let mid = (low + high) / 2
            let d = Geodesic.wgs84.distance(from: query, to: Coordinate(latitude: mid, longitude: 0))
            if d < reach { low = mid } else { high = mid }
        }
        let north = Coordinate(latitude: low, longitude: 0)
        func unit(_ c: Coordinate) -> SIMD3<Double> {
            let phi = c.latitude * .pi / 180, lambda = c.longitude * .pi / 180
            let e2 = 0.00669437999014, n = 1 / (1 - e2 * sin(phi) * sin(phi)).squareRoot()
            let v = SIMD3(n * cos(phi) * cos(lambda), n * cos(phi) * sin(lambda), n * (1 - e2) * sin(phi))
            return v / (v * v).sum().squareRoot()
        }
        func chord(_ c: Coordinate) -> Double {
            let d = unit(c) - unit(query)
            return (d * d).sum().squareRoot()
        }
        try #require(chord(east) + 1e-5 < chord(north), "the eastern cloud must come first by chord")

        var oracle = Oracle()
        var tree = RTree<Int64>()
        var ids = Array(Int64(0)..<Int64(3_000 + count))
        ids.shuffle(using: &rng)
        for (n, id) in ids.enumerated() {
            // 1e-4° is about 11 m.
            let (centre, d) = n < 3_000 ? (east, 1e-4) : (north, spread)
            let p = Coordinate(latitude: centre.latitude + Double.random(in: -d...d, using: &rng),
                               longitude: centre.longitude + Double.random(in: -d...d, using: &rng))
            tree.insert(id, at: p)
            oracle.points[id] = p
        }
        try tree.checkInvariants()
        let queries = [query, Coordinate(latitude: 0.001, longitude: -0.002),
                       Coordinate(latitude: -0.003, longitude: 0.001)]
        let bulk = RTree(bulkLoading: oracle.points.map { ($0.key, $0.value) })
        for (label, tree) in [("inserted", tree), ("bulk-loaded", bulk)] {
            CrowdOracleTests.check(tree, against: oracle, at: queries, counts: [1, 10, 40, 200], caps: [2_100_000],
                                   "seed \(seed) \(label)")
        }
    }

    /// A dense cluster (3,000 points within 150 m, a crowd of duplicates among them) seen from
    /// 9,000 km to the far side of the Earth: beyond ~640 km of chord its nodes are bounded
    /// through pivots from the first node popped (before any geodesic: no box key tells them
    /// apart there), the expansion around a pivot serves up to 19,880 km, and beyond π·b (the
    /// antipode, up to 20,004 km) keys still order and prune. Before, a query 14,000 km away
    /// took a geodesic per entry, and one at the antipode too (keys were all +∞ there).
    @Test("nearest agrees with the oracle from thousands of kilometres to the antipode",
          arguments: [(5 as UInt64, -33.8688, 151.2093), (55, 64.1466, -21.9426), (555, 0.0, 179.9999)])
    func farSide(seed: UInt64, latitude: Double, longitude: Double) throws {
        var rng = SeededGenerator(seed: seed)
        let geodesic = Geodesic.wgs84
        let centre = Coordinate(latitude: latitude, longitude: longitude)
        var oracle = Oracle()
        var tree = RTree<Int64>()
        var ids = Array(Int64(0)..<3_300)
        ids.shuffle(using: &rng)
        for (n, id) in ids.enumerated() {
            let p: Coordinate
            switch n % 11 {
            case 0: p = centre  // a crowd of exact duplicates at the centre
            case 1: p = Coordinate(latitude: Double.random(in: -90...90, using: &rng),
                                   longitude: Double.random(in: -180...180, using: &rng))
            default: p = geodesic.destination(from: centre, azimuth: Double.random(in: -180...180, using: &rng),
                                              distance: 150 * Double.random(in: 0...1, using: &rng).squareRoot())
            }
            tree.insert(id, at: p)
            oracle.points[id] = p
        }
        try tree.checkInvariants()
        let antipode = Coordinate(latitude: -latitude, longitude: longitude > 0 ? longitude - 180 : longitude + 180)
        var queries = [antipode]
        for metres in [9_000_000.0, 14_000_000, 18_000_000, 18_700_000, 19_300_000, 19_500_000, 19_850_000] {
            queries.append(geodesic.destination(from: centre, azimuth: Double.random(in: -180...180, using: &rng),
                                                distance: metres))
        }
        for metres in [30.0, 5_000, 60_000] {
            queries.append(geodesic.destination(from: antipode, azimuth: Double.random(in: -180...180, using: &rng),
                                                distance: metres))
        }
        let bulk = RTree(bulkLoading: oracle.points.map { ($0.key, $0.value) })
        for (label, tree) in [("inserted", tree), ("bulk-loaded", bulk)] {
            CrowdOracleTests.check(tree, against: oracle, at: queries, counts: [1, 10, 100], caps: [19_990_000],
                                   "seed \(seed) \(label)")
        }
    }

    /// A trace: sites sampled densely along a line (a road, a GPS track), 1 cm or 1 m apart,
    /// queried from afar across it, along it and from on it. Seen from across, neighbours'
    /// distances differ by micrometres near the closest one (Δ²/2d), far below the chord
    /// bounds' and the expansion's widths, so the answers rest on the near-tie comparisons
    /// (keys within ``keyMargin`` compared by geodesic); the line's Float boxes overlap along it.
    @Test("nearest, radius and box agree with the oracle on a dense trace seen from afar and from on it",
          arguments: [(21 as UInt64, 1e-7), (22, 1e-5)])
    func denseTrace(seed: UInt64, step: Double) throws {
        var rng = SeededGenerator(seed: seed)
        var oracle = Oracle()
        var tree = RTree<Int64>()
        // 3,000 points north-eastward from (45, 7): `step` degrees of latitude apart (1.1 cm or
        // 1.1 m), with a few exact duplicates.
        var ids = Array(Int64(0)..<3_000)
        ids.shuffle(using: &rng)
        for id in ids {
            let i = Double(id % 2_990)
            let p = Coordinate(latitude: 45 + i * step, longitude: 7 + i * step * 1.41)
            tree.insert(id, at: p)
            oracle.points[id] = p
        }
        try tree.checkInvariants()
        let middle = Coordinate(latitude: 45 + 1_495 * step, longitude: 7 + 1_495 * step * 1.41)
        var queries = [
            middle,
            Coordinate(latitude: 45 + 700 * step, longitude: 7 + 700 * step * 1.41 + 1e-9),
            Coordinate(latitude: 45.45, longitude: 6.3),    // ~60 km across
            Coordinate(latitude: 47.7, longitude: 3.2),     // ~400 km across
            Coordinate(latitude: 60, longitude: -15),       // ~2,300 km
            Coordinate(latitude: 44, longitude: 5.59),      // along the line, behind its start
            Coordinate(latitude: 10.3, longitude: 38.4),    // ~4,500 km
            Coordinate(latitude: -45, longitude: -173),     // near the antipode
        ]
        queries += randomCoordinates(4, using: &rng)
        func check(_ tree: RTree<Int64>, _ oracle: Oracle, _ label: String) {
            CrowdOracleTests.check(tree, against: oracle, at: queries, counts: [1, 10, 100], caps: [0, 60_000],
                                   label)
            for (qi, q) in queries.prefix(4).enumerated() {
                for r in [0.5, 20.0, 60_050.0] {
                    #expect(agree(tree.neighbors(within: r, of: q), oracle.within(r, of: q)), "\(label) query \(qi) radius \(r)")
                    #expect(tree.count(within: r, of: q) == oracle.within(r, of: q).count, "\(label) query \(qi) count \(r)")
                }
            }
            let box = GeoBox(south: 45 + 100 * step, west: 7 + 100 * step * 1.41 - 1e-9,
                             north: 45 + 1_000 * step, east: 7 + 1_000 * step * 1.41 + 1e-9)
            #expect(tree.elements(in: box).map(\.element) == oracle.inBox(box), "\(label) box")
        }
        check(tree, oracle, "seed \(seed) inserted")
        check(RTree(bulkLoading: oracle.points.map { ($0.key, $0.value) }), oracle, "seed \(seed) bulk-loaded")
        // Each of 1,000 sites moved onto another one's place, then 1,000 removed.
        let all = oracle.points.keys.sorted()
        for id in all.shuffled(using: &rng).prefix(1_000) {
            let from = try #require(oracle.points[id])
            let to = try #require(oracle.points[all[Int(rng.next() % UInt64(all.count))]])
            let moved = tree.move(id, from: from, to: to)
            #expect(moved, "seed \(seed) move \(id)")
            oracle.points[id] = to
        }
        try removeRandomly(1_000, from: &tree, &oracle, using: &rng, "seed \(seed)")
        try tree.checkInvariants()
        check(tree, oracle, "seed \(seed) after moves and removals")
    }
}
