@testable import GeoContactsServer
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The service's log lines keep `StreamLogHandler`'s format.
@Suite("Buffered log handler") struct BufferedLogHandlerTests {
    @Test func linesHaveStreamLogHandlersFormat() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let output = LogOutput(fileDescriptor: fds[1])
        var logger = Logger(label: "geocontacts", factory: { BufferedLogHandler(label: $0, output: output) })
        logger[metadataKey: "hb.request.id"] = "abc"
        logger[metadataKey: "status"] = "overridden by the line's own"
        logger.info("request", metadata: ["status": "201", "method": "POST", "ms": "1.5"])
        logger.debug("not written")
        logger.warning("careful")
        output.flush()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(fds[0], &buffer, buffer.count)
        let text = String(decoding: buffer[0..<max(count, 0)], as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        try #require(lines.count == 2)
        // <timestamp> <level> <label>: <sorted key=value> [<source>] <message>
        let timestamp = String(lines[0].prefix(while: { $0 != " " }))
        #expect(timestamp.count == 24 && timestamp.contains("T"))
        #expect(lines[0].dropFirst(timestamp.count) == " info geocontacts: hb.request.id=abc method=POST ms=1.5 status=201 [GeoContactsServerTests] request")
        #expect(lines[1].hasSuffix(" warning geocontacts: hb.request.id=abc status=overridden by the line's own [GeoContactsServerTests] careful"))
    }
}
