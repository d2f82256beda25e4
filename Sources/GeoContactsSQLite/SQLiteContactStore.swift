import Foundation
import GRDB
import GeoContacts
import Synchronization

/// The SQLite file of one data folder: opened in WAL mode with `synchronous = FULL` (a
/// commit returns only after the WAL is fsynced), migrated to the newest schema, and held
/// with an exclusive folder lock.
final class SQLiteContactStore: Sendable {
    let folder: DataFolder
    private let queue: DatabaseQueue
    private let lock: DataFolderLock?

    /// Opens the folder's database: for writing (creating and migrating it if needed, under
    /// the folder lock), or read-only (no lock, so it works beside a running `serve`; SQLite's
    /// WAL mode lets a reader see the last committed state).
    ///
    /// - Throws: ``StorageError`` `folder-in-use`, `cannot-open` or `newer-schema`.
    init(folder: DataFolder, readOnly: Bool = false) throws(StorageError) {
        var lock: DataFolderLock?
        if readOnly {
            guard folder.exists else { throw StorageError(.cannotOpen, "no data in \(folder.url.path)") }
        } else {
            do {
                // Owner only: the folder holds every customer's contacts and the signing key.
                try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw StorageError(.cannotOpen, "cannot create the data folder \(folder.url.path): \(error.localizedDescription)")
            }
            lock = try DataFolderLock(folder: folder)
        }
        var configuration = Configuration()
        configuration.label = "geocontacts"
        configuration.readonly = readOnly
        configuration.prepareDatabase { db in
            if !readOnly { _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            queue = try DatabaseQueue(path: folder.databaseURL.path, configuration: configuration)
            let migrator = Schema.migrator
            if try queue.read({ try migrator.hasBeenSuperseded($0) }) {
                throw StorageError(.newerSchema,
                                   "\(folder.databaseURL.path) was written by a newer version of geocontacts")
            }
            if readOnly {
                guard try queue.read({ try migrator.hasCompletedMigrations($0) }) else {
                    throw StorageError(.cannotOpen, "\(folder.databaseURL.path) has an older schema; open it for writing once")
                }
            } else {
                try migrator.migrate(queue)
                folder.restrictFiles()
            }
        } catch let error as StorageError {
            lock?.release()
            throw error
        } catch {
            lock?.release()
            throw StorageError(.cannotOpen, "cannot open \(folder.databaseURL.path): \(error)")
        }
        self.folder = folder
        self.lock = lock
    }

    /// Writes many writes' changes in one transaction: all of them or none.
    func write(_ batch: [(customer: CustomerID, changes: [ContactChange])]) throws {
        try queue.write { db in
            for (customer, changes) in batch {
                try ContactRows.write(changes, customer: customer, in: db)
            }
        }
    }

    /// Every customer's stored data.
    ///
    /// A large file's contacts are read in two halves at once, on this connection and on a
    /// second, read-only one (the folder is locked or read-only, so both see the same state):
    /// decoding rows is most of the read, and it is CPU-bound.
    func loadAll(parallelAbove minimum: Int = parallelReadMinimum) throws -> [ContactRows.CustomerData] {
        let (count, middle) = try queue.read { db -> (Int, (Int64, Int64)?) in
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM contact") ?? 0
            guard count >= minimum else { return (count, nil) }
            let row = try Row.fetchOne(db, sql: "SELECT customer, id FROM contact ORDER BY customer, id LIMIT 1 OFFSET ?",
                                       arguments: [count / 2])
            return (count, row.map { ($0[0], $0[1]) })
        }
        guard count >= minimum, let middle else {
            return try queue.read { try ContactRows.loadAll(from: $0) }
        }
        var configuration = Configuration()
        configuration.readonly = true
        let second = try DatabaseQueue(path: folder.databaseURL.path, configuration: configuration)
        let upperHalf = Mutex<Result<[ContactRows.CustomerData], any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let result = Result {
                try second.read { try ContactRows.loadAll(from: $0, range: .init(lower: middle, upper: nil)) }
            }
            upperHalf.withLock { $0 = result }
            done.signal()
        }
        let lower = try queue.read { try ContactRows.loadAll(from: $0, range: .init(lower: nil, upper: middle)) }
        done.wait()
        guard let upper = try upperHalf.withLock({ $0 })?.get() else { return lower }
        // Both halves hold every customer's groups, definitions and sequence; the contacts
        // of a customer cut in two are the lower half's, then the upper half's.
        var merged = Dictionary(uniqueKeysWithValues: lower.map { ($0.customer, $0) })
        for part in upper {
            // Taken out first, so that the append does not copy the lower half (copy-on-write).
            if var whole = merged.removeValue(forKey: part.customer) {
                whole.records.append(contentsOf: part.records)
                merged[part.customer] = whole
            } else {
                merged[part.customer] = part
            }
        }
        return merged.keys.sorted().compactMap { merged[$0] }
    }

    /// The fewest contacts read in two halves at once.
    static let parallelReadMinimum = 100_000

    /// One customer's stored data.
    func load(_ customer: CustomerID) throws -> ContactRows.CustomerData {
        try queue.read { try ContactRows.loadAll(from: $0, only: customer) }.first ?? ContactRows.CustomerData(customer: customer)
    }

    /// The applied migrations, oldest first.
    func appliedMigrations() throws -> [String] {
        try queue.read { try Schema.migrator.appliedMigrations($0) }
    }

    /// Closes the database and releases the folder.
    func close() {
        try? queue.close()
        lock?.release()
    }
}
