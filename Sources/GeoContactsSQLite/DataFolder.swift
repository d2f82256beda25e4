#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation

/// Where a data folder is and how it is held: one SQLite file (`geocontacts.sqlite`, WAL
/// mode) and a lock file, so that two processes (a running `serve` and an `import`) never
/// write the same folder.
///
/// The folder is chosen the same way by every command: `--data DIR`, else the `DATA_DIR`
/// environment variable, else `./data`.
public struct DataFolder: Hashable, Sendable {
    /// The environment variable that names the data folder when `--data` is not given.
    public static let environmentVariable = "DATA_DIR"
    /// The folder used when neither `--data` nor `DATA_DIR` is given.
    public static let defaultPath = "data"
    /// The database file's name inside the folder.
    public static let databaseName = "geocontacts.sqlite"

    /// The folder.
    public var url: URL

    public init(url: URL) { self.url = url }

    /// The folder named by `option` (`--data`), else by `DATA_DIR`, else `./data`.
    public static func resolve(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> DataFolder
    {
        let path = option ?? environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath
        return DataFolder(url: URL(fileURLWithPath: path, isDirectory: true))
    }

    /// The SQLite file.
    public var databaseURL: URL { url.appendingPathComponent(Self.databaseName) }

    /// Whether the folder holds a database already.
    public var exists: Bool { FileManager.default.fileExists(atPath: databaseURL.path) }

    /// Makes the files this store writes owner-only (the database, its WAL and shared-memory
    /// files, the lock): SQLite creates them with the process's umask, and a folder made by
    /// someone else may be wider than the 0700 of one it creates. The folder itself is left as
    /// it is (it may be the user's own directory). SQLite gives a new WAL file the database's
    /// mode, so they stay owner-only.
    func restrictFiles() {
        for name in [Self.databaseName, Self.databaseName + "-wal", Self.databaseName + "-shm", ".lock"] {
            let path = url.appendingPathComponent(name).path
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { continue }
            _ = chmod(path, info.st_mode & 0o700)
        }
    }
}

/// An exclusive advisory lock (`flock`) on a data folder's lock file, held until `release()`
/// or the process ends (the kernel drops it even on SIGKILL).
final class DataFolderLock: @unchecked Sendable {  // the descriptor is only closed once, under `lock`
    private let lock = NSLock()
    private var descriptor: Int32

    init(folder: DataFolder) throws(StorageError) {
        let path = folder.url.appendingPathComponent(".lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StorageError(.cannotOpen, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StorageError(.folderInUse, "the data folder \(folder.url.path) is in use by another process")
        }
        descriptor = fd
    }

    func release() {
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
