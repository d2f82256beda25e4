import GeoDataGeneration
import Geodesy
import RealModule
@testable import SpatialIndex
import Testing

/// The two facts the index's exactness rests on, checked on random and extreme pairs:
/// lower bound ≤ geodesic ≤ upper bound, both computed from the Float vectors stored.
@Suite("Geodesic bounds from unit vectors")
struct BoundsTests {
    @Test("lower and upper bounds enclose the exact geodesic", arguments: [3 as UInt64, 11, 12345])
    func enclose(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var points = hardPoints(2_000, using: &rng)
        // Extremes: antipodes, poles, the antimeridian, coincident points.
        points += [Coordinate(latitude: 0, longitude: 0), Coordinate(latitude: 0, longitude: 180),
                   Coordinate(latitude: 90, longitude: 0), Coordinate(latitude: -90, longitude: 45),
                   Coordinate(latitude: 0.5, longitude: 179.5), Coordinate(latitude: -0.5, longitude: -0.5)]
        for _ in 0..<20_000 {
            let a = points.randomElement(using: &rng)!, b = points.randomElement(using: &rng)!
            let ea = _Entry(Int64(0), a), eb = _Entry(Int64(1), b)
            let chord = ea.distanceSquared(x: Double(eb.x), y: Double(eb.y), z: Double(eb.z)).squareRoot()
            let exact = Geodesic.wgs84.distance(from: a, to: b)
            // The query side is exact in the index; here both sides are rounded, so allow
            // the slack twice for the lower bound.
            let lower = _Geometry.distanceLowerBound(chord: max(0, chord - _Geometry.floatSlack))
            let upper = _Geometry.distanceUpperBound(chord: chord + _Geometry.floatSlack)
            #expect(lower <= exact + 1e-9, "lower \(lower) > exact \(exact) for \(a) → \(b)")
            #expect(exact <= upper + 1e-9, "exact \(exact) > upper \(upper) for \(a) → \(b)")
        }
    }

    /// The searches key nodes and candidates by `chordBound(forDistance:)`: it must exceed
    /// every chord of a geodesic that long (so a key above the k-th answer's rules out
    /// farther points) and grow strictly with the distance everywhere, past π·b too (the far
    /// side of the Earth, up to 20,004 km), where chords no longer tell distances apart.
    @Test("chordBound(forDistance:) is above the chord and strictly increasing, to the antipode",
          arguments: [4 as UInt64, 44])
    func chordBound(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for trial in 0..<20_000 {
            let a = Coordinate(latitude: Double.random(in: -90...90, using: &rng),
                               longitude: Double.random(in: -180...180, using: &rng))
            // Half the pairs near a's antipode (within 100 km), where distances pass π·b.
            let b = trial % 2 == 0
                ? Geodesic.wgs84.destination(from: Coordinate(latitude: -a.latitude, longitude: a.longitude > 0 ? a.longitude - 180 : a.longitude + 180),
                                             azimuth: Double.random(in: -180...180, using: &rng),
                                             distance: 100_000 * Double.random(in: 0...1, using: &rng))
                : Coordinate(latitude: Double.random(in: -90...90, using: &rng),
                             longitude: Double.random(in: -180...180, using: &rng))
            let u = _Geometry.unitVector(a), v = _Geometry.unitVector(b)
            let chord = ((u.x - v.x) * (u.x - v.x) + (u.y - v.y) * (u.y - v.y) + (u.z - v.z) * (u.z - v.z)).squareRoot()
            let exact = Geodesic.wgs84.distance(from: a, to: b)
            #expect(chord <= _Geometry.chordBound(forDistance: exact), "\(a) → \(b): chord \(chord), \(exact) m")
            let d1 = Double.random(in: 0...20_010_000, using: &rng), d2 = d1 + Double.random(in: 0.001...1_000, using: &rng)
            #expect(_Geometry.chordBound(forDistance: d1) < _Geometry.chordBound(forDistance: d2), "\(d1) m, \(d2) m")
        }
        let half = Double.pi * _Geometry.polarRadius
        #expect(_Geometry.chordBound(forDistance: half - 1) < _Geometry.chordBound(forDistance: half))
        #expect(_Geometry.chordBound(forDistance: half) < _Geometry.chordBound(forDistance: half + 1))
        #expect(_Geometry.chordBound(forDistance: 20_004_000).isFinite)
        #expect(_Geometry.chordBound(forDistance: .infinity) == .infinity)
    }

