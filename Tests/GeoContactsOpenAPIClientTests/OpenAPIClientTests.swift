import Foundation
import Testing

/// The client that swift-openapi-generator makes of the served `openapi.yaml` (build plugin),
/// against the real service on a live port: proof that the document is usable by the
/// ecosystem's own tooling and describes what the service answers.
@Suite("Generated OpenAPI client") struct OpenAPIClientTests {
    @Test func everyOperationOfTheDocumentThroughTheGeneratedClient() async throws {
        let called = try await LiveService.withClient { client, log in
            var tour = Tour(client: client)
            try await tour.document()
            try await tour.defineGroupsAndFields()
            try await tour.createContacts()
            try await tour.createBatches()
            try await tour.listContacts()
            try await tour.nearest()
            try await tour.within()
            try await tour.hierarchy()
            try await tour.updateAndDelete()
            try await tour.removeGroupsAndFields()
            return log.operationIDs
        }
        let documented = try GeneratedFromDocument.operationIDs()
        #expect(documented.count >= 22)
        #expect(documented.subtracting(called).isEmpty, "never called: \(documented.subtracting(called).sorted())")
        #expect(called.subtracting(documented).isEmpty, "not in the document: \(called.subtracting(documented).sorted())")
    }
}
