import Foundation
import Geodesy
@testable import GeoContacts

enum Fixture {
    static let customer = CustomerID(42)
    static let other = CustomerID(43)
    static let everything: Set<Scope> = [.read, .write, .admin]

    static func caller(_ customer: CustomerID = customer, _ scopes: Set<Scope> = everything) -> Caller {
        Caller(customer: customer, scopes: scopes)
    }

    static let depots = GroupID(7)
    static let sites = GroupID(8)

    static let vip = CustomFieldDefinition(id: DefinitionID(1), name: "VIP", type: .boolean)
    static let visits = CustomFieldDefinition(id: DefinitionID(2), name: "Visits", type: .integer)
    static let rate = CustomFieldDefinition(id: DefinitionID(3), name: "Rate", type: .decimal)
    static let code = CustomFieldDefinition(id: DefinitionID(4), name: "Code", type: .text)
    static let notes = CustomFieldDefinition(id: DefinitionID(5), name: "Notes", type: .note)
    static let opened = CustomFieldDefinition(id: DefinitionID(6), name: "Opened", type: .date)
    static let opens = CustomFieldDefinition(id: DefinitionID(7), name: "Opens", type: .time)
    static let size = CustomFieldDefinition(id: DefinitionID(8), name: "Size", type: .list, options: ["S", "M", "L"])
    static let statement = CustomFieldDefinition(id: DefinitionID(9), name: "Balance", type: .statement)
    static let region = CustomFieldDefinition(id: DefinitionID(10), name: "Region", type: .systemList)
    static let depotOnly = CustomFieldDefinition(id: DefinitionID(11), name: "Dock", type: .text, groupIds: [depots])
    static let definitions = [vip, visits, rate, code, notes, opened, opens, size, statement, region, depotOnly]

    /// A directory where `customers` each have groups 7 and 8 and every definition above.
    static func directory(customers: [CustomerID] = [customer, other], policy: ContactPolicy = .default,
                          journal: any ContactJournal = NoJournal()) async throws -> ContactDirectory {
        let directory = ContactDirectory(journal: journal, defaultPolicy: policy)
        for c in customers {
            try await directory.defineGroup(ContactGroup(id: depots, name: "Depots"), as: caller(c))
            try await directory.defineGroup(ContactGroup(id: sites, name: "Sites"), as: caller(c))
            for d in definitions { try await directory.defineCustomField(d, as: caller(c)) }
        }
        return directory
    }

    static func draft(_ name: String = "Depot", group: GroupID = depots, parent: ContactID? = nil,
                      latitude: Double = 53.8, longitude: Double = -1.55, reference: String? = nil) -> ContactDraft {
        ContactDraft(reference: reference, name: name, groupId: group, parentId: parent,
                     location: LocationInput(latitude: latitude, longitude: longitude))
    }
}

func encodeJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try! encoder.encode(value), as: UTF8.self)
}

/// Runs `body` and returns the problem it threw, or nil.
func problem(_ body: () async throws(ContactProblem) -> Void) async -> ContactProblem? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}

func syncProblem(_ body: () throws(ContactProblem) -> Void) -> ContactProblem? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

extension ContactDraft {
    static func json(_ text: String) throws(ContactProblem) -> ContactDraft { try ContactDraft(json: Array(text.utf8)) }
}

extension ContactPatch {
    static func json(_ text: String) throws(ContactProblem) -> ContactPatch { try ContactPatch(json: Array(text.utf8)) }
}
