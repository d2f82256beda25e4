import ArgumentParser
import Foundation
import GeoDataGeneration

/// `geocontacts dev generate`: writes the benchmarks' deterministic points or queries as CSV,
/// so `geocontacts dev bench` can be run on exactly the data the benchmarks use.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write generated points or queries (clusters, uniform, poles, antimeridian, duplicates) as CSV.")

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case points, queries
    }

    enum Mix: String, ExpressibleByArgument, CaseIterable {
        case uniform, skewed, hostile
        var data: GeoDataMix { GeoDataMix(rawValue: rawValue) ?? .uniform }
    }

    @Option(help: "How many coordinates.")
    var count: Int

    @Option(help: "Seed; the same seed and count give the same file.")
    var seed: UInt64 = 1

    @Option(help: "points or queries (queries come from the same mix, on another stream).")
    var kind: Kind = .points

    @Option(help: """
        Data mix: uniform (the standard mix), skewed (Zipf-weighted city sizes) or hostile \
        (a dense metropolis, a crowd at one point, clouds of metres at the poles, lines).
        """)
    var mix: Mix = .uniform

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must not be negative") }
    }

    func run() throws {
        let progress = Progress()
        progress.update("generating \(count) \(kind.rawValue)", 0, of: 1)
        let coordinates = kind == .points
            ? mix.data.points(count: count, seed: seed) : mix.data.queries(count: count, seed: seed)
        progress.finish()
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil),
                  let handle = FileHandle(forWritingAtPath: output)
            else { throw ValidationError("cannot write \(output)") }
            defer { try? handle.close() }
            CoordinateCSV.write(coordinates, to: handle)
        } else {
            CoordinateCSV.write(coordinates, to: FileHandle.standardOutput)
        }
    }
}
