/// A polygon, or several (a GeoJSON `MultiPolygon`), on WGS84 whose edges are geodesics.
///
/// Each polygon is an exterior ring followed by its holes; each ring is closed as in GeoJSON
/// (RFC 7946 §3.1.6: at least four positions, the last equal to the first). A point is in the
/// polygon when it is in one of the polygons: inside its exterior ring and not strictly inside
/// one of its holes.
///
/// **Edges** are the shortest geodesics between consecutive vertices on the WGS84 ellipsoid,
/// not straight lines in degrees: an edge from (60° N, 0°) to (60° N, 90° E) bulges towards the
/// pole. An edge must span less than ``maximumEdgeSpan`` degrees of longitude (which edge of
/// the globe a longer one means is ambiguous; add a vertex), and no vertex may lie at a pole.
/// An edge may cross the antimeridian: longitudes −179 and 179 are 2° apart.
///
/// **Which side is inside.** A ring that does not wind around a pole encloses the region that
/// contains neither pole, whatever its orientation: a clockwise ring means the same as its
/// reverse (RFC 7946 asks for counterclockwise exteriors but also says not to reject others).
/// A ring that winds once around a pole has no such choice; it follows RFC 7946's right-hand
/// rule: an exterior ring encloses the region on its left (running eastward, counterclockwise
/// seen from above the North pole, it encloses the North pole; running westward, the South
/// pole), a hole the region on its right. A ring that winds around a pole more than once is
/// refused. Self-intersecting rings are not refused: they follow the even-odd rule.
///
/// **Boundary.** A point within ``boundaryTolerance`` metres of an edge of the exterior ring or
/// of a hole is inside (like PostGIS `ST_Covers`).
///
/// The test walks the meridian from the point to the North pole and counts the edges it
/// crosses: an edge crosses the point's meridian north of it exactly when the azimuth from the
/// edge's first vertex to the point is nearer south than the edge's own azimuth (geodesics from
/// one vertex do not meet again within the edge's longitude span). Edges are found through a
/// longitude bucket index, and an edge whose latitude range lies wholly north or south of the
/// point is decided without a geodesic; only an edge whose band holds the point costs one
/// `geod_inverse`.
public struct GeoPolygon: Hashable, Sendable, CustomStringConvertible {
    /// The polygons as given: polygons → rings (exterior first) → closed vertex lists.
    public let polygons: [[[Coordinate]]]
    /// One latitude/longitude box per polygon, containing it (from its exterior ring, edges'
    /// bulges included); `west > east` crosses the antimeridian.
    public let bounds: [GeoBox]
    let parts: [Part]

    /// Longitude an edge may span, at most (exclusive): well short of 180°, where the
    /// shortest geodesic stops being unique (the cut locus on WGS84 lies within about 0.6° of
    /// the antipodal meridian).
    public static let maximumEdgeSpan = 179.0
    /// How many vertices all rings may hold together.
    public static let maximumVertexCount = 100_000
    /// Distance from an edge, in metres, within which a point counts as on the boundary.
    public static let boundaryTolerance = 1e-6

    /// One polygon: `rings[0]` is the exterior ring, the others are holes.
    ///
    /// - Throws: ``GeodesyError`` with code ``GeodesyError/Code/invalidPolygon`` (or a coordinate
    ///   code) and a message that names the ring and vertex.
    public init(rings: [[Coordinate]]) throws(GeodesyError) {
        try self.init(polygons: [rings])
    }

    /// Several polygons (a GeoJSON `MultiPolygon`): a point is in it when it is in one of them.
    ///
    /// - Throws: as ``init(rings:)``.
    public init(polygons: [[[Coordinate]]]) throws(GeodesyError) {
        guard !polygons.isEmpty else { throw Self.invalid("needs at least one polygon") }
        var total = 0
        var parts: [Part] = []
        for (p, rings) in polygons.enumerated() {
            let name = polygons.count == 1 ? "" : "polygon \(p): "
            guard !rings.isEmpty else { throw Self.invalid("\(name)needs an exterior ring") }
            var built: [Ring] = []
            for (r, vertices) in rings.enumerated() {
                total += vertices.count
                guard total <= Self.maximumVertexCount else {
                    throw Self.invalid("more than \(Self.maximumVertexCount) vertices")
                }
                let ringName = "\(name)\(r == 0 ? "exterior ring" : "hole \(r)")"
                built.append(try Ring(vertices, isHole: r > 0, name: ringName))
            }
            parts.append(Part(exterior: built[0], holes: Array(built.dropFirst())))
        }
        self.polygons = polygons
        self.parts = parts
        self.bounds = parts.map(\.exterior.bounds)
    }

    /// Whether `point` (a valid coordinate) is in the polygon, its boundary included.
    public func contains(_ point: Coordinate) -> Bool {
        parts.contains { $0.contains(point) }
    }

    public static func == (a: Self, b: Self) -> Bool { a.polygons == b.polygons }
    public func hash(into hasher: inout Hasher) { hasher.combine(polygons) }

    public var description: String {
        "GeoPolygon(\(polygons.count) polygon(s), \(polygons.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }) vertices)"
    }

    static func invalid(_ message: String) -> GeodesyError {
        GeodesyError(.invalidPolygon, message: message)
    }
}

extension GeoPolygon {
    /// An exterior ring and its holes.
    struct Part: Sendable {
        let exterior: Ring
        let holes: [Ring]

        func contains(_ point: Coordinate) -> Bool {
            switch exterior.locate(point) {
            case .outside: return false
            case .boundary: return true
            case .inside: return !holes.contains { $0.locate(point) == .inside }
            }
        }
    }
}
