import Foundation
import GRDB
import GeoContacts

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
    func loadAll() throws -> [ContactRows.CustomerData] {
        try queue.read { try ContactRows.loadAll(from: $0) }
    }

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
