/// An error from the geodesy layer: a stable ``Code`` callers can branch on, the field
/// it concerns (if any), and a human message that includes PROJ's own text where PROJ
/// produced the failure.
public struct GeodesyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable error code. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// PROJ does not know the coordinate reference system.
        public static let unknownCRS = Code(rawValue: "unknown-crs")
        /// The CRS is valid but not on the service's allow-list.
        public static let crsNotAllowed = Code(rawValue: "crs-not-allowed")
        /// A coordinate is NaN or infinite.
        public static let nonFiniteCoordinate = Code(rawValue: "non-finite-coordinate")
        /// Latitude is outside [-90, 90].
        public static let latitudeOutOfRange = Code(rawValue: "latitude-out-of-range")
        /// Longitude is outside [-180, 180].
        public static let longitudeOutOfRange = Code(rawValue: "longitude-out-of-range")
        /// The coordinate lies outside the area where the CRS's transformation is defined.
        public static let outsideCRSDomain = Code(rawValue: "outside-crs-domain")
        /// A polygon is malformed (a ring not closed, too few vertices, an edge too long, a
        /// vertex at a pole, …); the message says which ring and position.
        public static let invalidPolygon = Code(rawValue: "invalid-polygon")
        /// PROJ failed to transform for another reason.
        public static let transformationFailed = Code(rawValue: "transformation-failed")
    }

    /// The input field an error concerns.
    public enum Field: String, Hashable, Sendable {
        /// The latitude, or in a projected CRS the northing (y).
        case latitude
        /// The longitude, or in a projected CRS the easting (x).
        case longitude
        /// The coordinate reference system identifier.
        case crs
    }

    public var code: Code
    public var field: Field?
    public var message: String

    public init(_ code: Code, field: Field? = nil, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { return "\(code) [\(field.rawValue)]: \(message)" }
        return "\(code): \(message)"
    }
}
