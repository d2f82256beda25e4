import GeoContacts
import Geodesy
import Hummingbird
import HTTPTypes

extension GeoContactsService {
    func addQueryRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/contacts/nearest") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let snapshot = try await snapshot(as: caller, request)  // the scope before any PROJ work
            return try await nearest(input, in: snapshot, filter: spatialFilter(input))
        }
        // Nearest inside a polygon: the GET's parameters, and the polygon (GeoJSON) as the body.
        router.post("/v1/contacts/nearest") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let snapshot = try await snapshot(as: caller, request)  // the scope before any PROJ work
            var filter = try spatialFilter(input)
            filter.polygon = try GeoPolygon(geoJSON: await input.jsonBody(limit: configuration.maximumBodySize))
            return try await nearest(input, in: snapshot, filter: filter)
        }
        // Every contact inside a polygon (GeoJSON body), ascending by id, paged like a box.
        router.post("/v1/contacts/within") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let filter = try spatialFilter(input)
            let page = try input.page()
            let snapshot = try await snapshot(as: caller, request)
            let polygon = try GeoPolygon(geoJSON: await input.jsonBody(limit: configuration.maximumBodySize))
            return try ContactJSON.page(snapshot.contacts(inside: polygon, filter: filter, page: page), withDistance: false).response()
        }
        router.get("/v1/contacts/within") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let filter = try spatialFilter(input)
            let circle = ["latitude", "longitude", "radius"].filter { input.query[$0] != nil }
            let box = ["south", "west", "north", "east"].filter { input.query[$0] != nil }
            if !circle.isEmpty && !box.isEmpty {
                throw HTTPProblem.invalidParameter("radius", "cannot be combined with a box (south, west, north, east)")
            }
            if !box.isEmpty {
                let geoBox = try GeoBox(south: input.requiredDouble("south"), west: input.requiredDouble("west"),
                                        north: input.requiredDouble("north"), east: input.requiredDouble("east"))
                let page = try input.page()
                let snapshot = try await snapshot(as: caller, request)
                return try ContactJSON.page(snapshot.contacts(in: geoBox, filter: filter, page: page), withDistance: false).response()
            }
            let page = try input.page()
            let snapshot = try await snapshot(as: caller, request)  // the scope before any PROJ work
            let crs = try input.string("crs")
            await directory.prepareCRS(CollectionOfOne(crs))  // a PROJ transformation is never created on this thread
            let point = try directory.point(latitude: input.requiredDouble("latitude"),
                                            longitude: input.requiredDouble("longitude"), crs: crs)
            let radius = try input.requiredDouble("radius")
            let hits = try snapshot.contacts(within: radius, of: point, filter: filter, page: page)
            return ContactJSON.page(hits, withDistance: true).response()
        }
    }

    /// The nearest contacts to the request's point (`latitude`, `longitude`, `crs`, `count`,
    /// `maxDistance`) that pass `filter`, as the nearest routes answer them.
    func nearest(_ input: RequestInput, in snapshot: CustomerSnapshot, filter: SpatialFilter) async throws -> Response {
        let crs = try input.string("crs")
        await directory.prepareCRS(CollectionOfOne(crs))  // a PROJ transformation is never created on this thread
        let point = try directory.point(latitude: input.requiredDouble("latitude"),
                                        longitude: input.requiredDouble("longitude"), crs: crs)
        let count = try input.int("count", default: 10)
        let maxDistance = try input.double("maxDistance") ?? .infinity
        let hits = try snapshot.nearest(to: point, count: count, maxDistance: maxDistance, filter: filter)
        return ContactJSON.items(hits, withDistance: true).response()
    }

    func spatialFilter(_ input: RequestInput) throws -> SpatialFilter {
        let groupId = try input.int64("groupId").map { GroupID($0) }
        let ancestorId = try input.int64("ancestorId").map { ContactID($0) }
        let fieldId = try input.int64("customFieldId").map { DefinitionID($0) }
        let fieldValue = try input.string("customFieldValue")
        var field: CustomFieldValue?
        switch (fieldId, fieldValue) {
        case let (id?, value?): field = CustomFieldValue(definitionId: id, value: value)
        case (nil, nil): field = nil
        case (nil, _?): throw HTTPProblem.invalidParameter("customFieldId", "is required with customFieldValue")
        case (_?, nil): throw HTTPProblem.invalidParameter("customFieldValue", "is required with customFieldId")
        }
        return SpatialFilter(groupId: groupId, ancestorId: ancestorId, customField: field)
    }

    func addHierarchyRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/contacts/{id}/children") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let id = try input.contactID()
            let page = try input.page(allowingCursor: true)
            let snapshot = try await snapshot(as: caller, request)
            return try ContactJSON.page(snapshot.children(of: id, page: page), withCursor: true).response()
        }
        router.get("/v1/contacts/{id}/ancestors") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let id = try input.contactID()
            let page = try input.page()
            let snapshot = try await snapshot(as: caller, request)
            // Parent first, root last.
            return try ContactJSON.page(snapshot.ancestors(of: id, page: page)).response()
        }
        router.get("/v1/contacts/{id}/descendants") { request, context in
            let caller = try await authenticator.caller(for: request)
            let input = RequestInput(request, context: context)
            let id = try input.contactID()
            let page = try input.page(allowingCursor: true)
            let order: TraversalOrder
            switch try input.string("order") {
            case nil, "breadthFirst": order = .breadthFirst
            case "depthFirst": order = .depthFirst
            case let other?:
                throw HTTPProblem.invalidParameter("order", "must be breadthFirst or depthFirst, not \"\(other.prefix(40))\"")
            }
            let snapshot = try await snapshot(as: caller, request)
            let descendants = try snapshot.descendants(of: id, order: order, page: page)
            return ContactJSON.page(descendants, withCursor: true).response()
        }
    }
}
