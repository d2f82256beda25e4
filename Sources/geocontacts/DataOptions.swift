import ArgumentParser
import GeoContacts
import GeoContactsSQLite
import Geodesy

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
            return try ContactStorage.open(folder, journaling: journaling, normalizer: normalizer)
        } catch {
            throw CommandFailure(error.message)
        }
    }
}

/// `--customer N`: the tenant.
struct CustomerOption: ParsableArguments {
    @Option(help: "The customer (tenant) id.") var customer: Int64

    /// A caller acting for the customer with every scope (the command line is trusted).
    var caller: Caller { Caller(customer: CustomerID(customer), scopes: [.read, .write, .admin]) }
}
