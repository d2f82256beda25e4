import Synchronization

/// One customer's writes waiting to be applied, and whether a caller is applying them.
///
/// Writes are combined, not serialized one by one: the first caller to find the queue idle
/// *leads*. It takes every write queued so far, applies them in order onto one working copy
/// of the published snapshot (so path copying is paid once per touched node per batch, not
/// once per write), journals their changes as one unit, waits until that unit is durable,
/// publishes the copy, and answers every write of the batch. Writes that arrive meanwhile
/// queue up; the leader then hands the lead to the first of them, which takes them all as
/// the next batch. A batch's size therefore follows the journal's commit latency: one write
/// when calls come one by one, hundreds under load.
struct WriteQueue {
    struct Entry {
        let write: QueuedWrite
        /// `nil` once resumed (the leader's own entry, or one handed the lead).
        var continuation: CheckedContinuation<Signal, Never>?
    }

    /// What a waiting write is woken with.
    enum Signal {
        /// Lead: apply the queued writes (this one among them).
        case lead
        /// Done: the outcome is stored.
        case done
    }

    var pending: [Entry] = []
    var leading = false
}

/// A write in a ``WriteQueue``: its plan, and where its outcome goes.
final class QueuedWrite: Sendable {
    /// Validates against `working` and applies the write in place, all of it or nothing;
    /// returns the changes to journal (none when refused), and whether the write (or an item
    /// of it) was refused for something the customer's state decides
    /// (``ContactProblem/dependsOnState``).
    let run: @Sendable (inout CustomerSnapshot) -> (changes: [ContactChange], refusedOnState: Bool)
    /// Turns the outcome of a write that was not refused into `problem`: its batch could not
    /// be made durable (or, over a ``SharedJournal``, the customer could not be caught up).
    let fail: @Sendable (ContactProblem) -> Void
    /// How many items the write holds (a bulk create's count; 1 otherwise).
    let items: Int
    /// Whether its changes are independent writes that readers may see apart (a non-atomic
    /// bulk create), so that they can be published in slices.
    let divisible: Bool
    /// The customer's version once the write's batch was published (0 without a ``SharedJournal``).
    let version = Atomic<Int64>(0)

    init(items: Int, divisible: Bool,
         run: @escaping @Sendable (inout CustomerSnapshot) -> (changes: [ContactChange], refusedOnState: Bool),
         fail: @escaping @Sendable (ContactProblem) -> Void) {
        self.items = items
        self.divisible = divisible
        self.run = run
        self.fail = fail
    }
}

/// A validated batch: its changes, which write made which, and the policy after it.
struct ValidatedBatch {
    let customer: CustomerID
    var policy: ContactPolicy
    var changes: [ContactChange] = []
    var changed: [(write: QueuedWrite, range: Range<Int>)] = []
    /// Whether a write (or an item of one) was refused for something the customer's state
    /// decides (``ContactProblem/dependsOnState``).
    var refusedOnState = false

    init(customer: CustomerID, policy: ContactPolicy) {
        self.customer = customer
        self.policy = policy
    }

    /// Fails every write that changed something.
    func fail(_ problem: ContactProblem) {
        for (write, _) in changed { write.fail(problem) }
    }
}

/// Where a queued write's outcome is stored for its caller.
final class WriteOutcome<R: Sendable>: Sendable {
    let value = Mutex<Result<R, ContactProblem>?>(nil)
}

extension ContactDirectory {
    /// Queues one write for `customer` and returns its outcome once it is durable (or refused).
    ///
    /// `body` runs on the working state, which includes every earlier write of the customer;
    /// it must leave the state unchanged when it throws, and return the changes it applied.
    /// `items` is how many items the write holds (see ``inPlaceLimit``); `divisible`, whether
    /// its changes are independent writes (a non-atomic bulk create); `refusesOnState`,
    /// whether a result that `body` returned holds a refusal that the customer's state decided
    /// (a bulk create's refused items).
    func submit<R: Sendable>(_ customer: CustomerID, items: Int = 1, divisible: Bool = false,
                             refusesOnState: @escaping @Sendable (R) -> Bool = { _ in false },
                             _ body: @escaping @Sendable (inout CustomerSnapshot) throws(ContactProblem) -> (changes: [ContactChange], result: R))
        async throws(ContactProblem) -> R
    {
        let tenant = tenant(customer)
        if items <= Self.inPlaceLimit, let result = applyAlone(body, to: tenant) { return try result.get() }
        let outcome = WriteOutcome<R>()
        let write = QueuedWrite(
            items: items, divisible: divisible,
            run: { working in
                do throws(ContactProblem) {
                    let (changes, result) = try body(&working)
                    outcome.value.withLock { $0 = .success(result) }
                    return (changes, refusesOnState(result))
                } catch {
                    outcome.value.withLock { $0 = .failure(error) }
                    return ([], error.dependsOnState)
                }
            },
            fail: { problem in
                outcome.value.withLock { value in
                    if case .failure? = value { return }
                    value = .failure(problem)
                }
            })
        // Uncontended: lead at once, without suspending.
        let leads = tenant.queue.withLock { queue in
            guard !queue.leading else { return false }
            queue.leading = true
            queue.pending.append(WriteQueue.Entry(write: write, continuation: nil))
            return true
        }
        let signal: WriteQueue.Signal = if leads { .lead } else {
            await withCheckedContinuation { continuation in
                let leads = tenant.queue.withLock { queue in
                    if queue.leading {
                        queue.pending.append(WriteQueue.Entry(write: write, continuation: continuation))
                        return false
                    }
                    queue.leading = true
                    queue.pending.append(WriteQueue.Entry(write: write, continuation: nil))
                    return true
                }
                if leads { continuation.resume(returning: .lead) }
            }
        }
        if signal == .lead { await lead(tenant) }
        ContactDirectory.versionReceipt?.record(write.version.load(ordering: .acquiring))
        guard let result = outcome.value.withLock({ $0 }) else {
            throw ContactProblem(.internalError, detail: "A write of customer \(customer) was never applied.")
        }
        return try result.get()
    }

