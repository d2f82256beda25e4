import CProj

/// Owns one PROJ transformation (`PJ *`) from a source CRS to WGS84, with axis order
/// normalized for visualization (`proj_normalize_for_visualization`): input is
/// (x = easting or longitude, y = northing or latitude), output is (longitude, latitude)
/// in degrees. Not `Sendable`: it lives inside the context that created it.
final class ProjTransformation {
    let context: ProjContext
    /// `PJ *`, freed with `proj_destroy` in `deinit`.
    private let handle: OpaquePointer
    let source: CoordinateReferenceSystem
    /// The source CRS's area of use (`proj_get_area_of_use`), widened by
    /// ``areaOfUseMargin``; `nil` when PROJ knows none (e.g. a bare PROJ string).
    private let areaOfUse: (west: Double, south: Double, east: Double, north: Double)?

    /// Degrees by which a result may stray outside the CRS's declared area of use.
    static let areaOfUseMargin = 1.0

    /// Creates the transformation (`proj_create_crs_to_crs`, then
    /// `proj_normalize_for_visualization`).
    ///
    /// - Throws: ``GeodesyError/Code/unknownCRS`` with PROJ's message.
    init(from source: CoordinateReferenceSystem, in context: ProjContext) throws(GeodesyError) {
        self.context = context
        self.source = source
        context.reset()
        guard let raw = proj_create_crs_to_crs(context.handle, source.definition, "EPSG:4326", nil)
        else {
            throw GeodesyError(
                .unknownCRS, field: .crs,
                message: "PROJ cannot use \"\(source.definition)\": \(context.failureMessage(errno: context.errno))")
        }
        defer { proj_destroy(raw) }
        guard let normalized = proj_normalize_for_visualization(context.handle, raw) else {
            throw GeodesyError(
                .unknownCRS, field: .crs,
                message: "PROJ cannot normalize \"\(source.definition)\": \(context.failureMessage(errno: context.errno))")
        }
        handle = normalized
        areaOfUse = Self.areaOfUse(of: source, in: context)
    }

    private static func areaOfUse(of source: CoordinateReferenceSystem, in context: ProjContext)
        -> (west: Double, south: Double, east: Double, north: Double)?
    {
        guard let crs = proj_create(context.handle, source.definition) else { return nil }
        defer { proj_destroy(crs) }
        var west = 0.0, south = 0.0, east = 0.0, north = 0.0
        guard proj_get_area_of_use(context.handle, crs, &west, &south, &east, &north, nil) != 0,
              west > -1000, south > -1000  // PROJ answers -1000 for "unknown"
        else { return nil }
        let m = areaOfUseMargin
        return (west - m, south - m, east + m, north + m)
    }

    private func withinAreaOfUse(_ c: Coordinate) -> Bool {
        guard let area = areaOfUse else { return true }
        guard c.latitude >= area.south, c.latitude <= area.north else { return false }
        if area.west <= -180 || area.east >= 180 { return true }
        if area.west <= area.east { return c.longitude >= area.west && c.longitude <= area.east }
        return c.longitude >= area.west || c.longitude <= area.east  // crosses the antimeridian
    }

    deinit { proj_destroy(handle) }

    /// Transforms one point (`proj_trans`, forward).
    ///
    /// PROJ passes NaN through without an error and signals some failures only by an
    /// infinite result, so both input and output are checked here.
    func transform(x: Double, y: Double) throws(GeodesyError) -> Coordinate {
        guard x.isFinite else {
            throw GeodesyError(.nonFiniteCoordinate, field: .longitude,
                               message: "x (easting or longitude) must be a finite number, got \(x)")
        }
        guard y.isFinite else {
            throw GeodesyError(.nonFiniteCoordinate, field: .latitude,
                               message: "y (northing or latitude) must be a finite number, got \(y)")
        }
        context.reset()
        proj_errno_reset(handle)
        let output = proj_trans(handle, PJ_FWD, proj_coord(x, y, 0, 0))
        let errno = proj_errno(handle)
        let longitude = output.xy.x
        let latitude = output.xy.y
        guard errno == 0, latitude.isFinite, longitude.isFinite else {
            let code: GeodesyError.Code =
                (errno & PROJ_ERR_COORD_TRANSFM) != 0 || errno == 0 ? .outsideCRSDomain : .transformationFailed
            throw GeodesyError(
                code,
                message: "(\(x), \(y)) in \(source.definition) has no WGS84 position: \(context.failureMessage(errno: errno))")
        }
        let result: Coordinate
        do {
            result = try Coordinate(validatingLatitude: latitude, longitude: longitude)
        } catch {
            throw GeodesyError(
                .outsideCRSDomain, field: error.field,
                message: "(\(x), \(y)) in \(source.definition) maps to (\(latitude), \(longitude)), outside WGS84 ranges")
        }
        // Projections wrap far-away input back onto the globe (Web Mercator maps
        // x = y = 1e300 to the pole); the CRS's area of use catches those.
        guard withinAreaOfUse(result) else {
            throw GeodesyError(
                .outsideCRSDomain,
                message: "(\(x), \(y)) in \(source.definition) maps to (\(latitude), \(longitude)), outside the CRS's area of use")
        }
        return result
    }
}
