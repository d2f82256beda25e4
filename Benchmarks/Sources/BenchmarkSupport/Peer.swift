public import PeersShim

/// One peer index (Boost.Geometry rtree or S2PointIndex) from the C++ shim.
///
/// Owns its `peer_index *` and frees it in `deinit`. Not `Sendable`: the C++ objects are
/// not thread-safe, and the benchmarks drive each one from a single thread.
public final class Peer {
    /// Which peer, with the name the benchmarks print.
    public enum Kind: CaseIterable, Sendable {
        case boostQuadratic, boostRStar, s2

        public var name: String {
            switch self {
            case .boostQuadratic: "BoostQuadratic"
            case .boostRStar: "BoostRStar"
            case .s2: "S2"
            }
        }

        var raw: peer_kind {
            switch self {
            case .boostQuadratic: PEER_BOOST_QUADRATIC
            case .boostRStar: PEER_BOOST_RSTAR
            case .s2: PEER_S2
            }
        }

        /// Whether the peer answers latitude/longitude box queries (only S2).
        public var supportsBox: Bool { peer_kind_supports_box(raw) }
        /// Whether the peer has a bulk load (only Boost: its packing range constructor).
        public var supportsBulkLoad: Bool { self != .s2 }
    }

    public let kind: Kind
    private let handle: OpaquePointer
    private var ids: [Int32] = []

    /// An empty index (`peer_index_create`).
    public init(_ kind: Kind) {
        self.kind = kind
        handle = peer_index_create(kind.raw)
    }

    /// A bulk-loaded index over ids `0..<count` (`peer_index_bulk_load`); nil for S2.
    public init?(_ kind: Kind, bulkLoading data: BenchmarkData) {
        guard let handle = data.latitudes.withUnsafeBufferPointer({ lat in
            data.longitudes.withUnsafeBufferPointer { lon in
                peer_index_bulk_load(kind.raw, lat.baseAddress, lon.baseAddress, lat.count)
            }
        }) else { return nil }
        self.kind = kind
        self.handle = handle
    }

    deinit { peer_index_destroy(handle) }

    public func insert(_ id: Int32, latitude: Double, longitude: Double) {
        peer_index_insert(handle, latitude, longitude, id)
    }

    @discardableResult
    public func remove(_ id: Int32, latitude: Double, longitude: Double) -> Bool {
        peer_index_remove(handle, latitude, longitude, id)
    }

    /// The ids of the `k` nearest points, nearest first (by chord/angle on a sphere).
    public func nearest(latitude: Double, longitude: Double, count k: Int) -> ArraySlice<Int32> {
        if ids.count < k { ids = Array(repeating: 0, count: k) }
        let n = ids.withUnsafeMutableBufferPointer { peer_index_nearest(handle, latitude, longitude, k, $0.baseAddress) }
        return ids[..<n]
    }

    /// How many points lie within `metres` (on the mean sphere).
    public func countWithin(_ metres: Double, latitude: Double, longitude: Double) -> Int {
        peer_index_within(handle, latitude, longitude, metres)
    }

    /// How many points lie in the box; 0 when ``Kind/supportsBox`` is false.
    public func countInBox(south: Double, west: Double, north: Double, east: Double) -> Int {
        peer_index_in_box(handle, south, west, north, east)
    }

    public var count: Int { peer_index_count(handle) }
    /// Heap bytes the index holds (counting allocator for Boost, `SpaceUsed()` for S2).
    public var bytes: Int { peer_index_bytes(handle) }
}

/// Boost.Geometry's rtree over geographic points, for the polygon benchmark
/// (`peer_geographic_index`). Owns its handle; not `Sendable` (see ``Peer``).
public final class GeographicPeer {
    private let handle: OpaquePointer

    /// Bulk-loads every point of `data` (ids are positions).
    public init(_ data: BenchmarkData) {
        handle = data.latitudes.withUnsafeBufferPointer { lat in
            data.longitudes.withUnsafeBufferPointer { lon in
                peer_geographic_index_create(lat.baseAddress, lon.baseAddress, lat.count)
            }
        }
    }

    deinit { peer_geographic_index_destroy(handle) }

    /// How many points lie inside the closed clockwise ring (flat latitude and longitude arrays).
    public func countInside(latitudes: [Double], longitudes: [Double]) -> Int {
        latitudes.withUnsafeBufferPointer { lat in
            longitudes.withUnsafeBufferPointer { lon in
                peer_geographic_index_count_inside(handle, lat.baseAddress, lon.baseAddress, lat.count)
            }
        }
    }
}
