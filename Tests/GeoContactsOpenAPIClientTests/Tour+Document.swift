import Foundation
import OpenAPIRuntime
import Testing

extension Tour {
    /// health, readiness, openapi: the served document is, byte for byte, the one the client
    /// was generated from.
    func document() async throws {
        let health = try await client.health().ok.body.json
        #expect(health.status == .ok)
        let ready = try await client.readiness().ok.body.json
        #expect(ready.status == .ready)

        let served = try await client.openapi().ok.body.yaml
        let bytes = try await Data(collecting: served, upTo: 16 << 20)
        #expect(bytes == (try GeneratedFromDocument.data()),
                "the served document differs from \(GeneratedFromDocument.url.path), which the client was generated from")
    }
}
