import Geodesy
import Testing
@testable import GeoContacts

/// The durability hook: what the journal receives, and that replaying it or restoring from
/// the stored contacts rebuilds the same state.
@Suite struct JournalTests {
    @Test func journalReceivesValidatedChangesInOrderAndReplays() async throws {
        let journal = InMemoryJournal()
        let directory = try await Fixture.directory(customers: [Fixture.customer], journal: journal)
        let caller = Fixture.caller()
        let root = try await directory.create(Fixture.draft("root"), as: caller)
        let a = try await directory.create(Fixture.draft("a", parent: root), as: caller)
        let b = try await directory.create(Fixture.draft("b", parent: a), as: caller)
        _ = try await directory.create(Fixture.draft("c", parent: b), as: caller)
        _ = await problem { () async throws(ContactProblem) in _ = try await directory.create(Fixture.draft(""), as: caller) }  // refused: not journaled
        try await directory.remove(a, children: .reparentChildren, as: caller)
        let removed = try await directory.remove(root, children: .cascade, as: caller)
        #expect(removed.count == 3)

        let entries = journal.entries
        #expect(entries.map(\.sequence) == Array(1...UInt64(entries.count)))
        guard case .removed(let last) = entries.last!.changes.last! else { Issue.record("cascade ends with a removal"); return }
        #expect(last.id == root)  // descendants first, the root last
        guard case .updated(let old, let new) = entries[entries.count - 2].changes[0] else { Issue.record("re-parent first"); return }
        #expect(old.parentId == a && new.parentId == root)

        // Replaying every change onto an empty snapshot gives the directory's state.
        var replayed = CustomerSnapshot(customer: Fixture.customer)
        for entry in entries { replayed = try replayed.applying(entry.changes) }
        try replayed.checkInvariants()
        let current = directory.snapshot(of: Fixture.customer)
        #expect(replayed.count == current.count && replayed.groups == current.groups)
        #expect(replayed.customFieldDefinitions == current.customFieldDefinitions)

        // A change that does not fit is refused by replay.
        #expect(syncProblem { () throws(ContactProblem) in _ = try replayed.applying(entries[entries.count - 2].changes) }?.code == .internalError)
        #expect(syncProblem { () throws(ContactProblem) in
            _ = try replayed.applying([.created(Contact(id: ContactID(1), name: "x", groupId: GroupID(999), location: Coordinate(latitude: 0, longitude: 0)))])
        }?.code == .internalError)
    }

    @Test func restoreRebuildsTheSameState() async throws {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        let caller = Fixture.caller()
        var last: ContactID?
        for i in 0..<300 {
            var draft = Fixture.draft("c\(i)", group: i % 3 == 0 ? Fixture.sites : Fixture.depots, parent: i % 4 == 0 ? nil : last,
                                      latitude: Double(i % 180) - 89.5, longitude: Double(i) - 150, reference: "r\(i % 7)")
            draft.customFields = [CustomFieldInput(definitionId: Fixture.size.id, value: ["S", "M", "L"][i % 3])]
            last = try await directory.create(draft, as: caller)
        }
        let source = directory.snapshot(of: Fixture.customer)
        var contacts: [Contact] = []
        source.forEachContact { contacts.append($0) }
        let copy = ContactDirectory()
        try copy.restore(customer: Fixture.customer, groups: source.groups, definitions: source.customFieldDefinitions,
                         contacts: contacts.shuffled())
        let restored = copy.snapshot(of: Fixture.customer)
        try restored.checkInvariants()
        #expect(try restored.contacts(page: .all).items == source.contacts(page: .all).items)
        let p = Coordinate(latitude: 10, longitude: 10)
        #expect(try restored.nearest(to: p, count: 10).map(\.contact.id) == source.nearest(to: p, count: 10).map(\.contact.id))
        // The next id continues after the restored ones.
        let next = try await copy.create(Fixture.draft(), as: caller)
        #expect(next == ContactID(301))
        // Inconsistent data is refused and changes nothing.
        var broken = contacts
        broken[0].parentId = ContactID(9999)
        #expect(syncProblem { () throws(ContactProblem) in
            try copy.restore(customer: Fixture.customer, groups: source.groups, definitions: source.customFieldDefinitions, contacts: broken)
        }?.code == .internalError)
        #expect(copy.snapshot(of: Fixture.customer).count == 301)
        var cyclic = contacts.filter { $0.parentId == nil }.prefix(2).map { $0 }
        cyclic[0].parentId = cyclic[1].id
        cyclic[1].parentId = cyclic[0].id
        #expect(syncProblem { () throws(ContactProblem) in
            try copy.restore(customer: CustomerID(5), groups: source.groups, definitions: [], contacts: cyclic.map { var c = $0; c.customFields = []; return c })
        }?.detail.contains("cycle") == true)
    }
}
