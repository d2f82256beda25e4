public import Geodesy
import Dispatch
import Synchronization

/// Every customer's contacts: the entry point a service calls.
///
/// Concurrency: each customer has a *published* ``CustomerSnapshot`` behind a `Mutex` that is
/// held only to copy the snapshot value out (O(1)) or to replace it, and a write queue.
/// Writes of one customer that arrive together are applied in one pass onto one working copy
/// by whichever caller leads the queue, journaled as one unit, and the copy is published only
/// once the journal says it is durable (see ``ContactJournal``). Readers query the snapshot
/// they took, lock-free: they never wait for a writer, never see half a write, and never see
/// a write that is not yet durable. Different customers never contend. `Sendable` without
/// `@unchecked`.
///
/// Locations may be given in any CRS PROJ knows (`location.crs`, e.g. `"EPSG:27700"`, where
/// `longitude` carries x / easting and `latitude` y / northing); they are converted to
/// WGS84 before validation and storage. ``ContactPolicy/defaultCRS`` applies when none is named.
public final class ContactDirectory: Sendable {
    final class Tenant: Sendable {
        /// What readers see: the state as of the last durable write.
        let published: Mutex<CustomerSnapshot>
        /// Writes waiting for the leader, and whether one leads (``ContactDirectory/submit(_:to:)``).
        let queue = Mutex(WriteQueue())
        /// Over a ``SharedJournal``: the store has a newer version; the next leader catches up first.
        let catchUpRequested = Atomic<Bool>(false)
        /// Over a ``SharedJournal``: the next catch-up loads the customer whole (a replaced database).
        let rebuildRequested = Atomic<Bool>(false)

        init(_ snapshot: CustomerSnapshot) { published = Mutex(snapshot) }

        var snapshot: CustomerSnapshot { published.withLock { $0 } }
    }

    private let tenants = Mutex<[CustomerID: Tenant]>([:])
    let journal: any ContactJournal
    /// The journal when several processes share it (looked up once, not per batch).
    let sharedJournal: (any SharedJournal)?
    /// The journal when its writes are durable once recorded (looked up once, not per write).
    let immediateJournal: (any ImmediateJournal)?
    let normalizer: SharedCoordinateNormalizer
    /// The policy of a customer that has none of its own.
    public let defaultPolicy: ContactPolicy

    /// - Parameters:
    ///   - journal: where accepted changes are recorded before they become visible.
    ///   - normalizer: the PROJ bridge used for locations in another CRS.
    ///   - defaultPolicy: the policy for customers without their own (``setPolicy(_:as:)``).
    public init(journal: any ContactJournal = NoJournal(), normalizer: SharedCoordinateNormalizer = SharedCoordinateNormalizer(),
                defaultPolicy: ContactPolicy = .default) {
        self.journal = journal
        sharedJournal = journal as? any SharedJournal
        immediateJournal = journal as? any ImmediateJournal
        self.normalizer = normalizer
        self.defaultPolicy = defaultPolicy
    }

    func tenant(_ customer: CustomerID) -> Tenant {
        tenants.withLock { tenants in
            if let tenant = tenants[customer] { return tenant }
            let tenant = Tenant(CustomerSnapshot(customer: customer, policy: defaultPolicy))
            // A replica loads a customer it does not hold yet before its first write.
            if sharedJournal != nil { tenant.catchUpRequested.store(true, ordering: .relaxed) }
            tenants[customer] = tenant
            return tenant
        }
    }

    /// Whether the journal currently stores what it is given: a readiness signal. Writes
    /// that could not be stored were refused and never shown to readers.
    public var storageHealth: JournalHealth { journal.health }

    /// The customers that have any state, ascending.
    public var customers: [CustomerID] { tenants.withLock { $0.keys.sorted() } }

    /// The caller's customer's current state, to query without locks (scope `contacts:read`).
    ///
    /// Several queries on one snapshot see one consistent state.
    /// - Throws: `missing-scope` without `contacts:read`.
    public func snapshot(as caller: Caller) throws(ContactProblem) -> CustomerSnapshot {
        try caller.require(.read)
        return snapshot(of: caller.customer)
    }

    /// The current state of `customer`, without a scope check: for the package's storage
    /// layers, server and tests only (a service calls ``snapshot(as:)``).
    package func snapshot(of customer: CustomerID) -> CustomerSnapshot {
        if let tenant = tenants.withLock({ $0[customer] }) { return tenant.snapshot }
        return CustomerSnapshot(customer: customer, policy: defaultPolicy)
    }

