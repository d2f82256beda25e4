import Foundation
package import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A log handler for the service: the same line format as swift-log's `StreamLogHandler`
/// (`<timestamp> <level> <label>: <key=value, sorted> [<source>] <message>`), written more
/// cheaply, since every request logs a line.
///
/// `StreamLogHandler` formats the local time with `localtime` (which checks the time-zone file
/// on every call) and writes each line with its own `fwrite` and `fflush`, a system call per
/// request. This one formats the timestamp once per second and appends the line to a
/// ``LogOutput`` buffer, written out in one system call at most every 20 ms (at once for
/// warnings and errors, when the buffer grows large, and at exit).
package struct BufferedLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    let label: String
    let output: LogOutput

    public init(label: String, output: LogOutput = .standardOutput, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // The handler's metadata, then the provider's, then the event's, later keys winning,
        // as StreamLogHandler merges them; kept as pairs (no merged dictionary per line).
        var pairs: [(key: String, value: Logger.MetadataValue)] = []
        let provided = metadataProvider?.get() ?? [:]
        let explicit = event.metadata ?? [:]
        var extra: Logger.Metadata = [:]
        if let error = event.error {
            extra["error.message"] = "\(error)"
            extra["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        pairs.reserveCapacity(metadata.count + provided.count + explicit.count + extra.count)
        for (key, value) in metadata where provided[key] == nil && explicit[key] == nil && extra[key] == nil {
            pairs.append((key, value))
        }
        for (key, value) in provided where explicit[key] == nil && extra[key] == nil { pairs.append((key, value)) }
        for (key, value) in explicit where extra[key] == nil { pairs.append((key, value)) }
        for (key, value) in extra { pairs.append((key, value)) }
        pairs.sort { $0.key < $1.key }
        var line = output.timestamp()
        line.reserveCapacity(256)
        line += " "
        line += event.level.rawValue
        if !label.isEmpty {
            line += " "
            line += label
        }
        line += ":"
        for (key, value) in pairs {
            line += " "
            line += key
            line += "="
            line += value.description
        }
        line += " ["
        line += event.source
        line += "] "
        line += event.message.description
        line += "\n"
        output.write(line, immediately: event.level >= .warning)
    }
}

/// A file descriptor with a buffer in front: lines are appended under a lock and written in
/// one `write` by a background thread every 20 ms (or by the caller when asked, or when the
/// buffer passes 64 KiB), and at process exit for standard output.
package final class LogOutput: Sendable {
    /// Standard output; flushed at exit.
    public static let standardOutput: LogOutput = {
        let output = LogOutput(fileDescriptor: 1)
        atexit { LogOutput.standardOutput.flush() }
        return output
    }()

    struct State {
        var buffer: [UInt8] = []
        var second = 0
        var timestamp = ""
    }

    static let flushThreshold = 64 * 1024
    static let flushInterval: UInt32 = 20_000  // microseconds
    let fileDescriptor: Int32
    private let state = Mutex(State())
    /// Held while writing, so that flushes from different threads keep the lines in order.
    private let writing = Mutex<[UInt8]>([])

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        state.withLock { $0.buffer.reserveCapacity(Self.flushThreshold) }
        let thread = Thread { [self] in
            while true {
                usleep(Self.flushInterval)
                flush()
            }
        }
        thread.start()
    }

    /// The local time as `StreamLogHandler` writes it (`%Y-%m-%dT%H:%M:%S%z`), formatted once per second.
    func timestamp() -> String {
        let now = time(nil)
        if let cached = state.withLock({ $0.second == now ? $0.timestamp : nil }) { return cached }
        var seconds = now
        var local = tm()
        var text = "<unknown>"
        if localtime_r(&seconds, &local) != nil {
            var buffer = [Int8](repeating: 0, count: 64)
            if strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local) > 0 {
                text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            }
        }
        state.withLock { state in
            state.second = now
            state.timestamp = text
        }
        return text
    }

    /// Appends `line`; writes the buffer out now when `immediately` or when it is large.
    public func write(_ line: String, immediately: Bool = false) {
        let full = state.withLock { state in
            state.buffer.append(contentsOf: line.utf8)
            return state.buffer.count >= Self.flushThreshold
        }
        if immediately || full { flush() }
    }

    /// Writes out everything buffered.
    public func flush() {
        writing.withLock { lines in
            state.withLock { swap(&$0.buffer, &lines) }
            guard !lines.isEmpty else { return }
            lines.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = writeToFile(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        break  // nowhere to write to: drop the lines rather than block the service
                    }
                }
            }
            lines.removeAll(keepingCapacity: true)
        }
    }
}

private func writeToFile(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
