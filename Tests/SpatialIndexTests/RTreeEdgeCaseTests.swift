import GeoDataGeneration
import Geodesy
import SpatialIndex
import Testing

@Suite("RTree edge cases")
struct RTreeEdgeCaseTests {
    @Test("every longitude at a pole is the same point")
    func poles() throws {
        var tree = RTree<Int64>()
        for i in 0..<200 { tree.insert(Int64(i), at: Coordinate(latitude: 90, longitude: Double(i) * 1.8 - 180)) }
        for i in 200..<400 { tree.insert(Int64(i), at: Coordinate(latitude: -90, longitude: Double(i) * 0.9 - 180)) }
        try tree.checkInvariants()
        let north = tree.nearest(to: Coordinate(latitude: 90, longitude: 33), count: 200)
        #expect(north.count == 200)
        #expect(north.allSatisfy { $0.distance < 1e-6 && $0.element < 200 })
        #expect(north.map(\.element) == Array(0..<200), "ties broken by element")
        #expect(tree.nearestElements(to: Coordinate(latitude: 90, longitude: 33), count: 200) == Array(0..<200))
        // The 200 at the North pole, then the first ten of the South pole's, all tied.
        #expect(tree.nearestElements(to: Coordinate(latitude: 89.99, longitude: -150), count: 210) == Array(0..<210))
        let south = tree.neighbors(within: 1, of: Coordinate(latitude: -90, longitude: -120))
        #expect(south.map(\.element) == Array(200..<400))
        // A box reaching the pole holds it whatever its longitudes.
        let cap = tree.elements(in: GeoBox(south: 89, west: 10, north: 90, east: 11))
        #expect(cap.map(\.element) == Array(0..<200))
        // Removing a pole entry by another longitude finds it.
        do { let ok = tree.remove(5, at: Coordinate(latitude: 90, longitude: 77)); #expect(ok) }
        try tree.checkInvariants()
    }

    @Test("exact duplicates: ties by element, and each removal takes one")
    func duplicates() throws {
        var tree = RTree<Int64>()
        let spot = Coordinate(latitude: 48.8584, longitude: 2.2945)
        for i in (0..<500).reversed() { tree.insert(Int64(i), at: spot) }
        tree.insert(7, at: spot)  // the same element twice at the same place
        try tree.checkInvariants()
        let near = tree.nearest(to: Coordinate(latitude: 48.86, longitude: 2.29), count: 5)
        #expect(near.map(\.element) == [0, 1, 2, 3, 4])
        #expect(Set(near.map(\.distance)).count == 1)
        // Elements only: the 501 ties settle by element without a geodesic each deciding them.
        #expect(tree.nearestElements(to: Coordinate(latitude: 48.86, longitude: 2.29), count: 5) == [0, 1, 2, 3, 4])
        #expect(tree.nearestElements(to: spot, count: 9) == [0, 1, 2, 3, 4, 5, 6, 7, 7])
        tree.insert(1_000, at: Coordinate(latitude: 48.8585, longitude: 2.2945))
        tree.insert(1_001, at: Coordinate(latitude: 48.8583, longitude: 2.2945))
        #expect(tree.nearestElements(to: Coordinate(latitude: 48.86, longitude: 2.29), count: 503).suffix(3)
                == tree.nearest(to: Coordinate(latitude: 48.86, longitude: 2.29), count: 503).suffix(3).map(\.element))
        do { let ok = tree.remove(1_000, at: Coordinate(latitude: 48.8585, longitude: 2.2945)); #expect(ok) }
        do { let ok = tree.remove(1_001, at: Coordinate(latitude: 48.8583, longitude: 2.2945)); #expect(ok) }
        do { let ok = tree.remove(7, at: spot); #expect(ok) }
        do { let ok = tree.remove(7, at: spot); #expect(ok) }
        do { let ok = tree.remove(7, at: spot); #expect(!ok) }
        for i in 0..<500 where i != 7 { let ok = tree.remove(Int64(i), at: spot); #expect(ok) }
        try tree.checkInvariants()
        #expect(tree.isEmpty)
    }

    @Test("the antimeridian is no edge: ±180 are one meridian")
    func antimeridian() throws {
        var tree = RTree<Int64>()
        tree.insert(1, at: Coordinate(latitude: 0, longitude: 179.999))
        tree.insert(2, at: Coordinate(latitude: 0, longitude: -179.999))
        tree.insert(3, at: Coordinate(latitude: 0, longitude: 170))
        tree.insert(4, at: Coordinate(latitude: 0, longitude: 180))
        tree.insert(5, at: Coordinate(latitude: 0, longitude: -180))
        let near = tree.nearest(to: Coordinate(latitude: 0, longitude: -180), count: 4)
        #expect(Set(near.prefix(2).map(\.element)) == [4, 5])
        #expect(near[0].distance < 1e-6 && near[1].distance < 1e-6)
        #expect(Set(near.suffix(2).map(\.element)) == [1, 2])
        #expect(tree.nearestElements(to: Coordinate(latitude: 0, longitude: -180), count: 5) == near.map(\.element) + [3])
        #expect(tree.elements(in: GeoBox(south: -1, west: 179.9, north: 1, east: -179.9)).map(\.element) == [1, 2, 4, 5])
        #expect(tree.elements(in: GeoBox(south: -1, west: 175, north: 1, east: 180)).map(\.element) == [1, 4, 5])
        #expect(tree.elements(in: GeoBox(south: -1, west: -180, north: 1, east: -179)).map(\.element) == [2, 4, 5])
    }

    @Test("points 0 m away by geod_inverse but not the query's own: ties by element in both searches",
          arguments: [
              // PROJ rounds angles below 1/16° to multiples of 2⁻⁵⁷°: one ulp of latitude near the
              // equator, or of longitude near the prime meridian, is no distance; subnormal
              // coordinates are none either (the `index` fuzzer's cases).
              (Coordinate(latitude: 0.01, longitude: 5), Coordinate(latitude: 0.01.nextUp, longitude: 5)),
              (Coordinate(latitude: 50, longitude: 0.001), Coordinate(latitude: 50, longitude: 0.001.nextUp)),
              (Coordinate(latitude: 0, longitude: 0), Coordinate(latitude: 3.56e-322, longitude: 3.56e-322)),
              // Across the antimeridian.
              (Coordinate(latitude: 1.5e-323, longitude: 180), Coordinate(latitude: 0, longitude: -180)),
          ])
    func zeroDistanceTies(query: Coordinate, other: Coordinate) throws {
        try #require(query != other && Geodesic.wgs84.distance(from: query, to: other) == 0)
        var tree = RTree<Int64>()
        // The query's own point holds the larger elements; the other point, 0 m away too, the
        // smaller ones; a few metres away, the smallest.
        for id in Int64(20)..<30 { tree.insert(id, at: query) }
        for id in Int64(10)..<20 { tree.insert(id, at: other) }
        let near = Geodesic.wgs84.destination(from: query, azimuth: 45, distance: 3)
        for id in Int64(0)..<10 { tree.insert(id, at: near) }
        try tree.checkInvariants()
        for k in [1, 5, 15, 25] {
            let expected = Array(Int64(10)..<30).prefix(k) + Array(Int64(0)..<10).prefix(Swift.max(0, k - 20))
            #expect(tree.nearest(to: query, count: k).map(\.element) == Array(expected), "k = \(k)")
            #expect(tree.nearestElements(to: query, count: k) == Array(expected), "k = \(k), ids only")
        }
    }

    @Test("two sites 7 nm apart and 19,100 km away come in the order of their geodesics")
    func farNearTie() throws {
        // Keys a few ulps apart may come in the other order than their distances (rounding):
        // the in-order search compares such keys by geodesic (the `index` fuzzer's case).
        let query = Coordinate(latitude: 1.1, longitude: -179.23)
        let lagos = Coordinate(latitude: 6.5244, longitude: 3.3792)
        let moved = Coordinate(latitude: 6.524400000000056, longitude: 3.379200000000028)
        let (far, near) = (Geodesic.wgs84.distance(from: query, to: lagos), Geodesic.wgs84.distance(from: query, to: moved))
        try #require(near < far)
        for (ids, label) in [((16, 27), "larger id nearer"), ((27, 16), "smaller id nearer")] {
            var tree = RTree<Int64>()
            for _ in 0..<4 { tree.insert(Int64(ids.0), at: lagos) }
            tree.insert(Int64(ids.1), at: moved)
            let expected = [Int64(ids.1)] + Array(repeating: Int64(ids.0), count: 4)
            #expect(tree.nearest(to: query, count: 5).map(\.element) == expected, "\(label)")
            #expect(tree.nearestElements(to: query, count: 5) == expected, "\(label), ids only")
        }
    }

    @Test("empty trees, k = 0, negative radius and invalid query points answer nothing")
    func degenerate() {
        var tree = RTree<Int64>()
        let q = Coordinate(latitude: 10, longitude: 10)
        #expect(tree.nearest(to: q, count: 5).isEmpty)
        tree.insert(1, at: q)
        #expect(tree.nearest(to: q, count: 0).isEmpty)
        #expect(tree.neighbors(within: -1, of: q).isEmpty)
        #expect(tree.nearest(to: Coordinate(latitude: .nan, longitude: 0), count: 1).isEmpty)
        #expect(tree.nearest(to: q, count: 1, maxDistance: -5).isEmpty)
        #expect(tree.nearest(to: q, count: 1, maxDistance: 0).map(\.element) == [1])
        #expect(tree.nearestElements(to: q, count: 0).isEmpty)
        #expect(tree.nearestElements(to: Coordinate(latitude: .nan, longitude: 0), count: 1).isEmpty)
        #expect(tree.nearestElements(to: q, count: 1, maxDistance: -5).isEmpty)
        #expect(tree.nearestElements(to: q, count: 3, maxDistance: 0) == [1])
    }

    @Test("a count as large as Int.max answers every entry, in order, without overflow")
    func hugeCount() {
        var tree = RTree<Int64>()
        for i in 0..<500 {
            let location = Coordinate(latitude: Double(i % 50) * 3.5 - 85, longitude: Double(i / 50) * 35 - 170)
            tree.insert(Int64(i), at: location)
        }
        let q = Coordinate(latitude: -12, longitude: 33)
        let all = tree.nearest(to: q, count: 500)
        #expect(all.count == 500)
        #expect(tree.nearest(to: q, count: .max) == all)
        #expect(tree.nearestElements(to: q, count: .max) == all.map(\.element))
        #expect(tree.nearest(to: q, count: .max, maxDistance: 1e6) == all.filter { $0.distance <= 1e6 })
    }

    @Test("copies are independent: a snapshot survives a writer's changes")
    func copyOnWrite() throws {
        var rng = SeededGenerator(seed: 7)
        let points = hardPoints(2_000, using: &rng)
        var writer = RTree(bulkLoading: points.enumerated().map { (Int64($0.offset), $0.element) })
        let snapshot = writer
        let q = Coordinate(latitude: 51.5, longitude: -0.1)
        let before = snapshot.nearest(to: q, count: 20)
        for (i, p) in points.enumerated().prefix(1_000) {
            do { let ok = writer.remove(Int64(i), at: p); #expect(ok) }
            writer.insert(Int64(10_000 + i), at: q)
        }
        try writer.checkInvariants()
        try snapshot.checkInvariants()
        #expect(snapshot.count == points.count)
        let after = snapshot.nearest(to: q, count: 20)
        #expect(after.map(\.element) == before.map(\.element))
        let nearestAfter = writer.nearest(to: q, count: 1).first?.element
        #expect(nearestAfter == 10_000)
    }

    @Test("several tasks query snapshots while one task inserts")
    func concurrentReaders() async throws {
        var rng = SeededGenerator(seed: 99)
        let points = hardPoints(3_000, using: &rng)
        let initial = RTree(bulkLoading: points.prefix(1_000).enumerated().map { (Int64($0.offset), $0.element) })
        let published = Published(initial)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var tree = published.value
                for (i, p) in points.enumerated().dropFirst(1_000) {
                    tree.insert(Int64(i), at: p)
                    if i % 50 == 0 { published.value = tree }
                }
                published.value = tree
            }
            for reader in 0..<3 {
                group.addTask {
                    for i in 0..<200 {
                        let snapshot = published.value
                        let q = points[(i * 7 + reader) % points.count]
                        let got = snapshot.nearest(to: q, count: 5)
                        // Each answer is consistent with the snapshot it came from.
                        #expect(got.count == min(5, snapshot.count))
                        #expect(zip(got, got.dropFirst()).allSatisfy { $0.distance <= $1.distance })
                        try snapshot.checkInvariants()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(published.value.count == points.count)
        try published.value.checkInvariants()
    }
}

import Synchronization

/// The latest tree, handed between tasks under a lock.
final class Published: Sendable {
    private let state: Mutex<RTree<Int64>>
    init(_ tree: RTree<Int64>) { state = Mutex(tree) }
    var value: RTree<Int64> {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
