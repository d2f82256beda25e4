import GeoContacts
import Hummingbird
import HTTPTypes
import Synchronization

extension GeoContactsService {
    func addAdminRoutes(to router: Router<BasicRequestContext>) {
        let limit = configuration.maximumBodySize
        router.get("/v1/contactGroups") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let page = try input.page()
            let snapshot = try await snapshot(as: caller, request)
            let groups: [ContactGroup] = snapshot.groups
            return try JSONCoding.response(Self.page(groups, page))
        }
        router.post("/v1/contactGroups") { request, context in
            let caller = try await authenticator.caller(for: request)
            try caller.require(.admin)
            let body = try await RequestInput(request, context: context).jsonBody(limit: limit)
            let input = try GroupDraft(json: body)
            let id = try admin.nextGroupID(for: caller.customer, after: directory.snapshot(of: caller.customer).groups.last?.id.rawValue ?? 0)
            try await directory.defineGroup(ContactGroup(id: GroupID(id), name: input.name), as: caller)
            return try JSONCoding.response(["id": id], status: .created)
        }
        router.get("/v1/customFieldDefinitions") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let page = try input.page()
            let snapshot = try await snapshot(as: caller, request)
            let definitions: [DefinitionResource] = snapshot.customFieldDefinitions.map { DefinitionResource($0) }
            return try JSONCoding.response(Self.page(definitions, page))
        }
        router.post("/v1/customFieldDefinitions") { request, context in
            let caller = try await authenticator.caller(for: request)
            try caller.require(.admin)
            let body = try await RequestInput(request, context: context).jsonBody(limit: limit)
            let input = try DefinitionDraft(json: body)
            let after = directory.snapshot(of: caller.customer).customFieldDefinitions.last?.id.rawValue ?? 0
            let id = try admin.nextDefinitionID(for: caller.customer, after: after)
            let definition = CustomFieldDefinition(
                id: DefinitionID(id), name: input.name, type: .init(rawValue: input.type), options: input.options,
                groupIds: Set(input.groupIds.map { GroupID($0) }))
            try await directory.defineCustomField(definition, as: caller)
            return try JSONCoding.response(["id": id], status: .created)
        }
    }

    static func page<T>(_ all: [T], _ page: PageRequest) -> Page<T> {
        let (offset, overflow) = (page.pageNumber - 1).multipliedReportingOverflow(by: page.pageSize)
        let start = overflow ? all.count : min(all.count, offset)
        return Page(items: Array(all[start..<min(all.count, start + page.pageSize)]), pageNumber: page.pageNumber,
                    pageSize: page.pageSize)
    }
}

/// A custom-field definition as the API answers it (`groupIds` ascending).
struct DefinitionResource: Encodable, Sendable {
    var id: Int64
    var name: String
    var type: String
    var options: [String]
    var groupIds: [Int64]

    init(_ d: CustomFieldDefinition) {
        id = d.id.rawValue
        name = d.name
        type = d.type.rawValue
        options = d.options
        groupIds = d.groupIds.map(\.rawValue).sorted()
    }
}

/// Allocates group and definition ids per customer (the library takes them from the caller):
/// one above the highest in use, never handed out twice in a process, even to concurrent
/// requests. A refused definition leaves a gap. Like contact ids, `Int64.max` is never handed
/// out: once the next id would be it, every allocation is a 409 `ids-exhausted` (ids defined
/// through the library, e.g. `geocontacts define-group --id`, may reach the top of Int64).
final class AdminIDAllocator: Sendable {
    private let next = Mutex<[String: Int64]>([:])

    func nextGroupID(for customer: CustomerID, after highest: Int64) throws(ContactProblem) -> Int64 {
        try allocate("g\(customer.rawValue)", after: highest, kind: "contact group")
    }

    func nextDefinitionID(for customer: CustomerID, after highest: Int64) throws(ContactProblem) -> Int64 {
        try allocate("d\(customer.rawValue)", after: highest, kind: "custom-field definition")
    }

    private func allocate(_ key: String, after highest: Int64, kind: String) throws(ContactProblem) -> Int64 {
        let id: Int64? = next.withLock { next in
            // Both candidates are checked: `highest` comes from stored data, and `Int64.max`
            // stays unused so that `id + 1` below cannot overflow.
            guard highest < Int64.max - 1 else { return nil }
            let id = max(next[key] ?? 1, highest + 1)
            guard id < Int64.max else { return nil }
            next[key] = id + 1
            return id
        }
        guard let id else { throw ContactProblem(.idsExhausted, detail: "No \(kind) id is left for this customer.") }
        return id
    }
}
