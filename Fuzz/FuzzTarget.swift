// One libFuzzer entry point for the parsers that take input, and for the spatial index;
// `GEOCONTACTS_FUZZ` names the one to exercise (see Scripts/fuzz.sh, which builds and runs each).
// Built only by that script, with -sanitize=fuzzer,address: a trap, an out-of-range index, an
// arithmetic overflow or a memory error is a crash that libFuzzer saves as a reproducer. Parse
// errors are answers, not crashes. `index` and `polygon` also abort when an answer differs from
// a scan of every point: they search for wrong answers, not only for traps.
@testable import GeoContacts
@testable import GeoContactsInterchange
import Geodesy
@testable import SpatialIndex
#if canImport(Glibc)
import Glibc
#endif

enum FuzzedParser: String, CaseIterable {
    case json, draft, patch, batch, ndjsonBatch = "ndjson-batch", csv, geojson, ndjson, chunker, index, polygon
}

let fuzzed: FuzzedParser = {
    guard let name = getenv("GEOCONTACTS_FUZZ").map({ String(cString: $0) }), let parser = FuzzedParser(rawValue: name) else {
        fputs("GEOCONTACTS_FUZZ must be one of: \(FuzzedParser.allCases.map(\.rawValue).joined(separator: ", "))\n", stderr)
        exit(2)
    }
    return parser
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch fuzzed {
    case .json: _ = try? JSONParser.parse(bytes)
    case .draft:
        // The one-pass reader of the usual body answers only what the strict decoder answers.
        let strict = try? ContactDraft(strictJSON: bytes)
        if let fast = bytes.withUnsafeBufferPointer(DraftFastReader.read), fast != strict {
            disagree("DraftFastReader and the strict decoder differ")
        }
    case .patch: _ = try? ContactPatch(json: bytes)
    case .batch: _ = try? ContactDraft.batch(bytes, ndjson: false, maximumCount: 1_000)
    case .ndjsonBatch: _ = try? ContactDraft.batch(bytes, ndjson: true, maximumCount: 1_000)
    case .csv: _ = try? ContactFileReader.read(bytes, format: .csv, name: "fuzz.csv")
    case .geojson: _ = try? ContactFileReader.read(bytes, format: .geojson, name: "fuzz.geojson")
    case .ndjson: _ = try? ContactFileReader.read(bytes, format: .ndjson, name: "fuzz.ndjson")
    case .chunker:
        // Records cut into chunks of a few bytes, then read: every chunk must hold whole records.
        for format in ContactFileFormat.allCases where format != .geojson {
            var chunker = ContactFileChunker(format: format, chunkSize: 7)
            var chunks = chunker.feed(bytes)
            if let last = chunker.finish() { chunks.append(last) }
            for chunk in chunks { _ = try? ContactFileReader.read(chunk.bytes, format: format, name: "fuzz") }
        }
    case .index: fuzzSpatialIndex(bytes)
    case .polygon:
        // A polygon body as the polygon queries read it; a valid one is queried on a fixed tree.
        if let polygon = try? GeoPolygon(geoJSON: bytes) { checkPolygon(polygon) }
    }
    return 0
}

// MARK: The spatial index against brute force

/// Reads a fuzzer's bytes as the choices of a test: each call takes what it needs, and the
/// input's end answers `nil` (the test stops there).
struct FuzzBytes {
    var bytes: ArraySlice<UInt8>

    mutating func byte() -> UInt8? { bytes.popFirst() }

    mutating func double() -> Double? {
        guard bytes.count >= 8 else { return nil }
        var bits: UInt64 = 0
        for _ in 0..<8 { bits = bits << 8 | UInt64(bytes.removeFirst()) }
        return Double(bitPattern: bits)
    }

    /// Places where geodesy is hard: the poles at several longitudes, both sides of the
    /// antimeridian, the equator and the prime meridian, a city, its antipode and a crowd.
    static let palette: [Coordinate] = [
        Coordinate(latitude: 90, longitude: 0), Coordinate(latitude: 90, longitude: 180),
        Coordinate(latitude: -90, longitude: -180), Coordinate(latitude: -90, longitude: 45),
        Coordinate(latitude: 0, longitude: 180), Coordinate(latitude: 0, longitude: -180),
        Coordinate(latitude: -16.8, longitude: 180), Coordinate(latitude: -16.8, longitude: -179.99),
        Coordinate(latitude: 0, longitude: 0), Coordinate(latitude: 48.8566, longitude: 2.3522),
        Coordinate(latitude: -48.8566, longitude: -177.6478), Coordinate(latitude: 6.5244, longitude: 3.3792),
        Coordinate(latitude: 89.9999, longitude: -120), Coordinate(latitude: -89.99999, longitude: 10),
        Coordinate(latitude: 0, longitude: 90), Coordinate(latitude: 45, longitude: -90),
    ]

