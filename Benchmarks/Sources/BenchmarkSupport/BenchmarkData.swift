public import Geodesy
public import GeoDataGeneration

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The points and queries every benchmark runs on, from ``GeoDataGenerator``'s standard mix
/// (clusters, uniform by area, poles, antimeridian, duplicates).
///
/// Sizes come from the environment so a quick run and the 1M-point report use the same code:
/// `GEOCONTACTS_BENCH_POINTS` (default 100,000) and `GEOCONTACTS_BENCH_QUERIES`
/// (default 10,000); `GEOCONTACTS_BENCH_MIX` picks the data mix, `uniform` (default),
/// `skewed` or `hostile` (``GeoDataMix``). The committed allocation thresholds are for the defaults.
public struct BenchmarkData: Sendable {
    public static let defaultPoints = 100_000
    public static let defaultQueries = 10_000
    public static let seed: UInt64 = 20_261_129

    public let points: [Coordinate]
    public let queries: [Coordinate]
    /// The points' latitudes and longitudes as flat arrays, for the C++ peers.
    public let latitudes: [Double]
    public let longitudes: [Double]
    /// A 0.2° × 0.2° box around each query (crossing the antimeridian where the query is
    /// near it, clamped at the poles).
    public let boxes: [GeoBox]

    /// A polygon around each of the first 1,000 queries: a 24-vertex star (concave: each vertex
    /// 60–100% of ``radius`` from the query, in clockwise order), its closed ring as given.
    public let polygonRings: [[Coordinate]]
    public let polygons: [GeoPolygon]

    /// The radius, metres, of the radius benchmarks.
    public static let radius = 5_000.0

    public static let shared = BenchmarkData(
        pointCount: environmentInteger("GEOCONTACTS_BENCH_POINTS") ?? defaultPoints,
        queryCount: environmentInteger("GEOCONTACTS_BENCH_QUERIES") ?? defaultQueries,
        mix: environmentMix() ?? .uniform)

    public init(pointCount: Int, queryCount: Int, seed: UInt64 = BenchmarkData.seed, mix: GeoDataMix = .uniform) {
        points = mix.points(count: pointCount, seed: seed)
        queries = mix.queries(count: queryCount, seed: seed)
        latitudes = points.map(\.latitude)
        longitudes = points.map(\.longitude)
        boxes = queries.map { Self.box(around: $0, halfWidth: 0.1) }
        var generator = SeededGenerator(seed: seed &+ 7)
        var rings: [[Coordinate]] = []
        var polygons: [GeoPolygon] = []
        for q in queries.prefix(1_000) {
            let centre = Coordinate(latitude: min(89.9, max(-89.9, q.latitude)), longitude: q.longitude)
            var ring = (0..<24).map { k in
                Geodesic.wgs84.destination(from: centre, azimuth: Double(k) * 15,
                                           distance: Self.radius * Double.random(in: 0.6...1, using: &generator))
            }
            ring.append(ring[0])
            guard let polygon = try? GeoPolygon(rings: [ring]) else { continue }
            rings.append(ring)
            polygons.append(polygon)
        }
        polygonRings = rings
        self.polygons = polygons
    }

    public var count: Int { points.count }

    static func box(around c: Coordinate, halfWidth: Double) -> GeoBox {
        func wrap(_ lon: Double) -> Double { lon > 180 ? lon - 360 : (lon < -180 ? lon + 360 : lon) }
        return GeoBox(south: max(-90, c.latitude - halfWidth), west: wrap(c.longitude - halfWidth),
                      north: min(90, c.latitude + halfWidth), east: wrap(c.longitude + halfWidth))
    }

    static func environmentMix() -> GeoDataMix? {
        guard let raw = getenv("GEOCONTACTS_BENCH_MIX") else { return nil }
        let name = String(cString: raw)
        guard let mix = GeoDataMix(rawValue: name) else {
            let names = GeoDataMix.allCases.map(\.rawValue).joined(separator: ", ")
            fatalError("GEOCONTACTS_BENCH_MIX must be one of \(names), not \(name)")
        }
        return mix
    }

    static func environmentInteger(_ name: String) -> Int? {
        guard let raw = getenv(name) else { return nil }
        return Int(String(cString: raw).filter { $0 != "_" && $0 != "," })
    }
}
