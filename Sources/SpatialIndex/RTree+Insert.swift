public import Geodesy

/// The result of splitting an overfull node: `node` takes its place (the node itself, or
/// for a leaf a copy sized to its new fill), `sibling` goes beside it; both boxes are tight.
@usableFromInline struct _Split<Element: Comparable> {
    @usableFromInline var node: _Node<Element>
    @usableFromInline var nodeBox: _Box
    @usableFromInline var sibling: _Node<Element>
    @usableFromInline var siblingBox: _Box

    @inlinable init(node: _Node<Element>, nodeBox: _Box, sibling: _Node<Element>, siblingBox: _Box) {
        self.node = node
        self.nodeBox = nodeBox
        self.sibling = sibling
        self.siblingBox = siblingBox
    }
}

extension RTree {
    /// Inserts `element` at `location`.
    ///
    /// - Parameters:
    ///   - element: the value to store; the same element may be stored more than once.
    ///   - location: a valid WGS84 coordinate (`Coordinate.isValid`); callers validate input
    ///     first (a non-finite location would be stored but never found by a query).
    /// - Complexity: O(log n) amortized; O(log n) node copies if nodes are shared with
    ///   another copy of the tree.
    @inlinable public mutating func insert(_ element: Element, at location: Coordinate) {
        insert(_Entry(element, location))
    }

    /// Inserts every (element, location) pair of `entries`.
    ///
    /// Into an empty tree, or one smaller than the batch, the whole tree is built again in
    /// bulk (``init(bulkLoading:)``); otherwise the pairs are inserted one by one in the
    /// order of the bulk load's Hilbert curve, so that consecutive insertions descend to
    /// neighbouring leaves whose nodes are still in cache, instead of to random ones.
    ///
    /// - Parameter entries: pairs with valid locations, as for ``insert(_:at:)``.
    /// - Complexity: O(m log m + m log n) for m pairs into n entries; O(n + m) when rebuilt.
    @inlinable public mutating func insert<S: Sequence>(contentsOf entries: S) where S.Element == (Element, Coordinate) {
        var items = ContiguousArray<_Entry<Element>>()
        items.reserveCapacity(entries.underestimatedCount)
        for (element, location) in entries { items.append(_Entry(element, location)) }
        if items.count >= count {
            forEachEntry { items.append($0) }
            self = RTree(packing: items)
            return
        }
        for (_, i) in _Hilbert.order(of: items) { insert(items[i]) }
    }

    @inlinable mutating func insert(_ entry: _Entry<Element>) {
        Self.prepareForInsert(&root)
        // A root at one point (see _NodeHeader.onePoint) stays so if the entry is there too.
        let rootIsPoint = rootBox.isPoint
        let rootAtPoint = rootIsPoint && root.onePoint
        let samePoint = rootAtPoint && root.firstLies(at: entry.location)
        let split = Self.insert(entry, into: root, atItsPoint: rootAtPoint ? samePoint : nil,
                                atEntryPoint: rootIsPoint && rootBox == entry.box)
        if let split {
            root = _Node.branch(level: root.level + 1, capacity: Self.branchCapacity,
                                children: [(split.node, split.nodeBox), (split.sibling, split.siblingBox)])
        }
        rootBox.formUnion(entry.box)
        // A root at one point keeps its range: it may become a child (see _NodeHeader.elements).
        if rootBox.isPoint {
            if split == nil && _count > 0 {
                root.include(entry.element)
                root.onePoint = samePoint
            } else {
                root.recomputeElements()
            }
        }
        _count += 1
    }

    /// Makes `node` uniquely referenced and, if it is full below its capacity, gives it
    /// room: a leaf a few more entries, a branch (bulk-loaded, see ``bulkBranchFill``) the
    /// branch capacity (both by one copy).
    @inlinable @inline(__always) static func prepareForInsert(_ node: inout _Node<Element>) {
        let capacity = node.isLeaf ? leafCapacity : branchCapacity
        if node.count == node.room && node.room < capacity {
            // Leaves grow in small steps: they stay near their fill instead of doubling.
            node = node.copy(capacity: node.isLeaf ? Swift.min(node.room + leafGrowth, capacity) : capacity)
        } else if !isKnownUniquelyReferenced(&node) {
            node = node.copy(capacity: node.room)
        }
    }

