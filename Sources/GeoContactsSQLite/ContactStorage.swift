public import GeoContacts
public import Geodesy
import Foundation
import Synchronization

/// A data folder opened into a ready ``ContactDirectory``: the entry point that `serve`,
/// `import`, `export` and the query commands share.
///
/// Opening loads every customer's groups, definitions and contacts from SQLite and builds
/// every index in bulk (``ContactDirectory/restore(customer:groups:definitions:records:nextContactID:policy:)``,
/// the R-tree with its bulk load); after that, the directory's writes go through the
/// ``SQLiteJournal`` and are acknowledged only once committed.
///
/// Call ``close()`` when done: it commits what is queued, stops the journal's writer thread
/// and releases the folder lock.
///
/// ```swift
/// let storage = try ContactStorage.open(DataFolder.resolve(option: dataOption))
/// defer { storage.close() }
/// let id = try await storage.directory.create(draft, as: caller)   // durable when it returns
/// ```
public final class ContactStorage: Sendable {
    /// How the directory's writes are journaled.
    public enum Journaling: Sendable {
        /// Every write is committed to SQLite (group commit) before it is acknowledged.
        case durable
        /// Writes are only recorded in memory (an ``InMemoryJournal``) until
        /// ``commitRecorded()`` stores them all in one transaction: for bulk imports that
        /// must be all or nothing. Nothing recorded survives the process otherwise.
        case recording
        /// The database is opened read-only and without the folder lock (beside a running
        /// `serve`); every write is refused.
        case readOnly
    }

    /// What the start-up load did.
    public struct LoadStatistics: Hashable, Sendable {
        public var customers: Int
        public var contacts: Int
        /// Seconds spent reading SQLite.
        public var readSeconds: Double
        /// Seconds spent building every index (the core's restore: referential checks, bulk loads).
        public var indexSeconds: Double
        public var totalSeconds: Double { readSeconds + indexSeconds }
    }

    /// The folder.
    public let folder: DataFolder
    /// The restored directory; its writes are journaled as ``Journaling`` says.
    public let directory: ContactDirectory
    /// The durable journal (`nil` unless ``Journaling/durable``).
    public let journal: SQLiteJournal?
    /// The recording journal (`nil` unless ``Journaling/recording``).
    public let recorder: InMemoryJournal?
    /// What opening took.
    public let statistics: LoadStatistics

    private let store: SQLiteContactStore

    private init(folder: DataFolder, store: SQLiteContactStore, directory: ContactDirectory,
                 journal: SQLiteJournal?, recorder: InMemoryJournal?, statistics: LoadStatistics) {
        self.folder = folder
        self.store = store
        self.directory = directory
        self.journal = journal
        self.recorder = recorder
        self.statistics = statistics
    }

