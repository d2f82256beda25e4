import ArgumentParser
import Geodesy

/// A short end-to-end look at the library for a newcomer.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Normalize a few coordinates with PROJ and measure geodesics.")

    func run() throws {
        let normalizer = CoordinateNormalizer()
        let bigBen = try normalizer.normalize(x: 530_268, y: 179_640, from: "EPSG:27700")
        let eiffel = try normalizer.normalize(x: 255_422.6, y: 6_250_835.2, from: "EPSG:3857")
        print("Big Ben (EPSG:27700 530268 179640) → \(bigBen)")
        print("Eiffel Tower (EPSG:3857) → \(eiffel)")
        let d = Geodesic.wgs84.inverse(from: bigBen, to: eiffel)
        print("Geodesic distance: \(Int(d.distance.rounded())) m, initial azimuth \(d.initialAzimuth)°")
    }
}
