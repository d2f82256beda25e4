import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy
import SpatialIndex
import Testing

/// A mix heavy in the hard cases: poles at many longitudes, both sides of the
/// antimeridian, and exact duplicates, beside clusters and uniform points.
let hardMix = GeoDataGenerator.Mix(clustered: 0.45, uniform: 0.35, poles: 0.04, antimeridian: 0.08, duplicates: 0.08)

/// `n` points of the hard mix, drawn with a seed taken from `rng`.
func hardPoints(_ n: Int, using rng: inout SeededGenerator) -> [Coordinate] {
    GeoDataGenerator(mix: hardMix).points(count: n, seed: rng.next())
}

/// The brute-force oracle over a changing set of entries.
struct Oracle {
    var points: [Int64: Coordinate] = [:]

    private var brute: BruteForceOracle { BruteForceOracle(entries: points.map { (id: $0.key, location: $0.value) }) }

    func nearest(to q: Coordinate, count k: Int, maxDistance: Double = .infinity,
                 where keep: (Int64) -> Bool = { _ in true }) -> [BruteForceOracle.Hit] {
        brute.nearest(to: q, count: k, maxDistance: maxDistance, where: keep)
    }

    func within(_ r: Double, of q: Coordinate) -> [BruteForceOracle.Hit] {
        brute.neighbors(within: r, of: q)
    }

    func inBox(_ box: GeoBox) -> [Int64] {
        brute.elements(in: box).map(\.id)
    }
}

/// `count` points uniform in latitude and longitude (not by area): random query points.
func randomCoordinates(_ count: Int, using rng: inout SeededGenerator) -> [Coordinate] {
    (0..<count).map { _ in
        Coordinate(latitude: Double.random(in: -90...90, using: &rng), longitude: Double.random(in: -180...180, using: &rng))
    }
}

/// Removes `count` entries that `rng` picks from `tree` and `oracle`, expecting each to be found.
func removeRandomly(_ count: Int, from tree: inout RTree<Int64>, _ oracle: inout Oracle,
                   using rng: inout SeededGenerator, _ label: String) throws {
    for id in oracle.points.keys.sorted().shuffled(using: &rng).prefix(count) {
        let location = try #require(oracle.points[id])
        let removed = tree.remove(id, at: location)
        #expect(removed, "\(label) remove \(id)")
        oracle.points[id] = nil
    }
}

/// Whether `got` matches the oracle: same ids in the same order and distances within 1 mm.
func agree(_ got: [Neighbor<Int64>], _ expected: [BruteForceOracle.Hit]) -> Bool {
    guard got.count == expected.count else { return false }
    for (g, e) in zip(got, expected) where g.element != e.id || abs(g.distance - e.distance) > 1e-3 {
        return false
    }
    return true
}
