import GeoDataGeneration
import Testing
@testable import GeoContacts
import HashTreeCollections

/// A replica catching up applies a *delta* (the touched rows as they are now) to the state it
/// has: ``CustomerSnapshot/applying(_:)-delta`` must order the changes so that each is valid,
/// and end in exactly the later state, whatever happened in between.
@Suite("Catching up from a delta")
struct SnapshotDeltaTests {
    /// The delta from `old` to `new`, as a store would answer it: every contact that differs
    /// (in an arbitrary order), the removed ones, and the groups and definitions that differ
    /// or were removed.
    static func delta(from old: CustomerSnapshot, to new: CustomerSnapshot, version: Int64,
                      using rng: inout SeededGenerator) -> CustomerDelta {
        var delta = CustomerDelta(version: version, nextContactID: new.nextContactID)
        for (id, contact) in new.contacts where old.contacts[id] != contact { delta.contacts.append(contact) }
        for (id, _) in old.contacts where new.contacts[id] == nil { delta.removed.append(id) }
        for (id, group) in new.groupsByID where old.groupsByID[id] != group { delta.groups.append(group) }
        for (id, _) in old.groupsByID where new.groupsByID[id] == nil { delta.removedGroups.append(id) }
        for (id, definition) in new.definitionsByID where old.definitionsByID[id] != definition {
            delta.definitions.append(definition)
        }
        for (id, _) in old.definitionsByID where new.definitionsByID[id] == nil { delta.removedDefinitions.append(id) }
        delta.contacts.shuffle(using: &rng)
        delta.removed.shuffle(using: &rng)
        return delta
    }

    @Test("random writes between catch-ups: re-parenting, swaps, cascades, moves, group and definition removals",
          arguments: [1, 2, 3, 4] as [UInt64])
    func randomHistories(seed: UInt64) async throws {
        var rng = SeededGenerator(seed: seed)
        let writer = try await Fixture.directory(customers: [Fixture.customer])
        let caller = Fixture.caller()
        var replica = writer.snapshot(of: Fixture.customer)
        var ids: [ContactID] = []
        var removedGroups = 0, removedDefinitions = 0
        for round in 1...40 {
            // A burst of writes on the writer (some refused: those change nothing).
            for step in 0..<Int.random(in: 1...30, using: &rng) {
                let pick = { (rng: inout SeededGenerator) -> ContactID? in ids.isEmpty ? nil : ids.randomElement(using: &rng) }
                let groups = writer.snapshot(of: Fixture.customer).groups.map(\.id)
                let texts = writer.snapshot(of: Fixture.customer).customFieldDefinitions.filter { $0.type == .text }.map(\.id)
                switch Int.random(in: 0..<12, using: &rng) {
                case 0...3:
                    let parent = Bool.random(using: &rng) ? pick(&rng) : nil
                    var draft = Fixture.draft("c\(round)-\(step)", group: groups.randomElement(using: &rng) ?? Fixture.sites,
                                              parent: parent, latitude: Double.random(in: -90...90, using: &rng),
                                              longitude: Double.random(in: -180...180, using: &rng))
                    if let field = texts.randomElement(using: &rng) { draft.customFields = [CustomFieldInput(definitionId: field, value: "v")] }
                    if let id = try? await writer.create(draft, as: caller) { ids.append(id) }
                case 4...6:
                    guard let id = pick(&rng) else { continue }
                    var patch = ContactPatch()
                    patch.parentId = Bool.random(using: &rng) ? .null : (pick(&rng).map { .value($0) } ?? .null)
                    if Bool.random(using: &rng) {
                        patch.location = .value(LocationInput(latitude: Double.random(in: -90...90, using: &rng), longitude: 180))
                    }
                    try? await writer.update(id, with: patch, as: caller)
                case 7:
                    // Swap a parent and its child.
                    guard let child = pick(&rng), let parent = writer.snapshot(of: Fixture.customer).contacts[child]?.parentId
                    else { continue }
                    var up = ContactPatch(), down = ContactPatch()
                    up.parentId = .null
                    down.parentId = .value(child)
                    try? await writer.update(child, with: up, as: caller)
                    try? await writer.update(parent, with: down, as: caller)
                case 8:
                    guard let id = pick(&rng) else { continue }
                    _ = try? await writer.remove(id, children: Bool.random(using: &rng) ? .cascade : .reparentChildren, as: caller)
                    let alive = writer.snapshot(of: Fixture.customer).contacts
                    ids.removeAll { alive[$0] == nil }
                case 9:
                    try? await writer.defineGroup(ContactGroup(id: Fixture.sites, name: "Sites \(round)"), as: caller)
                case 10:
                    // A new group, or one removed with its contacts moved to another.
                    if Bool.random(using: &rng) || groups.count < 2 {
                        _ = try? await writer.createGroup(named: "g\(round)-\(step)", as: caller)
                    } else if let removed = groups.randomElement(using: &rng), let target = groups.randomElement(using: &rng) {
                        _ = try? await writer.removeGroup(removed, moveContactsTo: target, as: caller)
                    }
                default:
                    // A new text field, or one removed with its values cleared.
                    if Bool.random(using: &rng) || texts.isEmpty {
                        _ = try? await writer.createCustomField(DefinitionDraft(name: "t\(round)", type: "text"), as: caller)
                    } else if let removed = texts.randomElement(using: &rng) {
                        _ = try? await writer.removeCustomField(removed, clearingValues: true, as: caller)
                    }
                }
            }
            let target = writer.snapshot(of: Fixture.customer)
            let delta = Self.delta(from: replica, to: target, version: Int64(round), using: &rng)
            replica = try replica.applying(delta)
            #expect(replica.version == Int64(round))
            #expect(replica.contacts == target.contacts, "round \(round)")
            #expect(replica.groupsByID == target.groupsByID)
            #expect(replica.definitionsByID == target.definitionsByID)
            try replica.checkInvariants()
            removedGroups += delta.removedGroups.count
            removedDefinitions += delta.removedDefinitions.count
        }
        #expect(ids.count > 20)
        #expect(removedGroups > 0 && removedDefinitions > 0, "\(removedGroups) groups, \(removedDefinitions) definitions removed")
    }

