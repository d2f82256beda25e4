import Geodesy
import Testing
@testable import GeoContacts

/// Writes arriving together are applied as one batch, visible only once durable; a batch
/// that cannot be stored changes nothing; the bulk create answers per item.
@Suite struct BatchWriteTests {
    let caller = Fixture.caller()

    @Test func bulkCreateAnswersPerItemLikeSingleCreates() async throws {
        let bulk = try await Fixture.directory(customers: [Fixture.customer])
        let single = try await Fixture.directory(customers: [Fixture.customer])
        var drafts: [ContactDraft] = []
        for i in 0..<40 {
            var draft = Fixture.draft("b\(i)", group: i % 2 == 0 ? Fixture.depots : Fixture.sites,
                                      latitude: Double(i) * 2 - 40, longitude: Double(i) * 9 - 180, reference: "r\(i % 3)")
            switch i % 7 {
            case 3: draft.name = ""                                   // 422 on name
            case 5: draft.location = LocationInput(latitude: 91, longitude: 0)  // 422 on location.latitude
            case 6: draft.parentId = ContactID(Int64(i))              // an id created earlier in this batch, or unknown
            default: break
            }
            drafts.append(draft)
        }
        let results = try await bulk.create(contentsOf: drafts, as: caller)
        #expect(results.count == drafts.count)
        for (i, draft) in drafts.enumerated() {
            let expected: Result<ContactID, ContactProblem>
            do throws(ContactProblem) {
                expected = .success(try await single.create(draft, as: caller))
            } catch {
                expected = .failure(error)
            }
            #expect(results[i] == expected, "item \(i)")
        }
        let a = bulk.snapshot(of: Fixture.customer), b = single.snapshot(of: Fixture.customer)
        try a.checkInvariants()
        #expect(try a.contacts(page: .all).items == b.contacts(page: .all).items)
        #expect(a.count == results.filter { (try? $0.get()) != nil }.count)
    }

