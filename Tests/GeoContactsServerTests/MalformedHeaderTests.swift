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
    static let headers: [HTTPField.Name] = [.contentType, .authorization, HTTPField.Name("Customer-Id")!, .contentLength, .accept]

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
}
