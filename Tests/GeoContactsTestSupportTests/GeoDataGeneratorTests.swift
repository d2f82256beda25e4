import GeoDataGeneration
import Geodesy
import RealModule
import Testing

@Suite("GeoDataGenerator")
struct GeoDataGeneratorTests {
    static let count = 20_000
    static let seed: UInt64 = 42

    @Test("the same seed gives the same points; another seed does not")
    func determinism() {
        let generator = GeoDataGenerator()
        let a = generator.points(count: 2_000, seed: Self.seed)
        let b = generator.points(count: 2_000, seed: Self.seed)
        #expect(a == b)
        #expect(a != generator.points(count: 2_000, seed: Self.seed + 1))
        #expect(a != generator.queries(count: 2_000, seed: Self.seed))
        #expect(generator.queries(count: 500, seed: 7) == generator.queries(count: 500, seed: 7))
    }

    @Test("the generator's raw stream is pinned (xoshiro256** seeded by SplitMix64)")
    func pinnedStream() {
        // SplitMix64(0) gives 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, … (Vigna's reference);
        // these are xoshiro256**'s first outputs over that state, computed independently.
        var a = SeededGenerator(seed: 0)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0, 0x6AA5_94F1_262D_2D2C])
        var u = SeededGenerator(seed: 1)
        for _ in 0..<10_000 {
            let x = u.nextUnit()
            #expect(x >= 0 && x < 1)
            let i = u.nextInt(below: 7)
            #expect((0..<7).contains(i))
        }
    }

    @Test("every coordinate is valid", arguments: [UInt64(1), 2, 3])
    func allValid(seed: UInt64) {
        let generator = GeoDataGenerator()
        for p in generator.points(count: Self.count, seed: seed) + generator.queries(count: 2_000, seed: seed) {
            #expect(p.isValid, "seed \(seed): \(p)")
        }
    }

    @Test("kinds come in their quotas (about 70% clustered, 30% uniform)")
    func fractions() {
        let generator = GeoDataGenerator()
        let samples = generator.samples(count: Self.count, seed: Self.seed)
        var counts: [GeoDataGenerator.Kind: Int] = [:]
        for s in samples { counts[s.kind, default: 0] += 1 }
        let quotas = generator.quotas(for: Self.count)
        #expect(quotas.reduce(0, +) == Self.count)
        for (kind, quota) in zip(GeoDataGenerator.Kind.allCases, quotas) {
            #expect(counts[kind, default: 0] == quota, "\(kind)")
        }
        let n = Double(Self.count)
        #expect((Double(counts[.clustered, default: 0]) / n).isApproximatelyEqual(to: 0.68, absoluteTolerance: 0.01))
        #expect((Double(counts[.uniform, default: 0]) / n).isApproximatelyEqual(to: 0.28, absoluteTolerance: 0.01))
    }

    @Test("uniform points are uniform by area, not by latitude")
    func uniformByArea() {
        let points = GeoDataGenerator(mix: .uniformOnly).points(count: Self.count, seed: Self.seed)
        // Area between the equator and ±30° is half the sphere (sin 30° = 0.5).
        let tropical = points.filter { abs($0.latitude) <= 30 }.count
        #expect(abs(Double(tropical) / Double(points.count) - 0.5) < 0.02)
        let east = points.filter { $0.longitude >= 0 }.count
        #expect(abs(Double(east) / Double(points.count) - 0.5) < 0.02)
    }

    @Test("clustered points lie near a centre (σ ≈ 20 km)")
    func clusters() {
        let generator = GeoDataGenerator(mix: .clusteredOnly)
        let centres = CityCentre.all.map { Coordinate(latitude: $0.latitude, longitude: $0.longitude) }
        var within60km = 0
        let points = generator.points(count: 2_000, seed: Self.seed)
        for p in points {
            let nearest = centres.map { Geodesic.wgs84.distance(from: p, to: $0) }.min()!
            if nearest <= 60_000 { within60km += 1 }
        }
        // P(radius ≤ 3σ) for a 2-D Gaussian is 1 − e^(−4.5) ≈ 98.9%.
        #expect(Double(within60km) / Double(points.count) > 0.97)
    }

    @Test("poles, both sides of the antimeridian and exact duplicates are present")
    func specialCases() {
        let samples = GeoDataGenerator().samples(count: Self.count, seed: Self.seed)
        let points = samples.map(\.location)
        #expect(points.contains { $0.latitude == 90 })
        #expect(points.contains { $0.latitude == -90 })
        #expect(Set(points.filter { abs($0.latitude) == 90 }.map(\.longitude)).count >= 4)
        #expect(points.contains { $0.longitude == 180 })
        #expect(points.contains { $0.longitude == -180 })
        #expect(points.contains { $0.longitude > 179.999 && $0.longitude < 180 })
        #expect(points.contains { $0.longitude < -179.999 && $0.longitude > -180 })
        // Clusters around Suva and Anadyr straddle the antimeridian too.
        #expect(points.contains { $0.longitude > 179 } && points.contains { $0.longitude < -179 })
        let distinct = Set(points)
        #expect(points.count - distinct.count >= samples.filter { $0.kind == .duplicate }.count)
        #expect(samples.contains { $0.kind == .duplicate })
        for s in samples where s.kind == .duplicate {
            #expect(samples.contains { $0.kind != .duplicate && $0.location == s.location })
            break
        }
    }

    @Test("tiny and degenerate counts")
    func tinyCounts() {
        let generator = GeoDataGenerator()
        #expect(generator.points(count: 0, seed: 1).isEmpty)
        #expect(generator.points(count: 1, seed: 1).count == 1)
        let onlyDuplicates = GeoDataGenerator(mix: .init(clustered: 0, uniform: 0, poles: 0, antimeridian: 0,
                                                          duplicates: 1))
        #expect(onlyDuplicates.points(count: 10, seed: 1).allSatisfy { $0.isValid })
    }
}

