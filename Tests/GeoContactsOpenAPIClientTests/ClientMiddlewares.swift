import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// Sends `Authorization: Bearer <token>` with every request: the document declares an HTTP
/// bearer scheme, which the generated client leaves to a middleware.
struct BearerToken: ClientMiddleware {
    let token: String

    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?)
    {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}

/// Records the operation id of every request the generated client sends, so that the test can
/// compare the operations it called with those of the document.
final class OperationLog: ClientMiddleware {
    private let called = Mutex<Set<String>>([])

    /// The operation ids seen so far.
    var operationIDs: Set<String> { called.withLock { $0 } }

    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?)
    {
        called.withLock { _ = $0.insert(operationID) }
        return try await next(request, body, baseURL)
    }
}
