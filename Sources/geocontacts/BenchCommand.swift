import ArgumentParser
import Foundation
import GeoContacts
import GeoContactsInterchange
import GeoDataGeneration
import Geodesy
import SpatialIndex

/// `geocontacts dev bench`: measures the spatial index on anyone's points and queries.
///
/// Reads two CSV files (a header naming `latitude`/`lat` and `longitude`/`lon`/`lng`
/// columns; WGS84 degrees), then times, on one core: one-by-one insertion of every point,
/// bulk loading them, nearest-1 and nearest-10 for every query on the one-by-one tree, and
/// reports the index's estimated heap bytes per point. Each timing is the median of
/// `--repeat` runs. Then it creates `--contacts` contacts (default: the first 100,000
/// points) one by one through the contacts core's whole path — decode the JSON body,
/// validate, store, update every index — into an empty `ContactDirectory`, once.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the spatial index (insert, bulk load, nearest-1/10, bytes) on CSV points and queries.",
        discussion: """
            Build in release for meaningful figures:
              swift run -c release geocontacts dev generate --count 1000000 --seed 1 --kind points > points.csv
              swift run -c release geocontacts dev generate --count 10000 --seed 1 --kind queries > queries.csv
              swift run -c release geocontacts dev bench --points points.csv --queries queries.csv
            or on generated data (no files; `both` runs the uniform then the skewed mix):
              swift run -c release geocontacts dev bench --mix both --count 1000000
            """)

    enum MixChoice: String, ExpressibleByArgument, CaseIterable {
        case uniform, skewed, hostile, both
        var mixes: [GeoDataMix] { self == .both ? [.uniform, .skewed] : GeoDataMix(rawValue: rawValue).map { [$0] } ?? [] }
    }

    @Option(help: "CSV of points to index (header with latitude/lat and longitude/lon/lng).")
    var points: String?

    @Option(help: "CSV of query points (same format).")
    var queries: String?

    @Option(help: "Generate the data instead of reading CSV: uniform, skewed, hostile or both (uniform and skewed).")
    var mix: MixChoice?

    @Option(help: "With --mix: how many points (queries: 10,000), from --seed.")
    var count: Int = 100_000

    @Option(help: "With --mix: the seed of the generated points and queries.")
    var seed: UInt64 = 1

    @Option(help: "Output format: json or table.")
    var format: OutputFormat = .json

    @Option(name: .customLong("repeat"), help: "Runs per measurement; the median is reported.")
    var repetitions: Int = 3

    @Option(help: "How many of the points to create as contacts through the contacts core (default: up to 100,000; 0 skips).")
    var contacts: Int?

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1") }
        if let contacts, contacts < 0 { throw ValidationError("--contacts must not be negative") }
        guard (mix == nil) == (points != nil && queries != nil), mix == nil || (points == nil && queries == nil) else {
            throw ValidationError("give either --points and --queries, or --mix")
        }
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let progress = Progress()
        #if DEBUG
        progress.warn("warning: debug build; use `swift run -c release geocontacts dev bench …` for real figures")
        #endif
        if let mix {
            for m in mix.mixes {
                progress.update("generating \(count) points (\(m.rawValue) mix)", 0, of: 1)
                let points = m.points(count: count, seed: seed)
                let queries = m.queries(count: 10_000, seed: seed)
                if format == .table { print("mix: \(m.rawValue), \(count) points, 10000 queries, seed \(seed)") }
                try await measure(points: points, queries: queries, progress: progress)
            }
            return
        }
        guard let pointsPath = self.points, let queriesPath = self.queries else { return }
        let points = try PointTable(csv: readFile(pointsPath), name: pointsPath).points
        let queries = try PointTable(csv: readFile(queriesPath), name: queriesPath).points
        guard !points.isEmpty else { throw ValidationError("\(pointsPath) has no points") }
        guard !queries.isEmpty else { throw ValidationError("\(queriesPath) has no queries") }
        try await measure(points: points, queries: queries, progress: progress)
    }

    private func measure(points: [Coordinate], queries: [Coordinate], progress: Progress) async throws {
        guard points.count <= Int(Int32.max) else { throw ValidationError("at most \(Int32.max) points") }

        let measurements = Measurements(points: points, queries: queries, repetitions: repetitions, progress: progress)
        var report = measurements.run()
        let creates = min(contacts ?? 100_000, points.count)
        if creates > 0 {
            report.createContactsPerSecond = try await measurements.createContactsPerSecond(count: creates)
            report.createContactsCount = creates
        }
        progress.finish()
        switch format {
        case .json: print(try report.json())
        case .table: print(report.table())
        }
    }
}