    /// A small write over an ``ImmediateJournal`` when no other write of `tenant` is queued or
    /// being applied: applied in place and recorded at once, as ``lead(_:)`` would apply it,
    /// without queueing it (no outcome box, no queued write, no entry, and `body` need not
    /// escape). `nil` when the journal is not immediate or the queue was busy: the write must
    /// queue (``submit(_:items:divisible:_:)``).
    func applyAlone<R: Sendable>(
        _ body: (inout CustomerSnapshot) throws(ContactProblem) -> (changes: [ContactChange], result: R),
        to tenant: Tenant
    ) -> Result<R, ContactProblem>? {
        guard let journal = immediateJournal else { return nil }
        let leads = tenant.queue.withLock { queue in
            guard !queue.leading else { return false }
            queue.leading = true
            return true
        }
        guard leads else { return nil }
        let result = tenant.published.withLock { published -> Result<R, ContactProblem> in
            do throws(ContactProblem) {
                let (changes, result) = try body(&published)
                if !changes.isEmpty { journal.record(changes, customer: published.customer) }
                return .success(result)
            } catch {
                return .failure(error)
            }
        }
        handOn(tenant, answering: [])
        ContactDirectory.versionReceipt?.record(0)
        return result
    }

    /// Applies every queued write of `tenant` as one batch, then hands the lead on.
    private func lead(_ tenant: Tenant) async {
        let batch = tenant.queue.withLock { queue in
            var taken: [WriteQueue.Entry] = []
            swap(&taken, &queue.pending)
            return taken
        }
        if let immediate = immediateJournal {
            apply(batch, to: tenant, recordingIn: immediate)
        } else if let shared = sharedJournal {
            await apply(batch, to: tenant, sharing: shared)
        } else {
            await apply(batch, to: tenant)
        }
        handOn(tenant, answering: batch)
    }

    /// Hands the lead of `tenant`'s queue to the first write that waits (or leaves it idle),
    /// then wakes the writes of the batch just applied.
    private func handOn(_ tenant: Tenant, answering batch: [WriteQueue.Entry]) {
        let next = tenant.queue.withLock { queue -> CheckedContinuation<WriteQueue.Signal, Never>? in
            guard !queue.pending.isEmpty else {
                queue.leading = false
                return nil
            }
            defer { queue.pending[0].continuation = nil }
            return queue.pending[0].continuation
        }
        for entry in batch { entry.continuation?.resume(returning: .done) }
        next?.resume(returning: .lead)
    }

    /// Applies `batch` for a journal that must first make it durable: validated on a copy
    /// (``validate(_:on:)``), journaled as one unit, and published once durable. When the
    /// batch cannot be made durable, nothing is published and each write that changed
    /// something fails.
    ///
    /// A batch of ``bulkCreation`` items or more (a bulk request) runs on a full copy instead,
    /// published whole once durable: a validation copy and then the publication would each put
    /// every contact into the contacts map and the reference index, and the publication would
    /// check every change again.
    private func apply(_ batch: [WriteQueue.Entry], to tenant: Tenant) async {
        let validated: ValidatedBatch
        let whole: CustomerSnapshot?
        if batch.reduce(0, { $0 + $1.write.items }) >= Self.bulkCreation {
            var working = tenant.snapshot
            validated = run(batch, on: &working)
            whole = working
        } else {
            validated = validate(batch, on: tenant)  // its validation copy is gone before publication
            whole = nil
        }
        if !validated.changes.isEmpty {
            do {
                let sequence = try journal.append(validated.changes, customer: validated.customer)
                try await journal.waitUntilDurable(sequence)
            } catch {
                // The journal logs and reports its own failures; the client learns only that
                // nothing was changed (storage details stay out of problem bodies).
                validated.fail(ContactProblem(.storageFailed, detail: "The change could not be stored; nothing was changed."))
                return
            }
        }
        if let whole {
            tenant.published.withLock { $0 = whole }
        } else {
            publish(validated, to: tenant)
        }
    }

