public import Geodesy

extension RTree {
    /// Removes one entry of `element` stored at `location`.
    ///
    /// Underfull nodes left behind are dissolved and their entries reinserted (Guttman's
    /// CondenseTree), so deletions do not degrade the tree.
    ///
    /// - Parameters:
    ///   - element: the element to remove.
    ///   - location: where it was inserted (the same coordinate; at a pole any longitude
    ///     matches, as does -180 for 180).
    /// - Returns: whether an entry was found and removed.
    /// - Complexity: O(log n) expected.
    @discardableResult
    @inlinable public mutating func remove(_ element: Element, at location: Coordinate) -> Bool {
        let probe = _Entry(element, location)
        // The path: a child index per branch level, then the entry's index in its leaf.
        let found = withUnsafeTemporaryAllocation(of: Int.self, capacity: root.level + 1) { path in
            guard Self.find(probe, in: root, path: path) else { return false }
            makeRootUnique()
            var orphans = ContiguousArray<_Entry<Element>>()
            Self.remove(element, along: path, from: root, orphans: &orphans)
            _count -= 1 + orphans.count
            while !root.isLeaf && root.count <= 1 {
                root = root.children.first ?? _Node.make(level: 0, capacity: 0)
            }
            rootBox = root.computedBox
            // A root left at one point may become a child (see _NodeHeader.elements).
            if rootBox.isPoint { root.recomputeElements() }
            for orphan in orphans { insert(orphan) }
            return true
        }
        return found
    }

    /// Moves one entry of `element` from `old` to `new` (a remove and an insert).
    ///
    /// - Returns: whether the entry was found at `old`; if not, nothing changes.
    /// - Complexity: O(log n) expected.
    @discardableResult
    @inlinable public mutating func move(_ element: Element, from old: Coordinate, to new: Coordinate) -> Bool {
        guard remove(element, at: old) else { return false }
        insert(element, at: new)
        return true
    }

    /// Finds the path (child indices, then the entry's index in its leaf) to an entry equal
    /// to `probe`: `path[node's depth]` onwards, `path` as long as the tree is high.
    /// Recursion depth is the tree's height.
    @inlinable static func find(_ probe: _Entry<Element>, in node: _Node<Element>,
                                path: UnsafeMutableBufferPointer<Int>) -> Bool {
        let depth = path.count - 1 - node.level
        if node.isLeaf {
            for i in node.entries.indices {
                let e = node.entries[i]
                guard e.element == probe.element else { continue }
                if (e.x == probe.x && e.y == probe.y && e.z == probe.z)
                    || (e.latitude == probe.latitude && e.longitude == probe.longitude)
                {
                    path[depth] = i
                    return true
                }
            }
            return false
        }
        // Children whose box holds the point, smallest box first: the child ChooseSubtree
        // would pick for this point now (least growth, which is none, then least area), so
        // more often the one the entry went into, 6–15% fewer leaves than in index order. Boxes
        // overlap: on 1M uniform points a removal visits 2.0 leaves and 8.3 nodes in all, on
        // paths of 5 (a harness, 20,000 removals; 8.9 and 11.5 nodes on the skewed and hostile
        // mixes). Two other orders cost more (callgrind, 100,000 removals from 300,000 uniform points,
        // 5,100 instructions a removal in this order): the box holding the point deepest
        // inside +5%, the box whose centre is nearest +1%.
        let box = probe.box
        let boxes = node.boxes
        precondition(boxes.count <= 64, "a branch holds at most 64 children")
        var hits: UInt64 = 0
        for chunk in 0..<boxes.chunkCount {
            hits |= UInt64(boxes.containing(chunk: chunk, box)) << UInt64(chunk * _Boxes.width)
        }
        // A child at one point (a crowd's) holds the element only within its range: such
        // candidates are read first by their headers alone (one line each, asked for at
        // once), and those whose range leaves the element out are dropped. A crowd fills
        // whole branches with children at the entry's point; asking for each of them whole
        // queued hundreds of lines a level.
        var crowd: UInt64 = 0
        var scan = hits
        while scan != 0 {
            let j = scan.trailingZeroBitCount
            scan &= scan &- 1
            if boxes[j].isPoint {
                crowd |= 1 << UInt64(j)
                _Node.prefetch(Unmanaged.passUnretained(node.children[j]), lines: 1)
            }
        }
        while crowd != 0 {
            let j = crowd.trailingZeroBitCount
            crowd &= crowd &- 1
            if !node.children[j].mayHold(probe.element) { hits &= ~(1 << UInt64(j)) }
        }
        // Ask for every candidate left at once and whole (its usual lines), so that a wrong
        // first guess does not cost a second wait for memory and reading a node does not
        // wait line by line.
        let lines = _Node<Element>.usualLines(level: node.level - 1)
        var prefetching = hits
        while prefetching != 0 {
            _Node.prefetch(Unmanaged.passUnretained(node.children[prefetching.trailingZeroBitCount]), lines: lines)
            prefetching &= prefetching - 1
        }
        while hits != 0 {
            let next = boxes.smallest(of: hits)
            hits &= ~(1 << UInt64(next))
            path[depth] = next
            // Taken at +0, as in insert: the node holds the child for the whole call.
            let found = Unmanaged.passUnretained(node.children[next])._withUnsafeGuaranteedRef {
                find(probe, in: $0, path: path)
            }
            if found { return true }
        }
        return false
    }

    /// Removes the entry (of `element`) at the end of `path` below `node` (uniquely
    /// referenced), dissolving underfull children into `orphans` and refreshing boxes on the
    /// way back up, and the element range of a child at one point that has just become one
    /// or had `element` at an end. Returns the removed entry's box.
    ///
    /// A child's box is recomputed only where it can have changed: when something below was
    /// dissolved, or when the removed point lay on the child's box (on a face). A point
    /// strictly inside leaves every face on other items, so most removals recompute no box
    /// (a leaf of about 22 points has six or fewer on its faces).
    @discardableResult
    @inlinable static func remove(
        _ element: Element, along path: UnsafeMutableBufferPointer<Int>, from node: _Node<Element>,
        orphans: inout ContiguousArray<_Entry<Element>>
    ) -> _Box {
        let i = path[path.count - 1 - node.level]
        if node.isLeaf {
            let removed = node.entries[i].box
            node.removeEntry(at: i)
            return removed
        }
        let children = node.children
        if !isKnownUniquelyReferenced(&children[i]) {
            children[i] = children[i].copy(capacity: children[i].room)
        }
        let child = children[i]
        let dissolved = orphans.count
        let removed = remove(element, along: path, from: child, orphans: &orphans)
        let minimum = child.isLeaf ? leafUnderflow : branchMinimum
        if child.count < minimum {
            collectEntries(of: child, into: &orphans)
            node.removeChild(at: i)
        } else if orphans.count != dissolved || !node.boxes[i].holdsInside(removed) {
            let wasPoint = node.boxes[i].isPoint
            let box = child.computedBox
            node.boxes[i] = box
            // A child now at one point keeps its range: computed again if it has just become
            // one (its range was not kept) or lost an element at an end (tightened).
            let atAnEnd = child.elements.map { $0.lowerBound == element || $0.upperBound == element } ?? true
            if box.isPoint && (!wasPoint || atAnEnd) { child.recomputeElements() }
        }
        return removed
    }

    @inlinable static func collectEntries(of node: _Node<Element>, into out: inout ContiguousArray<_Entry<Element>>) {
        var stack = [node]
        while let n = stack.popLast() {
            if n.isLeaf { out.append(contentsOf: n.entries) } else { stack.append(contentsOf: n.children) }
        }
    }
}