    @Test func atomicBulkCreateIsAllOrNothing() async throws {
        let journal = InMemoryJournal()
        let directory = try await Fixture.directory(customers: [Fixture.customer], journal: journal)
        let before = journal.entries.count
        var drafts = (0..<10).map { Fixture.draft("a\($0)") }
        drafts[7].groupId = GroupID(999)
        let results = try await directory.create(contentsOf: drafts, atomically: true, as: caller)
        #expect(results.count == 10)
        for (i, result) in results.enumerated() {
            let problem = try #require(result.failureValue, "item \(i)")
            if i == 7 {
                #expect(problem.code == .validationFailed && problem.errors?["groupId"] != nil)
            } else {
                #expect(problem.code == .batchAborted)
            }
        }
        #expect(directory.snapshot(of: Fixture.customer).count == 0)
        #expect(journal.entries.count == before, "a refused batch reached the journal")
        // Without the bad item, the same batch goes through, ids from 1.
        drafts.remove(at: 7)
        let ok = try await directory.create(contentsOf: drafts, atomically: true, as: caller)
        #expect(ok.map { try? $0.get() } == (1...9).map { ContactID(Int64($0)) })
        #expect(journal.entries.count == before + 1, "one batch, one journal entry")
        #expect(try await directory.create(contentsOf: [ContactDraft](), as: caller).isEmpty)
        let reader = Fixture.caller(Fixture.customer, [.read])
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.create(contentsOf: drafts, as: reader) }?.code == .missingScope)
    }

    @Test func bulkCreateKeepsNamedIDs() async throws {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        let items = [
            NewContact(id: ContactID(10), draft: Fixture.draft("ten")),
            NewContact(draft: Fixture.draft("fresh")),                        // above every id so far: 11
            NewContact(id: ContactID(10), draft: Fixture.draft("again")),    // in use
            NewContact(id: ContactID(Int64.max), draft: Fixture.draft("max")),
            NewContact(id: ContactID(0), draft: Fixture.draft("")),          // id and name both reported
            NewContact(id: ContactID(5), draft: Fixture.draft("five", parent: ContactID(10))),
            NewContact(draft: Fixture.draft("fresh2")),
        ]
        let results = try await directory.create(contentsOf: items, as: caller)
        #expect(results.map { try? $0.get() } == [ContactID(10), ContactID(11), nil, nil, nil, ContactID(5), ContactID(12)])
        #expect(results[2].failureValue?.errors == ["id": ["contact 10 already exists"]])
        #expect(results[3].failureValue?.errors == ["id": ["must be between 1 and 9223372036854775806"]])
        #expect(results[4].failureValue?.errors?.keys.sorted() == ["id", "name"])
        let snapshot = directory.snapshot(of: Fixture.customer)
        try snapshot.checkInvariants()
        #expect(try snapshot.contact(ContactID(5)).parentId == ContactID(10))
        #expect(try await directory.create(Fixture.draft(), as: caller) == ContactID(13))
        // The last id is never handed out: creating past it is a clear 409, not a trap.
        let top = NewContact(id: ContactID(Int64.max - 1), draft: Fixture.draft("top"))
        #expect(try await directory.create(contentsOf: [top], as: caller).map { try? $0.get() } == [ContactID(Int64.max - 1)])
        #expect(await problem { () async throws(ContactProblem) in _ = try await directory.create(Fixture.draft(), as: caller) }?.code == .idsExhausted)
        try directory.snapshot(of: Fixture.customer).checkInvariants()
    }

    @Test func readersSeeAWriteOnlyOnceItIsDurable() async throws {
        let journal = GateJournal()
        let directory = try await Fixture.directory(customers: [Fixture.customer], journal: journal)
        journal.isOpen = false
        let setup = journal.batches.count

        let first = Task { try await directory.create(Fixture.draft("first"), as: caller) }
        await journal.waitForBatches(setup + 1)
        // Applied to the writer's working copy and journaled, not durable: invisible.
        #expect(directory.snapshot(of: Fixture.customer).count == 0)
        // Writes arriving meanwhile queue up behind it and are not applied yet.
        let queued = (0..<5).map { i in Task { try await directory.create(Fixture.draft("q\(i)"), as: caller) } }
        await directory.waitForQueuedWrites(5, of: Fixture.customer)
        #expect(journal.batches.count == setup + 1)
        journal.decide(UInt64(setup + 1), durable: true)
        #expect(try await first.value == ContactID(1))
        #expect(directory.snapshot(of: Fixture.customer).count >= 1)

        // The five queued writes form one batch: one journal entry, one publication.
        await journal.waitForBatches(setup + 2)
        #expect(journal.batches[setup + 1].changes.count == 5)
        #expect(directory.snapshot(of: Fixture.customer).count == 1)
        journal.decide(UInt64(setup + 2), durable: false)
        for task in queued {
            let problem = await problem { () async throws(ContactProblem) in _ = try await task.outcome.get() }
            #expect(problem?.code == .storageFailed)
            #expect(problem?.detail.contains("Refused") == false, "storage details stay out of the problem")
        }
        // The refused batch was never visible and changed nothing; the next write goes on.
        let snapshot = directory.snapshot(of: Fixture.customer)
        #expect(snapshot.count == 1)
        try snapshot.checkInvariants()
        let next = Task { try await directory.create(Fixture.draft("next"), as: caller) }
        await journal.waitForBatches(setup + 3)
        journal.decide(UInt64(setup + 3), durable: true)
        #expect(try await next.value == ContactID(2), "the refused batch's ids were never handed out")
        #expect(try directory.snapshot(of: Fixture.customer).contacts(page: .all).items.map(\.name) == ["first", "next"])
    }

    @Test("a bulk create of an import's size (run on a full copy) is invisible until durable, and changes nothing when refused")
    func bulkCreatesOfAnImportsSizeArePublishedOnlyOnceDurable() async throws {
        let journal = GateJournal()
        let directory = try await Fixture.directory(customers: [Fixture.customer], journal: journal)
        journal.isOpen = false
        let size = ContactDirectory.bulkCreation + 10
        func drafts(_ prefix: String) -> [ContactDraft] {
            (0..<size).map { (i: Int) -> ContactDraft in
                let name = i == 7 ? "" : "\(prefix) \(i)"
                let group = i % 2 == 0 ? Fixture.depots : Fixture.sites
                let latitude = Double(i % 170) - 85, longitude = Double(i % 359) - 179
                return Fixture.draft(name, group: group, latitude: latitude, longitude: longitude, reference: "r\(i % 13)")
            }
        }
        let probe = Coordinate(latitude: 10, longitude: 10)
        for (round, durable) in [(0, false), (1, true)] {
            let setup = journal.batches.count
            let before = directory.snapshot(of: Fixture.customer)
            let bulk = Task { try await directory.create(contentsOf: drafts("round \(round)"), as: caller) }
            await journal.waitForBatches(setup + 1)
            #expect(journal.batches[setup].changes.count == size - 1)
            // Journaled, not durable: readers still see the state before it.
            #expect(directory.snapshot(of: Fixture.customer).count == before.count)
            journal.decide(UInt64(setup + 1), durable: durable)
            let outcome = await bulk.outcome
            let after = directory.snapshot(of: Fixture.customer)
            try after.checkInvariants()
            if durable {
                let results = try outcome.get()
                #expect(results[7].failureValue?.code == .validationFailed)
                #expect(results.filter { (try? $0.get()) != nil }.count == size - 1)
                #expect(after.count == before.count + size - 1)
                #expect(after.contacts(withReference: "r5").count == (0..<size).filter { $0 % 13 == 5 && $0 != 7 }.count)
                let nearest = try after.nearest(to: probe, count: 3, filter: SpatialFilter(groupId: Fixture.sites))
                #expect(nearest.count == 3 && nearest.allSatisfy { $0.contact.groupId == Fixture.sites })
            } else {
                // The whole call fails: none of its items was stored.
                #expect(outcome.failureValue?.code == .storageFailed)
                #expect(after.count == before.count)
                #expect(try after.nearest(to: probe, count: 3).isEmpty)
                #expect(after.contacts(withReference: "r5").isEmpty)
            }
        }
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

extension Task where Failure == any Error {
    /// The task's value as a `Result` with a typed `ContactProblem`.
    var outcome: Result<Success, ContactProblem> {
        get async {
            do { return .success(try await self.value) } catch let problem as ContactProblem {
                return .failure(problem)
            } catch {
                return .failure(ContactProblem(.internalError, detail: "\(error)"))
            }
        }
    }
}
