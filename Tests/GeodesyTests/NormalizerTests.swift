import Geodesy
import RealModule
import Testing

/// Expected positions from pyproj (its own PROJ build) and, for Big Ben, the published
/// Ordnance Survey position; tolerances are stated per case.
@Suite("CoordinateNormalizer (PROJ)")
struct NormalizerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var crs: String
        var x: Double
        var y: Double
        var latitude: Double
        var longitude: Double
        var toleranceDegrees: Double
        var testDescription: String { "\(crs) (\(x), \(y))" }
    }

    static let cases: [Case] = [
        Case(crs: "EPSG:3857", x: 0, y: 0, latitude: 0, longitude: 0, toleranceDegrees: 1e-9),
        Case(crs: "EPSG:3857", x: 1_000_000, y: 2_000_000,
             latitude: 17.678914238335743, longitude: 8.983152841195214, toleranceDegrees: 1e-9),
        Case(crs: "EPSG:3857", x: -20_037_508.342789244, y: 0, latitude: 0, longitude: -180, toleranceDegrees: 1e-9),
        // UTM zone 32N: the central meridian is 9°E.
        Case(crs: "EPSG:32632", x: 500_000, y: 5_000_000,
             latitude: 45.153477183356024, longitude: 9, toleranceDegrees: 1e-9),
        Case(crs: "+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs", x: 500_000, y: 5_000_000,
             latitude: 45.153477183356024, longitude: 9, toleranceDegrees: 1e-9),
        // UTM zone 60S, near the antimeridian and far south.
        Case(crs: "EPSG:32760", x: 300_000, y: 5_000_000,
             latitude: -45.125153847634174, longitude: 174.45687651021703, toleranceDegrees: 1e-9),
        // British National Grid, Big Ben: without the OSTN15 grid PROJ uses a Helmert
        // transformation (~2 m), so allow ~5 m (5e-5° of latitude is ~5.5 m).
        Case(crs: "EPSG:27700", x: 530_268, y: 179_640,
             latitude: 51.500694, longitude: -0.124628, toleranceDegrees: 5e-5),
        // EPSG:4326 is latitude-first by authority; input is in visualization order (x = lon).
        Case(crs: "EPSG:4326", x: 2.2945, y: 48.8584, latitude: 48.8584, longitude: 2.2945, toleranceDegrees: 0),
        // ETRS89 geographic goes through PROJ and keeps x = longitude.
        Case(crs: "EPSG:4258", x: 2.2945, y: 48.8584, latitude: 48.8584, longitude: 2.2945, toleranceDegrees: 1e-6),
    ]

    @Test("known positions", arguments: cases)
    func knownPositions(_ c: Case) throws {
        let normalizer = CoordinateNormalizer()
        let p = try normalizer.normalize(x: c.x, y: c.y, from: .init(c.crs))
        #expect(p.latitude.isApproximatelyEqual(to: c.latitude, absoluteTolerance: c.toleranceDegrees), "latitude \(p.latitude)")
        #expect(p.longitude.isApproximatelyEqual(to: c.longitude, absoluteTolerance: c.toleranceDegrees), "longitude \(p.longitude)")
    }

    @Test("WGS84 spellings take the fast path", arguments: ["EPSG:4326", "epsg:4326", " WGS84 ", "OGC:CRS84"])
    func wgs84FastPath(_ name: String) {
        #expect(CoordinateReferenceSystem(name).isWGS84)
    }

    @Test("an unknown CRS carries PROJ's own message, not 'Unknown error'")
    func unknownCRS() {
        let normalizer = CoordinateNormalizer()
        let error = #expect(throws: GeodesyError.self) {
            try normalizer.normalize(x: 1, y: 2, from: "EPSG:999999")
        }
        #expect(error?.code == .unknownCRS)
        #expect(error?.field == .crs)
        #expect(error?.message.contains("999999") == true)
        #expect(error?.message.contains("Unknown error") == false, "\(error?.message ?? "")")
        #expect(error?.message.lowercased().contains("not found") == true, "\(error?.message ?? "")")
        // Cached failure: the same answer again, and prepare() agrees.
        #expect(throws: GeodesyError.self) { try normalizer.prepare("EPSG:999999") }
        #expect(throws: GeodesyError.self) { try normalizer.normalize(x: 1, y: 2, from: "not a crs at all") }
    }

    @Test("non-finite input is rejected on both paths",
          arguments: [Double.nan, .infinity, -.infinity], ["EPSG:4326", "EPSG:3857"])
    func nonFinite(_ bad: Double, _ crs: String) {
        let normalizer = CoordinateNormalizer()
        let errorX = #expect(throws: GeodesyError.self) { try normalizer.normalize(x: bad, y: 10, from: .init(crs)) }
        #expect(errorX?.code == .nonFiniteCoordinate)
        #expect(errorX?.field == .longitude)
        let errorY = #expect(throws: GeodesyError.self) { try normalizer.normalize(x: 10, y: bad, from: .init(crs)) }
        #expect(errorY?.code == .nonFiniteCoordinate)
        #expect(errorY?.field == .latitude)
    }

    @Test("out-of-range latitude and longitude name the field")
    func outOfRange() {
        let lat = #expect(throws: GeodesyError.self) { try Coordinate(validatingLatitude: 90.000001, longitude: 0) }
        #expect(lat?.code == .latitudeOutOfRange)
        #expect(lat?.field == .latitude)
        let lon = #expect(throws: GeodesyError.self) { try Coordinate(validatingLatitude: 0, longitude: -180.5) }
        #expect(lon?.code == .longitudeOutOfRange)
        #expect(lon?.field == .longitude)
    }

    @Test("the ends of both ranges are legal and kept as given")
    func rangeEnds() throws {
        for (lat, lon) in [(90.0, 180.0), (-90.0, -180.0), (0.0, 180.0), (0.0, -180.0)] {
            let c = try Coordinate(validatingLatitude: lat, longitude: lon)
            #expect(c.latitude == lat && c.longitude == lon)
        }
    }

    @Test("a coordinate outside the CRS's domain is an error, not inf")
    func outsideDomain() {
        let normalizer = CoordinateNormalizer()
        // Far beyond Web Mercator's world: no WGS84 position exists.
        let error = #expect(throws: GeodesyError.self) {
            try normalizer.normalize(x: 1e300, y: 1e300, from: "EPSG:3857")
        }
        #expect(error?.code == .outsideCRSDomain || error?.code == .transformationFailed)
        // UTM is defined to 80°S: zone 60S at northing 1,000 km is at 81.06°S.
        let south = #expect(throws: GeodesyError.self) {
            try normalizer.normalize(x: 500_000, y: 1_000_000, from: "EPSG:32760")
        }
        #expect(south?.code == .outsideCRSDomain)
        // A UTM easting absurdly far from the zone.
        #expect(throws: GeodesyError.self) {
            try normalizer.normalize(x: 1e12, y: 5e6, from: "EPSG:32632")
        }
    }

    @Test("many concurrent tasks get the same answers as one serial normalizer")
    func concurrent() async throws {
        let inputs: [(String, Double, Double)] = (0..<400).map { i in
            let crs = ["EPSG:3857", "EPSG:32632", "EPSG:27700", "EPSG:4326"][i % 4]
            switch crs {
            case "EPSG:3857": return (crs, Double(i) * 10_000 - 2_000_000, Double(i) * 7_000)
            case "EPSG:32632": return (crs, 400_000 + Double(i) * 200, 5_000_000 + Double(i) * 300)
            case "EPSG:27700": return (crs, 500_000 + Double(i) * 100, 180_000 + Double(i) * 100)
            default: return (crs, Double(i % 360) - 180, Double(i % 180) - 90)
            }
        }
        let serial = CoordinateNormalizer()
        let expected = try inputs.map { try serial.normalize(x: $0.1, y: $0.2, from: .init($0.0)) }

        let shared = SharedCoordinateNormalizer()
        let results = try await withThrowingTaskGroup(of: (Int, [Coordinate]).self) { group in
            for task in 0..<8 {
                group.addTask {
                    // Half the tasks share one normalizer, half own their own.
                    let own = CoordinateNormalizer()
                    let out = try inputs.map { input in
                        task.isMultiple(of: 2)
                            ? try shared.normalize(x: input.1, y: input.2, from: .init(input.0))
                            : try own.normalize(x: input.1, y: input.2, from: .init(input.0))
                    }
                    return (task, out)
                }
            }
            var all: [Int: [Coordinate]] = [:]
            for try await (task, out) in group { all[task] = out }
            return all
        }
        #expect(results.count == 8)
        for (_, out) in results { #expect(out == expected) }
    }
}
