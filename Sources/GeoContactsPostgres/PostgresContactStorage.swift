public import Foundation
public import GeoContacts
public import Geodesy
public import Logging
public import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// A PostgreSQL database opened into a ready ``ContactDirectory``: the counterpart of the
/// SQLite `ContactStorage` behind the same journal seam.
///
/// Opening runs the client, applies the migrations, and restores every customer from one
/// REPEATABLE READ snapshot each; after that the directory's writes go through the
/// ``PostgresJournal`` and are acknowledged only once committed, each with the customer's new
/// version. Call ``close()`` when done — or run it as a `Service` in the service group beside
/// the HTTP application: it then closes on graceful shutdown, after the services started
/// after it (the application) have stopped.
public final class PostgresContactStorage: Service, Sendable {
    /// What the start-up load did.
    public struct LoadStatistics: Hashable, Sendable {
        public var customers: Int
        public var contacts: Int
        /// Each restored customer's version (the version its snapshot was read at).
        public var versions: [CustomerID: Int64]
    }

    /// The restored directory; its writes are committed to PostgreSQL before they are acknowledged.
    public let directory: ContactDirectory
    /// The journal (versions produced by this process's writes).
    public let journal: PostgresJournal
    /// The client (running until ``close()``).
    public let client: PostgresClient
    /// What opening loaded.
    public let statistics: LoadStatistics
    /// The epoch of the database the directory's state comes from (a replaced database has
    /// another; the replica then rebuilds from it).
    public var epoch: UUID { replicator.currentEpoch }

    private let replicator: PostgresReplicator
    /// The replicator, then the client.
    private let tasks: [Task<Void, Never>]
    private let logger: Logger

    private init(directory: ContactDirectory, journal: PostgresJournal, client: PostgresClient,
                 statistics: LoadStatistics, replicator: PostgresReplicator, tasks: [Task<Void, Never>], logger: Logger) {
        self.directory = directory
        self.journal = journal
        self.client = client
        self.statistics = statistics
        self.replicator = replicator
        self.tasks = tasks
        self.logger = logger
    }

