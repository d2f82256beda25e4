import Foundation
import GeoDataGeneration
import Geodesy
@testable import SpatialIndex
import Testing

/// The column layout of branch boxes (`_Boxes`) against a plain array of boxes and scalar
/// reference formulas: what the search and ChooseSubtree compute eight lanes at a time must
/// be what they computed box by box.
@Suite("Branch boxes in SIMD columns")
struct BoxesTests {
    /// A random box of unit-vector coordinates (two random points' hull, sometimes a point).
    func randomBox(using rng: inout SeededGenerator) -> _Box {
        func v() -> Float { Float.random(in: -1...1, using: &rng) }
        var b = _Box(x: v(), y: v(), z: v())
        if Bool.random(using: &rng) { b.formUnion(_Box(x: v(), y: v(), z: v())) }
        return b
    }

    @Test("a branch's children and boxes: append, subscript and remove behave as arrays; spare lanes stay empty",
          arguments: [1 as UInt64, 2, 3])
    func collection(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            var model: [_Box] = []
            var children: [_Node<Int64>] = []
            let node = _Node<Int64>.make(level: 1, capacity: 40)
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                let b = randomBox(using: &rng)
                let child = _Node<Int64>.make(level: 0, capacity: 0)
                model.append(b)
                children.append(child)
                node.appendChild(child, b)
            }
            for _ in 0..<Int.random(in: 0...10, using: &rng) {
                let i = Int.random(in: model.indices, using: &rng)
                let b = randomBox(using: &rng)
                model[i] = b
                node.boxes[i] = b
            }
            while model.count > 1 && Bool.random(using: &rng) {
                let i = Int.random(in: model.indices, using: &rng)
                model.remove(at: i)
                children.remove(at: i)
                node.removeChild(at: i)
            }
            defer { withExtendedLifetime(node) {} }
            let boxes = node.boxes
            #expect(Array(boxes) == model, "seed \(seed)")
            #expect(node.children.elementsEqual(children, by: ===), "seed \(seed)")
            let chunks = (model.count + _Boxes.width - 1) / _Boxes.width
            #expect(boxes.chunkCount == chunks, "seed \(seed)")
            // Spare lanes, in the last chunk and in the room beyond it, are at +∞ from anywhere.
            for chunk in (chunks - 1)..<(_Boxes.columnCount(capacity: node.room) / _Boxes.stride) {
                let d2 = boxes.floatDistancesSquared(chunk: chunk, from: SIMD4(0.6, 0, 0.8, 0))
                for lane in 0..<_Boxes.width where chunk * _Boxes.width + lane >= model.count {
                    #expect(d2[lane] == .infinity, "seed \(seed): spare lane \(lane) is \(d2[lane])")
                }
            }
            // A copy holds the same children and boxes, in its own storage.
            let copy = node.copy(capacity: node.room)
            #expect(Array(copy.boxes) == model && copy.children.elementsEqual(children, by: ===), "seed \(seed)")
            copy.removeAllChildren()
            #expect(Array(node.boxes) == model, "seed \(seed)")
        }
    }

    @Test("eight-lane chords are the scalar Float chords, bit for bit", arguments: [4 as UInt64, 5])
    func chords(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let boxes = (0..<16).map { _ in randomBox(using: &rng) }
        let node = branch(boxes)
        defer { withExtendedLifetime(node) {} }
        let columns = node.boxes
        for _ in 0..<5_000 {
            let q = SIMD4<Float>(Float.random(in: -1...1, using: &rng), Float.random(in: -1...1, using: &rng),
                                 Float.random(in: -1...1, using: &rng), 0)
            for (i, b) in boxes.enumerated() {
                // The scalar formula the lanes replace.
                let dx = max(max(b.minX - q.x, q.x - b.maxX), 0)
                let dy = max(max(b.minY - q.y, q.y - b.maxY), 0)
                let dz = max(max(b.minZ - q.z, q.z - b.maxZ), 0)
                let expected = dx * dx + dy * dy + dz * dz
                let got = columns.floatDistancesSquared(chunk: i / _Boxes.width, from: q)[i % _Boxes.width]
                #expect(got == expected, "seed \(seed): box \(i) \(b), query \(q)")
            }
        }
    }

    @Test("ChooseSubtree picks the least area growth, then the least area, then the first", arguments: [6 as UInt64, 7])
    func chooseSubtree(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<2_000 {
            var boxes = (0..<Int.random(in: 1...17, using: &rng)).map { _ in randomBox(using: &rng) }
            // Duplicates make ties.
            if boxes.count > 2 && Bool.random(using: &rng) { boxes[1] = boxes[0] }
            let entry = randomBox(using: &rng)
            var best = 0
            var bestGrowth = Float.infinity, bestArea = Float.infinity
            for (i, b) in boxes.enumerated() {
                var union = b
                union.formUnion(entry)
                let area = b.halfSurface
                let growth = union.halfSurface - area
                if growth < bestGrowth || (growth == bestGrowth && area < bestArea) {
                    best = i; bestGrowth = growth; bestArea = area
                }
            }
            let node = branch(boxes)
            withExtendedLifetime(node) {
                #expect(RTree<Int64>.chooseSubtree(node.boxes, including: entry).index == best, "seed \(seed)")
            }
        }
    }

    @Test("the libm-free sine and arcsine bounds are upper bounds, and tight below 1,000 km")
    func trigonometricBounds() {
        var rng = SeededGenerator(seed: 8)
        for _ in 0..<100_000 {
            let x = Double.random(in: 0...(Double.pi / 2), using: &rng) * pow(10, -Double.random(in: 0...8, using: &rng))
            let s = _Geometry.sinUpperBound(x)
            #expect(s >= sin(x), "sin bound \(s) < sin(\(x))")
            if x < 0.08 { #expect(s <= sin(x) * (1 + 1e-10), "sin bound \(s) loose at \(x)") }
            let y = Double.random(in: 0...1, using: &rng) * pow(10, -Double.random(in: 0...8, using: &rng))
            let a = _Geometry.asinUpperBound(y)
            #expect(a >= asin(y), "asin bound \(a) < asin(\(y))")
            if y < 0.02 { #expect(a <= asin(y) * (1 + 1e-10), "asin bound \(a) loose at \(y)") }
        }
    }
}

extension _Box {
    /// Half the surface area in Float: the scalar rule the SIMD ChooseSubtree replaced.
    var halfSurface: Float {
        let dx = maxX - minX, dy = maxY - minY, dz = maxZ - minZ
        return dx * dy + dy * dz + dz * dx
    }
}

/// A branch holding `boxes` (over empty leaves), with room for them all.
func branch(_ boxes: [_Box]) -> _Node<Int64> {
    _Node.branch(level: 1, capacity: Swift.max(boxes.count, 16),
                 children: boxes.map { (_Node<Int64>.make(level: 0, capacity: 0), $0) })
}
