import Foundation
import Testing
@testable import GeoContacts
@testable import GeoContactsSQLite
import Geodesy
import HashTreeCollections

/// What is acknowledged is what comes back after a restart (issue 17, items 4–6): NUL is
/// refused, lengths count Unicode scalars, -0 is stored as +0.
@Suite("Storage: stored text and coordinates equal what was acknowledged")
struct StoredTextTests {
    static let caller = Support.caller(1)

    static func open(_ folder: DataFolder) async throws -> ContactStorage {
        let storage = try ContactStorage.open(folder)
        try await storage.directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: caller)
        try await storage.directory.defineCustomField(
            CustomFieldDefinition(id: DefinitionID(1), name: "Note", type: .note), as: caller)
        return storage
    }

    static func draft(name: String = "A", street: String? = nil, note: String? = nil,
                      latitude: Double = 1, longitude: Double = 2) -> ContactDraft {
        ContactDraft(name: name, groupId: GroupID(1), street: street, location: LocationInput(latitude: latitude, longitude: longitude),
                     customFields: note.map { [CustomFieldInput(definitionId: DefinitionID(1), value: $0)] })
    }

    @Test("a NUL in any string is a 422 on that property; nothing is stored; the restart agrees with memory",
          arguments: ["name", "street", "customFields[0].value"])
    func nulIsRefused(_ property: String) async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        var storage = try await Self.open(folder)
        let kept = try await storage.directory.create(Self.draft(name: "Kept", street: "S", note: "n"), as: Self.caller)
        let text = "A\u{0}B"
        let draft = switch property {
        case "name": Self.draft(name: text)
        case "street": Self.draft(street: text)
        default: Self.draft(note: text)
        }
        do throws(ContactProblem) {
            _ = try await storage.directory.create(draft, as: Self.caller)
            Issue.record("a NUL in \(property) was accepted")
        } catch {
            #expect(error.code == .validationFailed)
            #expect(error.errors?[property] == ["must not contain the NUL character (U+0000)"])
        }
        var patch = ContactPatch()
        switch property {
        case "name": patch.name = .value(text)
        case "street": patch.street = .value(text)
        default: patch.customFields = .value([CustomFieldInput(definitionId: DefinitionID(1), value: text)])
        }
        await #expect(throws: ContactProblem.self) { try await storage.directory.update(kept, with: patch, as: Self.caller) }
        let inMemory = Support.allContacts(storage.directory.snapshot(of: CustomerID(1)))
        storage.close()
        storage = try ContactStorage.open(folder)
        defer { storage.close() }
        #expect(Support.allContacts(storage.directory.snapshot(of: CustomerID(1))) == inMemory)
        #expect(inMemory.count == 1)
    }

    @Test("group, definition and option names with NUL are refused")
    func nulInAdminNames() async throws {
        let directory = ContactDirectory()
        await #expect(throws: ContactProblem.self) {
            try await directory.defineGroup(ContactGroup(id: GroupID(1), name: "G\u{0}"), as: Self.caller)
        }
        await #expect(throws: ContactProblem.self) {
            try await directory.defineCustomField(CustomFieldDefinition(id: DefinitionID(1), name: "N\u{0}", type: .text), as: Self.caller)
        }
        await #expect(throws: ContactProblem.self) {
            try await directory.defineCustomField(
                CustomFieldDefinition(id: DefinitionID(1), name: "N", type: .list, options: ["a\u{0}"]), as: Self.caller)
        }
        #expect(directory.snapshot(of: CustomerID(1)).groups.isEmpty)
    }

    @Test("limits count Unicode scalars: combining accents count, one scalar per accent")
    func lengthsCountScalars() async throws {
        let directory = ContactDirectory()
        try await directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: Self.caller)
        let accented = "e\u{301}"  // one Character, two scalars
        let limit = directory.snapshot(of: CustomerID(1)).policy.maximumLengths["name"] ?? 50
        let fits = String(repeating: accented, count: limit / 2)
        #expect(fits.unicodeScalars.count <= limit)
        _ = try await directory.create(Self.draft(name: fits), as: Self.caller)
        let tooLong = String(repeating: accented, count: limit / 2 + 1)
        #expect(tooLong.count <= limit, "the test needs a name that is short in Characters")
        do throws(ContactProblem) {
            _ = try await directory.create(Self.draft(name: tooLong), as: Self.caller)
            Issue.record("\(tooLong.unicodeScalars.count) scalars passed a limit of \(limit)")
        } catch {
            #expect(error.errors?["name"] == ["must be at most \(limit) characters"])
        }
        let huge = "e" + String(repeating: "\u{301}", count: 300_000)
        await #expect(throws: ContactProblem.self) { try await directory.create(Self.draft(name: huge), as: Self.caller) }
        await #expect(throws: ContactProblem.self) {
            try await directory.create(Self.draft(note: "e" + String(repeating: "\u{301}", count: 20_000)), as: Self.caller)
        }
        #expect(directory.snapshot(of: CustomerID(1)).contacts.count == 1)
    }

    @Test("-0 latitude and longitude are stored as +0, before and after a restart")
    func negativeZeroIsNormalized() async throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        var storage = try await Self.open(folder)
        let id = try await storage.directory.create(Self.draft(latitude: -0.0, longitude: -0.0), as: Self.caller)
        for round in ["memory", "restart"] {
            let location = try #require(storage.directory.snapshot(of: CustomerID(1)).contacts[id]).location
            #expect(location.latitude.sign == .plus && location.latitude == 0, "\(round)")
            #expect(location.longitude.sign == .plus && location.longitude == 0, "\(round)")
            storage.close()
            storage = try ContactStorage.open(folder)
        }
        storage.close()
    }
}