    /// Opens (creating if needed) `folder`, migrates its schema, loads everything and builds
    /// every index in bulk.
    ///
    /// - Parameters:
    ///   - journaling: ``Journaling/durable`` for a service; ``Journaling/recording`` for an import.
    ///   - normalizer: the PROJ bridge for the directory.
    ///   - defaultPolicy: the directory's default validation policy.
    /// - Throws: ``StorageError`` (`folder-in-use` when another process holds the folder,
    ///   `cannot-open`, `newer-schema`, `corrupt` when the stored data is inconsistent).
    /// - Complexity: O(n log n) for n stored contacts.
    public static func open(_ folder: DataFolder, journaling: Journaling = .durable,
                            normalizer: SharedCoordinateNormalizer = SharedCoordinateNormalizer(),
                            defaultPolicy: ContactPolicy = .default) throws(StorageError) -> ContactStorage
    {
        let store = try SQLiteContactStore(folder: folder, readOnly: journaling == .readOnly)
        let clock = ContinuousClock()
        let start = clock.now
        let data: [ContactRows.CustomerData]
        do {
            data = try store.loadAll()
        } catch let error as StorageError {
            store.close()
            throw error
        } catch {
            store.close()
            throw StorageError(.cannotOpen, "cannot read \(folder.databaseURL.path): \(error)")
        }
        let read = clock.now
        let journal = journaling == .durable ? SQLiteJournal(store: store) : nil
        let recorder = journaling == .recording ? InMemoryJournal() : nil
        let chosen: any ContactJournal = if let journal { journal } else if let recorder { recorder } else { RefusingJournal() }
        let directory = ContactDirectory(journal: chosen,
                                         normalizer: normalizer, defaultPolicy: defaultPolicy)
        let contacts = data.reduce(0) { $0 + $1.records.count }
        // Each customer's records are the leaves of its contacts map: a restore shares them
        // (copy-on-write), so `data` holding them too until this returns costs no memory.
        // Customers are independent: restore them on every core.
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: data.count) { [data] i in
            let customer = data[i]
            do throws(ContactProblem) {
                try directory.restore(customer: customer.customer, groups: customer.groups,
                                      definitions: customer.definitions, records: customer.records,
                                      nextContactID: customer.nextContactID)
            } catch {
                failures.withLock { $0.append("customer \(customer.customer): \(error.detail)") }
            }
        }
        if let failure = failures.withLock({ $0.sorted().first }) {
            journal?.close()
            store.close()
            throw StorageError(.corrupt, "\(folder.databaseURL.path): \(failure)")
        }
        let indexed = clock.now
        let statistics = LoadStatistics(customers: data.count, contacts: contacts,
                                        readSeconds: (read - start).seconds, indexSeconds: (indexed - read).seconds)
        return ContactStorage(folder: folder, store: store, directory: directory, journal: journal,
                              recorder: recorder, statistics: statistics)
    }

    /// Writes recorded in memory (recording mode) and taken out of the recorder, not stored
    /// yet: ``takeRecorded()`` then ``store(_:)``, so that a bulk import can store one chunk
    /// on another thread while it creates the next.
    public struct RecordedWrites: Sendable {
        fileprivate var entries: [InMemoryJournal.Entry]
        /// How many writes.
        public var count: Int { entries.count }
    }

    /// Takes every write recorded since the last call (recording mode), leaving the recorder empty.
    public func takeRecorded() -> RecordedWrites {
        RecordedWrites(entries: recorder?.takeAll() ?? [])
    }

    /// Stores taken writes in one transaction. Calls must come in the order the writes were taken.
    ///
    /// - Returns: how many writes were stored.
    /// - Throws: ``StorageError`` `commit-failed`; then none of them was stored: the directory
    ///   is ahead of the folder, so stop using it.
    @discardableResult
    public func store(_ recorded: RecordedWrites) throws(StorageError) -> Int {
        guard !recorded.entries.isEmpty else { return 0 }
        do {
            try store.write(recorded.entries.map { ($0.customer, $0.changes) })
        } catch {
            throw StorageError(.commitFailed, "cannot store the import: \(error)")
        }
        return recorded.count
    }

    /// Stores every write recorded since the last call in one transaction (recording mode),
    /// and drops them from memory: ``store(_:)`` of ``takeRecorded()``.
    ///
    /// - Returns: how many writes were stored.
    /// - Throws: ``StorageError`` `commit-failed`; then none of them was stored, and they are
    ///   dropped all the same: the directory is ahead of the folder, so stop using it.
    @discardableResult
    public func commitRecorded() throws(StorageError) -> Int {
        try store(takeRecorded())
    }

    /// Stores already validated changes of one customer in one transaction, bypassing the
    /// directory (whose memory it does not change): for an import that validated its rows
    /// in a dry run and gives them their final ids. The next ``open(_:journaling:normalizer:defaultPolicy:)``
    /// checks the stored state as a whole (restore verifies every invariant).
    ///
    /// - Throws: ``StorageError`` `commit-failed`; then nothing was stored.
    public func store(_ changes: [ContactChange], customer: CustomerID) throws(StorageError) {
        do {
            try store.write([(customer, changes)])
        } catch {
            throw StorageError(.commitFailed, "cannot store the changes: \(error)")
        }
    }

    /// One customer's contacts as stored (committed), ascending by id, read from SQLite: for
    /// export and import, which need every contact of a customer at once.
    ///
    /// - Complexity: O(n) for the customer's n contacts.
    public func storedContacts(of customer: CustomerID) throws(StorageError) -> [Contact] {
        do {
            return try store.load(customer).records.sorted()
        } catch {
            throw StorageError(.cannotOpen, "cannot read customer \(customer): \(error)")
        }
    }

    /// The schema migrations applied to the file, oldest first.
    public func appliedMigrations() throws -> [String] { try store.appliedMigrations() }

    /// Commits what is queued, closes the database and releases the folder. Idempotent.
    public func close() {
        journal?.close()
        store.close()
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}

/// The journal of a read-only storage: refuses every write.
struct RefusingJournal: ContactJournal {
    func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 {
        throw StorageError(.closed, "the data folder is open read-only")
    }
    func waitUntilDurable(_ sequence: UInt64) async throws {}
}
