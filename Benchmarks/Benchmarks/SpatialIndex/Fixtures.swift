import BenchmarkSupport
import GeoDataGeneration
import Geodesy
import SpatialIndex

/// The indexes the benchmarks query and mutate, built on first use from
/// ``BenchmarkData/shared`` so that building them is never part of a measurement.
///
/// The harness runs one benchmark at a time on one thread; the state is therefore plain
/// `nonisolated(unsafe)` globals, which also lets the mutation benchmarks change a tree in
/// place (a copy would make the first mutation copy the whole tree).
enum Fixtures {
    static var data: BenchmarkData { BenchmarkData.shared }

    nonisolated(unsafe) static var dynamicTree: RTree<Int32>?
    nonisolated(unsafe) static var bulkTree: RTree<Int32>?
    nonisolated(unsafe) static var dynamicPeers: [Peer.Kind: Peer] = [:]
    nonisolated(unsafe) static var bulkPeers: [Peer.Kind: Peer] = [:]
    /// Where each id currently is, for the move benchmarks (one array per structure name).
    nonisolated(unsafe) static var locations: [String: [Coordinate]] = [:]
    /// Round-robin cursors over ids and queries, per benchmark name.
    nonisolated(unsafe) static var cursors: [String: Int] = [:]

    /// Inserts every point one by one into an empty tree (ids are positions).
    static func insertAll() -> RTree<Int32> {
        var tree = RTree<Int32>()
        for (i, p) in data.points.enumerated() { tree.insert(Int32(i), at: p) }
        return tree
    }

    static func bulkLoad() -> RTree<Int32> {
        RTree(bulkLoading: data.points.enumerated().lazy.map { (Int32($0.offset), $0.element) })
    }

    static func insertAll(_ kind: Peer.Kind) -> Peer {
        let peer = Peer(kind)
        let (lat, lon) = (data.latitudes, data.longitudes)
        for i in lat.indices { peer.insert(Int32(i), latitude: lat[i], longitude: lon[i]) }
        return peer
    }

    static func tree(bulk: Bool) -> RTree<Int32> {
        if bulk {
            if bulkTree == nil { bulkTree = bulkLoad() }
            return bulkTree!
        }
        if dynamicTree == nil { dynamicTree = insertAll() }
        return dynamicTree!
    }

    static func peer(_ kind: Peer.Kind, bulk: Bool = false) -> Peer {
        if bulk {
            if let p = bulkPeers[kind] { return p }
            let p = Peer(kind, bulkLoading: data)!
            bulkPeers[kind] = p
            return p
        }
        if let p = dynamicPeers[kind] { return p }
        let p = insertAll(kind)
        dynamicPeers[kind] = p
        return p
    }

    /// The next `count` positions of a round-robin over `0..<modulo` for benchmark `name`.
    static func advance(_ name: String, by count: Int, modulo: Int) -> Int {
        let start = cursors[name, default: 0]
        cursors[name] = (start + count) % modulo
        return start
    }

    /// The benchmark polygons' rings as flat arrays, for Boost.
    nonisolated(unsafe) static var polygonRings: [(latitudes: [Double], longitudes: [Double])] = data.polygonRings.map {
        ($0.map(\.latitude), $0.map(\.longitude))
    }
    nonisolated(unsafe) static var geographicPeer = GeographicPeer(data)

    /// A crowd: 100,000 contacts geocoded to one point (a city's centroid), in random id
    /// order, beside the first 100,000 of the data's points (ids from 100,000 up).
    static let crowdPoint = Coordinate(latitude: 48.8566, longitude: 2.3522)
    static let crowdSize = 100_000
    static let crowdEntries: [(Int32, Coordinate)] = {
        var generator = SeededGenerator(seed: BenchmarkData.seed &+ 11)
        let crowd = (0..<Int32(crowdSize)).shuffled(using: &generator).map { ($0, crowdPoint) }
        return crowd + data.points.prefix(100_000).enumerated().map { (Int32(crowdSize + $0.offset), $0.element) }
    }()
    /// The crowd's entries with its ids in ascending order (then the same other points).
    static let crowdEntriesAscending: [(Int32, Coordinate)] =
        crowdEntries.prefix(crowdSize).sorted { $0.0 < $1.0 } + crowdEntries.dropFirst(crowdSize)
    /// The `i`-th crowd entry that the removal benchmarks take: a fixed scramble of the crowd
    /// (multiplying by 7,919, which is prime to its size, visits each entry once per round).
    static func crowdVictim(_ i: Int) -> (Int32, Coordinate) {
        crowdEntries[(i % crowdSize) * 7_919 % crowdSize]
    }
    nonisolated(unsafe) static var crowdTree = insertedTree(crowdEntries)
    nonisolated(unsafe) static var crowdPeers: [Peer.Kind: Peer] = [:]
    static func crowdPeer(_ kind: Peer.Kind) -> Peer { peer(kind, of: crowdEntries, cachedIn: &crowdPeers) }

