import AsyncHTTPClient
import Foundation
import GeoContacts
import GeoContactsInterchange
import GeoContactsServer
import NIOCore
import NIOHTTP1

/// An import into a running service through its bulk endpoint (`POST /v1/contactBatches`,
/// NDJSON bodies, durable before it answers): requests of at most ``requestRows`` rows, with
/// up to ``requestsInFlight`` sent before the oldest answer is awaited (so the service stores
/// one while the next is read and sent), answers read in order. An atomic import sends every
/// row in one `?atomic=true` request at the end (so it is bounded by the service's batch
/// limits), and nothing at all when the file itself has rows it cannot read. Rows that name an
/// id are refused: the service gives ids. Rejected rows are reported a chunk at a time, in line
/// order, once every request of the chunk is answered.
struct ServerImport: ImportTarget {
    /// Rows a request holds at most, unless told otherwise: large enough that the service
    /// indexes each request's contacts in bulk (``ContactDirectory`` applies a batch of 4,096
    /// or more on a copy); 25,000 used less of its CPU per contact than 10,000.
    static let requestSize = 25_000
    static let requestsInFlight = 3

    typealias Problem = (line: Int, problems: [String: [String]])

    /// A request sent (or none), its rows' lines, and, on the last one of a chunk, the chunk's
    /// rows refused before sending.
    private struct Pending {
        let answer: Task<(status: UInt, body: ByteBuffer), any Error>?
        let lines: [Int]
        let endsChunk: [Problem]?
    }

    let endpoint: String
    let token: String
    let customer: Int64
    let atomic: Bool
    let requestRows: Int
    private(set) var records = 0
    private(set) var created = 0
    private(set) var rejected = 0
    /// Rows waiting to be sent (an atomic import's, until the end).
    private var bodies = JSONWriter(capacity: 4 << 20)
    private var lines: [Int] = []
    /// Requests in the order they were sent.
    private var pending: [Pending] = []
    /// Problems of the current chunk's answered requests, reported when the chunk's last is.
    private var unreported: [Problem] = []

    init(server: String, token: String, customer: Int64, atomic: Bool, requestRows: Int = requestSize) throws {
        guard let base = URL(string: server), let scheme = base.scheme, ["http", "https"].contains(scheme.lowercased()),
              base.host != nil
        else { throw CommandFailure("--server must be an http(s) URL, like http://127.0.0.1:8080, not \(server)") }
        endpoint = base.appendingPathComponent("v1/contactBatches").absoluteString
        self.token = token
        self.customer = customer
        self.atomic = atomic
        self.requestRows = max(1, requestRows)
    }

    mutating func add(_ parsed: ParsedChunk) async throws {
        records += parsed.count
        var problems = parsed.problems
        for (item, line) in zip(parsed.items, parsed.lines) {
            if let id = item.id {
                problems.append((line, ["id": ["the service gives every contact its id; \(id) cannot be kept (import into a data folder keeps ids)"]]))
                continue
            }
            ContactFileWriter.createBody(item.draft, into: &bodies)
            bodies.raw("\n")
            lines.append(line)
            if !atomic && lines.count >= requestRows { try await send(endingChunk: nil) }
        }
        if atomic {
            rejected += problems.count
            report(problems)
        } else {
            try await send(endingChunk: problems)
        }
    }

    mutating func finish() async throws {
        if atomic && !lines.isEmpty {
            let before = rejected
            try await send(endingChunk: [])
            while !pending.isEmpty { try await receiveOldest() }
            if rejected > before { created = 0 }
        }
        while !pending.isEmpty { try await receiveOldest() }
    }

    /// Sends the waiting rows (if any) and queues the request; awaits the oldest answers while
    /// more than ``requestsInFlight`` are out.
    private mutating func send(endingChunk problems: [Problem]?) async throws {
        var answer: Task<(status: UInt, body: ByteBuffer), any Error>?
        if !lines.isEmpty {
            var request = HTTPClientRequest(url: atomic ? endpoint + "?atomic=true" : endpoint)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Customer-Id", value: "\(customer)")
            request.headers.add(name: "Content-Type", value: "application/x-ndjson")
            request.body = .bytes(ByteBuffer(bytes: bodies.bytes))
            let endpoint = endpoint
            answer = Task {
                do {
                    let response = try await HTTPClient.shared.execute(request, timeout: .minutes(10))
                    return (response.status.code, try await response.body.collect(upTo: 256 << 20))
                } catch {
                    throw CommandFailure("cannot reach \(endpoint): \(error)")
                }
            }
        }
        pending.append(Pending(answer: answer, lines: lines, endsChunk: problems))
        bodies.removeAll()
        lines.removeAll(keepingCapacity: true)
        while pending.count > Self.requestsInFlight { try await receiveOldest() }
    }

    /// Reads the oldest request's answer; reports its chunk's problems if it is the chunk's last.
    private mutating func receiveOldest() async throws {
        let oldest = pending.removeFirst()
        if let answer = oldest.answer {
            let (status, body) = try await answer.value
            unreported += try refusals(status: status, body: body, lines: oldest.lines)
        }
        if let problems = oldest.endsChunk {
            let chunk = unreported + problems
            unreported = []
            rejected += chunk.count
            report(chunk)
        }
    }

    /// The refused items' problems in one answer (an atomic batch's items refused only because
    /// another one was are not reported); counts the created ones.
    private mutating func refusals(status: UInt, body: ByteBuffer, lines: [Int]) throws -> [Problem] {
        // The package's own JSON parser: Foundation's JSONSerialization, bridging every item to
        // `Any`, took more of the client's CPU than reading and encoding the rows.
        // An answer whose every item was created says so first (`{"created":n,`, the keys
        // being written in order): its n items need no reading.
        if status == 200, body.readableBytesView.starts(with: "{\"created\":\(lines.count),".utf8) {
            created += lines.count
            return []
        }
        let bytes = Array(body.readableBytesView)
        let answer = try? JSONParser.parse(bytes)
        guard status == 200, let items = answer?[member: "items"]?.items, items.count == lines.count else {
            let detail = answer?[member: "detail"]?.text ?? answer?[member: "title"]?.text
                ?? String(decoding: bytes.prefix(200), as: UTF8.self)
            throw CommandFailure("\(endpoint) answered \(status): \(detail)")
        }
        var problems: [Problem] = []
        for (item, line) in zip(items, lines) {
            let itemStatus = item[member: "status"]
            if case .number("201")? = itemStatus {
                created += 1
                continue
            }
            let problem = item[member: "problem"]
            if problem?[member: "type"]?.text == ProblemDetails.typePrefix + ContactProblem.Code.batchAborted.rawValue { continue }
            let errors = problem?[member: "errors"]?.members.map { byPath in
                Dictionary(byPath.compactMap { path, messages in messages.items.map { (path, $0.compactMap(\.text)) } },
                           uniquingKeysWith: { first, _ in first })
            }
            let statusText = if case .number(let n)? = itemStatus { n } else { "?" }
            problems.append((line, errors ?? ["": [problem?[member: "detail"]?.text ?? "refused (\(statusText))"]]))
        }
        return problems
    }
}
