public import Foundation

/// The built `geocontacts` executable, for the tests that run it as a user would (the CLI
/// tests, the crash and replica tests): where it is, and a way to run it to completion.
public enum CommandLineTool {
    /// What a finished run printed, and how it ended.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The binary was not built.
    public struct MissingBinary: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "the geocontacts binary is not at \(path): build it (swift build) before the CLI tests" }
    }

    /// The built `geocontacts` binary, beside the test bundle.
    public static var binary: URL {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = me.deletingLastPathComponent()
        // The test binary may sit inside `X.xctest/` on some layouts.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("geocontacts").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("geocontacts")
    }

    /// A fresh path under the temporary directory, not created yet, named after `name` (a test).
    public static func temporaryURL(_ name: String) -> URL {
        let clean = name.filter { $0.isLetter || $0.isNumber }
        return FileManager.default.temporaryDirectory
            .appendingPathComponent("geocontacts-tests-\(clean)-\(UUID().uuidString)", isDirectory: true)
    }

    /// Runs `geocontacts` with `arguments` (standard input empty) and waits for it.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Output {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw MissingBinary(path: binary.path)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        // Files, not pipes: a child that prints more than a pipe holds cannot block on it.
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
}
