import Geodesy
import GeoDataGeneration
import Synchronization
import Testing
@testable import GeoContacts

/// Randomized: single creates, updates, removals and bulk creates (some atomic, some with
/// invalid items), group and custom-field definitions created and removed (refused while in
/// use, or moving the group's contacts, or clearing the definition's values), arrive while a
/// batch is in flight and form the next batch; batches become
/// durable or fail at random. Every outcome must equal what a one-write-at-a-time model
/// answers (a failed batch: its accepted writes answer `storage-failed` and change nothing),
/// and readers must see exactly the model's durable state at every moment, never a write
/// in flight.
@Suite struct BatchModelTests {
    static let seed: UInt64 = 0xBA7C_4ED5_EED

    enum Operation: Sendable {
        case create(ContactDraft)
        case bulk([ContactDraft], atomically: Bool)
        case update(ContactID, ContactPatch)
        case remove(ContactID, RemovalPolicy)
        case createGroup(String)
        case removeGroup(GroupID, moveContactsTo: GroupID?)
        case createDefinition(DefinitionDraft)
        case removeDefinition(DefinitionID, clearingValues: Bool)
    }

    enum Outcome: Hashable, Sendable {
        case created(ContactID)
        case bulk([Result<ContactID, ContactProblem>])
        case updated
        case removed([ContactID])
        case group(GroupID)
        case definition(DefinitionID)
        /// The contacts a group removal moved or a definition removal cleared.
        case changed([ContactID])
        case refused(ContactProblem)
    }

    /// What readers see of the customer: contacts, groups and definitions.
    struct Observed: Equatable {
        var contacts: [Contact]
        var groups: [ContactGroup]
        var definitions: [CustomFieldDefinition]
    }

    static func perform(_ operation: Operation, on directory: ContactDirectory, as caller: Caller) async -> Outcome {
        do throws(ContactProblem) {
            switch operation {
            case .create(let draft): return .created(try await directory.create(draft, as: caller))
            case .bulk(let drafts, let atomically):
                return .bulk(try await directory.create(contentsOf: drafts, atomically: atomically, as: caller))
            case .update(let id, let patch):
                try await directory.update(id, with: patch, as: caller)
                return .updated
            case .remove(let id, let policy): return .removed(try await directory.remove(id, children: policy, as: caller))
            case .createGroup(let name): return .group(try await directory.createGroup(named: name, as: caller))
            case .removeGroup(let id, let target):
                return .changed(try await directory.removeGroup(id, moveContactsTo: target, as: caller))
            case .createDefinition(let draft): return .definition(try await directory.createCustomField(draft, as: caller))
            case .removeDefinition(let id, let clearing):
                return .changed(try await directory.removeCustomField(id, clearingValues: clearing, as: caller))
            }
        } catch {
            return .refused(error)
        }
    }


    static func copy(of directory: ContactDirectory, customer: CustomerID) throws -> ContactDirectory {
        let snapshot = directory.snapshot(of: customer)
        let copy = ContactDirectory()
        var contacts: [Contact] = []
        snapshot.forEachContact { contacts.append($0) }
        try copy.restore(customer: customer, groups: snapshot.groups, definitions: snapshot.customFieldDefinitions,
                         contacts: contacts, nextContactID: snapshot.nextContactID)
        return copy
    }

    static func state(_ directory: ContactDirectory, _ customer: CustomerID) throws -> Observed {
        let snapshot = directory.snapshot(of: customer)
        return Observed(contacts: try snapshot.contacts(page: .all).items, groups: snapshot.groups,
                        definitions: snapshot.customFieldDefinitions)
    }

    /// A value of `definition`'s type (a write of a statement is refused).
    static func value(for definition: CustomFieldDefinition) -> String {
        switch definition.type {
        case .boolean: "true"
        case .integer: "42"
        case .decimal: "-3.25"
        case .date: "2024-01-31"
        case .time: "10:30"
        case .list: definition.options.first ?? "none"
        case .systemList: "5"
        default: "text"
        }
    }

