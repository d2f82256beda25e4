public import Geodesy

/// Geometry on geocentric unit vectors, the space the R-tree indexes.
///
/// A WGS84 point is stored as the direction of its ECEF position (a unit vector), rounded
/// to `Float`. Two facts make that space exact for geodesic queries:
/// - the WGS84 geodesic between two points is never shorter than `b·θ`, where `b` is the
///   polar semi-axis and `θ` the angle between their geocentric unit vectors (the ellipsoid
///   lies outside the sphere of radius `b`, and projecting a curve onto that sphere
///   radially never lengthens it); so a chord `c` between unit vectors bounds the geodesic
///   from below by `2·b·asin(c/2)`;
/// - the Euclidean distance from a query vector to a box of vectors is at most the chord
///   to any vector inside it.
/// Rounding to `Float` moves a vector by at most `floatSlack` (√3 · 2⁻²⁴), which every
/// lower bound subtracts. Poles and the antimeridian are ordinary points in this space.
@usableFromInline enum _Geometry {
    // The WGS84 constants as literals (computed properties the optimizer folds), not as
    // lazily initialized globals: the hot loops read them on every entry. A test checks
    // them against `Geodesic.wgs84`.

    /// WGS84 equatorial radius a in metres.
    @inlinable static var equatorialRadius: Double { 6_378_137 }
    /// WGS84 flattening f.
    @inlinable static var flattening: Double { 1 / 298.257223563 }
    /// WGS84 polar semi-axis b = a(1 − f) in metres.
    @inlinable static var polarRadius: Double { equatorialRadius * (1 - flattening) }
    /// 1 − e² = (1 − f)² for WGS84.
    @inlinable static var oneMinusE2: Double { (1 - flattening) * (1 - flattening) }
    /// Bound on |v_float − v| for a unit vector rounded to Float, with margin.
    @inlinable static var floatSlack: Double { 1.2e-7 }

    /// The geocentric unit vector of a geodetic coordinate, in Double. The poles map to
    /// exactly (0, 0, ±1) whatever the longitude, and longitude -180 maps as 180, so that
    /// every name of one point gives one vector.
    @inlinable @inline(__always) static func unitVector(_ c: Coordinate) -> (x: Double, y: Double, z: Double) {
        unitVector(c, _Trig(c))
    }

    /// The unit vector and the ECEF position (metres) of a coordinate, sharing their
    /// trigonometry: what a query needs.
    @inlinable @inline(__always)
    static func vectors(_ c: Coordinate) -> (unit: (x: Double, y: Double, z: Double), ecef: (x: Double, y: Double, z: Double)) {
        let t = _Trig(c)
        return (unitVector(c, t), ecef(t))
    }

    /// The point of the ellipsoid in geocentric direction `v` (any length): its geodetic
    /// latitude from the geocentric one, tan φ = tan ψ / (1 − e²). `nil` for a vector too short
    /// to have a direction worth the name (the centre of a box as wide as the Earth).
    @inlinable static func coordinate(direction v: (x: Double, y: Double, z: Double)) -> Coordinate? {
        let equatorial = (v.x * v.x + v.y * v.y).squareRoot()
        guard equatorial + abs(v.z) > 0.5 else { return nil }
        let degrees = 180 / Double.pi
        let c = Coordinate(latitude: atan2(v.z, oneMinusE2 * equatorial) * degrees,
                           longitude: equatorial == 0 ? 0 : atan2(v.y, v.x) * degrees)
        return c.isValid ? c : nil
    }

    /// The unit vector of `c` from its trigonometry `t`: exactly (0, 0, ±1) at the poles.
    @inlinable @inline(__always)
    static func unitVector(_ c: Coordinate, _ t: _Trig) -> (x: Double, y: Double, z: Double) {
        if abs(c.latitude) == 90 { return (0, 0, c.latitude > 0 ? 1 : -1) }
        // Direction of (N cosφ cosλ, N cosφ sinλ, N(1−e²) sinφ): N cancels.
        let x = t.cosPhi * t.cosLambda
        let y = t.cosPhi * t.sinLambda
        let z = oneMinusE2 * t.sinPhi
        let norm = (x * x + y * y + z * z).squareRoot()
        return (x / norm, y / norm, z / norm)
    }

