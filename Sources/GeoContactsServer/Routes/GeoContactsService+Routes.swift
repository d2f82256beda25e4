import GeoContacts
import Hummingbird
import HTTPTypes
import Metrics

extension GeoContactsService {
    func addRoutes(to router: Router<BasicRequestContext>) {
        // Liveness: the process answers.
        router.get("/health") { _, _ in
            try JSONCoding.response(["status": "ok"])
        }
        // Readiness: the store accepts writes (503 while its last commit or read failed, or
        // while one has waited past the store's limit).
        router.get("/health/ready") { request, _ in
            let health = directory.storageHealth
            guard health.isHealthy else {
                let detail = health.stalled != nil
                    ? "A commit or read of the store has been waiting too long; writes may not return until it ends."
                    : "The last commit or read of the store failed (\(health.failedBatches) commits failed so far); writes may be refused until one succeeds."
                return ProblemDetails(type: ProblemDetails.typePrefix + "storage-failing", title: "The store is failing",
                                      status: 503, detail: detail, instance: request.uri.path).response()
            }
            return try JSONCoding.response(["status": "ready"])
        }
        router.get("/openapi.yaml") { _, _ in
            var buffer = ByteBuffer()
            buffer.writeString(OpenAPIDocument.text)
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: buffer))
        }
        addContactRoutes(to: router)
        addBatchRoutes(to: router)
        addQueryRoutes(to: router)
        addHierarchyRoutes(to: router)
        addAdminRoutes(to: router)
    }

    // MARK: Contacts

    func addContactRoutes(to router: Router<BasicRequestContext>) {
        let limit = configuration.maximumBodySize
        router.post("/v1/contacts") { request, context in
            let caller = try await authenticator.caller(for: request)
            try caller.require(.write)
            let body = try await RequestInput(request, context: context).jsonBody(limit: limit)
            let draft = try ContactDraft(json: body)
            try await catchUp(as: caller, request)
            let id = try await directory.create(draft, as: caller)
            recordCount(of: caller.customer)
            // `{"id":<id>}`, as JSONCoding would encode CreatedResource, without a JSONEncoder.
            var created = ByteBuffer()
            created.writeString("{\"id\":\(id.rawValue)}")
            return Response(status: .created,
                            headers: [.contentType: "application/json", .location: "/v1/contacts/\(id.rawValue)"],
                            body: .init(byteBuffer: created))
        }
        router.get("/v1/contacts") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let groupId = try input.int64("groupId").map { GroupID($0) }
            let parentId = try input.int64("parentId").map { ContactID($0) }
            let reference = try input.string("reference")
            let filter = ContactFilter(groupId: groupId, parentId: parentId, reference: reference)
            let page = try input.page(allowingCursor: true)
            let snapshot = try await snapshot(as: caller, request)
            let contacts: Page<Contact> = try snapshot.contacts(matching: filter, page: page)
            return ContactJSON.page(contacts, withCursor: true).response()
        }
        router.get("/v1/contacts/{id}") { request, context in
            let caller = try await authenticator.caller(for: request)
            let id = try RequestInput(request, context: context).contactID()
            let snapshot = try await snapshot(as: caller, request)
            return try ContactJSON.single(snapshot.contact(id)).response()
        }
        router.patch("/v1/contacts/{id}") { request, context in
            let caller = try await authenticator.caller(for: request)
            try caller.require(.write)
            let input = RequestInput(request, context: context)
            let id = try input.contactID()
            let body = try await input.jsonBody(limit: limit)
            let patch = try ContactPatch(json: body)
            try await catchUp(as: caller, request)
            try await directory.update(id, with: patch, as: caller)
            return Response(status: .noContent)
        }
        router.delete("/v1/contacts/{id}") { request, context in
            let caller = try await authenticator.caller(for: request)
            try caller.require(.write)
            let input = RequestInput(request, context: context)
            let id = try input.contactID()
            let policy: RemovalPolicy
            switch try input.string("children") {
            case nil, "reject": policy = .reject
            case "reparent": policy = .reparentChildren
            case "cascade": policy = .cascade
            case let other?:
                throw HTTPProblem.invalidParameter("children", "must be reject, reparent or cascade, not \"\(other.prefix(40))\"")
            }
            try await catchUp(as: caller, request)
            try await directory.remove(id, children: policy, as: caller)
            recordCount(of: caller.customer)
            return Response(status: .noContent)
        }
    }

    /// Records the `geocontacts_contacts` gauge for every customer (at start-up).
    public func recordContactCounts() {
        for customer in directory.customers { recordCount(of: customer) }
    }

    /// The `geocontacts_contacts` gauge: contacts per customer.
    func recordCount(of customer: CustomerID) {
        Gauge(label: "geocontacts_contacts", dimensions: [("customer", customer.description)])
            .record(directory.snapshot(of: customer).count)
    }
}

/// `{"items": [...]}`: the answer of a spatial query.
struct ItemsResource<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
}