    /// Every distance beyond `distanceBeyond(chord:)` keys beyond that chord: the far search
    /// drops children and entries by it without converting their bounds. Checked just past it
    /// (a few ulps, where the margin is thinnest) and anywhere beyond, for chords up to 1.9.
    @Test("distanceBeyond(chord:): chordBound of anything farther is above the chord", arguments: [6 as UInt64, 66])
    func distanceBeyond(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for trial in 0..<50_000 {
            let chord = trial % 10 == 0 ? Double.random(in: 1.85...1.9, using: &rng)
                : trial % 10 == 1 ? Double.random(in: 0...1e-6, using: &rng) : Double.random(in: 0...1.9, using: &rng)
            let beyond = _Geometry.distanceBeyond(chord: chord)
            #expect(beyond.isFinite)
            var past = beyond
            for _ in 0..<(trial % 4) { past = past.nextUp }
            if trial % 5 == 4 { past += Double.random(in: 0...25_000_000, using: &rng) }
            #expect(_Geometry.chordBound(forDistance: past.nextUp) > chord, "chord \(chord): \(past.nextUp) m")
        }
        #expect(_Geometry.distanceBeyond(chord: 1.95) == .infinity)
        #expect(_Geometry.distanceBeyond(chord: .infinity) == .infinity)
    }
}

/// The tight bounds the nearest search refines candidates with: from the exact ECEF chord,
/// lower = chord, upper by Schur's comparison with the smallest curvature radius b²/a.
@Suite("Geodesic bounds from ECEF chords")
struct ECEFBoundsTests {
    @Test("the WGS84 literals are PROJ's ellipsoid")
    func constants() {
        #expect(_Geometry.equatorialRadius == Geodesic.wgs84.equatorialRadius)
        #expect(_Geometry.flattening == Geodesic.wgs84.flattening)
        #expect(_Geometry.polarRadius.isApproximatelyEqual(to: Geodesic.wgs84.polarRadius, absoluteTolerance: 1e-9))
    }

