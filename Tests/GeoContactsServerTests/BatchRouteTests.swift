import Foundation
import GeoContacts
@testable import GeoContactsServer
import Hummingbird
import HTTPTypes
import Testing
import HummingbirdTesting

@Suite("Bulk create route") struct BatchRouteTests {
    static let valid = #"{"name":"N1","groupId":1,"location":{"latitude":51.5,"longitude":-0.1}}"#
    static let invalid = #"{"name":"","groupId":9,"location":{"latitude":95,"longitude":0}}"#
    static let misshapen = #"{"name":"X","groupId":"one","location":{"latitude":1,"longitude":1},"extra":1}"#

    /// The single create's problem body for `body`, as the bulk item's `problem` must read.
    static func singleProblem(_ body: String) async throws -> String {
        try await Harness().withClient { c in
            let reply = try await c.call(.post, "/v1/contacts", body: body)
            return reply.body.replacingOccurrences(of: #""instance":"/v1/contacts""#, with: #""instance":"/v1/contactBatches""#)
        }
    }

    @Test func jsonArrayAnswersPerItemInOrderLikeTheSingleCreate() async throws {
        let invalidProblem = try await Self.singleProblem(Self.invalid)
        let misshapenProblem = try await Self.singleProblem(Self.misshapen)
        let h = try await Harness()
        try await h.withClient { c in
            let r = try await c.call(.post, "/v1/contactBatches", body: "[\(Self.valid),\(Self.invalid),\(Self.misshapen),\(Self.valid),7]")
            #expect(r.status == 200)
            #expect(r.contentType == "application/json")
            let expected = #"{"created":2,"items":[{"id":4,"status":201},{"problem":"# + invalidProblem + #","status":422},{"problem":"#
                + misshapenProblem + #","status":400},{"id":5,"status":201},{"problem":{"detail":"An item must be a JSON object, not a number.","instance":"/v1/contactBatches","status":400,"title":"The request body is not valid JSON","type":"urn:geocontacts:problem:malformed-json"},"status":400}],"refused":3}"#
            #expect(r.body == expected)
            let stored = try await c.call(.get, "/v1/contacts/5")
            #expect(stored.json["name"] as? String == "N1")
        }
    }

    @Test func ndjsonAndAtomicMode() async throws {
        let h = try await Harness()
        try await h.withClient { c in
            let before = h.state(1)
            let refused = try await c.call(.post, "/v1/contactBatches?atomic=true", body: "\(Self.valid)\n\n\(Self.invalid)\n",
                                           contentType: "application/x-ndjson")
            #expect(refused.status == 200)
            let items = refused.json["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["status"] as? Int } == [424, 422])
            #expect(refused.json["created"] as? Int == 0)
            #expect(h.state(1) == before, "an all-or-nothing batch with a bad item changed something")

            let ok = try await c.call(.post, "/v1/contactBatches?atomic=true", body: "\(Self.valid)\n\(Self.valid)",
                                      contentType: "application/x-ndjson; charset=utf-8")
            #expect(ok.body == #"{"created":2,"items":[{"id":4,"status":201},{"id":5,"status":201}],"refused":0}"#)
        }
    }

    @Test func refusals() async throws {
        let h = try await Harness()
        try await h.withClient { c in
            let before = h.state(1)
            let reader = try await h.token(scopes: ["contacts:read"])
            #expect(try await c.call(.post, "/v1/contactBatches", token: .some(reader), body: "[\(Self.valid)]").status == 403)
            #expect(try await c.call(.post, "/v1/contactBatches", body: "{\"name\":1}").problemCode == "malformed-json")
            #expect(try await c.call(.post, "/v1/contactBatches", body: "[1,").problemCode == "malformed-json")
            #expect(try await c.call(.post, "/v1/contactBatches?atomic=yes", body: "[]").problemCode == "invalid-parameter")
            #expect(try await c.call(.post, "/v1/contactBatches", body: "[]", contentType: "text/plain").status == 415)
            #expect(try await c.call(.post, "/v1/contactBatches", body: "[]").body == #"{"created":0,"items":[],"refused":0}"#)
            #expect(h.state(1) == before)
        }
    }

    @Test func tooManyItemsIsRefusedWhole() async throws {
        var configuration = ServerConfiguration(maximumBodySize: 4096, loadsSampleData: false)
        configuration.maximumBatchCount = 3
        let h = try await Harness()
        let service = GeoContactsService(directory: h.directory, tokens: h.tokens, configuration: configuration)
        let app = Application(router: service.buildRouter())
        let token = try await h.token()
        try await app.test(.router) { client in
            let c = Client(client: client, token: token)
            let r = try await c.call(.post, "/v1/contactBatches", body: "[\(Self.valid),\(Self.valid),\(Self.valid),\(Self.valid)]")
            #expect(r.status == 400 && r.problemCode == "invalid-body")
            #expect(h.directory.snapshot(of: CustomerID(1)).count == 3)
        }
    }

    @Test func readinessFollowsTheJournal() async throws {
        try await Harness().withClient { c in
            let r = try await c.anonymous(.get, "/health/ready", customer: nil)
            #expect(r.status == 200 && r.body == #"{"status":"ready"}"#)
        }
        try await Self.withService(over: FailingJournal()) { client in
            let r = try await client.anonymous(.get, "/health/ready", customer: nil)
            #expect(r.status == 503 && r.problemCode == "storage-failing")
            #expect(r.body.contains("failed (1 commits failed so far)"))
            #expect(try await client.anonymous(.get, "/health", customer: nil).status == 200)
        }
        // A commit that neither ends nor fails: not ready either, and said so.
        try await Self.withService(over: StalledJournal()) { client in
            let r = try await client.anonymous(.get, "/health/ready", customer: nil)
            #expect(r.status == 503 && r.problemCode == "storage-failing")
            #expect(r.body.contains("has been waiting too long"))
        }
    }

    /// Runs `body` with a client of a service over an empty directory that records in `journal`.
    static func withService(over journal: some ContactJournal, _ body: @Sendable (Client) async throws -> Void) async throws {
        let service = GeoContactsService(directory: ContactDirectory(journal: journal),
                                         tokens: await TokenAuthority(secret: Harness.secret),
                                         configuration: ServerConfiguration(loadsSampleData: false))
        try await Application(router: service.buildRouter()).test(.router) { client in
            try await body(Client(client: client, token: ""))
        }
    }
}

/// A journal one of whose operations has waited past its limit (as ``PostgresJournal`` reports).
struct StalledJournal: ContactJournal {
    func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 { 1 }
    func waitUntilDurable(_ sequence: UInt64) async throws {}
    var health: JournalHealth {
        JournalHealth(isHealthy: false, stalled: "a commit for customer 1 has waited 12 s for the database")
    }
}

/// A journal whose every batch fails, and says so.
struct FailingJournal: ContactJournal {
    struct Refused: Error {}
    func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 { throw Refused() }
    func waitUntilDurable(_ sequence: UInt64) async throws { throw Refused() }
    var health: JournalHealth { JournalHealth(isHealthy: false, failedBatches: 1, lastFailure: "disk full") }
}
