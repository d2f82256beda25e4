import HashTreeCollections

/// The order in which ``CustomerSnapshot/descendants(of:order:page:)`` visits a subtree.
public enum TraversalOrder: String, Hashable, Sendable, CaseIterable {
    /// Level by level; siblings in ascending id order.
    case breadthFirst
    /// Pre-order: a contact, then its first child's whole subtree, …; siblings in ascending id order.
    case depthFirst
}

extension CustomerSnapshot {
    /// The children of `id`, ascending by id.
    /// - Throws: `contact-not-found` for an unknown contact.
    /// - Complexity: O(c) for c children.
    public func children(of id: ContactID) throws(ContactProblem) -> [Contact] {
        guard contacts.contains(id) else { throw .contactNotFound(id) }
        return sortedChildren(of: id).map { contacts[$0]! }
    }

    /// A page of the children of `id`, ascending by id.
    /// - Throws: `contact-not-found` for an unknown contact.
    public func children(of id: ContactID, page: PageRequest) throws(ContactProblem) -> Page<Contact> {
        try contacts(matching: ContactFilter(parentId: id), page: page)
    }

    /// A page of the contacts without a parent, ascending by id.
    public func roots(page: PageRequest) -> Page<Contact> {
        let ids = page.ids(from: .set(rootIDs), where: nil)
        var result = Page(items: ids.map { contacts[$0]! }, request: page)
        result.next = ids.count == page.pageSize ? ids.last : nil
        return result
    }

    /// The path from `id`'s parent up to its root (empty for a root).
    /// - Throws: `contact-not-found` for an unknown contact.
    /// - Complexity: O(depth), iterative.
    public func ancestors(of id: ContactID) throws(ContactProblem) -> [Contact] {
        var current = try contact(id)
        var path: [Contact] = []
        while let parent = current.parentId {
            current = contacts[parent]!
            path.append(current)
        }
        return path
    }

    /// One page of the path from `id`'s parent up to its root, parent first: walks only as far
    /// as the page reaches and copies only the page, however long the chain.
    /// - Throws: `contact-not-found` for an unknown contact.
    /// - Complexity: O(`pageNumber × pageSize`) at most, iterative.
    public func ancestors(of id: ContactID, page: PageRequest) throws(ContactProblem) -> Page<Contact> {
        try page.requireNumberedPaging()
        var current = try contact(id)
        guard let offset = page.offset else { return Page(items: [], request: page) }
        var skipped = 0
        var items: [Contact] = []
        while items.count < page.pageSize, let parent = current.parentId {
            current = contacts[parent]!
            if skipped < offset { skipped += 1 } else { items.append(current) }
        }
        return Page(items: items, request: page)
    }

    /// How many ancestors `id` has (0 for a root).
    /// - Throws: `contact-not-found` for an unknown contact.
    /// - Complexity: O(depth), iterative.
    public func depth(of id: ContactID) throws(ContactProblem) -> Int {
        var current = try contact(id)
        var depth = 0
        while let parent = current.parentId {
            current = contacts[parent]!
            depth += 1
        }
        return depth
    }

    /// Whether `ancestor` is `id` or one of its ancestors. O(depth of `id`).
    func isInSubtree(_ id: ContactID, of ancestor: ContactID) -> Bool {
        var current: ContactID? = id
        while let c = current {
            if c == ancestor { return true }
            current = contacts[c]?.parentId
        }
        return false
    }

    /// How many contacts the subtree rooted at `id` holds, `id` included.
    /// - Throws: `contact-not-found` for an unknown contact.
    /// - Complexity: O(subtree), iterative.
    public func subtreeSize(of id: ContactID) throws(ContactProblem) -> Int {
        guard contacts.contains(id) else { throw .contactNotFound(id) }
        var size = 0
        var stack = [id]
        while let next = stack.popLast() {
            size += 1
            if let children = childrenByParent[next] { stack.append(contentsOf: children) }
        }
        return size
    }

    /// Every contact of the subtree rooted at `id`, `id` included, breadth-first; `nil` as
    /// soon as it holds more than `limit` contacts.
    /// - Complexity: O(min(subtree, limit)), iterative.
    func subtreeIDs(of id: ContactID, limit: Int) -> [ContactID]? {
        var result: [ContactID] = [id]
        var i = 0
        while i < result.count {
            if let children = childrenByParent[result[i]] {
                guard children.count <= limit - result.count else { return nil }
                result.append(contentsOf: children)
            }
            i += 1
        }
        return result.count <= limit ? result : nil
    }

