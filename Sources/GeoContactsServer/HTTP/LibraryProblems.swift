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
        return ProblemDetails(problem, instance: request.uri.path).response()
    }
}
