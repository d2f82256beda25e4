import Foundation
public import GeoContacts
import Synchronization

/// The durable ``ContactJournal`` over a data folder's SQLite file, with group commit.
///
/// ``append(_:customer:)`` only queues a batch of changes with the next sequence number:
/// O(1), no I/O. One dedicated writer thread takes *every* queued batch at once, stores them
/// in one SQLite transaction (one WAL fsync), marks them durable and resumes every waiting
/// ``waitUntilDurable(_:)``. While it commits, new batches queue up and go into the next
/// transaction, so under load each fsync carries many customers' batches.
///
/// If a commit fails (disk full, I/O error, a read-only file), every batch of that
/// transaction fails: the directory never showed them to readers and refuses their writes
/// with `storage-failed`. Later batches are tried again in new transactions (each customer's next
/// batch was validated without the failed one), so the service recovers by itself when the
/// cause goes away; until a commit succeeds again, ``health`` reports the failure.
public final class SQLiteJournal: ContactJournal {
    struct Pending {
        var sequence: UInt64
        var customer: CustomerID
        var changes: [ContactChange]
    }

    struct State {
        var pending: [Pending] = []
        var nextSequence: UInt64 = 1
        var durable: UInt64 = 0
        /// Sequence numbers of batches whose commit failed (never durable).
        var failed: [ClosedRange<UInt64>] = []
        var health = JournalHealth.healthy
        var closed = false
        var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var commits = 0
        var committedBatches = 0
    }

    private let store: SQLiteContactStore
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(store: SQLiteContactStore) {
        self.store = store
        let thread = Thread { [self] in runWriter() }
        thread.name = "geocontacts-journal"
        thread.start()
    }

    public func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 {
        let sequence = try state.withLock { state throws(StorageError) -> UInt64 in
            if state.closed { throw StorageError(.closed, "the storage is closed") }
            let sequence = state.nextSequence
            state.nextSequence += 1
            state.pending.append(Pending(sequence: sequence, customer: customer, changes: changes))
            return sequence
        }
        wake.signal()
        return sequence
    }

    public func waitUntilDurable(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            state.withLock { state in
                if state.failed.contains(where: { $0.contains(sequence) }) {
                    continuation.resume(throwing: StorageError(.commitFailed, state.health.lastFailure ?? "the commit failed"))
                } else if state.durable >= sequence {
                    continuation.resume()
                } else {
                    state.waiters.append((sequence, continuation))
                }
            }
        }
    }

    /// Whether the last commit succeeded, and how many failed.
    public var health: JournalHealth { state.withLock { $0.health } }

    /// How many transactions were committed and how many batches they held (group-commit
    /// ratio; each batch holds one or more writes of one customer).
    public var commitStatistics: (commits: Int, batches: Int) {
        state.withLock { ($0.commits, $0.committedBatches) }
    }

    /// Commits what is queued, stops the writer thread and refuses later writes. Idempotent.
    func close() {
        let alreadyClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !alreadyClosed else { return }
        wake.signal()
        finished.wait()
    }

    private func runWriter() {
        while true {
            wake.wait()
            let (batch, closed) = state.withLock { state in
                let batch = state.pending
                state.pending.removeAll(keepingCapacity: true)
                return (batch, state.closed)
            }
            if batch.isEmpty {
                if closed { break }
                continue
            }
            let range = batch[0].sequence...batch[batch.count - 1].sequence
            var result: (continuations: [CheckedContinuation<Void, any Error>], failure: StorageError?)
            do {
                let started = ContinuousClock.now
                try store.write(batch.map { ($0.customer, $0.changes) })
                JournalMetrics.committed(store: "sqlite", changes: batch.reduce(0) { $0 + $1.changes.count }, in: ContinuousClock.now - started)
                result = state.withLock { state in
                    state.durable = range.upperBound
                    state.commits += 1
                    state.committedBatches += batch.count
                    state.health.isHealthy = true
                    return (state.takeWaiters(upTo: range.upperBound), nil)
                }
            } catch {
                let failure = StorageError(.commitFailed, "a commit of \(batch.count) batches failed: \(error)")
                result = state.withLock { state in
                    state.failed.append(range)
                    state.health.isHealthy = false
                    state.health.failedBatches += batch.count
                    state.health.lastFailure = failure.message
                    return (state.takeWaiters(upTo: range.upperBound), failure)
                }
            }
            for continuation in result.continuations {
                if let failure = result.failure { continuation.resume(throwing: failure) } else { continuation.resume() }
            }
            if closed { break }
        }
        finished.signal()
    }
}

extension SQLiteJournal.State {
    /// Removes and returns the waiters for sequence numbers up to `sequence`.
    mutating func takeWaiters(upTo sequence: UInt64) -> [CheckedContinuation<Void, any Error>] {
        var ready: [CheckedContinuation<Void, any Error>] = []
        waiters.removeAll { waiter in
            guard waiter.sequence <= sequence else { return false }
            ready.append(waiter.continuation)
            return true
        }
        return ready
    }
}

