/// Converts coordinates given in any CRS that PROJ knows to WGS84 latitude/longitude.
///
/// Each instance owns one PROJ context and caches one transformation per source CRS
/// (creating one costs 0.1–26 ms; using it 0.15–0.85 µs a point). WGS84 input takes a fast
/// path that never calls PROJ. Not `Sendable`, because PROJ contexts are not thread-safe:
/// use one per task or thread, or share a ``SharedCoordinateNormalizer``.
///
/// Input is in the CRS's visualization axis order: `x` is easting or longitude, `y`
/// northing or latitude, whatever order the CRS's authority defines.
public final class CoordinateNormalizer {
    /// How many source CRSs (and failures) are cached; beyond it, the least recently used
    /// entry is dropped (input rotating through many CRSs evicts its own entries, not every
    /// other customer's).
    public static let cacheLimit = 64

    private var context: ProjContext?
    private var cache: [String: (result: Result<ProjTransformation, GeodesyError>, lastUse: UInt64)] = [:]
    private var uses: UInt64 = 0

    public init() {}

    /// Converts `(x, y)` in `crs` to a validated WGS84 coordinate.
    ///
    /// - Parameters:
    ///   - x: easting, or longitude in degrees for a geographic CRS.
    ///   - y: northing, or latitude in degrees for a geographic CRS.
    ///   - crs: the source CRS; WGS84 (``CoordinateReferenceSystem/isWGS84``) skips PROJ.
    /// - Returns: latitude/longitude in degrees on WGS84.
    /// - Throws: ``GeodesyError``: `unknownCRS` (with PROJ's message), `nonFiniteCoordinate`,
    ///   `latitudeOutOfRange`, `longitudeOutOfRange`, `outsideCRSDomain`, `transformationFailed`.
    public func normalize(x: Double, y: Double, from crs: CoordinateReferenceSystem) throws(GeodesyError)
        -> Coordinate
    {
        if crs.isWGS84 {
            return try Coordinate(validatingLatitude: y, longitude: x)
        }
        return try transformation(for: crs).get().transform(x: x, y: y)
    }

    /// Checks that `crs` is usable, creating and caching its transformation.
    ///
    /// - Throws: ``GeodesyError/Code/unknownCRS`` with PROJ's message.
    public func prepare(_ crs: CoordinateReferenceSystem) throws(GeodesyError) {
        if crs.isWGS84 { return }
        _ = try transformation(for: crs).get()
    }

    /// Whether `crs` has a cached transformation or failure.
    func isCached(_ crs: CoordinateReferenceSystem) -> Bool { cache[crs.definition] != nil }

    private func transformation(for crs: CoordinateReferenceSystem) -> Result<ProjTransformation, GeodesyError> {
        uses &+= 1
        if let cached = cache[crs.definition] {
            cache[crs.definition]?.lastUse = uses
            return cached.result
        }
        let result: Result<ProjTransformation, GeodesyError>
        do throws(GeodesyError) {
            let context: ProjContext
            if let existing = self.context {
                context = existing
            } else {
                context = try ProjContext()
                self.context = context
            }
            result = .success(try ProjTransformation(from: crs, in: context))
        } catch {
            result = .failure(error)
        }
        // O(cacheLimit) on a miss, which costs 0.1–26 ms in PROJ anyway.
        if cache.count >= Self.cacheLimit, let oldest = cache.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            cache[oldest] = nil
        }
        cache[crs.definition] = (result, uses)
        return result
    }
}
