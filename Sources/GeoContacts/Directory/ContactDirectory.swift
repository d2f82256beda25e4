public import Geodesy
import Synchronization

/// Every customer's contacts: the entry point a service calls.
///
/// Concurrency: each customer has a current ``CustomerSnapshot`` behind a `Mutex` that is
/// held only to copy the snapshot value out (O(1)) or to publish a new one, and a separate
/// writer lock that serializes that customer's writes. A write copies the current snapshot,
/// validates, journals, applies its changes and publishes; readers meanwhile keep querying
/// the snapshot they took, lock-free, and never see a half-applied write. Different
/// customers never contend. `Sendable` without `@unchecked`.
///
/// Locations may be given in any CRS PROJ knows (`location.crs`, e.g. `"EPSG:27700"`, where
/// `longitude` carries x / easting and `latitude` y / northing); they are converted to
/// WGS84 before validation and storage. ``ContactPolicy/defaultCRS`` applies when none is named.
public final class ContactDirectory: Sendable {
    final class Tenant: Sendable {
        let current: Mutex<CustomerSnapshot>
        let writer = Mutex<Void>(())

        init(_ snapshot: CustomerSnapshot) { current = Mutex(snapshot) }

        var snapshot: CustomerSnapshot { current.withLock { $0 } }
    }

    private let tenants = Mutex<[CustomerID: Tenant]>([:])
    let journal: any ContactJournal
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
        self.normalizer = normalizer
        self.defaultPolicy = defaultPolicy
    }

    func tenant(_ customer: CustomerID) -> Tenant {
        tenants.withLock { tenants in
            if let tenant = tenants[customer] { return tenant }
            let tenant = Tenant(CustomerSnapshot(customer: customer, policy: defaultPolicy))
            tenants[customer] = tenant
            return tenant
        }
    }

    /// The customers that have any state, ascending.
    public var customers: [CustomerID] { tenants.withLock { $0.keys.sorted() } }

    /// The caller's customer's current state, to query without locks (scope `contacts:read`).
    ///
    /// Several queries on one snapshot see one consistent state.
    /// - Throws: 403 without `contacts:read`.
    public func snapshot(as caller: Caller) throws(ContactProblem) -> CustomerSnapshot {
        try caller.require(.read)
        return snapshot(of: caller.customer)
    }

    /// The current state of `customer`, without a scope check: for storage, export and tests.
    public func snapshot(of customer: CustomerID) -> CustomerSnapshot {
        if let tenant = tenants.withLock({ $0[customer] }) { return tenant.snapshot }
        return CustomerSnapshot(customer: customer, policy: defaultPolicy)
    }

    /// Converts a query point to WGS84 (with PROJ when `crs` names another CRS).
    ///
    /// - Throws: 400 `invalid-parameter` naming `latitude`, `longitude` or `crs`.
    public func point(latitude: Double, longitude: Double, crs: String? = nil) throws(ContactProblem) -> Coordinate {
        let system = crs.map { CoordinateReferenceSystem($0) } ?? CoordinateReferenceSystem.wgs84
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

    /// Runs one write for `customer`: under its writer lock, `plan` validates against the
    /// current snapshot and returns the changes and a result; they are applied to a private
    /// copy (each re-checked), journaled, and the copy is published. Then, outside the lock,
    /// the journal's durability is awaited.
    func write<R: Sendable>(_ customer: CustomerID,
                            _ plan: (CustomerSnapshot) throws(ContactProblem) -> (changes: [ContactChange], result: R))
        async throws(ContactProblem) -> R
    {
        let tenant = tenant(customer)
        let (sequence, result) = try tenant.writer.withLock { _ throws(ContactProblem) -> (UInt64?, R) in
            let current = tenant.snapshot
            let (changes, result) = try plan(current)
            if changes.isEmpty { return (nil, result) }
            // Apply to a private copy first; `applying` re-checks each change, so that a bug is
            // a 500 that changes nothing (and never reaches the journal) rather than a trap.
            let next = try current.applying(changes)
            let sequence: UInt64
            do {
                sequence = try journal.append(changes, customer: customer)
            } catch {
                throw ContactProblem(.storageFailed, detail: "The journal refused the change: \(error)")
            }
            tenant.current.withLock { $0 = next }
            return (sequence, result)
        }
        if let sequence {
            do {
                try await journal.waitUntilDurable(sequence)
            } catch {
                throw ContactProblem(.storageFailed, detail: "The change is applied but could not be made durable: \(error)")
            }
        }
        return result
    }
}
