import Geodesy
import GeoDataGeneration
import Synchronization
import Testing
@testable import GeoContacts

/// Randomized: single creates, updates, removals and bulk creates (some atomic, some with
/// invalid items) arrive while a batch is in flight and form the next batch; batches become
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
    }

    enum Outcome: Hashable, Sendable {
        case created(ContactID)
        case bulk([Result<ContactID, ContactProblem>])
        case updated
        case removed([ContactID])
        case refused(ContactProblem)
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

    static func state(_ directory: ContactDirectory, _ customer: CustomerID) throws -> [Contact] {
        try directory.snapshot(of: customer).contacts(page: .all).items
    }

    static func randomOperation(_ step: Int, ids: [ContactID], rng: inout SeededGenerator) -> Operation {
        func id() -> ContactID {
            Int.random(in: 0..<8, using: &rng) == 0 || ids.isEmpty ? ContactID(Int64.random(in: 1...500, using: &rng))
                : ids.randomElement(using: &rng)!
        }
        func draft(_ name: String) -> ContactDraft {
            var draft = Fixture.draft(name, group: Bool.random(using: &rng) ? Fixture.depots : Fixture.sites,
                                      parent: Bool.random(using: &rng) ? id() : nil,
                                      latitude: Double.random(in: -90...90, using: &rng),
                                      longitude: Double.random(in: -180...180, using: &rng),
                                      reference: "r\(Int.random(in: 0..<5, using: &rng))")
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: draft.name = " "
            case 1: draft.groupId = GroupID(99)
            case 2: draft.location = LocationInput(latitude: 0, longitude: 181)
            default: break
            }
            return draft
        }
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<35: return .create(draft("s\(step)"))
        case 35..<55:
            let drafts = (0..<Int.random(in: 1...8, using: &rng)).map { draft("s\(step)-\($0)") }
            return .bulk(drafts, atomically: Bool.random(using: &rng))
        case 55..<85:
            var patch = ContactPatch()
            if Bool.random(using: &rng) { patch.name = .value("u\(step)") }
            if Bool.random(using: &rng) { patch.parentId = Bool.random(using: &rng) ? .value(id()) : .null }
            if Bool.random(using: &rng) || patch.isEmpty {
                patch.location = .value(LocationInput(latitude: Double.random(in: -90...90, using: &rng),
                                                      longitude: Double.random(in: -180...180, using: &rng)))
            }
            return .update(id(), patch)
        default:
            return .remove(id(), [RemovalPolicy.reject, .reparentChildren, .cascade].randomElement(using: &rng)!)
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

        for round in 0..<150 {
            let context = "seed \(Self.seed) round \(round)"
            // Operations in the order the directory will apply them: the first leads; the
            // others arrive while its batch is in flight (if it has one) and form the next.
            let count = Int.random(in: 1...6, using: &rng)
            var operations: [Operation] = []
            for _ in 0..<count {
                let ids = try Self.state(model, customer).map(\.id)
                operations.append(Self.randomOperation(step, ids: ids, rng: &rng))
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
                    let changed = try Self.state(scratch, customer) != before.contacts(page: .all).items
                        || after.nextContactID != before.nextContactID
                    if !durable && changed {
                        // A write that changed something answers that its batch could not be stored.
                        expected = .refused(ContactProblem(.storageFailed, detail: "The change could not be stored; nothing was changed."))
                    }
                    #expect(outcomes[i] == expected, "\(context) operation \(i): \(operations[i])")
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
        print("BatchModelTests: \(step) writes in \(batches) batches (largest \(largest)), \(failedBatches) failed, final count \(try Self.state(model, customer).count)")
    }
}
