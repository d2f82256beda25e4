import Foundation
import Geodesy
import Synchronization
import Testing
@testable import GeoContacts

/// Every row of the contract's table and every response code, with exact JSON bodies.
@Suite struct ContractTests {
    let caller = Fixture.caller()

    @Test func createReturnsIdAndStoresEveryProperty() async throws {
        let directory = try await Fixture.directory()
        let parent = try await directory.create(Fixture.draft("HQ"), as: caller)
        #expect(encodeJSON(CreatedResource(id: parent)) == #"{"id":1}"#)
        let body = """
        {"reference":"R-1","name":"Leeds depot","groupId":7,"parentId":1,"extraInformation":"Back gate",
         "street":"1 Canal St","town":"Leeds","postalCode":"LS1 4AB","country":"United Kingdom",
         "location":{"latitude":53.8,"longitude":-1.55},
         "customFields":[{"definitionId":2,"value":"12"},{"definitionId":1,"value":"true"},{"definitionId":3,"value":null}]}
        """
        let id = try await directory.create(try ContactDraft.json(body), as: caller)
        #expect(id == ContactID(2))
        let stored = try directory.snapshot(as: caller).contact(id)
        #expect(encodeJSON(ContactResource(stored)) == """
        {"country":"United Kingdom","customFields":[{"definitionId":1,"value":"true"},{"definitionId":2,"value":"12"}],\
        "extraInformation":"Back gate","groupId":7,"id":2,"location":{"latitude":53.8,"longitude":-1.55},\
        "name":"Leeds depot","parentId":1,"postalCode":"LS1 4AB","reference":"R-1","street":"1 Canal St","town":"Leeds"}
        """)
    }

    @Test func nullableRowsMayBeNullOrAbsent() async throws {
        let directory = try await Fixture.directory()
        let body = """
        {"reference":null,"name":"A","groupId":8,"parentId":null,"extraInformation":null,"street":null,"town":null,
         "postalCode":null,"country":null,"location":{"latitude":0,"longitude":0},"customFields":null}
        """
        let id = try await directory.create(try ContactDraft.json(body), as: caller)
        let id2 = try await directory.create(try ContactDraft.json(#"{"name":"B","groupId":8,"location":{"latitude":-90,"longitude":180}}"#), as: caller)
        let snapshot = try directory.snapshot(as: caller)
        #expect(encodeJSON(ContactResource(try snapshot.contact(id))) == """
        {"country":null,"customFields":[],"extraInformation":null,"groupId":8,"id":1,"location":{"latitude":0,"longitude":0},\
        "name":"A","parentId":null,"postalCode":null,"reference":null,"street":null,"town":null}
        """)
        #expect(try snapshot.contact(id2).location == Coordinate(latitude: -90, longitude: 180))
    }

    /// Each row's invalid values, with the property path named in the 422.
    @Test(arguments: [
        (#"{"groupId":7,"location":{"latitude":1,"longitude":1}}"#, "name", "is required"),
        (#"{"name":"","groupId":7,"location":{"latitude":1,"longitude":1}}"#, "name", "must not be empty"),
        (#"{"name":"   ","groupId":7,"location":{"latitude":1,"longitude":1}}"#, "name", "must not be empty"),
        (#"{"name":null,"groupId":7,"location":{"latitude":1,"longitude":1}}"#, "name", "is required"),
        (#"{"name":"\#(String(repeating: "n", count: 51))","groupId":7,"location":{"latitude":1,"longitude":1}}"#, "name", "must be at most 50 characters"),
        (#"{"name":"a","location":{"latitude":1,"longitude":1}}"#, "groupId", "is required"),
        (#"{"name":"a","groupId":99,"location":{"latitude":1,"longitude":1}}"#, "groupId", "no contact group 99 exists"),
        (#"{"name":"a","groupId":7,"parentId":99,"location":{"latitude":1,"longitude":1}}"#, "parentId", "no contact 99 exists"),
        (#"{"name":"a","groupId":7,"reference":"\#(String(repeating: "r", count: 41))","location":{"latitude":1,"longitude":1}}"#, "reference", "must be at most 40 characters"),
        (#"{"name":"a","groupId":7,"extraInformation":"\#(String(repeating: "e", count: 256))","location":{"latitude":1,"longitude":1}}"#, "extraInformation", "must be at most 255 characters"),
        (#"{"name":"a","groupId":7,"street":"\#(String(repeating: "s", count: 101))","location":{"latitude":1,"longitude":1}}"#, "street", "must be at most 100 characters"),
        (#"{"name":"a","groupId":7,"town":"\#(String(repeating: "t", count: 101))","location":{"latitude":1,"longitude":1}}"#, "town", "must be at most 100 characters"),
        (#"{"name":"a","groupId":7,"postalCode":"12345678901","location":{"latitude":1,"longitude":1}}"#, "postalCode", "must be at most 10 characters"),
        (#"{"name":"a","groupId":7,"country":"\#(String(repeating: "c", count: 51))","location":{"latitude":1,"longitude":1}}"#, "country", "must be at most 50 characters"),
        (#"{"name":"a","groupId":7}"#, "location", "is required"),
        (#"{"name":"a","groupId":7,"location":null}"#, "location", "is required"),
        (#"{"name":"a","groupId":7,"location":{"longitude":1}}"#, "location.latitude", "is required"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1}}"#, "location.longitude", "is required"),
        (#"{"name":"a","groupId":7,"location":{"latitude":91,"longitude":1}}"#, "location.latitude", "must be between -90 and 90"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":-180.5}}"#, "location.longitude", "must be between -180 and 180"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1e400,"longitude":1}}"#, "location.latitude", "latitude must be a finite number, got inf"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"value":"x"}]}"#, "customFields[0].definitionId", "is required"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":99,"value":"x"}]}"#, "customFields[0].definitionId", "no custom field definition 99 exists"),
        (#"{"name":"a","groupId":8,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":11,"value":"x"}]}"#, "customFields[0].definitionId", "does not apply to contacts of group 8"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":1,"value":"true"},{"definitionId":1,"value":"false"}]}"#, "customFields[1].definitionId", "appears more than once"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":1,"value":"yes"}]}"#, "customFields[0].value", "must be \"true\" or \"false\""),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":2,"value":"1.5"}]}"#, "customFields[0].value", "must be an integer"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":3,"value":"1e5"}]}"#, "customFields[0].value", "must be a decimal number such as -3.25"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":4,"value":"a\nb"}]}"#, "customFields[0].value", "must be a single line"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":6,"value":"2023-02-29"}]}"#, "customFields[0].value", "must be a date yyyy-MM-dd"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":7,"value":"24:00"}]}"#, "customFields[0].value", "must be a time HH:mm"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":8,"value":"XL"}]}"#, "customFields[0].value", "must be one of: S, M, L"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":9,"value":"12"}]}"#, "customFields[0].value", "is read-only"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":9,"value":null}]}"#, "customFields[0].value", "is read-only"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":10,"value":"abc"}]}"#, "customFields[0].value", "must be the id of a system list entry (a positive integer)"),
        (#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":5,"value":"\#(String(repeating: "x", count: 16_385))"}]}"#, "customFields[0].value", "must be at most 16384 characters"),
    ])
    func invalidRowIs422(body: String, path: String, message: String) async throws {
        let directory = try await Fixture.directory()
        let before = directory.snapshot(of: Fixture.customer)
        let draft = try ContactDraft.json(body)
        let failure = await problem { () async throws(ContactProblem) in _ = try await directory.create(draft, as: caller) }
        let p = try #require(failure)
        #expect(p.code == .validationFailed)
        #expect(p.errors?[path] == [message], "\(p)")
        #expect(directory.snapshot(of: Fixture.customer).count == before.count)
        try directory.snapshot(of: Fixture.customer).checkInvariants()
    }

    @Test(arguments: [
        ("true", 1), ("false", 1), ("-42", 2), ("9223372036854775807", 2), ("-3.25", 3), ("10", 3),
        ("one line", 4), ("two\nlines", 5), ("2024-02-29", 6), ("2024-01-31", 6), ("00:00", 7), ("23:59", 7),
        ("M", 8), ("17", 10),
    ])
    func validCustomFieldValues(value: String, definition: Int64) async throws {
        let directory = try await Fixture.directory()
        var draft = Fixture.draft()
        draft.customFields = [CustomFieldInput(definitionId: DefinitionID(definition), value: value)]
        let id = try await directory.create(draft, as: caller)
        #expect(try directory.snapshot(as: caller).contact(id).customField(DefinitionID(definition)) == value)
    }

    @Test func allFailuresAreReportedAtOnce() async throws {
        let directory = try await Fixture.directory()
        let body = #"{"name":"","groupId":99,"parentId":5,"postalCode":"12345678901","location":{"latitude":95,"longitude":200},"customFields":[{"definitionId":1,"value":"maybe"},{"definitionId":77,"value":"x"}]}"#
        let draft = try ContactDraft.json(body)
        let p = try #require(await problem { () async throws(ContactProblem) in _ = try await directory.create(draft, as: caller) })
        #expect(Set(p.errors!.keys) == ["name", "groupId", "parentId", "postalCode", "location.latitude",
                                         "customFields[0].value", "customFields[1].definitionId"])
    }

    @Test func everyResponseCode() async throws {
        let failing = FailingJournal()
        let directory = try await Fixture.directory(journal: failing)
        // 201
        let root = try await directory.create(Fixture.draft("root"), as: caller)
        let child = try await directory.create(Fixture.draft("child", parent: root), as: caller)
        // 204
        var patch = ContactPatch()
        patch.town = .value("York")
        try await directory.update(child, with: patch, as: caller)
        // 400
        #expect(syncProblem { () throws(ContactProblem) in _ = try ContactDraft.json("{") }?.code == .malformedJSON)
        #expect(syncProblem { () throws(ContactProblem) in _ = try ContactDraft.json("[1]") }?.code == .malformedJSON)
        #expect(syncProblem { () throws(ContactProblem) in _ = try ContactPatch.json("{}") }?.code == .emptyPatch)
        // 403
        for scopes: Set<Scope> in [[], [.read], [.admin]] {
            let c = Fixture.caller(Fixture.customer, scopes)
            #expect(await problem { () async throws(ContactProblem) in _ = try await directory.create(Fixture.draft(), as: c) }?.code == .missingScope)
            #expect(await problem { () async throws(ContactProblem) in try await directory.update(root, with: patch, as: c) }?.code == .missingScope)
            #expect(await problem { () async throws(ContactProblem) in try await directory.remove(child, as: c) }?.code == .missingScope)
        }
        #expect(syncProblem { () throws(ContactProblem) in _ = try directory.snapshot(as: Fixture.caller(Fixture.customer, [.write])) }?.code == .missingScope)
        #expect(await problem { () async throws(ContactProblem) in
            try await directory.defineGroup(ContactGroup(id: GroupID(1), name: "x"), as: Fixture.caller(Fixture.customer, [.read, .write]))
        }?.code == .missingScope)
        // 404
        #expect(await problem { () async throws(ContactProblem) in try await directory.update(ContactID(99), with: patch, as: caller) }?.code == .contactNotFound)
        #expect(await problem { () async throws(ContactProblem) in try await directory.remove(ContactID(99), as: caller) }?.code == .contactNotFound)
        #expect(syncProblem { () throws(ContactProblem) in _ = try directory.snapshot(as: caller).members(of: GroupID(99), page: .all) }?.code == .groupNotFound)
        // JSON entry points: 403 comes before the body is read.
        let reader = Fixture.caller(Fixture.customer, [.read])
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.create(json: Array("{".utf8), as: reader) }?.code == .missingScope)
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.create(json: Array("{".utf8), as: caller) }?.code == .malformedJSON)
        #expect(await problem { () async throws(ContactProblem) in try await directory.update(root, json: Array("{}".utf8), as: caller) }?.code == .emptyPatch)
        let viaJSON = try await directory.create(json: Array(#"{"name":"j","groupId":7,"location":{"latitude":1,"longitude":2}}"#.utf8), as: caller)
        try await directory.update(viaJSON, json: Array(#"{"town":"Hull"}"#.utf8), as: caller)
        #expect(try directory.snapshot(as: caller).contact(viaJSON).town == "Hull")
        // 409
        let conflict = await problem { () async throws(ContactProblem) in try await directory.remove(root, as: caller) }
        #expect(conflict?.code == .contactHasChildren)
        // 422
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.create(Fixture.draft(""), as: caller) }?.code == .validationFailed)
        // 500: the journal refuses; nothing changes.
        failing.fails = true
        let before = directory.snapshot(of: Fixture.customer)
        let storage = await problem { () async throws(ContactProblem) in _ = try await directory.create(Fixture.draft(), as: caller) }
        #expect(storage?.code == .storageFailed)
        #expect(directory.snapshot(of: Fixture.customer).count == before.count)
        try directory.snapshot(of: Fixture.customer).checkInvariants()
    }

    @Test func patchSemantics() async throws {
        let directory = try await Fixture.directory()
        var draft = Fixture.draft(reference: "R")
        draft.town = "Leeds"
        draft.customFields = [CustomFieldInput(definitionId: DefinitionID(1), value: "true"),
                              CustomFieldInput(definitionId: DefinitionID(2), value: "3")]
        let parent = try await directory.create(Fixture.draft("P"), as: caller)
        draft.parentId = parent
        let id = try await directory.create(draft, as: caller)
        // Absent keeps, null unsets, values set; customFields item null unsets one field.
        try await directory.update(id, with: try ContactPatch.json(#"{"town":null,"reference":null,"parentId":null,"street":"High St","customFields":[{"definitionId":1,"value":null}]}"#), as: caller)
        var c = try directory.snapshot(as: caller).contact(id)
        #expect(c.town == nil && c.reference == nil && c.parentId == nil && c.street == "High St" && c.name == "Depot")
        #expect(c.customFields == [CustomFieldValue(definitionId: DefinitionID(2), value: "3")])
        // Empty customFields keeps all values.
        try await directory.update(id, with: try ContactPatch.json(#"{"customFields":[],"name":"New"}"#), as: caller)
        c = try directory.snapshot(as: caller).contact(id)
        #expect(c.customFields.count == 1 && c.name == "New")
        // name, groupId, location cannot be null.
        let p = try #require(await problem { () async throws(ContactProblem) in
            try await directory.update(id, with: try ContactPatch.json(#"{"name":null,"groupId":null,"location":null}"#), as: caller)
        })
        #expect(p.errors == ["name": ["must not be null"], "groupId": ["must not be null"], "location": ["must not be null"]])
        // Location moves update the spatial index.
        try await directory.update(id, with: try ContactPatch.json(#"{"location":{"latitude":10,"longitude":20}}"#), as: caller)
        let snapshot = try directory.snapshot(as: caller)
        #expect(try snapshot.nearest(to: Coordinate(latitude: 10, longitude: 20), count: 1).first?.contact.id == id)
        try snapshot.checkInvariants()
    }

    @Test func groupChangeChecksKeptCustomFields() async throws {
        let directory = try await Fixture.directory()
        var draft = Fixture.draft()
        draft.customFields = [CustomFieldInput(definitionId: DefinitionID(11), value: "Dock 4")]
        let id = try await directory.create(draft, as: caller)
        let p = try #require(await problem { () async throws(ContactProblem) in
            try await directory.update(id, with: try ContactPatch.json(#"{"groupId":8}"#), as: caller)
        })
        #expect(p.errors == ["groupId": ["custom field 11 of this contact does not apply to group 8"]])
        try await directory.update(id, with: try ContactPatch.json(#"{"groupId":8,"customFields":[{"definitionId":11,"value":null}]}"#), as: caller)
        #expect(try directory.snapshot(as: caller).contact(id).groupId == Fixture.sites)
    }

    @Test func locationInAnotherCRS() async throws {
        let directory = try await Fixture.directory()
        // Big Ben in British National Grid (E 530268, N 179640).
        let id = try await directory.create(try ContactDraft.json(
            #"{"name":"Big Ben","groupId":7,"location":{"latitude":179640,"longitude":530268,"crs":"EPSG:27700"}}"#), as: caller)
        let location = try directory.snapshot(as: caller).contact(id).location
        #expect(abs(location.latitude - 51.500694) < 1e-4 && abs(location.longitude + 0.124628) < 1e-4)
        // Web Mercator.
        let id2 = try await directory.create(try ContactDraft.json(
            #"{"name":"Null island","groupId":7,"location":{"latitude":0,"longitude":0,"crs":"EPSG:3857"}}"#), as: caller)
        #expect(abs(try directory.snapshot(as: caller).contact(id2).location.longitude) < 1e-9)
        // Unknown CRS → 422 on location.crs; outside the domain → 422 on location.
        let unknown = try ContactDraft.json(#"{"name":"x","groupId":7,"location":{"latitude":0,"longitude":0,"crs":"EPSG:999999"}}"#)
        let p = try #require(await problem { () async throws(ContactProblem) in _ = try await directory.create(unknown, as: caller) })
        #expect(p.code == .validationFailed && p.errors?.keys.sorted() == ["location.crs"])
        let far = try ContactDraft.json(#"{"name":"x","groupId":7,"location":{"latitude":1e300,"longitude":1e300,"crs":"EPSG:3857"}}"#)
        let q = try #require(await problem { () async throws(ContactProblem) in _ = try await directory.create(far, as: caller) })
        #expect(q.code == .validationFailed && q.errors?.keys.sorted() == ["location"])
        // A directory-wide default CRS.
        let mercator = try await Fixture.directory(policy: ContactPolicy(defaultCRS: "EPSG:3857"))
        let id3 = try await mercator.create(try ContactDraft.json(#"{"name":"m","groupId":7,"location":{"latitude":6800000,"longitude":-170000}}"#), as: caller)
        #expect(try mercator.snapshot(as: caller).contact(id3).location.latitude > 51)
    }

    @Test func uniqueReferencesArePerCustomerOption() async throws {
        let directory = try await Fixture.directory()
        _ = try await directory.create(Fixture.draft(reference: "A"), as: caller)
        _ = try await directory.create(Fixture.draft(reference: "A"), as: caller)  // allowed by default
        #expect(try directory.snapshot(as: caller).contacts(withReference: "A").count == 2)
        #expect(await problem { () async throws(ContactProblem) in try await directory.setPolicy(ContactPolicy(requiresUniqueReferences: true), as: caller) }?.code == .inUse)
        let other = Fixture.caller(Fixture.other)
        try await directory.setPolicy(ContactPolicy(requiresUniqueReferences: true), as: other)
        _ = try await directory.create(Fixture.draft(reference: "A"), as: other)
        let p = try #require(await problem { () async throws(ContactProblem) in _ = try await directory.create(Fixture.draft(reference: "A"), as: other) })
        #expect(p.code == .validationFailed && p.errors == ["reference": ["is already used by another contact"]])
        // Updating a contact with its own reference is fine.
        try await directory.update(ContactID(1), with: try ContactPatch.json(#"{"reference":"A"}"#), as: other)
    }

    @Test func listsPagesAndWireShapes() async throws {
        let directory = try await Fixture.directory()
        for i in 0..<25 { _ = try await directory.create(Fixture.draft("c\(i)", group: i % 2 == 0 ? Fixture.depots : Fixture.sites, reference: "r\(i % 3)"), as: caller) }
        let snapshot = try directory.snapshot(as: caller)
        let page = try snapshot.contacts(page: PageRequest(pageNumber: 3, pageSize: 10))
        #expect(page.items.map(\.id.rawValue) == Array(21...25))
        #expect(page.pageItemCount == 5)
        let depots = try snapshot.contacts(matching: ContactFilter(groupId: Fixture.depots, reference: "r0"), page: .all)
        #expect(depots.items.map(\.id.rawValue) == [1, 7, 13, 19, 25])
        #expect(try snapshot.contacts(page: PageRequest(pageNumber: 4, pageSize: 10)).items.isEmpty)
        #expect(try snapshot.contacts(page: PageRequest(pageNumber: Int.max, pageSize: 1000)).items.isEmpty)
        #expect(syncProblem { () throws(ContactProblem) in _ = try PageRequest(pageNumber: 0) }?.errors == ["pageNumber": ["must be at least 1"]])
        #expect(syncProblem { () throws(ContactProblem) in _ = try PageRequest(pageSize: 1001) }?.code == .invalidParameter)
        let one = try snapshot.contacts(page: PageRequest(pageNumber: 1, pageSize: 1)).map(ContactResource.init)
        #expect(encodeJSON(one) == """
        {"items":[{"country":null,"customFields":[],"extraInformation":null,"groupId":7,"id":1,\
        "location":{"latitude":53.8,"longitude":-1.55},"name":"c0","parentId":null,"postalCode":null,\
        "reference":"r0","street":null,"town":null}],"next":1,"pageItemCount":1,"pageNumber":1,"pageSize":1}
        """)
        let hit = try snapshot.nearest(to: Coordinate(latitude: 53.8, longitude: -1.55), count: 1)[0]
        #expect(encodeJSON(ContactHitResource(hit)).hasSuffix(#""distance":0,"extraInformation":null,"groupId":7,"id":1,"location":{"latitude":53.8,"longitude":-1.55},"name":"c0","parentId":null,"postalCode":null,"reference":"r0","street":null,"town":null}"#))
        let resource = ContactResource(hit.contact)
        #expect(try JSONDecoder().decode(ContactResource.self, from: Data(encodeJSON(resource).utf8)) == resource)
        #expect(encodeJSON(snapshot.groups) == #"[{"id":7,"name":"Depots"},{"id":8,"name":"Sites"}]"#)
        #expect(snapshot.customFieldDefinitions.count == Fixture.definitions.count)
        #expect(try snapshot.memberCount(of: Fixture.depots) == 13)
    }

    @Test func customersAreIsolated() async throws {
        let directory = try await Fixture.directory()
        let id = try await directory.create(Fixture.draft(reference: "X"), as: caller)
        let other = Fixture.caller(Fixture.other)
        let snapshot = try directory.snapshot(as: other)
        #expect(syncProblem { () throws(ContactProblem) in _ = try snapshot.contact(id) }?.code == .contactNotFound)
        #expect(snapshot.contacts(withReference: "X").isEmpty)
        #expect(try snapshot.nearest(to: Coordinate(latitude: 53.8, longitude: -1.55), count: 5).isEmpty)
        #expect(await problem { () async throws(ContactProblem) in try await directory.remove(id, as: other) }?.code == .contactNotFound)
        // A parent of another customer does not exist for this one.
        let p = try #require(await problem { () async throws(ContactProblem) in _ = try await directory.create(Fixture.draft(parent: id), as: other) })
        #expect(p.errors?["parentId"] != nil)
        // Groups are per customer too.
        let fresh = Fixture.caller(CustomerID(1000))
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.create(Fixture.draft(), as: fresh) }?.errors?["groupId"] != nil)
    }
}

/// A journal that can be told to refuse writes.
final class FailingJournal: ContactJournal {
    private let failing = Atomic<Bool>(false)
    var fails: Bool {
        get { failing.load(ordering: .relaxed) }
        set { failing.store(newValue, ordering: .relaxed) }
    }
    struct Refused: Error {}
    func append(_ changes: [ContactChange], customer: CustomerID) throws -> UInt64 {
        if fails { throw Refused() }
        return 1
    }
    func waitUntilDurable(_ sequence: UInt64) async throws {}
}