    /// A tree of `entries` inserted one by one, in order.
    static func insertedTree(_ entries: [(Int32, Coordinate)]) -> RTree<Int32> {
        var tree = RTree<Int32>()
        for (id, p) in entries { tree.insert(id, at: p) }
        return tree
    }
    /// The peer of `kind` holding `entries` (inserted one by one), built once into `cache`.
    static func peer(_ kind: Peer.Kind, of entries: [(Int32, Coordinate)],
                     cachedIn cache: inout [Peer.Kind: Peer]) -> Peer {
        if let p = cache[kind] { return p }
        let p = Peer(kind)
        for (id, c) in entries { p.insert(id, latitude: c.latitude, longitude: c.longitude) }
        cache[kind] = p
        return p
    }

    /// A dense cluster far from the queries: 100,000 points within 111 m of the South Pole (at
    /// random longitudes), beside the first 100,000 of the data's points north of 40° S;
    /// queried from 1,000 points between 68° and 82° S, 900–2,450 km from the cluster and
    /// farther from anything else, so that the cluster holds every answer. There the chord
    /// bounds' gap (c³/24ρ², 4.8 km at 1,670 km) is wider than the cluster: the search must
    /// bound its nodes through pivots (`pivotKey`) or settle every entry by its geodesic.
    static let farEntries: [(Int32, Coordinate)] = {
        var generator = SeededGenerator(seed: BenchmarkData.seed &+ 13)
        let cluster = (0..<Int32(100_000)).map { id in
            (id, Coordinate(latitude: -90 + Double.random(in: 0...0.001, using: &generator),
                            longitude: Double.random(in: -180...180, using: &generator)))
        }
        let others = data.points.lazy.filter { $0.latitude > -40 }.prefix(100_000)
        return cluster + others.enumerated().map { (Int32(100_000 + $0.offset), $0.element) }
    }()
    static let farQueries: [Coordinate] = {
        var generator = SeededGenerator(seed: BenchmarkData.seed &+ 17)
        return (0..<1_000).map { _ in
            Coordinate(latitude: Double.random(in: -82 ... -68, using: &generator),
                       longitude: Double.random(in: -180...180, using: &generator))
        }
    }()
    nonisolated(unsafe) static var farTree = insertedTree(farEntries)
    nonisolated(unsafe) static var farPeers: [Peer.Kind: Peer] = [:]
    static func farPeer(_ kind: Peer.Kind) -> Peer { peer(kind, of: farEntries, cachedIn: &farPeers) }

    /// A dense cluster seen from the far side of the Earth: 100,000 points within 200 m of a
    /// Sydney address (a tenant whose sites are all in one city), queried from 1,000 points
    /// 9,000–17,500 km away at random azimuths. There no box key tells the cluster's nodes
    /// apart (the chord bounds are hundreds of kilometres loose), so the search bounds them
    /// through pivots from the first node or settles every entry by its geodesic.
    static let farSideEntries: [(Int32, Coordinate)] = {
        var generator = SeededGenerator(seed: BenchmarkData.seed &+ 19)
        let sydney = Coordinate(latitude: -33.8688, longitude: 151.2093)
        return (0..<Int32(100_000)).map { id in
            (id, Geodesic.wgs84.destination(from: sydney, azimuth: Double.random(in: -180...180, using: &generator),
                                            distance: 200 * Double.random(in: 0...1, using: &generator).squareRoot()))
        }
    }()
    static let farSideQueries: [Coordinate] = {
        var generator = SeededGenerator(seed: BenchmarkData.seed &+ 23)
        let sydney = Coordinate(latitude: -33.8688, longitude: 151.2093)
        return (0..<1_000).map { _ in
            Geodesic.wgs84.destination(from: sydney, azimuth: Double.random(in: -180...180, using: &generator),
                                       distance: Double.random(in: 9_000_000...17_500_000, using: &generator))
        }
    }()
    nonisolated(unsafe) static var farSideTree = insertedTree(farSideEntries)
    nonisolated(unsafe) static var farSidePeers: [Peer.Kind: Peer] = [:]
    static func farSidePeer(_ kind: Peer.Kind) -> Peer { peer(kind, of: farSideEntries, cachedIn: &farSidePeers) }

    /// Where each id of `name` currently is, taken out of ``locations`` and uniquely owned:
    /// the array held in the dictionary too (or `data.points`, shared) made the first write of
    /// every measured loop copy all of it (16 MB at 1M points, about 2 µs a move of 1,000 an
    /// iteration, for every structure). Put it back after the measurement.
    static func takeLocations(_ name: String) -> [Coordinate] {
        var at = locations.removeValue(forKey: name) ?? data.points
        at.withUnsafeMutableBufferPointer { _ in }  // the copy, if any, here
        return at
    }
}
