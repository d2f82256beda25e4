import Foundation
import GeoContacts
import Logging
import PostgresNIO
import Synchronization

/// Keeps one replica's directory up to date with what the other replicas commit.
///
/// `NOTIFY` is only a wake-up hint (it is lost while disconnected and never replayed): the
/// customers' versions in `customer_versions` are the truth. On every (re)connection — once
/// `LISTEN` is active, so that nothing committed after the comparison goes unnoticed —, on
/// every hint naming a version this replica has not applied, and every `pollInterval`, the
/// replicator compares versions and has the directory catch up each customer that is behind
/// (``ContactDirectory/catchUp(_:rebuilding:)``, in turn with its writes). A changed database
/// epoch (the database was replaced) makes it rebuild every customer from the database.
final class PostgresReplicator: Sendable {
    static let channel = "geocontacts_changes"

    private let client: PostgresClient
    private let directory: ContactDirectory
    private let journal: PostgresJournal
    private let logger: Logger
    private let pollInterval: Duration
    private let epoch: Mutex<UUID>
    /// The customers this replica follows (`nil`: every one).
    private let followed: Set<CustomerID>?

    init(client: PostgresClient, directory: ContactDirectory, journal: PostgresJournal, epoch: UUID,
         pollInterval: Duration, following followed: Set<CustomerID>?, logger: Logger) {
        self.followed = followed
        self.client = client
        self.directory = directory
        self.journal = journal
        self.epoch = Mutex(epoch)
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// The epoch of the database this replica's state comes from.
    var currentEpoch: UUID { epoch.withLock { $0 } }

    /// Listens, polls and catches up until cancelled; reconnects after a lost connection.
    func run() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    // Named, so that operators (and tests) can tell it apart in pg_stat_activity.
                    try await connection.query("SET application_name = 'geocontacts-replicator'", logger: logger)
                    try await connection.listen(on: Self.channel) { notifications in
                        // A failed synchronization is reported and the next poll tries again,
                        // listening meanwhile: only a lost connection ends the lease (a live one
                        // must not go back to the pool under the replicator's name, by which
                        // operators, and tests, terminate its connections).
                        await self.synchronizeOrReport("replication")
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask {
                                while true {
                                    try await Task.sleep(for: self.pollInterval)
                                    await self.synchronizeOrReport("replication poll")
                                }
                            }
                            for try await notification in notifications {
                                await self.hint(notification.payload)
                            }
                            group.cancelAll()
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                journal.failed(PostgresStorageError(.readFailed, "replication: \(String(reflecting: error))"))
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// ``synchronize()``; a failure is logged and shown in the journal's health.
    private func synchronizeOrReport(_ context: String) async {
        do {
            try await synchronize()
        } catch {
            journal.failed(PostgresStorageError(.readFailed, "\(context): \(String(reflecting: error))"))
        }
    }

    /// A `NOTIFY` payload `customer:version`: catches that customer up when it is behind.
    private func hint(_ payload: String) async {
        let parts = payload.split(separator: ":")
        guard parts.count == 2, let c = Int64(parts[0]), let version = Int64(parts[1]) else { return }
        let customer = CustomerID(c)
        guard followed?.contains(customer) ?? true, version > directory.snapshot(of: customer).version else { return }
        do {
            try await directory.catchUp(customer)
        } catch {
            logger.warning("catching up failed", metadata: ["customer": "\(c)", "error": "\(error.detail)"])
        }
    }

    /// Compares the epoch and every customer's version with the database and catches up
    /// (or rebuilds) what is behind.
    func synchronize() async throws {
        // Watched like the journal's own reads: a check that never returns stops replication.
        let (stored, allVersions) = try await journal.watching(.versionCheck) {
            var stored: UUID?
            for try await e in try await client.query("SELECT epoch FROM database_epoch", logger: logger).decode(UUID.self) {
                stored = e
            }
            return (stored, try await PostgresRows.versions(client, logger: logger))
        }
        guard let stored else { throw PostgresStorageError(.corrupt, "database_epoch has no row") }
        let versions = allVersions.filter { followed?.contains($0.key) ?? true }
        if stored != currentEpoch {
            logger.warning("the database was replaced: rebuilding every customer", metadata: ["epoch": "\(stored)"])
            for customer in Set(directory.customers).union(versions.keys).sorted() {
                try await directory.catchUp(customer, rebuilding: true)
            }
            epoch.withLock { $0 = stored }
            journal.succeeded()
            return
        }
        for (customer, version) in versions.sorted(by: { $0.key < $1.key })
            where version > directory.snapshot(of: customer).version {
            try await directory.catchUp(customer)
        }
        journal.succeeded()
    }
}
