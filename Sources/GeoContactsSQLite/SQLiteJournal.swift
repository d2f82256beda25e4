import Foundation
public import GeoContacts
import Synchronization

/// The durable ``ContactJournal`` over a data folder's SQLite file, with group commit.
///
/// ``append(_:customer:)`` (called under a customer's writer lock) only queues the changes
/// with the next sequence number: O(1), no I/O. One dedicated writer thread takes *every*
/// queued write at once, stores them in one SQLite transaction (one WAL fsync), marks them
/// durable and resumes every waiting ``waitUntilDurable(_:)``. While it commits, new writes
/// queue up and go into the next transaction, so under load each fsync carries many writes
/// and durable throughput grows with the number of concurrent writers. A write is
/// acknowledged only after the transaction that holds it has committed.
///
/// Changes of one customer are queued in the order the writer lock admits them, so the
/// database sees them in the order memory applied them.
///
/// If a commit fails, memory already shows changes the disk lacks: the journal then fails
/// every waiter of that batch and refuses every later write (`commit-failed`); the process
/// should restart and restore from storage.
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
        var failure: StorageError?
        var closed = false
        var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var commits = 0
        var committedWrites = 0
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
            if let failure = state.failure { throw failure }
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
                if state.durable >= sequence {
                    continuation.resume()
                } else if let failure = state.failure {
                    continuation.resume(throwing: failure)
                } else {
                    state.waiters.append((sequence, continuation))
                }
            }
        }
    }

    /// How many transactions were committed and how many writes they held (group-commit ratio).
    public var commitStatistics: (commits: Int, writes: Int) {
        state.withLock { ($0.commits, $0.committedWrites) }
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
            do {
                try store.write(batch.map { ($0.customer, $0.changes) })
                let ready = state.withLock { state in
                    state.durable = batch.last!.sequence
                    state.commits += 1
                    state.committedWrites += batch.count
                    var ready: [CheckedContinuation<Void, any Error>] = []
                    state.waiters.removeAll { waiter in
                        guard waiter.sequence <= state.durable else { return false }
                        ready.append(waiter.continuation)
                        return true
                    }
                    return ready
                }
                for continuation in ready { continuation.resume() }
            } catch {
                let failure = StorageError(.commitFailed, "a commit failed; later writes are refused until restart: \(error)")
                let failed = state.withLock { state in
                    state.failure = failure
                    state.pending.removeAll()
                    let failed = state.waiters.map(\.continuation)
                    state.waiters.removeAll()
                    return failed
                }
                for continuation in failed { continuation.resume(throwing: failure) }
            }
            if closed { break }
        }
        finished.signal()
    }
}