    /// The validation policy in force for `customer` (what a write validates with before it
    /// reaches the queue), without copying its snapshot.
    func policy(of customer: CustomerID) -> ContactPolicy {
        tenants.withLock { $0[customer] }?.published.withLock { $0.policy } ?? defaultPolicy
    }

    /// Makes converting from these CRS (by name; `nil`: `defaultCRS`) wait for no PROJ call on
    /// the caller's thread: a transformation that some PROJ context has not created yet
    /// (0.1–26 ms each) is created on a dispatch queue, off Swift's cooperative thread pool,
    /// while the caller awaits. Names that are not EPSG codes, WGS84 and CRS off the allow-list
    /// are left to validation, which refuses them without PROJ. At most
    /// `CoordinateNormalizer.cacheLimit` are prepared per call (the caches hold no more).
    public func prepareCRS(_ names: some Sequence<String?>, default defaultCRS: CoordinateReferenceSystem = .wgs84) async {
        var missing: [CoordinateReferenceSystem] = []
        for name in names {
            let crs = name.map { CoordinateReferenceSystem($0) } ?? defaultCRS
            guard missing.count < CoordinateNormalizer.cacheLimit, name == nil || crs.isEPSGCode, !missing.contains(crs),
                  normalizer.needsPreparation(crs)
            else { continue }
            missing.append(crs)
        }
        guard !missing.isEmpty else { return }
        let normalizer = self.normalizer
        let systems = missing
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                for crs in systems { normalizer.prepareEverywhere(crs) }
                continuation.resume()
            }
        }
    }

    /// Converts a query point to WGS84 (with PROJ when `crs` names another CRS).
    ///
    /// - Throws: `invalid-parameter` naming `latitude`, `longitude` or `crs`.
    public func point(latitude: Double, longitude: Double, crs: String? = nil) throws(ContactProblem) -> Coordinate {
        let system = crs.map { CoordinateReferenceSystem($0) } ?? CoordinateReferenceSystem.wgs84
        guard system.isWGS84 || system.isEPSGCode else { throw .parameter("crs", CoordinateReferenceSystem.inputRule) }
        do throws(GeodesyError) {
            return try normalizer.normalize(x: longitude, y: latitude, from: system)
        } catch {
            let name = switch error.field {
            case .crs?: "crs"
            case .longitude?: "longitude"
            case .latitude?: "latitude"
            case nil: error.code == .unknownCRS ? "crs" : "latitude"
            }
            throw .parameter(name, error.message)
        }
    }

    /// Runs one write for `customer`: `plan` validates against the working state (every
    /// earlier write included) and returns the changes and a result; the changes are applied
    /// (each re-checked), journaled with the rest of their batch, and become visible once
    /// durable. A refused write changes nothing.
    func write<R: Sendable>(_ customer: CustomerID,
                            _ plan: @escaping @Sendable (CustomerSnapshot) throws(ContactProblem) -> (changes: [ContactChange], result: R))
        async throws(ContactProblem) -> R
    {
        try await submit(customer) { working throws(ContactProblem) in try Self.run(plan, on: &working) }
    }

    /// ``write(_:_:)`` at once when `customer`'s queue is idle and the journal immediate (see
    /// ``applyAlone(_:to:)``), or `nil`: then call ``write(_:_:)``. A hot write tries this
    /// first with a closure that does not escape: an escaping one costs a heap context (and
    /// a copy of what it captures) every call; a create formed two (of 4.5 allocations).
    func writeAlone<R: Sendable>(_ customer: CustomerID,
                                 _ plan: (CustomerSnapshot) throws(ContactProblem) -> (changes: [ContactChange], result: R))
        -> Result<R, ContactProblem>?
    {
        applyAlone({ working throws(ContactProblem) in try Self.run(plan, on: &working) }, to: tenant(customer))
    }

    /// `plan`'s changes applied to `working` (each re-checked), with its result.
    private static func run<R>(_ plan: (CustomerSnapshot) throws(ContactProblem) -> (changes: [ContactChange], result: R),
                               on working: inout CustomerSnapshot) throws(ContactProblem) -> (changes: [ContactChange], result: R)
    {
        let (changes, result) = try plan(working)
        try working.apply(checking: changes)
        return (changes, result)
    }
}
