#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Geodesy

/// Deterministic data more hostile than any customer's should be, for an index that must not
/// fall over on it:
/// - 35% in one metropolis (a Gaussian of σ 3 km around Paris): a hundred times denser than
///   the skewed mix's largest city;
/// - 10% at one location (a crowd: a depot every contact was geocoded to);
/// - 2.5% in a cloud of σ 40 m around each pole, smaller than what chord bounds can tell apart
///   from a thousand kilometres away;
/// - 4% in a cloud of σ 2 km straddling the antimeridian near Fiji;
/// - 2% exactly on the prime meridian and 2% exactly on the equator, at uniform latitudes or
///   longitudes (boxes flat on one axis);
/// - 1% exact duplicates of the points above;
/// - the rest (41%) from ``SkewedDataGenerator`` (Zipf-sized cities, uniform points).
///
/// Queries: half uniform over the sphere by area (mostly far from every cluster), half from
/// the points' mix on another stream (some at the crowd's location, some inside the clouds).
/// Quotas are exact (largest remainder) and the order a seeded shuffle, so the same
/// `(count, seed)` always gives the same coordinates.
public struct HostileDataGenerator: Sendable {
    /// What each generated point belongs to, with its share of all points.
    public enum Part: CaseIterable, Hashable, Sendable {
        case metropolis, crowd, northCloud, southCloud, antimeridian, meridian, equator, duplicate, cities

        /// The share of all points.
        public var share: Double {
            switch self {
            case .metropolis: 0.35
            case .crowd: 0.10
            case .northCloud, .southCloud: 0.025
            case .antimeridian: 0.04
            case .meridian, .equator: 0.02
            case .duplicate: 0.01
            case .cities: 0.41
            }
        }
    }

    public static let metropolis = CityCentre("Paris", 48.8566, 2.3522)
    /// The crowd's one location (every point of ``Part/crowd`` is exactly here).
    public static let crowd = Coordinate(latitude: 6.5244, longitude: 3.3792)
    public static let antimeridianCentre = CityCentre("Taveuni", -16.8, 180)
    static let northPole = CityCentre("North Pole", 90, 0)
    static let southPole = CityCentre("South Pole", -90, 0)

    public init() {}

    /// `count` points, determined by `seed`.
    public func points(count: Int, seed: UInt64) -> [Coordinate] {
        samples(count: count, seed: seed).map(\.location)
    }

    /// `count` query points: the even ones uniform over the sphere, the odd ones from the
    /// points' mix on another stream.
    public func queries(count: Int, seed: UInt64) -> [Coordinate] {
        precondition(count >= 0, "count must not be negative")
        var rng = SeededGenerator(seed: seed ^ Self.uniformQueryStream)
        let mixed = points(count: (count + 1) / 2, seed: seed ^ Self.queryStream)
        return (0..<count).map { i in i % 2 == 0 ? GeoDataGenerator.uniformPoint(&rng) : mixed[i / 2] }
    }

    /// How many points each part gets, in ``Part/allCases`` order (``Part/cities`` last).
    public func quotas(total count: Int) -> [Int] {
        SkewedDataGenerator.largestRemainder(count, weights: Part.allCases.map(\.share))
    }

    /// Points labelled with the kind they were generated as.
    public func samples(count: Int, seed: UInt64) -> [GeoDataGenerator.Sample] {
        precondition(count >= 0, "count must not be negative")
        guard count > 0 else { return [] }
        var rng = SeededGenerator(seed: seed)
        let quotas = quotas(total: count)
        var plan: [Part] = []
        plan.reserveCapacity(count)
        for (part, quota) in zip(Part.allCases, quotas) { plan.append(contentsOf: repeatElement(part, count: quota)) }
        for i in stride(from: plan.count - 1, to: 0, by: -1) {  // Fisher–Yates
            plan.swapAt(i, rng.nextInt(below: i + 1))
        }
        var cities = SkewedDataGenerator().samples(count: quotas.last ?? 0, seed: seed ^ Self.cityStream)
            .makeIterator()
        var samples: [GeoDataGenerator.Sample] = []
        samples.reserveCapacity(count)
        for part in plan {
            func around(_ centre: CityCentre, _ sigma: Double) -> Coordinate {
                GeoDataGenerator.point(around: centre, sigma: sigma, &rng)
            }
            switch part {
            case .metropolis: samples.append(.init(kind: .clustered, location: around(Self.metropolis, 3_000)))
            case .crowd, .duplicate: samples.append(.init(kind: .duplicate, location: Self.crowd))  // copies: below
            case .northCloud: samples.append(.init(kind: .pole, location: around(Self.northPole, 40)))
            case .southCloud: samples.append(.init(kind: .pole, location: around(Self.southPole, 40)))
            case .antimeridian:
                samples.append(.init(kind: .antimeridian, location: around(Self.antimeridianCentre, 2_000)))
            case .meridian:
                let latitude = rng.nextDouble(in: -89, 89)
                samples.append(.init(kind: .uniform, location: Coordinate(latitude: latitude, longitude: 0)))
            case .equator:
                let longitude = rng.nextDouble(in: -180, 180)
                samples.append(.init(kind: .uniform, location: Coordinate(latitude: 0, longitude: longitude)))
            case .cities:
                samples.append(cities.next() ?? .init(kind: .uniform, location: GeoDataGenerator.uniformPoint(&rng)))
            }
        }
        // Duplicates copy a point of another part (the crowd when there is nothing else).
        let originals = plan.indices.filter { plan[$0] != .duplicate && plan[$0] != .crowd }
        for i in plan.indices where plan[i] == .duplicate && !originals.isEmpty {
            let original = originals[rng.nextInt(below: originals.count)]
            samples[i] = .init(kind: .duplicate, location: samples[original].location)
        }
        return samples
    }

    private static let queryStream: UInt64 = 0x484F_5354_494C_4551  // "HOSTILEQ"
    private static let cityStream: UInt64 = 0x484F_5354_494C_4543  // "HOSTILEC"
    private static let uniformQueryStream: UInt64 = 0x484F_5354_494C_4555  // "HOSTILEU"
}
