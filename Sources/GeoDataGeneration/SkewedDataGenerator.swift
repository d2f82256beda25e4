#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Geodesy

/// Deterministic, realistically skewed data: city sizes follow Zipf's law.
///
/// - the largest city (``largestShare`` of all points, 15% by default) is one Gaussian cluster
///   of σ ≈ 20 km around Tokyo, placed on the ellipsoid with `Geodesic.wgs84.destination`
///   (a Gaussian in the local tangent plane);
/// - the next ranks are clusters on both poles and straddling the antimeridian (North Pole,
///   Suva, Amundsen–Scott, Anadyr, Nuku'alofa), then the rest of ``CityCentre/all``; rank
///   r ≥ 2 gets a share ∝ 1/r of what is left;
/// - 2% uniform over the sphere by area;
/// - 0.5% exact duplicates of other points, and one location repeated 12 times.
///
/// Quotas are exact (largest remainder) and the order is a seeded shuffle, so the same
/// `(count, seed)` always gives the same coordinates.
public struct SkewedDataGenerator: Sendable {
    /// Share of all points in the largest city.
    public var largestShare: Double
    /// Standard deviation of each cluster, metres along each local axis.
    public var clusterSigma: Double
    /// The cities by rank, largest first.
    public var centres: [CityCentre]
    /// How many times the one hot location repeats.
    public static let hotspotRepeats = 12

    public init(largestShare: Double = 0.15, clusterSigma: Double = 20_000,
                centres: [CityCentre] = SkewedDataGenerator.rankedCentres) {
        precondition(largestShare > 0 && largestShare < 1, "the largest share must be in (0, 1)")
        precondition(!centres.isEmpty, "clusters need centres")
        self.largestShare = largestShare
        self.clusterSigma = clusterSigma
        self.centres = centres
    }

    /// ``CityCentre/all`` ranked for the skewed mix: Tokyo first, then the polar and
    /// antimeridian clusters, then the others in their listed order.
    public static let rankedCentres: [CityCentre] = {
        let leading = ["Tokyo", "North Pole", "Suva", "Amundsen–Scott South Pole Station", "Anadyr", "Nuku'alofa"]
        let all = CityCentre.all + [CityCentre("North Pole", 90, 0)]
        let first = leading.compactMap { name in all.first { $0.name == name } }
        return first + all.filter { !leading.contains($0.name) }
    }()

    /// `count` points, determined by `seed`.
    ///
    /// - Complexity: O(`count`), about 1 µs a clustered point (one `geod_direct`).
    public func points(count: Int, seed: UInt64) -> [Coordinate] {
        samples(count: count, seed: seed).map(\.location)
    }

    /// `count` query points from the same mix, on another stream.
    public func queries(count: Int, seed: UInt64) -> [Coordinate] {
        samples(count: count, seed: seed ^ Self.queryStream).map(\.location)
    }

    /// How many points each city gets (in ``centres`` order) out of `clustered` clustered points.
    public func cityQuotas(total count: Int, clustered: Int) -> [Int] {
        let largest = min(clustered, Int((Double(count) * largestShare).rounded()))
        let rest = clustered - largest
        let weights = centres.indices.dropFirst().map { 1 / Double($0 + 1) }
        return [largest] + Self.largestRemainder(rest, weights: weights)
    }

    /// Points labelled with the kind they were generated as (`.duplicate` for copies and the
    /// repeated hot location).
    public func samples(count: Int, seed: UInt64) -> [GeoDataGenerator.Sample] {
        precondition(count >= 0, "count must not be negative")
        guard count > 0 else { return [] }
        var rng = SeededGenerator(seed: seed)

        let hotspot = count >= 4 * Self.hotspotRepeats ? Self.hotspotRepeats : 0
        let duplicates = count / 200
        let uniform = count / 50
        let clustered = count - hotspot - duplicates - uniform

        var plan: [(kind: GeoDataGenerator.Kind, city: Int)] = []
        plan.reserveCapacity(count)
        for (city, quota) in cityQuotas(total: count, clustered: clustered).enumerated() {
            plan.append(contentsOf: repeatElement((.clustered, city), count: quota))
        }
        plan.append(contentsOf: repeatElement((.uniform, -1), count: uniform))
        plan.append(contentsOf: repeatElement((.duplicate, -1), count: duplicates))
        plan.append(contentsOf: repeatElement((.duplicate, -2), count: hotspot))
        for i in stride(from: plan.count - 1, to: 0, by: -1) {  // Fisher–Yates
            plan.swapAt(i, rng.nextInt(below: i + 1))
        }

        let placeholder = Coordinate(latitude: 0, longitude: 0)
        var samples = [GeoDataGenerator.Sample](repeating: .init(kind: .uniform, location: placeholder), count: count)
        var originals: [Int] = []
        originals.reserveCapacity(count)
        for (i, step) in plan.enumerated() {
            switch step.kind {
            case .clustered: samples[i] = .init(kind: .clustered, location: clusteredPoint(centres[step.city], &rng))
            case .uniform: samples[i] = .init(kind: .uniform, location: GeoDataGenerator.uniformPoint(&rng))
            default: continue
            }
            originals.append(i)
        }
        let hot = originals.isEmpty ? placeholder : samples[originals[rng.nextInt(below: originals.count)]].location
        for (i, step) in plan.enumerated() where step.kind == .duplicate {
            let location = step.city == -2 || originals.isEmpty
                ? hot : samples[originals[rng.nextInt(below: originals.count)]].location
            samples[i] = .init(kind: .duplicate, location: location)
        }
        return samples
    }

    private static let queryStream: UInt64 = 0x534B_4557_4544_5152  // "SKEWEDQR"

    private func clusteredPoint(_ centre: CityCentre, _ rng: inout SeededGenerator) -> Coordinate {
        GeoDataGenerator.point(around: centre, sigma: clusterSigma, &rng)
    }

    /// Splits `total` by `weights`: floor of each share, remainders to the largest fractions.
    static func largestRemainder(_ total: Int, weights: [Double]) -> [Int] {
        guard !weights.isEmpty else { return [] }
        let sum = weights.reduce(0, +)
        let exact = weights.map { Double(total) * $0 / sum }
        var quotas = exact.map { Int($0.rounded(.down)) }
        let byRemainder = exact.indices.sorted {
            (exact[$0] - Double(quotas[$0]), -$0) > (exact[$1] - Double(quotas[$1]), -$1)
        }
        var missing = total - quotas.reduce(0, +)
        for i in byRemainder where missing > 0 {
            quotas[i] += 1
            missing -= 1
        }
        return quotas
    }
}
