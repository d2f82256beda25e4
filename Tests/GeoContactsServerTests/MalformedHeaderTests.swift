import GeoContacts
@testable import GeoContactsServer
import Hummingbird
import HTTPTypes
import Testing

/// Every route with each request header the service reads set to something malformed: the
/// answer is a problem (never a trap), nothing changes, and the service still answers.
@Suite("Malformed headers on every route") struct MalformedHeaderTests {
    static let values = ["", ";", ";;", " ", ",", "\u{00e9}\u{00e8}", String(repeating: "x", count: 8192), "a;b=;c", "=",
                         "Bearer", "Bearer ", "bearer ;", "-1", "9223372036854775808", "0x1", "1 1"]
    static let headers: [HTTPField.Name] = [.contentType, .authorization, HTTPField.Name("Customer-Id")!, .contentLength, .accept,
                                            HTTPField.Name("GeoContacts-Min-Version")!]

    @Test(arguments: headers.indices)
    func eachHeaderMalformed(_ index: Int) async throws {
        let name = Self.headers[index]
        let h = try await Harness()
        let before = h.state(1)
        try await h.withClient { c in
            for (method, uri, body) in AuthTests.routes where method != .delete {
                for value in Self.values {
                    var extra = HTTPFields()
                    extra[name] = value
                    let r: Reply
                    if name == .authorization || name == HTTPField.Name("Customer-Id")! {
                        // Replace the harness's own values.
                        r = try await c.call(method, uri, token: name == .authorization ? .none : .some(nil),
                                             customer: name == .authorization ? "1" : nil, body: body, headers: extra)
                    } else if name == .contentType {
                        r = try await c.call(method, uri, body: body, contentType: value)
                    } else {
                        r = try await c.call(method, uri, body: body, headers: extra)
                    }
                    #expect(r.status < 500, "\(method) \(uri) \(name)=\(value.prefix(20)): \(r.status) \(r.body.prefix(200))")
                    if r.status >= 400 { #expect(r.contentType == "application/problem+json", "\(method) \(uri) \(name)") }
                }
            }
            let alive = try await c.call(.get, "/v1/contacts/1")
            #expect(alive.status == 200)
        }
        // Writes with a malformed Accept or Content-Length may legitimately succeed; the others must not.
        if name != .accept && name != .contentLength { #expect(h.state(1) == before, "\(name)") }
    }

    static let queries = ["%", "%zz", "%FF", "=", "&&&", "pageSize=%", "%=%", "pageNumber=9223372036854775807&pageSize=1000",
                          "pageNumber=-9223372036854775808", "pageSize=1e3", "pageSize=%E2%80%8B1", "latitude=1e309&longitude=0&radius=1",
                          "latitude=nan&longitude=0&radius=1", "south=90&west=180&north=-90&east=-180", "count=99999999999999999999",
                          "groupId=-1", "children=%00", "crs=EPSG:%00", "radius=-0&latitude=-0&longitude=-0"]

    @Test func malformedQueriesOnEveryRoute() async throws {
        let h = try await Harness()
        let before = h.state(1)
        try await h.withClient { c in
            for (method, uri, body) in AuthTests.routes where method != .post && method != .patch {
                let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
                for query in Self.queries {
                    let r = try await c.call(method == .delete ? .get : method, path + "?" + query, body: body)
                    #expect(r.status < 500, "\(path)?\(query): \(r.status) \(r.body.prefix(200))")
                }
            }
            #expect(try await c.call(.get, "/v1/contacts/1").status == 200)
        }
        #expect(h.state(1) == before)
    }
}