    /// The client configuration for a `postgres://user[:password]@host[:port]/database` URL
    /// (TLS off: for loopback and private networks; `sslmode=require` turns it on).
    ///
    /// - Throws: ``PostgresStorageError`` `cannot-open` for a URL that is not one.
    public static func configuration(url string: String) throws(PostgresStorageError) -> PostgresClient.Configuration {
        guard let components = URLComponents(string: string),
              components.scheme == "postgres" || components.scheme == "postgresql",
              let host = components.host, !host.isEmpty
        else {
            throw PostgresStorageError(.cannotOpen, "not a postgres://user@host:port/database URL")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let requireTLS = components.queryItems?.contains { $0.name == "sslmode" && $0.value == "require" } ?? false
        let tls: PostgresClient.Configuration.TLS
        if requireTLS {
            tls = .require(.clientDefault)
        } else {
            tls = .disable
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : database, tls: tls)
    }

    /// Connects to `url`, migrates, loads every customer, each from one consistent snapshot
    /// with every index built in bulk, and starts replicating: what other processes commit
    /// reaches this directory within `pollInterval` at most (at once when the `NOTIFY` hint
    /// arrives). With `only`, loads and follows only those customers (another one is loaded on
    /// its first write): for tools such as `import`. A transaction or a read that waits longer
    /// than `stallLimit` makes the journal's health unhealthy until it ends.
    ///
    /// - Throws: ``PostgresStorageError`` (`cannot-open`, `newer-schema`, `corrupt`).
    public static func open(url: String, normalizer: SharedCoordinateNormalizer = SharedCoordinateNormalizer(),
                            defaultPolicy: ContactPolicy = .default, pollInterval: Duration = .seconds(1),
                            stallLimit: Duration = PostgresJournal.defaultStallLimit,
                            customers only: Set<CustomerID>? = nil,
                            logger: Logger = Logger(label: "geocontacts.postgres")) async throws(PostgresStorageError)
        -> PostgresContactStorage
    {
        let client = PostgresClient(configuration: try configuration(url: url), backgroundLogger: logger)
        let runner = Task { await client.run() }
        do {
            try await PostgresSchema.migrate(client, logger: logger)
            var epoch: UUID?
            for try await e in try await client.query("SELECT epoch FROM database_epoch", logger: logger).decode(UUID.self) {
                epoch = e
            }
            guard let epoch else { throw PostgresStorageError(.corrupt, "database_epoch has no row") }
            let journal = PostgresJournal(client: client, stallLimit: stallLimit, logger: logger)
            let directory = ContactDirectory(journal: journal, normalizer: normalizer, defaultPolicy: defaultPolicy)
            var statistics = LoadStatistics(customers: 0, contacts: 0, versions: [:])
            for customer in try await PostgresRows.customers(client, logger: logger)
                where only?.contains(customer) ?? true {
                do throws(ContactProblem) {
                    statistics.versions[customer] = try await directory.catchUp(customer)
                } catch {
                    throw PostgresStorageError(.corrupt, "customer \(customer): \(error.detail)")
                }
                statistics.customers += 1
                statistics.contacts += directory.snapshot(of: customer).count
            }
            let replicator = PostgresReplicator(client: client, directory: directory, journal: journal, epoch: epoch,
                                                pollInterval: pollInterval, following: only, logger: logger)
            let replication = Task { await replicator.run() }
            return PostgresContactStorage(directory: directory, journal: journal, client: client,
                                          statistics: statistics, replicator: replicator,
                                          tasks: [replication, runner], logger: logger)
        } catch let error as PostgresStorageError {
            runner.cancel()
            throw error
        } catch {
            runner.cancel()
            throw PostgresStorageError(.cannotOpen, "cannot open the PostgreSQL store: \(String(reflecting: error))")
        }
    }

    /// Reads one customer from the database at `url`, from one consistent snapshot, without
    /// loading anything into memory beyond it (no migration, no replication): for `export`.
    ///
    /// - Throws: ``PostgresStorageError`` `cannot-open` or `read-failed`.
    public static func stored(_ customer: CustomerID, url: String,
                              logger: Logger = Logger(label: "geocontacts.postgres")) async throws(PostgresStorageError)
        -> StoredCustomer
    {
        let client = PostgresClient(configuration: try configuration(url: url), backgroundLogger: logger)
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        do {
            return try await PostgresRows.load(customer, from: client, logger: logger)
        } catch {
            throw PostgresStorageError(.readFailed, "cannot read customer \(customer): \(String(reflecting: error))")
        }
    }

    /// Stores already validated changes of one customer in one transaction (one version),
    /// bypassing the directory (whose memory it does not change): for loading sample data
    /// before restoring it into the directory.
    ///
    /// - Returns: the customer's new version.
    /// - Throws: ``PostgresStorageError`` `commit-failed`; then nothing was stored.
    @discardableResult
    public func store(_ changes: [ContactChange], customer: CustomerID) async throws(PostgresStorageError) -> Int64 {
        do {
            return try await journal.commit(changes, customer: customer, guardedBy: nil)
        } catch let error as PostgresStorageError {
            throw error
        } catch {
            throw PostgresStorageError(.commitFailed, "cannot store the changes: \(String(reflecting: error))")
        }
    }

    /// The customer's current version in the database (0 when it has none).
    public func databaseVersion(of customer: CustomerID) async throws -> Int64 {
        var version: Int64 = 0
        for try await v in try await client.query(
            "SELECT version FROM customer_versions WHERE customer_id = \(customer.rawValue)", logger: logger)
            .decode(Int64.self) {
            version = v
        }
        return version
    }

    /// Compares the epoch and every customer's version with the database now and catches up
    /// what is behind (the replicator does this on every reconnection and every poll).
    public func synchronize() async throws {
        try await replicator.synchronize()
    }

    /// Waits for the service group's graceful shutdown (or cancellation), then closes.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Refuses later writes, stops replicating, then stops the client. Idempotent.
    public func close() async {
        journal.close()
        // All cancelled first: the replicator may be waiting for a connection lease, which
        // only the client's shutdown ends. The wait is bounded: a task that does not end
        // (a connection that never answers) is logged and left behind rather than hanging
        // the caller's shutdown.
        for task in tasks { task.cancel() }
        let ended = Atomic<Bool>(false)
        let tasks = self.tasks
        Task {
            for task in tasks { await task.value }
            ended.store(true, ordering: .releasing)
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        while !ended.load(ordering: .acquiring) {
            guard clock.now < deadline else {
                logger.warning("the PostgreSQL client did not stop within 10 s; leaving it behind")
                return
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
