public import Geodesy

#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// The geodesic distance from a query, expanded to first order around a point C of the
/// ellipsoid with a proven remainder: what bounds, without a geodesic of their own, the
/// entries and nodes of a dense cluster far from the query.
///
/// Far away the chord bounds are wider than a cluster (their gap grows as c³/24ρ²: 4.8 km at
/// 1,670 km), and a pivot's triangle inequality (d − r) cannot tell apart the entries of a
/// cluster's near edge either. But the distance f(x) from the query is smooth near C (away
/// from the query and from its cut locus): along a geodesic from C to a point P, with v the
/// tangent at C of length s(C, P),
///
///     f(P) = f(C) + ⟨∇f(C), v⟩ + ½ Hess f(ξ)[v, v].
///
/// - ∇f(C) is the unit tangent of the geodesic from the query at C (its final azimuth), and
///   ⟨∇f(C), v⟩ is g · (P − C) for its ECEF vector g, up to the tangential part of the
///   exponential map's curvature, at most |v|³/ρ² (ρ = b²/a, the smallest radius of curvature).
/// - Hess f has the eigenvalues 0 along the geodesic and M21/m12 across it (the reduced
///   length and geodesic scale that `geod_geninverse` gives at C). Within the reach used here
///   (at most 2 km, and 1/100 of f(C)) that curvature changes by under 1e-10 per metre; it is
///   taken twice over, plus that.
///
/// So f(P) lies within g · (P − C) ± (½ H |v|² + |v|³/ρ² + slack) of f(C). At 1,670 km and
/// 222 m from C the half-width is about 2 cm, where the chord bounds' is 2.4 km.
///
/// Up to ``secondOrderLimit`` from the query the expansion goes one order further, with the
/// Hessian at C itself: f(P) = f(C) + ⟨∇f(C), v⟩ + ½ m (v · e⊥)² + ⅙ ∇³f(ξ)[v, v, v], where m =
/// M21/m12 at C and e⊥ is the unit tangent across the geodesic. Writing Hess f = m e⊥⊗e⊥
/// and ∇_X e⊥ = −m (X · e⊥) ∇f, |∇³f[X, X, X]| ≤ |∇m| + 2m²·max(a²b) (a² + b² = 1: 2/3√3)
/// for a unit X, with |∇m| ≤ K + m² along the geodesic (the Riccati equation) and, across it,
/// the change of K between neighbouring geodesics weighted by (m12(u)/m12(s))³ ≤ 1 before a
/// quarter of the way round: |∇K|·s < 1e-15 per m² on WGS84. With H bounding |m| over the
/// reach that is at most K + 1.77 H² + 1e-15, taken twice over. (v · e⊥) is (P − C) · e⊥ up to
/// the tangential part of P − C − v, |v|³/ρ² again, which moves the square by at most
/// 2|v|⁴/ρ² + |v|⁶/ρ⁴. Along a dense trace 4,500 km away the half-width at 2 km from C falls
/// from 0.74 m to under a millimetre. It is used only where the first-order remainder exceeds
/// ``secondOrderFrom``: nearer C the first order is as good for ranking and cheaper (with the
/// second order everywhere, `FarNearest1` ran 26% more instructions).
@usableFromInline struct _Expansion {
    /// C's ECEF position in metres.
    @usableFromInline let centre: (x: Double, y: Double, z: Double)
    /// f(C): the exact geodesic from the query to C.
    @usableFromInline let distance: Double
    /// ∇f(C) as an ECEF unit vector (tangent to the ellipsoid at C).
    @usableFromInline let gradient: (x: Double, y: Double, z: Double)
    /// m(C) = M21/m12 at C, per metre: Hess f across the geodesic.
    @usableFromInline let hessian: Double
    /// The largest |P − C| in metres the expansion is used for.
    @usableFromInline let reach: Double
    /// |C| and C / |C|: the centre's geocentric radius and direction (for boxes of unit vectors).
    @usableFromInline let centreRadius: Double
    @usableFromInline let centreDirection: (x: Double, y: Double, z: Double)
    /// g · C.
    @usableFromInline let gradientAlongCentre: Double
    // No more stored properties: a search holds an optional expansion inline, and at 152
    // bytes instead of these 112 ordinary nearest queries, which never make one, ran 3% more
    // instructions (callgrind). H, ½ m and e⊥ are computed where they are needed.

