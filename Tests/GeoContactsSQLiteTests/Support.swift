import Foundation
@testable import GeoContacts
import GeoContactsSQLite
import Geodesy
import HashTreeCollections

enum Support {
    static let everything: Set<Scope> = [.read, .write, .admin]
    static func caller(_ customer: Int64) -> Caller { Caller(customer: CustomerID(customer), scopes: everything) }

    /// A fresh, empty folder under the temporary directory.
    static func temporaryFolder(_ name: String = #function) -> DataFolder {
        let clean = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("geocontacts-tests-\(clean)-\(UUID().uuidString)", isDirectory: true)
        return DataFolder(url: url)
    }

    static func remove(_ folder: DataFolder) { try? FileManager.default.removeItem(at: folder.url) }

    /// The built `geocontacts` binary, beside the test bundle.
    static var binary: URL {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = me.deletingLastPathComponent()
        // The test binary may sit inside `X.xctest/` on some layouts.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("geocontacts").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("geocontacts")
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var path: String
        var description: String { "the geocontacts binary is not at \(path): build it (swift build) before the CLI tests" }
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `geocontacts` with `arguments` and waits for it.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Output {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw MissingBinary(path: binary.path)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("geocontacts-run-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Every contact of a snapshot, ascending by id.
    static func allContacts(_ snapshot: CustomerSnapshot) -> [Contact] {
        snapshot.contacts.values.sorted { $0.id < $1.id }
    }
}
