import ArgumentParser
import CMalloc
import Foundation
import GeoContacts
import GeoContactsPostgres
import GeoContactsSQLite
import Geodesy
import Logging

/// `--data DIR` (else `DATA_DIR`, else `./data`), shared by every command that opens a data folder.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "The data folder (default: $DATA_DIR, else ./data).")
    var path: String?

    var folder: DataFolder { DataFolder.resolve(option: path) }

    /// Opens the folder; a storage error becomes one line on stderr.
    func open(journaling: ContactStorage.Journaling = .durable, mustExist: Bool = false,
              normalizer: SharedCoordinateNormalizer = SharedCoordinateNormalizer()) throws -> ContactStorage {
        let folder = self.folder
        if mustExist && !folder.exists {
            throw CommandFailure("no data in \(folder.url.path) (use --data DIR or DATA_DIR)")
        }
        do {
            defer { releaseFreedMemory() }
            return try ContactStorage.open(folder, journaling: journaling, normalizer: normalizer)
        } catch {
            throw CommandFailure(error.message)
        }
    }
}

/// Hands the heap that a restore freed (the rows read, the build's temporaries) back to the
/// kernel: glibc keeps freed memory mapped for reuse, and after a restart that is as much as a
/// third of the process's resident size, which nothing will reuse soon.
func releaseFreedMemory() {
    #if canImport(Glibc)
    malloc_trim(0)
    #endif
}

/// `--customer N`: the tenant.
struct CustomerOption: ParsableArguments {
    @Option(help: "The customer (tenant) id.") var customer: Int64

    /// A caller acting for the customer with every scope (the command line is trusted).
    var caller: Caller { Caller(customer: CustomerID(customer), scopes: [.read, .write, .admin]) }
}

/// `--postgres URL` (else `GEOCONTACTS_POSTGRES_URL`): PostgreSQL + PostGIS as the store
/// instead of the data folder's SQLite file.
struct PostgresOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Use PostgreSQL + PostGIS as the store instead of the data folder's SQLite file (env GEOCONTACTS_POSTGRES_URL).",
        valueName: "postgres://user@host:port/database"))
    var postgres: String?

    /// The URL given, if any.
    var url: String? {
        postgres ?? ProcessInfo.processInfo.environment["GEOCONTACTS_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Opens the database as a replica (only `customers` when given); an error becomes one line on stderr.
    func open(_ url: String, customers: Set<CustomerID>? = nil,
              normalizer: SharedCoordinateNormalizer = SharedCoordinateNormalizer(),
              logger: Logger = Logger(label: "geocontacts.postgres")) async throws -> PostgresContactStorage {
        do {
            defer { releaseFreedMemory() }
            return try await PostgresContactStorage.open(url: url, normalizer: normalizer, customers: customers, logger: logger)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
