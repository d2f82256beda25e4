import Foundation
import FoundationNetworking
import Testing
@testable import GeoContacts
import GeoContactsSQLite

/// Inputs that once killed the process (issue 17): each must be a one-line error or a
/// rejected row, and the process must end by itself with status 0 or 1.
@Suite("Command line: hostile inputs")
struct HardeningCLITests {
    typealias Workspace = CLITests.Workspace

    @Test("ids at the top of Int64 in an import are refused or exhausted, never a trap")
    func importIDsNearTheTop() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let csv = try ws.file("top.csv", """
            id,lat,lon,name,groupId
            9223372036854775807,1,2,Max,1
            9223372036854775806,1,2,Below max,1
            ,1,2,No id,1

            """)
        let first = try Support.run(["import", "--data", ws.data, "--customer", "1", csv])
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stderr.contains("line 2: id: must be between 1 and 9223372036854775806"), "\(first.stderr)")
        #expect(!first.stderr.contains("Fatal error"), "\(first.stderr)")
        let ids = Support.allContacts(try ws.snapshot()).map(\.id.rawValue)
        #expect(ids.contains(Int64.max - 1))
        #expect(!ids.contains(Int64.max))

        let more = try ws.file("more.csv", "lat,lon,name,groupId\n1,2,After,1\n")
        let second = try Support.run(["import", "--data", ws.data, "--customer", "1", more])
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("id"), "\(second.stderr)")
        #expect(!second.stderr.contains("Fatal error"), "\(second.stderr)")
        #expect(Support.allContacts(try ws.snapshot()).map(\.id.rawValue).sorted() == ids.sorted())
    }

    @Test("define-group at Int64.max then another group through the library: the id is still refused cleanly")
    func defineGroupAtTheTop() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let top = try Support.run(["define-group", "--data", ws.data, "--customer", "1", "--id", "\(Int64.max)", "--name", "Top"])
        #expect(top.status == 0, "\(top.stderr)")
        #expect(try ws.snapshot().groups.map(\.id.rawValue).contains(Int64.max))
    }

    @Test("a jwt-signing-key that is a directory or a dangling link: token and serve print one line and exit 1",
          arguments: ["directory", "dangling"])
    func signingKeyThatIsNoFile(_ kind: String) throws {
        let ws = try Workspace()
        defer { ws.remove() }
        let key = ws.data + "/jwt-signing-key"
        if kind == "directory" {
            try FileManager.default.createDirectory(atPath: key, withIntermediateDirectories: true)
        } else {
            try FileManager.default.createSymbolicLink(atPath: key, withDestinationPath: ws.data + "/missing")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["GEOCONTACTS_JWT_KEY"] = nil
        let token = try Support.run(["token", "--data", ws.data, "--customer", "1"], environment: environment)
        #expect(token.status == 1, "\(token.stderr)")
        #expect(token.stdout.isEmpty)
        #expect(token.stderr.split(separator: "\n").count == 1, "\(token.stderr)")
        #expect(token.stderr.contains("jwt-signing-key"), "\(token.stderr)")

        let serve = try Support.run(["serve", "--data", ws.data, "--port", "0", "--no-sample-data"], environment: environment)
        #expect(serve.status == 1, "\(serve.stderr)")
        #expect(serve.stderr.contains("jwt-signing-key"), "\(serve.stderr)")
    }

    /// Runs `serve` on a free port until /health answers, stops it, and returns its standard output.
    static func serveOutput(_ ws: Workspace, _ extra: [String]) async throws -> String {
        let port = try ServerImportTests.freePort()
        let outURL = ws.root.appendingPathComponent("serve-\(port).out")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let server = Process()
        server.executableURL = Support.binary
        server.arguments = ["serve", "--data", ws.data, "--port", "\(port)"] + extra
        server.standardOutput = try FileHandle(forWritingTo: outURL)
        server.standardError = FileHandle.nullDevice
        try server.run()
        var up = false
        for _ in 0..<600 where !up {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!),
               (response as? HTTPURLResponse)?.statusCode == 200 { up = true } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        try await Task.sleep(for: .milliseconds(300))  // the banner is printed once the server runs
        if server.isRunning { server.terminate() }
        server.waitUntilExit()
        try #require(up, "the service did not start")
        return try String(contentsOf: outURL, encoding: .utf8)
    }

    @Test("serve prints a token only for sample data just loaded, or with --print-token")
    func tokenOnlyWhenAskedOrFreshSample() async throws {
        let ws = try Workspace()
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
}
