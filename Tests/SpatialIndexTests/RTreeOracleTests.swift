import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy
import SpatialIndex
import Testing

@Suite("RTree against a brute-force geodesic oracle", .tags(.slow))
struct RTreeOracleTests {
    static let seeds: [UInt64] = [1, 42, 2026]

    @Test("bulk-loaded and dynamically built trees answer nearest, radius and box exactly", arguments: seeds)
    func queries(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let points = hardPoints(3_000, using: &rng)
        var oracle = Oracle()
        var dynamic = RTree<Int64>()
        for (i, p) in points.enumerated() {
            dynamic.insert(Int64(i), at: p)
            oracle.points[Int64(i)] = p
        }
        let bulk = RTree(bulkLoading: points.enumerated().map { (Int64($0.offset), $0.element) })
        try dynamic.checkInvariants()
        try bulk.checkInvariants()
        #expect(dynamic.count == points.count && bulk.count == points.count)

        let queries = hardPoints(60, using: &rng)
        for (qi, q) in queries.enumerated() {
            for tree in [dynamic, bulk] {
                for k in [1, 10, 100] {
                    let expected = oracle.nearest(to: q, count: k)
                    #expect(agree(tree.nearest(to: q, count: k), expected), "seed \(seed) query \(qi) \(q) k \(k)")
                    #expect(tree.nearestElements(to: q, count: k) == expected.map(\.id),
                            "seed \(seed) query \(qi) \(q) k \(k), elements only")
                }
                let even: (Int64) -> Bool = { $0 % 2 == 0 }
                let rare: (Int64) -> Bool = { $0 % 97 == 3 }
                #expect(agree(tree.nearest(to: q, count: 10, where: even), oracle.nearest(to: q, count: 10, where: even)),
                            "seed \(seed) query \(qi) filter even")
                #expect(tree.nearestElements(to: q, count: 10, where: even)
                            == oracle.nearest(to: q, count: 10, where: even).map(\.id),
                        "seed \(seed) query \(qi) filter even, elements only")
                #expect(agree(tree.nearest(to: q, count: 5, where: rare), oracle.nearest(to: q, count: 5, where: rare)),
                            "seed \(seed) query \(qi) filter rare")
                let cap = Double.random(in: 1_000...2_000_000, using: &rng)
                #expect(agree(tree.nearest(to: q, count: 10, maxDistance: cap),
                              oracle.nearest(to: q, count: 10, maxDistance: cap)),
                        "seed \(seed) query \(qi) maxDistance \(cap)")
                #expect(tree.nearestElements(to: q, count: 10, maxDistance: cap)
                            == oracle.nearest(to: q, count: 10, maxDistance: cap).map(\.id),
                        "seed \(seed) query \(qi) maxDistance \(cap), elements only")
                let r = [500.0, 25_000, 400_000, 3_000_000][qi % 4]
                #expect(agree(tree.neighbors(within: r, of: q), oracle.within(r, of: q)),
                        "seed \(seed) query \(qi) radius \(r)")
                let box = randomBox(&rng)
                #expect(tree.elements(in: box).map(\.element) == oracle.inBox(box),
                        "seed \(seed) query \(qi) box \(box)")
            }
        }
    }

    @Test("random interleavings of inserts, removes and moves keep the tree valid and exact", arguments: seeds)
    func interleavings(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var tree = RTree<Int64>()
        var oracle = Oracle()
        var nextID: Int64 = 0
        let pool = hardPoints(4_000, using: &rng)
        for step in 0..<3_000 {
            let roll = Int.random(in: 0..<10, using: &rng)
            if roll < 5 || oracle.points.isEmpty {
                let p = pool.randomElement(using: &rng)!
                tree.insert(nextID, at: p)
                oracle.points[nextID] = p
                nextID += 1
            } else if roll < 8 {
                let id = oracle.points.keys.randomElement(using: &rng)!
                do { let ok = tree.remove(id, at: oracle.points[id]!); #expect(ok, "seed \(seed) step \(step) remove \(id)") }
                oracle.points[id] = nil
            } else {
                let id = oracle.points.keys.randomElement(using: &rng)!
                let to = pool.randomElement(using: &rng)!
                do { let ok = tree.move(id, from: oracle.points[id]!, to: to); #expect(ok, "seed \(seed) step \(step) move \(id)") }
                oracle.points[id] = to
            }
            try tree.checkInvariants()
            #expect(tree.count == oracle.points.count)
            if step % 100 == 0 {
                let q = pool.randomElement(using: &rng)!
                let expected = oracle.nearest(to: q, count: 10)
                #expect(agree(tree.nearest(to: q, count: 10), expected), "seed \(seed) step \(step)")
                #expect(tree.nearestElements(to: q, count: 10) == expected.map(\.id), "seed \(seed) step \(step), elements only")
            }
        }
        // Removing what is not there changes nothing.
        do { let ok = tree.remove(-1, at: Coordinate(latitude: 0, longitude: 0)); #expect(!ok) }
        try tree.checkInvariants()
        // Drain completely.
        for (id, p) in oracle.points {
            do { let ok = tree.remove(id, at: p); #expect(ok) }
        }
        try tree.checkInvariants()
        #expect(tree.isEmpty)
        #expect(tree.nearest(to: .init(latitude: 0, longitude: 0), count: 3).isEmpty)
    }

    @Test("batches inserted together (rebuilt in bulk, or one by one along the curve) keep the tree valid and exact",
          arguments: seeds)
    func batchInserts(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var tree = RTree<Int64>()
        var oracle = Oracle()
        var nextID: Int64 = 0
        let pool = hardPoints(2_000, using: &rng)
        // Sizes around the tree's: an empty tree, one smaller than the batch (rebuilt), larger
        // ones (inserted along the curve), single entries and empty batches; with duplicates
        // (the pool's points repeat), removals and moves between batches.
        for size in [700, 0, 1_500, 1, 400, 2_500, 30, 900] {
            var batch: [(Int64, Coordinate)] = []
            for _ in 0..<size {
                let p = pool.randomElement(using: &rng)!
                batch.append((nextID, p))
                oracle.points[nextID] = p
                nextID += 1
            }
            let before = tree
            tree.insert(contentsOf: batch)
            try tree.checkInvariants()
            try before.checkInvariants()
            #expect(before.count == tree.count - size, "a copy changed under the batch")
            #expect(tree.count == oracle.points.count)
            for id in oracle.points.keys.sorted().shuffled(using: &rng).prefix(150) {
                if Bool.random(using: &rng) {
                    let removed = tree.remove(id, at: oracle.points[id]!)
                    #expect(removed)
                    oracle.points[id] = nil
                } else {
                    let to = pool.randomElement(using: &rng)!
                    let moved = tree.move(id, from: oracle.points[id]!, to: to)
                    #expect(moved)
                    oracle.points[id] = to
                }
            }
            try tree.checkInvariants()
            for q in hardPoints(10, using: &rng) {
                #expect(agree(tree.nearest(to: q, count: 10), oracle.nearest(to: q, count: 10)), "seed \(seed) size \(size)")
                #expect(agree(tree.neighbors(within: 300_000, of: q), oracle.within(300_000, of: q)), "seed \(seed) size \(size)")
            }
            let box = randomBox(&rng)
            #expect(tree.elements(in: box).map(\.element) == oracle.inBox(box), "seed \(seed) size \(size) box \(box)")
        }
    }

    func randomBox(_ rng: inout SeededGenerator) -> GeoBox {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:  // across the antimeridian
            return GeoBox(south: .random(in: -80...0, using: &rng), west: .random(in: 150...179, using: &rng),
                          north: .random(in: 0...80, using: &rng), east: .random(in: -179 ... -150, using: &rng))
        case 1:  // touching the north pole
            return GeoBox(south: .random(in: 60...89, using: &rng), west: .random(in: -180...0, using: &rng),
                          north: 90, east: .random(in: 0...180, using: &rng))
        case 2:  // touching the south pole
            return GeoBox(south: -90, west: -180, north: .random(in: -89 ... -60, using: &rng), east: 180)
        case 3:  // edge exactly on the antimeridian
            return GeoBox(south: -60, west: 170, north: 60, east: 180)
        default:
            let s = Double.random(in: -90...89, using: &rng), w = Double.random(in: -180...179, using: &rng)
            return GeoBox(south: s, west: w, north: min(90, s + .random(in: 0.01...40, using: &rng)),
                          east: min(180, w + .random(in: 0.01...60, using: &rng)))
        }
    }
}

