import ArgumentParser
import Foundation
import GeoContacts
import GeoContactsPostgres
import GeoDataGeneration
import Geodesy
import Logging
import Synchronization

/// `replica-bench`: what a replica over PostgreSQL costs and gives (Benchmarks/Replicas/run.sh
/// runs it beside PostGIS and the SQLite restart):
///
/// - cold start: a replica opening the database, every customer loaded and indexed;
/// - nearest-10 on the replica's memory (the library call, one thread), for query points
///   uniform in latitude −80…80 and longitude −180…180 (what the script's pgbench sends PostGIS);
/// - catch-up lag: a second replica writes single creates at a steady rate; for each, the
///   time from its acknowledgement to the first replica's snapshot holding that version.
struct ReplicaBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replica-bench",
        abstract: "Measure a PostgreSQL replica: cold start, nearest-10 latency, catch-up lag (developer tool).")

    @OptionGroup var postgres: PostgresOption
    @Option(help: "The customer the writes go to (it must have group 1).") var customer: Int64 = 1
    @Option(help: "Nearest-10 queries to time.") var queries = 20_000
    @Option(help: "Creates written for the lag measure (0: none).") var writes = 1_000
    @Option(help: "Creates per second for the lag measure.") var rate = 200.0
    @Option(help: "Seed of the query points.") var seed: UInt64 = 7

    func run() async throws {
        guard let url = postgres.url else { throw CommandFailure("give --postgres URL (or GEOCONTACTS_POSTGRES_URL)") }
        guard queries > 0, writes >= 0, rate > 0 else { throw CommandFailure("--queries and --rate must be positive") }
        var logger = Logger(label: "geocontacts.replica-bench")
        logger.logLevel = .error
        let clock = ContinuousClock()

        let started = clock.now
        let reader = try await postgres.open(url, logger: logger)
        let coldStart = (clock.now - started).seconds
        let contacts = reader.statistics.contacts
        print(String(format: "cold start: %.3f s for %d contacts in %d customers", coldStart, contacts, reader.statistics.customers))

        let snapshot = reader.directory.snapshot(of: CustomerID(customer))
        var rng = SeededGenerator(seed: seed)
        let points = (0..<queries).map { _ in
            Coordinate(latitude: Double.random(in: 0..<1, using: &rng) * 160 - 80, longitude: Double.random(in: 0..<1, using: &rng) * 360 - 180)
        }
        var latencies: [Double] = []
        latencies.reserveCapacity(queries)
        var found = 0
        for point in points {
            let t0 = clock.now
            let hits = (try? snapshot.nearest(to: point, count: 10)) ?? []
            latencies.append((clock.now - t0).seconds * 1e6)
            found += hits.count
        }
        print(String(format: "nearest-10: mean %.2f µs, p50 %.2f µs, p99 %.2f µs (%d queries, %d hits)",
                     latencies.reduce(0, +) / Double(latencies.count), Self.percentile(latencies, 0.5),
                     Self.percentile(latencies, 0.99), queries, found))

        if writes > 0 {
            let writer = try await postgres.open(url, customers: [CustomerID(customer)], logger: logger)
            let caller = Caller(customer: CustomerID(customer), scopes: [.read, .write])
            let lags = try await Self.measureLag(writer: writer.directory, reader: reader.directory, caller: caller,
                                                 writes: writes, rate: rate, seed: seed)
            print(String(format: "catch-up lag: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d creates at %.0f/s)",
                         Self.percentile(lags, 0.5), Self.percentile(lags, 0.99), lags.max() ?? 0, lags.count, rate))
            await writer.close()
        }
        await reader.close()
    }

    /// Writes `writes` creates on `writer` at `rate`; returns each one's lag in ms: from its
    /// acknowledgement to `reader`'s snapshot reaching its version.
    static func measureLag(writer: ContactDirectory, reader: ContactDirectory, caller: Caller, writes: Int,
                           rate: Double, seed: UInt64) async throws -> [Double] {
        let clock = ContinuousClock()
        let acknowledged = Acknowledgements()
        // The watcher samples the reader's version every 0.2 ms.
        let watcher = Task {
            var lags: [Double] = []
            var seen: Int64 = reader.snapshot(of: caller.customer).version
            while lags.count < writes, !Task.isCancelled {
                let version = reader.snapshot(of: caller.customer).version
                if version > seen {
                    let now = clock.now
                    for (_, at) in acknowledged.take(upTo: version) { lags.append((now - at).seconds * 1000) }
                    seen = version
                }
                try? await Task.sleep(for: .microseconds(200))
            }
            return lags
        }
        var rng = SeededGenerator(seed: seed &+ 1)
        let interval = Duration.seconds(1 / rate)
        var next = clock.now
        for i in 0..<writes {
            try await clock.sleep(until: next)
            next = next.advanced(by: interval)
            let draft = ContactDraft(name: "lag \(i)", groupId: GroupID(1),
                                     location: LocationInput(latitude: Double.random(in: 0..<1, using: &rng) * 160 - 80, longitude: Double.random(in: 0..<1, using: &rng) * 360 - 180))
            let (_, version) = try await ContactDirectory.recordingVersion { try await writer.create(draft, as: caller) }
            acknowledged.add(version: version, at: clock.now)
        }
        let deadline = Task {
            try await Task.sleep(for: .seconds(30))
            watcher.cancel()
        }
        let lags = await watcher.value
        deadline.cancel()
        guard lags.count == writes else { throw CommandFailure("the reader did not catch up within 30 s (\(lags.count) of \(writes))") }
        return lags
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
}

/// Acknowledged versions and when, for the lag watcher.
private final class Acknowledgements: Sendable {
    private let pending = Mutex<[(version: Int64, at: ContinuousClock.Instant)]>([])

    func add(version: Int64, at instant: ContinuousClock.Instant) {
        pending.withLock { $0.append((version, instant)) }
    }

    /// Removes and returns those with a version up to `version`.
    func take(upTo version: Int64) -> [(version: Int64, at: ContinuousClock.Instant)] {
        pending.withLock { pending in
            let taken = pending.filter { $0.version <= version }
            pending.removeAll { $0.version <= version }
            return taken
        }
    }
}
