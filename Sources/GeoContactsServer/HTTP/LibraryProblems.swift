import GeoContacts
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The contacts library's problems at the edge: a ``ContactProblem`` becomes its
/// ``ProblemDetails`` body with the request path as `instance`.
enum LibraryProblems {
    static func response(for error: any Error, request: Request) -> Response? {
        guard let problem = error as? ContactProblem else { return nil }
        let details = ProblemDetails(problem, instance: request.uri.path)
        return ProblemBody(type: details.type, title: details.title, status: details.status, detail: details.detail,
                           instance: details.instance, errors: details.errors, errorCount: details.errorCount).response()
    }
}