@Suite("SkewedDataGenerator")
struct SkewedDataGeneratorTests {
    @Test("deterministic, valid, Zipf-sized: the largest city holds ~15% within σ ≈ 20 km")
    func shape() {
        let mix = GeoDataMix.skewed
        let points = mix.points(count: 10_000, seed: 5)
        #expect(points == mix.points(count: 10_000, seed: 5))
        #expect(points != mix.points(count: 10_000, seed: 6))
        #expect(points != mix.queries(count: 10_000, seed: 5))
        for p in points {
            #expect((-90.0...90).contains(p.latitude) && (-180.0...180).contains(p.longitude))
        }
        let quotas = SkewedDataGenerator().cityQuotas(total: 10_000, clustered: 9_738)
        #expect(quotas.first == 1_500)
        #expect(quotas.reduce(0, +) == 9_738)
        #expect(zip(quotas.dropFirst(), quotas.dropFirst(2)).allSatisfy { $0 >= $1 })
        let tokyo = Coordinate(latitude: 35.6762, longitude: 139.6503)
        let near = points.filter { Geodesic.wgs84.distance(from: tokyo, to: $0) < 100_000 }.count
        #expect(near >= 1_490 && near <= 1_560, "\(near) points within 100 km of Tokyo")
        var counts: [Coordinate: Int] = [:]
        for p in points { counts[p, default: 0] += 1 }
        #expect(counts.values.contains { $0 >= SkewedDataGenerator.hotspotRepeats })
        #expect(points.contains { $0.latitude > 89.5 } && points.contains { $0.latitude < -89.5 })
        #expect(points.contains { $0.longitude > 179.5 } && points.contains { $0.longitude < -179.5 })
    }
}

@Suite("HostileDataGenerator")
struct HostileDataGeneratorTests {
    @Test("deterministic, valid, with its parts: metropolis, crowd, pole clouds, lines; queries far away")
    func shape() {
        let mix = GeoDataMix.hostile
        let count = 20_000
        let points = mix.points(count: count, seed: 9)
        #expect(points == mix.points(count: count, seed: 9))
        #expect(points != mix.points(count: count, seed: 10))
        #expect(points.count == count && points.allSatisfy(\.isValid))
        let quotas = HostileDataGenerator().quotas(total: count)
        #expect(quotas == [7_000, 2_000, 500, 500, 800, 400, 400, 200, 8_200])

        // The crowd: exactly its quota at one location (duplicates copy other parts).
        let atCrowd = points.filter { $0 == HostileDataGenerator.crowd }.count
        #expect(atCrowd == 2_000)
        let paris = Coordinate(latitude: 48.8566, longitude: 2.3522)
        let metropolis = points.filter { Geodesic.wgs84.distance(from: paris, to: $0) < 12_000 }.count
        #expect(metropolis >= 7_000 && metropolis <= 7_400, "\(metropolis) points within 12 km (4σ) of Paris")
        func within200m(of latitude: Double) -> Int {
            let pole = Coordinate(latitude: latitude, longitude: 0)
            return points.filter { Geodesic.wgs84.distance(from: pole, to: $0) < 200 }.count
        }
        let north = within200m(of: 90), south = within200m(of: -90)
        #expect(north >= 500 && north <= 520 && south >= 500 && south <= 520,
                "\(north), \(south) points within 200 m (5σ) of the poles")
        #expect(points.filter { $0.longitude == 0 && $0.latitude != 0 }.count >= 400)
        #expect(points.filter { $0.latitude == 0 && $0.longitude != 0 }.count >= 400)
        #expect(points.contains { $0.longitude > 179.99 } && points.contains { $0.longitude < -179.99 })

        let queries = mix.queries(count: 60, seed: 9)
        #expect(queries.count == 60 && queries != Array(points.prefix(60)))
        let far = queries.filter { q in points.allSatisfy { Geodesic.wgs84.distance(from: q, to: $0) > 1_000 } }
        #expect(far.count >= 20, "\(far.count) of 60 queries farther than 1 km from every point")
    }
}
