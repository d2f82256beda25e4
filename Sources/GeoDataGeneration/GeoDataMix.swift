public import Geodesy

/// Which generated data set a test, benchmark or `geocontacts dev generate` uses.
public enum GeoDataMix: String, CaseIterable, Hashable, Sendable {
    /// ``GeoDataGenerator``'s standard mix: ~50 equally weighted clusters plus uniform points,
    /// poles, antimeridian and duplicates.
    case uniform
    /// ``SkewedDataGenerator``: Zipf-weighted city sizes, one city holding ~15% of all points.
    case skewed
    /// ``HostileDataGenerator``: a dense metropolis, a crowd at one point, clouds of metres at
    /// the poles, degenerate lines; half the queries uniform over the sphere.
    case hostile

    /// `count` points of this mix, determined by `seed`.
    public func points(count: Int, seed: UInt64) -> [Coordinate] {
        switch self {
        case .uniform: GeoDataGenerator().points(count: count, seed: seed)
        case .skewed: SkewedDataGenerator().points(count: count, seed: seed)
        case .hostile: HostileDataGenerator().points(count: count, seed: seed)
        }
    }

    /// `count` query points of this mix, on another stream than ``points(count:seed:)``.
    public func queries(count: Int, seed: UInt64) -> [Coordinate] {
        switch self {
        case .uniform: GeoDataGenerator().queries(count: count, seed: seed)
        case .skewed: SkewedDataGenerator().queries(count: count, seed: seed)
        case .hostile: HostileDataGenerator().queries(count: count, seed: seed)
        }
    }

    /// Points with consecutive ids `0..<count`, the shape the brute-force oracles take.
    public func entries(count: Int, seed: UInt64) -> [(id: Int64, location: Coordinate)] {
        points(count: count, seed: seed).enumerated().map { (id: Int64($0.offset), location: $0.element) }
    }
}