    /// A page of the descendants of `id` (the subtree without `id` itself), in breadth-first or
    /// depth-first (pre-order) order, siblings ascending by id.
    ///
    /// Pages take a cursor (``PageRequest/after``, a descendant: the page's ``Page/next``) in
    /// either order. Depth-first, the traversal's stack is rebuilt from the cursor's path;
    /// breadth-first, the rest of the cursor's level is walked lazily from the levels above it
    /// (`LevelWalk`), and only a page that crosses into the next level rebuilds that level
    /// whole. So a page costs the cursor's depth, its siblings and the page, not the pages before
    /// (save the one page a level that crosses into the next).
    ///
    /// - Throws: `contact-not-found` for an unknown contact; `validation-failed`
    ///   (`errors.after`) for a cursor that is not a descendant of `id` (well-formed, but not a
    ///   position of this traversal).
    /// - Complexity: O(v + Σ c) where v is the number of contacts visited before the
    ///   page ends (at most the subtree): never the customer's size, and iterative, so a chain
    ///   a million deep is fine. With a cursor, v counts from the cursor, plus its depth.
    public func descendants(of id: ContactID, order: TraversalOrder = .breadthFirst, page: PageRequest)
        throws(ContactProblem) -> Page<Contact>
    {
        guard contacts.contains(id) else { throw .contactNotFound(id) }
        guard let offset = page.offset else { return Page(items: [], request: page) }
        var skipped = 0
        var items: [Contact] = []
        func visit(_ child: ContactID) -> Bool {
            if skipped < offset { skipped += 1 } else { items.append(contacts[child]!) }
            return items.count < page.pageSize
        }
        switch order {
        case .breadthFirst:
            var queue: [ContactID]
            if let cursor = page.after {
                // The rest of the cursor's level, then the next level and on, as from the start.
                let path = try pathBelow(id, to: cursor)
                var rest = LevelWalk(snapshot: self, root: id, after: path)
                while let next = rest.next() {
                    guard visit(next) else { return finished(items, page: page, order: order) }
                }
                var level = LevelWalk(snapshot: self, root: id, depth: path.count)
                queue = []
                while let node = level.next() { queue.append(contentsOf: sortedChildren(of: node)) }
            } else {
                queue = sortedChildren(of: id)
            }
            var head = 0
            while head < queue.count {
                let next = queue[head]
                head += 1
                guard visit(next) else { break }
                queue.append(contentsOf: sortedChildren(of: next))
                if head > 4096, head * 2 > queue.count {  // drop the consumed prefix
                    queue.removeFirst(head)
                    head = 0
                }
            }
        case .depthFirst:
            var stack = try depthFirstStack(under: id, after: page.after)
            while let next = stack.popLast() {
                guard visit(next) else { break }
                stack.append(contentsOf: sortedChildren(of: next).reversed())
            }
        }
        return finished(items, page: page, order: order)
    }

    private func finished(_ items: [Contact], page: PageRequest, order: TraversalOrder) -> Page<Contact> {
        var result = Page(items: items, request: page)
        result.next = items.count == page.pageSize ? items.last?.id : nil
        return result
    }

    /// `cursor`'s ancestors below `root` and `cursor` itself, top down (`root` excluded).
    ///
    /// - Throws: `validation-failed` (`errors.after`) when `cursor` is not a descendant of `root`.
    private func pathBelow(_ root: ContactID, to cursor: ContactID) throws(ContactProblem) -> [ContactID] {
        var path: [ContactID] = []
        var current = cursor
        while current != root {
            guard let contact = contacts[current], let parent = contact.parentId else {
                throw .validation(["after": ["must be a descendant of contact \(root)"]])
            }
            path.append(current)
            current = parent
        }
        guard !path.isEmpty else { throw .validation(["after": ["must be a descendant of contact \(root)"]]) }
        return path.reversed()
    }

    /// The pre-order traversal's stack (next on top) right after `cursor`, or at the start of
    /// `root`'s descendants without one: the cursor's children, then the later siblings of
    /// each contact on its path up to `root`.
    private func depthFirstStack(under root: ContactID, after cursor: ContactID?) throws(ContactProblem) -> [ContactID] {
        guard let cursor else { return Array(sortedChildren(of: root).reversed()) }
        var stack: [ContactID] = []
        for node in try pathBelow(root, to: cursor) {
            guard let parent = contacts[node]?.parentId else { continue }
            let siblings = sortedChildren(of: parent)
            let later = siblings[(siblings.firstIndex { $0 > node } ?? siblings.endIndex)...]
            stack.append(contentsOf: later.reversed())
        }
        stack.append(contentsOf: sortedChildren(of: cursor).reversed())
        return stack
    }

    func sortedChildren(of id: ContactID) -> [ContactID] {
        childrenByParent[id]?.ascending ?? []
    }
}

/// One level of a breadth-first traversal below `root`, in its order (parents in their level's
/// order, siblings by id), produced lazily from the levels above: either a whole level, or the
/// rest of a level after a cursor (its path from `root`). Iterative, however deep the level:
/// each level keeps the children still to hand out of the parent it took last.
struct LevelWalk {
    let snapshot: CustomerSnapshot
    /// Per level (index 0 = the children of `root`), the nodes still to hand out, and where.
    var pending: [[ContactID]]
    var positions: [Int]
    var level: Int

    /// The whole level `depth` (1 = the children of `root`).
    init(snapshot: CustomerSnapshot, root: ContactID, depth: Int) {
        self.snapshot = snapshot
        pending = Array(repeating: [], count: depth)
        positions = Array(repeating: 0, count: depth)
        pending[0] = snapshot.sortedChildren(of: root)
        level = 0
    }

    /// The rest of the cursor's level, after `path.last` (`path`: from a child of `root` down).
    init(snapshot: CustomerSnapshot, root: ContactID, after path: [ContactID]) {
        self.snapshot = snapshot
        pending = []
        positions = []
        for (k, node) in path.enumerated() {
            let siblings = snapshot.sortedChildren(of: k == 0 ? root : path[k - 1])
            pending.append(siblings)
            positions.append(siblings.firstIndex { $0 > node } ?? siblings.endIndex)
        }
        level = path.count - 1
    }

    /// The next node of the bottom level, or `nil` at its end.
    mutating func next() -> ContactID? {
        let bottom = pending.count - 1
        guard bottom >= 0 else { return nil }
        while true {
            if positions[level] < pending[level].count {
                let node = pending[level][positions[level]]
                positions[level] += 1
                if level == bottom { return node }
                level += 1
                pending[level] = snapshot.sortedChildren(of: node)
                positions[level] = 0
            } else {
                if level == 0 { return nil }
                level -= 1
            }
        }
    }
}