    @Test("chord bounds enclose the exact geodesic, tightly when short", arguments: [5 as UInt64, 99])
    func enclose(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var points = hardPoints(2_000, using: &rng)
        points += [Coordinate(latitude: 0, longitude: 0), Coordinate(latitude: 0, longitude: 180),
                   Coordinate(latitude: 90, longitude: 0), Coordinate(latitude: -90, longitude: 45),
                   Coordinate(latitude: 0, longitude: 179.999), Coordinate(latitude: 0.001, longitude: 0)]
        var pairs: [(Coordinate, Coordinate)] = []
        for _ in 0..<20_000 {
            pairs.append((points.randomElement(using: &rng)!, points.randomElement(using: &rng)!))
        }
        // Short hops in every direction, at every latitude: where the bounds must be tight.
        for _ in 0..<5_000 {
            let a = points.randomElement(using: &rng)!
            let b = Geodesic.wgs84.destination(from: a, azimuth: rng.nextDouble(in: 0, 360),
                                               distance: rng.nextDouble(in: 0, 50_000))
            pairs.append((a, b))
        }
        for (a, b) in pairs {
            let pa = _Geometry.ecef(a), pb = _Geometry.ecef(b)
            let chord = ((pa.x - pb.x) * (pa.x - pb.x) + (pa.y - pb.y) * (pa.y - pb.y)
                + (pa.z - pb.z) * (pa.z - pb.z)).squareRoot()
            let ea = _Entry(Int64(0), a), eb = _Entry(Int64(1), b)
            let unitChord = ea.distanceSquared(x: Double(eb.x), y: Double(eb.y), z: Double(eb.z)).squareRoot()
            let coarseUpper = _Geometry.distanceUpperBound(chord: unitChord + _Geometry.floatSlack)
            let bounds = _Geometry.distanceBounds(ecefChord: chord, coarseUpper: coarseUpper)
            let exact = Geodesic.wgs84.distance(from: a, to: b)
            #expect(bounds.lower <= exact, "lower \(bounds.lower) > exact \(exact) for \(a) → \(b)")
            #expect(exact <= bounds.upper, "exact \(exact) > upper \(bounds.upper) for \(a) → \(b)")
            if chord < 1_000_000 {
                // The gap is about c³/24ρ²: 1 mm at 10 km, 3 cm at 30 km.
                let rho = _Geometry.minimumCurvatureRadius
                let gap = chord * chord * chord / (24 * rho * rho)
                #expect(bounds.upper - bounds.lower <= gap * 1.01 + 1e-5, "loose at \(exact) m: \(bounds)")
            }
            if _Geometry.isSamePoint(a, b) { #expect(exact == 0) }
        }
    }
}

@Suite("Bulk-load ordering")
struct BulkOrderTests {
    @Test("face keys follow a Hilbert curve: consecutive cells of a face grid are neighbours")
    func faceCurveIsContinuous() {
        // 64 × 64 blocks of 2^18 cells on each face: the finer curve visits the blocks along
        // the 6th-order Hilbert curve, so sorted block centres step by one block at a time.
        let blocks = 64
        let span = Double(1 << _Hilbert.faceBits - 1)
        for face in 0..<6 {
            var keyed: [(key: UInt64, i: Int, j: Int)] = []
            for i in 0..<blocks {
                for j in 0..<blocks {
                    let cellU = Double(i * (1 << 18) + (1 << 17)), cellV = Double(j * (1 << 18) + (1 << 17))
                    let u = Float(2 * (cellU + 0.5) / span - 1), v = Float(2 * (cellV + 0.5) / span - 1)
                    let sign: Float = face < 3 ? 1 : -1
                    // Put (u, v) on the face as faceKey reads it back.
                    let vector: (Float, Float, Float) = switch face % 3 {
                    case 0: (sign, u, v)
                    case 1: (v, sign, u)
                    default: (u, v, sign)
                    }
                    keyed.append((_Hilbert.faceKey(vector.0, vector.1, vector.2), i, j))
                }
            }
            keyed.sort { $0.key < $1.key }
            #expect(Set(keyed.map(\.key)).count == blocks * blocks, "face \(face): keys distinct")
            var jumps = 0
            for (a, b) in zip(keyed, keyed.dropFirst()) where abs(a.i - b.i) + abs(a.j - b.j) != 1 { jumps += 1 }
            #expect(jumps == 0, "face \(face): \(jumps) steps that are not to a neighbouring block")
            // Faces occupy disjoint key ranges, in face order.
            #expect(keyed.first!.key >> UInt64(2 * _Hilbert.faceBits) == UInt64(face))
        }
    }

    @Test("the radix sort of Hilbert keys equals a stable comparison sort",
          arguments: [10, 65, 1_000, 50_000], [false, true])
    func radixSortMatches(count: Int, sharedHighBits: Bool) {
        var rng = SeededGenerator(seed: UInt64(count))
        var items = ContiguousArray<(key: UInt64, index: Int)>()
        for i in 0..<count {
            // Few distinct high parts, so that equal keys (stability) and every digit occur.
            var key = (rng.next() & 0x7FFF_FFFF_FFFF_FFFF) >> UInt64(rng.nextInt(below: 60))
            // Or one high part for all (bits 40 and up): the passes over it find one digit
            // throughout and are skipped.
            if sharedHighBits { key = 0x5A5 << 40 | (key & 0x3FF_FFFF) << 12 | key & 0x7FF }
            items.append((key, i))
        }
        var expected = Array(items)
        expected.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        _Hilbert.radixSort(&items)
        #expect(items.map(\.key) == expected.map(\.key))
        #expect(items.map(\.index) == expected.map(\.index), "stable")
    }
}
