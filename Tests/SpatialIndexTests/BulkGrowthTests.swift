import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy
import SpatialIndex
import Testing

/// A bulk-loaded tree packs its branches at a fill below the branch capacity, with room for
/// just their children: inserts must grow them (not overrun them), splits must keep every
/// fill, and the tree must keep answering like the oracle. Sizes cross the levels' edges
/// (a level of 17 to 32 nodes: one root of up to 24, or two branches, never one below the
/// minimum fill).
@Suite("Bulk-loaded trees that grow and shrink")
struct BulkGrowthTests {
    @Test(arguments: [1, 2, 33, 17 * 32, 24 * 32, 25 * 32 + 1, 32 * 16 * 17, 32 * 16 * 25 + 7, 20_000])
    func bulkThenInsertAndRemove(count: Int) throws {
        var rng = SeededGenerator(seed: UInt64(count))
        let points = hardPoints(count, using: &rng)
        var tree = RTree(bulkLoading: points.enumerated().map { (Int64($0.offset), $0.element) })
        try tree.checkInvariants()
        var oracle = Oracle()
        for (i, p) in points.enumerated() { oracle.points[Int64(i)] = p }

        // Twice as many again (each packed branch they reach grows first), with the
        // invariants checked as the tree grows.
        let extra = hardPoints(2 * count + 50, using: &rng)
        for (j, p) in extra.enumerated() {
            let id = Int64(count + j)
            tree.insert(id, at: p)
            oracle.points[id] = p
            if j % 997 == 0 { try tree.checkInvariants() }
        }
        try tree.checkInvariants()
        #expect(tree.count == oracle.points.count)

        // Then remove two in three of the bulk-loaded points.
        for (i, p) in points.enumerated() where i % 3 != 0 {
            let removed = tree.remove(Int64(i), at: p)
            #expect(removed, "count \(count): \(i) not found")
            oracle.points[Int64(i)] = nil
        }
        try tree.checkInvariants()
        #expect(tree.count == oracle.points.count)

        for q in hardPoints(20, using: &rng) {
            #expect(agree(tree.nearest(to: q, count: 10), oracle.nearest(to: q, count: 10)), "count \(count) query \(q)")
            #expect(tree.nearestElements(to: q, count: 10) == oracle.nearest(to: q, count: 10).map(\.id),
                    "count \(count) query \(q), elements only")
        }
    }
}