    /// A bound H on |Hess f| anywhere within ``reach`` of C, per metre (see ``around(_:from:)``).
    @inlinable @inline(__always) var curvature: Double { 2 * abs(hessian) + 1e-10 }

    /// ½ m(C): the second-order term's factor, or 0 beyond ``secondOrderLimit`` (first order only).
    @inlinable @inline(__always) var halfHessian: Double { distance <= Self.secondOrderLimit ? hessian / 2 : 0 }

    /// e⊥, the ECEF unit tangent at C across the geodesic from the query (up to its sign):
    /// n × g, n the surface normal at C, ∝ (x, y, z/(1 − e²)).
    @inlinable var across: (x: Double, y: Double, z: Double) {
        let nz = centre.z / _Geometry.oneMinusE2
        let norm = (centre.x * centre.x + centre.y * centre.y + nz * nz).squareRoot()
        let n = (x: centre.x / norm, y: centre.y / norm, z: nz / norm)
        return (n.y * gradient.z - n.z * gradient.y, n.z * gradient.x - n.x * gradient.z, n.x * gradient.y - n.y * gradient.x)
    }

    /// The farthest pivot an expansion is made around: 19,880 km. The distance is smooth
    /// everywhere but at the query and on its antipodal cut locus, a segment of the antipode's
    /// parallel within f·π·a·cos²φ (≤ 67.3 km) of the antipode; every antipode is at least
    /// 20,003.9 km away (half a meridian), so every point of the cut locus at least 19,936 km,
    /// and a reach (2 km at most) around a pivot this far stays 54 km clear of it. Up to
    /// 0.9·π·b (17,974 km) until run AG: from farther a query had only pivots' triangle
    /// inequality, ~0.9 ms a nearest-1 from within 2,000 km of a dense city's antipode.
    @inlinable static var farthest: Double { 19_880_000 }

    /// The farthest pivot whose expansion has the second-order term: 9,000 km, before a quarter
    /// of the way round (≥ 9,985 km), where the reduced length m12 still grows along the
    /// geodesic, so that the change of m across it stays below 1e-15 per m² (see the type).
    @inlinable static var secondOrderLimit: Double { 9_000_000 }

    /// The first-order remainder (metres) above which the second order is used: a few
    /// centimetres are enough to rank sites (metres apart) and cheaper to bound.
    @inlinable static var secondOrderFrom: Double { 0.05 }

    /// The expansion around `centre` for a query at `query`, or `nil` where it would not be
    /// sound or worth it: C within 100 m of the query, or farther than ``farthest``, or a
    /// reduced length that is not positive.
    ///
    /// The reach also keeps H·r ≤ 1/100 (H = |M21/m12|): along the geodesic H changes as
    /// dH/ds = −K − H² (the Jacobi equations m′ = M, M′ = −K·m, K ≤ 2.5e-14 per m² on WGS84),
    /// so within the reach it changes by at most K·r + H²·r ≤ 5e-11 + H/100, which the doubled
    /// H and the 1e-10 cover; beyond a quarter of the way round H grows (0.9·π·b: ~4.8e-7 per
    /// metre; at ``farthest`` m12 is 90–125 km, H up to 1.1e-5 per metre, the reach 0.9–1.2 km).
    @inlinable static func around(_ centre: Coordinate, from query: Coordinate) -> _Expansion? {
        let v = Geodesic.wgs84.variation(from: query, to: centre)
        let s = v.distance
        guard s >= 100, s <= Self.farthest, v.reducedLength > 0 else { return nil }
        let t = _Trig(centre)
        let alpha = v.finalAzimuth * .pi / 180
        let (sinAlpha, cosAlpha) = (sin(alpha), cos(alpha))
        // East (−sin λ, cos λ, 0) and north (−sin φ cos λ, −sin φ sin λ, cos φ) at C, geodetic:
        // the basis `geod_inverse` measures azimuths in (at a pole, for the longitude given).
        let gradient = (x: -sinAlpha * t.sinLambda - cosAlpha * t.sinPhi * t.cosLambda,
                        y: sinAlpha * t.cosLambda - cosAlpha * t.sinPhi * t.sinLambda,
                        z: cosAlpha * t.cosPhi)
        let hessian = v.scale21 / v.reducedLength
        guard hessian.isFinite else { return nil }
        return _Expansion(centre: _Geometry.ecef(t), distance: s, gradient: gradient, hessian: hessian,
                          reach: Swift.min(2_000, s / 100, 0.01 * v.reducedLength / Swift.max(abs(v.scale21), 1e-300)))
    }

