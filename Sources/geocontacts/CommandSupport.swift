import ArgumentParser
import Foundation

/// How a command prints what it found: JSON (lines, or one document) or an aligned table.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case json, table
}

/// A command failure shown as one line on stderr (ArgumentParser prints `Error: ` and the
/// description, exit status 1); never a stack trace.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// The bytes of `path` (`-` for standard input).
func readFile(_ path: String) throws -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let data = FileManager.default.contents(atPath: path) else {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            throw CommandFailure(isDirectory.boolValue ? "\(path) is a folder, not a file" : "cannot read \(path)")
        }
        throw CommandFailure("no such file: \(path)")
    }
    return Array(data)
}

/// Buffered standard output (print() per line is slow for large outputs).
struct StandardOutput {
    private var buffer: [UInt8] = []

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Whether standard error is a terminal (progress bars only then).
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

/// Writes one line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