    /// A batch's writes run in order on a *validation copy* of the published snapshot (which
    /// keeps only what validation reads, so the R-trees and member indexes are not
    /// path-copied for it): their changes, and which write made which.
    func validate(_ batch: [WriteQueue.Entry], on tenant: Tenant) -> ValidatedBatch {
        var working = tenant.snapshot
        working.isValidationCopy = true
        return run(batch, on: &working)
    }

    /// Runs a batch's writes in order on `working`: their changes, and which write made which.
    private func run(_ batch: [WriteQueue.Entry], on working: inout CustomerSnapshot) -> ValidatedBatch {
        var validated = ValidatedBatch(customer: working.customer, policy: working.policy)
        for entry in batch {
            let (made, refusedOnState) = entry.write.run(&working)
            validated.refusedOnState = validated.refusedOnState || refusedOnState
            if !made.isEmpty {
                validated.changed.append((entry.write, validated.changes.count..<(validated.changes.count + made.count)))
                validated.changes.append(contentsOf: made)
            }
        }
        validated.policy = working.policy
        return validated
    }

    /// Applies a durable batch's changes in place to the published snapshot under its lock (a
    /// non-atomic bulk create in slices of ``inPlaceLimit``, its items being writes of their
    /// own), or, for ``bulkCreation`` changes or more, to a copy published at once; and sets
    /// the snapshot's `version` when the journal gave one.
    ///
    /// Call only once the validation copy is gone: while it shares the published snapshot's
    /// nodes, changing those in place would copy them.
    func publish(_ validated: ValidatedBatch, to tenant: Tenant, version: Int64? = nil) {
        let changes = validated.changes
        // A batch of an import's size goes onto a copy, its creations indexed in bulk
        // (``CustomerSnapshot/applying(_:)``), published at once: in place, each contact went
        // into the R-trees and the reference index on its own, at a random place. (Only this
        // batch's leader publishes to the tenant, so nothing is published in between.)
        if changes.count >= Self.bulkCreation, let next = try? tenant.snapshot.applying(changes) {
            tenant.published.withLock { published in
                published = next
                published.policy = validated.policy
                if let version { published.version = version }
            }
            return
        }
        for (write, range) in validated.changed {
            let step = write.divisible ? Self.inPlaceLimit : range.count
            for start in stride(from: range.lowerBound, to: range.upperBound, by: step) {
                let slice = changes[start..<min(start + step, range.upperBound)]
                if let problem = tenant.published.withLock({ $0.applyInPlace(slice) }) {
                    // Cannot happen (the same changes applied to a copy of this state): the
                    // write is stored but memory is behind it until a restart.
                    write.fail(ContactProblem(.internalError, detail: "The change was stored but not applied in memory (\(problem)); restart the service."))
                    break
                }
            }
        }
        tenant.published.withLock { published in
            published.policy = validated.policy
            if let version { published.version = version }
        }
    }

    /// The largest write (in items) that a directory over an ``ImmediateJournal`` applies in
    /// place, holding the lock readers take to copy the published snapshot.
    public static let inPlaceLimit = 64

    /// Applies `batch` for a journal whose writes are durable once recorded, write by write:
    /// small ones in place on the published snapshot under its lock (no working copy, so no
    /// path copying of nodes that no reader's snapshot shares), larger ones on a copy that is
    /// published at once.
    private func apply(_ batch: [WriteQueue.Entry], to tenant: Tenant, recordingIn journal: any ImmediateJournal) {
        for entry in batch {
            if entry.write.items <= Self.inPlaceLimit {
                tenant.published.withLock { published in
                    let changes = entry.write.run(&published).changes
                    if !changes.isEmpty { journal.record(changes, customer: published.customer) }
                }
            } else {
                var working = tenant.snapshot
                let changes = entry.write.run(&working).changes
                guard !changes.isEmpty else { continue }
                tenant.published.withLock { published in
                    journal.record(changes, customer: published.customer)
                    published = working
                }
            }
        }
    }
}

extension CustomerSnapshot {
    /// Applies validated `changes` in place, all of them or none: each is re-checked first, so
    /// that a bug is an `internal-error` that changes nothing rather than a trap.
    ///
    /// - Throws: `internal-error` when a change does not fit.
    mutating func apply(checking changes: [ContactChange]) throws(ContactProblem) {
        guard changes.count == 1 else {
            if !changes.isEmpty { self = try applying(changes) }
            return
        }
        if let problem = problem(applying: changes[0]) {
            throw ContactProblem(.internalError, detail: "A change for customer \(customer) does not apply: \(problem).")
        }
        apply(changes[0])
    }
}
