import Geodesy
import RealModule
import Testing

/// Reference values: Karney's published Wellington–Salamanca example, and the rest from
/// GeographicLib's Python implementation (`Geodesic.WGS84.Inverse`), an independent code
/// base by the same author. Tolerance: 1 mm.
@Suite("Geodesic (geod_inverse / geod_direct)")
struct GeodesicTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var from: Coordinate
        var to: Coordinate
        var distance: Double
        var testDescription: String { "\(from) → \(to)" }
    }

    static let cases: [Case] = [
        // Nearly antipodal: Wellington, NZ → Salamanca, Spain (Karney 2013, GeographicLib docs).
        Case(from: .init(latitude: -41.32, longitude: 174.81), to: .init(latitude: 40.96, longitude: -5.50),
             distance: 19_959_679.267353),
        Case(from: .init(latitude: 40.64, longitude: -73.78), to: .init(latitude: 1.36, longitude: 103.99),
             distance: 15_347_512.940513),
        // Across the antimeridian on the equator: one degree, not 359.
        Case(from: .init(latitude: 0, longitude: 179.5), to: .init(latitude: 0, longitude: -179.5),
             distance: 111_319.490793),
        // Over the north pole.
        Case(from: .init(latitude: 89.9, longitude: 0), to: .init(latitude: 89.9, longitude: 180),
             distance: 22_338.795683),
        // Every longitude at the pole is the same point.
        Case(from: .init(latitude: 90, longitude: 0), to: .init(latitude: 90, longitude: 123),
             distance: 0),
        // Pole to pole.
        Case(from: .init(latitude: 90, longitude: 0), to: .init(latitude: -90, longitude: 0),
             distance: 20_003_931.458625),
        // Nearly antipodal on the equator (the hard case for Vincenty).
        Case(from: .init(latitude: 0, longitude: 0), to: .init(latitude: 0.5, longitude: 179.5),
             distance: 19_936_288.578965),
        Case(from: .init(latitude: -90, longitude: 10), to: .init(latitude: -89, longitude: 10),
             distance: 111_693.864914),
        // Big Ben → Eiffel Tower.
        Case(from: .init(latitude: 51.5007, longitude: -0.1246), to: .init(latitude: 48.8584, longitude: 2.2945),
             distance: 340_894.816130),
    ]

    @Test("inverse distances match published values to 1 mm", arguments: cases)
    func inverseDistance(_ c: Case) {
        let d = Geodesic.wgs84.distance(from: c.from, to: c.to)
        #expect(d.isApproximatelyEqual(to: c.distance, absoluteTolerance: 1e-3), "got \(d)")
        let back = Geodesic.wgs84.distance(from: c.to, to: c.from)
        #expect(back.isApproximatelyEqual(to: c.distance, absoluteTolerance: 1e-3), "symmetry: got \(back)")
    }

    @Test("inverse azimuths: Wellington → Salamanca")
    func azimuths() {
        let r = Geodesic.wgs84.inverse(from: .init(latitude: -41.32, longitude: 174.81),
                                       to: .init(latitude: 40.96, longitude: -5.50))
        #expect(r.initialAzimuth.isApproximatelyEqual(to: 161.067669986, absoluteTolerance: 1e-8))
        #expect(r.finalAzimuth.isApproximatelyEqual(to: 18.825195123, absoluteTolerance: 1e-8))
    }

    @Test("direct: JFK, azimuth 45°, 10,000 km (geodesic.h's example)")
    func direct() {
        let p = Geodesic.wgs84.destination(from: .init(latitude: 40.64, longitude: -73.78), azimuth: 45, distance: 10e6)
        #expect(p.latitude.isApproximatelyEqual(to: 32.6211004637, absoluteTolerance: 1e-9))
        #expect(p.longitude.isApproximatelyEqual(to: 49.0524870930, absoluteTolerance: 1e-9))
        // And back: the inverse recovers the distance.
        let d = Geodesic.wgs84.distance(from: .init(latitude: 40.64, longitude: -73.78), to: p)
        #expect(d.isApproximatelyEqual(to: 10e6, absoluteTolerance: 1e-3))
    }

    @Test("ellipsoid parameters")
    func parameters() {
        #expect(Geodesic.wgs84.equatorialRadius == 6_378_137)
        #expect(Geodesic.wgs84.polarRadius.isApproximatelyEqual(to: 6_356_752.314245, absoluteTolerance: 1e-6))
    }
}
