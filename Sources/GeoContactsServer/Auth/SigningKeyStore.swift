#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Where the token signing key comes from: `GEOCONTACTS_JWT_KEY` in the environment, or
/// `jwt-signing-key` in the data folder, created on first use with mode 0600 (owner only)
/// holding 32 random bytes, base64.
public enum SigningKeyStore {
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
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        if let existing = FileManager.default.contents(atPath: path) {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw Failure(description: "\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
            }
            let text = String(decoding: existing, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.utf8.count >= 32 else { throw Failure(description: "\(path) holds fewer than 32 characters") }
            return (Array(text.utf8), path)
        }
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let text = Data(bytes).base64EncodedString() + "\n"
        // O_EXCL: never overwrite a key another process created meanwhile; mode 0600 from the start.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0 {
            if errno == EEXIST { return try load(environment: environment, dataDirectory: dataDirectory) }
            throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        guard written == text.utf8.count else { throw Failure(description: "cannot write \(path)") }
        return (Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8), path + " (created)")
    }
}
