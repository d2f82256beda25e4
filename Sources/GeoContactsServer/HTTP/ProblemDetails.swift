package import GeoContacts
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An RFC 9457 problem details body (`application/problem+json`): the one body of every error
/// the service answers, built at the edge from a ``HTTPProblem`` or a `ContactProblem` (whose
/// status comes from the one mapping, `ContactProblem.Code.status`).
///
/// ```json
/// {"detail":"1 property is invalid.","errors":{"location.latitude":["must be between -90 and 90"]},
///  "instance":"/v1/contacts","status":422,"title":"One or more properties are invalid",
///  "type":"urn:geocontacts:problem:validation-failed"}
/// ```
/// `errors` is omitted when the problem is not about properties. It holds at most
/// ``maximumErrorCount`` properties (the first in sorted path order); when more were invalid,
/// `errorCount` gives how many, so that no request can make an unbounded answer.
package struct ProblemDetails: Codable, Hashable, Sendable {
    /// The media type of a problem details body.
    package static let mediaType = "application/problem+json"
    /// The prefix of every ``type`` URI; the code's raw value follows it.
    package static let typePrefix = "urn:geocontacts:problem:"

    /// A stable URI per code (``typePrefix`` followed by the code).
    package var type: String
    package var title: String
    /// The HTTP status code.
    package var status: Int
    package var detail: String
    /// The request path (or other URI reference) of this occurrence, if known.
    package var instance: String?
    /// Offending properties by path, each with its messages (at most ``maximumErrorCount``).
    package var errors: [String: [String]]?
    /// How many properties were invalid, present only when `errors` was cut short.
    package var errorCount: Int?

    /// The most properties `errors` lists.
    package static let maximumErrorCount = 100

    package init(type: String, title: String, status: Int, detail: String, instance: String? = nil,
                 errors: [String: [String]]? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
    }

    /// The body for `problem`, occurring at `instance` (typically the request path), with the
    /// status of its code.
    package init(_ problem: ContactProblem, instance: String? = nil) {
        var errors = problem.errors
        var errorCount: Int?
        if let all = errors, all.count > Self.maximumErrorCount {
            var kept: [String: [String]] = [:]
            for key in all.keys.sorted().prefix(Self.maximumErrorCount) { kept[key] = all[key] }
            errors = kept
            errorCount = all.count
        }
        self.init(type: Self.typePrefix + problem.code.rawValue, title: problem.code.title,
                  status: Int(problem.code.status.code), detail: problem.detail, instance: instance,
                  errors: errors)
        self.errorCount = errorCount
    }

    /// The problem as an `application/problem+json` response (keys sorted, for stable bodies).
    func response() -> Response {
        let data = (try? JSONCoding.encoder.encode(self)) ?? Data()
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return Response(status: HTTPResponse.Status(code: status), headers: [.contentType: Self.mediaType],
                        body: .init(byteBuffer: buffer))
    }
}
