import Foundation
import GeoDataGeneration
import Geodesy
import Testing

/// `GeoPolygon.contains` against an independent oracle: every geodesic edge densified into
/// ≤ 2 km steps (at most 32 an edge) (`geod_direct`), mapped to geocentric unit vectors, and a point tested by
/// counting the great-circle arcs (3-D cross products) that cross its meridian north of it.
/// A step strays from the true geodesic by millimetres (2 km) to under a metre (100 km); points whose decision in the
/// oracle is closer than ~10 m to a crossing are skipped as undecidable by it.
@Suite("GeoPolygon (geodesic edges, exact on WGS84)")
struct GeoPolygonTests {
    static let geodesic = Geodesic.wgs84

    // MARK: Known cases

    @Test("Edges are geodesics: an edge along 60° N bulges poleward")
    func geodesicBulge() throws {
        let ring = [c(60, 0), c(60, 90), c(0, 90), c(0, 0), c(60, 0)]
        let polygon = try GeoPolygon(rings: [ring])
        // On the sphere the edge reaches tan φ = tan 60° / cos 45° at 45° E: ≈ 67.8°.
        #expect(polygon.contains(c(61, 45)))
        #expect(polygon.contains(c(67.5, 45)))
        #expect(!polygon.contains(c(68.5, 45)))
        #expect(!polygon.contains(c(30, 95)))
        #expect(polygon.bounds[0].north > 67.5 && polygon.bounds[0].north < 68.5)
    }

    @Test("A ring across the antimeridian holds points on both sides of it")
    func antimeridian() throws {
        let polygon = try GeoPolygon(rings: [[c(-20, 175), c(-20, -175), c(-10, -175), c(-10, 175), c(-20, 175)]])
        #expect(polygon.contains(c(-15, 179.9)))
        #expect(polygon.contains(c(-15, -179.9)))
        #expect(polygon.contains(c(-15, 180)))
        #expect(polygon.contains(c(-15, -180)))
        #expect(!polygon.contains(c(-15, 0)))
        #expect(!polygon.contains(c(-15, 170)))
        #expect(polygon.bounds[0].crossesAntimeridian)
    }

    @Test("A ring around a pole: eastward encloses the North pole, westward the South pole")
    func polarCaps() throws {
        let eastward = (0...12).map { c(80, Double($0 % 12) * 30 - 180) }
        let north = try GeoPolygon(rings: [eastward])
        #expect(north.contains(c(90, 0)))
        #expect(north.contains(c(85, 17)))
        #expect(!north.contains(c(70, 17)))
        #expect(!north.contains(c(-90, 0)))
        #expect(north.bounds[0].north == 90)
        // 3e-14° west of the antimeridian, where a vertex sits: crossed once, not twice.
        #expect(!north.contains(c(13.5, 179.99999999999997)))
        #expect(north.contains(c(85, 179.99999999999997)))
        let westward = try GeoPolygon(rings: [Array(eastward.reversed())])
        #expect(!westward.contains(c(90, 0)))
        #expect(!westward.contains(c(85, 17)))
        #expect(westward.contains(c(70, 17)))
        #expect(westward.contains(c(-90, 0)))
        // A hole winding around the North pole clockwise (westward) removes the cap.
        let band = (0...12).map { c(60, Double($0 % 12) * 30 - 180) }
        let withHole = try GeoPolygon(rings: [band, Array(eastward.reversed())])
        #expect(withHole.contains(c(70, 10)))
        #expect(!withHole.contains(c(85, 10)))
        #expect(!withHole.contains(c(90, 0)))
        #expect(!withHole.contains(c(50, 10)))
    }

