package import Hummingbird
import HTTPTypes
import Logging
import Metrics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One info line per request — method, path, route, status, duration, customer — and the
/// request metrics: `geocontacts_http_requests_total` (counter) and
/// `geocontacts_http_request_duration` (timer), by method, route and status.
///
/// Never logs the query string, headers or bodies: no token, no contact data.
package struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let route = context.endpointPath ?? "unmatched"
        let status = String(response.status.code)
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue), "path": .string(request.uri.path), "route": .string(route),
            "status": .string(status), "ms": .string((Double(nanoseconds) / 1e6).description),
        ]
        if let customer = request.headers.value(of: .customerID) { metadata["customer"] = .string(String(customer.prefix(20))) }
        context.logger.info("request", metadata: metadata)
        let dimensions = [("method", request.method.rawValue), ("route", route), ("status", status)]
        Counter(label: "geocontacts_http_requests_total", dimensions: dimensions).increment()
        Timer(label: "geocontacts_http_request_duration", dimensions: dimensions).recordNanoseconds(nanoseconds)
        return response
    }
}

extension HTTPField.Name {
    /// `Customer-Id`: the tenant of the call.
    static let customerID = HTTPField.Name("Customer-Id")!
}