    @inlinable init(centre: (x: Double, y: Double, z: Double), distance: Double,
                    gradient: (x: Double, y: Double, z: Double), hessian: Double, reach: Double) {
        self.centre = centre
        self.distance = distance
        self.gradient = gradient
        self.hessian = hessian
        self.reach = reach
        gradientAlongCentre = gradient.x * centre.x + gradient.y * centre.y + gradient.z * centre.z
        let radius = (centre.x * centre.x + centre.y * centre.y + centre.z * centre.z).squareRoot()
        centreRadius = radius
        centreDirection = (centre.x / radius, centre.y / radius, centre.z / radius)
    }

    /// The first-order remainder's bound for a point at most `length` metres (straight line)
    /// from C.
    @inlinable @inline(__always) func error(within length: Double) -> Double {
        // |v| = s(C, P): at most the chord times 1 + c²/24ρ² (below 1e-8 within 2 km).
        let v = length * (1 + 1e-6)
        let rho = _Geometry.minimumCurvatureRadius
        return 0.5 * curvature * v * v + v * v * v / (rho * rho)
            + 1e-6 + 1e-9 * v  // rounding: ECEF positions, the dot product, the geodesic
    }

    /// Whether a point or box reaching `length` metres from C is bounded to second order: where
    /// there is one and the first-order remainder exceeds ``secondOrderFrom``.
    @inlinable @inline(__always) func usesSecondOrder(within length: Double) -> Bool {
        halfHessian != 0 && 0.5 * curvature * length * length > Self.secondOrderFrom
    }

    /// The second-order remainder's bound for a point at most `length` metres from C (see the
    /// type): ⅙ T |v|³ with T = 2(K + 1.77 H² + 1e-15), K ≤ 2.5e-14 per m² on WGS84; the
    /// tangential part of P − C, in the first-order term and in the square taken of
    /// (P − C) · e⊥; m's own rounding (a relative 1e-6, widely); and the rounding.
    @inlinable @inline(never) func secondOrderError(within length: Double) -> Double {
        let v = length * (1 + 1e-6)
        let rho = _Geometry.minimumCurvatureRadius
        let tangential = v * v * v / (rho * rho)
        let third = (2.6e-14 + 1.77 * curvature * curvature) * v * v * v / 3
        let square = curvature * (v * tangential + tangential * tangential / 2)
        return third + tangential + square + abs(halfHessian) * v * v * 1e-6 + 1e-6 + 1e-9 * v
    }

    /// Bounds in metres on the geodesic from the query to the point of the ellipsoid at ECEF
    /// position `p`, or `nil` when `p` is beyond ``reach``.
    @inlinable @inline(__always)
    func bounds(_ p: (x: Double, y: Double, z: Double)) -> (lower: Double, upper: Double)? {
        let dx = p.x - centre.x, dy = p.y - centre.y, dz = p.z - centre.z
        let chordSquared = dx * dx + dy * dy + dz * dz
        guard chordSquared <= reach * reach else { return nil }
        let length = chordSquared.squareRoot()
        let first = distance + (gradient.x * dx + gradient.y * dy + gradient.z * dz)
        guard usesSecondOrder(within: length) else {
            let error = error(within: length)
            return (Swift.max(0, first - error), first + error)
        }
        return secondOrderBounds((dx, dy, dz), length: length, first: first)
    }

