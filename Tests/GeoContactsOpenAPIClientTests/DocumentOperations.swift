import Foundation

/// The OpenAPI document the client was generated from: `openapi.yaml` beside this file, a
/// symlink to the one the service serves (`Sources/GeoContactsServer/Resources/openapi.yaml`).
enum GeneratedFromDocument {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("openapi.yaml")

    /// The document's bytes.
    static func data() throws -> Data { try Data(contentsOf: url) }

    /// Every `operationId:` of the document (one per line of the YAML).
    static func operationIDs() throws -> Set<String> {
        let text = String(decoding: try data(), as: UTF8.self)
        var ids = Set<String>()
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("operationId:") else { continue }
            ids.insert(trimmed.dropFirst("operationId:".count).trimmingCharacters(in: .whitespaces))
        }
        return ids
    }
}
