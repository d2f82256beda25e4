public import Geodesy

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// EPSG:3857 (spherical Web Mercator) coordinates for WGS84 points, so the contacts
/// benchmarks can send the same locations through PROJ. Closed form; nil outside the
/// CRS's latitude range (±85.06°).
public enum WebMercator {
    static let radius = 6_378_137.0

    /// (x, y) in metres, or nil beyond ±85°.
    public static func project(_ c: Coordinate) -> (x: Double, y: Double)? {
        guard abs(c.latitude) < 85 else { return nil }
        let phi = c.latitude * .pi / 180, lambda = c.longitude * .pi / 180
        return (radius * lambda, radius * log(tan(.pi / 4 + phi / 2)))
    }
}
