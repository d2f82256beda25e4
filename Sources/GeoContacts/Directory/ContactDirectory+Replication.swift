import Synchronization

/// Replicas over a ``SharedJournal``: committing on top of a version, catching up, and reads
/// that wait for a version.
extension ContactDirectory {
    /// Whether the journal is shared with other replicas (versions are then meaningful).
    public var isReplicated: Bool { sharedJournal != nil }

    /// Applies `batch` over a shared journal: catches the customer up first when asked to,
    /// validates the batch on the published state and commits it on top of that state's
    /// version. When another replica committed first, validates it again under the
    /// customer's lock in the store, after catching up, and commits it then. Publishes the
    /// batch with the version it became; a refused write changes nothing anywhere.
    ///
    /// A refusal that the customer's state decided (a contact not found, a parent that does
    /// not exist: ``ContactProblem/dependsOnState``) is not answered from a state that may be
    /// behind the store: unless the batch began by catching up, the leader catches up (what
    /// changed since: one round trip, only for batches with such a refusal) and, when something
    /// did, validates the batch again on the caught-up state. A write sent to one replica for
    /// a contact just created on another is then accepted without `GeoContacts-Min-Version`.
    func apply(_ batch: [WriteQueue.Entry], to tenant: Tenant, sharing journal: any SharedJournal) async {
        defer {
            let version = tenant.snapshot.version
            for entry in batch { entry.write.version.store(version, ordering: .releasing) }
        }
        func failAll(_ problem: ContactProblem) {
            for entry in batch { entry.write.fail(problem) }
        }
        let caughtUp = tenant.catchUpRequested.exchange(false, ordering: .acquiringAndReleasing)
        if caughtUp {
            let rebuilding = tenant.rebuildRequested.exchange(false, ordering: .acquiringAndReleasing)
            do {
                try await catchUp(tenant, from: journal, rebuilding: rebuilding)
            } catch {
                // Asked for again (a rebuild stays a rebuild): the next leader tries once more.
                if rebuilding { tenant.rebuildRequested.store(true, ordering: .releasing) }
                tenant.catchUpRequested.store(true, ordering: .releasing)
                failAll(ContactProblem(.storageFailed, detail: "The customer's data could not be read from the store; nothing was changed."))
                return
            }
        }
        var validated = validate(batch, on: tenant)
        if validated.refusedOnState, !caughtUp {
            let before = tenant.snapshot.version
            do {
                try await catchUp(tenant, from: journal, rebuilding: false)
                if tenant.snapshot.version != before { validated = validate(batch, on: tenant) }
            } catch {
                // The refusals stand as validated (the commit below still checks the version
                // of what is accepted); the next leader catches up.
                tenant.catchUpRequested.store(true, ordering: .releasing)
            }
        }
        guard !validated.changes.isEmpty else {
            publish(validated, to: tenant)
            return
        }
        do {
            let version = try await journal.commit(validated.changes, customer: validated.customer,
                                                   base: tenant.snapshot.version)
            publish(validated, to: tenant, version: version)
            return
        } catch is VersionConflict {
            // Below, under the customer's lock.
        } catch {
            validated.fail(ContactProblem(.storageFailed, detail: "The change could not be stored; nothing was changed."))
            return
        }
        var again: ValidatedBatch?
        do {
            let version = try await journal.commitLocked(customer: validated.customer, base: tenant.snapshot.version) { delta in
                if let delta { try self.publish(delta, to: tenant) }
                let revalidated = self.validate(batch, on: tenant)
                again = revalidated
                return revalidated.changes
            }
            if let again { publish(again, to: tenant, version: version) }
        } catch {
            if error is ContactProblem {
                // The rows did not fit the snapshot: the next leader loads the customer whole.
                tenant.rebuildRequested.store(true, ordering: .releasing)
                tenant.catchUpRequested.store(true, ordering: .releasing)
            }
            failAll(ContactProblem(.storageFailed, detail: "The change could not be stored; nothing was changed."))
        }
    }

    /// Publishes `tenant`'s snapshot moved on by `delta` (``CustomerSnapshot/applying(_:)-delta``).
    ///
    /// - Throws: `internal-error` when the rows do not fit the snapshot; nothing changes.
    private func publish(_ delta: CustomerDelta, to tenant: Tenant) throws(ContactProblem) {
        let current = tenant.snapshot
        guard delta.version > current.version else { return }
        let next = try current.applying(delta)
        tenant.published.withLock { $0 = next }
    }

