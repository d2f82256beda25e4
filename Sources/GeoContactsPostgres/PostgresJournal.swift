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
    }

    private let client: PostgresClient
    private let logger: Logger
    private let state = Mutex(State())

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

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

    public var health: JournalHealth { state.withLock { $0.health } }

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

    private func reading<T>(_ customer: CustomerID, _ body: () async throws -> T) async throws -> T {
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