    /// Inserts into `node`, which the caller has prepared (``prepareForInsert(_:)``).
    /// `known` is whether the entry lies at the point of an ancestor known to be at one point
    /// (``_NodeHeader/onePoint``), when the descent has met one: every node below it known at
    /// one point is at that point, so the answer holds for them without walking down to
    /// their first entries again. `atEntryPoint`: whether `node`'s box is the entry's, a
    /// point (a crowd's node), so that every child's box is that point too. The range of
    /// `node`'s elements does not hold the entry yet: the caller widens it on the way back.
    /// Recursion depth is the tree's height, O(log n), never the input's.
    @inlinable static func insert(_ entry: _Entry<Element>, into node: _Node<Element>,
                                  atItsPoint known: Bool?, atEntryPoint: Bool) -> _Split<Element>? {
        if node.isLeaf {
            if node.count < node.room {
                node.appendEntry(entry)
                return nil
            }
            return splitLeaf(node, adding: entry)
        }
        let box = entry.box
        let i: Int
        let crowd: Bool
        if atEntryPoint {
            // Every child is at the entry's point: nothing for ChooseSubtree to weigh.
            crowd = true
            i = chooseInCrowd(node, for: entry.element, at: box, default: 0, within: true)
        } else {
            let pick = chooseSubtree(node.boxes, including: box)
            crowd = pick.flat && node.boxes[pick.index] == box
            i = crowd ? chooseInCrowd(node, for: entry.element, at: box, default: pick.index, within: false) : pick.index
        }
        let children = node.children
        // The child's lines at once, not one wait per line as the descent reads them.
        _Node.prefetch(Unmanaged.passUnretained(children[i]), lines: _Node<Element>.usualLines(level: node.level - 1))
        prepareForInsert(&children[i])
        // A node whose box is a point keeps the range of its elements (``_NodeHeader/elements``,
        // widened below once the entry is in), and whether they lie at one point
        // (``_NodeHeader/onePoint``), checked before the entry is in it.
        var lies = known
        if crowd {
            if children[i].onePoint {
                let here = lies ?? children[i].firstLies(at: entry.location)
                children[i].onePoint = here
                lies = here
            }
        }
        // The child is held by this node, which the caller holds, for the whole call: taken at
        // +0, without a retain and release a level.
        let split = Unmanaged.passUnretained(children[i])._withUnsafeGuaranteedRef {
            insert(entry, into: $0, atItsPoint: lies, atEntryPoint: crowd)
        }
        if let split {
            children[i] = split.node
            node.boxes[i] = split.nodeBox
            if node.count < node.room {
                node.appendChild(split.sibling, split.siblingBox)
                return nil
            }
            return splitBranch(node, adding: split.sibling, split.siblingBox)
        }
        // (Halves of a split at one point computed their ranges with the entry in.)
        if crowd { children[i].include(entry.element) }
        node.boxes.formUnion(at: i, with: box)
        return nil
    }

    /// How many entries a full leaf grows by.
    @inlinable static var leafGrowth: Int { 4 }

    /// The child whose box needs the least area enlargement to include `box`; ties go to
    /// the smaller box; and whether that pick neither grows nor has area (a box that may be
    /// the point itself: a crowd's).
    @inlinable @inline(__always)
    static func chooseSubtree(_ boxes: _Boxes, including box: _Box) -> (index: Int, flat: Bool) {
        var best = 0
        var bestGrowth = Float.infinity
        var bestArea = Float.infinity
        // Each chunk's least (growth, area), its first lane, in vector registers: the lanes
        // read one by one spilled every vector to the stack, a third of an insert's time.
        // Masks are integer lanes (all ones or zero) and floats are replaced through their
        // bits: Swift's generic lane-wise mask operations compile to loops through memory.
        let infinity = SIMD8<Int32>(repeating: Int32(bitPattern: Float.infinity.bitPattern))
        func replacingWithInfinity(_ v: _Boxes.Lanes, unless keep: SIMD8<Int32>) -> _Boxes.Lanes {
            unsafeBitCast((unsafeBitCast(v, to: SIMD8<Int32>.self) & keep) | (infinity & ~keep), to: _Boxes.Lanes.self)
        }
        for chunk in 0..<boxes.chunkCount {
            let (area, allGrowth) = boxes.floatAreaGrowth(chunk: chunk, including: box)
            let first = chunk * _Boxes.width
            // Lanes past the last box hold the empty box, whose growth is -∞.
            let boxCount = Int32(truncatingIfNeeded: Swift.min(_Boxes.width, boxes.count - first))
            let real = (SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &- boxCount) &>> 31
            let growth = replacingWithInfinity(allGrowth, unless: real)
            let g = _Boxes.minimum(growth)
            guard g <= bestGrowth else { continue }
            let ties = (growth .== _Boxes.Lanes(repeating: g))._storage
            let a = _Boxes.minimum(replacingWithInfinity(area, unless: ties))
            guard g < bestGrowth || a < bestArea else { continue }
            let lane = _Boxes.bits(of: ties & (area .== _Boxes.Lanes(repeating: a))._storage).trailingZeroBitCount
            guard lane < Int(boxCount) else { continue }
            best = first + lane
            bestGrowth = g
            bestArea = a
        }
        return (best, bestGrowth == 0 && bestArea == 0)
    }

