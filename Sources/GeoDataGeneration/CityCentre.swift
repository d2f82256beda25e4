/// A real place used as the centre of a cluster of generated points.
public struct CityCentre: Hashable, Sendable {
    public var name: String
    public var latitude: Double
    public var longitude: Double

    public init(_ name: String, _ latitude: Double, _ longitude: Double) {
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Fifty places on every continent, chosen to include the awkward ones: clusters that
    /// straddle the antimeridian (Suva, Anadyr, Nuku'alofa, Apia), high latitudes
    /// (Longyearbyen, Alert, McMurdo, Amundsen–Scott at the South Pole itself), and
    /// Anchorage, Reykjavik and Auckland. Coordinates are the usual published ones,
    /// rounded to 4 decimals.
    public static let all: [CityCentre] = [
        // Europe
        CityCentre("London", 51.5074, -0.1278),
        CityCentre("Paris", 48.8566, 2.3522),
        CityCentre("Berlin", 52.5200, 13.4050),
        CityCentre("Madrid", 40.4168, -3.7038),
        CityCentre("Rome", 41.9028, 12.4964),
        CityCentre("Stockholm", 59.3293, 18.0686),
        CityCentre("Moscow", 55.7558, 37.6173),
        CityCentre("Istanbul", 41.0082, 28.9784),
        CityCentre("Reykjavik", 64.1466, -21.9426),
        CityCentre("Longyearbyen", 78.2232, 15.6267),
        // Africa
        CityCentre("Cairo", 30.0444, 31.2357),
        CityCentre("Lagos", 6.5244, 3.3792),
        CityCentre("Nairobi", -1.2921, 36.8219),
        CityCentre("Johannesburg", -26.2041, 28.0473),
        CityCentre("Cape Town", -33.9249, 18.4241),
        CityCentre("Casablanca", 33.5731, -7.5898),
        CityCentre("Kinshasa", -4.4419, 15.2663),
        // Asia
        CityCentre("Tokyo", 35.6762, 139.6503),
        CityCentre("Beijing", 39.9042, 116.4074),
        CityCentre("Shanghai", 31.2304, 121.4737),
        CityCentre("Mumbai", 19.0760, 72.8777),
        CityCentre("Delhi", 28.7041, 77.1025),
        CityCentre("Singapore", 1.3521, 103.8198),
        CityCentre("Jakarta", -6.2088, 106.8456),
        CityCentre("Dubai", 25.2048, 55.2708),
        CityCentre("Novosibirsk", 55.0084, 82.9357),
        CityCentre("Petropavlovsk-Kamchatsky", 53.0452, 158.6483),
        CityCentre("Anadyr", 64.7337, 177.4968),
        // North America
        CityCentre("New York", 40.7128, -74.0060),
        CityCentre("Los Angeles", 34.0522, -118.2437),
        CityCentre("Chicago", 41.8781, -87.6298),
        CityCentre("Mexico City", 19.4326, -99.1332),
        CityCentre("Toronto", 43.6532, -79.3832),
        CityCentre("Vancouver", 49.2827, -123.1207),
        CityCentre("Anchorage", 61.2181, -149.9003),
        CityCentre("Honolulu", 21.3069, -157.8583),
        CityCentre("Nuuk", 64.1814, -51.6941),
        CityCentre("Alert", 82.5018, -62.3481),
        // South America
        CityCentre("São Paulo", -23.5505, -46.6333),
        CityCentre("Buenos Aires", -34.6037, -58.3816),
        CityCentre("Lima", -12.0464, -77.0428),
        CityCentre("Bogotá", 4.7110, -74.0721),
        CityCentre("Ushuaia", -54.8019, -68.3030),
        // Oceania
        CityCentre("Sydney", -33.8688, 151.2093),
        CityCentre("Perth", -31.9505, 115.8605),
        CityCentre("Auckland", -36.8485, 174.7633),
        CityCentre("Suva", -18.1416, 178.4419),
        CityCentre("Nuku'alofa", -21.1394, -175.2049),
        CityCentre("Apia", -13.8333, -171.7667),
        // Antarctica
        CityCentre("McMurdo Station", -77.8419, 166.6863),
        CityCentre("Amundsen–Scott South Pole Station", -90.0, 0.0),
    ]
}