    /// ``bounds(_:)`` of a point `delta` = P − C away, to second order. Out of line, as
    /// ``secondOrderBounds(_:in:)``.
    @inlinable @inline(never)
    func secondOrderBounds(_ delta: (x: Double, y: Double, z: Double), length: Double, first: Double)
        -> (lower: Double, upper: Double)
    {
        let across = self.across
        let aside = across.x * delta.x + across.y * delta.y + across.z * delta.z
        let centre = first + halfHessian * aside * aside
        let error = secondOrderError(within: length)
        return (Swift.max(0, centre - error), centre + error)
    }

    /// Bounds in metres on the geodesic from the query to every point of the ellipsoid whose
    /// geocentric unit vector, rounded to Float, lies in `box` (a node's box, or an entry's
    /// vector), or `nil` when one may lie beyond ``reach``. No trigonometry, and no pivot: such
    /// a point is P = R(u)·u, R the ellipsoid's geocentric radius in direction u (a function of
    /// u_z alone), so g · (P − C) = R(u)(g · u) − g · C, and g · u is least and greatest at
    /// corners of the box. The lower bound is tighter than a pivot's d − r for any box (g · (P −
    /// C) ≥ g · (pivot − C) − r), and far tighter for one wide across the gradient (a cluster's
    /// edge seen from afar); the Float rounding costs `floatSlack` (under a metre) each way.
    @inlinable @inline(__always) func bounds(_ box: _Box) -> (lower: Double, upper: Double)? {
        region(box).map { bounds(box, in: $0) }
    }

    /// What ``bounds(_:)`` needs of the box around a point set, computed once for every box
    /// inside it (a node's children, a leaf's entries): the least and greatest geocentric
    /// radius over its z-range, and the remainder's bound at its farthest corner.
    @usableFromInline struct Region {
        @usableFromInline let rMin: Double, rMax: Double, error: Double
        /// Whether its boxes are bounded to second order (``usesSecondOrder(within:)``;
        /// `error` is then the second-order remainder's).
        @usableFromInline let secondOrder: Bool
        @inlinable init(rMin: Double, rMax: Double, error: Double, secondOrder: Bool = false) {
            self.rMin = rMin
            self.rMax = rMax
            self.error = error
            self.secondOrder = secondOrder
        }
    }

    /// The region of `box`, or `nil` when a point of it may lie beyond ``reach``.
    @inlinable @inline(__always) func region(_ box: _Box) -> Region? {
        let slack = _Geometry.floatSlack
        // R over the box's z-range widened by the slack: R falls as u_z² grows.
        let zLow = Double(box.minZ) - slack, zHigh = Double(box.maxZ) + slack
        let zSquaredLeast = zLow <= 0 && zHigh >= 0 ? 0 : Swift.min(zLow * zLow, zHigh * zHigh)
        let zSquaredMost = Swift.min(1, Swift.max(zLow * zLow, zHigh * zHigh))
        let rMax = Self.radius(zSquared: zSquaredLeast) * (1 + 1e-12)
        let rMin = Self.radius(zSquared: zSquaredMost) * (1 - 1e-12)
        // |P − C| ≤ R |u − ĉ| + |R − |C||, and |u − ĉ| is greatest at a corner of the box.
        let ex = Swift.max(abs(Double(box.minX) - centreDirection.x), abs(Double(box.maxX) - centreDirection.x))
        let ey = Swift.max(abs(Double(box.minY) - centreDirection.y), abs(Double(box.maxY) - centreDirection.y))
        let ez = Swift.max(abs(Double(box.minZ) - centreDirection.z), abs(Double(box.maxZ) - centreDirection.z))
        let corner = (ex * ex + ey * ey + ez * ez).squareRoot() + slack
        let length = rMax * corner + Swift.max(0, rMax - centreRadius, centreRadius - rMin)
        guard length <= reach else { return nil }
        if usesSecondOrder(within: length) {
            return Region(rMin: rMin, rMax: rMax, error: secondOrderError(within: length), secondOrder: true)
        }
        return Region(rMin: rMin, rMax: rMax, error: error(within: length))
    }

