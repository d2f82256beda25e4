public import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The built `geocontacts` executable, for the tests that run it as a user would (the CLI
/// tests, the crash and replica tests): where it is, and a way to run it to completion.
public enum CommandLineTool {
    /// What a finished run printed, and how it ended.
    public struct Output: Sendable {
        /// The exit code, or 128 + the number of the signal that ended the process.
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

    /// Runs `geocontacts` with `arguments` (standard input empty; `environment` replaces the
    /// test's own when given) and waits for it, collecting what it prints (swift-subprocess).
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String]? = nil) async throws -> Output {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw MissingBinary(path: binary.path)
        }
        var variables = Environment.inherit
        if let environment {
            variables = .custom(Dictionary(uniqueKeysWithValues: environment.compactMap { name, value in
                Environment.Key(rawValue: name).map { ($0, value) }
            }))
        }
        let limit = 64 << 20  // bytes per stream; more fails the run (outputLimitExceeded)
        let result = try await Subprocess.run(
            .path(FilePath(binary.path)), arguments: Arguments(arguments), environment: variables,
            input: .none, output: .string(limit: limit), error: .string(limit: limit))
        let status: Int32 = switch result.terminationStatus {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal  // as a shell reports it
        }
        return Output(status: status, stdout: result.standardOutput, stderr: result.standardError)
    }
}
