import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy
import SpatialIndex
import Testing

/// Crowds of exact duplicates — many contacts geocoded to one centroid — fill leaves of their
/// own, which the nearest search takes as one (one geodesic per leaf). Checked against the
/// brute-force oracle: crowds of 3 to 3,000 (a North-pole crowd and one at the antimeridian
/// among them) in random element order beside scattered points, queries at a crowd, near it
/// and far from it, k up to past a crowd's size, filters, maxDistance, after removals.
@Suite("RTree crowds at one point against a brute-force oracle", .tags(.slow))
struct CrowdOracleTests {
    @Test("nearest and nearestElements agree with the oracle around crowds of duplicates", arguments: [5 as UInt64, 808])
    func crowds(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let spots = [
            Coordinate(latitude: 51.5072, longitude: -0.1276), Coordinate(latitude: 51.5073, longitude: -0.1276),
            Coordinate(latitude: 90, longitude: 0), Coordinate(latitude: -16.5, longitude: 180),
            Coordinate(latitude: 40.7128, longitude: -74.006),
        ]
        var ids = Array(Int64(0)..<6_000)
        ids.shuffle(using: &rng)
        var oracle = Oracle()
        var tree = RTree<Int64>()
        var next = ids.makeIterator()
        for (i, spot) in spots.enumerated() {
            for _ in 0..<[3_000, 40, 700, 300, 3][i] {
                guard let id = next.next() else { break }
                tree.insert(id, at: spot)
                oracle.points[id] = spot
            }
        }
        // Scattered points around the crowds and elsewhere, inserted after them.
        for (id, p) in zip(IteratorSequence(next), hardPoints(1_957, using: &rng)) {
            tree.insert(id, at: p)
            oracle.points[id] = p
        }
        try tree.checkInvariants()
        let bulk = RTree(bulkLoading: oracle.points.map { ($0.key, $0.value) })

        let queries = spots + [
            Coordinate(latitude: 51.6, longitude: -0.1276), Coordinate(latitude: 51.5, longitude: -0.2),
            Coordinate(latitude: 89.9, longitude: 45), Coordinate(latitude: -16.5, longitude: -179.99),
            Coordinate(latitude: 0, longitude: 0),
        ]
        func check(_ tree: RTree<Int64>, _ label: String) {
            Self.check(tree, against: oracle, at: queries, counts: [1, 10, 100, 3_050], caps: [0, 5_000, 12_000], label)
        }
        check(tree, "seed \(seed) inserted")
        check(bulk, "seed \(seed) bulk-loaded")

        // Removals from the crowds (and elsewhere) leave them exact.
        let removed = Array(oracle.points.keys.sorted().shuffled(using: &rng).prefix(1_500))
        for id in removed {
            let ok = tree.remove(id, at: oracle.points[id]!)
            #expect(ok, "seed \(seed) remove \(id)")
            oracle.points[id] = nil
        }
        try tree.checkInvariants()
        check(tree, "seed \(seed) after removals")
    }

    /// A crowd with neighbours within metres (a building at the centroid): the split that
    /// gives the crowd leaves of its own, the crowd path's early exit by distance and by
    /// element range, against the brute force, as built, bulk-loaded and after removals.
    @Test("nearest and nearestElements agree with the oracle around a crowd with neighbours within metres",
          arguments: [17 as UInt64, 4242])
    func crowdWithNeighbours(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let spot = Coordinate(latitude: -33.8688, longitude: 151.2093)
        var oracle = Oracle()
        var tree = RTree<Int64>()
        var ids = Array(Int64(0)..<5_000)
        ids.shuffle(using: &rng)
        for (n, id) in ids.enumerated() {
            if n % 10 == 0 {
                let p = Coordinate(latitude: spot.latitude + Double.random(in: -5e-5...5e-5, using: &rng),
                                   longitude: spot.longitude + Double.random(in: -5e-5...5e-5, using: &rng))
                tree.insert(id, at: p)
                oracle.points[id] = p
            } else {
                tree.insert(id, at: spot)
                oracle.points[id] = spot
            }
        }
        let queries = [
            spot, Coordinate(latitude: -33.77, longitude: 151.2093), Coordinate(latitude: -33.8688, longitude: 151.21),
            Coordinate(latitude: -33.86881, longitude: 151.20931), Coordinate(latitude: -34.5, longitude: 150.0),
        ]
        try Self.scatterCheckRemove(tree, oracle, removing: 2_000, rng: &rng, "seed \(seed)") { tree, oracle, label in
            Self.check(tree, against: oracle, at: queries, counts: [1, 10, 100, 700], caps: [11_000], label)
        }
    }

