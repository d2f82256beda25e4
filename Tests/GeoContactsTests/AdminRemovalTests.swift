import Geodesy
import Testing
@testable import GeoContacts
import HashTreeCollections
import SpatialIndex

/// Removing contact groups and custom-field definitions: refused while in use, moving or
/// clearing when asked, all or nothing, and a refusal changes no index.
@Suite("Removing groups and definitions")
struct AdminRemovalTests {
    static let customer = Fixture.customer
    static let caller = Fixture.caller()
    static let extra = GroupID(9)

    /// Everything a refusal must leave as it was: the contacts and every index.
    struct State: Equatable {
        var contacts: [ContactID: Contact]
        var groups: [ContactGroup]
        var definitions: [CustomFieldDefinition]
        var members: [GroupID: Set<ContactID>]
        var fieldValues: [String: Set<ContactID>]
        var groupTrees: [GroupID: Int]
        var version: Int64

        init(_ s: CustomerSnapshot) {
            contacts = Dictionary(uniqueKeysWithValues: s.contacts.map { ($0.key, $0.value) })
            groups = s.groups
            definitions = s.customFieldDefinitions
            members = Dictionary(uniqueKeysWithValues: s.members.map { ($0.key, Set($0.value)) })
            fieldValues = Dictionary(uniqueKeysWithValues: s.byFieldValue.map { ("\($0.key.definition)=\($0.key.value)", Set($0.value)) })
            groupTrees = Dictionary(uniqueKeysWithValues: s.groupSpatial.map { ($0.key, $0.value.count) })
            version = s.version
        }
    }

    static func state(_ directory: ContactDirectory) throws -> State {
        let snapshot = directory.snapshot(of: customer)
        try snapshot.checkInvariants()
        return State(snapshot)
    }

    /// Fixture groups 7, 8 and an extra group 9; two contacts in sites (one with a VIP value and
    /// a size), one in the extra group with a VIP value, one depot.
    static func populated(policy: ContactPolicy = .default, journal: any ContactJournal = NoJournal()) async throws
        -> (ContactDirectory, [ContactID])
    {
        let directory = try await Fixture.directory(customers: [customer], policy: policy, journal: journal)
        try await directory.defineGroup(ContactGroup(id: extra, name: "Extra"), as: caller)
        var a = Fixture.draft("a", group: Fixture.sites, latitude: 10, longitude: 10)
        a.customFields = [CustomFieldInput(definitionId: Fixture.vip.id, value: "true"),
                          CustomFieldInput(definitionId: Fixture.size.id, value: "M")]
        let b = Fixture.draft("b", group: Fixture.sites, latitude: 11, longitude: 11)
        var c = Fixture.draft("c", group: extra, latitude: 12, longitude: 12)
        c.customFields = [CustomFieldInput(definitionId: Fixture.vip.id, value: "false")]
        let d = Fixture.draft("d", group: Fixture.depots, latitude: 13, longitude: 13)
        var ids: [ContactID] = []
        for draft in [a, b, c, d] { ids.append(try await directory.create(draft, as: caller)) }
        // b is a's child, so that a move keeps the hierarchy.
        var patch = ContactPatch()
        patch.parentId = .value(ids[0])
        try await directory.update(ids[1], with: patch, as: caller)
        return (directory, ids)
    }

