public import GeoContacts
public import Hummingbird

/// The one place where the contacts library's problem codes become HTTP: each
/// `ContactProblem.Code` has one status, and a `ContactProblem` answers as its
/// ``ProblemDetails`` body (``ProblemMiddleware`` renders it, and the batch endpoint's items
/// carry the same body and status).
extension ContactProblem.Code {
    /// The HTTP status a problem with this code answers: 400 for input that is not of the
    /// model's shape, 403 for a missing scope, 404 for an unknown contact, group or definition,
    /// 409 for a conflict with the data, 422 for invalid values, 424 for an item of a refused
    /// all-or-nothing batch, 503 when the service may answer later, 500 for the rest.
    package var status: HTTPResponse.Status {
        switch self {
        case .malformedJSON, .invalidBody, .emptyPatch, .invalidParameter: .badRequest
        case .missingScope: .forbidden
        case .contactNotFound, .groupNotFound, .definitionNotFound: .notFound
        case .contactHasChildren, .removalTooLarge, .inUse, .idsExhausted: .conflict
        case .validationFailed: .unprocessableContent
        case .batchAborted: HTTPResponse.Status(code: 424, reasonPhrase: "Failed Dependency")
        case .versionUnavailable, .writeConflict: .serviceUnavailable
        default: .internalServerError
        }
    }
}

extension ContactProblem: HTTPResponseError {
    /// The HTTP status of the problem's code (`ContactProblem.Code.status`).
    public var status: HTTPResponse.Status { code.status }

    /// The problem as an `application/problem+json` response, with the request path as
    /// `instance`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        ProblemDetails(self, instance: request.uri.path).response()
    }
}