    @Test("rows that make a cycle or name an unknown parent are refused, and nothing changes")
    func inconsistentRows() async throws {
        let writer = try await Fixture.directory(customers: [Fixture.customer])
        let a = try await writer.create(Fixture.draft("a"), as: Fixture.caller())
        let b = try await writer.create(Fixture.draft("b", parent: a), as: Fixture.caller())
        let before = writer.snapshot(of: Fixture.customer)
        var cycleA = try before.contact(a), cycleB = try before.contact(b)
        cycleA.parentId = b
        cycleB.parentId = a
        #expect(throws: ContactProblem.self) {
            try before.applying(CustomerDelta(version: 5, contacts: [cycleA, cycleB]))
        }
        var orphan = try before.contact(b)
        orphan.parentId = ContactID(999)
        #expect(throws: ContactProblem.self) { try before.applying(CustomerDelta(version: 5, contacts: [orphan])) }
        // The parent removed while its child stays.
        #expect(throws: ContactProblem.self) { try before.applying(CustomerDelta(version: 5, removed: [a])) }
        // A group removed while contacts are in it, or while a definition is restricted to it.
        #expect(throws: ContactProblem.self) { try before.applying(CustomerDelta(version: 5, removedGroups: [Fixture.depots])) }
        #expect(throws: ContactProblem.self) {
            try CustomerSnapshot(customer: Fixture.customer).applying([.groupDefined(ContactGroup(id: Fixture.depots, name: "D")),
                                                                      .definitionDefined(Fixture.depotOnly)])
                .applying(CustomerDelta(version: 5, removedGroups: [Fixture.depots]))
        }
        #expect(writer.snapshot(of: Fixture.customer).contacts == before.contacts)
    }
}
