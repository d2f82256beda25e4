import Benchmark
import BenchmarkSupport
import GeoContacts
import Geodesy

// The contacts core through its public path: create (decode the JSON body, validate,
// normalize the location — WGS84, or EPSG:3857 through PROJ —, store, update every index),
// update a location, get, list. The customer starts with N contacts restored in bulk from
// BenchmarkData's points (N = GEOCONTACTS_BENCH_POINTS, default 100,000); 1,000 operations
// per iteration, figures per operation.

enum ContactsFixtures {
    static let customer = CustomerID(1)
    static let caller = Caller(customer: customer, scopes: [.read, .write, .admin])
    static let sites = GroupID(1)
    /// 0.1% of the contacts.
    static let depots = GroupID(2)

    static let directory: ContactDirectory = {
        let directory = ContactDirectory()
        let points = BenchmarkData.shared.points
        try! directory.restore(
            customer: customer,
            groups: [ContactGroup(id: sites, name: "Sites"), ContactGroup(id: depots, name: "Depots")],
            definitions: [],
            contacts: points.enumerated().lazy.map { i, p in
                Contact(id: ContactID(Int64(i + 1)), name: "Contact \(i + 1)", groupId: i % 1000 == 0 ? depots : sites,
                        town: "Town \(i % 977)", location: p)
            })
        return directory
    }()