    /// Among the children whose box is exactly `box`, a point (a crowd of entries there,
    /// where every choice grows nothing and boxes cannot tell the children apart), the one
    /// whose element range holds `element`, else the one whose range ends nearest below it,
    /// else the one whose range starts nearest above it: so the ranges of a crowd's nodes
    /// stay apart, and a removal finds its entry's leaf by range. Reads the candidates'
    /// headers: taken only when ChooseSubtree's pick is such a point.
    ///
    /// `within`: `node`'s own box is that point, so every child is a candidate and `node`'s
    /// range (without the element yet) bounds theirs. An element beyond that range (ids
    /// handed out in ascending order, as a store does) goes to the child whose range ends
    /// where the node's does (starts, below it): looked for from the end where such a child
    /// was appended by its split, without reading every candidate's header.
    @inlinable @inline(never)
    static func chooseInCrowd(_ node: _Node<Element>, for element: Element, at box: _Box, default pick: Int,
                              within: Bool) -> Int {
        let boxes = node.boxes, children = node.children
        if within, let range = node.elements {
            if element > range.upperBound {
                for j in children.indices.reversed() where children[j].elements?.upperBound == range.upperBound { return j }
            } else if element < range.lowerBound {
                for j in children.indices where children[j].elements?.lowerBound == range.lowerBound { return j }
            }
        }
        var below: (index: Int, bound: Element)?
        var above: (index: Int, bound: Element)?
        for j in children.indices where boxes[j] == box {
            guard let range = children[j].elements else { continue }
            if range.contains(element) { return j }
            if range.upperBound < element {
                if below.map({ range.upperBound > $0.bound }) ?? true { below = (j, range.upperBound) }
            } else if above.map({ range.lowerBound < $0.bound }) ?? true {
                above = (j, range.lowerBound)
            }
        }
        return below?.index ?? above?.index ?? pick
    }

    /// `items`, then `extra`, in one allocation (a copy of `items` is exactly as large as
    /// they are, so appending to it would allocate again).
    @inlinable static func items<Result: RangeReplaceableCollection>(
        _ items: some Collection<Result.Element>, adding extra: Result.Element
    ) -> Result {
        var all = Result()
        all.reserveCapacity(items.count + 1)
        all.append(contentsOf: items)
        all.append(extra)
        return all
    }