    static func randomOperation(_ step: Int, model: Observed, rng: inout SeededGenerator) -> Operation {
        let ids = model.contacts.map(\.id)
        func id() -> ContactID {
            Int.random(in: 0..<8, using: &rng) == 0 || ids.isEmpty ? ContactID(Int64.random(in: 1...500, using: &rng))
                : ids.randomElement(using: &rng)!
        }
        func group() -> GroupID {
            Int.random(in: 0..<10, using: &rng) == 0 || model.groups.isEmpty ? GroupID(Int64.random(in: 1...20, using: &rng))
                : model.groups.randomElement(using: &rng)!.id
        }
        func definition() -> DefinitionID {
            Int.random(in: 0..<10, using: &rng) == 0 || model.definitions.isEmpty
                ? DefinitionID(Int64.random(in: 1...30, using: &rng)) : model.definitions.randomElement(using: &rng)!.id
        }
        func fields() -> [CustomFieldInput]? {
            guard Int.random(in: 0..<3, using: &rng) == 0, let d = model.definitions.randomElement(using: &rng) else { return nil }
            return [CustomFieldInput(definitionId: d.id, value: value(for: d))]
        }
        func draft(_ name: String) -> ContactDraft {
            var draft = Fixture.draft(name, group: group(),
                                      parent: Bool.random(using: &rng) ? id() : nil,
                                      latitude: Double.random(in: -90...90, using: &rng),
                                      longitude: Double.random(in: -180...180, using: &rng),
                                      reference: "r\(Int.random(in: 0..<5, using: &rng))")
            draft.customFields = fields()
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: draft.name = " "
            case 1: draft.groupId = GroupID(99)
            case 2: draft.location = LocationInput(latitude: 0, longitude: 181)
            default: break
            }
            return draft
        }
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<30: return .create(draft("s\(step)"))
        case 30..<48:
            let drafts = (0..<Int.random(in: 1...8, using: &rng)).map { draft("s\(step)-\($0)") }
            return .bulk(drafts, atomically: Bool.random(using: &rng))
        case 48..<74:
            var patch = ContactPatch()
            if Bool.random(using: &rng) { patch.name = .value("u\(step)") }
            if Int.random(in: 0..<4, using: &rng) == 0 { patch.groupId = .value(group()) }
            if let fields = fields() { patch.customFields = .value(fields) }
            if Bool.random(using: &rng) { patch.parentId = Bool.random(using: &rng) ? .value(id()) : .null }
            if Bool.random(using: &rng) || patch.isEmpty {
                patch.location = .value(LocationInput(latitude: Double.random(in: -90...90, using: &rng),
                                                      longitude: Double.random(in: -180...180, using: &rng)))
            }
            return .update(id(), patch)
        case 74..<86:
            return .remove(id(), [RemovalPolicy.reject, .reparentChildren, .cascade].randomElement(using: &rng)!)
        case 86..<89:
            return .createGroup(Int.random(in: 0..<6, using: &rng) == 0 ? " " : "g\(step)")
        case 89..<94:
            return .removeGroup(group(), moveContactsTo: Int.random(in: 0..<3, using: &rng) == 0 ? nil : group())
        case 94..<96:
            let types = ["boolean", "integer", "decimal", "text", "date", "time", "list", "systemList", "statement"]
            let type = types.randomElement(using: &rng)!
            let restricted = Int.random(in: 0..<5, using: &rng) == 0
            return .createDefinition(DefinitionDraft(name: "f\(step)", type: type, options: type == "list" ? ["a", "b"] : [],
                                                     groupIds: restricted ? [group().rawValue] : []))
        default:
            return .removeDefinition(definition(), clearingValues: Bool.random(using: &rng))
        }
    }

    final class Completion: Sendable {
        let done = Mutex(false)
    }

    @Test func batchesMatchAOneWriteAtATimeModel() async throws {
        print("BatchModelTests seed: \(Self.seed)")
        var rng = SeededGenerator(seed: Self.seed)
        let customer = Fixture.customer
        let caller = Fixture.caller()
        let journal = GateJournal()
        let directory = try await Fixture.directory(customers: [customer], journal: journal)
        var model = try await Fixture.directory(customers: [customer])
        journal.isOpen = false
        var step = 0, failedBatches = 0, batches = 0, largest = 0
        var groupRemovals = 0, definitionRemovals = 0, moved = 0, cleared = 0

        for round in 0..<150 {
            let context = "seed \(Self.seed) round \(round)"
            // Operations in the order the directory will apply them: the first leads; the
            // others arrive while its batch is in flight (if it has one) and form the next.
            let count = Int.random(in: 1...6, using: &rng)
            var operations: [Operation] = []
            for _ in 0..<count {
                operations.append(Self.randomOperation(step, model: try Self.state(model, customer), rng: &rng))
                step += 1
            }
            var tasks: [Task<Outcome, Never>] = []
            var completions: [Completion] = []
            func start(_ operation: Operation) {
                let completion = Completion()
                completions.append(completion)
                tasks.append(Task {
                    let outcome = await Self.perform(operation, on: directory, as: caller)
                    completion.done.withLock { $0 = true }
                    return outcome
                })
            }
            /// Waits until `range`'s writes are done or a batch is in flight; returns whether one is.
            func settle(_ range: Range<Int>, batchesBefore: Int) async -> Bool {
                while true {
                    if journal.batches.count > batchesBefore { return true }
                    if range.allSatisfy({ i in completions[i].done.withLock { $0 } }) { return false }
                    await Task.yield()
                }
            }

            var groups: [Range<Int>] = []
            var decisions: [Bool] = []
            var index = 0
            while index < operations.count {
                let before = journal.batches.count
                start(operations[index])
                if await settle(index..<index + 1, batchesBefore: before) {
                    // Readers see the durable state only: the model's, without this batch.
                    #expect(try Self.state(directory, customer) == Self.state(model, customer), "\(context): in flight")
                    for i in index + 1..<operations.count {
                        start(operations[i])
                        await directory.waitForQueuedWrites(i - index, of: customer)
                    }
                    groups.append(index..<index + 1)
                    let durable = Int.random(in: 0..<5, using: &rng) != 0
                    decisions.append(durable)
                    journal.decide(UInt64(before + 1), durable: durable)
                    if index + 1 < operations.count {
                        let next = index + 1..<operations.count
                        _ = await tasks[index].value
                        if await settle(next, batchesBefore: before + 1) {
                            let durable = Int.random(in: 0..<5, using: &rng) != 0
                            groups.append(next)
                            decisions.append(durable)
                            journal.decide(UInt64(before + 2), durable: durable)
                        } else {
                            groups.append(next)
                            decisions.append(true)
                        }
                    }
                    index = operations.count
                } else {
                    groups.append(index..<index + 1)
                    decisions.append(true)
                    index += 1
                }
            }
            var outcomes: [Outcome] = []
            for task in tasks { outcomes.append(await task.value) }

            // The model: each group of writes one at a time on a copy, kept if durable.
            for (group, durable) in zip(groups, decisions) {
                let scratch = try Self.copy(of: model, customer: customer)
                for i in group {
                    let before = scratch.snapshot(of: customer)
                    var expected = await Self.perform(operations[i], on: scratch, as: caller)
                    let after = scratch.snapshot(of: customer)
                    let changed = try Self.state(scratch, customer) != Observed(
                        contacts: before.contacts(page: .all).items, groups: before.groups,
                        definitions: before.customFieldDefinitions)
                        || after.nextContactID != before.nextContactID
                    if !durable && changed {
                        // A write that changed something answers that its batch could not be stored.
                        expected = .refused(ContactProblem(.storageFailed, detail: "The change could not be stored; nothing was changed."))
                    }
                    #expect(outcomes[i] == expected, "\(context) operation \(i): \(operations[i])")
                    if durable, case .changed(let ids) = outcomes[i] {
                        if case .removeGroup = operations[i] { groupRemovals += 1; moved += ids.count }
                        if case .removeDefinition = operations[i] { definitionRemovals += 1; cleared += ids.count }
                    }
                }
                if durable { model = scratch } else { failedBatches += 1 }
                batches += 1
                largest = max(largest, group.count)
            }
            let snapshot = directory.snapshot(of: customer)
            try snapshot.checkInvariants()
            #expect(try Self.state(directory, customer) == Self.state(model, customer), "\(context): after")
            #expect(snapshot.nextContactID == model.snapshot(of: customer).nextContactID, "\(context): next id")
        }
        #expect(failedBatches > 5 && largest >= 4)
        let final = try Self.state(model, customer)
        #expect(groupRemovals >= 2 && definitionRemovals >= 2 && moved > 0 && cleared > 0,
                "removals: \(groupRemovals) groups (\(moved) contacts moved), \(definitionRemovals) definitions (\(cleared) cleared)")
        print("BatchModelTests: \(step) writes in \(batches) batches (largest \(largest)), \(failedBatches) failed, final count \(final.contacts.count), \(final.groups.count) groups, \(final.definitions.count) definitions; removed \(groupRemovals) groups (\(moved) contacts moved), \(definitionRemovals) definitions (\(cleared) values cleared)")
    }
}