    /// The chord (on the unit sphere) that a geodesic of `metres` cannot be shorter than…
    /// inverted: any point whose chord exceeds this is farther than `metres`. The searches key
    /// nodes and candidates by it, so it is strictly increasing in `metres` everywhere: from
    /// π·b on (19,971 km; the far side of the Earth, up to 20,004 km away) no chord can tell
    /// distances apart, and it goes on past the largest chord it reaches below π·b (~2.009,
    /// more than any chord) as 2.009… + (θ − π). Keys of such distances (a pivot's, a refined
    /// candidate's) then still order and prune against the k-th answer's, where +∞ for all of
    /// them had left a query at a dense cluster's antipode a geodesic per entry.
    @inlinable @inline(__always) static func chordBound(forDistance metres: Double) -> Double {
        guard metres.isFinite else { return .infinity }
        let theta = metres / polarRadius
        if theta >= .pi { return 2 * sinUpperBound(.pi / 2) + (theta - .pi) }
        return 2 * sinUpperBound(theta / 2)
    }

    /// A distance in metres beyond which ``chordBound(forDistance:)`` exceeds `chord`: the arc
    /// of that chord on a sphere of radius b (where `chordBound` is at least 2 sin(θ/2)),
    /// widened by 1e-12 and a micrometre; +∞ from a chord of 1.9 on (about 16,000 km), where
    /// the sine flattens and that widening would no longer cover `chordBound`'s rounding. Lets
    /// a far search drop a child or an entry by its bound in metres, without converting it.
    @inlinable static func distanceBeyond(chord: Double) -> Double {
        guard chord >= 0, chord <= 1.9 else { return chord < 0 ? 0 : .infinity }
        return 2 * polarRadius * asin(chord / 2) * (1 + 1e-12) + 1e-6
    }

    /// How far apart two keys must be for their order to tell that of their distances.
    /// ``chordBound(forDistance:)`` increases with the distance, but its rounding (a few ulps
    /// of ``sinUpperBound(_:)``, ~2e-15) can put two distances a few ulps apart in the other
    /// order: an in-order search took the farther of two sites 7 nm apart and 19,100 km away
    /// first (found by the `index` fuzzer). Keys within this margin are compared by geodesic.
    @inlinable static var keyMargin: Double { 1e-14 }

    // The search converts between metres and chords many times a query; these bounds
    // replace libm's sin and asin there (a call each cost more than the box tests of a node).

    /// An upper bound on sin x for 0 ≤ x ≤ π/2, increasing in x: x − x³/6 + x⁵/120, the
    /// Taylor polynomial where the series alternates with falling terms, so the rest is
    /// negative; widened by a few ulps for its own rounding. Loose by x⁷/5040: 5e-11
    /// relative at 1,000 km, 0.45% at the antipode.
    @inlinable @inline(__always) static func sinUpperBound(_ x: Double) -> Double {
        let x2 = x * x
        return x * (1 - x2 / 6 * (1 - x2 / 20)) * (1 + 1e-15)
    }

    /// An upper bound on asin y for 0 ≤ y ≤ 1: y + y³/6 + (3/40)·y⁵/(1 − y²) up to 1/2, as
    /// the series' coefficients after 1/6 never exceed 3/40, widened for rounding; libm's
    /// asin beyond.
    @inlinable @inline(__always) static func asinUpperBound(_ y: Double) -> Double {
        guard y <= 0.5 else { return asin(Swift.min(1, y)) * (1 + 1e-15) }
        let y2 = y * y
        return y * (1 + y2 / 6 + 0.075 * y2 * y2 / (1 - y2)) * (1 + 1e-15)
    }