    @Test("Orientation does not matter for a ring that winds around no pole")
    func orientation() throws {
        let ring = [c(48.80, 2.25), c(48.80, 2.42), c(48.90, 2.42), c(48.90, 2.25), c(48.80, 2.25)]
        let counter = try GeoPolygon(rings: [ring])
        let clockwise = try GeoPolygon(rings: [Array(ring.reversed())])
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let p = c(Double.random(in: 48.7...49.0, using: &generator), Double.random(in: 2.1...2.6, using: &generator))
            #expect(counter.contains(p) == clockwise.contains(p))
        }
        #expect(counter.contains(c(48.85, 2.35)))
    }

    @Test("Concave ring, holes and multipolygons")
    func concaveHolesMulti() throws {
        // An L: the notch at the north-east is outside.
        let l = [c(0, 0), c(0, 2), c(1, 2), c(1, 1), c(2, 1), c(2, 0), c(0, 0)]
        let hole = [c(0.2, 0.2), c(0.4, 0.2), c(0.4, 0.4), c(0.2, 0.4), c(0.2, 0.2)]
        let polygon = try GeoPolygon(rings: [l, hole])
        #expect(polygon.contains(c(0.5, 1.5)))
        #expect(polygon.contains(c(1.5, 0.5)))
        #expect(!polygon.contains(c(1.5, 1.5)))
        #expect(!polygon.contains(c(0.3, 0.3)))
        #expect(polygon.contains(c(0.2, 0.3)))  // on the hole's edge: the boundary is inside
        let far = [c(10, 10), c(10, 11), c(11, 11), c(11, 10), c(10, 10)]
        let multi = try GeoPolygon(polygons: [[l, hole], [far]])
        #expect(multi.contains(c(10.5, 10.5)))
        #expect(multi.contains(c(0.5, 1.5)))
        #expect(!multi.contains(c(5, 5)))
        #expect(multi.bounds.count == 2)
    }

    @Test("Vertices and points on edges are inside; a metre outwards is outside")
    func boundary() throws {
        let ring = [c(-33.9, 18.4), c(-33.95, 18.6), c(-34.1, 18.5), c(-34.05, 18.35), c(-33.9, 18.4)]
        let polygon = try GeoPolygon(rings: [ring])
        for i in 0..<4 {
            let a = ring[i], b = ring[i + 1]
            #expect(polygon.contains(a))
            let edge = Self.geodesic.inverse(from: a, to: b)
            for fraction in [0.1, 0.5, 0.93] {
                let on = Self.geodesic.destination(from: a, azimuth: edge.initialAzimuth, distance: edge.distance * fraction)
                #expect(polygon.contains(on), "on edge \(i) at \(fraction)")
                // The ring runs clockwise here (seen from above): inside is on the right.
                let azimuthThere = Self.geodesic.inverse(from: on, to: b).initialAzimuth
                let inward = Self.geodesic.destination(from: on, azimuth: azimuthThere + 90, distance: 1)
                let outward = Self.geodesic.destination(from: on, azimuth: azimuthThere - 90, distance: 1)
                #expect(polygon.contains(inward))
                #expect(!polygon.contains(outward))
            }
        }
        // A meridian edge and a point on it.
        let square = try GeoPolygon(rings: [[c(10, 20), c(11, 20), c(11, 21), c(10, 21), c(10, 20)]])
        #expect(square.contains(c(10.5, 20)))
        #expect(!square.contains(c(10.5, 19.99999)))
    }

    @Test("A thin sliver, 2 m wide and 20 km long")
    func thin() throws {
        let a = c(52.0, 13.0)
        let b = Self.geodesic.destination(from: a, azimuth: 70, distance: 20_000)
        let a2 = Self.geodesic.destination(from: a, azimuth: 160, distance: 2)
        let b2 = Self.geodesic.destination(from: b, azimuth: 160 + (Self.geodesic.inverse(from: a, to: b).finalAzimuth - 70), distance: 2)
        let polygon = try GeoPolygon(rings: [[a, b, b2, a2, a]])
        let middle = Self.geodesic.destination(from: a, azimuth: 70, distance: 10_000)
        #expect(polygon.contains(Self.geodesic.destination(from: middle, azimuth: 160, distance: 1)))
        #expect(!polygon.contains(Self.geodesic.destination(from: middle, azimuth: 160, distance: 3)))
        #expect(!polygon.contains(Self.geodesic.destination(from: middle, azimuth: -20, distance: 1)))
    }

    @Test("Malformed rings are refused with invalid-polygon", arguments: [
        [[c(0, 0), c(0, 1), c(1, 1)]],                                  // too few positions
        [[c(0, 0), c(0, 1), c(1, 1), c(1, 0)]],                         // not closed
        [[c(0, 0), c(0, 0), c(0, 0), c(0, 0)]],                         // one distinct vertex
        [[c(0, 0), c(0, 1), c(90, 1), c(0, 0)]],                        // a vertex at a pole
    ] as [[[Coordinate]]])
    func malformed(rings: [[Coordinate]]) {
        #expect { try GeoPolygon(rings: rings) } throws: { ($0 as? GeodesyError)?.code == .invalidPolygon }
    }

    @Test("Edges too long, non-finite positions, double windings and empty input are refused")
    func refusals() {
        func code(_ polygons: [[[Coordinate]]]) -> GeodesyError.Code? {
            do { _ = try GeoPolygon(polygons: polygons); return nil } catch { return error.code }
        }
        #expect(code([[[c(0, -90), c(0, 90), c(10, 0), c(0, -90)]]]) == .invalidPolygon)  // 180° edge
        #expect(code([[[c(0, -80), c(0, 80), c(10, 0), c(0, -80)]]]) == nil)  // 160°: fine
        #expect(code([[[c(0, 0), c(0, .nan), c(1, 1), c(0, 0)]]]) == .nonFiniteCoordinate)
        #expect(code([[[c(0, 0), c(0, 181), c(1, 1), c(0, 0)]]]) == .longitudeOutOfRange)
        #expect(code([]) == .invalidPolygon)
        #expect(code([[]]) == .invalidPolygon)
        let twice = (0...24).map { c(70, Double($0 % 12) * 30 - 180) }
        #expect(code([[twice]]) == .invalidPolygon)
        #expect(code([[Array(repeating: c(1, 1), count: GeoPolygon.maximumVertexCount + 1)]]) == .invalidPolygon)
    }

    // MARK: Randomized, against the oracle

    @Test("Random star-shaped rings (city to continent, poles, antimeridian) agree with the oracle",
          arguments: [UInt64(1), 2, 3, 4])
    func randomized(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        var decided = 0
        for round in 0..<24 {
            let centre = Self.randomCentre(round: round, using: &generator)
            let radius = [200.0, 5_000, 80_000, 1_500_000][round % 4]
            let vertexCount = Int.random(in: 3...40, using: &generator)
            var ring: [Coordinate] = []
            for k in 0..<vertexCount {
                let azimuth = Double(k) * 360 / Double(vertexCount) + Double.random(in: 0..<(300 / Double(vertexCount)), using: &generator)
                let distance = radius * Double.random(in: 0.2...1, using: &generator)
                var vertex = Self.geodesic.destination(from: centre, azimuth: azimuth, distance: distance)
                if abs(vertex.latitude) >= 90 { vertex.latitude = vertex.latitude > 0 ? 89.999 : -89.999 }
                ring.append(vertex)
            }
            if round % 3 == 0 { ring.reverse() }
            ring.append(ring[0])
            let polygon: GeoPolygon
            do { polygon = try GeoPolygon(rings: [ring]) } catch { continue }  // an edge over 179°: refused, fine
            let oracle = Oracle(ring: ring)
            for _ in 0..<150 {
                let p = Self.geodesic.destination(from: centre, azimuth: Double.random(in: 0..<360, using: &generator),
                                                  distance: radius * Double.random(in: 0...1.3, using: &generator))
                guard let expected = oracle.contains(p) else { continue }
                decided += 1
                #expect(polygon.contains(p) == expected, "seed \(seed) round \(round) point \(p)")
                if expected { #expect(polygon.bounds[0].contains(p), "bounds \(polygon.bounds[0]) miss \(p)") }
            }
        }
        #expect(decided > 2_000)
    }

    static func randomCentre(round: Int, using generator: inout SeededGenerator) -> Coordinate {
        switch round % 6 {
        case 0: return c(Double.random(in: 88...89.9, using: &generator), Double.random(in: -180...180, using: &generator))
        case 1: return c(Double.random(in: -89.9 ... -88, using: &generator), Double.random(in: -180...180, using: &generator))
        case 2: return c(Double.random(in: -60...60, using: &generator), Double.random(in: 179...180, using: &generator))
        case 3: return c(Double.random(in: -60...60, using: &generator), Double.random(in: -180 ... -179, using: &generator))
        default: return c(Double.random(in: -70...70, using: &generator), Double.random(in: -180...180, using: &generator))
        }
    }

    /// Point in a ring by great-circle arcs between densified geocentric vertices.
    struct Oracle {
        var vectors: [SIMD3<Double>] = []
        var eastward = false
        var turns = 0.0

        init(ring: [Coordinate]) {
            var sum = 0.0
            for i in 0..<(ring.count - 1) {
                let a = ring[i], b = ring[i + 1]
                let inverse = GeoPolygonTests.geodesic.inverse(from: a, to: b)
                let steps = min(32, max(1, Int((inverse.distance / 2_000).rounded(.up))))
                var previous = a
                for s in 0..<steps {
                    let point = s == 0 ? a : GeoPolygonTests.geodesic.destination(from: a, azimuth: inverse.initialAzimuth,
                                                                                  distance: inverse.distance * Double(s) / Double(steps))
                    vectors.append(Self.vector(point))
                    if s > 0 { sum += Self.delta(point.longitude - previous.longitude) }
                    previous = point
                }
                sum += Self.delta(b.longitude - previous.longitude)
            }
            turns = (sum / 360).rounded()
            eastward = turns == 1
        }

        /// `nil` when a crossing lies within ~10 m of the point along its meridian.
        func contains(_ p: Coordinate) -> Bool? {
            var inside = turns != 0 && eastward
            let q = Self.vector(p)
            let lambda = atan2(q.y, q.x)
            let meridianNormal = SIMD3(-sin(lambda), cos(lambda), 0)
            for i in vectors.indices {
                let u = vectors[i], v = vectors[(i + 1) % vectors.count]
                let a = Self.delta((atan2(u.y, u.x) - lambda) * 180 / .pi), b = Self.delta((atan2(v.y, v.x) - lambda) * 180 / .pi)
                guard abs(a - b) < 180, (a >= 0) != (b >= 0) else { continue }
                var x = Self.cross(Self.cross(u, v), meridianNormal)
                x /= (x * x).sum().squareRoot()
                if (x.x * cos(lambda) + x.y * sin(lambda)) < 0 { x = -x }
                let separation = asin(max(-1, min(1, x.z))) - asin(max(-1, min(1, q.z)))
                if abs(separation) < 2e-6 { return nil }
                if separation > 0 { inside.toggle() }
            }
            return inside
        }

        static func vector(_ c: Coordinate) -> SIMD3<Double> {
            let e2 = GeoPolygonTests.geodesic.flattening * (2 - GeoPolygonTests.geodesic.flattening)
            let phi = c.latitude * .pi / 180, lambda = c.longitude * .pi / 180
            let n = 1 / (1 - e2 * sin(phi) * sin(phi)).squareRoot()
            let v = SIMD3(n * cos(phi) * cos(lambda), n * cos(phi) * sin(lambda), n * (1 - e2) * sin(phi))
            return v / (v * v).sum().squareRoot()
        }

        static func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
        }

        static func delta(_ degrees: Double) -> Double {
            var d = degrees
            while d > 180 { d -= 360 }
            while d <= -180 { d += 360 }
            return d
        }
    }
}

private func c(_ latitude: Double, _ longitude: Double) -> Coordinate {
    Coordinate(latitude: latitude, longitude: longitude)
}
