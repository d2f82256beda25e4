import GeoContacts
@testable import GeoContactsServer
import Geodesy
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import HTTPTypes
import Testing

import Foundation

/// A service over a small fixed data set, with tokens and a client helper.
///
/// Customer 1: groups 1 "Sites", 2 "Depots"; definition 1 "Priority" (list low/high, group 1);
/// contacts 1 "HQ" (root, group 2, London), 2 "Site A" (parent 1, ref "A", priority high),
/// 3 "Site B" (parent 2). Customer 2: group 1 "Other"; contact 1 "Secret" (London).
struct Harness {
    static let secret = Array("test-secret-test-secret-test-secret!".utf8)
    let directory: ContactDirectory
    let service: GeoContactsService
    let tokens: TokenAuthority

    init(maximumBodySize: Int = 4096) async throws {
        directory = ContactDirectory()
        try directory.restore(
            customer: CustomerID(1), groups: [ContactGroup(id: GroupID(1), name: "Sites"), ContactGroup(id: GroupID(2), name: "Depots")],
            definitions: [CustomFieldDefinition(id: DefinitionID(1), name: "Priority", type: .list, options: ["low", "high"], groupIds: [GroupID(1)])],
            contacts: [
                Contact(id: ContactID(1), name: "HQ", groupId: GroupID(2), location: Coordinate(latitude: 51.5, longitude: -0.12)),
                Contact(id: ContactID(2), reference: "A", name: "Site A", groupId: GroupID(1), parentId: ContactID(1),
                        town: "London", location: Coordinate(latitude: 51.51, longitude: -0.13),
                        customFields: [CustomFieldValue(definitionId: DefinitionID(1), value: "high")]),
                Contact(id: ContactID(3), name: "Site B", groupId: GroupID(1), parentId: ContactID(2),
                        location: Coordinate(latitude: 51.6, longitude: -0.2)),
            ])
        try directory.restore(
            customer: CustomerID(2), groups: [ContactGroup(id: GroupID(1), name: "Other")], definitions: [],
            contacts: [Contact(id: ContactID(1), name: "Secret", groupId: GroupID(1), location: Coordinate(latitude: 51.5, longitude: -0.12))])
        tokens = await TokenAuthority(secret: Self.secret)
        service = GeoContactsService(directory: directory, tokens: tokens,
                                     configuration: ServerConfiguration(maximumBodySize: maximumBodySize, loadsSampleData: false))
    }

    /// A token for `customers` with `scopes` (all three by default).
    func token(_ customers: [Int64] = [1], scopes: [String] = ["contacts:read", "contacts:write", "contacts:admin"],
               lifetime: TimeInterval = 3600) async throws -> String {
        try await tokens.token(customers: customers, scopes: scopes, lifetime: lifetime)
    }

    /// Runs `body` with a client of the in-process router.
    func withClient<T: Sendable>(_ body: @Sendable (Client) async throws -> T) async throws -> T {
        let app = Application(router: service.buildRouter())
        let defaultToken = try await token()
        return try await app.test(.router) { client in try await body(Client(client: client, token: defaultToken)) }
    }

    /// State of a customer as a comparable value, to check that refused calls change nothing.
    func state(_ customer: Int64) -> String {
        let s = directory.snapshot(of: CustomerID(customer))
        let page = try! s.contacts(page: .all)
        return "\(page.items)|\(s.groups)|\(s.customFieldDefinitions)"
    }
}

/// One answer: status, headers and the body as text.
struct Reply: Sendable {
    var status: Int
    var headers: HTTPFields
    var body: String

    /// The body parsed as a JSON object.
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    var contentType: String? { headers[.contentType] }
    /// The problem's `type` code after the URN prefix.
    var problemCode: String? { (json["type"] as? String)?.replacingOccurrences(of: "urn:geocontacts:problem:", with: "") }
}

struct Client: Sendable {
    let client: any TestClientProtocol
    let token: String

    /// A request with `Authorization: Bearer token` (default token; `nil` for none) and
    /// `Customer-Id` (1 by default; `nil` for none).
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String?? = .some(nil), customer: String? = "1",
              body: String? = nil, bytes: [UInt8]? = nil, contentType: String? = "application/json",
              headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        let bearer: String? = switch token { case .none: nil; case .some(nil): self.token; case .some(let t?): t }
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if let customer { headers[HTTPField.Name("Customer-Id")!] = customer }
        var buffer: ByteBuffer?
        if let body { buffer = ByteBuffer(string: body) }
        if let bytes { buffer = ByteBuffer(bytes: bytes) }
        if buffer != nil, let contentType { headers[.contentType] = contentType }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: buffer)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
    }

    /// Without any token.
    func anonymous(_ method: HTTPRequest.Method, _ uri: String, customer: String? = "1") async throws -> Reply {
        try await call(method, uri, token: .none, customer: customer)
    }
}
