import Foundation
import GeoContacts
@testable import GeoContactsServer
import Testing
import HTTPTypes

/// A 422 lists at most `ProblemDetails.maximumErrorCount` properties, with `errorCount` when
/// there were more (issue 17, item 10): one request cannot make an answer of megabytes.
@Suite("Problem bodies are bounded") struct ProblemSizeTests {
    static func body(badFields count: Int) -> String {
        let fields = (0..<count).map { #"{"definitionId":\#(1000 + $0),"value":"x"}"# }.joined(separator: ",")
        return #"{"name":"X","groupId":1,"location":{"latitude":1,"longitude":1},"customFields":["# + fields + "]}"
    }

    @Test(arguments: [1, 100, 101, 5_000])
    func errorsAreCappedAndCounted(_ count: Int) async throws {
        let h = try await Harness(maximumBodySize: 1 << 20)
        let before = h.state(1)
        let body = Self.body(badFields: count)
        try await h.withClient { c in
            let r = try await c.call(.post, "/v1/contacts", body: body)
            #expect(r.status == 422)
            let errors = try #require(r.json["errors"] as? [String: [String]])
            let limit = ProblemDetails.maximumErrorCount
            #expect(errors.count == min(count, limit))
            #expect((r.json["errorCount"] as? Int) == (count > limit ? count : nil))
            #expect(r.body.utf8.count < 20_000, "\(r.body.utf8.count) bytes")
            // The kept ones are the first in path order.
            let all = (0..<count).map { "customFields[\($0)].definitionId" }.sorted()
            #expect(errors.keys.sorted() == Array(all.prefix(limit)))

            let batch = try await c.call(.post, "/v1/contactBatches", body: "[\(body)]")
            #expect(batch.status == 200)
            let item = try #require((batch.json["items"] as? [[String: Any]])?.first?["problem"] as? [String: Any])
            #expect((item["errors"] as? [String: [String]])?.count == min(count, limit))
            #expect((item["errorCount"] as? Int) == (count > limit ? count : nil))
        }
        #expect(h.state(1) == before)
    }
}