    /// Splits a full leaf and `extra` between two new leaves.
    @inlinable static func splitLeaf(_ node: _Node<Element>, adding extra: _Entry<Element>) -> _Split<Element> {
        // The leaf's entries then `extra`, read in place (the caller holds the leaf), and their
        // order and boxes on the stack (each under the kilobyte beyond which the standard
        // library puts a temporary on the heap): the split allocates its two leaves.
        let entries = node.entries
        let count = entries.count + 1
        func entry(_ i: Int) -> _Entry<Element> { i < entries.count ? entries[i] : extra }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { order in
            withUnsafeTemporaryAllocation(of: _Box.self, capacity: count) { buffer in
                _ = buffer.initialize(from: (0..<count).lazy.map { entry($0).box })
                let boxes = UnsafeBufferPointer(buffer)
                var cut = boxes.allSatisfy({ $0 == extra.box })
                    ? splitByElement((0..<count).map { entry($0).element }, minimum: leafMinimum, into: order)
                    : chooseSplit(boxes, minimum: leafMinimum, into: order)
                if let apart = separatingCrowd(order, boxes, minimum: leafMinimum, element: { entry($0).element }) {
                    cut = apart
                }
                var firstBox = _Box.empty, secondBox = _Box.empty
                for (rank, i) in order.enumerated() {
                    if rank < cut { firstBox.formUnion(boxes[i]) } else { secondBox.formUnion(boxes[i]) }
                }
                // Both halves in new leaves with a little room each, as a grown leaf would have.
                func leaf(_ ranks: some Collection<Int>) -> _Node<Element> {
                    _Node.leaf(ranks.lazy.map { entry($0) }, capacity: Swift.min(ranks.count + leafGrowth, leafCapacity))
                }
                let first = leaf(order[..<cut]), second = leaf(order[cut...])
                // A half at one point (a crowd's) keeps its range (see _NodeHeader.elements).
                if firstBox.isPoint { first.recomputeElements() }
                if secondBox.isPoint { second.recomputeElements() }
                return _Split(node: first, nodeBox: firstBox, sibling: second, siblingBox: secondBox)
            }
        }
    }

