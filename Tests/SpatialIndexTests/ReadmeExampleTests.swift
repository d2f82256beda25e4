import Geodesy
import RealModule
import SpatialIndex
import Testing

/// The README's first example, kept true.
@Test("README example")
func readmeExample() throws {
    let normalizer = CoordinateNormalizer()
    let bigBen = try normalizer.normalize(x: 530_268, y: 179_640, from: "EPSG:27700")
    let eiffel = try Coordinate(validatingLatitude: 48.8584, longitude: 2.2945)
    var sites = RTree<Int64>()
    sites.insert(1, at: bigBen)
    sites.insert(2, at: eiffel)
    sites.insert(3, at: Coordinate(latitude: -36.85, longitude: 174.76))
    let nearest = sites.nearest(to: Coordinate(latitude: 51.5, longitude: -0.12), count: 2)
    #expect(nearest.map(\.element) == [1, 2])
    #expect(nearest[0].distance.isApproximatelyEqual(to: 330, absoluteTolerance: 10))  // PROJ's Helmert path for EPSG:27700 is ~2 m
    #expect(nearest[1].distance.isApproximatelyEqual(to: 340_662, absoluteTolerance: 10))
    #expect(sites.neighbors(within: 5_000, of: bigBen).map(\.element) == [1])
    #expect(sites.elements(in: GeoBox(south: -50, west: 170, north: -30, east: -170)).map(\.element) == [3])
}
