import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GeoContacts
import GeoContactsInterchange

/// An import into a running service through its bulk endpoint (`POST /v1/contactBatches`,
/// NDJSON bodies, durable before it answers): requests of at most ``requestSize`` rows,
/// one after the other; an atomic import sends every row in one `?atomic=true` request at
/// the end (so it is bounded by the service's batch limits), and nothing at all when the file
/// itself has rows it cannot read. Rows that name an id are refused: the service gives ids.
struct ServerImport: ImportTarget {
    static let requestSize = 10_000

    let endpoint: URL
    let token: String
    let customer: Int64
    let atomic: Bool
    private(set) var records = 0
    private(set) var created = 0
    private(set) var rejected = 0
    /// Rows waiting to be sent (an atomic import's, until the end).
    private var bodies: [UInt8] = []
    private var lines: [Int] = []

    init(server: String, token: String, customer: Int64, atomic: Bool) throws {
        guard let base = URL(string: server), let scheme = base.scheme, ["http", "https"].contains(scheme.lowercased()),
              base.host != nil
        else { throw CommandFailure("--server must be an http(s) URL, like http://127.0.0.1:8080, not \(server)") }
        endpoint = base.appendingPathComponent("v1/contactBatches")
        self.token = token
        self.customer = customer
        self.atomic = atomic
    }

    mutating func add(_ parsed: ParsedChunk) async throws {
        records += parsed.count
        var problems = parsed.problems
        for (item, line) in zip(parsed.items, parsed.lines) {
            if let id = item.id {
                problems.append((line, ["id": ["the service gives every contact its id; \(id) cannot be kept (import into a data folder keeps ids)"]]))
                continue
            }
            bodies += Array(ContactFileWriter.createBody(item.draft).utf8)
            bodies.append(0x0A)
            lines.append(line)
            if !atomic && lines.count >= Self.requestSize { problems += try await send() }
        }
        if !atomic && !lines.isEmpty { problems += try await send() }
        rejected += problems.count
        report(problems)
    }

    mutating func finish() async throws {
        guard !lines.isEmpty else { return }
        let problems = try await send()
        rejected += problems.count
        report(problems)
        if atomic && !problems.isEmpty { created = 0 }
    }

    /// Sends the waiting rows; returns the refused ones' problems (an atomic batch's items
    /// refused only because another one was are not reported).
    private mutating func send() async throws -> [(line: Int, problems: [String: [String]])] {
        defer {
            bodies.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
        }
        var url = endpoint
        if atomic { url = URL(string: endpoint.absoluteString + "?atomic=true") ?? endpoint }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("\(customer)", forHTTPHeaderField: "Customer-Id")
        request.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(bodies)
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CommandFailure("cannot reach \(endpoint.absoluteString): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = try? JSONSerialization.jsonObject(with: data)
        guard status == 200, let answer = json as? [String: Any], let items = answer["items"] as? [[String: Any]],
              items.count == lines.count
        else {
            let problem = json as? [String: Any]
            let detail = problem?["detail"] as? String ?? problem?["title"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self)
            throw CommandFailure("\(endpoint.absoluteString) answered \(status): \(detail)")
        }
        var problems: [(line: Int, problems: [String: [String]])] = []
        for (item, line) in zip(items, lines) {
            if item["status"] as? Int == 201 {
                created += 1
                continue
            }
            let problem = item["problem"] as? [String: Any]
            if problem?["type"] as? String == ProblemDetails.typePrefix + ContactProblem.Code.batchAborted.rawValue { continue }
            let errors = problem?["errors"] as? [String: [String]]
            problems.append((line, errors ?? ["": [problem?["detail"] as? String ?? "refused (\(item["status"] ?? "?"))"]]))
        }
        return problems
    }
}
