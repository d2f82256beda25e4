public import GeoContacts
import Logging
import PostgresNIO
import Synchronization

/// The durable ``ContactJournal`` over PostgreSQL.
///
/// ``append(_:customer:)`` only queues a batch (O(1), no I/O). One writer task commits the
/// queued batches in order, each in its own transaction that raises the customer's version by
/// one (``PostgresRows/write(_:customer:on:logger:)``), then resumes the batch's
/// ``waitUntilDurable(_:)``. A batch whose transaction fails changed nothing in the database
/// (the transaction rolled back) and is never shown to readers by the directory.
public final class PostgresJournal: ContactJournal {
    struct Pending: Sendable {
        var sequence: UInt64
        var customer: CustomerID
        var changes: [ContactChange]
    }

    struct State {
        var nextSequence: UInt64 = 1
        var durable: UInt64 = 0
        var failed: [UInt64: String] = [:]
        var health = JournalHealth.healthy
        var closed = false
        var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        /// The newest committed version of each customer written through this journal.
        var latest: [CustomerID: Int64] = [:]
    }

    private let client: PostgresClient
    private let logger: Logger
    final class StateBox: Sendable { let state = Mutex(State()) }
    private let box = StateBox()
    private let queue: AsyncStream<Pending>.Continuation
    private let writer: Task<Void, Never>

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        let (stream, continuation) = AsyncStream<Pending>.makeStream()
        self.queue = continuation
        let box = self.box
        writer = Task {
            for await pending in stream {
                var outcome: Result<Int64, PostgresStorageError>
                do {
                    let version = try await client.withTransaction(logger: logger) { connection in
                        try await PostgresRows.write(pending.changes, customer: pending.customer, on: connection, logger: logger)
                    }
                    outcome = .success(version)
                } catch {
                    outcome = .failure(PostgresStorageError(.commitFailed, "a commit for customer \(pending.customer) failed: \(String(reflecting: error))"))
                }
                let ready = box.state.withLock { state in
                    state.durable = pending.sequence
                    switch outcome {
                    case .success(let version):
                        state.latest[pending.customer] = max(state.latest[pending.customer] ?? 0, version)
                        state.health.isHealthy = true
                    case .failure(let failure):
                        state.failed[pending.sequence] = failure.message
                        state.health.isHealthy = false
                        state.health.failedBatches += 1
                        state.health.lastFailure = failure.message
                    }
                    return state.takeWaiters(upTo: pending.sequence)
                }
                for (sequence, continuation) in ready {
                    let failure = box.state.withLock { $0.failed.removeValue(forKey: sequence) }
                    if let failure { continuation.resume(throwing: PostgresStorageError(.commitFailed, failure)) } else { continuation.resume() }
                }
            }
        }
    }

    public func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 {
        // Numbering and enqueueing under one lock keeps the queue in sequence order.
        try box.state.withLock { state throws(PostgresStorageError) -> UInt64 in
            if state.closed { throw PostgresStorageError(.closed, "the storage is closed") }
            let sequence = state.nextSequence
            state.nextSequence += 1
            queue.yield(Pending(sequence: sequence, customer: customer, changes: changes))
            return sequence
        }
    }

    public func waitUntilDurable(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            box.state.withLock { state in
                if let failure = state.failed.removeValue(forKey: sequence) {
                    continuation.resume(throwing: PostgresStorageError(.commitFailed, failure))
                } else if state.durable >= sequence {
                    continuation.resume()
                } else {
                    state.waiters.append((sequence, continuation))
                }
            }
        }
    }

    public var health: JournalHealth { box.state.withLock { $0.health } }

    /// The newest version of `customer` committed through this journal (0 when none).
    public func latestVersion(of customer: CustomerID) -> Int64 {
        box.state.withLock { $0.latest[customer] ?? 0 }
    }

    /// Commits what is queued, then refuses later writes. Idempotent.
    func close() async {
        let alreadyClosed = box.state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        if !alreadyClosed { queue.finish() }
        await writer.value
    }
}

extension PostgresJournal.State {
    mutating func takeWaiters(upTo sequence: UInt64) -> [(UInt64, CheckedContinuation<Void, any Error>)] {
        var ready: [(UInt64, CheckedContinuation<Void, any Error>)] = []
        waiters.removeAll { waiter in
            guard waiter.sequence <= sequence else { return false }
            ready.append((waiter.sequence, waiter.continuation))
            return true
        }
        return ready
    }
}
