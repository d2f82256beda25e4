import Benchmark
import BenchmarkSupport
import Geodesy
import SpatialIndex

// GeoContacts' RTree side by side with Boost.Geometry (quadratic<16>, rstar<16>, on 3-D unit
// vectors) and S2PointIndex, on the same generated points and queries (see BenchmarkData).
//
// Names are `Operation.Structure`: RTree is built one by one, RTreeBulk bulk-loaded;
// Boost* and S2 are built one by one, BoostPacked by Boost's packing range constructor.
// Builds measure the whole build of N points (one iteration = N inserts); mutations and
// queries measure 1,000 operations per iteration (scaled: figures are per operation).
// The RTree answers with exact WGS84 geodesic distances; the peers rank by chord or angle
// on a sphere.

let benchmarks: @Sendable () -> Void = {
    // Allocation counts are the regression guard (p90, `benchmark thresholds check`);
    // wall-clock figures are reported but never gate anything on this shared machine.
    let mallocGuard: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(relative: [.p90: 5.0]),
    ]
    let bytesPerPoint = BenchmarkMetric.custom("bytesPerPoint", polarity: .prefersSmaller, useScalingFactor: false)
    /// How many points the index holds, so a report shows which size it ran at.
    let points = BenchmarkMetric.custom("points", polarity: .prefersLarger, useScalingFactor: false)
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    let build = Benchmark.Configuration(
        metrics: metrics, warmupIterations: 1, scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 5)
    let perOperation = Benchmark.Configuration(
        metrics: metrics, timeUnits: .nanoseconds, warmupIterations: 1, scalingFactor: .kilo,
        maxDuration: .seconds(3), maxIterations: 1_000)
    func guarded(_ c: Benchmark.Configuration) -> Benchmark.Configuration {
        var c = c
        c.thresholds = mallocGuard
        return c
    }

    // MARK: Build

    Benchmark("Insert.RTree", configuration: guarded(build)) { benchmark in
        _ = Fixtures.data
        benchmark.startMeasurement()
        let tree = Fixtures.insertAll()
        benchmark.stopMeasurement()
        blackHole(tree)
    }
    for kind in Peer.Kind.allCases {
        Benchmark("Insert.\(kind.name)", configuration: build) { benchmark in
            _ = Fixtures.data
            benchmark.startMeasurement()
            let peer = Fixtures.insertAll(kind)
            benchmark.stopMeasurement()
            blackHole(peer)
        }
    }

    Benchmark("BulkLoad.RTree", configuration: guarded(build)) { benchmark in
        _ = Fixtures.data
        benchmark.startMeasurement()
        let tree = Fixtures.bulkLoad()
        benchmark.stopMeasurement()
        blackHole(tree)
    }
    Benchmark("BulkLoad.BoostPacked", configuration: build) { benchmark in
        let data = Fixtures.data
        benchmark.startMeasurement()
        let peer = Peer(.boostRStar, bulkLoading: data)
        benchmark.stopMeasurement()
        blackHole(peer)
    }

    // MARK: Mutations (1,000 per iteration; the tree stays at N entries)

    Benchmark("Remove.RTree", configuration: guarded(perOperation)) { benchmark in
        let data = Fixtures.data
        _ = Fixtures.tree(bulk: false)
        let n = benchmark.scaledIterations.count
        let start = Fixtures.advance("Remove.RTree", by: n, modulo: data.count)
        benchmark.startMeasurement()
        for j in 0..<n {
            let i = (start + j) % data.count
            blackHole(Fixtures.dynamicTree!.remove(Int32(i), at: data.points[i]))
        }
        benchmark.stopMeasurement()
        for j in 0..<n {
            let i = (start + j) % data.count
            Fixtures.dynamicTree!.insert(Int32(i), at: data.points[i])
        }
    }
    for kind in Peer.Kind.allCases {
        Benchmark("Remove.\(kind.name)", configuration: perOperation) { benchmark in
            let data = Fixtures.data
            let peer = Fixtures.peer(kind)
            let n = benchmark.scaledIterations.count
            let start = Fixtures.advance("Remove.\(kind.name)", by: n, modulo: data.count)
            benchmark.startMeasurement()
            for j in 0..<n {
                let i = (start + j) % data.count
                blackHole(peer.remove(Int32(i), latitude: data.latitudes[i], longitude: data.longitudes[i]))
            }
            benchmark.stopMeasurement()
            for j in 0..<n {
                let i = (start + j) % data.count
                peer.insert(Int32(i), latitude: data.latitudes[i], longitude: data.longitudes[i])
            }
        }
    }

    Benchmark("Move.RTree", configuration: guarded(perOperation)) { benchmark in
        let data = Fixtures.data
        _ = Fixtures.tree(bulk: false)
        var at = Fixtures.takeLocations("RTree")
        let n = benchmark.scaledIterations.count
        let start = Fixtures.advance("Move.RTree", by: n, modulo: data.count)
        benchmark.startMeasurement()
        for j in 0..<n {
            let i = (start + j) % data.count
            let to = data.queries[(start + j) % data.queries.count]
            blackHole(Fixtures.dynamicTree!.move(Int32(i), from: at[i], to: to))
            at[i] = to
        }
        benchmark.stopMeasurement()
        Fixtures.locations["RTree"] = at
    }
    for kind in Peer.Kind.allCases {
        // The peers have no move: remove, then insert, as their users would.
        Benchmark("Move.\(kind.name)", configuration: perOperation) { benchmark in
            let data = Fixtures.data
            let peer = Fixtures.peer(kind)
            var at = Fixtures.takeLocations(kind.name)
            let n = benchmark.scaledIterations.count
            let start = Fixtures.advance("Move.\(kind.name)", by: n, modulo: data.count)
            benchmark.startMeasurement()
            for j in 0..<n {
                let i = (start + j) % data.count
                let to = data.queries[(start + j) % data.queries.count]
                blackHole(peer.remove(Int32(i), latitude: at[i].latitude, longitude: at[i].longitude))
                peer.insert(Int32(i), latitude: to.latitude, longitude: to.longitude)
                at[i] = to
            }
            benchmark.stopMeasurement()
            Fixtures.locations[kind.name] = at
        }
    }

    // MARK: Queries (1,000 per iteration, round-robin over the queries)

    for (k, label) in [(1, "Nearest1"), (10, "Nearest10")] {
        // RTreeIDs: ids only, in exact WGS84 order, like the peers' answers; bounds settle most
        // answers without a geodesic (RTree and RTreeBulk carry exact distances, one geodesic each).
        for (variant, bulk, idsOnly) in [("RTree", false, false), ("RTreeBulk", true, false), ("RTreeIDs", false, true)] {
            let name = "\(label).\(variant)"
            Benchmark(name, configuration: guarded(perOperation)) { benchmark in
                let data = Fixtures.data
                let tree = Fixtures.tree(bulk: bulk)
                let n = benchmark.scaledIterations.count
                let start = Fixtures.advance(name, by: n, modulo: data.queries.count)
                benchmark.startMeasurement()
                for j in 0..<n {
                    let q = data.queries[(start + j) % data.queries.count]
                    if idsOnly {
                        blackHole(tree.nearestElements(to: q, count: k))
                    } else {
                        blackHole(tree.nearest(to: q, count: k))
                    }
                }
            }
        }
        for (kind, bulk) in Peer.Kind.allCases.map({ ($0, false) }) + [(.boostRStar, true)] {
            let name = "\(label).\(bulk ? "BoostPacked" : kind.name)"
            Benchmark(name, configuration: perOperation) { benchmark in
                let data = Fixtures.data
                let peer = Fixtures.peer(kind, bulk: bulk)
                let n = benchmark.scaledIterations.count
                let start = Fixtures.advance(name, by: n, modulo: data.queries.count)
                benchmark.startMeasurement()
                for j in 0..<n {
                    let q = data.queries[(start + j) % data.queries.count]
                    blackHole(peer.nearest(latitude: q.latitude, longitude: q.longitude, count: k))
                }
            }
        }
    }

    Benchmark("Radius.RTree", configuration: guarded(perOperation)) { benchmark in
        let data = Fixtures.data
        let tree = Fixtures.tree(bulk: false)
        let n = benchmark.scaledIterations.count
        let start = Fixtures.advance("Radius.RTree", by: n, modulo: data.queries.count)
        benchmark.startMeasurement()
        for j in 0..<n {
            blackHole(tree.neighbors(within: BenchmarkData.radius, of: data.queries[(start + j) % data.queries.count]))
        }
    }
    // Ids only, beside the peers' counts: the proven chord bounds settle most hits without a
    // geodesic (Radius.RTree above carries distances, one geodesic per hit).
    Benchmark("Radius.RTreeCount", configuration: perOperation) { benchmark in
        let data = Fixtures.data
        let tree = Fixtures.tree(bulk: false)
        let n = benchmark.scaledIterations.count
        let start = Fixtures.advance("Radius.RTreeCount", by: n, modulo: data.queries.count)
        benchmark.startMeasurement()
        for j in 0..<n {
            blackHole(tree.count(within: BenchmarkData.radius, of: data.queries[(start + j) % data.queries.count]))
        }
    }
    for kind in Peer.Kind.allCases {
        Benchmark("Radius.\(kind.name)", configuration: perOperation) { benchmark in
            let data = Fixtures.data
            let peer = Fixtures.peer(kind)
            let n = benchmark.scaledIterations.count
            let start = Fixtures.advance("Radius.\(kind.name)", by: n, modulo: data.queries.count)
            benchmark.startMeasurement()
            for j in 0..<n {
                let q = data.queries[(start + j) % data.queries.count]
                blackHole(peer.countWithin(BenchmarkData.radius, latitude: q.latitude, longitude: q.longitude))
            }
        }
    }

    // The answers sorted by id (Box.RTree), and a count beside the peers' counts
    // (Box.RTreeCount): nodes the box surely holds are taken whole.
    let boxQueries: [(name: String, run: @Sendable (RTree<Int32>, GeoBox) -> Void)] = [
        ("Box.RTree", { blackHole($0.elements(in: $1)) }),
        ("Box.RTreeCount", { blackHole($0.count(in: $1)) }),
    ]
    for query in boxQueries {
        Benchmark(query.name, configuration: guarded(perOperation)) { benchmark in
            let data = Fixtures.data
            let tree = Fixtures.tree(bulk: false)
            let n = benchmark.scaledIterations.count
            let start = Fixtures.advance(query.name, by: n, modulo: data.boxes.count)
            benchmark.startMeasurement()
            for j in 0..<n {
                query.run(tree, data.boxes[(start + j) % data.boxes.count])
            }
        }
    }
    for kind in Peer.Kind.allCases where kind.supportsBox {
        Benchmark("Box.\(kind.name)", configuration: perOperation) { benchmark in
            let data = Fixtures.data
            let peer = Fixtures.peer(kind)
            let n = benchmark.scaledIterations.count
            let start = Fixtures.advance("Box.\(kind.name)", by: n, modulo: data.boxes.count)
            benchmark.startMeasurement()
            for j in 0..<n {
                let b = data.boxes[(start + j) % data.boxes.count]
                blackHole(peer.countInBox(south: b.south, west: b.west, north: b.north, east: b.east))
            }
        }
    }

    // Polygons: every point inside a 24-vertex star of ~5 km around a query (geodesic edges).
    // The RTree answers the ids (sorted); Boost counts, testing each candidate in the polygon's
    // envelope with bg::within on geographic coordinates.
    // Both report `answers` (points inside, averaged over the polygons measured): equal counts
    // show that they answer the same question.
    let answers = BenchmarkMetric.custom("answers", polarity: .prefersLarger, useScalingFactor: false)
    var polygonConfiguration = perOperation
    polygonConfiguration.metrics.append(answers)
    Benchmark("Polygon.RTree", configuration: guarded(polygonConfiguration)) { benchmark in
        let polygons = Fixtures.data.polygons
        let tree = Fixtures.tree(bulk: false)
        let n = benchmark.scaledIterations.count
        let start = Fixtures.advance("Polygon.RTree", by: n, modulo: polygons.count)
        var total = 0
        benchmark.startMeasurement()
        for j in 0..<n {
            let count = tree.elements(inside: polygons[(start + j) % polygons.count]).count
            total &+= count
        }
        benchmark.stopMeasurement()
        benchmark.measurement(answers, total / max(1, n))
    }
    Benchmark("Polygon.BoostGeographic", configuration: polygonConfiguration) { benchmark in
        let rings = Fixtures.polygonRings
        let peer = Fixtures.geographicPeer
        let n = benchmark.scaledIterations.count
        let start = Fixtures.advance("Polygon.BoostGeographic", by: n, modulo: rings.count)
        var total = 0
        benchmark.startMeasurement()
        for j in 0..<n {
            let ring = rings[(start + j) % rings.count]
            total &+= peer.countInside(latitudes: ring.latitudes, longitudes: ring.longitudes)
        }
        benchmark.stopMeasurement()
        benchmark.measurement(answers, total / max(1, n))
    }

    // MARK: A crowd (100,000 duplicates at one point, beside 100,000 points of the data)

    // Nearest-10 at the crowd's point and 1.1 km north of it: the answers are the crowd's ten
    // smallest ids (ties by id), which the peers do not promise (they answer any ten).
    for (where_, query) in [("At", Fixtures.crowdPoint),
                            ("Near", Coordinate(latitude: Fixtures.crowdPoint.latitude + 0.01,
                                                longitude: Fixtures.crowdPoint.longitude))] {
        Benchmark("Crowd\(where_).RTree", configuration: perOperation) { benchmark in
            let tree = Fixtures.crowdTree
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(tree.nearest(to: query, count: 10)) }
        }
        for kind in Peer.Kind.allCases {
            Benchmark("Crowd\(where_).\(kind.name)", configuration: perOperation) { benchmark in
                let peer = Fixtures.crowdPeer(kind)
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    blackHole(peer.nearest(latitude: query.latitude, longitude: query.longitude, count: 10))
                }
            }
        }
    }

    // MARK: Far from a dense cluster (`Fixtures.farEntries`, `Fixtures.farSideEntries`)

    // Nearest-1 and -10 from 900–2,450 km away, the answers all in a cluster 111 m across
    // (`Far`), and from 9,000–17,500 km away, all in a cluster 200 m across (`FarSide`):
    // with exact distances, in exact order without them (RTreeIDs), and the peers' ids on a
    // sphere.
    let farFixtures: [(prefix: String, tree: () -> RTree<Int32>, queries: () -> [Coordinate], peer: (Peer.Kind) -> Peer)] = [
        ("Far", { Fixtures.farTree }, { Fixtures.farQueries }, Fixtures.farPeer),
        ("FarSide", { Fixtures.farSideTree }, { Fixtures.farSideQueries }, Fixtures.farSidePeer),
    ]
    for fixture in farFixtures {
    for (k, label) in [(1, "\(fixture.prefix)Nearest1"), (10, "\(fixture.prefix)Nearest10")] {
        for (variant, idsOnly) in [("RTree", false), ("RTreeIDs", true)] {
            let name = "\(label).\(variant)"
            Benchmark(name, configuration: perOperation) { benchmark in
                let tree = fixture.tree()
                let queries = fixture.queries()
                let start = Fixtures.advance(name, by: benchmark.scaledIterations.count, modulo: queries.count)
                benchmark.startMeasurement()
                for j in benchmark.scaledIterations {
                    let q = queries[(start + j) % queries.count]
                    if idsOnly {
                        blackHole(tree.nearestElements(to: q, count: k))
                    } else {
                        blackHole(tree.nearest(to: q, count: k))
                    }
                }
            }
        }
        for kind in Peer.Kind.allCases {
            let name = "\(label).\(kind.name)"
            Benchmark(name, configuration: perOperation) { benchmark in
                let peer = fixture.peer(kind)
                let queries = fixture.queries()
                let start = Fixtures.advance(name, by: benchmark.scaledIterations.count, modulo: queries.count)
                benchmark.startMeasurement()
                for j in benchmark.scaledIterations {
                    let q = queries[(start + j) % queries.count]
                    blackHole(peer.nearest(latitude: q.latitude, longitude: q.longitude, count: k))
                }
            }
        }
    }
    }

    // Writes into the crowd: the whole fixture built one by one (200,000 inserts, half of
    // them at one point), and removals of the crowd's contacts (1,000 an iteration, put back
    // outside the measurement) in a scrambled order (`crowdVictim`): in insertion order, each
    // removal would take the oldest entry at the point, which S2's index finds first.
    // `CrowdAppend` builds the same entries with the crowd's ids in ascending order, as a store
    // hands them out.
    for (name, entries) in [("CrowdInsert", { Fixtures.crowdEntries }), ("CrowdAppend", { Fixtures.crowdEntriesAscending })] {
        Benchmark("\(name).RTree", configuration: guarded(build)) { benchmark in
            let entries = entries()
            benchmark.startMeasurement()
            var tree = RTree<Int32>()
            for (id, p) in entries { tree.insert(id, at: p) }
            benchmark.stopMeasurement()
            blackHole(tree)
        }
        for kind in Peer.Kind.allCases {
            Benchmark("\(name).\(kind.name)", configuration: build) { benchmark in
                let entries = entries()
                benchmark.startMeasurement()
                let peer = Peer(kind)
                for (id, c) in entries { peer.insert(id, latitude: c.latitude, longitude: c.longitude) }
                benchmark.stopMeasurement()
                blackHole(peer)
            }
        }
    }
    // A fixed number of iterations: which entries a run takes, and with them the tree's shape
    // after they are put back (and any allocation a dissolved leaf costs), must not follow
    // the machine's speed (as for `Update.Location` in the contacts suite).
    var crowdRemovals = guarded(perOperation)
    crowdRemovals.maxIterations = 200
    crowdRemovals.maxDuration = .seconds(60)
    Benchmark("CrowdRemove.RTree", configuration: crowdRemovals) { benchmark in
        _ = Fixtures.crowdTree
        let n = benchmark.scaledIterations.count
        let start = Fixtures.advance("CrowdRemove.RTree", by: n, modulo: Fixtures.crowdSize)
        benchmark.startMeasurement()
        for j in 0..<n {
            let (id, p) = Fixtures.crowdVictim(start + j)
            blackHole(Fixtures.crowdTree.remove(id, at: p))
        }
        benchmark.stopMeasurement()
        for j in 0..<n {
            let (id, p) = Fixtures.crowdVictim(start + j)
            Fixtures.crowdTree.insert(id, at: p)
        }
    }
    for kind in Peer.Kind.allCases {
        Benchmark("CrowdRemove.\(kind.name)", configuration: perOperation) { benchmark in
            let peer = Fixtures.crowdPeer(kind)
            let n = benchmark.scaledIterations.count
            let start = Fixtures.advance("CrowdRemove.\(kind.name)", by: n, modulo: Fixtures.crowdSize)
            benchmark.startMeasurement()
            for j in 0..<n {
                let (id, c) = Fixtures.crowdVictim(start + j)
                blackHole(peer.remove(id, latitude: c.latitude, longitude: c.longitude))
            }
            benchmark.stopMeasurement()
            for j in 0..<n {
                let (id, c) = Fixtures.crowdVictim(start + j)
                peer.insert(id, latitude: c.latitude, longitude: c.longitude)
            }
        }
    }

    // MARK: Memory (one iteration; reports the index's heap bytes per point)

    let memory = Benchmark.Configuration(
        metrics: [bytesPerPoint, points], warmupIterations: 0, maxIterations: 1)
    for bulk in [false, true] {
        Benchmark("Memory.\(bulk ? "RTreeBulk" : "RTree")", configuration: memory) { benchmark in
            let tree = Fixtures.tree(bulk: bulk)
            benchmark.measurement(bytesPerPoint, Int(tree.statistics.bytesPerEntry.rounded()))
            benchmark.measurement(points, tree.count)
        }
    }
    for (kind, bulk) in Peer.Kind.allCases.map({ ($0, false) }) + [(.boostRStar, true)] {
        Benchmark("Memory.\(bulk ? "BoostPacked" : kind.name)", configuration: memory) { benchmark in
            let peer = Fixtures.peer(kind, bulk: bulk)
            benchmark.measurement(bytesPerPoint, Int((Double(peer.bytes) / Double(peer.count)).rounded()))
            benchmark.measurement(points, peer.count)
        }
    }
}
