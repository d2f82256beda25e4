import GeoContacts
import Hummingbird
import HTTPTypes

extension GeoContactsService {
    /// `POST /v1/contactBatches`: many create bodies in one request (a JSON array, or NDJSON
    /// with `Content-Type: application/x-ndjson`), created as one durable batch. Answers 200
    /// once the batch is durable, with one result per item in order:
    /// `{"created":n,"refused":m,"items":[{"id":1,"status":201},{"problem":{…},"status":422},…]}`.
    /// `?atomic=true` creates all or nothing (valid items of a refused batch answer 424).
    func addBatchRoutes(to router: Router<BasicRequestContext>) {
        let limit = configuration.maximumBatchBodySize
        let maximumCount = configuration.maximumBatchCount
        router.post("/v1/contactBatches") { request, context in
            let caller = try await authenticator.caller(for: request)
            try caller.require(.write)
            let input = RequestInput(request, context: context)
            let atomic = try input.bool("atomic") ?? false
            let (body, ndjson) = try await input.batchBody(limit: limit)
            let items = try ContactDraft.batch(body, ndjson: ndjson, maximumCount: maximumCount)
            // Items that did not decode keep their 400; the others are created as one batch.
            let drafts = items.compactMap { try? $0.get() }
            var created: [Result<ContactID, ContactProblem>]
            if atomic && drafts.count < items.count {
                let aborted = ContactProblem(.batchAborted, detail: "Not created: another item of this all-or-nothing batch was refused.")
                created = Array(repeating: .failure(aborted), count: drafts.count)
            } else {
                try await catchUp(as: caller, request)
                created = try await directory.create(contentsOf: drafts, atomically: atomic, as: caller)
            }
            var results: [Result<ContactID, ContactProblem>] = []
            results.reserveCapacity(items.count)
            var next = created.makeIterator()
            for item in items {
                switch item {
                case .failure(let problem): results.append(.failure(problem))
                case .success: results.append(next.next() ?? .failure(ContactProblem(.internalError, detail: "An item was not answered.")))
                }
            }
            if created.contains(where: { (try? $0.get()) != nil }) { recordCount(of: caller.customer) }
            return ContactJSON.batch(results, instance: request.uri.path).response()
        }
    }
}

extension RequestInput {
    /// A boolean query parameter: `true` or `false`.
    func bool(_ name: String) throws(HTTPProblem) -> Bool? {
        guard let text = try string(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw HTTPProblem.invalidParameter(name, "must be true or false, not \"\(text.prefix(40))\"")
        }
    }

    /// The body of a bulk request, and whether it is NDJSON (`application/x-ndjson`) rather
    /// than JSON.
    func batchBody(limit: Int) async throws -> (body: [UInt8], ndjson: Bool) {
        let contentType = request.headers.value(of: .contentType) ?? ""
        let mediaType = contentType.prefix { $0 != ";" }.trimmingSpaces.lowercased()
        guard mediaType == "application/x-ndjson" else { return (try await jsonBody(limit: limit), false) }
        if let length = request.headers.value(of: .contentLength).flatMap(Int.init), length > limit {
            throw HTTPProblem.payloadTooLarge(limit: limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return (Array(buffer.readableBytesView), true)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw HTTPProblem.payloadTooLarge(limit: limit)
        }
    }
}

extension ContactJSON {
    /// The answer of a bulk create: counts, then one item per input item, in order.
    static func batch(_ results: [Result<ContactID, ContactProblem>], instance: String) -> ContactJSON {
        var w = ContactJSON(capacity: 64 + results.count * 24)
        let created = results.reduce(0) { count, result in (try? result.get()) == nil ? count : count + 1 }
        w.raw("{\"created\":")
        w.int(created)
        w.raw(",\"items\":[")
        for (i, result) in results.enumerated() {
            if i > 0 { w.raw(",") }
            switch result {
            case .success(let id):
                w.raw("{\"id\":")
                w.int(id.rawValue)
                w.raw(",\"status\":201}")
            case .failure(let problem):
                let details = ProblemDetails(problem, instance: instance)
                w.raw("{\"problem\":")
                w.problem(details)
                w.raw(",\"status\":")
                w.int(details.status)
                w.raw("}")
            }
        }
        w.raw("],\"refused\":")
        w.int(results.count - created)
        w.raw("}")
        return w
    }

    /// A problem details object, keys sorted (as the problem+json bodies are written).
    mutating func problem(_ details: ProblemDetails) {
        raw("{\"detail\":")
        string(details.detail)
        if let count = details.errorCount {
            raw(",\"errorCount\":")
            int(count)
        }
        if let errors = details.errors {
            raw(",\"errors\":{")
            for (i, key) in errors.keys.sorted().enumerated() {
                if i > 0 { raw(",") }
                string(key)
                raw(":[")
                for (j, message) in (errors[key] ?? []).enumerated() {
                    if j > 0 { raw(",") }
                    string(message)
                }
                raw("]")
            }
            raw("}")
        }
        if let instance = details.instance {
            raw(",\"instance\":")
            string(instance)
        }
        raw(",\"status\":")
        int(details.status)
        raw(",\"title\":")
        string(details.title)
        raw(",\"type\":")
        string(details.type)
        raw("}")
    }
}
