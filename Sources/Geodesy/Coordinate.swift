/// A point on the WGS84 ellipsoid: geodetic latitude and longitude in degrees.
///
/// A `Coordinate` made by ``init(validatingLatitude:longitude:)`` or by a
/// ``CoordinateNormalizer`` is always finite, with latitude in [-90, 90] and
/// longitude in [-180, 180]. Both ends of each range are legal and are kept as given:
/// longitude -180 and 180 name the same meridian, and every longitude at latitude ±90
/// names the same point (the pole); distances and the spatial index treat them so.
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    /// Geodetic latitude in degrees, positive north.
    public var latitude: Double
    /// Longitude in degrees, positive east.
    public var longitude: Double

    /// Creates a coordinate without checking it; use ``init(validatingLatitude:longitude:)``
    /// for input from outside.
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Creates a coordinate after checking that both values are finite and in range.
    ///
    /// - Throws: ``GeodesyError`` with code ``GeodesyError/Code/nonFiniteCoordinate``,
    ///   ``GeodesyError/Code/latitudeOutOfRange`` or ``GeodesyError/Code/longitudeOutOfRange``,
    ///   naming the offending field.
    public init(validatingLatitude latitude: Double, longitude: Double) throws(GeodesyError) {
        try Coordinate.validate(latitude: latitude, longitude: longitude)
        self.init(latitude: latitude, longitude: longitude)
    }

    /// Whether the coordinate is finite and within the WGS84 ranges.
    public var isValid: Bool {
        latitude.isFinite && longitude.isFinite
            && (-90.0...90.0).contains(latitude) && (-180.0...180.0).contains(longitude)
    }

    public var description: String { "(\(latitude), \(longitude))" }

    static func validate(latitude: Double, longitude: Double) throws(GeodesyError) {
        guard latitude.isFinite else {
            throw GeodesyError(.nonFiniteCoordinate, field: .latitude,
                               message: "latitude must be a finite number, got \(latitude)")
        }
        guard longitude.isFinite else {
            throw GeodesyError(.nonFiniteCoordinate, field: .longitude,
                               message: "longitude must be a finite number, got \(longitude)")
        }
        guard (-90.0...90.0).contains(latitude) else {
            throw GeodesyError(.latitudeOutOfRange, field: .latitude,
                               message: "must be between -90 and 90")
        }
        guard (-180.0...180.0).contains(longitude) else {
            throw GeodesyError(.longitudeOutOfRange, field: .longitude,
                               message: "must be between -180 and 180")
        }
    }
}
