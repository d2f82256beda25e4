import Testing
@testable import GeoContacts

/// Which refusals a replica checks against the store before answering them
/// (``ContactProblem/dependsOnState``): those the customer's state decides, judged on the
/// problems the directory really throws.
@Suite("Refusals that rest on the customer's state")
struct StateDependentRefusalTests {
    static let policy = ContactPolicy(requiresUniqueReferences: true)

    @Test("problems of the input alone do not depend on the state; a missing parent, group, definition or contact does")
    func classification() async throws {
        let d = try await Fixture.directory(customers: [Fixture.customer], policy: Self.policy)
        let c = Fixture.caller()
        let existing = try await d.create(Fixture.draft("Kept", reference: "R-1"), as: c)

        func refusal(_ draft: ContactDraft) async -> ContactProblem? {
            await problem { () async throws(ContactProblem) in _ = try await d.create(draft, as: c) }
        }
        var inputOnly: [ContactProblem?] = [
            await refusal(Fixture.draft("")),
            await refusal(Fixture.draft("Far", latitude: 91)),
            await refusal(Fixture.draft(String(repeating: "n", count: 100_000))),
        ]
        var draft = Fixture.draft("No CRS")
        draft.location = LocationInput(latitude: 1, longitude: 2, crs: "EPSG:not-a-code")
        inputOnly.append(await refusal(draft))
        inputOnly.append(await problem { () async throws(ContactProblem) in try await d.update(existing, with: ContactPatch(), as: c) })
        for refused in inputOnly {
            #expect(refused != nil)
            #expect(refused?.dependsOnState == false, "\(String(describing: refused))")
        }

        var withField = Fixture.draft("Field")
        withField.customFields = [CustomFieldInput(definitionId: DefinitionID(99), value: "x")]
        var patch = ContactPatch()
        patch.name = .value("Renamed")
        let stateful: [ContactProblem?] = [
            await refusal(Fixture.draft("Orphan", parent: ContactID(999))),
            await refusal(Fixture.draft("Lost", group: GroupID(99))),
            await refusal(Fixture.draft("Twin", reference: "R-1")),
            await refusal(withField),
            // A state problem beside an input one still counts.
            await refusal(Fixture.draft("", parent: ContactID(999))),
            await problem { () async throws(ContactProblem) in try await d.update(ContactID(999), with: patch, as: c) },
            await problem { () async throws(ContactProblem) in try await d.remove(ContactID(999), as: c) },
        ]
        for refused in stateful {
            #expect(refused != nil)
            #expect(refused?.dependsOnState == true, "\(String(describing: refused))")
        }
        // Nothing above changed anything.
        #expect(d.snapshot(of: Fixture.customer).contacts.count == 1)
    }

    @Test("a bulk create's refused items: a missing parent depends on the state, an empty name does not")
    func bulkItems() async throws {
        let d = try await Fixture.directory(customers: [Fixture.customer])
        let results = try await d.create(contentsOf: [Fixture.draft("Fine"), Fixture.draft("Orphan", parent: ContactID(999)),
                                                      Fixture.draft("")], as: Fixture.caller())
        let problems = results.compactMap { if case .failure(let p) = $0 { p } else { nil } }
        #expect(problems.map(\.dependsOnState) == [true, false])
    }
}
