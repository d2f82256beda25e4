public import Geodesy

#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// The sines and cosines of a coordinate's latitude and longitude (longitude -180 taken
/// as 180, which moves an ECEF position by nanometres).
@usableFromInline struct _Trig {
    @usableFromInline let sinPhi: Double, cosPhi: Double, sinLambda: Double, cosLambda: Double

    @inlinable @inline(__always) init(_ c: Coordinate) {
        let phi = c.latitude * .pi / 180
        let lambda = (c.longitude == -180 ? 180 : c.longitude) * .pi / 180
        sinPhi = sin(phi); cosPhi = cos(phi)
        sinLambda = sin(lambda); cosLambda = cos(lambda)
    }
}
