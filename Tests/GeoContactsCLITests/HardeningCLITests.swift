import Foundation
import FoundationNetworking
import Glibc
import GeoContactsTestSupport
import Testing
@testable import GeoContacts
import GeoContactsSQLite
@testable import GeoContactsInterchange

/// Inputs that once killed the process (issue 17): each must be a one-line error or a
/// rejected row, and the process must end by itself with status 0 or 1.
@Suite("Command line: hostile inputs", .tags(.slow))
struct HardeningCLITests {
    typealias Workspace = CLITests.Workspace

    @Test("ids at the top of Int64 in an import are refused or exhausted, never a trap")
    func importIDsNearTheTop() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let csv = try ws.file("top.csv", """
            id,lat,lon,name,groupId
            9223372036854775807,1,2,Max,1
            9223372036854775806,1,2,Below max,1
            ,1,2,No id,1

            """)
        let first = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", csv])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stderr.contains("line 2: id: must be between 1 and 9223372036854775806"), "\(first.stderr)")
        #expect(!first.stderr.contains("Fatal error"), "\(first.stderr)")
        let ids = Support.allContacts(try ws.snapshot()).map(\.id.rawValue)
        #expect(ids.contains(Int64.max - 1))
        #expect(!ids.contains(Int64.max))

        let more = try ws.file("more.csv", "lat,lon,name,groupId\n1,2,After,1\n")
        let second = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", more])
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("id"), "\(second.stderr)")
        #expect(!second.stderr.contains("Fatal error"), "\(second.stderr)")
        #expect(Support.allContacts(try ws.snapshot()).map(\.id.rawValue).sorted() == ids.sorted())
    }

    @Test("define-group --id Int64.max is stored without a trap (the next POST is a 409: IDExhaustionTests)")
    func defineGroupAtTheTop() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let top = try await CommandLineTool.run(["define-group", "--data", ws.data, "--customer", "1", "--id", "\(Int64.max)", "--name", "Top"])
        #expect(top.status == 0, "\(top.stderr)")
        #expect(try ws.snapshot().groups.map(\.id.rawValue).contains(Int64.max))
    }

    @Test("a jwt-signing-key that is a directory or a dangling link: token and serve print one line and exit 1",
          arguments: ["directory", "dangling"])
    func signingKeyThatIsNoFile(_ kind: String) async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let key = ws.data + "/jwt-signing-key"
        if kind == "directory" {
            try FileManager.default.createDirectory(atPath: key, withIntermediateDirectories: true)
        } else {
            try FileManager.default.createSymbolicLink(atPath: key, withDestinationPath: ws.data + "/missing")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["GEOCONTACTS_JWT_KEY"] = nil
        let token = try await CommandLineTool.run(["token", "--data", ws.data, "--customer", "1"], environment: environment)
        #expect(token.status == 1, "\(token.stderr)")
        #expect(token.stdout.isEmpty)
        #expect(token.stderr.split(separator: "\n").count == 1, "\(token.stderr)")
        #expect(token.stderr.contains("jwt-signing-key"), "\(token.stderr)")

        let serve = try await CommandLineTool.run(["serve", "--data", ws.data, "--port", "0", "--no-sample-data"], environment: environment)
        #expect(serve.status == 1, "\(serve.stderr)")
        #expect(serve.stderr.contains("jwt-signing-key"), "\(serve.stderr)")
    }

    @Test("serve refuses a body limit that is not positive", arguments: ["0", "-1"])
    func maxBodySizeMustBePositive(_ size: String) async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let serve = try await CommandLineTool.run(["serve", "--data", ws.data, "--port", "0", "--in-memory", "--max-body-size=\(size)"])
        #expect(serve.status != 0, "\(serve.stderr)")
        #expect(serve.stderr.contains("--max-body-size must be a positive number"), "\(serve.stderr)")
    }

    @Test("the files a data folder's store writes are owner-only, even in a folder made wider by someone else")
    func storeFilesAreOwnerOnly() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        try FileManager.default.createDirectory(atPath: ws.data, withIntermediateDirectories: true)
        _ = chmod(ws.data, 0o755)
        _ = try await CLITests.expectSuccess(["define-group", "--data", ws.data, "--customer", "1", "--id", "1", "--name", "Sites"])
        let database = ws.data + "/geocontacts.sqlite"
        _ = chmod(database, 0o644)
        _ = try await CLITests.expectSuccess(["define-group", "--data", ws.data, "--customer", "1", "--id", "2", "--name", "Depots"])
        for name in ["geocontacts.sqlite", ".lock"] {
            var info = stat()
            try #require(stat(ws.data + "/" + name, &info) == 0, "\(name)")
            #expect(info.st_mode & 0o077 == 0, "\(name): mode \(String(info.st_mode & 0o777, radix: 8))")
        }
    }

    @Test("serve --allow-crs takes EPSG codes PROJ knows, else it does not start",
          arguments: ["+proj=tmerc +lon_0=3", "EPSG:999999", ""])
    func allowCRSIsChecked(_ code: String) async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let serve = try await CommandLineTool.run(["serve", "--data", ws.data, "--port", "0", "--in-memory", "--allow-crs", code])
        #expect(serve.status != 0, "\(serve.stderr)")
        #expect(serve.stderr.contains("--allow-crs"), "\(serve.stderr)")
    }

    /// Runs `serve` on a free port until /health answers, stops it, and returns its standard output.
    static func serveOutput(_ ws: Workspace, _ extra: [String]) async throws -> String {
        try await withServer(ws, extra) { _ in
            try await Task.sleep(for: .milliseconds(300))  // the banner is printed once the server runs
        }.output
    }

    /// Runs `serve` on a free port until /health answers, then `body` with the port; stops it
    /// and returns `body`'s result and the server's standard output.
    static func withServer<T>(_ ws: Workspace, _ extra: [String], _ body: (Int) async throws -> T) async throws
        -> (result: T, output: String)
    {
        // The server is ours once it prints its banner: it prints it after binding, and a port
        // cannot be bound twice. (Polling /health could reach another test's server that took
        // the same free port first; ours then exits, and we try another port.)
        for attempt in 1...3 {
            let port = try ServerImportTests.freePort()
            let outURL = ws.root.appendingPathComponent("serve-\(port).out")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)  // opening it below fails if this did
            let server = Process()
            server.executableURL = CommandLineTool.binary
            server.arguments = ["serve", "--data", ws.data, "--port", "\(port)"] + extra
            server.standardOutput = try FileHandle(forWritingTo: outURL)
            server.standardError = FileHandle.nullDevice
            try server.run()
            defer {
                if server.isRunning { server.terminate() }
                server.waitUntilExit()
            }
            var up = false
            for _ in 0..<600 where !up && server.isRunning {
                if (try? String(contentsOf: outURL, encoding: .utf8))?.contains("is listening on") == true {
                    up = true
                } else {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            if !up && attempt < 3 { continue }
            try #require(up, "the service did not start")
            let result = try await body(port)
            if server.isRunning { server.terminate() }
            server.waitUntilExit()
            return (result, try String(contentsOf: outURL, encoding: .utf8))
        }
        throw CancellationError()  // not reached: the last attempt returns or fails the #require
    }

    @Test("a request trickled a byte at a time is cut off at --request-timeout; the service goes on")
    func trickledRequestsAreCutOff() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        _ = try await Self.withServer(ws, ["--in-memory", "--no-sample-data", "--request-timeout", "1"]) { port in
            let fd = try Self.connectLoopback(port: port)
            defer { close(fd) }
            let head = "POST /v1/contacts HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            #expect(send(fd, head, head.utf8.count, Int32(MSG_NOSIGNAL)) == head.utf8.count)
            let clock = ContinuousClock()
            let start = clock.now
            var cutOff: Duration?
            // A byte every 100 ms: well within the 30 s idle timeout, so only the request
            // deadline can end it (without it, nothing would for as long as bytes come). The
            // upper bound is loose: under the whole suite's load the server's loop runs late.
            while cutOff == nil, clock.now - start < .seconds(25) {
                try await Task.sleep(for: .milliseconds(100))
                if send(fd, "{", 1, Int32(MSG_NOSIGNAL)) < 0 { cutOff = clock.now - start }
            }
            let elapsed = try #require(cutOff, "the trickled request was not cut off within 25 s")
            #expect(elapsed >= .milliseconds(900), "\(elapsed)")
            let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
        }
    }

    @Test("serve prints a token only for sample data just loaded, or with --print-token")
    func tokenOnlyWhenAskedOrFreshSample() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let plain = try await Self.serveOutput(ws, ["--no-sample-data"])
        #expect(plain.contains("GeoContacts is listening"), "\(plain)")
        #expect(!plain.contains("eyJ"), "a token was printed: \(plain)")
        #expect(plain.contains("geocontacts token"))
        let asked = try await Self.serveOutput(ws, ["--no-sample-data", "--print-token"])
        #expect(asked.contains("eyJ"), "\(asked)")
        // Existing data (the workspace's groups): no sample data is loaded, so no token.
        let existing = try await Self.serveOutput(ws, [])
        #expect(!existing.contains("eyJ"), "\(existing)")
    }

    @Test("CSV export guards text that a spreadsheet would run as a formula; import undoes it exactly")
    func csvFormulaInjection() async throws {
        let ws = try await Workspace(customers: [1, 2])
        defer { ws.remove() }
        let names = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTab", "'t Hooft", "'=quoted", "''", "'", "plain", "a=b"]
        let ndjson = names.map { #"{"name":\#(JSONWriter.quoted($0)),"groupId":1,"street":\#(JSONWriter.quoted($0)),"location":{"latitude":1,"longitude":2}}"# }
            .joined(separator: "\n") + "\n"
        try await CLITests.expectSuccess(["import", "--data", ws.data, "--customer", "1", try ws.file("names.ndjson", ndjson)])
        let csv = try await CLITests.expectSuccess(["export", "--data", ws.data, "--customer", "1", "--format", "csv"]).stdout
        var reader = CSVReader(bytes: Array(csv.utf8))
        let first = reader.next()
        let header = try #require(first).fields.map { String(decoding: $0, as: UTF8.self) }
        let textColumns = header.indices.filter { ["name", "street", "reference", "town", "country", "postalCode", "extraInformation"].contains(header[$0]) }
        var rows = 0
        while let record = reader.next() {
            if record.isBlank { continue }
            rows += 1
            for i in textColumns {
                let cell = String(decoding: record.fields[i], as: UTF8.self)
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains(cell.first.map(String.init) ?? ""), "cell \(cell)")
            }
        }
        #expect(rows == names.count)
        try await CLITests.expectSuccess(["import", "--data", ws.data, "--customer", "2", try ws.file("back.csv", csv)])
        let back = Support.allContacts(try ws.snapshot(2))
        #expect(back.map(\.name).sorted() == names.sorted())
        #expect(back.map { $0.street ?? "" }.sorted() == names.sorted())
    }

    @Test("a duplicate \"id\" member refuses the line or feature instead of keeping the last")
    func duplicateIDMembers() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let ndjson = try ws.file("dup.ndjson", """
            {"id":5,"name":"A","groupId":1,"location":{"latitude":1,"longitude":2},"id":6}
            {"id":7,"name":"B","groupId":1,"location":{"latitude":1,"longitude":2}}

            """)
        let lines = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", ndjson])
        #expect(lines.status == 1)
        #expect(lines.stderr == "line 1: id: appears more than once\n", "\(lines.stderr)")
        let geojson = try ws.file("dup.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","id":8,"id":9,"geometry":{"type":"Point","coordinates":[2,1]},"properties":{"name":"C","groupId":1}}
            ]}
            """)
        let features = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", geojson])
        #expect(features.status == 1)
        #expect(features.stderr.contains("id: appears more than once"), "\(features.stderr)")
        #expect(Support.allContacts(try ws.snapshot()).map(\.id.rawValue) == [7])
    }

    @Test("new ids of an import count from the stored high-water mark, not the largest id left")
    func importIDsFollowTheHighWaterMark() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let rows = try ws.file("rows.csv", "lat,lon,name,groupId\n1,2,A,1\n1,2,B,1\n1,2,C,1\n")
        try await CLITests.expectSuccess(["import", "--data", ws.data, "--customer", "1", rows])
        let highest = try #require(Support.allContacts(try ws.snapshot()).map(\.id).max())
        let storage = try ContactStorage.open(DataFolder(url: URL(fileURLWithPath: ws.data)))
        _ = try await storage.directory.remove(highest, children: .reject, as: Support.caller(1))
        storage.close()
        let more = try ws.file("more.csv", "lat,lon,name,groupId\n1,2,D,1\n")
        try await CLITests.expectSuccess(["import", "--data", ws.data, "--customer", "1", more])
        let ids = Support.allContacts(try ws.snapshot()).map(\.id)
        #expect(!ids.contains(highest))
        #expect(ids.allSatisfy { $0 != highest } && ids.max().map { $0 > highest } == true, "\(ids) after removing \(highest)")
    }

    /// A TCP socket connected to 127.0.0.1:`port` (the caller closes it).
    static func connectLoopback(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if !connected { close(fd) }
        try #require(connected)
        return fd
    }

    /// Connects to 127.0.0.1:`port`, sends `bytes`, and returns how long until the server closes
    /// the connection (nil if it stays open longer than `limit` seconds).
    static func secondsUntilClosed(port: Int, sending bytes: String, limit: Double) throws -> Double? {
        let fd = try connectLoopback(port: port)
        defer { close(fd) }
        if !bytes.isEmpty { _ = bytes.withCString { send(fd, $0, strlen($0), 0) } }
        var timeout = timeval(tv_sec: Int(limit), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let start = Date()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return Date().timeIntervalSince(start) }  // closed by the server
            if n < 0 { return errno == EAGAIN || errno == EWOULDBLOCK ? nil : Date().timeIntervalSince(start) }
        }
    }

    @Test("idle connections and requests stalled mid-head are closed after --idle-timeout")
    func idleConnectionsAreClosed() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        _ = try await Self.withServer(ws, ["--no-sample-data", "--idle-timeout", "1"]) { port in
            for (name, bytes) in [("idle", ""), ("mid-head", "GET /health HTTP/1.1\r\nHost: x\r\n"),
                                  ("after a response", "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")] {
                let closedAfter = try Self.secondsUntilClosed(port: port, sending: bytes, limit: 10)
                #expect(closedAfter != nil, "\(name): still open after 10 s")
                if let closedAfter { #expect(closedAfter < 5, "\(name): closed after \(closedAfter) s") }
            }
            // The service is still up after closing them.
            let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
        }
    }
}