    /// ``bounds(_:)`` of `box`, which lies in the box whose region is `region`: its radii hold
    /// for every point of `box`, and so does its remainder (every such point is at most as far
    /// from C as that box's farthest corner). A little wider than the box's own bounds, for no
    /// square root or division.
    @inlinable @inline(__always) func bounds(_ box: _Box, in region: Region) -> (lower: Double, upper: Double) {
        let along = Self.range(of: gradient, over: box, in: region)
        let lower = distance + along.least - gradientAlongCentre - region.error
        let upper = distance + along.most - gradientAlongCentre + region.error
        guard region.secondOrder else { return (lower, upper) }
        let second = secondOrderBounds(box, in: region)
        return (lower + second.lower, upper + second.upper)
    }

    /// Bounds on the second-order term over `box` (inside the box of `region`): (P − C) · e⊥ =
    /// R(u)(e⊥ · u) − e⊥ · C lies in [a, b], found as g's term is; its square in [0 or the
    /// nearer end's, the farther's]. Out of line: the searches inline ``bounds(_:in:)`` into
    /// their hot loops, which ordinary queries run without an expansion (inlined, this made
    /// their nearest-1 3% more instructions).
    @inlinable @inline(never) func secondOrderBounds(_ box: _Box, in region: Region) -> (lower: Double, upper: Double) {
        let across = self.across
        let along = Self.range(of: across, over: box, in: region)
        let acrossAlongCentre = across.x * centre.x + across.y * centre.y + across.z * centre.z
        let a = along.least - acrossAlongCentre
        let b = along.most - acrossAlongCentre
        let squareLeast = a <= 0 && b >= 0 ? 0 : Swift.min(a * a, b * b)
        let squareMost = Swift.max(a * a, b * b)
        return halfHessian > 0 ? (halfHessian * squareLeast, halfHessian * squareMost)
            : (halfHessian * squareMost, halfHessian * squareLeast)
    }

    /// The least and greatest R(u)(d · u) over the points P = R(u)·u whose unit vectors, rounded
    /// to Float, lie in `box` (inside the box of `region`), for a unit vector `d`: d · u is least
    /// and greatest at corners of the box, then over the true vectors within the Float slack,
    /// and R lies within the region's radii. g's term and e⊥'s.
    @inlinable @inline(__always)
    static func range(of d: (x: Double, y: Double, z: Double), over box: _Box, in region: Region)
        -> (least: Double, most: Double)
    {
        let slack = _Geometry.floatSlack
        let (x0, x1) = (d.x * Double(box.minX), d.x * Double(box.maxX))
        let (y0, y1) = (d.y * Double(box.minY), d.y * Double(box.maxY))
        let (z0, z1) = (d.z * Double(box.minZ), d.z * Double(box.maxZ))
        let least = Swift.min(x0, x1) + Swift.min(y0, y1) + Swift.min(z0, z1) - slack
        let most = Swift.max(x0, x1) + Swift.max(y0, y1) + Swift.max(z0, z1) + slack
        return (least >= 0 ? region.rMin * least : region.rMax * least,
                most >= 0 ? region.rMax * most : region.rMin * most)
    }

    /// The distance from the centre of the ellipsoid to its surface in a direction whose unit
    /// vector has `zSquared` as u_z²: 1 / √((1 − u_z²)/a² + u_z²/b²).
    @inlinable @inline(__always) static func radius(zSquared: Double) -> Double {
        let a = _Geometry.equatorialRadius, b = _Geometry.polarRadius
        return 1 / (1 / (a * a) + zSquared * (1 / (b * b) - 1 / (a * a))).squareRoot()
    }
}
