public import Geodesy

/// Exact answers by brute force, to check a spatial index against: every entry is looked
/// at and every distance is `Geodesic.wgs84.distance` (PROJ's `geod_inverse`).
///
/// Results are ordered by (distance, id) ascending, so ties (duplicates, the pole) are
/// broken deterministically by id. Box results, which have no distance, are ordered by id.
public struct BruteForceOracle: Sendable {
    /// One answer: the entry's id, its location and its geodesic distance in metres from
    /// the query point (0 for box queries).
    public struct Hit: Hashable, Sendable, CustomStringConvertible {
        public var id: Int64
        public var location: Coordinate
        public var distance: Double

        public init(id: Int64, location: Coordinate, distance: Double) {
            self.id = id
            self.location = location
            self.distance = distance
        }

        public var description: String { "#\(id) \(location) \(distance) m" }
    }

    public var entries: [(id: Int64, location: Coordinate)]

    public init(entries: [(id: Int64, location: Coordinate)]) {
        self.entries = entries
    }

    /// The `count` entries nearest to `point`, nearest first.
    ///
    /// - Parameters:
    ///   - point: the query point.
    ///   - count: at most this many results.
    ///   - maxDistance: only entries at most this many metres away.
    ///   - isIncluded: only entries whose id passes.
    /// - Complexity: O(n) geodesic distances plus O(m log m) for the m that qualify.
    public func nearest(to point: Coordinate, count: Int, maxDistance: Double = .infinity,
                        where isIncluded: (Int64) -> Bool = { _ in true }) -> [Hit]
    {
        guard count > 0 else { return [] }
        return Array(neighbors(within: maxDistance, of: point, where: isIncluded).prefix(count))
    }

    /// Every entry at most `radius` metres from `point`, nearest first.
    ///
    /// - Complexity: O(n) geodesic distances plus O(m log m) for the m found.
    public func neighbors(within radius: Double, of point: Coordinate,
                          where isIncluded: (Int64) -> Bool = { _ in true }) -> [Hit]
    {
        var hits: [Hit] = []
        for entry in entries where isIncluded(entry.id) {
            let d = Geodesic.wgs84.distance(from: point, to: entry.location)
            if d <= radius { hits.append(Hit(id: entry.id, location: entry.location, distance: d)) }
        }
        hits.sort(by: Self.byDistanceThenID)
        return hits
    }

    /// Every entry inside `box` (``GeoBox/contains(_:)``), by id.
    ///
    /// - Complexity: O(n + m log m).
    public func elements(in box: GeoBox, where isIncluded: (Int64) -> Bool = { _ in true }) -> [Hit] {
        var hits: [Hit] = []
        for entry in entries where isIncluded(entry.id) && box.contains(entry.location) {
            hits.append(Hit(id: entry.id, location: entry.location, distance: 0))
        }
        hits.sort { $0.id < $1.id }
        return hits
    }

    /// The oracle's order: distance ascending, then id ascending.
    public static func byDistanceThenID(_ a: Hit, _ b: Hit) -> Bool {
        a.distance != b.distance ? a.distance < b.distance : a.id < b.id
    }
}
