package import Hummingbird

/// The service's routes as (method, path template) pairs, e.g. `GET /v1/contacts/{id}`:
/// what the router registers, what ``ProblemMiddleware`` consults to answer 405 rather than
/// 404, and what the OpenAPI test compares with the document.
package struct RouteTable: Sendable {
    /// One route; `{name}` segments match any one non-empty segment.
    package struct Route: Hashable, Sendable, CustomStringConvertible {
        package var method: HTTPRequest.Method
        package var path: String
        package var description: String { "\(method.rawValue) \(path)" }
    }

    package private(set) var routes: [Route] = []
    /// The body limit in force, for the 413 detail.
    package var maximumBodySize: Int

    package init(maximumBodySize: Int) { self.maximumBodySize = maximumBodySize }

    mutating func add(_ method: HTTPRequest.Method, _ path: String) {
        routes.append(Route(method: method, path: path))
    }

    /// The methods of the route template that the router would pick for `path`: like
    /// Hummingbird's trie, a constant segment wins over a `{capture}` at the same place, so
    /// `/v1/contacts/nearest` is not `/v1/contacts/{id}`.
    package func methods(matching path: String) -> [HTTPRequest.Method] {
        let segments = Self.segments(path)
        var best: [Bool]?  // per segment: matched a constant
        var result: [HTTPRequest.Method] = []
        for route in routes {
            let template = Self.segments(route.path)
            guard template.count == segments.count else { continue }
            var constants: [Bool] = []
            var matches = true
            for (t, s) in zip(template, segments) {
                if t == s { constants.append(true) } else if t.first == "{" && !s.isEmpty { constants.append(false) } else {
                    matches = false
                    break
                }
            }
            guard matches else { continue }
            if best == nil || constants.lexicographicallyPrecedes(best!, by: { $0 && !$1 }) {
                best = constants
                result = [route.method]
            } else if constants == best!, !result.contains(route.method) {
                result.append(route.method)
            }
        }
        return result
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
