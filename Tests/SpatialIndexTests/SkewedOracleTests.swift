import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy
import SpatialIndex
import Testing

/// The oracle tests of ``RTreeOracleTests`` on ``GeoDataMix/skewed`` (one city holds ~15% of
/// the points, clusters sit on both poles and across the antimeridian, one location repeats 12
/// times) and ``GeoDataMix/hostile`` (35% within σ 3 km of Paris, 10% at one location, clouds of
/// σ 40 m at the poles, points exactly on the prime meridian and the equator; half the queries
/// uniform over the sphere, far from the clouds).
@Suite("RTree against a brute-force oracle on the skewed and hostile mixes", .tags(.slow))
struct SkewedOracleTests {
    static let seeds: [UInt64] = [3, 77, 2027]
    static let mixes: [GeoDataMix] = [.skewed, .hostile]

    @Test("nearest (k 1/10/100, filters, maxDistance), radius and box agree with the oracle",
          arguments: mixes, seeds)
    func queries(mix: GeoDataMix, seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let points = mix.points(count: 3_000, seed: seed)
        var oracle = Oracle()
        var dynamic = RTree<Int64>()
        for (i, p) in points.enumerated() {
            dynamic.insert(Int64(i), at: p)
            oracle.points[Int64(i)] = p
        }
        let bulk = RTree(bulkLoading: points.enumerated().map { (Int64($0.offset), $0.element) })
        try dynamic.checkInvariants()
        try bulk.checkInvariants()

        // Queries from the mix (mostly inside the dense cities), plus the poles and the antimeridian.
        let queries = mix.queries(count: 40, seed: seed) + [
            Coordinate(latitude: 90, longitude: 0), Coordinate(latitude: -90, longitude: 123),
            Coordinate(latitude: -18.1416, longitude: 180), Coordinate(latitude: -18.1416, longitude: -179.9),
        ]
        let even: (Int64) -> Bool = { $0 % 2 == 0 }
        for (qi, q) in queries.enumerated() {
            for tree in [dynamic, bulk] {
                for k in [1, 10, 100] {
                    let expected = oracle.nearest(to: q, count: k)
                    #expect(agree(tree.nearest(to: q, count: k), expected),
                            "\(mix) seed \(seed) query \(qi) \(q) k \(k)")
                    #expect(tree.nearestElements(to: q, count: k) == expected.map(\.id),
                            "\(mix) seed \(seed) query \(qi) \(q) k \(k), elements only")
                }
                #expect(agree(tree.nearest(to: q, count: 10, where: even),
                              oracle.nearest(to: q, count: 10, where: even)),
                        "\(mix) seed \(seed) query \(qi) filter even")
                #expect(tree.nearestElements(to: q, count: 10, where: even)
                            == oracle.nearest(to: q, count: 10, where: even).map(\.id),
                        "\(mix) seed \(seed) query \(qi) filter even, elements only")
                let cap = [2_000.0, 20_000, 300_000][qi % 3]
                #expect(agree(tree.nearest(to: q, count: 10, maxDistance: cap),
                              oracle.nearest(to: q, count: 10, maxDistance: cap)),
                        "\(mix) seed \(seed) query \(qi) maxDistance \(cap)")
                #expect(tree.nearestElements(to: q, count: 10, maxDistance: cap)
                            == oracle.nearest(to: q, count: 10, maxDistance: cap).map(\.id),
                        "\(mix) seed \(seed) query \(qi) maxDistance \(cap), elements only")
                let r = [1_000.0, 20_000, 150_000][qi % 3]
                #expect(agree(tree.neighbors(within: r, of: q), oracle.within(r, of: q)),
                        "\(mix) seed \(seed) query \(qi) radius \(r)")
                let box = RTreeOracleTests().randomBox(&rng)
                #expect(tree.elements(in: box).map(\.element) == oracle.inBox(box),
                        "\(mix) seed \(seed) query \(qi) box \(box)")
            }
        }
    }

    @Test("inserts, removes and moves on skewed data keep the tree valid and exact", arguments: mixes, seeds)
    func interleavings(mix: GeoDataMix, seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let pool = mix.points(count: 2_000, seed: seed)
        var tree = RTree<Int64>()
        var oracle = Oracle()
        var nextID: Int64 = 0
        for step in 0..<2_000 {
            let roll = Int.random(in: 0..<10, using: &rng)
            if roll < 6 || oracle.points.isEmpty {
                let p = pool.randomElement(using: &rng)!
                tree.insert(nextID, at: p)
                oracle.points[nextID] = p
                nextID += 1
            } else if roll < 8 {
                let id = oracle.points.keys.randomElement(using: &rng)!
                let ok = tree.remove(id, at: oracle.points[id]!)
                #expect(ok, "\(mix) seed \(seed) step \(step) remove \(id)")
                oracle.points[id] = nil
            } else {
                let id = oracle.points.keys.randomElement(using: &rng)!
                let to = pool.randomElement(using: &rng)!
                let ok = tree.move(id, from: oracle.points[id]!, to: to)
                #expect(ok, "\(mix) seed \(seed) step \(step) move \(id)")
                oracle.points[id] = to
            }
            try tree.checkInvariants()
            #expect(tree.count == oracle.points.count)
            if step % 100 == 0 {
                let q = pool.randomElement(using: &rng)!
                for k in [1, 10, 100] {
                    #expect(agree(tree.nearest(to: q, count: k), oracle.nearest(to: q, count: k)),
                            "\(mix) seed \(seed) step \(step) k \(k)")
                }
                #expect(agree(tree.neighbors(within: 20_000, of: q), oracle.within(20_000, of: q)),
                        "\(mix) seed \(seed) step \(step) radius")
                let box = RTreeOracleTests().randomBox(&rng)
                #expect(tree.elements(in: box).map(\.element) == oracle.inBox(box),
                        "\(mix) seed \(seed) step \(step) box")
            }
        }
    }
}
