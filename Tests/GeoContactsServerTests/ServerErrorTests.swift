import GeoContacts
@testable import GeoContactsServer
import Geodesy
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// A journal that refuses every write, as a full disk would.
struct RefusingJournal: ContactJournal {
    struct Full: Error {}
    func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 { throw Full() }
    func waitUntilDurable(_ sequence: UInt64) async throws {}
}

@Suite("Server errors") struct ServerErrorTests {
    @Test func aRefusedWriteIs500ProblemAndChangesNothing() async throws {
        let directory = ContactDirectory(journal: RefusingJournal())
        try directory.restore(customer: CustomerID(1), groups: [ContactGroup(id: GroupID(1), name: "Sites")], definitions: [],
                              contacts: [Contact(id: ContactID(1), name: "HQ", groupId: GroupID(1),
                                                 location: Coordinate(latitude: 1, longitude: 1))])
        let tokens = await TokenAuthority(secret: Harness.secret)
        let service = GeoContactsService(directory: directory, tokens: tokens, configuration: ServerConfiguration(loadsSampleData: false))
        let token = try await tokens.token(customers: [1], scopes: ["contacts:read", "contacts:write", "contacts:admin"])
        let before = try directory.snapshot(of: CustomerID(1)).contacts(page: .all).items
        let app = Application(router: service.buildRouter())
        try await app.test(.router) { client in
            let c = Client(client: client, token: token)
            for (method, uri, body) in [(HTTPRequest.Method.post, "/v1/contacts", MalformedInputTests.valid),
                                        (.patch, "/v1/contacts/1", #"{"name":"Renamed"}"#), (.delete, "/v1/contacts/1", nil),
                                        (.post, "/v1/contactGroups", #"{"name":"G"}"#)] as [(HTTPRequest.Method, String, String?)] {
                let r = try await c.call(method, uri, body: body)
                #expect(r.status == 500, "\(method) \(uri)")
                #expect(r.contentType == "application/problem+json")
                #expect(r.problemCode == "storage-failed")
            }
            // Reads still work.
            #expect(try await c.call(.get, "/v1/contacts/1").status == 200)
        }
        #expect(try directory.snapshot(of: CustomerID(1)).contacts(page: .all).items == before)
    }
}