    /// An upper bound in metres on the geodesic between two points whose Float unit vectors
    /// are `chord` apart. Projecting the great-circle arc between the unit vectors radially
    /// onto the ellipsoid gives a curve of length ∫√(ρ² + ρ′²) ≤ θ·√(a² + (21.5 km)²), since
    /// the radius ρ never exceeds a and changes by at most ~21.5 km per radian; the geodesic
    /// is no longer than that curve. The factor 1 + 1e-5 covers √(1 + (21.5/6378)²).
    @inlinable @inline(__always)
    static func distanceUpperBound(chord: Double) -> Double {
        let theta = 2 * asinUpperBound((chord + floatSlack) / 2)
        return equatorialRadius * (1 + 1e-5) * theta
    }

    // Float arithmetic for the nearest search's hot loops (box and entry chords in SIMD4).
    // A Float difference, square and sum each err by at most 2⁻²⁴ relative, so a chord
    // computed so is within a factor 1 ± 1e-6 of the chord to the query rounded to Float,
    // which is itself within 5.2e-8 of the query; the stored vectors are within
    // `floatSlack` of the true ones. Hence the bounds below.

    /// Absolute slack of a Float-arithmetic chord: stored rounding plus query rounding.
    @inlinable static var floatSearchSlack: Double { floatSlack + 8e-8 }

    /// A lower bound on the true unit chord from a Float-arithmetic squared chord.
    @inlinable @inline(__always) static func lowerChord(floatSquared d2: Float) -> Double {
        Swift.max(0, Double(d2).squareRoot() * (1 - 1e-6) - floatSearchSlack)
    }

    /// An upper bound on the true unit chord from a Float-arithmetic squared chord.
    @inlinable @inline(__always) static func upperChord(floatSquared d2: Float) -> Double {
        Double(d2).squareRoot() * (1 + 1e-6) + floatSearchSlack
    }

    /// The Float squared chord beyond which ``lowerChord(floatSquared:)`` exceeds `threshold`.
    @inlinable @inline(__always) static func floatReachSquared(threshold: Double) -> Float {
        let reach = (threshold + floatSearchSlack) / (1 - 1e-6)
        return Float(reach * reach * (1 + 1e-6))
    }

    /// The query's unit vector rounded to Float, for the Float-arithmetic chords.
    @inlinable @inline(__always) static func floatVector(_ v: (x: Double, y: Double, z: Double)) -> SIMD4<Float> {
        SIMD4<Float>(Float(v.x), Float(v.y), Float(v.z), 0)
    }

    /// The ECEF position of a geodetic coordinate on the WGS84 ellipsoid, in metres.
    @inlinable @inline(__always) static func ecef(_ c: Coordinate) -> (x: Double, y: Double, z: Double) {
        ecef(_Trig(c))
    }

    /// The straight line in metres between two ECEF positions (``ecef(_:)``; from a query's,
    /// what ``distanceBounds(ecefChord:coarseUpper:)`` takes).
    @inlinable @inline(__always)
    static func ecefChord(from origin: (x: Double, y: Double, z: Double), to p: (x: Double, y: Double, z: Double)) -> Double {
        let dx = p.x - origin.x, dy = p.y - origin.y, dz = p.z - origin.z
        return (dx * dx + dy * dy + dz * dz).squareRoot()
    }

    @inlinable @inline(__always) static func ecef(_ t: _Trig) -> (x: Double, y: Double, z: Double) {
        let n = equatorialRadius / (1 - eccentricitySquared * t.sinPhi * t.sinPhi).squareRoot()
        return (n * t.cosPhi * t.cosLambda, n * t.cosPhi * t.sinLambda, n * oneMinusE2 * t.sinPhi)
    }

    /// Whether two valid coordinates name one point: equal, or both at the same pole, or
    /// on the antimeridian as 180 and -180. `geod_inverse` gives exactly 0 between them.
    @inlinable @inline(__always) static func isSamePoint(_ a: Coordinate, _ b: Coordinate) -> Bool {
        guard a.latitude == b.latitude else { return false }
        return a.longitude == b.longitude || abs(a.latitude) == 90
            || (abs(a.longitude) == 180 && abs(b.longitude) == 180)
    }

