import GeoContacts
public import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A refusal made by the HTTP layer itself (authentication, headers, routing, body limits),
/// rendered as an RFC 9457 problem (`application/problem+json`) like every other error.
///
/// Problems from the contacts library (`ContactProblem`) are rendered by the same
/// ``ProblemMiddleware`` through their own `HTTPResponseError` conformance
/// (`ContactProblem+HTTP.swift`); both are written as a ``ProblemDetails`` (one body, one
/// `urn:geocontacts:problem:` type prefix, one media type).
public struct HTTPProblem: Error, HTTPResponseError, Sendable, Equatable {
    /// A stable code; the problem `type` is ``typePrefix`` followed by it.
    public var code: String
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    /// Offending properties or parameters by name, when the problem is about them.
    public var errors: [String: [String]]?
    /// Extra response headers (`WWW-Authenticate`, `Allow`).
    public var headers: HTTPFields

    public init(code: String, status: HTTPResponse.Status, title: String, detail: String,
                errors: [String: [String]]? = nil, headers: HTTPFields = [:]) {
        self.code = code
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = ProblemDetails(type: ProblemDetails.typePrefix + code, title: title, status: Int(status.code),
                                      detail: detail, instance: request.uri.path, errors: errors).response()
        response.headers.append(contentsOf: headers)
        return response
    }

    // MARK: The HTTP layer's problems

    /// 401: no `Authorization: Bearer` token, or one that is malformed, badly signed or expired.
    static func unauthorized(_ detail: String) -> HTTPProblem {
        HTTPProblem(code: "unauthorized", status: .unauthorized, title: "Unauthorized", detail: detail,
                    headers: [.wwwAuthenticate: "Bearer realm=\"geocontacts\""])
    }

    /// 403: the token does not cover the `Customer-Id`.
    static func customerNotCovered(_ customer: Int64) -> HTTPProblem {
        HTTPProblem(code: "customer-not-covered", status: .forbidden, title: "Forbidden",
                    detail: "The token may not act for customer \(customer).")
    }

    /// 403: the token lacks a scope (for checks made before the library is called).
    static func missingScope(_ scope: String) -> HTTPProblem {
        HTTPProblem(code: "missing-scope", status: .forbidden, title: "Forbidden",
                    detail: "The caller lacks the scope \(scope).")
    }

    /// 400: the `Customer-Id` header is missing or not an int64.
    static func invalidCustomerID(_ detail: String) -> HTTPProblem {
        HTTPProblem(code: "invalid-customer-id", status: .badRequest, title: "The Customer-Id header is missing or invalid",
                    detail: detail, errors: ["Customer-Id": [detail]])
    }

    /// 400: a path or query parameter is not of its type.
    static func invalidParameter(_ name: String, _ message: String) -> HTTPProblem {
        HTTPProblem(code: "invalid-parameter", status: .badRequest, title: "A request parameter is invalid",
                    detail: "\(name) \(message).", errors: [name: [message]])
    }

    /// 404: no route for the path.
    static func routeNotFound(_ path: String) -> HTTPProblem {
        HTTPProblem(code: "not-found", status: .notFound, title: "Not found", detail: "No resource at \(path).")
    }

    /// 405: the path exists, the method does not.
    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> HTTPProblem {
        let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        return HTTPProblem(code: "method-not-allowed", status: .methodNotAllowed, title: "Method not allowed",
                           detail: "\(method.rawValue) is not allowed here; allowed: \(allow).", headers: [.allow: allow])
    }

    /// 413: the body is larger than the configured limit.
    static func payloadTooLarge(limit: Int) -> HTTPProblem {
        HTTPProblem(code: "payload-too-large", status: .contentTooLarge, title: "The request body is too large",
                    detail: "The body exceeds the limit of \(limit) bytes.")
    }

    /// 415: the body is not `application/json`.
    static func unsupportedMediaType(_ given: String?) -> HTTPProblem {
        HTTPProblem(code: "unsupported-media-type", status: .unsupportedMediaType, title: "Unsupported media type",
                    detail: "The body must be application/json, not \(given ?? "unspecified").")
    }

    /// 500: a bug or an unexpected failure; nothing is revealed.
    static func internalError() -> HTTPProblem {
        HTTPProblem(code: "internal-error", status: .internalServerError, title: "Internal error",
                    detail: "The server failed to answer; nothing was changed.")
    }
}

/// The one JSON encoder of response bodies: sorted keys, no escaped slashes.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// A JSON response with `status`.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        var fields: HTTPFields = [.contentType: "application/json"]
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: buffer))
    }
}
