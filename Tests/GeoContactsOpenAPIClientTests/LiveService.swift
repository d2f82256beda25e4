import Foundation
import GeoContacts
import GeoContactsServer
import Hummingbird
import HummingbirdTesting
import Logging
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Testing

/// The real service (``GeoContactsService/buildApplication(logger:onServerRunning:)``) over an
/// empty in-memory ``ContactDirectory``, listening on a free port of localhost, with a client
/// generated from its OpenAPI document.
enum LiveService {
    static let secret = Array("openapi-client-test-secret-0123456789".utf8)
    /// The tenant every call acts for.
    static let customer: Int64 = 1

    /// Runs `body` with a generated client of a freshly started service, whose requests carry a
    /// token with every scope for ``customer``, and the log of the operations it called.
    static func withClient<T: Sendable>(_ body: @Sendable (Client, OperationLog) async throws -> T) async throws -> T {
        let tokens = await TokenAuthority(secret: secret)
        let token = try await tokens.token(customers: [customer], scopes: ["contacts:read", "contacts:write", "contacts:admin"],
                                           lifetime: 600)
        let service = GeoContactsService(directory: ContactDirectory(), tokens: tokens,
                                         configuration: ServerConfiguration(loadsSampleData: false))
        var logger = Logger(label: "GeoContactsOpenAPIClientTests")
        logger.logLevel = .error
        let app = service.buildApplication(logger: logger)
        return try await app.test(.live) { testClient in
            let port = try #require(testClient.port)
            let serverURL = try #require(URL(string: "http://localhost:\(port)"))
            let log = OperationLog()
            let client = Client(serverURL: serverURL, transport: AsyncHTTPClientTransport(),
                                middlewares: [log, BearerToken(token: token)])
            return try await body(client, log)
        }
    }
}