    /// A valid coordinate: a palette place moved by up to 127 ulps or by a signed multiple of
    /// 10⁻ᵏ degrees (k < 9), clamped to the valid range; or any valid pair of Doubles the input
    /// spells out.
    mutating func coordinate() -> Coordinate? {
        guard let choice = byte() else { return nil }
        if choice >= 0xF0 {
            guard let latitude = double(), let longitude = double() else { return nil }
            let c = Coordinate(latitude: latitude, longitude: longitude)
            return c.isValid ? c : Self.palette[Int(choice) % Self.palette.count]
        }
        guard let step = byte(), let scale = byte() else { return nil }
        let base = Self.palette[Int(choice) % Self.palette.count]
        // The step: a signed number of ulps (scale 0) or of 10^-k degrees (the longitude's
        // 0.7 of it: a diagonal).
        let offset = Double(Int8(bitPattern: step))
        func moved(_ v: Double, by factor: Double, within limit: Double) -> Double {
            var r = v
            if scale == 0 {
                for _ in 0..<Int(offset.magnitude) { r = offset < 0 ? r.nextDown : r.nextUp }
            } else {
                r += offset * pow(10, -Double(scale % 9)) * factor
            }
            return Swift.min(Swift.max(r, -limit), limit)
        }
        return Coordinate(latitude: moved(base.latitude, by: 1, within: 90),
                          longitude: moved(base.longitude, by: 0.7, within: 180))
    }
}

/// A small tree and its model, mutated (inserted one by one or in batches, bulk-loaded,
/// removed, moved) and queried as the input says; every answer is checked against a scan of the
/// model, and the tree's invariants after every mutation.
func fuzzSpatialIndex(_ input: [UInt8]) {
    var reader = FuzzBytes(bytes: input[...])
    var tree = RTree<Int64>()
    var model: [(id: Int64, location: Coordinate)] = []
    var next: Int64 = 1
    func fail(_ what: String) -> Never { disagree("spatial index disagrees with brute force: \(what)") }
    func checkTree() {
        do { try tree.checkInvariants() } catch { fail("invariants: \(error)") }
        if tree.count != model.count { fail("count \(tree.count) != \(model.count)") }
    }
    while let op = reader.byte() {
        switch op % 12 {
        case 0, 1, 2:  // insert a run of up to 16 points (a crowd when they are one place), one
            // by one or as one batch (which rebuilds a tree smaller than it)
            guard let c = reader.coordinate(), let n = reader.byte() else { return }
            let run = (0...Int64(n % 16)).map { (next + $0, c) }
            if n >= 128 { tree.insert(contentsOf: run) } else { for (id, at) in run { tree.insert(id, at: at) } }
            model.append(contentsOf: run.map { (id: $0.0, location: $0.1) })
            next += Int64(run.count)
            checkTree()
        case 3:  // remove one (or, absent, nothing)
            guard let i = reader.byte(), !model.isEmpty else { break }
            let victim = model.remove(at: Int(i) % model.count)
            if !tree.remove(victim.id, at: victim.location) { fail("remove #\(victim.id) at \(victim.location) not found") }
            checkTree()
        case 4:  // move one
            guard let i = reader.byte(), let to = reader.coordinate(), !model.isEmpty else { break }
            let k = Int(i) % model.count
            if !tree.move(model[k].id, from: model[k].location, to: to) { fail("move #\(model[k].id) not found") }
            model[k].location = to
            checkTree()
        case 5, 6:  // nearest, with distances and ids only, with and without a cap
            guard let q = reader.coordinate(), let k = reader.byte(), let cap = reader.byte() else { return }
            let count = Int(k % 40) + 1
            let maxDistance = cap < 128 ? Double.infinity : Double(cap) * Double(cap) * 40
            let expected = ranked(model, from: q, within: maxDistance).prefix(count)
            let answers = tree.nearest(to: q, count: count, maxDistance: maxDistance)
            if answers.map(\.element) != expected.map(\.id) || answers.map(\.distance) != expected.map(\.distance) {
                fail("nearest \(count) to \(q) within \(maxDistance): \(answers.map(\.element)) != \(expected.map(\.id))")
            }
            let ids = tree.nearestElements(to: q, count: count, maxDistance: maxDistance)
            if ids != expected.map(\.id) { fail("nearestElements \(count) to \(q): \(ids) != \(expected.map(\.id))") }
        case 7:  // radius: neighbours, elements and count
            guard let q = reader.coordinate(), let r = reader.byte() else { return }
            let radius = Double(r) * Double(r) * Double(r) * 1.2  // up to ~20,000 km
            let expected = ranked(model, from: q, within: radius)
            let answers = tree.neighbors(within: radius, of: q)
            if answers.map(\.element) != expected.map(\.id) { fail("neighbors within \(radius) of \(q)") }
            if tree.elements(within: radius, of: q) != expected.map(\.id).sorted() { fail("elements within \(radius) of \(q)") }
            if tree.count(within: radius, of: q) != expected.count { fail("count within \(radius) of \(q)") }
        case 8:  // a box, across the antimeridian when west > east
            guard let a = reader.coordinate(), let b = reader.coordinate() else { return }
            let box = GeoBox(south: Swift.min(a.latitude, b.latitude), west: a.longitude,
                             north: Swift.max(a.latitude, b.latitude), east: b.longitude)
            let expected = model.filter { box.contains($0.location) }.map(\.id).sorted()
            if tree.elements(in: box).map(\.element) != expected { fail("elements in \(box)") }
            if tree.count(in: box) != expected.count { fail("count in \(box)") }
        case 10:  // the same points bulk-loaded
            tree = RTree(bulkLoading: model.map { ($0.id, $0.location) })
            checkTree()
        case 11:  // nearest and radius with a filter that drops a third of the elements
            guard let q = reader.coordinate(), let k = reader.byte() else { return }
            let dropped = Int64(k % 3)
            let keep = { (id: Int64) in id % 3 != dropped }
            let expected = ranked(model, from: q).filter { keep($0.id) }
            let count = Int(k % 20) + 1
            if tree.nearest(to: q, count: count, where: keep).map(\.element) != expected.prefix(count).map(\.id)
                || tree.nearestElements(to: q, count: count, where: keep) != expected.prefix(count).map(\.id)
            {
                fail("filtered nearest \(count) to \(q)")
            }
            let radius = Double(k) * 1_000
            if tree.count(within: radius, of: q, where: keep) != expected.prefix(while: { $0.distance <= radius }).count {
                fail("filtered count within \(radius) of \(q)")
            }
        default:  // a polygon: a triangle of three places (skipped when they are no polygon)
            guard let a = reader.coordinate(), let b = reader.coordinate(), let c = reader.coordinate(),
                  let polygon = try? GeoPolygon(rings: [[a, b, c, a]]) else { break }
            let expected = model.filter { polygon.contains($0.location) }.map(\.id).sorted()
            if tree.elements(inside: polygon).map(\.element) != expected { fail("elements inside \(polygon)") }
        }
    }
}

