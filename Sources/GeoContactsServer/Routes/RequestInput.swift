import Foundation
import GeoContacts
import Hummingbird

/// Reading typed values out of a request: path ids, query parameters and JSON bodies, each
/// refusal a 400, 413 or 415 problem naming what was wrong.
struct RequestInput {
    let request: Request
    let parameters: Parameters
    let query: [String: [String]]

    init(_ request: Request, context: some RequestContext) {
        self.request = request
        self.parameters = context.parameters
        var query: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters {
            query[String(key), default: []].append(String(value))
        }
        self.query = query
    }

    /// The contact id in the path (`{id}`): an int64, else a 400.
    func contactID() throws(HTTPProblem) -> ContactID {
        let raw = parameters.get("id") ?? ""
        guard let value = Int64(raw), value.description == raw else {
            throw HTTPProblem.invalidParameter("id", "must be an int64 contact id, not \"\(raw.prefix(40))\"")
        }
        return ContactID(value)
    }

    /// The id in the path (`{id}`) of a `kind` (group, definition): a positive int64, else a 400.
    func positiveID(of kind: String) throws(HTTPProblem) -> Int64 {
        let raw = parameters.get("id") ?? ""
        guard let value = Int64(raw), value.description == raw, value > 0 else {
            throw HTTPProblem.invalidParameter("id", "must be a positive int64 \(kind) id, not \"\(raw.prefix(40))\"")
        }
        return value
    }

    /// A query parameter naming a group or definition: a positive int64 if given, else a 400.
    func positiveInt64(_ name: String) throws(HTTPProblem) -> Int64? {
        guard let value = try int64(name) else { return nil }
        guard value > 0 else { throw HTTPProblem.invalidParameter(name, "must be a positive int64, not \(value)") }
        return value
    }

    /// A query parameter given at most once.
    func string(_ name: String) throws(HTTPProblem) -> String? {
        guard let values = query[name] else { return nil }
        guard values.count == 1 else { throw HTTPProblem.invalidParameter(name, "must be given once") }
        return values[0]
    }

    func int64(_ name: String) throws(HTTPProblem) -> Int64? {
        guard let text = try string(name) else { return nil }
        guard let value = Int64(text), value.description == text else {
            throw HTTPProblem.invalidParameter(name, "must be an int64, not \"\(text.prefix(40))\"")
        }
        return value
    }

    func int(_ name: String, default value: Int) throws(HTTPProblem) -> Int {
        guard let v = try int64(name) else { return value }
        guard let i = Int(exactly: v) else { throw HTTPProblem.invalidParameter(name, "is out of range") }
        return i
    }

    /// A finite number.
    func double(_ name: String) throws(HTTPProblem) -> Double? {
        guard let text = try string(name) else { return nil }
        guard let value = Double(text), value.isFinite, !text.contains(where: { $0 == "x" || $0 == "X" || $0 == "p" || $0 == "P" }) else {
            throw HTTPProblem.invalidParameter(name, "must be a finite decimal number, not \"\(text.prefix(40))\"")
        }
        return value
    }

    func requiredDouble(_ name: String) throws(HTTPProblem) -> Double {
        guard let value = try double(name) else { throw HTTPProblem.invalidParameter(name, "is required") }
        return value
    }

    /// `pageNumber` (default 1) and `pageSize` (default 50, at most 1000).
    /// `pageNumber` and `pageSize`, and — where `allowingCursor` (the listings ordered by contact
    /// id) — `after` (the `next` of the page before), from which `pageNumber` then counts.
    func page(allowingCursor: Bool = false) throws -> PageRequest {
        let size = try int("pageSize", default: PageRequest.defaultPageSize)
        guard let after = try int64("after") else {
            return try PageRequest(pageNumber: int("pageNumber", default: 1), pageSize: size)
        }
        guard allowingCursor else {
            throw HTTPProblem.invalidParameter("after", "applies only to the contact listings ordered by id; use pageNumber")
        }
        return try PageRequest(after: ContactID(after), pageNumber: int("pageNumber", default: 1), pageSize: size)
    }

    /// The body of a POST or PATCH: `application/json` (or a `+json` type), at most `limit` bytes.
    func jsonBody(limit: Int) async throws -> [UInt8] {
        let contentType = request.headers.value(of: .contentType)
        guard let contentType, Self.isJSON(contentType) else { throw HTTPProblem.unsupportedMediaType(contentType) }
        if let length = request.headers.value(of: .contentLength).flatMap(Int.init), length > limit {
            throw HTTPProblem.payloadTooLarge(limit: limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw HTTPProblem.payloadTooLarge(limit: limit)
        }
    }

    static func isJSON(_ contentType: String) -> Bool {
        // `prefix(while:)`, never `split(...)[0]`: an empty header or one of only `;` has no first part.
        let mediaType = contentType.prefix(while: { $0 != ";" }).trimmingSpaces.lowercased()
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
