import GeoContacts
@testable import GeoContactsServer
import Hummingbird
import HTTPTypes
import Testing

/// `POST /v1/contacts/within` and `POST /v1/contacts/nearest` with a GeoJSON polygon body.
/// Customer 1 holds the HQ (1) and Site A (2) south of 51.55° N and Site B (3) north of it.
@Suite("Polygon routes") struct PolygonRouteTests {
    static let south = #"{"type":"Polygon","coordinates":[[[-0.3,51.4],[0.0,51.4],[0.0,51.55],[-0.3,51.55],[-0.3,51.4]]]}"#

    @Test func withinAPolygon() async throws {
        try await Harness().withClient { c in
            let r = try await c.call(.post, "/v1/contacts/within", body: Self.south)
            #expect(r.status == 200)
            #expect(QueryRouteTests.ids(r) == [1, 2])
            #expect(!r.body.contains("distance"))
            // Clockwise means the same; a hole around the HQ removes it; a second part adds Site B.
            let clockwise = #"{"type":"Polygon","coordinates":[[[-0.3,51.4],[-0.3,51.55],[0.0,51.55],[0.0,51.4],[-0.3,51.4]]]}"#
            #expect(QueryRouteTests.ids(try await c.call(.post, "/v1/contacts/within", body: clockwise)) == [1, 2])
            let hq = try await c.call(.get, "/v1/contacts/1")
            let lat = hq.json["location"].flatMap { ($0 as? [String: Any])?["latitude"] as? Double } ?? 0
            let lon = hq.json["location"].flatMap { ($0 as? [String: Any])?["longitude"] as? Double } ?? 0
            let hole = "[[\(lon - 0.001),\(lat - 0.001)],[\(lon - 0.001),\(lat + 0.001)],[\(lon + 0.001),\(lat + 0.001)],[\(lon + 0.001),\(lat - 0.001)],[\(lon - 0.001),\(lat - 0.001)]]"
            let holed = #"{"type":"Polygon","coordinates":[[[-0.3,51.4],[0.0,51.4],[0.0,51.55],[-0.3,51.55],[-0.3,51.4]],"# + hole + "]}"
            #expect(QueryRouteTests.ids(try await c.call(.post, "/v1/contacts/within", body: holed)) == [2])
            let multi = #"{"type":"MultiPolygon","coordinates":[[[[-0.3,51.4],[0.0,51.4],[0.0,51.55],[-0.3,51.55],[-0.3,51.4]]],[[[-0.3,51.55],[0.0,51.55],[0.0,51.7],[-0.3,51.7],[-0.3,51.55]]]]}"#
            #expect(QueryRouteTests.ids(try await c.call(.post, "/v1/contacts/within", body: multi)) == [1, 2, 3])
            #expect(QueryRouteTests.ids(try await c.call(.post, "/v1/contacts/within?groupId=1", body: Self.south)) == [2])
            #expect(QueryRouteTests.ids(try await c.call(.post, "/v1/contacts/within?ancestorId=2", body: multi)) == [2, 3])
            let page2 = try await c.call(.post, "/v1/contacts/within?pageSize=1&pageNumber=2", body: Self.south)
            #expect(QueryRouteTests.ids(page2) == [2])
            #expect(page2.json["pageNumber"] as? Int == 2)
            #expect(try await c.call(.post, "/v1/contacts/within?groupId=9", body: Self.south).status == 404)
        }
    }

    @Test func nearestInsideAPolygon() async throws {
        try await Harness().withClient { c in
            // From Site B's side, the nearest contacts inside the southern polygon only.
            let r = try await c.call(.post, "/v1/contacts/nearest?latitude=51.7&longitude=-0.12&count=5", body: Self.south)
            #expect(r.status == 200)
            let ids = QueryRouteTests.ids(r)
            #expect(Set(ids) == [1, 2])
            let distances = (r.json["items"] as? [[String: Any]] ?? []).compactMap { $0["distance"] as? Double }
            #expect(distances == distances.sorted() && distances.count == 2)
            let unfiltered = QueryRouteTests.ids(try await c.call(.get, "/v1/contacts/nearest?latitude=51.7&longitude=-0.12&count=1"))
            #expect(unfiltered == [3])
            #expect(QueryRouteTests.ids(try await c.call(.post, "/v1/contacts/nearest?latitude=51.7&longitude=-0.12&count=5&maxDistance=1",
                                                        body: Self.south)) == [])
            #expect(QueryRouteTests.ids(try await c.call(.post, "/v1/contacts/nearest?latitude=51.7&longitude=-0.12&groupId=1",
                                                        body: Self.south)) == [2])
            #expect(try await c.call(.post, "/v1/contacts/nearest?longitude=0", body: Self.south).status == 400)
        }
    }

    @Test("Malformed polygons are problems, never traps", arguments: [
        ("", 400), ("[]", 400), ("{}", 400), (#"{"type":"Point","coordinates":[0,0]}"#, 400),
        (#"{"type":"Polygon"}"#, 400), (#"{"type":"Polygon","coordinates":7}"#, 400),
        (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]],"extra":1}"#, 400),
        (#"{"type":"Polygon","coordinates":[[[0],[1,0],[1,1],[0]]]}"#, 400),
        (#"{"type":"Polygon","coordinates":[[["0","0"],[1,0],[1,1],[0,0]]]}"#, 400),
        (#"{"type":"Polygon","type":"Polygon","coordinates":[]}"#, 400),
        (#"{"type":"Polygon","coordinates":[]}"#, 422),
        (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}"#, 422),
        (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#, 422),
        (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,90],[0,0]]]}"#, 422),
        (#"{"type":"Polygon","coordinates":[[[-90,0],[90,0],[0,10],[-90,0]]]}"#, 422),
        (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1e999],[0,0]]]}"#, 422),
        (#"{"type":"Polygon","coordinates":[[[0,0],[181,0],[1,1],[0,0]]]}"#, 422),
        (#"{"type":"MultiPolygon","coordinates":[[]]}"#, 422),
    ])
    func malformed(body: String, status: Int) async throws {
        try await Harness().withClient { c in
            for path in ["/v1/contacts/within", "/v1/contacts/nearest?latitude=0&longitude=0"] {
                let r = try await c.call(.post, path, body: body)
                #expect(r.status == status, "\(path) \(body)")
                #expect(r.contentType == "application/problem+json")
                if status == 422 { #expect(r.body.contains(#""coordinates""#), "\(r.body)") }
            }
        }
    }
}
