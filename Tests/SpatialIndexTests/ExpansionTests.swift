import Foundation
import GeoDataGeneration
import Geodesy
@testable import SpatialIndex
import Testing

/// The bounds of ``_Expansion`` (the distance from a query expanded around a pivot) enclose
/// the exact geodesic for every point within its reach: pivots from 100 m to 0.45·π·b away,
/// at and around both poles and across the antimeridian, points at the edge of the reach.
@Suite("First-order expansion of the distance around a pivot")
struct ExpansionTests {
    @Test("lower ≤ geodesic ≤ upper within the reach", arguments: [5 as UInt64, 6, 77])
    func enclose(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let geodesic = Geodesic.wgs84
        var checked = 0
        for trial in 0..<4_000 {
            let query: Coordinate
            switch trial % 4 {
            case 0: query = Coordinate(latitude: 90, longitude: Double.random(in: -180...180, using: &rng))
            case 1: query = Coordinate(latitude: -89.9999, longitude: Double.random(in: -180...180, using: &rng))
            default: query = Coordinate(latitude: Double.random(in: -90...90, using: &rng),
                                        longitude: Double.random(in: -180...180, using: &rng))
            }
            // A pivot at a random distance (log-uniform from 100 m to 10,000 km) and azimuth,
            // or at a pole.
            let distance = 100 * pow(100_000, Double.random(in: 0...1, using: &rng))
            var pivot = geodesic.destination(from: query, azimuth: Double.random(in: -180...180, using: &rng),
                                             distance: distance)
            if trial % 7 == 0 { pivot = Coordinate(latitude: trial % 14 == 0 ? 90 : -90, longitude: pivot.longitude) }
            guard let expansion = _Expansion.around(pivot, from: query) else { continue }
            for _ in 0..<8 {
                // Within the reach, often at its edge.
                let r = expansion.reach * (Bool.random(using: &rng) ? 0.999 : Double.random(in: 0...1, using: &rng))
                let p = geodesic.destination(from: pivot, azimuth: Double.random(in: -180...180, using: &rng), distance: r)
                guard let bounds = expansion.bounds(_Geometry.ecef(p)) else { continue }
                let exact = geodesic.distance(from: query, to: p)
                #expect(bounds.lower <= exact && exact <= bounds.upper,
                        "query \(query) pivot \(pivot) point \(p): \(bounds.lower) ≤ \(exact) ≤ \(bounds.upper)")
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }
}
