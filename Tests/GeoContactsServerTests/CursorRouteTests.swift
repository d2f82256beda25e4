import Foundation
import GeoContacts
@testable import GeoContactsServer
import Testing
import HTTPTypes

/// `after` and `next` on the listings ordered by id.
@Suite("Cursor paging over HTTP") struct CursorRouteTests {
    @Test func followingNextListsEveryContactOnce() async throws {
        let h = try await Harness()
        let admin = Caller(customer: CustomerID(1), scopes: [.read, .write, .admin])
        for i in 0..<9 {
            _ = try await h.directory.create(ContactDraft(name: "n\(i)", groupId: GroupID(1),
                                                          location: LocationInput(latitude: 1, longitude: Double(i))), as: admin)
        }
        let all = try h.directory.snapshot(as: admin).contacts(page: .all).items.map { Int($0.id.rawValue) }
        try await h.withClient { c in
            var listed: [Int] = []
            var r = try await c.call(.get, "/v1/contacts?pageSize=4")
            #expect(r.status == 200)
            while true {
                let items = (r.json["items"] as? [[String: Any]]) ?? []
                listed += items.compactMap { ($0["id"] as? NSNumber)?.intValue }
                guard let next = (r.json["next"] as? NSNumber)?.intValue else { break }
                r = try await c.call(.get, "/v1/contacts?pageSize=4&after=\(next)")
                #expect(r.status == 200)
            }
            #expect(r.json.keys.contains("next"), "the last page says next: null")
            #expect(listed == all)
            // pageNumber counts from the cursor.
            let both = try await c.call(.get, "/v1/contacts?pageNumber=2&pageSize=2&after=\(all[2])")
            #expect(both.status == 200)
            #expect(((both.json["items"] as? [[String: Any]]) ?? []).compactMap { ($0["id"] as? NSNumber)?.intValue }
                == Array(all[5..<7]))
            // A descendants cursor must be a descendant: well-formed, but not a position of that traversal.
            let descendants = try await c.call(.get, "/v1/contacts/\(all[0])/descendants?after=\(all[0])")
            #expect(descendants.status == 422 && descendants.problemCode == "validation-failed")
            let bad = try await c.call(.get, "/v1/contacts?after=x")
            #expect(bad.status == 400)
            let ancestors = try await c.call(.get, "/v1/contacts/\(all[0])/ancestors")
            #expect(ancestors.json["next"] == nil, "no cursor where the order is not by id")
        }
    }
}