    /// Create bodies at the query locations, in WGS84.
    static let wgs84Bodies: [[UInt8]] = BenchmarkData.shared.queries.enumerated().map { i, q in
        Array(#"{"name":"New contact \#(i)","groupId":1,"town":"Somewhere","location":{"latitude":\#(q.latitude),"longitude":\#(q.longitude)}}"#.utf8)
    }

    /// The same locations in EPSG:3857 (those within ±85°).
    static let mercatorBodies: [[UInt8]] = BenchmarkData.shared.queries.enumerated().compactMap { i, q in
        guard let (x, y) = WebMercator.project(q) else { return nil }
        return Array(#"{"name":"New contact \#(i)","groupId":1,"town":"Somewhere","location":{"latitude":\#(y),"longitude":\#(x),"crs":"EPSG:3857"}}"#.utf8)
    }

    /// PATCH bodies moving a contact to a query location.
    static let moveBodies: [[UInt8]] = BenchmarkData.shared.queries.map { q in
        Array(#"{"location":{"latitude":\#(q.latitude),"longitude":\#(q.longitude)}}"#.utf8)
    }

    nonisolated(unsafe) static var cursors: [String: Int] = [:]

    static func advance(_ name: String, by count: Int, modulo: Int) -> Int {
        let start = cursors[name, default: 0]
        cursors[name] = (start + count) % modulo
        return start
    }
}

let benchmarks: @Sendable () -> Void = {
    let mallocGuard: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(relative: [.p90: 5.0]),
    ]
    let perOperation = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .nanoseconds, warmupIterations: 1,
        scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 1_000, thresholds: mallocGuard)
    // The creates grow the shared directory that the later benchmarks read and change, and the
    // moves reshape its R-tree: a fixed number of iterations, not a duration, so that they find
    // the same state on any machine and at any speed (their allocation counts depend on it: a
    // move's copies and grown leaves follow the tree's state, and with a duration the p90 of
    // Update.Location went from 6.9 to 8.1 allocations a move between runs of the same code).
    var fixedRuns = perOperation
    fixedRuns.maxIterations = 200
    fixedRuns.maxDuration = .seconds(60)

    for (name, bodies) in [("Create.WGS84", { ContactsFixtures.wgs84Bodies }),
                           ("Create.EPSG3857", { ContactsFixtures.mercatorBodies })] {
        Benchmark(name, configuration: fixedRuns) { benchmark async throws in
            let directory = ContactsFixtures.directory
            let bodies = bodies()
            let n = benchmark.scaledIterations.count
            let start = ContactsFixtures.advance(name, by: n, modulo: bodies.count)
            benchmark.startMeasurement()
            for j in 0..<n {
                let draft = try ContactDraft(json: bodies[(start + j) % bodies.count])
                blackHole(try await directory.create(draft, as: ContactsFixtures.caller))
            }
        }
    }

    // The same creates as one bulk call per 1,000 (one batch: validated in order, applied on
    // one working copy, published once); figures per created contact.
    Benchmark("Create.Batch1000", configuration: fixedRuns) { benchmark async throws in
        let directory = ContactsFixtures.directory
        let bodies = ContactsFixtures.wgs84Bodies
        let n = benchmark.scaledIterations.count
        let start = ContactsFixtures.advance("Create.Batch1000", by: n, modulo: bodies.count)
        benchmark.startMeasurement()
        var drafts: [ContactDraft] = []
        drafts.reserveCapacity(1_000)
        for j in 0..<n {
            drafts.append(try ContactDraft(json: bodies[(start + j) % bodies.count]))
            if drafts.count == 1_000 || j == n - 1 {
                blackHole(try await directory.create(contentsOf: drafts, as: ContactsFixtures.caller))
                drafts.removeAll(keepingCapacity: true)
            }
        }
    }

    Benchmark("Update.Location", configuration: fixedRuns) { benchmark async throws in
        let directory = ContactsFixtures.directory
        let count = BenchmarkData.shared.count
        let bodies = ContactsFixtures.moveBodies
        let n = benchmark.scaledIterations.count
        let start = ContactsFixtures.advance("Update.Location", by: n, modulo: count)
        benchmark.startMeasurement()
        for j in 0..<n {
            let patch = try ContactPatch(json: bodies[(start + j) % bodies.count])
            try await directory.update(ContactID(Int64((start + j) % count + 1)), with: patch, as: ContactsFixtures.caller)
        }
    }

    Benchmark("Get.Contact", configuration: perOperation) { benchmark in
        let directory = ContactsFixtures.directory
        let count = BenchmarkData.shared.count
        let n = benchmark.scaledIterations.count
        let start = ContactsFixtures.advance("Get.Contact", by: n * 7, modulo: count)
        benchmark.startMeasurement()
        for j in 0..<n {
            let snapshot = try directory.snapshot(as: ContactsFixtures.caller)
            blackHole(try snapshot.contact(ContactID(Int64((start + 7 * j) % count + 1))))
        }
    }

    // A page of 100, of the large group (99.9% of the contacts) or unfiltered, at pages 1 and
    // 100. One call per iteration: a filtered page costs O(group size) today.
    let perCall = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 1,
        maxDuration: .seconds(3), maxIterations: 200, thresholds: mallocGuard)
    for (label, filter) in [("Group", ContactFilter(groupId: ContactsFixtures.sites)), ("All", ContactFilter())] {
        for pageNumber in [1, 100] {
            Benchmark("List.\(label)Page\(pageNumber)", configuration: perCall) { benchmark in
                let directory = ContactsFixtures.directory
                let page = try PageRequest(pageNumber: pageNumber, pageSize: 100)
                benchmark.startMeasurement()
                let snapshot = try directory.snapshot(as: ContactsFixtures.caller)
                blackHole(try snapshot.contacts(matching: filter, page: page))
            }
        }
        // A deep page of 100 — page 1,000 at 1M contacts; at smaller sizes the last full page
        // of the group — by number and from the cursor of the page before (the `next` a client
        // following the listing holds): the cursor's page costs what page 1 does.
        let deepPage = min(1000, BenchmarkData.shared.count * 999 / 1000 / 100)
        Benchmark("List.\(label)DeepPage", configuration: perCall) { benchmark in
            let page = try PageRequest(pageNumber: deepPage, pageSize: 100)
            benchmark.startMeasurement()
            let snapshot = try ContactsFixtures.directory.snapshot(as: ContactsFixtures.caller)
            blackHole(try snapshot.contacts(matching: filter, page: page))
        }
        Benchmark("List.\(label)DeepCursorPage", configuration: perCall) { benchmark in
            let snapshot = try ContactsFixtures.directory.snapshot(as: ContactsFixtures.caller)
            let before = try snapshot.contacts(matching: filter, page: PageRequest(pageNumber: deepPage - 1, pageSize: 100))
            guard let cursor = before.next else { return }
            let page = try PageRequest(after: cursor, pageSize: 100)
            benchmark.startMeasurement()
            let current = try ContactsFixtures.directory.snapshot(as: ContactsFixtures.caller)
            blackHole(try current.contacts(matching: filter, page: page))
        }
    }
}
