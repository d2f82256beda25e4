import Synchronization

/// Where a ``ContactDirectory`` records its changes before they become visible: the hook a
/// storage layer implements (a write-ahead log, a SQL table, a replication stream).
///
/// For each batch of accepted writes of one customer, the directory calls
/// ``append(_:customer:)`` once, after complete validation, with the changes of every write
/// of the batch in order (a cascading removal is several changes; a bulk create is one per
/// contact): the journal persists them as one unit, all or none. The changes were applied
/// only to a private validation copy so far. The directory awaits ``waitUntilDurable(_:)`` with
/// the returned sequence number and only then applies them to the snapshot readers see and
/// acknowledges the writes; a journal can so group-commit many customers' batches. A customer never has two
/// batches in flight: its next batch is appended only after the previous one was durable or
/// failed, and a failed batch is never published (the next one is validated without it).
public protocol ContactJournal: Sendable {
    /// Records the changes of one batch of writes (applied in order, all or none).
    ///
    /// - Returns: a sequence number to pass to ``waitUntilDurable(_:)``.
    /// - Throws: anything; the batch is then refused with `storage-failed` and nothing changes.
    func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64

    /// Returns once every change up to `sequence` is durable.
    ///
    /// - Throws: when the batch with this sequence number could not be made durable. Nothing
    ///   of it was shown to readers; the directory refuses its writes with
    ///   `storage-failed` and goes on with later batches.
    func waitUntilDurable(_ sequence: UInt64) async throws

    /// Whether the journal currently stores what it is given (for a readiness check).
    var health: JournalHealth { get }
}

/// What a journal reports about its own state.
public struct JournalHealth: Hashable, Sendable {
    /// Whether the last attempt to store a batch succeeded (or none was made).
    public var isHealthy: Bool
    /// How many batches could not be stored since the start.
    public var failedBatches: Int
    /// Why the last failed batch failed (the storage's own message: for logs and operators,
    /// not for clients).
    public var lastFailure: String?
    /// An operation on the storage that has been waiting longer than the journal allows (a
    /// commit or a read that neither finished nor failed), described for operators; `nil`
    /// when none is. While one is, ``isHealthy`` is `false`.
    public var stalled: String?

    public init(isHealthy: Bool = true, failedBatches: Int = 0, lastFailure: String? = nil, stalled: String? = nil) {
        self.isHealthy = isHealthy
        self.failedBatches = failedBatches
        self.lastFailure = lastFailure
        self.stalled = stalled
    }

    /// A journal that has never failed.
    public static let healthy = JournalHealth()
}

extension ContactJournal {
    public var health: JournalHealth { .healthy }
}

/// A journal whose writes are durable the moment they are recorded and whose recording
/// cannot fail: it keeps nothing, or keeps the changes in memory.
///
/// A write is then visible as soon as it is applied, so the directory applies small writes
/// in place on the published snapshot, under the lock readers take to copy it, instead of
/// on a working copy: a node that no reader's snapshot shares is changed where it is, with
/// no path copying (a reader's copy stays untouched by copy-on-write). Writes of more than
/// ``ContactDirectory/inPlaceLimit`` items (bulk creates) still go to a working copy, so that
/// a reader waits for the lock no longer than one small write takes.
public protocol ImmediateJournal: ContactJournal {
    /// Records the changes of one write (in order, all of them).
    func record(_ changes: [ContactChange], customer: CustomerID)
}

extension ImmediateJournal {
    public func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 {
        record(changes, customer: customer)
        return 0
    }

    public func waitUntilDurable(_ sequence: UInt64) async throws {}
}

/// A journal that keeps nothing: the default for a purely in-memory directory.
public struct NoJournal: ImmediateJournal {
    public init() {}
    public func record(_ changes: [ContactChange], customer: CustomerID) {}
}

/// A journal that keeps every change in memory, in order; for tests and replication demos.
public final class InMemoryJournal: ImmediateJournal {
    /// One recorded batch of writes.
    public struct Entry: Hashable, Sendable {
        public var sequence: UInt64
        public var customer: CustomerID
        public var changes: [ContactChange]
    }

    private let state = Mutex<[Entry]>([])

    public init() {}

    public func record(_ changes: [ContactChange], customer: CustomerID) {
        state.withLock { entries in
            entries.append(Entry(sequence: UInt64(entries.count + 1), customer: customer, changes: changes))
        }
    }

    /// Everything recorded so far.
    public var entries: [Entry] { state.withLock { $0 } }

    /// Takes everything recorded so far, leaving nothing: for a consumer that stores the
    /// entries elsewhere and need not keep them in memory.
    public func takeAll() -> [Entry] {
        state.withLock { entries in
            defer { entries = [] }
            return entries
        }
    }
}