    @Test("an empty group is removed; unknown ids are 404; the admin scope is required")
    func emptyGroupAndRefusals() async throws {
        let directory = try await Fixture.directory(customers: [Self.customer])
        try await directory.defineGroup(ContactGroup(id: Self.extra, name: "Extra"), as: Self.caller)
        let before = try Self.state(directory)
        let writer = Fixture.caller(Self.customer, [.read, .write])
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(Self.extra, as: writer) }?.code == .missingScope)
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(GroupID(99), as: Self.caller) }?.code == .groupNotFound)
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeCustomField(DefinitionID(99), as: Self.caller) }?.code == .definitionNotFound)
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeCustomField(Fixture.vip.id, as: writer) }?.code == .missingScope)
        // Another customer's group of the same id is another group.
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(Self.extra, as: Fixture.caller(Fixture.other)) }?.code == .groupNotFound)
        #expect(try Self.state(directory) == before)

        #expect(try await directory.removeGroup(Self.extra, as: Self.caller) == [])
        let after = directory.snapshot(of: Self.customer)
        #expect(after.groups.map(\.id) == [Fixture.depots, Fixture.sites])
        #expect(throws: ContactProblem.self) { try after.group(Self.extra) }
        try after.checkInvariants()
        // Creating into the removed group is a 422; defining it again works.
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.create(Fixture.draft(group: Self.extra), as: Self.caller) }?.code == .validationFailed)
        try await directory.defineGroup(ContactGroup(id: Self.extra, name: "Again"), as: Self.caller)
        _ = try await directory.create(Fixture.draft(group: Self.extra), as: Self.caller)
    }

    @Test("a group with contacts is a 409 and nothing changes; moving them elsewhere removes it in one write")
    func groupWithContacts() async throws {
        let journal = InMemoryJournal()
        let (directory, ids) = try await Self.populated(journal: journal)
        let before = try Self.state(directory)
        let inUse = await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(Fixture.sites, as: Self.caller) }
        #expect(inUse?.code == .inUse)
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(Fixture.sites, moveContactsTo: Fixture.sites, as: Self.caller) }?.errors?["moveContactsTo"] != nil)
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(Fixture.sites, moveContactsTo: GroupID(99), as: Self.caller) }?.errors?["moveContactsTo"] != nil)
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(GroupID(99), moveContactsTo: Fixture.sites, as: Self.caller) }?.code == .groupNotFound)
        #expect(try Self.state(directory) == before)

        let entries = journal.entries.count
        let moved = try await directory.removeGroup(Fixture.sites, moveContactsTo: Self.extra, as: Self.caller)
        #expect(moved == [ids[0], ids[1]])
        let after = directory.snapshot(of: Self.customer)
        try after.checkInvariants()
        #expect(after.groups.map(\.id) == [Fixture.depots, Self.extra])
        for id in moved {
            var expected = try #require(before.contacts[id])
            expected.groupId = Self.extra
            #expect(try after.contact(id) == expected)  // nothing else changed: values, parent, location
        }
        #expect(try after.memberCount(of: Self.extra) == 3)
        let nearest = try after.nearest(to: Coordinate(latitude: 10, longitude: 10), count: 5, filter: SpatialFilter(groupId: Self.extra))
        #expect(Set(nearest.map(\.contact.id)) == [ids[0], ids[1], ids[2]])
        // One batch: each move, then the removal.
        #expect(journal.entries.count == entries + 1)
        let changes = try #require(journal.entries.last).changes
        #expect(changes.count == 3)
        #expect(changes.last == .groupRemoved(ContactGroup(id: Fixture.sites, name: "Sites")))
        // The journal replayed onto an empty snapshot gives the same state.
        var replayed = CustomerSnapshot(customer: Self.customer)
        for entry in journal.entries where entry.customer == Self.customer { replayed = try replayed.applying(entry.changes) }
        try replayed.checkInvariants()
        #expect(State(replayed) == State(after))
    }

    @Test("a group that a definition is restricted to is a 409 until the definition is redefined")
    func restrictedDefinition() async throws {
        let (directory, _) = try await Self.populated()
        let before = try Self.state(directory)
        for target in [nil, Fixture.sites] as [GroupID?] {
            let refused = await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(Fixture.depots, moveContactsTo: target, as: Self.caller) }
            #expect(refused?.code == .inUse)
            #expect(refused?.detail.contains("definition \(Fixture.depotOnly.id)") == true)
        }
        #expect(try Self.state(directory) == before)
        var widened = Fixture.depotOnly
        widened.groupIds = [Fixture.depots, Fixture.sites]
        try await directory.defineCustomField(widened, as: Self.caller)
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(Fixture.depots, moveContactsTo: Fixture.sites, as: Self.caller) }?.code == .inUse)
        widened.groupIds = [Fixture.sites]
        try await directory.defineCustomField(widened, as: Self.caller)
        #expect(try await directory.removeGroup(Fixture.depots, moveContactsTo: Fixture.sites, as: Self.caller).count == 1)
        try directory.snapshot(of: Self.customer).checkInvariants()
    }

    @Test("a contact whose value does not apply to the target group: 409 and nothing moves")
    func valueNotAllowedInTarget() async throws {
        let (directory, _) = try await Self.populated()
        // A depot with a dock value; then the dock field is restricted to the extra group
        // (stored values are kept), so the depot's value no longer fits the sites group.
        var draft = Fixture.draft("dock", group: Fixture.depots)
        draft.customFields = [CustomFieldInput(definitionId: Fixture.depotOnly.id, value: "D1")]
        let docked = try await directory.create(draft, as: Self.caller)
        var restricted = Fixture.depotOnly
        restricted.groupIds = [Self.extra]
        try await directory.defineCustomField(restricted, as: Self.caller)
        let before = try Self.state(directory)
        let refused = await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(Fixture.depots, moveContactsTo: Fixture.sites, as: Self.caller) }
        #expect(refused?.code == .inUse)
        #expect(refused?.detail.contains("Contact \(docked)") == true)
        #expect(try Self.state(directory) == before)
        // Into the group the value applies to, it moves.
        #expect(try await directory.removeGroup(Fixture.depots, moveContactsTo: Self.extra, as: Self.caller).contains(docked))
        #expect(try directory.snapshot(of: Self.customer).contact(docked).customFields.map(\.value) == ["D1"])
    }

    @Test("a definition with values is a 409; clearing removes exactly its values, in one write")
    func definitionWithValues() async throws {
        let journal = InMemoryJournal()
        let (directory, ids) = try await Self.populated(journal: journal)
        let before = try Self.state(directory)
        let refused = await problem { () async throws(ContactProblem) in _ = try await directory.removeCustomField(Fixture.vip.id, as: Self.caller) }
        #expect(refused?.code == .inUse)
        #expect(try Self.state(directory) == before)
        // An unused one goes at once.
        #expect(try await directory.removeCustomField(Fixture.notes.id, as: Self.caller) == [])

        let entries = journal.entries.count
        let cleared = try await directory.removeCustomField(Fixture.vip.id, clearingValues: true, as: Self.caller)
        #expect(cleared == [ids[0], ids[2]])
        #expect(journal.entries.count == entries + 1)
        let after = directory.snapshot(of: Self.customer)
        try after.checkInvariants()
        #expect(!after.customFieldDefinitions.contains { $0.id == Fixture.vip.id || $0.id == Fixture.notes.id })
        #expect(try after.contact(ids[0]).customFields == [CustomFieldValue(definitionId: Fixture.size.id, value: "M")])
        #expect(try after.contact(ids[2]).customFields == [])
        var unchanged = try #require(before.contacts[ids[0]])
        unchanged.customFields = [CustomFieldValue(definitionId: Fixture.size.id, value: "M")]
        #expect(try after.contact(ids[0]) == unchanged)
        #expect(!after.byFieldValue.keys.contains { $0.definition == Fixture.vip.id })
        // Queries by the removed field are 404; writing it is a 422.
        let point = Coordinate(latitude: 10, longitude: 10)
        #expect(throws: ContactProblem.self) {
            try after.nearest(to: point, count: 1, filter: SpatialFilter(customField: CustomFieldValue(definitionId: Fixture.vip.id, value: "true")))
        }
        var patch = ContactPatch()
        patch.customFields = .value([CustomFieldInput(definitionId: Fixture.vip.id, value: "true")])
        #expect(await problem { () async throws(ContactProblem) in try await directory.update(ids[1], with: patch, as: Self.caller) }?.code == .validationFailed)
    }

    @Test("more moves or clearings than the removal limit: 409 removal-too-large, nothing changes")
    func removalLimit() async throws {
        var policy = ContactPolicy.default
        policy.maximumRemovalSize = 1
        let (directory, _) = try await Self.populated(policy: policy)
        let before = try Self.state(directory)
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(Fixture.sites, moveContactsTo: Self.extra, as: Self.caller) }?.code == .removalTooLarge)
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.removeCustomField(Fixture.vip.id, clearingValues: true, as: Self.caller) }?.code == .removalTooLarge)
        #expect(try Self.state(directory) == before)
        // At the limit it goes through.
        #expect(try await directory.removeCustomField(Fixture.size.id, clearingValues: true, as: Self.caller).count == 1)
        #expect(try await directory.removeGroup(Self.extra, moveContactsTo: Fixture.sites, as: Self.caller).count == 1)
    }

    @Test("a batch that could not be stored changes nothing; readers never see it in flight")
    func failedCommit() async throws {
        let journal = GateJournal()
        let (directory, _) = try await Self.populated(journal: journal)
        let before = try Self.state(directory)
        journal.isOpen = false
        let batches = journal.batches.count
        let removal = Task { await problem { () async throws(ContactProblem) in _ = try await directory.removeGroup(Fixture.sites, moveContactsTo: Self.extra, as: Self.caller) } }
        await journal.waitForBatches(batches + 1)
        #expect(try Self.state(directory) == before)
        journal.decide(UInt64(batches + 1), durable: false)
        #expect(await removal.value?.code == .storageFailed)
        let clearing = Task { await problem { () async throws(ContactProblem) in _ = try await directory.removeCustomField(Fixture.vip.id, clearingValues: true, as: Self.caller) } }
        await journal.waitForBatches(batches + 2)
        #expect(try Self.state(directory) == before)
        journal.decide(UInt64(batches + 2), durable: false)
        #expect(await clearing.value?.code == .storageFailed)
        #expect(try Self.state(directory) == before)
    }

    @Test("within one batch a removal sees the writes queued before it, and the writes after it see the removal")
    func removalInsideABatch() async throws {
        let journal = GateJournal()
        let (directory, ids) = try await Self.populated(journal: journal)
        journal.isOpen = false
        let batches = journal.batches.count
        // A write in flight, so that the next ones queue up and form one batch.
        var patch = ContactPatch()
        patch.name = .value("renamed")
        let first = Task { await problem { () async throws(ContactProblem) in try await directory.update(ids[3], with: patch, as: Self.caller) } }
        await journal.waitForBatches(batches + 1)

        var withVIP = Fixture.draft("late", group: Fixture.sites, latitude: 20, longitude: 20)
        withVIP.customFields = [CustomFieldInput(definitionId: Fixture.vip.id, value: "true")]
        let created = Task { () async -> Result<ContactID, ContactProblem> in
            await result { () async throws(ContactProblem) in try await directory.create(withVIP, as: Self.caller) }
        }
        await directory.waitForQueuedWrites(1, of: Self.customer)
        let moved = Task { () async -> Result<[ContactID], ContactProblem> in
            await result { () async throws(ContactProblem) in
                try await directory.removeGroup(Fixture.sites, moveContactsTo: Self.extra, as: Self.caller)
            }
        }
        await directory.waitForQueuedWrites(2, of: Self.customer)
        let refused = Task { await problem { () async throws(ContactProblem) in _ = try await directory.removeCustomField(Fixture.vip.id, as: Self.caller) } }
        await directory.waitForQueuedWrites(3, of: Self.customer)
        let cleared = Task { () async -> Result<[ContactID], ContactProblem> in
            await result { () async throws(ContactProblem) in
                try await directory.removeCustomField(Fixture.vip.id, clearingValues: true, as: Self.caller)
            }
        }
        await directory.waitForQueuedWrites(4, of: Self.customer)
        let late = Task { await problem { () async throws(ContactProblem) in _ = try await directory.create(Fixture.draft("too late", group: Fixture.sites), as: Self.caller) } }
        await directory.waitForQueuedWrites(5, of: Self.customer)
        journal.decide(UInt64(batches + 1), durable: true)
        #expect(await first.value == nil)
        await journal.waitForBatches(batches + 2)
        journal.decide(UInt64(batches + 2), durable: true)

        let newID = try await created.value.get()
        #expect(try await moved.value.get() == [ids[0], ids[1], newID])
        #expect(await refused.value?.code == .inUse)
        #expect(try await cleared.value.get() == [ids[0], ids[2], newID])
        #expect(await late.value?.code == .validationFailed)
        #expect(journal.batches.count == batches + 2)
        let after = directory.snapshot(of: Self.customer)
        try after.checkInvariants()
        #expect(try after.contact(newID).groupId == Self.extra)
        #expect(try after.contact(newID).customFields == [])
        #expect(try after.memberCount(of: Self.extra) == 4)
    }

    @Test("changes that remove a group or definition still in use do not apply (a 500, nothing changes)")
    func changesThatDoNotFit() async throws {
        let (directory, _) = try await Self.populated()
        let snapshot = directory.snapshot(of: Self.customer)
        let sites = try snapshot.group(Fixture.sites)
        let depots = try snapshot.group(Fixture.depots)
        for change in [ContactChange.groupRemoved(sites), .groupRemoved(depots),
                       .definitionRemoved(Fixture.vip), .groupRemoved(ContactGroup(id: Fixture.sites, name: "stale")),
                       .definitionRemoved(CustomFieldDefinition(id: DefinitionID(77), name: "x", type: .text))] {
            #expect(snapshot.problem(applying: change) != nil, "\(change)")
            #expect(throws: ContactProblem.self) { try snapshot.applying([change]) }
        }
        #expect(snapshot.problem(applying: .definitionRemoved(Fixture.notes)) == nil)
    }
}
