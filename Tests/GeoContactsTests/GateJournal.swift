import Synchronization
@testable import GeoContacts

/// A journal that holds every batch until the test says whether it became durable: to
/// observe what readers see while a batch is in flight, and to fail chosen batches.
final class GateJournal: ContactJournal {
    struct Batch: Sendable {
        var sequence: UInt64
        var customer: CustomerID
        var changes: [ContactChange]
    }

    struct Refused: Error {}

    private struct State {
        var batches: [Batch] = []
        var decided: [UInt64: Bool] = [:]
        var waiting: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var isOpen = true
    }

    private let state = Mutex(State())

    func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 {
        state.withLock { state in
            let sequence = UInt64(state.batches.count + 1)
            state.batches.append(Batch(sequence: sequence, customer: customer, changes: changes))
            return sequence
        }
    }

    func waitUntilDurable(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            state.withLock { state in
                if state.isOpen, state.decided[sequence] == nil { state.decided[sequence] = true }
                switch state.decided[sequence] {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: Refused())
                case nil: state.waiting[sequence] = continuation
                }
            }
        }
    }

    /// Whether batches become durable at once (the default, for setting up) or wait for
    /// ``decide(_:durable:)``.
    var isOpen: Bool {
        get { state.withLock { $0.isOpen } }
        set { state.withLock { $0.isOpen = newValue } }
    }

    /// Every batch appended so far, in order.
    var batches: [Batch] { state.withLock { $0.batches } }

    /// Makes batch `sequence` durable (`true`) or failed (`false`).
    func decide(_ sequence: UInt64, durable: Bool) {
        let waiter = state.withLock { state in
            state.decided[sequence] = durable
            return state.waiting.removeValue(forKey: sequence)
        }
        if durable { waiter?.resume() } else { waiter?.resume(throwing: Refused()) }
    }

    /// Waits until `count` batches have been appended (the test's writes are in flight).
    func waitForBatches(_ count: Int) async {
        while state.withLock({ $0.batches.count }) < count { await Task.yield() }
    }
}

extension ContactDirectory {
    /// How many writes of `customer` are queued behind the batch in flight.
    func queuedWrites(of customer: CustomerID) -> Int {
        tenant(customer).queue.withLock { $0.pending.count }
    }

    /// Waits until `count` writes of `customer` are queued.
    func waitForQueuedWrites(_ count: Int, of customer: CustomerID) async {
        while queuedWrites(of: customer) < count { await Task.yield() }
    }
}