    /// A crowd at each pole spelled with many longitudes, and one on the antimeridian as 180
    /// and -180: one point each (one distance from anywhere), so leaves of them are taken
    /// whole, while each answer keeps its own spelling. Before, a nearest-10 query 11 km from
    /// 100,000 contacts at the North pole at random longitudes took 390 ms (ids) and 68 ms
    /// (distances), one candidate and one geodesic per contact.
    @Test("nearest and nearestElements agree with the oracle around crowds at the poles at many longitudes",
          arguments: [23 as UInt64, 919])
    func poleCrowds(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var oracle = Oracle()
        var tree = RTree<Int64>()
        var ids = Array(Int64(0)..<3_000)
        ids.shuffle(using: &rng)
        for (n, id) in ids.enumerated() {
            let p: Coordinate
            switch n % 10 {
            case 0..<6: p = Coordinate(latitude: 90, longitude: Double.random(in: -180...180, using: &rng))
            case 6..<8: p = Coordinate(latitude: -90, longitude: Double.random(in: -180...180, using: &rng))
            default: p = Coordinate(latitude: -16.5, longitude: Bool.random(using: &rng) ? 180 : -180)
            }
            tree.insert(id, at: p)
            oracle.points[id] = p
        }
        let queries = [
            Coordinate(latitude: 90, longitude: 0), Coordinate(latitude: 89.9, longitude: 45),
            Coordinate(latitude: -89.95, longitude: 100), Coordinate(latitude: -90, longitude: -30),
            Coordinate(latitude: -16.5, longitude: 179.99), Coordinate(latitude: -16.5, longitude: -180),
            Coordinate(latitude: 0, longitude: 0),
        ]
        try Self.scatterCheckRemove(tree, oracle, removing: 1_500, rng: &rng, "seed \(seed)") { tree, oracle, label in
            Self.check(tree, against: oracle, at: queries, counts: [1, 10, 100, 1_900], caps: [0, 12_000], label)
            // Each answer carries the location it was stored at, not another spelling of it.
            for q in queries {
                for n in tree.nearest(to: q, count: 200) where n.location != oracle.points[n.element] {
                    Issue.record("\(label): \(n.element) answered at \(n.location), stored at \(String(describing: oracle.points[n.element]))")
                    return
                }
            }
        }
    }

    /// Clouds of distinct points within a metre (a GPS-jittered building, a pole), closer
    /// together than the Float vectors tell apart: every one is a candidate whose exact chord
    /// decides, and past a few dozen refined in vain the search refines new ones as it scans
    /// them. Checked at a cloud, metres and a kilometre away, as built, bulk-loaded and after
    /// removals.
    @Test("nearest and nearestElements agree with the oracle around clouds of distinct points within a metre",
          arguments: [31 as UInt64, 2718])
    func clouds(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let spot = Coordinate(latitude: 48.8566, longitude: 2.3522)
        var oracle = Oracle()
        var tree = RTree<Int64>()
        var ids = Array(Int64(0)..<4_000)
        ids.shuffle(using: &rng)
        for (n, id) in ids.enumerated() {
            // ±5e-6° is about ±0.55 m of latitude; the pole cloud lies within 0.55 m of it.
            let p = n % 4 == 0
                ? Coordinate(latitude: 90 - Double.random(in: 0...5e-6, using: &rng),
                             longitude: Double.random(in: -180...180, using: &rng))
                : Coordinate(latitude: spot.latitude + Double.random(in: -5e-6...5e-6, using: &rng),
                             longitude: spot.longitude + Double.random(in: -5e-6...5e-6, using: &rng))
            tree.insert(id, at: p)
            oracle.points[id] = p
        }
        let queries = [
            spot, Coordinate(latitude: spot.latitude + 2e-6, longitude: spot.longitude - 1e-6),
            Coordinate(latitude: spot.latitude + 0.00018, longitude: spot.longitude),
            Coordinate(latitude: spot.latitude, longitude: spot.longitude + 0.0014),
            Coordinate(latitude: spot.latitude - 0.009, longitude: spot.longitude),
            Coordinate(latitude: 90, longitude: 0), Coordinate(latitude: 89.9999, longitude: 120),
        ]
        try Self.scatterCheckRemove(tree, oracle, removing: 1_500, rng: &rng, "seed \(seed)") { tree, oracle, label in
            Self.check(tree, against: oracle, at: queries, counts: [1, 10, 100, 3_050], caps: [0, 0.5, 120], label)
        }
    }

