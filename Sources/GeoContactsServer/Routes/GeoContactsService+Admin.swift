import GeoContacts
import Hummingbird
import HTTPTypes

extension GeoContactsService {
    func addAdminRoutes(to router: Router<BasicRequestContext>) {
        let limit = configuration.maximumBodySize
        router.get("/v1/contactGroups") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let page = try input.page()
            let snapshot = try await snapshot(as: caller, request)
            let groups: [ContactGroup] = snapshot.groups
            return try JSONCoding.response(page.page(of: groups))
        }
        router.post("/v1/contactGroups") { request, context in
            let caller = try await authenticator.caller(for: request)
            try caller.require(.admin)
            let body = try await RequestInput(request, context: context).jsonBody(limit: limit)
            try await catchUp(as: caller, request)
            let id = try await directory.createGroup(named: GroupDraft(json: body).name, as: caller)
            return try JSONCoding.response(["id": id.rawValue], status: .created)
        }
        router.get("/v1/customFieldDefinitions") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let page = try input.page()
            let snapshot = try await snapshot(as: caller, request)
            let definitions: [DefinitionResource] = snapshot.customFieldDefinitions.map { DefinitionResource($0) }
            return try JSONCoding.response(page.page(of: definitions))
        }
        router.post("/v1/customFieldDefinitions") { request, context in
            let caller = try await authenticator.caller(for: request)
            try caller.require(.admin)
            let body = try await RequestInput(request, context: context).jsonBody(limit: limit)
            try await catchUp(as: caller, request)
            let id = try await directory.createCustomField(DefinitionDraft(json: body), as: caller)
            return try JSONCoding.response(["id": id.rawValue], status: .created)
        }
        router.delete("/v1/contactGroups/{id}") { request, context in
            let caller = try await authenticator.caller(for: request)
            try caller.require(.admin)
            let input = RequestInput(request, context: context)
            let id = GroupID(try input.positiveID(of: "contact group"))
            let target = try input.positiveInt64("moveContactsTo").map { GroupID($0) }
            try await catchUp(as: caller, request)
            try await directory.removeGroup(id, moveContactsTo: target, as: caller)
            return Response(status: .noContent)
        }
        router.delete("/v1/customFieldDefinitions/{id}") { request, context in
            let caller = try await authenticator.caller(for: request)
            try caller.require(.admin)
            let input = RequestInput(request, context: context)
            let id = DefinitionID(try input.positiveID(of: "custom field definition"))
            let clearing = try input.bool("clearValues") ?? false
            try await catchUp(as: caller, request)
            try await directory.removeCustomField(id, clearingValues: clearing, as: caller)
            return Response(status: .noContent)
        }
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