    /// Brings `tenant`'s published snapshot up to the store's version: applies what changed
    /// since (``CustomerSnapshot/applying(_:)-delta``), or loads the customer whole when it
    /// has no version yet, when `rebuilding` (a replaced database), or when the changes do
    /// not fit the snapshot. Called by the write queue's leader only.
    private func catchUp(_ tenant: Tenant, from journal: any SharedJournal, rebuilding: Bool) async throws {
        let current = tenant.snapshot
        if !rebuilding, current.version > 0 {
            let delta = try await journal.changes(of: current.customer, since: current.version)
            if (try? publish(delta, to: tenant)) != nil { return }
        }
        let stored = try await journal.load(current.customer)
        var snapshot = try built(customer: stored.customer, groups: stored.groups, definitions: stored.definitions,
                                 records: ContactRecords(stored.contacts), nextContactID: stored.nextContactID, policy: current.policy)
        snapshot.version = stored.version
        tenant.published.withLock { $0 = snapshot }
    }

    /// Brings `customer` up to the shared store's current version (or rebuilds it from the
    /// store when `rebuilding`), in turn with its writes. Without a ``SharedJournal``, does nothing.
    ///
    /// - Returns: the customer's version now.
    /// - Throws: `storage-failed` when the store could not be read.
    @discardableResult
    public func catchUp(_ customer: CustomerID, rebuilding: Bool = false) async throws(ContactProblem) -> Int64 {
        guard isReplicated else { return snapshot(of: customer).version }
        let tenant = tenant(customer)
        if rebuilding { tenant.rebuildRequested.store(true, ordering: .releasing) }
        tenant.catchUpRequested.store(true, ordering: .releasing)
        try await submit(customer, items: 0) { _ throws(ContactProblem) in ([], ()) }
        return tenant.snapshot.version
    }

    /// The caller's customer's state at `minimumVersion` or later (scope `contacts:read`):
    /// read-your-writes and monotonic reads across replicas. A replica behind it catches up
    /// first, for at most `wait`.
    ///
    /// - Throws: `missing-scope` without `contacts:read`; `version-unavailable` when the
    ///   version was not reached within `wait` (or the store keeps no versions);
    ///   `storage-failed`.
    public func snapshot(as caller: Caller, minimumVersion: Int64?, wait: Duration = .seconds(5))
        async throws(ContactProblem) -> CustomerSnapshot
    {
        try caller.require(.read)
        return try await reach(minimumVersion, of: caller.customer, wait: wait)
    }

    /// Before a write of `caller` (scope `contacts:write` or `contacts:admin`): has this
    /// replica reach the customer's `minimumVersion`, catching up for at most `wait`, so that
    /// the write is validated against at least the state the client saw on another replica
    /// (it would otherwise be refused, e.g. 404 for a contact created there a moment ago).
    /// Nothing to do without a minimum or once it is reached.
    ///
    /// - Throws: `missing-scope` without either scope; `version-unavailable` when the version
    ///   was not reached within `wait` (or the store keeps no versions); `storage-failed`.
    public func catchUp(to minimumVersion: Int64?, as caller: Caller, wait: Duration = .seconds(5))
        async throws(ContactProblem)
    {
        if !caller.scopes.contains(.write) { try caller.require(.admin) }
        // Most writes send no minimum: no snapshot to look up for them.
        guard minimumVersion != nil else { return }
        _ = try await reach(minimumVersion, of: caller.customer, wait: wait)
    }

    /// `customer`'s state at `minimumVersion` or later, catching up for at most `wait`.
    private func reach(_ minimumVersion: Int64?, of customer: CustomerID, wait: Duration)
        async throws(ContactProblem) -> CustomerSnapshot
    {
        let current = snapshot(of: customer)
        guard let minimum = minimumVersion, current.version < minimum else {
            Self.versionReceipt?.record(current.version)
            return current
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait)
        var reached = current.version
        while isReplicated {
            reached = try await catchUp(customer)
            if reached >= minimum {
                let caughtUp = snapshot(of: customer)
                Self.versionReceipt?.record(caughtUp.version)
                return caughtUp
            }
            guard clock.now < deadline else { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        throw ContactProblem(.versionUnavailable, detail: "Version \(minimum) of the customer's data is not available here (this replica has \(reached)); retry later.")
    }

    /// Where a write's version goes (``recordingVersion(_:)``).
    final class VersionReceipt: Sendable {
        let version = Atomic<Int64>(0)
        func record(_ version: Int64) { self.version.store(version, ordering: .relaxed) }
    }

    @TaskLocal static var versionReceipt: VersionReceipt?

    /// Runs `body` (one write of this directory) and returns its result with the customer's
    /// version that the write produced (the version its batch was published as; 0 without a
    /// ``SharedJournal``). For a write that was refused, the version it was validated against.
    public static func recordingVersion<R>(_ body: () async throws -> R) async rethrows -> (result: R, version: Int64) {
        let receipt = VersionReceipt()
        let result = try await $versionReceipt.withValue(receipt) { try await body() }
        return (result, receipt.version.load(ordering: .relaxed))
    }
}