    /// A crowd of exact duplicates with distinct points mixed in that share its Float vector
    /// (within 2 cm or 0.1 mm): nodes at one Float point that hold one point are pruned near the crowd
    /// by one geodesic and their element ranges, those that hold several must not be. The
    /// oracle is asked before the invariants, so that a node wrongly taken for one point shows
    /// as a wrong answer; as built (duplicates first, then interleaved), bulk-loaded and after
    /// removals.
    @Test("nearest agrees with the oracle near a crowd with points below the Float resolution mixed in",
          arguments: [41 as UInt64, 1066])
    func crowdWithCloud(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let spot = Coordinate(latitude: 48.8566, longitude: 2.3522)
        var oracle = Oracle()
        var tree = RTree<Int64>()
        var ids = Array(Int64(0)..<6_000)
        ids.shuffle(using: &rng)
        for (n, id) in ids.enumerated() {
            // The first 3,000 at the spot; then one in five within 2 cm or 0.1 mm of it (most
            // of those with its Float vector), the rest at the spot.
            let r = n % 10 == 0 ? 1e-9 : 2e-7
            let p = n >= 3_000 && n % 5 == 0
                ? Coordinate(latitude: spot.latitude + Double.random(in: -r...r, using: &rng),
                             longitude: spot.longitude + Double.random(in: -r...r, using: &rng))
                : spot
            tree.insert(id, at: p)
            oracle.points[id] = p
        }
        let queries = [
            spot, Coordinate(latitude: spot.latitude + 1e-6, longitude: spot.longitude),
            Coordinate(latitude: spot.latitude + 0.00001, longitude: spot.longitude - 0.00001),
            Coordinate(latitude: spot.latitude + 0.01, longitude: spot.longitude),
            Coordinate(latitude: spot.latitude, longitude: spot.longitude - 0.3),
        ]
        func check(_ tree: RTree<Int64>, _ label: String) {
            for (qi, q) in queries.enumerated() {
                for k in [1, 10, 100, 2_000] {
                    #expect(agree(tree.nearest(to: q, count: k), oracle.nearest(to: q, count: k)), "\(label) query \(qi) k \(k)")
                }
                let odd = oracle.nearest(to: q, count: 30, where: { $0 % 2 == 1 })
                #expect(agree(tree.nearest(to: q, count: 30, where: { $0 % 2 == 1 }), odd), "\(label) query \(qi) filter")
            }
        }
        check(tree, "seed \(seed) inserted")
        try tree.checkInvariants()
        check(RTree(bulkLoading: oracle.points.map { ($0.key, $0.value) }), "seed \(seed) bulk-loaded")
        try removeRandomly(2_500, from: &tree, &oracle, using: &rng, "seed \(seed)")
        check(tree, "seed \(seed) after removals")
        try tree.checkInvariants()
    }

    /// Adds 1,000 scattered points of the hard mix (ids from 10,000) to a tree of crowds and
    /// its oracle, then runs `check` on the tree as built, on the same entries bulk-loaded,
    /// and after `removing` random entries, checking the invariants each time it changes.
    static func scatterCheckRemove(_ tree: RTree<Int64>, _ oracle: Oracle, removing: Int, rng: inout SeededGenerator,
                                   _ label: String, check: (RTree<Int64>, Oracle, String) -> Void) throws {
        var tree = tree, oracle = oracle
        for (id, p) in zip(Int64(10_000)..., hardPoints(1_000, using: &rng)) {
            tree.insert(id, at: p)
            oracle.points[id] = p
        }
        try tree.checkInvariants()
        check(tree, oracle, "\(label) inserted")
        check(RTree(bulkLoading: oracle.points.map { ($0.key, $0.value) }), oracle, "\(label) bulk-loaded")
        try removeRandomly(removing, from: &tree, &oracle, using: &rng, label)
        try tree.checkInvariants()
        check(tree, oracle, "\(label) after removals")
    }

    /// Nearest queries with and without distances at each of `queries` (each k of `counts`,
    /// a filter keeping odd elements, each cap of `caps`) against the oracle.
    static func check(_ tree: RTree<Int64>, against oracle: Oracle, at queries: [Coordinate], counts: [Int],
                      caps: [Double], _ label: String) {
        let odd: (Int64) -> Bool = { $0 % 2 == 1 }
        for (qi, q) in queries.enumerated() {
            for k in counts {
                let expected = oracle.nearest(to: q, count: k)
                #expect(agree(tree.nearest(to: q, count: k), expected), "\(label) query \(qi) k \(k)")
                #expect(tree.nearestElements(to: q, count: k) == expected.map(\.id), "\(label) query \(qi) k \(k), ids")
            }
            let filtered = oracle.nearest(to: q, count: 25, where: odd)
            #expect(agree(tree.nearest(to: q, count: 25, where: odd), filtered), "\(label) query \(qi) filter")
            #expect(tree.nearestElements(to: q, count: 25, where: odd) == filtered.map(\.id), "\(label) query \(qi) filter, ids")
            for cap in caps {
                let capped = oracle.nearest(to: q, count: 50, maxDistance: cap)
                #expect(agree(tree.nearest(to: q, count: 50, maxDistance: cap), capped), "\(label) query \(qi) cap \(cap)")
                #expect(tree.nearestElements(to: q, count: 50, maxDistance: cap) == capped.map(\.id),
                        "\(label) query \(qi) cap \(cap), ids")
            }
        }
    }
}
