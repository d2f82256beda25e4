/// A latitude/longitude box on WGS84, edges inclusive.
///
/// `west > east` means the box crosses the antimeridian (e.g. west 170, east -170 is 20°
/// wide). Longitude -180 and 180 are the same meridian. A box whose `north` is 90 (or
/// `south` is -90) contains the pole, whatever its longitudes, because every longitude
/// at the pole names the same point.
public struct GeoBox: Hashable, Sendable, CustomStringConvertible {
    public var south: Double
    public var west: Double
    public var north: Double
    public var east: Double

    /// Creates a box without checking it.
    public init(south: Double, west: Double, north: Double, east: Double) {
        self.south = south
        self.west = west
        self.north = north
        self.east = east
    }

    /// Creates a box after checking that every edge is finite and in range and that
    /// `south <= north`.
    ///
    /// - Throws: ``GeodesyError`` naming the offending edge in its message; the field is
    ///   ``GeodesyError/Field/latitude`` for `south`/`north`, ``GeodesyError/Field/longitude``
    ///   for `west`/`east`.
    public init(validatingSouth south: Double, west: Double, north: Double, east: Double) throws(GeodesyError) {
        for (name, value) in [("south", south), ("north", north)] {
            guard value.isFinite, (-90.0...90.0).contains(value) else {
                throw GeodesyError(value.isFinite ? .latitudeOutOfRange : .nonFiniteCoordinate,
                                   field: .latitude, message: "\(name) must be between -90 and 90")
            }
        }
        for (name, value) in [("west", west), ("east", east)] {
            guard value.isFinite, (-180.0...180.0).contains(value) else {
                throw GeodesyError(value.isFinite ? .longitudeOutOfRange : .nonFiniteCoordinate,
                                   field: .longitude, message: "\(name) must be between -180 and 180")
            }
        }
        guard south <= north else {
            throw GeodesyError(.latitudeOutOfRange, field: .latitude, message: "south must not be greater than north")
        }
        self.init(south: south, west: west, north: north, east: east)
    }

    /// The whole globe.
    public static let world = GeoBox(south: -90, west: -180, north: 90, east: 180)

    /// Whether the box crosses the antimeridian (`west > east`).
    public var crossesAntimeridian: Bool { west > east }

    /// Whether `coordinate` lies in the box (edges inclusive; poles and ±180 as described
    /// on the type).
    public func contains(_ coordinate: Coordinate) -> Bool {
        let lat = coordinate.latitude
        guard lat >= south, lat <= north else { return false }
        if lat == 90 || lat == -90 { return true }  // the pole: any longitude
        return containsLongitude(coordinate.longitude)
    }

    /// Whether the longitude lies within the box's west–east span.
    public func containsLongitude(_ longitude: Double) -> Bool {
        if west <= east {
            if longitude >= west && longitude <= east { return true }
            // ±180 are the same meridian.
            if longitude == -180 { return east == 180 }
            if longitude == 180 { return west == -180 }
            return false
        }
        return longitude >= west || longitude <= east
    }

    public var description: String { "[S \(south), W \(west), N \(north), E \(east)]" }
}
