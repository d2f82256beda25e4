import Synchronization

/// A ``CoordinateNormalizer`` that many tasks may share.
///
/// WGS84 input is validated without locking. Other input goes through one of a few
/// `CoordinateNormalizer`s, each behind its own `Mutex` (~80 ns uncontended on a transform of
/// 150–850 ns): a call takes the first slot it can lock without waiting, starting from a
/// rotating index, and waits only when every slot is busy. So a cache miss — creating a PROJ
/// transformation, 0.1–26 ms — holds one slot, not every other caller's conversions. Each slot
/// owns its PROJ context and cache. Safe by construction (each `Mutex` owns a non-`Sendable`
/// normalizer), with no `@unchecked Sendable`.
public final class SharedCoordinateNormalizer: Sendable {
    /// One normalizer behind its lock (a class: a `Mutex` cannot be copied into an array).
    private final class Slot: Sendable {
        let normalizer = Mutex(CoordinateNormalizer())
    }

    private let slots: [Slot]
    private let next = Atomic<Int>(0)
    /// The CRS accepted besides WGS84 (trimmed, lowercased definitions); `nil`: any.
    private let allowed: Set<String>?
    /// The allow-list as given: prepared at start-up in these spellings, named in messages.
    private let allowedSystems: [CoordinateReferenceSystem]

    /// - Parameters:
    ///   - slots: how many normalizers (PROJ contexts) to keep, at least 1; about the number
    ///     of threads that convert at once.
    ///   - allowed: the only CRS accepted besides WGS84 (`nil`: any PROJ knows). Any other is
    ///     refused with `crs-not-allowed` before PROJ is asked. With an allow-list, call
    ///     ``prepareAllowed()`` at start-up so that no request pays for creating a
    ///     transformation.
    public init(slots: Int = 4, allowing allowed: [CoordinateReferenceSystem]? = nil) {
        self.slots = (0..<max(1, slots)).map { _ in Slot() }
        self.allowed = allowed.map { Set($0.map(\.definition.trimmedLowercased)) }
        allowedSystems = allowed ?? []
    }

    /// Creates the transformation of every allowed CRS in every slot (its cost is paid here,
    /// not by the first requests), so an unknown code on the allow-list fails at start-up.
    public func prepareAllowed() throws(GeodesyError) {
        for crs in allowedSystems where !crs.isWGS84 {
            for slot in slots {
                let failure: GeodesyError? = slot.normalizer.withLock { normalizer in
                    do throws(GeodesyError) { try normalizer.prepare(crs); return nil } catch { return error }
                }
                if let failure { throw failure }
            }
        }
    }

    /// Whether converting from `crs` could make a caller wait for PROJ to create its
    /// transformation: it is not WGS84, it is allowed, and some slot has not cached it (nor
    /// its failure).
    public func needsPreparation(_ crs: CoordinateReferenceSystem) -> Bool {
        guard !crs.isWGS84, allowed?.contains(crs.definition.trimmedLowercased) ?? true else { return false }
        return slots.contains { slot in !slot.normalizer.withLock { $0.isCached(crs) } }
    }

    /// Creates `crs`'s transformation (or records its failure) in every slot that lacks it,
    /// waiting for busy slots: 0.1–26 ms each in PROJ. Call it where blocking is harmless
    /// (``needsPreparation(_:)`` says when it is needed).
    public func prepareEverywhere(_ crs: CoordinateReferenceSystem) {
        for slot in slots {
            slot.normalizer.withLock { normalizer in
                if !normalizer.isCached(crs) { _ = try? normalizer.prepare(crs) }
            }
        }
    }

    private func checkAllowed(_ crs: CoordinateReferenceSystem) throws(GeodesyError) {
        guard let allowed, !allowed.contains(crs.definition.trimmedLowercased) else { return }
        throw GeodesyError(.crsNotAllowed, field: .crs,
                           message: "is not accepted by this service; accepted: EPSG:4326 (WGS84), \(allowedSystems.map(\.definition).joined(separator: ", "))")
    }

    /// See ``CoordinateNormalizer/normalize(x:y:from:)``.
    public func normalize(x: Double, y: Double, from crs: CoordinateReferenceSystem) throws(GeodesyError)
        -> Coordinate
    {
        if crs.isWGS84 {
            return try Coordinate(validatingLatitude: y, longitude: x)
        }
        try checkAllowed(crs)
        return try withNormalizer { normalizer throws(GeodesyError) in try normalizer.normalize(x: x, y: y, from: crs) }
    }

    /// See ``CoordinateNormalizer/prepare(_:)``.
    public func prepare(_ crs: CoordinateReferenceSystem) throws(GeodesyError) {
        if crs.isWGS84 { return }
        try checkAllowed(crs)
        try withNormalizer { normalizer throws(GeodesyError) in try normalizer.prepare(crs) }
    }

    /// Runs `body` while slot `index` is locked (for tests: a slot busy with a slow miss).
    func whileSlotBusy<T>(_ index: Int, _ body: () throws -> T) rethrows -> T {
        try slots[index].normalizer.withLock { _ in try body() }
    }

    private func withNormalizer<T: Sendable>(_ body: (CoordinateNormalizer) throws(GeodesyError) -> T) throws(GeodesyError) -> T {
        let start = next.add(1, ordering: .relaxed).newValue & Int.max
        for k in 0..<slots.count {
            let slot = slots[(start &+ k) % slots.count]
            let result: Result<T, GeodesyError>? = slot.normalizer.withLockIfAvailable { normalizer in
                do throws(GeodesyError) { return .success(try body(normalizer)) } catch { return .failure(error) }
            }
            if let result { return try result.get() }
        }
        let result: Result<T, GeodesyError> = slots[start % slots.count].normalizer.withLock { normalizer in
            do throws(GeodesyError) { return .success(try body(normalizer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
