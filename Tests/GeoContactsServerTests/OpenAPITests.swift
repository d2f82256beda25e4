@testable import GeoContactsServer
import Hummingbird
import HTTPTypes
import Testing
import Foundation

@Suite("OpenAPI document") struct OpenAPITests {
    /// (method, path) pairs of the document: path keys at two spaces under `paths:`, method
    /// keys at four spaces under them.
    static func documentedRoutes() -> Set<String> {
        var routes = Set<String>()
        var inPaths = false
        var path: String?
        for line in OpenAPIDocument.text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.hasPrefix(" ") && !line.isEmpty { break }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete", "head", "options"].contains(String(key)) {
                    routes.insert("\(key.uppercased()) \(path)")
                }
            }
        }
        return routes
    }

    @Test func routerAndDocumentAgree() async throws {
        let h = try await Harness()
        let router = h.service.buildRouter()
        let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = Self.documentedRoutes()
        #expect(documented.count == GeoContactsService.routeList.count)
        #expect(registered.subtracting(documented).isEmpty, "not documented: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "not routed: \(documented.subtracting(registered).sorted())")
        let table = Set(GeoContactsService.routeList.map { "\($0.0.rawValue) \($0.1)" })
        #expect(table == registered)
    }

    @Test func documentIsServed() async throws {
        try await Harness().withClient { c in
            let r = try await c.anonymous(.get, "/openapi.yaml", customer: nil)
            #expect(r.status == 200)
            #expect(r.contentType == "application/yaml")
            #expect(r.body == OpenAPIDocument.text)
            #expect(r.body.hasPrefix("openapi: 3.0.3"))
        }
    }
}
