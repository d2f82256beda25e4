import Foundation
import GeoContactsTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `serve --metrics-port`: Prometheus text on a listener of its own.
@Suite("Metrics endpoint")
struct MetricsEndpointTests {
    @Test("requests, contact counts and the journal's commits are scraped from /metrics; the API port has no /metrics")
    func scrape() async throws {
        let ws = try await CLITests.Workspace()
        defer { ws.remove() }
        let token = try await CLITests.expectSuccess(["token", "--data", ws.data, "--customer", "1", "--scope", "contacts:read contacts:write"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let metricsPort = try ServerImportTests.freePort()
        let (scraped, _) = try await HardeningCLITests.withServer(ws, ["--no-sample-data", "--metrics-port", "\(metricsPort)"]) { port in
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/contacts")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("1", forHTTPHeaderField: "Customer-Id")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"name":"Depot","groupId":1,"location":{"latitude":51.5,"longitude":-0.12}}"#.utf8)
            let (_, created) = try await URLSession.shared.data(for: request)
            #expect((created as? HTTPURLResponse)?.statusCode == 201)
            let (_, apiMetrics) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
            #expect((apiMetrics as? HTTPURLResponse)?.statusCode == 404, "no /metrics on the API port")
            let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            return String(decoding: body, as: UTF8.self)
        }
        #expect(scraped.contains(#"geocontacts_http_requests_total{"#), "\(scraped.prefix(2000))")
        #expect(scraped.contains(#"route="/v1/contacts""#))
        #expect(scraped.contains(#"geocontacts_contacts{customer="1"} 1"#))
        #expect(scraped.contains(#"geocontacts_journal_commit_seconds_count{store="sqlite"}"#))
        #expect(scraped.contains(#"geocontacts_journal_batch_changes"#))
    }

    @Test func aMetricsPortEqualToThePortIsRefused() async throws {
        let ws = try await CLITests.Workspace(customers: [])
        defer { ws.remove() }
        let serve = try await CommandLineTool.run(["serve", "--data", ws.data, "--in-memory", "--port", "8123", "--metrics-port", "8123"])
        #expect(serve.status != 0)
        #expect(serve.stderr.contains("--metrics-port"), "\(serve.stderr)")
    }
}
