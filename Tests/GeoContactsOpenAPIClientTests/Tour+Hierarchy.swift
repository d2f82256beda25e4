import Foundation
import OpenAPIRuntime
import Testing

extension Tour {
    /// contactChildren, contactAncestors, contactDescendants over HQ ← Site A ← Site B.
    func hierarchy() async throws {
        let children = try await client.contactChildren(path: .init(id: hq), headers: .init(customerId: customer)).ok.body.json
        #expect(children.items.map(\.id) == [siteA])
        #expect(children.items.first?.parentId == hq)

        let ancestors = try await client.contactAncestors(path: .init(id: siteB), headers: .init(customerId: customer)).ok.body.json
        #expect(ancestors.items.map(\.id) == [siteA, hq], "parent first, root last")

        let descendants = try await client.contactDescendants(path: .init(id: hq), query: .init(order: .depthFirst),
                                                              headers: .init(customerId: customer)).ok.body.json
        #expect(descendants.items.map(\.id) == [siteA, siteB])
        let leaf = try await client.contactDescendants(path: .init(id: siteB), headers: .init(customerId: customer)).ok.body.json
        #expect(leaf.items.isEmpty)
    }
}