    /// Splits a full branch and `extra` (with its box) between the branch and a new sibling.
    @inlinable static func splitBranch(_ node: _Node<Element>, adding extra: _Node<Element>, _ extraBox: _Box)
        -> _Split<Element>
    {
        let children: ContiguousArray<_Node<Element>> = items(node.children, adding: extra)
        let boxes: [_Box] = items(node.boxes, adding: extraBox)
        // A branch of a crowd's nodes (all at one point) splits by their element ranges,
        // which ``chooseInCrowd(_:for:at:default:within:)`` keeps apart.
        let crowd = extraBox.isPoint && boxes.allSatisfy { $0 == extraBox }
        let lowest = crowd ? children.compactMap { $0.elements?.lowerBound } : []
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: children.count) { order in
            var cut = crowd && lowest.count == children.count
                ? splitByElement(lowest, minimum: branchMinimum, into: order)
                : chooseSplit(boxes, minimum: branchMinimum, into: order)
            if !crowd, let apart = separatingCrowd(order, boxes, minimum: branchMinimum,
                                                   element: { children[$0].elements?.lowerBound }) {
                cut = apart
            }
            node.removeAllChildren()
            let sibling = _Node<Element>.make(level: node.level, capacity: branchCapacity)
            var firstBox = _Box.empty, secondBox = _Box.empty
            for (rank, i) in order.enumerated() {
                if rank < cut {
                    node.appendChild(children[i], boxes[i]); firstBox.formUnion(boxes[i])
                } else {
                    sibling.appendChild(children[i], boxes[i]); secondBox.formUnion(boxes[i])
                }
            }
            // A half at one point (of a crowd's nodes, or cut from beside them) keeps its range.
            if firstBox.isPoint { node.recomputeElements() }
            if secondBox.isPoint { sibling.recomputeElements() }
            return _Split(node: node, nodeBox: firstBox, sibling: sibling, siblingBox: secondBox)
        }
    }

    /// The split: items sorted by centre along the axis where the node is widest, then the
    /// distribution (each side at least `m`) with the least overlap, ties by least area —
    /// R*'s distribution choice on a single axis, which costs one sort instead of three.
    /// Writes an ordering of the items into `order` and returns how many of them go to the
    /// first group.
    @inlinable static func chooseSplit<Boxes: RandomAccessCollection<_Box>>(
        _ boxes: Boxes, minimum m: Int, into order: UnsafeMutableBufferPointer<Int>
    ) -> Int where Boxes.Index == Int {
        let n = boxes.count
        var whole = _Box.empty
        for b in boxes { whole.formUnion(b) }
        let dx = whole.maxX - whole.minX, dy = whole.maxY - whole.minY, dz = whole.maxZ - whole.minZ
        let axis = dx >= dy ? (dx >= dz ? 0 : 2) : (dy >= dz ? 1 : 2)
        // The keys on the stack: a split allocated them on every call.
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { keys in
            _ = keys.initialize(from: boxes.lazy.map { $0.center(axis) })
            sortIndices(into: order) { keys[$0] < keys[$1] }
            // The running boxes of the first k items kept (under a kilobyte: on the stack; the
            // standard library puts larger temporaries on the heap), those of the rest summed up
            // as the cuts are tried from the last.
            let bestCut = withUnsafeTemporaryAllocation(of: _Box.self, capacity: n) { firsts in
                // firsts[k]: the union of the first k + 1 items in order.
                var union = _Box.empty
                for k in 0..<n {
                    union.formUnion(boxes[order[k]])
                    firsts.initializeElement(at: k, to: union)
                }
                var bestCut = m
                var bestOverlap = Double.infinity
                var bestArea = Double.infinity
                union = .empty
                for k in stride(from: n - 1, through: m, by: -1) {
                    // union: the items from the k-th on.
                    union.formUnion(boxes[order[k]])
                    guard k <= n - m else { continue }
                    let overlap = firsts[k - 1].overlap(union)
                    let area = firsts[k - 1].area + union.area
                    // On a tie the lower cut, as the cuts were tried from the first before.
                    if overlap < bestOverlap || (overlap == bestOverlap && area <= bestArea) {
                        bestCut = k
                        bestOverlap = overlap
                        bestArea = area
                    }
                }
                return bestCut
            }
            return bestCut
        }
    }

    /// When a split's `order` holds a run of at least `m` items at one point (a crowd beside
    /// points around it: its leaves would otherwise stay boxes, which neither removal's
    /// ranges nor the nearest search's crowd path can take whole), the split that gives the
    /// crowd a side of its own in element order: the other items first, topped up to half
    /// with the crowd's lowest elements if they are fewer (topped up only to `m`, the halves
    /// left near the minimum dissolved sooner on removals: 48% more allocations a removal on
    /// the benchmark's standard mix), written over `order`; returns its cut. Nil, with `order`
    /// untouched, when there is no such run, or an item has no element range.
    @inlinable static func separatingCrowd<Boxes: RandomAccessCollection<_Box>>(
        _ order: UnsafeMutableBufferPointer<Int>, _ boxes: Boxes, minimum m: Int, element: (Int) -> Element?
    ) -> Int? where Boxes.Index == Int {
        let n = order.count
        var bestStart = 0, bestLength = 1, start = 0
        for r in 1..<n {
            if boxes[order[r]] != boxes[order[start]] {
                start = r
            } else if r - start + 1 > bestLength {
                bestStart = start
                bestLength = r - start + 1
            }
        }
        guard bestLength >= m, bestLength < n, boxes[order[bestStart]].isPoint else { return nil }
        var crowd: [(element: Element, index: Int)] = []
        crowd.reserveCapacity(bestLength)
        for i in order[bestStart..<(bestStart + bestLength)] {
            guard let e = element(i) else { return nil }
            crowd.append((e, i))
        }
        crowd.sort { $0.element < $1.element }
        // The items after the run move down over it (the crowd's are kept in `crowd`), then
        // the crowd follows in element order.
        let rest = n - bestLength
        for r in bestStart..<rest { order[r] = order[r + bestLength] }
        for (k, item) in crowd.enumerated() { order[rest + k] = item.index }
        return Swift.max(rest, n / 2)
    }

    /// Fills `order` with the indices 0..<order.count sorted by `areInIncreasingOrder`.
    @inlinable static func sortIndices(into order: UnsafeMutableBufferPointer<Int>,
                                       by areInIncreasingOrder: (Int, Int) -> Bool) {
        _ = order.initialize(from: 0..<order.count)
        var sorting = order  // the same memory: `sort` is declared mutating
        sorting.sort(by: areInIncreasingOrder)
    }

    /// The split of a crowd (items at one point): items in element order, cut in the middle,
    /// or leaving the fewest allowed on the far side when the last item (the one added) is
    /// the greatest or the least, as ascending or descending identifiers arrive, so that
    /// a crowd's nodes fill up instead of staying half full. Writes the order into `order` and
    /// returns the cut.
    @inlinable static func splitByElement(_ keys: [Element], minimum m: Int,
                                          into order: UnsafeMutableBufferPointer<Int>) -> Int {
        let n = keys.count
        sortIndices(into: order) { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
        let added = n - 1
        if order.last == added { return n - m }
        if order.first == added { return m }
        return n / 2
    }
}
