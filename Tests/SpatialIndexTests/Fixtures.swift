import Geodesy
import SpatialIndex

/// SplitMix64: small, fast, deterministic.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Points that stress the index: clusters, uniform by area, both poles at many
/// longitudes, both sides of the antimeridian, and exact duplicates.
func hardPoints(_ n: Int, using rng: inout SeededGenerator) -> [Coordinate] {
    let centres = [Coordinate(latitude: 51.5, longitude: -0.12), Coordinate(latitude: -36.85, longitude: 174.76),
                   Coordinate(latitude: -17.7, longitude: 178.9), Coordinate(latitude: 64.15, longitude: -21.9),
                   Coordinate(latitude: 78.2, longitude: 15.6), Coordinate(latitude: -77.8, longitude: 166.7),
                   Coordinate(latitude: 0, longitude: 180), Coordinate(latitude: 40.7, longitude: -74)]
    var out: [Coordinate] = []
    out.reserveCapacity(n)
    while out.count < n {
        let kind = Int.random(in: 0..<100, using: &rng)
        switch kind {
        case 0..<45:
            let c = centres.randomElement(using: &rng)!
            let p = Geodesic.wgs84.destination(from: c, azimuth: .random(in: 0..<360, using: &rng),
                                               distance: abs(gaussian(&rng)) * 20_000)
            out.append(p)
        case 45..<80:
            let z = Double.random(in: -1...1, using: &rng)
            out.append(Coordinate(latitude: asin(z) * 180 / .pi, longitude: .random(in: -180...180, using: &rng)))
        case 80..<84:
            out.append(Coordinate(latitude: Bool.random(using: &rng) ? 90 : -90,
                                  longitude: .random(in: -180...180, using: &rng)))
        case 84..<92:
            let side: Double = Bool.random(using: &rng) ? 1 : -1
            let lon = [180, 179.999999, 179.99, 179.5][Int.random(in: 0..<4, using: &rng)] * side
            out.append(Coordinate(latitude: .random(in: -89...89, using: &rng), longitude: lon))
        default:
            if let earlier = out.randomElement(using: &rng) { out.append(earlier) }
        }
    }
    return out
}

func gaussian(_ rng: inout SeededGenerator) -> Double {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng)
    return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
}

/// The brute-force oracle: exact geodesics to everything.
struct Oracle {
    var points: [Int64: Coordinate] = [:]

    func nearest(to q: Coordinate, count k: Int, maxDistance: Double = .infinity,
                 where keep: (Int64) -> Bool = { _ in true }) -> [(Int64, Double)] {
        let all = points.compactMap { id, c -> (Int64, Double)? in
            guard keep(id) else { return nil }
            let d = Geodesic.wgs84.distance(from: q, to: c)
            return d <= maxDistance ? (id, d) : nil
        }
        return Array(all.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(k))
    }

    func within(_ r: Double, of q: Coordinate, where keep: (Int64) -> Bool = { _ in true }) -> [(Int64, Double)] {
        nearest(to: q, count: .max, maxDistance: r, where: keep)
    }

    func inBox(_ box: GeoBox) -> [Int64] {
        points.filter { box.contains($0.value) }.map(\.key).sorted()
    }
}

/// Whether `got` matches the oracle: same ids in the same order and distances within 1 mm.
func agree(_ got: [Neighbor<Int64>], _ expected: [(Int64, Double)]) -> Bool {
    guard got.count == expected.count else { return false }
    for (g, e) in zip(got, expected) where g.element != e.0 || abs(g.distance - e.1) > 1e-3 {
        return false
    }
    return true
}

#if canImport(Glibc)
import Glibc
#endif
