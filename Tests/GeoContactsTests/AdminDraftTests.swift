import Testing
@testable import GeoContacts

/// The admin bodies decode with the create body's strict rules (one JSON reader).
@Suite("Group and definition bodies")
struct AdminDraftTests {
    static func problem<T>(_ decode: () throws(ContactProblem) -> T) -> ContactProblem? {
        do {
            _ = try decode()
            return nil
        } catch {
            return error
        }
    }

    @Test func groupBodies() throws {
        #expect(try GroupDraft(json: Array(#"{"name":"Depots"}"#.utf8)).name == "Depots")
        let duplicate = Self.problem { () throws(ContactProblem) in try GroupDraft(json: Array(#"{"name":"A","name":"B"}"#.utf8)) }
        #expect(duplicate?.code == .invalidBody)
        #expect(duplicate?.errors?["name"] == ["appears more than once"])
        let unknown = Self.problem { () throws(ContactProblem) in try GroupDraft(json: Array(#"{"name":"A","colour":"red"}"#.utf8)) }
        #expect(unknown?.errors?["colour"] == ["is not a known property"])
        let wrongType = Self.problem { () throws(ContactProblem) in try GroupDraft(json: Array(#"{"name":7}"#.utf8)) }
        #expect(wrongType?.code == .invalidBody)
        #expect(wrongType?.errors?["name"] == ["must be a string, not a number"])
        let missing = Self.problem { () throws(ContactProblem) in try GroupDraft(json: Array("{}".utf8)) }
        #expect(missing?.code == .validationFailed)
        #expect(missing?.errors?["name"] == ["is required"])
        let notJSON = Self.problem { () throws(ContactProblem) in try GroupDraft(json: Array("[1]".utf8)) }
        #expect(notJSON?.code == .malformedJSON)
    }

    @Test func definitionBodies() throws {
        let full = try DefinitionDraft(json: Array(#"{"name":"Size","type":"list","options":["S","M"],"groupIds":[2,1]}"#.utf8))
        #expect(full == DefinitionDraft(name: "Size", type: "list", options: ["S", "M"], groupIds: [2, 1]))
        let nulls = try DefinitionDraft(json: Array(#"{"name":"N","type":"text","options":null,"groupIds":null}"#.utf8))
        #expect(nulls.options.isEmpty && nulls.groupIds.isEmpty)
        let bad = Self.problem { () throws(ContactProblem) in
            try DefinitionDraft(json: Array(#"{"name":"N","type":"list","options":["S",3],"groupIds":[1.5,99999999999999999999]}"#.utf8))
        }
        #expect(bad?.code == .invalidBody)
        #expect(bad?.errors?["options[1]"] != nil)
        #expect(bad?.errors?["groupIds[0]"] != nil)
        #expect(bad?.errors?["groupIds[1]"] != nil)
        let missing = Self.problem { () throws(ContactProblem) in try DefinitionDraft(json: Array(#"{"options":[]}"#.utf8)) }
        #expect(missing?.code == .validationFailed)
        #expect(missing?.errors?.keys.sorted() == ["name", "type"])
    }

    @Test("concurrent group and definition creates get distinct ids, above every id in use")
    func concurrentCreatesGetDistinctIDs() async throws {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        let caller = Fixture.caller()
        let groups = try await withThrowingTaskGroup(of: GroupID.self) { tasks in
            for i in 0..<40 { tasks.addTask { try await directory.createGroup(named: "G\(i)", as: caller) } }
            var ids: [GroupID] = []
            for try await id in tasks { ids.append(id) }
            return ids
        }
        #expect(Set(groups).count == 40)
        #expect(groups.allSatisfy { $0 > Fixture.sites })
        let snapshot = directory.snapshot(of: Fixture.customer)
        #expect(snapshot.groups.count == 42)
        let definition = try await directory.createCustomField(DefinitionDraft(name: "New", type: "text"), as: caller)
        #expect(definition.rawValue == Fixture.definitions.map(\.id.rawValue).max()! + 1)
        // A refused definition uses no id.
        await #expect(throws: ContactProblem.self) {
            try await directory.createCustomField(DefinitionDraft(name: "Bad", type: "colour"), as: caller)
        }
        let next = try await directory.createCustomField(DefinitionDraft(name: "Next", type: "text"), as: caller)
        #expect(next.rawValue == definition.rawValue + 1)
    }
}
