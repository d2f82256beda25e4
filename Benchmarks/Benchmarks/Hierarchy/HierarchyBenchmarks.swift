import Benchmark
import BenchmarkSupport
import GeoContacts
import Geodesy

// Hierarchy and group queries on one customer holding:
// - a subtree of 100,000 descendants under contact 1 (every node has 10 children),
// - a chain 100,000 deep (contacts 200,001…300,000, each the child of the one before),
// - N background contacts at BenchmarkData's points (default 100,000), 0.1% of them in
//   a small group.
// All restored in bulk once per benchmark process.

enum HierarchyFixtures {
    static let customer = CustomerID(1)
    static let caller = Caller(customer: customer, scopes: [.read])
    static let large = GroupID(1)
    static let small = GroupID(2)
    static let subtreeRoot = ContactID(1)
    static let subtreeSize = 100_000
    static let chainTop: Int64 = 200_001
    static let chainLength = 100_000
    static var chainLeaf: ContactID { ContactID(chainTop + Int64(chainLength) - 1) }
    static let backgroundFirst: Int64 = 1_000_001

    static let directory: ContactDirectory = {
        let points = BenchmarkData.shared.points
        func at(_ i: Int) -> Coordinate { points[i % points.count] }
        var contacts: [Contact] = []
        contacts.reserveCapacity(subtreeSize + 1 + chainLength + points.count)
        // Subtree: ids 1…100,001; node k > 1 hangs under (k - 2) / 10 + 1.
        for k in 1...(subtreeSize + 1) {
            contacts.append(Contact(id: ContactID(Int64(k)), name: "Site \(k)", groupId: large,
                                    parentId: k == 1 ? nil : ContactID(Int64((k - 2) / 10 + 1)), location: at(k)))
        }
        for i in 0..<chainLength {
            let id = chainTop + Int64(i)
            contacts.append(Contact(id: ContactID(id), name: "Link \(i)", groupId: large,
                                    parentId: i == 0 ? nil : ContactID(id - 1), location: at(i * 7)))
        }
        for (i, p) in points.enumerated() {
            contacts.append(Contact(id: ContactID(backgroundFirst + Int64(i)), name: "Contact \(i)",
                                    groupId: i % 1000 == 0 ? small : large, location: p))
        }
        let directory = ContactDirectory()
        try! directory.restore(customer: customer,
                               groups: [ContactGroup(id: large, name: "Large"), ContactGroup(id: small, name: "Small")],
                               definitions: [], contacts: contacts)
        return directory
    }()

    nonisolated(unsafe) static var cursor = 0
}

let benchmarks: @Sendable () -> Void = {
    let mallocGuard: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: .init(relative: [.p90: 5.0]),
    ]
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    let whole = Benchmark.Configuration(
        metrics: metrics, warmupIterations: 1, maxDuration: .seconds(3), maxIterations: 200, thresholds: mallocGuard)
    let perOperation = Benchmark.Configuration(
        metrics: metrics, timeUnits: .nanoseconds, warmupIterations: 1, scalingFactor: .kilo,
        maxDuration: .seconds(3), maxIterations: 1_000, thresholds: mallocGuard)

    Benchmark("Descendants.Subtree100kFirstPage", configuration: whole) { benchmark in
        let snapshot = try HierarchyFixtures.directory.snapshot(as: HierarchyFixtures.caller)
        let page = try PageRequest(pageNumber: 1, pageSize: 1000)
        benchmark.startMeasurement()
        blackHole(try snapshot.descendants(of: HierarchyFixtures.subtreeRoot, page: page))
    }
    Benchmark("Descendants.Subtree100kLastPage", configuration: whole) { benchmark in
        let snapshot = try HierarchyFixtures.directory.snapshot(as: HierarchyFixtures.caller)
        let page = try PageRequest(pageNumber: 100, pageSize: 1000)
        benchmark.startMeasurement()
        blackHole(try snapshot.descendants(of: HierarchyFixtures.subtreeRoot, page: page))
    }
    // Depth-first, the last page of 1,000 by number and from the cursor of the page before
    // (found outside the measurement, as a client following `next` holds it).
    Benchmark("Descendants.Subtree100kDepthFirstLastPage", configuration: whole) { benchmark in
        let snapshot = try HierarchyFixtures.directory.snapshot(as: HierarchyFixtures.caller)
        let page = try PageRequest(pageNumber: 100, pageSize: 1000)
        benchmark.startMeasurement()
        blackHole(try snapshot.descendants(of: HierarchyFixtures.subtreeRoot, order: .depthFirst, page: page))
    }
    Benchmark("Descendants.Subtree100kDepthFirstCursorLastPage", configuration: whole) { benchmark in
        let snapshot = try HierarchyFixtures.directory.snapshot(as: HierarchyFixtures.caller)
        let before = try snapshot.descendants(of: HierarchyFixtures.subtreeRoot, order: .depthFirst,
                                              page: PageRequest(pageNumber: 99, pageSize: 1000))
        guard let cursor = before.next else { return }
        let page = try PageRequest(after: cursor, pageSize: 1000)
        benchmark.startMeasurement()
        blackHole(try snapshot.descendants(of: HierarchyFixtures.subtreeRoot, order: .depthFirst, page: page))
    }
    Benchmark("Descendants.Subtree100kCursorLastPage", configuration: whole) { benchmark in
        let snapshot = try HierarchyFixtures.directory.snapshot(as: HierarchyFixtures.caller)
        let before = try snapshot.descendants(of: HierarchyFixtures.subtreeRoot, page: PageRequest(pageNumber: 99, pageSize: 1000))
        guard let cursor = before.next else { return }
        let page = try PageRequest(after: cursor, pageSize: 1000)
        benchmark.startMeasurement()
        blackHole(try snapshot.descendants(of: HierarchyFixtures.subtreeRoot, page: page))
    }
    Benchmark("SubtreeSize.Subtree100k", configuration: whole) { benchmark in
        let snapshot = try HierarchyFixtures.directory.snapshot(as: HierarchyFixtures.caller)
        benchmark.startMeasurement()
        blackHole(try snapshot.subtreeSize(of: HierarchyFixtures.subtreeRoot))
    }
    Benchmark("Ancestors.Chain100k", configuration: whole) { benchmark in
        let snapshot = try HierarchyFixtures.directory.snapshot(as: HierarchyFixtures.caller)
        benchmark.startMeasurement()
        blackHole(try snapshot.ancestors(of: HierarchyFixtures.chainLeaf))
    }

    // The large group holds all but 0.1% of the contacts: at up to 1,024 others (N ≤ 1,024,000)
    // it shares the customer's R-tree, searched without the small group's contacts.
    for (name, filter) in [("Nearest10.SmallGroup", SpatialFilter(groupId: HierarchyFixtures.small)),
                           ("Nearest10.LargeGroup", SpatialFilter(groupId: HierarchyFixtures.large)),
                           ("Nearest10.AllContacts", SpatialFilter.none)] {
        Benchmark(name, configuration: perOperation) { benchmark in
            let snapshot = try HierarchyFixtures.directory.snapshot(as: HierarchyFixtures.caller)
            let queries = BenchmarkData.shared.queries
            let start = HierarchyFixtures.cursor
            HierarchyFixtures.cursor += benchmark.scaledIterations.count
            benchmark.startMeasurement()
            for j in benchmark.scaledIterations {
                blackHole(try snapshot.nearest(to: queries[(start + j) % queries.count], count: 10, filter: filter))
            }
        }
    }
}
