import Testing
@testable import GeoContacts

/// Table-driven: each invalid body yields the right code, names the right property, and
/// changes nothing.
@Suite struct InvalidBodyTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var body: String
        var code: ContactProblem.Code
        var path: String?
        var testDescription: String { body }
    }

    static let createCases: [Case] = [
        Case(body: "", code: .malformedJSON, path: nil),
        Case(body: "not json", code: .malformedJSON, path: nil),
        Case(body: "[]", code: .malformedJSON, path: nil),
        Case(body: "\"name\"", code: .malformedJSON, path: nil),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1}} x"#, code: .malformedJSON, path: nil),
        Case(body: #"{"name":"a",}"#, code: .malformedJSON, path: nil),
        Case(body: #"{"name":"\ud800","groupId":7}"#, code: .malformedJSON, path: nil),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"nickname":"x"}"#, code: .invalidBody, path: "nickname"),
        Case(body: #"{"name":"a","name":"b","groupId":7,"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "name"),
        Case(body: #"{"name":5,"groupId":7,"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "name"),
        Case(body: #"{"name":"a","groupId":"7","location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "groupId"),
        Case(body: #"{"name":"a","groupId":7.5,"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "groupId"),
        Case(body: #"{"name":"a","groupId":7e0,"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "groupId"),
        Case(body: #"{"name":"a","groupId":9223372036854775808,"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "groupId"),
        Case(body: #"{"name":"a","groupId":7,"parentId":-9223372036854775809,"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "parentId"),
        Case(body: #"{"name":"a","groupId":7,"parentId":true,"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "parentId"),
        Case(body: #"{"name":"a","groupId":7,"reference":1,"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "reference"),
        Case(body: #"{"name":"a","groupId":7,"extraInformation":[],"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "extraInformation"),
        Case(body: #"{"name":"a","groupId":7,"street":{},"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "street"),
        Case(body: #"{"name":"a","groupId":7,"town":false,"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "town"),
        Case(body: #"{"name":"a","groupId":7,"postalCode":12345,"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "postalCode"),
        Case(body: #"{"name":"a","groupId":7,"country":["UK"],"location":{"latitude":1,"longitude":1}}"#, code: .invalidBody, path: "country"),
        Case(body: #"{"name":"a","groupId":7,"location":[1,1]}"#, code: .invalidBody, path: "location"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":"1","longitude":1}}"#, code: .invalidBody, path: "location.latitude"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":null,"lng":1}}"#, code: .invalidBody, path: "location.lng"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1,"crs":3857}}"#, code: .invalidBody, path: "location.crs"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":{}}"#, code: .invalidBody, path: "customFields"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[1]}"#, code: .invalidBody, path: "customFields[0]"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":1,"value":true}]}"#, code: .invalidBody, path: "customFields[0].value"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":1,"value":"true"},{"definitionId":"2","value":"1"}]}"#, code: .invalidBody, path: "customFields[1].definitionId"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1},"customFields":[{"definitionId":1,"value":"true","label":"x"}]}"#, code: .invalidBody, path: "customFields[0].label"),
        Case(body: #"{"name":"","groupId":7,"location":{"latitude":1,"longitude":1}}"#, code: .validationFailed, path: "name"),
        Case(body: #"{"name":"a","groupId":70,"location":{"latitude":1,"longitude":1}}"#, code: .validationFailed, path: "groupId"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":-90.0001,"longitude":1}}"#, code: .validationFailed, path: "location.latitude"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":0,"longitude":0,"crs":"EPSG:nope"}}"#, code: .validationFailed, path: "location.crs"),
        Case(body: #"{"name":"a","groupId":7,"location":{"latitude":0,"longitude":0,"crs":" "}}"#, code: .validationFailed, path: "location.crs"),
    ]

    @Test(arguments: createCases)
    func createBody(_ c: Case) async throws {
        let directory = try await Fixture.directory()
        let existing = try await directory.create(Fixture.draft(), as: Fixture.caller())
        let before = directory.snapshot(of: Fixture.customer)
        let failure = await problem { () async throws(ContactProblem) in
            let draft = try ContactDraft(json: Array(c.body.utf8))
            _ = try await directory.create(draft, as: Fixture.caller())
        }
        let p = try #require(failure)
        #expect(p.code == c.code, "\(p)")
        if let path = c.path { #expect(p.errors?[path] != nil, "\(p)") }
        let after = directory.snapshot(of: Fixture.customer)
        #expect(after.count == before.count)
        #expect(try after.contact(existing) == before.contact(existing))
        try after.checkInvariants()
    }

    static let patchCases: [Case] = [
        Case(body: "{}", code: .emptyPatch, path: nil),
        Case(body: "null", code: .malformedJSON, path: nil),
        Case(body: #"{"nickname":"x"}"#, code: .invalidBody, path: "nickname"),
        Case(body: #"{"groupId":1.5}"#, code: .invalidBody, path: "groupId"),
        Case(body: #"{"parentId":"1"}"#, code: .invalidBody, path: "parentId"),
        Case(body: #"{"location":{"latitude":true,"longitude":1}}"#, code: .invalidBody, path: "location.latitude"),
        Case(body: #"{"name":null}"#, code: .validationFailed, path: "name"),
        Case(body: #"{"name":""}"#, code: .validationFailed, path: "name"),
        Case(body: #"{"groupId":null}"#, code: .validationFailed, path: "groupId"),
        Case(body: #"{"groupId":99}"#, code: .validationFailed, path: "groupId"),
        Case(body: #"{"location":null}"#, code: .validationFailed, path: "location"),
        Case(body: #"{"location":{"latitude":1}}"#, code: .validationFailed, path: "location.longitude"),
        Case(body: #"{"parentId":1}"#, code: .validationFailed, path: "parentId"),  // itself
        Case(body: #"{"parentId":2}"#, code: .validationFailed, path: "parentId"),  // its child: a cycle
        Case(body: #"{"parentId":404}"#, code: .validationFailed, path: "parentId"),
        Case(body: #"{"customFields":[{"definitionId":9,"value":"1"}]}"#, code: .validationFailed, path: "customFields[0].value"),
        Case(body: #"{"town":"x","customFields":[{"definitionId":1,"value":"nope"}],"postalCode":"12345678901"}"#, code: .validationFailed, path: "customFields[0].value"),
    ]

    @Test(arguments: patchCases)
    func patchBody(_ c: Case) async throws {
        let directory = try await Fixture.directory()
        let root = try await directory.create(Fixture.draft(), as: Fixture.caller())
        _ = try await directory.create(Fixture.draft(parent: root), as: Fixture.caller())
        let before = directory.snapshot(of: Fixture.customer)
        let failure = await problem { () async throws(ContactProblem) in
            let patch = try ContactPatch(json: Array(c.body.utf8))
            try await directory.update(root, with: patch, as: Fixture.caller())
        }
        let p = try #require(failure)
        #expect(p.code == c.code, "\(p)")
        if let path = c.path { #expect(p.errors?[path] != nil, "\(p)") }
        let after = directory.snapshot(of: Fixture.customer)
        #expect(try after.contact(root) == before.contact(root))
        try after.checkInvariants()
    }

    @Test func unknownContactPatchIs404() async throws {
        let directory = try await Fixture.directory()
        let p = await problem { () async throws(ContactProblem) in
            try await directory.update(ContactID(5), with: try ContactPatch(json: Array(#"{"name":"x"}"#.utf8)), as: Fixture.caller())
        }
        #expect(p?.code == .contactNotFound)
    }

    /// Strings are UTF-8 checked byte for byte, with and without escapes: valid multi-byte
    /// text comes back unchanged, and every kind of invalid sequence is a 400, not repaired.
    @Test func stringsAreCheckedUTF8() throws {
        func body(_ name: [UInt8]) -> [UInt8] {
            Array(#"{"name":""#.utf8) + name + Array(#"","groupId":7,"location":{"latitude":1,"longitude":1}}"#.utf8)
        }
        for (json, expected) in [("Zoë Ångström", "Zoë Ångström"), ("北京 📍", "北京 📍"), (#"a\u00e9\t🚐"#, "aé\t🚐"),
                                 (#"\\é"#, #"\é"#)] {
            #expect(try ContactDraft(json: body(Array(json.utf8))).name == expected)
        }
        let invalid: [[UInt8]] = [
            [0x80], [0xC3], [0xC0, 0xAF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF],
        ]
        for bytes in invalid {
            for (prefix, suffix) in [([UInt8](), [UInt8]()), (Array("é".utf8), Array("x".utf8)), (Array(#"\n"#.utf8), [])] {
                let failure = syncProblem { () throws(ContactProblem) in _ = try ContactDraft(json: body(prefix + bytes + suffix)) }
                #expect(failure?.code == .malformedJSON, "\(prefix + bytes + suffix)")
            }
        }
    }
}
