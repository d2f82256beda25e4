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
}

/// An exclusive advisory lock (`flock`) on a data folder's lock file, held until `release()`
/// or the process ends (the kernel drops it even on SIGKILL).
final class DataFolderLock: @unchecked Sendable {  // the descriptor is only closed once, under `lock`
    private let lock = NSLock()
    private var descriptor: Int32

    init(folder: DataFolder) throws(StorageError) {
        let path = folder.url.appendingPathComponent(".lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
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
