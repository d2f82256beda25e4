import Foundation

/// The committed OpenAPI 3 document (`Resources/openapi.yaml`), served at `/openapi.yaml`.
public enum OpenAPIDocument {
    /// The document's text.
    public static let text: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let data = try? Data(contentsOf: url) else { return "openapi: 3.0.3\n" }
        return String(decoding: data, as: UTF8.self)
    }()
}
