import ArgumentParser
import Foundation
import GeoContactsInterchange
import Geodesy
import SpatialIndex

/// `knn`: exact k-nearest neighbours of query points among a CSV of points, for checking the
/// index against an outside oracle.
struct KnnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "knn",
        abstract: "Print the k nearest points (WGS84 geodesic metres) for each query, one JSON line per query.",
        discussion: """
            Both files are CSV with a header naming latitude/lat and longitude/lon/lng. The n-th data \
            row of --points gets id n (from 1). Each output line is {"ids": [...], "distances": [...]}, \
            ascending by distance, ties by id.
            """)

    @Option(help: "CSV of the points to index.") var points: String
    @Option(help: "CSV of the query points.") var queries: String
    @Option(help: "How many neighbours per query.") var count: Int = 10

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
    }

    func run() throws {
        let indexed = try PointTable(csv: readFile(points), name: points).points
        let asked = try PointTable(csv: readFile(queries), name: queries).points
        let tree = RTree<Int64>(bulkLoading: indexed.enumerated().lazy.map { (Int64($0.offset + 1), $0.element) })
        var out = StandardOutput()
        for query in asked {
            let hits = tree.nearest(to: query, count: count)
            var line = "{\"ids\": ["
            line += hits.map { String($0.element) }.joined(separator: ", ")
            line += "], \"distances\": ["
            line += hits.map { String($0.distance) }.joined(separator: ", ")
            line += "]}\n"
            out.write(line)
        }
        out.flush()
    }
}
