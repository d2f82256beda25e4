package import Hummingbird
import GeoContacts
import HTTPTypes

/// Consistency across replicas (a directory over a `SharedJournal`, e.g. `serve --postgres`):
/// every successful answer that wrote or read a customer's data carries `GeoContacts-Version`,
/// the customer's version it produced or read. A request may send `GeoContacts-Min-Version`
/// (such a version): the replica answering it first catches up to it (see
/// ``GeoContactsService/snapshot(as:_:)`` and, for writes, ``GeoContactsService/catchUp(as:_:)``),
/// which gives read-your-writes and monotonic reads whichever replica answers, and writes
/// validated against at least what the client saw.
///
/// Without a shared journal there are no versions: no header is sent, and a minimum version
/// above 0 is answered with 503 `version-unavailable`.
package struct VersionMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var (response, version) = try await ContactDirectory.recordingVersion { try await next(request, context) }
        if version > 0 { response.headers[.contentsVersion] = String(version) }
        return response
    }
}

extension HTTPField.Name {
    /// `GeoContacts-Version`: the customer's version an answer produced or read.
    static let contentsVersion = HTTPField.Name("GeoContacts-Version")!
    /// `GeoContacts-Min-Version`: the version a read must at least see, and a write be
    /// validated against.
    static let minimumVersion = HTTPField.Name("GeoContacts-Min-Version")!
}

extension GeoContactsService {
    /// How long a read waits for its replica to reach `GeoContacts-Min-Version`.
    static let versionWait = Duration.seconds(5)

    /// The caller's customer's state, at least at the request's `GeoContacts-Min-Version`.
    ///
    /// - Throws: 400 `invalid-parameter` for a header that is not one non-negative integer;
    ///   403 without `contacts:read`; 503 `version-unavailable` when the replica did not reach
    ///   the version within ``versionWait``.
    func snapshot(as caller: Caller, _ request: Request) async throws -> CustomerSnapshot {
        try await directory.snapshot(as: caller, minimumVersion: Self.minimumVersion(of: request), wait: Self.versionWait)
    }

    /// Before a write: this replica has the caller's customer at the request's
    /// `GeoContacts-Min-Version` at least (``ContactDirectory/catchUp(to:as:wait:)``), so the
    /// write is validated against what the client saw elsewhere.
    ///
    /// - Throws: 400 `invalid-parameter` for a malformed header; 403 without `contacts:write`
    ///   or `contacts:admin`; 503 `version-unavailable` when the replica did not reach the
    ///   version within ``versionWait``.
    func catchUp(as caller: Caller, _ request: Request) async throws {
        try await directory.catchUp(to: Self.minimumVersion(of: request), as: caller, wait: Self.versionWait)
    }

    /// The request's `GeoContacts-Min-Version`.
    ///
    /// - Throws: 400 `invalid-parameter` for a header that is not one non-negative integer.
    static func minimumVersion(of request: Request) throws -> Int64? {
        guard let text = request.headers.value(of: .minimumVersion) else { return nil }
        guard text.count <= 19, let value = Int64(text), value >= 0 else {
            throw HTTPProblem.invalidParameter("GeoContacts-Min-Version", "must be a version (a non-negative integer)")
        }
        return value
    }
}
