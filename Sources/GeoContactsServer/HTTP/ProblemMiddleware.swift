import GeoContacts
package import Hummingbird
import Logging

/// Turns every error into an `application/problem+json` response: the HTTP layer's
/// ``HTTPProblem``s, the library's `ContactProblem`s (their status from the one mapping in
/// `ContactProblem+HTTP.swift`), Hummingbird's own errors (unknown route → 404 or, when the
/// path exists with other methods, 405 with `Allow`; body over the limit → 413), and anything
/// else → 500 without details (the error is logged).
package struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes, to tell a 405 from a 404.
    let routes: RouteTable

    package init(routes: RouteTable) { self.routes = routes }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return try problem(for: error, request: request, context: context)
        }
    }

    func problem(for error: any Error, request: Request, context: Context) throws -> Response {
        // The service's own problems first: a `ContactProblem` is an `HTTPResponseError` too,
        // and its 404s are not unknown routes.
        switch error {
        case let problem as HTTPProblem: return try problem.response(from: request, context: context)
        case let problem as ContactProblem: return try problem.response(from: request, context: context)
        default: break
        }
        if let error = error as? any HTTPResponseError {
            switch error.status {
            case .notFound:
                let allowed = routes.methods(matching: request.uri.path)
                if !allowed.isEmpty, !allowed.contains(request.method) {
                    return try HTTPProblem.methodNotAllowed(request.method, allowed: allowed)
                        .response(from: request, context: context)
                }
                return try HTTPProblem.routeNotFound(request.uri.path).response(from: request, context: context)
            case .contentTooLarge:
                return try HTTPProblem.payloadTooLarge(limit: routes.maximumBodySize).response(from: request, context: context)
            default:
                let status = error.status
                return try HTTPProblem(code: status.code < 500 ? "http-\(status.code)" : "internal-error", status: status,
                                       title: status.reasonPhrase, detail: status.reasonPhrase)
                    .response(from: request, context: context)
            }
        }
        context.logger.error("Unhandled error", metadata: ["error": "\(String(reflecting: error))"])
        return try HTTPProblem.internalError().response(from: request, context: context)
    }
}
