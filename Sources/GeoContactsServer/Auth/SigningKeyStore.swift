#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

import Foundation
#if canImport(CoreFoundation)
import CoreFoundation  // `stat`'s members, as Foundation re-exports them
#endif

/// Where the token signing key comes from: `GEOCONTACTS_JWT_KEY` in the environment, or
/// `jwt-signing-key` in the data folder, created on first use with mode 0600 (owner only)
/// holding 32 random bytes, base64: written to a temporary file, fsynced, then linked into
/// place (never replacing a key another process created meanwhile) and the folder fsynced.
/// The folder is created with mode 0700.
package enum SigningKeyStore {
    /// The environment variable that, when set, holds the key (at least 32 characters).
    public static let environmentVariable = "GEOCONTACTS_JWT_KEY"
    /// The key file's name inside the data folder.
    public static let fileName = "jwt-signing-key"

    /// Why no key could be had.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The key, and where it came from (for a log line; never the key itself).
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            dataDirectory: String) throws -> (key: [UInt8], source: String) {
        if let value = environment[environmentVariable], !value.isEmpty {
            guard value.utf8.count >= 32 else {
                throw Failure(description: "\(environmentVariable) must hold at least 32 characters")
            }
            return (Array(value.utf8), "environment \(environmentVariable)")
        }
        let path = dataDirectory + "/" + fileName
        try createFolder(dataDirectory)
        // A loop with a bound, not recursion: a path that exists but cannot be read as a key
        // (a directory, a dangling link) is an error, and losing a creation race twice is too.
        for _ in 0..<3 {
            if let existing = try readExisting(path) { return (existing, path) }
            if let created = try create(path, in: dataDirectory) { return (created, path + " (created)") }
        }
        throw Failure(description: "\(path): could neither read nor create the key")
    }

    /// Creates the data folder (and missing parents) with mode 0700.
    static func createFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "cannot create the data folder \(path): \(error.localizedDescription)")
        }
    }

    /// The key in the file at `path`; nil when nothing is there.
    static func readExisting(_ path: String) throws -> [UInt8]? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = errno
            var link = stat()
            if error == ENOENT, lstat(path, &link) == 0 {
                throw Failure(description: "\(path) is a symbolic link to nothing; remove it or point it at the key file")
            }
            if error == ENOENT { return nil }
            throw Failure(description: "cannot read \(path): \(String(cString: strerror(error)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw Failure(description: "\(path) is not a regular file; remove it or replace it with the key file")
        }
        let mode = Int(info.st_mode & 0o777)
        if mode & 0o077 != 0 {
            throw Failure(description: "\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard let existing = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "cannot read \(path)")
        }
        let text = String(decoding: existing, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count >= 32 else { throw Failure(description: "\(path) holds fewer than 32 characters") }
        return Array(text.utf8)
    }

    /// Writes a new key to a temporary file (mode 0600), fsyncs it, links it to `path` (which
    /// never replaces a key another process put there meanwhile: nil then), and fsyncs the folder.
    static func create(_ path: String, in folder: String) throws -> [UInt8]? {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let text = Data(bytes).base64EncodedString() + "\n"
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: .min ... .max, using: &random))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        defer { unlink(temporary) }
        let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == text.utf8.count, synced else { throw Failure(description: "cannot write \(temporary)") }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return nil }
            throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY)
        if directory >= 0 {
            defer { close(directory) }
            guard fsync(directory) == 0 else { throw Failure(description: "cannot sync the folder \(folder)") }
        }
        return Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
    }
}
