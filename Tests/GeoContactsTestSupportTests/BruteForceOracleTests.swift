import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy
import RealModule
import Testing

@Suite("BruteForceOracle")
struct BruteForceOracleTests {
    static func c(_ lat: Double, _ lon: Double) -> Coordinate { Coordinate(latitude: lat, longitude: lon) }

    /// Hand-made: duplicates, both poles, both sides of the antimeridian.
    static let oracle = BruteForceOracle(entries: [
        (id: 5, location: c(0, 0)),
        (id: 3, location: c(0, 0)),  // duplicate of 5
        (id: 9, location: c(0, 1)),
        (id: 1, location: c(0, 179.9)),
        (id: 2, location: c(0, -179.9)),
        (id: 7, location: c(90, 0)),
        (id: 8, location: c(90, 123)),  // the same point as 7
        (id: 4, location: c(-90, 45)),
        (id: 6, location: c(51.5007, -0.1246)),
    ])

    @Test("nearest-k is ordered by (distance, id); duplicates tie by id")
    func nearestOrder() {
        let hits = Self.oracle.nearest(to: Self.c(0, 0.1), count: 3)
        #expect(hits.map(\.id) == [3, 5, 9])
        #expect(hits[0].distance == hits[1].distance)
        #expect(hits[0].distance.isApproximatelyEqual(to: 11_131.949, absoluteTolerance: 1))  // 0.1° of the equator
        #expect(hits.map(\.distance) == hits.map(\.distance).sorted())
    }

    @Test("the nearest neighbour across the antimeridian")
    func antimeridian() {
        let hits = Self.oracle.nearest(to: Self.c(0, 180), count: 2)
        #expect(Set(hits.map(\.id)) == [1, 2])
        #expect(hits.allSatisfy { abs($0.distance - 11_131.949) < 1 })
    }

    @Test("every longitude at the pole is one point")
    func pole() {
        let hits = Self.oracle.nearest(to: Self.c(90, -77), count: 2)
        #expect(hits.map(\.id) == [7, 8])
        #expect(hits.allSatisfy { $0.distance < 1e-6 })
        let south = Self.oracle.nearest(to: Self.c(-89.999, 170), count: 1)
        #expect(south.map(\.id) == [4])
    }

    @Test("maximum distance and filter")
    func options() {
        #expect(Self.oracle.nearest(to: Self.c(0, 0.1), count: 10, maxDistance: 12_000).map(\.id) == [3, 5])
        #expect(Self.oracle.nearest(to: Self.c(0, 0.1), count: 10, maxDistance: 1).isEmpty)
        #expect(Self.oracle.nearest(to: Self.c(0, 0.1), count: 2, where: { $0 == 2 || $0 == 6 }).map(\.id) == [6, 2])
        #expect(Self.oracle.nearest(to: Self.c(0, 0.1), count: 0).isEmpty)
        #expect(Self.oracle.nearest(to: Self.c(0, 0.1), count: 100).count == 9)
    }

    @Test("radius is inclusive and exact")
    func radius() {
        let exact = Geodesic.wgs84.distance(from: Self.c(0, 0), to: Self.c(0, 1))
        #expect(Self.oracle.neighbors(within: exact, of: Self.c(0, 0)).map(\.id) == [3, 5, 9])
        #expect(Self.oracle.neighbors(within: exact.nextDown, of: Self.c(0, 0)).map(\.id) == [3, 5])
        #expect(Self.oracle.neighbors(within: 400_000, of: Self.c(48.8584, 2.2945)).map(\.id) == [6])
    }

    @Test("box queries: ordinary, across the antimeridian, at the pole")
    func boxes() {
        #expect(Self.oracle.elements(in: GeoBox(south: -1, west: -1, north: 1, east: 2)).map(\.id) == [3, 5, 9])
        #expect(Self.oracle.elements(in: GeoBox(south: -1, west: 179, north: 1, east: -179)).map(\.id) == [1, 2])
        #expect(Self.oracle.elements(in: GeoBox(south: 89, west: 10, north: 90, east: 20)).map(\.id) == [7, 8])
        #expect(Self.oracle.elements(in: .world).count == 9)
        #expect(Self.oracle.elements(in: .world, where: { $0 > 7 }).map(\.id) == [8, 9])
    }

    @Test("agrees with itself on generated data: nearest-k is a prefix of radius")
    func generated() {
        let entries = GeoDataGenerator().entries(count: 3_000, seed: 11)
        let oracle = BruteForceOracle(entries: entries)
        for q in GeoDataGenerator().queries(count: 5, seed: 11) {
            let ten = oracle.nearest(to: q, count: 10)
            #expect(ten.count == 10)
            let within = oracle.neighbors(within: ten.last!.distance, of: q)
            #expect(Array(within.prefix(10)) == ten, "query \(q), seed 11")
        }
    }
}
