import GeoContacts
@testable import GeoContactsServer
import Hummingbird
import HTTPTypes
import RealModule
import Testing

@Suite("Spatial and hierarchy routes") struct QueryRouteTests {
    static func ids(_ r: Reply) -> [Int] {
        (r.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    @Test func nearest() async throws {
        try await Harness().withClient { c in
            let r = try await c.call(.get, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12&count=2")
            #expect(r.status == 200)
            #expect(Self.ids(r) == [1, 2])
            let items = r.json["items"] as? [[String: Any]] ?? []
            #expect(items.count == 2)
            #expect((items.first?["distance"] as? Double).map { abs($0) < 1e-6 } == true)
            let d = items.last?["distance"] as? Double ?? 0
            #expect(d.isApproximatelyEqual(to: 1_311, absoluteTolerance: 20), "distance \(d)")  // HQ → Site A, ≈1.31 km
            #expect(r.body.hasPrefix(#"{"items":[{"country":null,"customFields":[],"distance":0,"#))
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12&groupId=1")) == [2, 3])
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12&ancestorId=2")) == [2, 3])
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12&maxDistance=2000")) == [1, 2])
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12&customFieldId=1&customFieldValue=high")) == [2])
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/within?latitude=51.5&longitude=-0.12&radius=50000&customFieldId=1&customFieldValue=low")) == [])
            #expect(try await c.call(.get, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12&customFieldId=1").status == 400)
            #expect(try await c.call(.get, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12&customFieldValue=x").status == 400)
            #expect(try await c.call(.get, "/v1/contacts/nearest?latitude=51.5&longitude=-0.12&customFieldId=9&customFieldValue=x").status == 404)
            for bad in ["longitude=0", "latitude=0", "latitude=x&longitude=0", "latitude=91&longitude=0", "latitude=0&longitude=181",
                        "latitude=0&longitude=0&count=0", "latitude=0&longitude=0&count=1001", "latitude=nan&longitude=0",
                        "latitude=1e999&longitude=0", "latitude=0&longitude=0&maxDistance=-1", "latitude=0&longitude=0&crs=EPSG:999999"] {
                let r = try await c.call(.get, "/v1/contacts/nearest?\(bad)")
                #expect(r.status == 400, "\(bad)")
                #expect(r.contentType == "application/problem+json")
            }
            #expect(try await c.call(.get, "/v1/contacts/nearest?latitude=0&longitude=0&groupId=9").status == 404)
            #expect(try await c.call(.get, "/v1/contacts/nearest?latitude=0&longitude=0&ancestorId=9").status == 404)
        }
    }

    @Test func withinIsPaged() async throws {
        try await Harness().withClient { c in
            for query in ["latitude=51.5&longitude=-0.12&radius=50000", "south=50&west=170&north=52&east=0"] {
                let whole = Self.ids(try await c.call(.get, "/v1/contacts/within?\(query)"))
                #expect(whole.count == 3)
                var paged: [Int] = []
                for n in 1...4 {
                    let r = try await c.call(.get, "/v1/contacts/within?\(query)&pageSize=1&pageNumber=\(n)")
                    #expect(r.status == 200)
                    #expect(r.json["pageNumber"] as? Int == n && r.json["pageSize"] as? Int == 1)
                    #expect(r.json["pageItemCount"] as? Int == (n <= 3 ? 1 : 0))
                    paged += Self.ids(r)
                }
                #expect(paged == whole, "\(query)")
                let big = try await c.call(.get, "/v1/contacts/within?\(query)&pageSize=1001")
                #expect(big.status == 400)
                #expect(big.problemCode == "invalid-parameter")
            }
        }
    }

    @Test func withinRadiusAndBox() async throws {
        try await Harness().withClient { c in
            let radius = try await c.call(.get, "/v1/contacts/within?latitude=51.5&longitude=-0.12&radius=5000")
            #expect(radius.status == 200)
            #expect(Self.ids(radius) == [1, 2])
            #expect(try await c.call(.get, "/v1/contacts/within?latitude=51.5&longitude=-0.12&radius=5000&groupId=9").status == 404)
            #expect(try await c.call(.get, "/v1/contacts/within?south=0&west=0&north=1&east=1&ancestorId=9").status == 404)
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/within?latitude=51.5&longitude=-0.12&radius=50000&groupId=1")) == [2, 3])
            let box = try await c.call(.get, "/v1/contacts/within?south=51.55&west=-0.3&north=51.7&east=0")
            #expect(box.status == 200)
            #expect(Self.ids(box) == [3])
            #expect(!box.body.contains("distance"))
            // West > east crosses the antimeridian: everything from 170°E eastward to 0° holds all three.
            let crossing = try await c.call(.get, "/v1/contacts/within?south=50&west=170&north=52&east=0")
            #expect(Self.ids(crossing) == [1, 2, 3])
            for bad in ["latitude=51&longitude=0", "latitude=51&longitude=0&radius=-1", "south=1&west=1&north=2",
                        "south=2&west=0&north=1&east=1", "latitude=1&longitude=1&radius=1&south=0", "", "south=x&west=0&north=1&east=1"] {
                let r = try await c.call(.get, "/v1/contacts/within?\(bad)")
                #expect(r.status == 400, "\(bad)")
                #expect(r.contentType == "application/problem+json")
            }
        }
    }

    @Test func hierarchy() async throws {
        try await Harness().withClient { c in
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/1/children")) == [2])
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/3/ancestors")) == [2, 1])
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/3/ancestors?pageSize=1&pageNumber=2")) == [1])
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/1/descendants")) == [2, 3])
            let first = try await c.call(.get, "/v1/contacts/1/descendants?order=depthFirst&pageSize=1")
            #expect(Self.ids(first) == [2])
            #expect(first.json["next"] as? Int == 2)
            let second = try await c.call(.get, "/v1/contacts/1/descendants?order=depthFirst&pageSize=1&after=2")
            #expect(Self.ids(second) == [3])
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/1/descendants?order=depthFirst&after=3")) == [])
            #expect(Self.ids(try await c.call(.get, "/v1/contacts/1/descendants?after=2")) == [3])
            #expect(try await c.call(.get, "/v1/contacts/2/descendants?order=depthFirst&after=1").status == 422)
            #expect(try await c.call(.get, "/v1/contacts/2/descendants?after=1").status == 422)
            #expect((try await c.call(.get, "/v1/contacts/1/descendants")).json.keys.contains("next"))
            let page = try await c.call(.get, "/v1/contacts/3/children")
            #expect(page.body == #"{"items":[],"next":null,"pageItemCount":0,"pageNumber":1,"pageSize":50}"#)
            for path in ["children", "ancestors", "descendants"] {
                let r = try await c.call(.get, "/v1/contacts/42/\(path)")
                #expect(r.status == 404, "\(path)")
                #expect(r.problemCode == "contact-not-found")
                #expect(try await c.call(.get, "/v1/contacts/1/\(path)?pageSize=0").status == 400)
            }
            #expect(try await c.call(.get, "/v1/contacts/1/descendants?order=sideways").status == 400)
        }
    }

    @Test func groupsAndDefinitions() async throws {
        let h = try await Harness()
        try await h.withClient { c in
            let groups = try await c.call(.get, "/v1/contactGroups")
            #expect(groups.body == #"{"items":[{"id":1,"name":"Sites"},{"id":2,"name":"Depots"}],"pageItemCount":2,"pageNumber":1,"pageSize":50}"#)
            let created = try await c.call(.post, "/v1/contactGroups", body: #"{"name":"Vans"}"#)
            #expect(created.status == 201)
            #expect(created.body == #"{"id":3}"#)
            #expect(try await c.call(.post, "/v1/contactGroups", body: #"{"name":"  "}"#).status == 422)
            #expect(try await c.call(.post, "/v1/contactGroups", body: #"{}"#).status == 422)
            #expect(try await c.call(.post, "/v1/contactGroups", body: #"{"name":"X","colour":"red"}"#).status == 400)
            #expect(try await c.call(.post, "/v1/contactGroups", body: #"{"name":7}"#).status == 400)
            #expect(try await c.call(.post, "/v1/contactGroups", body: #"["Vans"]"#).status == 400)

            let defs = try await c.call(.get, "/v1/customFieldDefinitions")
            #expect(defs.body == #"{"items":[{"groupIds":[1],"id":1,"name":"Priority","options":["low","high"],"type":"list"}],"pageItemCount":1,"pageNumber":1,"pageSize":50}"#)
            let def = try await c.call(.post, "/v1/customFieldDefinitions", body: #"{"name":"Opened","type":"date","groupIds":[1,3]}"#)
            #expect(def.status == 201)
            #expect(def.body == #"{"id":2}"#)
            let after = try await c.call(.get, "/v1/customFieldDefinitions?pageNumber=1&pageSize=1000")
            #expect(after.body.contains(#"{"groupIds":[1,3],"id":2,"name":"Opened","options":[],"type":"date"}"#))
            let badType = try await c.call(.post, "/v1/customFieldDefinitions", body: #"{"name":"X","type":"colour"}"#)
            #expect(badType.status == 422)
            let listWithout = try await c.call(.post, "/v1/customFieldDefinitions", body: #"{"name":"X","type":"list"}"#)
            #expect(listWithout.status == 422)
            let unknownGroup = try await c.call(.post, "/v1/customFieldDefinitions", body: #"{"name":"X","type":"text","groupIds":[99]}"#)
            #expect(unknownGroup.status == 422)
            #expect(try await c.call(.post, "/v1/customFieldDefinitions", body: #"{"name":"X","type":"text","groupIds":"1"}"#).status == 400)
        }
    }
}

/// CRS input is an EPSG code only, and scopes are checked before any PROJ work (issue 17,
/// item 7).
@Suite("CRS input") struct CRSInputTests {
    static let projString = "%2Bproj%3Dtmerc%20%2Blon_0%3D3%20%2Bdatum%3DWGS84"

    @Test func onlyEPSGCodesAreAccepted() async throws {
        let h = try await Harness()
        let before = h.state(1)
        try await h.withClient { c in
            let near = try await c.call(.get, "/v1/contacts/nearest?latitude=0&longitude=0&crs=\(Self.projString)")
            #expect(near.status == 400)
            #expect(near.json["errors"] as? [String: [String]] == ["crs": ["must be an EPSG code such as EPSG:27700 (or EPSG:4326 / WGS84)"]])
            let within = try await c.call(.get, "/v1/contacts/within?latitude=0&longitude=0&radius=1&crs=\(Self.projString)")
            #expect(within.status == 400)
            let create = try await c.call(.post, "/v1/contacts", body: #"{"name":"X","groupId":1,"location":{"latitude":0,"longitude":0,"crs":"+proj=tmerc +lon_0=3 +datum=WGS84"}}"#)
            #expect(create.status == 422)
            #expect((create.json["errors"] as? [String: [String]])?["location.crs"] != nil)
            let epsg = try await c.call(.get, "/v1/contacts/nearest?latitude=6710000&longitude=-13000&crs=EPSG:3857&count=1")
            #expect(epsg.status == 200, "\(epsg.body)")
        }
        #expect(h.state(1) == before)
    }

    @Test func scopeIsCheckedBeforeTheCRS() async throws {
        let h = try await Harness()
        let writeOnly = try await h.token(scopes: ["contacts:write"])
        try await h.withClient { c in
            for uri in ["/v1/contacts/nearest?latitude=0&longitude=0&crs=EPSG:999999",
                        "/v1/contacts/within?latitude=0&longitude=0&radius=1&crs=EPSG:999999"] {
                let r = try await c.call(.get, uri, token: .some(writeOnly))
                #expect(r.status == 403, "\(uri): \(r.body)")
            }
        }
    }
}
