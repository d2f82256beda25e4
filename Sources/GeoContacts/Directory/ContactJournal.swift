import Synchronization

/// Where a ``ContactDirectory`` records its changes before they become visible: the hook a
/// storage layer implements (a write-ahead log, a SQL table, a replication stream).
///
/// For each accepted write the directory calls ``append(_:customer:)`` once, under that
/// customer's writer lock, after complete validation and before the changes become visible
/// (they have only been applied to a private copy); a throw rejects the write and changes
/// nothing. One write's changes come in one call (a cascading removal is several changes),
/// so a journal can persist them atomically. After publishing and releasing
/// the lock it awaits ``waitUntilDurable(_:)`` with the returned sequence number before
/// acknowledging the write, so that a journal can group-commit many writers' changes.
public protocol ContactJournal: Sendable {
    /// Records the changes of one write (applied in order, all or none).
    ///
    /// - Returns: a sequence number to pass to ``waitUntilDurable(_:)``.
    /// - Throws: anything; the write is then refused with a 500 `storage-failed` and nothing changes.
    func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64

    /// Returns once every change up to `sequence` is durable.
    ///
    /// - Throws: when durability failed. The change is then already visible in memory; the
    ///   directory reports a 500 `storage-failed`, and the service should treat the process
    ///   as unhealthy (restart and restore from storage).
    func waitUntilDurable(_ sequence: UInt64) async throws
}

/// A journal that keeps nothing: the default for a purely in-memory directory.
public struct NoJournal: ContactJournal {
    public init() {}
    public func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 { 0 }
    public func waitUntilDurable(_ sequence: UInt64) async throws {}
}

/// A journal that keeps every change in memory, in order; for tests and replication demos.
public final class InMemoryJournal: ContactJournal {
    /// One recorded write.
    public struct Entry: Hashable, Sendable {
        public var sequence: UInt64
        public var customer: CustomerID
        public var changes: [ContactChange]
    }

    private let state = Mutex<[Entry]>([])

    public init() {}

    public func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 {
        state.withLock { entries in
            let sequence = UInt64(entries.count + 1)
            entries.append(Entry(sequence: sequence, customer: customer, changes: changes))
            return sequence
        }
    }

    public func waitUntilDurable(_ sequence: UInt64) async throws {}

    /// Everything recorded so far.
    public var entries: [Entry] { state.withLock { $0 } }
}