/// What `bench` reports. Field names are the JSON keys.
struct BenchReport: Codable {
    var points: Int
    var queries: Int
    var repetitions: Int
    var insertsPerSecond: Double
    var bulkLoadSeconds: Double
    var nearest1PerSecond: Double
    var nearest10PerSecond: Double
    /// Estimated heap bytes of the one-by-one tree (`RTree.statistics.bytes`) per point.
    var bytesPerPoint: Double
    var bytesPerPointBulkLoaded: Double
    /// Contacts created per second through `ContactDraft(json:)` and
    /// `ContactDirectory.create`, on the first ``createContactsCount`` points; nil (omitted)
    /// with `--contacts 0`.
    var createContactsPerSecond: Double?
    var createContactsCount: Int?
    var treeHeight: Int
    var build: String

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func table() -> String {
        func rate(_ x: Double) -> String { x >= 1e6 ? fixed(x / 1e6, 2) + " M/s" : fixed(x / 1e3, 1) + " k/s" }
        var rows: [(String, String)] = [
            ("points", "\(points)"),
            ("queries", "\(queries)"),
            ("inserts (one by one)", rate(insertsPerSecond)),
            ("bulk load", fixed(bulkLoadSeconds, 3) + " s"),
            ("nearest-1", rate(nearest1PerSecond)),
            ("nearest-10", rate(nearest10PerSecond)),
            ("bytes per point (one by one)", fixed(bytesPerPoint, 1)),
            ("bytes per point (bulk loaded)", fixed(bytesPerPointBulkLoaded, 1)),
            ("tree height", "\(treeHeight)"),
        ]
        if let createContactsPerSecond, let createContactsCount {
            rows.append(("create contacts (\(createContactsCount))", rate(createContactsPerSecond)))
        }
        rows.append(("build / runs", "\(build), median of \(repetitions)"))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n")
    }

    private func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}

/// The timed runs.
struct Measurements {
    let points: [Coordinate]
    let queries: [Coordinate]
    let repetitions: Int
    let progress: Progress

    func run() -> BenchReport {
        var tree = RTree<Int32>()
        let insertSeconds = median((1...repetitions).map { run in
            var built = RTree<Int32>()
            let seconds = time {
                for (i, p) in points.enumerated() {
                    built.insert(Int32(i), at: p)
                    if i & 0xFFFF == 0 { progress.update("insert \(run)/\(repetitions)", i, of: points.count) }
                }
            }
            tree = built
            return seconds
        })

        var bulk = RTree<Int32>()
        let bulkSeconds = median((1...repetitions).map { run in
            progress.update("bulk load \(run)/\(repetitions)", 0, of: 1)
            return time { bulk = RTree(bulkLoading: points.enumerated().lazy.map { (Int32($0.offset), $0.element) }) }
        })

        func queryRate(_ k: Int) -> Double {
            let seconds = median((1...repetitions).map { run in
                var found = 0
                let s = time {
                    for (i, q) in queries.enumerated() {
                        found &+= tree.nearest(to: q, count: k).count
                        if i & 0x3FF == 0 { progress.update("nearest-\(k) \(run)/\(repetitions)", i, of: queries.count) }
                    }
                }
                precondition(found > 0, "no neighbours found")
                return s
            })
            return Double(queries.count) / seconds
        }
        let nearest1 = queryRate(1)
        let nearest10 = queryRate(10)

        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        return BenchReport(
            points: points.count, queries: queries.count, repetitions: repetitions,
            insertsPerSecond: Double(points.count) / insertSeconds,
            bulkLoadSeconds: bulkSeconds,
            nearest1PerSecond: nearest1, nearest10PerSecond: nearest10,
            bytesPerPoint: tree.statistics.bytesPerEntry,
            bytesPerPointBulkLoaded: bulk.statistics.bytesPerEntry,
            createContactsPerSecond: nil,
            createContactsCount: nil,
            treeHeight: tree.height,
            build: build)
    }

    /// Creates `count` contacts at the first points, each from its JSON body (rendered
    /// beforehand), into an empty directory; returns creates per second.
    func createContactsPerSecond(count: Int) async throws -> Double {
        let caller = Caller(customer: CustomerID(1), scopes: [.read, .write, .admin])
        let directory = ContactDirectory()
        try await directory.defineGroup(ContactGroup(id: GroupID(1), name: "Bench"), as: caller)
        let bodies = points.prefix(count).enumerated().map { i, p in
            Array(#"{"name":"Contact \#(i)","groupId":1,"location":{"latitude":\#(p.latitude),"longitude":\#(p.longitude)}}"#.utf8)
        }
        let start = ContinuousClock.now
        for (i, body) in bodies.enumerated() {
            let draft = try ContactDraft(json: body)
            _ = try await directory.create(draft, as: caller)
            if i & 0x3FF == 0 { progress.update("create contacts", i, of: bodies.count) }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Double(bodies.count) / seconds
    }

    private func time(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let elapsed = clock.measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    private func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