    /// Whether `geod_inverse` may put two valid coordinates that are not one point
    /// (``isSamePoint(_:_:)``) 0 m apart. It rounds angles below 1/16° to multiples of 2⁻⁵⁷°
    /// (0.7 pm on the Earth, its `AngRound`), the latitudes and the longitudes' difference: so one
    /// ulp of latitude near the equator, or of longitude near the prime meridian, is no distance.
    /// Never for coordinates further apart than 10⁻¹² degrees in latitude, or in longitude
    /// (across the antimeridian too) away from the poles: a wide margin over 2⁻⁵⁷°. Checking
    /// the geodesic itself is the caller's.
    @inlinable @inline(__always) static func mayBeNoDistanceApart(_ a: Coordinate, _ b: Coordinate) -> Bool {
        guard abs(a.latitude - b.latitude) <= 1e-12 else { return false }
        if abs(a.latitude) >= 90 - 1e-12 { return true }  // at a pole longitudes hardly part points
        let apart = abs(a.longitude - b.longitude)
        return apart <= 1e-12 || apart >= 360 - 1e-12
    }

    /// The exact WGS84 geodesic distance in metres (`geod_inverse`); 0 without calling PROJ
    /// when the two name one point (what `geod_inverse` returns there too).
    @inlinable @inline(__always) static func distance(from a: Coordinate, to b: Coordinate) -> Double {
        isSamePoint(a, b) ? 0 : Geodesic.wgs84.distance(from: a, to: b)
    }

    /// e² for WGS84.
    @inlinable static var eccentricitySquared: Double { 1 - oneMinusE2 }
    /// The smallest radius of curvature anywhere on WGS84, b²/a (meridional, at the equator).
    @inlinable static var minimumCurvatureRadius: Double { polarRadius * polarRadius / equatorialRadius }
    /// Bound on the error of a chord computed by ``ecef(_:)`` in Double, with wide margin
    /// (the coordinates are ~6.4e6 m; a few ulps each is ~1e-8 m).
    @inlinable static var ecefSlack: Double { 1e-6 }

    /// Bounds in metres on the geodesic between two points whose ECEF positions are `chord`
    /// metres apart (as computed by ``ecef(_:)``), given an upper bound `coarseUpper` from
    /// another argument (to know that the geodesic is no longer than π·ρ).
    ///
    /// - Lower: a curve between two points is never shorter than the straight line.
    /// - Upper: a geodesic's curvature as a space curve is the surface's normal curvature,
    ///   at most 1/ρ with ρ = b²/a. By Schur's comparison theorem a curve of length L ≤ πρ
    ///   with curvature ≤ 1/ρ spans a chord of at least 2ρ·sin(L/2ρ), the circular arc's;
    ///   so L ≤ 2ρ·asin(c/2ρ). The gap to the lower bound is about c³/24ρ²: 3 cm at 30 km.
    @inlinable @inline(__always)
    static func distanceBounds(ecefChord chord: Double, coarseUpper: Double) -> (lower: Double, upper: Double) {
        let rho = minimumCurvatureRadius
        let lower = Swift.max(0, chord - ecefSlack)
        guard coarseUpper <= .pi * rho else { return (lower, coarseUpper) }
        let upper = 2 * rho * asinUpperBound((chord + ecefSlack) / (2 * rho)) * (1 + 1e-12) + ecefSlack
        return (lower, Swift.min(upper, coarseUpper))
    }

    /// A lower bound in metres on the geodesic for a chord lower bound.
    @inlinable @inline(__always) static func distanceLowerBound(chord: Double) -> Double {
        let c = max(0, chord - floatSlack)
        return 2 * polarRadius * asin(min(1, c / 2))
    }
}

#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif
