#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Geodesy

/// Deterministic test and benchmark data on the WGS84 ellipsoid.
///
/// The standard mix is what a contacts index meets in the field, plus the cases that break
/// naive spatial code:
/// - about 70% of points in Gaussian clusters (σ ≈ 20 km, placed with
///   `Geodesic.wgs84.destination`) around ~50 real places on every continent
///   (``CityCentre/all``), some of them straddling the antimeridian or near a pole;
/// - about 30% uniform over the sphere *by area* (z uniform in [-1, 1], longitude uniform);
/// - points exactly at both poles, with various longitudes (0, ±90, ±180, random);
/// - points on both sides of the antimeridian (±180 exactly, ±179.9999999, the next double
///   inside ±180, and a strip within 0.001° of it);
/// - exact duplicates of other points in the same set.
///
/// Every kind gets an exact quota (largest remainder), and the kinds are shuffled into a
/// seeded random order, so the fractions hold exactly for any count. The same
/// `(count, seed)` always gives the same coordinates (own xoshiro256** generator, no
/// Foundation or system randomness).
public struct GeoDataGenerator: Sendable {
    /// What a generated point is meant to exercise.
    public enum Kind: Int, CaseIterable, Hashable, Sendable {
        case clustered, uniform, pole, antimeridian, duplicate
    }

    /// Relative weights of each kind; they need not sum to 1.
    public struct Mix: Hashable, Sendable {
        public var clustered: Double
        public var uniform: Double
        public var poles: Double
        public var antimeridian: Double
        public var duplicates: Double

        public init(clustered: Double, uniform: Double, poles: Double, antimeridian: Double, duplicates: Double) {
            self.clustered = clustered
            self.uniform = uniform
            self.poles = poles
            self.antimeridian = antimeridian
            self.duplicates = duplicates
        }

        /// 68% clustered, 28% uniform, 0.4% poles, 1.6% antimeridian, 2% duplicates.
        public static let standard = Mix(clustered: 0.68, uniform: 0.28, poles: 0.004, antimeridian: 0.016,
                                         duplicates: 0.02)
        /// Only Gaussian clusters around the city centres.
        public static let clusteredOnly = Mix(clustered: 1, uniform: 0, poles: 0, antimeridian: 0, duplicates: 0)
        /// Only points uniform over the sphere by area.
        public static let uniformOnly = Mix(clustered: 0, uniform: 1, poles: 0, antimeridian: 0, duplicates: 0)

        /// The weight of `kind`.
        public func weight(of kind: Kind) -> Double {
            switch kind {
            case .clustered: clustered
            case .uniform: uniform
            case .pole: poles
            case .antimeridian: antimeridian
            case .duplicate: duplicates
            }
        }
    }

    /// One generated point and the kind it was generated as.
    public struct Sample: Hashable, Sendable {
        public var kind: Kind
        public var location: Coordinate
    }

    public var mix: Mix
    /// Standard deviation of each cluster, metres along each local axis.
    public var clusterSigma: Double
    public var centres: [CityCentre]

    /// - Parameters:
    ///   - mix: relative weights of the kinds of point.
    ///   - clusterSigma: σ of the Gaussian clusters in metres (20 km by default).
    ///   - centres: the cluster centres; must not be empty if `mix.clustered > 0`.
    public init(mix: Mix = .standard, clusterSigma: Double = 20_000, centres: [CityCentre] = CityCentre.all) {
        precondition(Kind.allCases.allSatisfy { mix.weight(of: $0) >= 0 }, "weights must not be negative")
        precondition(Kind.allCases.contains { mix.weight(of: $0) > 0 }, "at least one weight must be positive")
        precondition(mix.clustered == 0 || !centres.isEmpty, "clusters need centres")
        self.mix = mix
        self.clusterSigma = clusterSigma
        self.centres = centres
    }

    /// `count` points for an index, determined by `seed`.
    ///
    /// - Complexity: O(`count`), about 1 µs a clustered point (one `geod_direct`).
    public func points(count: Int, seed: UInt64) -> [Coordinate] {
        samples(count: count, seed: seed).map(\.location)
    }

    /// `count` query points from the same mix as ``points(count:seed:)``, but a different
    /// stream: `queries(count: n, seed: s)` does not repeat `points(count: n, seed: s)`.
    public func queries(count: Int, seed: UInt64) -> [Coordinate] {
        samples(count: count, seed: seed ^ Self.queryStream).map(\.location)
    }

    /// Points with consecutive ids `0..<count`, the shape the brute-force oracles take.
    public func entries(count: Int, seed: UInt64) -> [(id: Int64, location: Coordinate)] {
        points(count: count, seed: seed).enumerated().map { (id: Int64($0.offset), location: $0.element) }
    }

    /// Points labelled with their kind.
    public func samples(count: Int, seed: UInt64) -> [Sample] {
        precondition(count >= 0, "count must not be negative")
        guard count > 0 else { return [] }
        var rng = SeededGenerator(seed: seed)

        var kinds: [Kind] = []
        kinds.reserveCapacity(count)
        for (kind, quota) in zip(Kind.allCases, quotas(for: count)) {
            kinds.append(contentsOf: repeatElement(kind, count: quota))
        }
        // Duplicates copy other points; with nothing else to copy they become uniform.
        if !kinds.contains(where: { $0 != .duplicate }) {
            kinds = kinds.map { _ in .uniform }
        }
        for i in stride(from: kinds.count - 1, to: 0, by: -1) {  // Fisher–Yates
            kinds.swapAt(i, rng.nextInt(below: i + 1))
        }

        let placeholder = Coordinate(latitude: 0, longitude: 0)
        var samples = [Sample](repeating: Sample(kind: .uniform, location: placeholder), count: count)
        var originals: [Int] = []
        originals.reserveCapacity(count)
        for (i, kind) in kinds.enumerated() {
            let location: Coordinate
            switch kind {
            case .clustered: location = clusteredPoint(&rng)
            case .uniform: location = Self.uniformPoint(&rng)
            case .pole: location = Self.polePoint(&rng)
            case .antimeridian: location = Self.antimeridianPoint(&rng)
            case .duplicate: continue
            }
            samples[i] = Sample(kind: kind, location: location)
            originals.append(i)
        }
        for (i, kind) in kinds.enumerated() where kind == .duplicate {
            let source = originals[rng.nextInt(below: originals.count)]
            samples[i] = Sample(kind: .duplicate, location: samples[source].location)
        }
        return samples
    }

    /// How many points of each kind (in `Kind.allCases` order) a set of `count` gets:
    /// floor of each share, remainders to the largest fractional parts.
    public func quotas(for count: Int) -> [Int] {
        let weights = Kind.allCases.map { mix.weight(of: $0) }
        let total = weights.reduce(0, +)
        let exact = weights.map { Double(count) * $0 / total }
        var quotas = exact.map { Int($0.rounded(.down)) }
        let byRemainder = exact.indices.sorted { (exact[$0] - Double(quotas[$0]), -$0) > (exact[$1] - Double(quotas[$1]), -$1) }
        var missing = count - quotas.reduce(0, +)
        for i in byRemainder where missing > 0 {
            quotas[i] += 1
            missing -= 1
        }
        return quotas
    }

    private static let queryStream: UInt64 = 0x5157_4552_5953_5452  // "QWERYSTR"
    private static let degrees = 180 / Double.pi

    private func clusteredPoint(_ rng: inout SeededGenerator) -> Coordinate {
        Self.point(around: centres[rng.nextInt(below: centres.count)], sigma: clusterSigma, &rng)
    }

    /// A point at a Gaussian offset (σ metres east and north) from `centre`, along the geodesic.
    static func point(around centre: CityCentre, sigma: Double, _ rng: inout SeededGenerator) -> Coordinate {
        let east = rng.nextGaussian() * sigma
        let north = rng.nextGaussian() * sigma
        let distance = (east * east + north * north).squareRoot()
        let azimuth = atan2(east, north) * degrees
        let p = Geodesic.wgs84.destination(
            from: Coordinate(latitude: centre.latitude, longitude: centre.longitude),
            azimuth: azimuth, distance: distance)
        return clamped(p)
    }

    static func uniformPoint(_ rng: inout SeededGenerator) -> Coordinate {
        let z = rng.nextDouble(in: -1, 1)
        let latitude = asin(z) * degrees
        let longitude = rng.nextDouble(in: -180, 180)
        return clamped(Coordinate(latitude: latitude, longitude: longitude))
    }

    private static let poleLongitudes: [Double] = [0, 180, -180, 90, -90, 45.5]

    static func polePoint(_ rng: inout SeededGenerator) -> Coordinate {
        let latitude: Double = rng.next() & 1 == 0 ? 90 : -90
        let pick = rng.nextInt(below: poleLongitudes.count + 2)
        let longitude = pick < poleLongitudes.count ? poleLongitudes[pick] : rng.nextDouble(in: -180, 180)
        return Coordinate(latitude: latitude, longitude: longitude)
    }

    private static let antimeridianLongitudes: [Double] = [
        180, -180, 179.9999999, -179.9999999, 180.0.nextDown, (-180.0).nextUp, 179.9999, -179.9999,
    ]

    static func antimeridianPoint(_ rng: inout SeededGenerator) -> Coordinate {
        let latitude = asin(rng.nextDouble(in: -1, 1)) * degrees
        let longitude: Double
        if rng.next() & 1 == 0 {
            longitude = antimeridianLongitudes[rng.nextInt(below: antimeridianLongitudes.count)]
        } else {
            let offset = rng.nextUnit() * 0.001
            longitude = rng.next() & 1 == 0 ? 180 - offset : -180 + offset
        }
        return clamped(Coordinate(latitude: latitude, longitude: longitude))
    }

    /// Pins rounding strays back into the WGS84 ranges.
    static func clamped(_ c: Coordinate) -> Coordinate {
        var longitude = c.longitude
        if longitude > 180 { longitude -= 360 }
        if longitude < -180 { longitude += 360 }
        return Coordinate(latitude: min(90, max(-90, c.latitude)), longitude: min(180, max(-180, longitude)))
    }
}
