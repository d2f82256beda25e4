public import GeoContacts
import Logging
import PostgresNIO
import Synchronization

/// The durable ``SharedJournal`` over PostgreSQL: every replica's directory commits through
/// one of these.
///
/// A batch is committed in its own transaction that raises the customer's version by one,
/// only from the version the replica's snapshot is (``PostgresRows/write(_:customer:base:on:logger:)``);
/// a transaction that fails changed nothing in the database (it rolled back), and the
/// directory shows nothing of its batch to readers. Catching up reads the change feed and the
/// rows it names from one REPEATABLE READ snapshot.
public final class PostgresJournal: SharedJournal {
    struct State {
        var nextSequence: UInt64 = 1
        /// Batches given through the plain ``ContactJournal`` interface, committed by
        /// ``waitUntilDurable(_:)`` without a version guard.
        var pending: [UInt64: (customer: CustomerID, changes: [ContactChange])] = [:]
        var health = JournalHealth.healthy
        var closed = false
        /// Transactions and reads under way, by a number of their own: when each began.
        var inFlight: [UInt64: Operation] = [:]
        var nextOperation: UInt64 = 0
    }

    /// A transaction or a read under way.
    struct Operation {
        enum Kind {
            case commit(CustomerID)
            case read(CustomerID)
            /// The replicator's comparison of every customer's version with the database.
            case versionCheck
        }

        var began: ContinuousClock.Instant
        var kind: Kind

        var description: String {
            switch kind {
            case .commit(let customer): "a commit for customer \(customer)"
            case .read(let customer): "a read for customer \(customer)"
            case .versionCheck: "the replicator's version check"
            }
        }
    }

    private let client: PostgresClient
    private let logger: Logger
    private let state = Mutex(State())
    /// How long a transaction or a read may wait before ``health`` shows it as stalled.
    let stallLimit: Duration

    init(client: PostgresClient, stallLimit: Duration = PostgresJournal.defaultStallLimit, logger: Logger) {
        self.client = client
        self.stallLimit = stallLimit
        self.logger = logger
    }

    /// A commit takes milliseconds; one that waits this long is stuck (a lock held elsewhere,
    /// an unreachable server, or a pooled connection that postgres-nio 1.33.2 never answers
    /// once the server ended it: see Docs/Replicas.md).
    public static let defaultStallLimit = Duration.seconds(10)

    public func commit(_ changes: [ContactChange], customer: CustomerID, base: Int64) async throws -> Int64 {
        try await commit(changes, customer: customer, guardedBy: base)
    }

    public func commitLocked(customer: CustomerID, base: Int64,
                             _ prepare: (CustomerDelta?) async throws -> [ContactChange]) async throws -> Int64? {
        try await transaction(customer) { connection in
            let stored = try await PostgresRows.lockVersion(of: customer, on: connection, logger: logger)
            let delta = stored == base ? nil
                : try await PostgresRows.delta(customer, since: base, on: connection, logger: logger)
            let changes = try await prepare(delta)
            guard !changes.isEmpty else { return nil }
            return (try await PostgresRows.write(changes, customer: customer, base: stored, on: connection, logger: logger),
                    changes.count)
        }
    }

    public func changes(of customer: CustomerID, since version: Int64) async throws -> CustomerDelta {
        try await reading(customer) { try await PostgresRows.delta(customer, since: version, from: client, logger: logger) }
    }

    public func load(_ customer: CustomerID) async throws -> StoredCustomer {
        try await reading(customer) { try await PostgresRows.load(customer, from: client, logger: logger) }
    }

    public func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 {
        try state.withLock { state throws(PostgresStorageError) -> UInt64 in
            if state.closed { throw PostgresStorageError(.closed, "the storage is closed") }
            let sequence = state.nextSequence
            state.nextSequence += 1
            state.pending[sequence] = (customer, changes)
            return sequence
        }
    }

    public func waitUntilDurable(_ sequence: UInt64) async throws {
        guard let batch = state.withLock({ $0.pending.removeValue(forKey: sequence) }) else { return }
        _ = try await commit(batch.changes, customer: batch.customer, guardedBy: nil)
    }