/// Points of hard places (the palette, each a few times and moved a little) for the polygon
/// fuzzer's queries.
let polygonFixture: (tree: RTree<Int64>, points: [Coordinate]) = {
    var points: [Coordinate] = []
    for place in FuzzBytes.palette {
        for i in 0..<8 {
            let d = Double(i) * 0.37
            points.append(Coordinate(latitude: Swift.max(-90, Swift.min(90, place.latitude + (i % 2 == 0 ? d : -d))),
                                     longitude: Swift.max(-180, Swift.min(180, place.longitude + (i % 3 == 0 ? d : -d)))))
        }
    }
    var tree = RTree<Int64>()
    for (i, p) in points.enumerated() { tree.insert(Int64(i), at: p) }
    return (tree, points)
}()

/// `elements(inside:)`, and the five nearest inside from a few hard places, against a scan.
func checkPolygon(_ polygon: GeoPolygon) {
    let points = polygonFixture.points
    let expected = points.indices.filter { polygon.contains(points[$0]) }.map(Int64.init)
    let got = polygonFixture.tree.elements(inside: polygon).map(\.element)
    if got != expected {
        disagree("elements(inside:) \(got) != brute force \(expected)")
    }
    let inside = expected.map { (id: $0, location: points[Int($0)]) }
    for query in FuzzBytes.palette.prefix(4) + [FuzzBytes.palette[9]] {  // and Paris
        let nearest = polygonFixture.tree.nearest(to: query, count: 5, inside: polygon).map(\.element)
        let first = ranked(inside, from: query).prefix(5).map(\.id)
        if nearest != first { disagree("nearest(inside:) from \(query): \(nearest) != brute force \(first)") }
    }
}

/// `points` within `limit` of `query`, as the searches rank them: by geodesic (the index's own
/// `_Geometry.distance`), ties by id.
func ranked(_ points: [(id: Int64, location: Coordinate)], from query: Coordinate,
            within limit: Double = .infinity) -> [(id: Int64, distance: Double)] {
    points.map { ($0.id, _Geometry.distance(from: query, to: $0.location)) }.filter { $0.1 <= limit }
        .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
}

/// Reports a wrong answer and stops: libFuzzer saves the input as a reproducer.
func disagree(_ message: String) -> Never {
    fputs(message + "\n", stderr)
    abort()
}
