/// An RFC 9457 problem details body (`application/problem+json`), built once at the edge
/// from a ``ContactProblem``.
///
/// ```json
/// {"detail":"1 property is invalid.","errors":{"location.latitude":["must be between -90 and 90"]},
///  "instance":"/v1/contacts","status":422,"title":"One or more properties are invalid",
///  "type":"urn:geocontacts:problem:validation-failed"}
/// ```
/// `errors` is omitted when the problem is not about properties. It holds at most
/// ``maximumErrorCount`` properties (the first in sorted path order); when more were invalid,
/// `errorCount` gives how many, so that no request can make an unbounded answer.
public struct ProblemDetails: Codable, Hashable, Sendable {
    /// The media type of a problem details body.
    public static let mediaType = "application/problem+json"
    /// The prefix of every ``type`` URI; the code's raw value follows it.
    public static let typePrefix = "urn:geocontacts:problem:"

    /// A stable URI per ``ContactProblem/Code``.
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    /// The request path (or other URI reference) of this occurrence, if known.
    public var instance: String?
    /// Offending properties by path, each with its messages (at most ``maximumErrorCount``).
    public var errors: [String: [String]]?
    /// How many properties were invalid, present only when `errors` was cut short.
    public var errorCount: Int?

    /// The most properties `errors` lists.
    public static let maximumErrorCount = 100

    public init(type: String, title: String, status: Int, detail: String, instance: String? = nil,
                errors: [String: [String]]? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
    }

    /// The body for `problem`, occurring at `instance` (typically the request path).
    public init(_ problem: ContactProblem, instance: String? = nil) {
        var errors = problem.errors
        var errorCount: Int?
        if let all = errors, all.count > Self.maximumErrorCount {
            var kept: [String: [String]] = [:]
            for key in all.keys.sorted().prefix(Self.maximumErrorCount) { kept[key] = all[key] }
            errors = kept
            errorCount = all.count
        }
        self.init(type: Self.typePrefix + problem.code.rawValue, title: problem.code.title,
                  status: problem.status, detail: problem.detail, instance: instance,
                  errors: errors)
        self.errorCount = errorCount
    }
}