    /// The last outcome, and whether a transaction or a read has waited longer than
    /// ``stallLimit`` (then unhealthy, with ``JournalHealth/stalled`` saying which, until it
    /// ends): a wait that never ends, which postgres-nio cannot time out, is seen by the
    /// readiness check and the health monitor instead of only by its caller, which waits.
    public var health: JournalHealth {
        let now = ContinuousClock.now
        return state.withLock { state in
            var health = state.health
            if let oldest = state.inFlight.values.min(by: { $0.began < $1.began }), now - oldest.began > stallLimit {
                let waited = (now - oldest.began).components.seconds
                health.isHealthy = false
                health.stalled = "\(oldest.description) has waited \(waited) s for the database"
            }
            return health
        }
    }

    /// Refuses later writes. Idempotent.
    func close() {
        state.withLock { $0.closed = true }
    }

    /// Commits one batch (as version `base + 1` when `base` is given).
    ///
    /// - Throws: ``VersionConflict``; ``PostgresStorageError`` `closed` or `commit-failed`
    ///   (logged, and counted in ``health``).
    func commit(_ changes: [ContactChange], customer: CustomerID, guardedBy base: Int64?) async throws -> Int64 {
        let version = try await transaction(customer) { connection in
            (try await PostgresRows.write(changes, customer: customer, base: base, on: connection, logger: logger), changes.count)
        }
        guard let version else { throw PostgresStorageError(.commitFailed, "no version for customer \(customer)") }
        return version
    }

    /// Runs one write transaction of `customer`: `body` returns the version it wrote and how
    /// many changes, or `nil` when it wrote nothing. Records the commit's metrics and the
    /// journal's health.
    ///
    /// - Throws: what `body` throws as a ``VersionConflict`` or ``ContactProblem`` (for the
    ///   directory); any other failure as ``PostgresStorageError`` `commit-failed`, logged and
    ///   counted; `closed` after ``close()``. Nothing was stored.
    private func transaction(_ customer: CustomerID,
                             _ body: (PostgresConnection) async throws -> (version: Int64, changes: Int)?) async throws -> Int64? {
        if state.withLock({ $0.closed }) { throw PostgresStorageError(.closed, "the storage is closed") }
        return try await watching(.commit(customer)) {
            do {
                let started = ContinuousClock.now
                let written = try await client.withTransaction(logger: logger) { connection in try await body(connection) }
                if let written { JournalMetrics.committed(store: "postgres", changes: written.changes, in: ContinuousClock.now - started) }
                succeeded()
                return written?.version
            } catch let error as PostgresTransactionError
                        where error.closureError is VersionConflict || error.closureError is ContactProblem {
                throw error.closureError ?? error
            } catch {
                throw failed(PostgresStorageError(.commitFailed, "a commit for customer \(customer) failed: \(String(reflecting: error))"),
                             batch: true)
            }
        }
    }

    private func reading<T>(_ customer: CustomerID, _ body: () async throws -> T) async throws -> T {
        try await watching(.read(customer)) {
            do {
                let result = try await body()
                succeeded()
                return result
            } catch let error as PostgresStorageError {
                throw failed(error)
            } catch {
                throw failed(PostgresStorageError(.readFailed, "reading customer \(customer) failed: \(String(reflecting: error))"))
            }
        }
    }

    /// Runs `body`, an operation on the database (a commit, a read, the replicator's version
    /// check), recorded as under way while it runs, for ``health``.
    func watching<T>(_ kind: Operation.Kind, _ body: () async throws -> T) async throws -> T {
        let operation = began(kind)
        defer { ended(operation) }
        return try await body()
    }

    /// Records an operation as under way (for ``health``); returns its number.
    private func began(_ kind: Operation.Kind) -> UInt64 {
        let now = ContinuousClock.now
        return state.withLock { state in
            state.nextOperation += 1
            state.inFlight[state.nextOperation] = Operation(began: now, kind: kind)
            return state.nextOperation
        }
    }

    private func ended(_ operation: UInt64) {
        state.withLock { _ = $0.inFlight.removeValue(forKey: operation) }
    }

    /// Logs `error` and shows it in ``health`` until the next successful commit or read.
    @discardableResult
    func failed(_ error: PostgresStorageError, batch: Bool = false) -> PostgresStorageError {
        logger.error("postgres store failure", metadata: ["error": "\(error.message)"])
        state.withLock { state in
            state.health.isHealthy = false
            if batch { state.health.failedBatches += 1 }
            state.health.lastFailure = error.message
        }
        return error
    }

    /// Shows a successful read or commit in ``health``.
    func succeeded() {
        state.withLock { $0.health.isHealthy = true }
    }
}
