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
    /// - Throws: 404 for an unknown contact.
    /// - Complexity: O(c log c) for c children.
    public func children(of id: ContactID) throws(ContactProblem) -> [Contact] {
        guard contacts[id] != nil else { throw .contactNotFound(id) }
        return sortedChildren(of: id).map { contacts[$0]! }
    }

    /// A page of the children of `id`, ascending by id.
    /// - Throws: 404 for an unknown contact.
    public func children(of id: ContactID, page: PageRequest) throws(ContactProblem) -> Page<Contact> {
        try contacts(matching: ContactFilter(parentId: id), page: page)
    }

    /// A page of the contacts without a parent, ascending by id.
    public func roots(page: PageRequest) -> Page<Contact> {
        let ids = page.slice(ofSorted: rootIDs, count: rootIDs.count)
        var result = Page(items: ids.map { contacts[$0]! }, request: page)
        result.next = ids.count == page.pageSize ? ids.last : nil
        return result
    }

    /// The path from `id`'s parent up to its root (empty for a root).
    /// - Throws: 404 for an unknown contact.
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
    /// - Throws: 404 for an unknown contact.
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
    /// - Throws: 404 for an unknown contact.
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
    /// - Throws: 404 for an unknown contact.
    /// - Complexity: O(subtree), iterative.
    public func subtreeSize(of id: ContactID) throws(ContactProblem) -> Int {
        guard contacts[id] != nil else { throw .contactNotFound(id) }
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
    /// Depth-first pages also take a cursor (``PageRequest/after``, a descendant: the page's
    /// ``Page/next``): the traversal resumes right after it, rebuilt from its path to `id`, so a
    /// page costs the path's siblings and the page, never the pages before it. Breadth-first
    /// pages are numbered only.
    ///
    /// - Throws: 404 for an unknown contact; 422 `validation-failed` (`errors.after`) for a
    ///   cursor with breadth-first order or one that is not a descendant of `id` (well-formed,
    ///   but not a position of this traversal).
    /// - Complexity: O(v + Σ c log c) where v is the number of contacts visited before the
    ///   page ends (at most the subtree): never the customer's size, and iterative, so a chain
    ///   a million deep is fine. With a cursor, v counts from the cursor, plus its depth.
    public func descendants(of id: ContactID, order: TraversalOrder = .breadthFirst, page: PageRequest)
        throws(ContactProblem) -> Page<Contact>
    {
        guard contacts[id] != nil else { throw .contactNotFound(id) }
        if order == .breadthFirst, page.after != nil {
            throw .validation(["after": ["applies to depth-first order only; breadth-first pages are numbered"]])
        }
        guard let offset = page.offset else { return Page(items: [], request: page) }
        var skipped = 0
        var items: [Contact] = []
        func visit(_ child: ContactID) -> Bool {
            if skipped < offset { skipped += 1 } else { items.append(contacts[child]!) }
            return items.count < page.pageSize
        }
        switch order {
        case .breadthFirst:
            var queue = sortedChildren(of: id)
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
        var result = Page(items: items, request: page)
        if order == .depthFirst { result.next = items.count == page.pageSize ? items.last?.id : nil }
        return result
    }

    /// The pre-order traversal's stack (next on top) right after `cursor`, or at the start of
    /// `root`'s descendants without one: the cursor's children, then the later siblings of
    /// each contact on its path up to `root`.
    private func depthFirstStack(under root: ContactID, after cursor: ContactID?) throws(ContactProblem) -> [ContactID] {
        guard let cursor else { return Array(sortedChildren(of: root).reversed()) }
        var path: [ContactID] = []  // the cursor up to a child of root
        var current = cursor
        while current != root {
            guard let contact = contacts[current], let parent = contact.parentId else {
                throw .validation(["after": ["must be a descendant of contact \(root)"]])
            }
            path.append(current)
            current = parent
        }
        guard !path.isEmpty else { throw .validation(["after": ["must be a descendant of contact \(root)"]]) }
        var stack: [ContactID] = []
        for node in path.reversed() {
            guard let parent = contacts[node]?.parentId else { continue }
            let siblings = sortedChildren(of: parent)
            let later = siblings[(siblings.firstIndex { $0 > node } ?? siblings.endIndex)...]
            stack.append(contentsOf: later.reversed())
        }
        stack.append(contentsOf: sortedChildren(of: cursor).reversed())
        return stack
    }

    func sortedChildren(of id: ContactID) -> [ContactID] {
        guard let children = childrenByParent[id] else { return [] }
        if children.count == 1, let only = children.first { return [only] }  // chains: skip the sort
        return children.sorted()
    }
}
