import Foundation
import GeoContactsTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two real `geocontacts serve --postgres` processes on one database (the test server that
/// `make test` starts; these tests fail without it unless GEOCONTACTS_SKIP_POSTGRES_TESTS=1).
@Suite("Replica processes on PostgreSQL",
       .disabled(if: ProcessInfo.processInfo.environment["GEOCONTACTS_SKIP_POSTGRES_TESTS"] == "1",
                 "GEOCONTACTS_SKIP_POSTGRES_TESTS=1"))
struct ReplicaProcessTests {
    struct MissingServer: Error, CustomStringConvertible {
        var description: String { "GEOCONTACTS_TEST_POSTGRES_URL is not set: run `make test`" }
    }

    /// A running `serve --postgres` process and its port.
    final class Replica {
        let process: Process
        let port: Int
        init(process: Process, port: Int) {
            self.process = process
            self.port = port
        }

        /// SIGKILL: no shutdown code runs.
        func kill() {
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    /// The test server's URL, a workspace (its signing key), a customer of the test's own (the
    /// database is shared with other tests) and a token for it with every scope.
    static func setUp() async throws -> (url: String, ws: CLITests.Workspace, customer: Int64, token: String) {
        guard let url = ProcessInfo.processInfo.environment["GEOCONTACTS_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw MissingServer()
        }
        let ws = try await CLITests.Workspace(customers: [])
        let customer = Int64.random(in: 1_000_000...9_000_000)
        let token = try await CLITests.expectSuccess(["token", "--data", ws.data, "--customer", "\(customer)",
                                                "--scope", "contacts:read contacts:write contacts:admin"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return (url, ws, customer, token)
    }

    /// Starts `serve --postgres url` with the workspace's signing key; returns once it
    /// printed its banner (after binding its own port).
    static func start(_ ws: CLITests.Workspace, _ url: String) async throws -> Replica {
        for attempt in 1...3 {
            let port = try ServerImportTests.freePort()
            let outURL = ws.root.appendingPathComponent("replica-\(port).out")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
            let process = Process()
            process.executableURL = CommandLineTool.binary
            process.arguments = ["serve", "--data", ws.data, "--postgres", url, "--no-sample-data", "--port", "\(port)"]
            process.standardOutput = try FileHandle(forWritingTo: outURL)
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<600 where process.isRunning {
                if (try? String(contentsOf: outURL, encoding: .utf8))?.contains("is listening on") == true {
                    return Replica(process: process, port: port)
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            Replica(process: process, port: port).kill()
            if attempt == 3 { break }
        }
        throw CancellationError()
    }

    struct Answer {
        var status: Int
        var version: Int64?
        var body: [String: Any]
    }

    static func call(_ port: Int, _ method: String, _ path: String, token: String, customer: Int64,
                     body: String? = nil, minimumVersion: Int64? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("\(customer)", forHTTPHeaderField: "Customer-Id")
        if let minimumVersion { request.setValue("\(minimumVersion)", forHTTPHeaderField: "GeoContacts-Min-Version") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Answer(status: http.statusCode, version: http.value(forHTTPHeaderField: "GeoContacts-Version").flatMap { Int64($0) },
                      body: object)
    }

    @Test("a write on A is read on B with GeoContacts-Min-Version; SIGKILL of either loses no acknowledged write")
    func twoProcesses() async throws {
        let (url, ws, customer, token) = try await Self.setUp()
        defer { ws.remove() }
        let a = try await Self.start(ws, url)
        var b = try await Self.start(ws, url)
        defer {
            a.kill()
            b.kill()
        }
        let group = try await Self.call(a.port, "POST", "/v1/contactGroups", token: token, customer: customer,
                                        body: #"{"name":"Depots"}"#)
        #expect(group.status == 201)
        let groupID = try #require(group.body["id"] as? Int)
        var acknowledged: [(id: Int, version: Int64)] = []
        for i in 0..<5 {
            let created = try await Self.call(a.port, "POST", "/v1/contacts", token: token, customer: customer, body: """
                {"name":"Site \(i)","groupId":\(groupID),"location":{"latitude":\(51.0 + Double(i) / 10),"longitude":-0.1}}
                """)
            #expect(created.status == 201)
            let version = try #require(created.version, "a write answers its version")
            acknowledged.append((try #require(created.body["id"] as? Int), version))
        }
        #expect(acknowledged.map(\.version) == acknowledged.map(\.version).sorted())
        // Read-your-writes on the other replica: each acknowledged contact, at its version.
        for (id, version) in acknowledged {
            let read = try await Self.call(b.port, "GET", "/v1/contacts/\(id)", token: token, customer: customer,
                                           minimumVersion: version)
            #expect(read.status == 200)
            #expect((read.version ?? 0) >= version)
        }
        let last = try #require(acknowledged.last)
        // A version no replica has: a clear 503 after the bounded wait.
        let ahead = try await Self.call(b.port, "GET", "/v1/contacts/\(last.id)", token: token, customer: customer,
                                        minimumVersion: last.version + 1000)
        #expect(ahead.status == 503)
        #expect((ahead.body["type"] as? String)?.hasSuffix("version-unavailable") == true)
        // A write on B, then SIGKILL of B right after the acknowledgement: A has it, and B back too.
        let onB = try await Self.call(b.port, "POST", "/v1/contacts", token: token, customer: customer, body: """
            {"name":"From B","groupId":\(groupID),"location":{"latitude":-33.9,"longitude":151.2}}
            """)
        #expect(onB.status == 201)
        let onBID = try #require(onB.body["id"] as? Int)
        #expect(!acknowledged.map(\.id).contains(onBID), "ids are not handed out twice")
        b.kill()
        let seenOnA = try await Self.call(a.port, "GET", "/v1/contacts/\(onBID)", token: token, customer: customer,
                                          minimumVersion: onB.version)
        #expect(seenOnA.status == 200)
        #expect(seenOnA.body["name"] as? String == "From B")
        b = try await Self.start(ws, url)
        let list = try await Self.call(b.port, "GET", "/v1/contacts?pageSize=100", token: token, customer: customer)
        #expect(list.status == 200)
        let names = ((list.body["items"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        #expect(Set(names) == Set((0..<5).map { "Site \($0)" } + ["From B"]))
        #expect(list.version == onB.version)
        // SIGKILL of A (which acknowledged the first five): a third replica starts with all six.
        a.kill()
        let c = try await Self.start(ws, url)
        defer { c.kill() }
        let fromC = try await Self.call(c.port, "GET", "/v1/contacts?pageSize=100", token: token, customer: customer)
        let namesOnC = ((fromC.body["items"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        #expect(Set(namesOnC) == Set(names))
    }

    @Test("import --postgres reaches a running replica; export --postgres reads it back in import's form")
    func importAndExportAgainstPostgres() async throws {
        let (url, ws, customer, token) = try await Self.setUp()
        defer { ws.remove() }
        let replica = try await Self.start(ws, url)
        defer { replica.kill() }
        let group = try await Self.call(replica.port, "POST", "/v1/contactGroups", token: token, customer: customer,
                                        body: #"{"name":"Depots"}"#)
        let groupID = try #require(group.body["id"] as? Int)
        let csv = try ws.file("rows.csv", """
            id,latitude,longitude,name,groupId,parentId
            10,51.5,-0.12,"London, HQ",\(groupID),
            11,48.85,2.35,Paris,\(groupID),10
            12,95,2.35,Too far north,\(groupID),
            13,-90,0,South Pole,\(groupID),11
            14,0,180,Antimeridian,\(groupID),
            15,1,1,Bad group,999,

            """)
        let imported = try await CommandLineTool.run(["import", "--postgres", url, "--customer", "\(customer)", csv])
        #expect(imported.status != 0, "two rows are rejected")
        #expect(imported.stdout.contains("imported 4 contacts"), "\(imported.stdout) \(imported.stderr)")
        #expect(imported.stderr.contains("line 4"), "\(imported.stderr)")
        #expect(imported.stderr.contains("line 7"), "\(imported.stderr)")
        // The running replica sees the import (the NOTIFY hint, else its next poll).
        var names: Set<String> = []
        for _ in 0..<100 where names.count < 4 {
            let list = try await Self.call(replica.port, "GET", "/v1/contacts?pageSize=100", token: token, customer: customer)
            names = Set(((list.body["items"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(names == ["London, HQ", "Paris", "South Pole", "Antimeridian"])
        let exported = try await CommandLineTool.run(["export", "--postgres", url, "--customer", "\(customer)", "--format", "csv"])
        #expect(exported.status == 0, "\(exported.stderr)")
        let lines = exported.stdout.split(separator: "\n")
        #expect(lines.count == 5, "\(exported.stdout)")
        #expect(lines.contains { $0.hasPrefix("10,") && $0.contains("\"London, HQ\"") })
        #expect(lines.contains { $0.hasPrefix("13,") && $0.contains("South Pole") && $0.contains(",11,") })
        // An export imports back into another customer unchanged.
        let again = try ws.file("again.csv", exported.stdout)
        let other = customer + 1
        let otherToken = try await CLITests.expectSuccess(["token", "--data", ws.data, "--customer", "\(other)",
                                                     "--scope", "contacts:read contacts:write contacts:admin"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try await Self.call(replica.port, "POST", "/v1/contactGroups", token: otherToken, customer: other,
                                body: #"{"name":"Depots"}"#)
        let reimported = try await CommandLineTool.run(["import", "--postgres", url, "--customer", "\(other)", again])
        #expect(reimported.status == 0, "\(reimported.stderr)")
        let roundTrip = try await CommandLineTool.run(["export", "--postgres", url, "--customer", "\(other)", "--format", "csv"])
        #expect(roundTrip.stdout == exported.stdout)
    }

    /// Runs SQL on the test database with psql; returns its unaligned output.
    static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-qAt", url, "-c", sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The customer's contacts on a replica as (id, parentId, name), at least at `version`.
    static func contents(_ port: Int, token: String, customer: Int64, version: Int64?) async throws -> [String] {
        let list = try await call(port, "GET", "/v1/contacts?pageSize=1000", token: token, customer: customer,
                                  minimumVersion: version)
        #expect(list.status == 200)
        return ((list.body["items"] as? [[String: Any]]) ?? []).map {
            "\($0["id"] as? Int ?? -1) \($0["parentId"] as? Int ?? 0) \($0["name"] as? String ?? "")"
        }.sorted()
    }

    @Test("concurrent writers on both processes, listeners killed meanwhile: gap-free versions, distinct ids, no cycle, one state")
    func concurrentWritersOnTwoProcesses() async throws {
        let (url, ws, customer, token) = try await Self.setUp()
        defer { ws.remove() }
        let a = try await Self.start(ws, url)
        var b = try await Self.start(ws, url)
        defer {
            a.kill()
            b.kill()
        }
        let group = try await Self.call(a.port, "POST", "/v1/contactGroups", token: token, customer: customer,
                                        body: #"{"name":"Depots"}"#)
        let groupID = try #require(group.body["id"] as? Int)
        let ports = [a.port, b.port]
        // Four writers per process; each names as parent a contact it created before.
        let created = try await withThrowingTaskGroup(of: [(Int, Int64)].self) { tasks in
            for worker in 0..<8 {
                tasks.addTask {
                    var made: [(Int, Int64)] = []
                    for i in 0..<15 {
                        let parent = made.isEmpty || i % 3 == 0 ? "null" : "\(made[i % made.count].0)"
                        let answer = try await Self.call(ports[worker % 2], "POST", "/v1/contacts", token: token, customer: customer, body: """
                            {"name":"w\(worker)-\(i)","groupId":\(groupID),"parentId":\(parent),"location":{"latitude":\(10 + Double(i)),"longitude":\(Double(worker))}}
                            """)
                        #expect(answer.status == 201, "\(answer.body)")
                        if let id = answer.body["id"] as? Int, let version = answer.version { made.append((id, version)) }
                    }
                    return made
                }
            }
            // Meanwhile, the replicators' listening connections are killed.
            try await Task.sleep(for: .milliseconds(300))
            let killed = try Self.psql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'geocontacts-replicator'")
            #expect(killed.split(separator: "\n").filter { $0 == "t" }.count >= 2, "both replicators' connections: \(killed)")
            var all: [(Int, Int64)] = []
            for try await made in tasks { all += made }
            return all
        }
        #expect(created.count == 8 * 15)
        #expect(Set(created.map(\.0)).count == created.count, "an id was handed out twice")
        // Crosswise re-parenting of two roots, from both processes at once: exactly one wins.
        // Both processes have every create first (a replica behind the store answers 404 for
        // a contact that it has not caught up with yet).
        let x = try #require(created.first(where: { $0.0 > 0 })?.0)
        let y = try #require(created.last?.0)
        let written = try #require(created.map(\.1).max())
        let (portA, portB) = (a.port, b.port)
        #expect(try await Self.contents(portA, token: token, customer: customer, version: written).count == 8 * 15)
        #expect(try await Self.contents(portB, token: token, customer: customer, version: written).count == 8 * 15)
        async let onA = Self.call(portA, "PATCH", "/v1/contacts/\(x)", token: token, customer: customer, body: #"{"parentId":\#(y)}"#)
        async let onB = Self.call(portB, "PATCH", "/v1/contacts/\(y)", token: token, customer: customer, body: #"{"parentId":\#(x)}"#)
        let (patchA, patchB) = try await (onA, onB)
        let statuses = [patchA.status, patchB.status].sorted()
        // Either one move wins and the other would close a cycle (422), or y already sits under x
        // and moving x under y is refused while y's move is a no-op change of parent.
        #expect(statuses.contains(422) && statuses.contains(where: { $0 == 204 }), "\(statuses)")
        let versions = try Self.psql(url, "SELECT string_agg(DISTINCT version::text, ',' ORDER BY version::text) FROM contact_changes WHERE customer_id = \(customer)")
        let stored = versions.split(separator: ",").compactMap { Int64($0) }.sorted()
        let newest = try #require(stored.last)
        #expect(stored == Array(1...newest), "versions are not gap-free")
        let onAState = try await Self.contents(a.port, token: token, customer: customer, version: newest)
        let onBState = try await Self.contents(b.port, token: token, customer: customer, version: newest)
        #expect(onAState.count == 8 * 15)
        #expect(onAState == onBState)
        // B restarted (after SIGKILL) rebuilds exactly that state.
        b.kill()
        b = try await Self.start(ws, url)
        #expect(try await Self.contents(b.port, token: token, customer: customer, version: newest) == onAState)
    }
}
