import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import GeoContacts
import GeoContactsTestSupport
import Testing

/// `geocontacts import --server`: the rows go through a running service's bulk endpoint and
/// are reported like a local import's.
@Suite struct ServerImportTests {
    /// A loopback port nobody listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func importThroughARunningServiceReportsLikeALocalImport() async throws {
        let ws = try await CLITests.Workspace()
        defer { ws.remove() }
        let token = try await CLITests.expectSuccess(["token", "--data", ws.data, "--customer", "1", "--scope", "contacts:read contacts:write"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let port = try Self.freePort()
        let server = Process()
        server.executableURL = CommandLineTool.binary
        server.arguments = ["serve", "--data", ws.data, "--port", "\(port)", "--no-sample-data"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            if server.isRunning { server.terminate() }
            server.waitUntilExit()
        }
        let base = "http://127.0.0.1:\(port)"
        var up = false
        for _ in 0..<300 where !up {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: base + "/health")!),
               (response as? HTTPURLResponse)?.statusCode == 200 { up = true } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(up, "the service did not start")

        let csv = try ws.file("rows.csv", """
            latitude,longitude,name,groupId,parentId,postalCode,customFields
            10,20,Good,1,,,
            95,20,Too far north,1,,,
            10,20,,1,,,
            10,20,Bad group,9,,,
            10,abc,Bad number,1,,,
            10,20,Long postcode,1,,12345678901,
            10,20,Bad size,1,,,"[{""definitionId"":1,""value"":""XL""}]"
            10,20,No parent,1,77,,

            """)
        let remote = ["import", "--server", base, "--token", token, "--customer", "1"]
        let output = try await CommandLineTool.run(remote + [csv])
        #expect(output.status != 0)
        #expect(output.stdout == "imported 1 contacts into customer 1; rejected 7 rows\n")
        #expect(output.stderr.split(separator: "\n").map(String.init) == [
            "line 3: location.latitude: must be between -90 and 90",
            "line 4: name: is required",
            "line 5: groupId: no contact group 9 exists",
            "line 6: location.longitude: must be a number, not a string",
            "line 7: postalCode: must be at most 10 characters",
            "line 8: customFields[0].value: must be one of: S, M, L",
            "line 9: parentId: no contact 77 exists",
        ])
        // All or nothing, in one request: the service reports every refused row, and the
        // valid ones (refused only because of them) are not reported.
        let readable = try ws.file("readable.csv", String(decoding: try Data(contentsOf: URL(fileURLWithPath: csv)), as: UTF8.self)
            .replacingOccurrences(of: "10,abc,Bad number,1,,,\n", with: ""))
        let atomic = try await CommandLineTool.run(remote + ["--atomic", readable])
        #expect(atomic.stdout == "nothing imported: 6 of 7 rows rejected\n")
        #expect(atomic.stderr.split(separator: "\n").count == 6)
        // Rows the file itself refuses: nothing is sent.
        let unreadable = try await CommandLineTool.run(remote + ["--atomic", csv])
        #expect(unreadable.stdout == "nothing imported: 1 of 8 rows rejected\n")
        #expect(unreadable.stderr == "line 6: location.longitude: must be a number, not a string\n")
        let good = try ws.file("good.ndjson", """
            {"name":"A","groupId":1,"location":{"latitude":1,"longitude":2}}
            {"name":"B","groupId":2,"parentId":1,"location":{"latitude":3,"longitude":4}}
            {"id":99,"name":"C","groupId":2,"location":{"latitude":3,"longitude":4}}

            """)
        let mixed = try await CommandLineTool.run(remote + [good])
        #expect(mixed.stdout == "imported 2 contacts into customer 1; rejected 1 rows\n")
        #expect(mixed.stderr.hasPrefix("line 3: id: the service gives every contact its id"))
        // A wrong token: one clear line, nothing imported.
        let refused = try await CommandLineTool.run(["import", "--server", base, "--token", "nope", "--customer", "1", csv])
        #expect(refused.status != 0 && refused.stderr.contains("answered 401"))

        // Many requests, three in flight, several a chunk: every row lands once, and the refused
        // ones are reported in line order.
        var rows = "name,groupId,latitude,longitude\n"
        var expected: [String] = []
        for i in 1...40_000 {
            let bad = i % 997 == 0
            rows += "Row \(i),1,\(bad ? 95 : Double(i % 170) - 85),\(Double(i % 360) - 180)\n"
            if bad { expected.append("line \(i + 1): location.latitude: must be between -90 and 90") }
        }
        let many = try await CommandLineTool.run(remote + ["--chunk-size", "\(512 << 10)", "--request-rows", "4000", try ws.file("many.csv", rows)])
        #expect(many.stdout == "imported \(40_000 - expected.count) contacts into customer 1; rejected \(expected.count) rows\n")
        #expect(many.stderr.split(separator: "\n").map(String.init) == expected)

        server.terminate()
        server.waitUntilExit()
        let snapshot = try ws.snapshot()
        try snapshot.checkInvariants()
        #expect(snapshot.count == 3 + 40_000 - expected.count)
        #expect(try snapshot.contact(ContactID(3)).parentId == ContactID(1))
    }
}
