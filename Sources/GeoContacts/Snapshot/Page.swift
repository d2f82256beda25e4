import HeapModule

/// Which page of a listing to return: `pageNumber` from 1, `pageSize` 1…1000 — or, for the
/// contact listings ordered by id, the page after a cursor (``after``, the `next` of the page
/// before), whose cost does not grow with how far the listing has come.
public struct PageRequest: Hashable, Sendable {
    /// The largest page size allowed.
    public static let maximumPageSize = 1000
    /// The page size used when none is given.
    public static let defaultPageSize = 50

    public let pageNumber: Int
    public let pageSize: Int
    /// Keyset paging: the pages count from the items ordered after this id.
    public let after: ContactID?

    /// - Throws: a 400 ``ContactProblem`` (`invalid-parameter`) naming `pageNumber` or `pageSize`.
    public init(pageNumber: Int = 1, pageSize: Int = PageRequest.defaultPageSize) throws(ContactProblem) {
        guard pageNumber >= 1 else { throw .parameter("pageNumber", "must be at least 1") }
        guard (1...Self.maximumPageSize).contains(pageSize) else {
            throw .parameter("pageSize", "must be between 1 and \(Self.maximumPageSize)")
        }
        self.init(checkedPageNumber: pageNumber, pageSize: pageSize)
    }

    /// The page of `pageSize` items ordered after `after` (a listing's `next` cursor);
    /// `pageNumber` counts pages from the cursor on (1: the one right after it).
    ///
    /// - Throws: a 400 ``ContactProblem`` (`invalid-parameter`) naming `pageNumber` or `pageSize`.
    public init(after: ContactID, pageNumber: Int = 1, pageSize: Int = PageRequest.defaultPageSize) throws(ContactProblem) {
        guard pageNumber >= 1 else { throw .parameter("pageNumber", "must be at least 1") }
        guard (1...Self.maximumPageSize).contains(pageSize) else {
            throw .parameter("pageSize", "must be between 1 and \(Self.maximumPageSize)")
        }
        self.init(checkedPageNumber: pageNumber, pageSize: pageSize, after: after)
    }

    private init(checkedPageNumber pageNumber: Int, pageSize: Int, after: ContactID? = nil) {
        self.pageNumber = pageNumber
        self.pageSize = pageSize
        self.after = after
    }

    /// The first page of the largest size.
    public static let all = PageRequest(checkedPageNumber: 1, pageSize: maximumPageSize)

    /// Refuses a cursor: for the listings not ordered by contact id (nearest first, hierarchy
    /// order), which page by number only.
    ///
    /// - Throws: a 400 ``ContactProblem`` (`invalid-parameter`) naming `after`.
    func requireNumberedPaging() throws(ContactProblem) {
        if after != nil { throw .parameter("after", "applies only to listings ordered by contact id and to depth-first descendants; use pageNumber") }
    }

    /// How many items precede the page, or `nil` if that overflows.
    var offset: Int? {
        let (o, overflow) = (pageNumber - 1).multipliedReportingOverflow(by: pageSize)
        return overflow ? nil : o
    }
}

/// One page of a listing: `{"items": [...], "pageNumber": n, "pageSize": n, "pageItemCount": n}`,
/// and `"next"` for the contact listings ordered by id.
public struct Page<Item> {
    public var items: [Item]
    public var pageNumber: Int
    public var pageSize: Int
    /// For listings ordered by contact id: the cursor of the next page (the last item's id)
    /// when this page is full, `nil` when it is the last one. Pass it as ``PageRequest/after``.
    public var next: ContactID?
    /// How many items this page holds (≤ `pageSize`).
    public var pageItemCount: Int { items.count }

    public init(items: [Item], pageNumber: Int, pageSize: Int) {
        self.items = items
        self.pageNumber = pageNumber
        self.pageSize = pageSize
    }

    init(items: [Item], request: PageRequest) {
        self.init(items: items, pageNumber: request.pageNumber, pageSize: request.pageSize)
    }

    /// The same page with each item transformed (e.g. to a wire representation).
    public func map<T>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        var page = Page<T>(items: try items.map(transform), pageNumber: pageNumber, pageSize: pageSize)
        page.next = next
        return page
    }
}

extension Page: Sendable where Item: Sendable {}
extension Page: Equatable where Item: Equatable {}

extension Page: Encodable where Item: Encodable {
    enum CodingKeys: String, CodingKey { case items, pageNumber, pageSize, pageItemCount, next }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(pageNumber, forKey: .pageNumber)
        try c.encode(pageSize, forKey: .pageSize)
        try c.encode(pageItemCount, forKey: .pageItemCount)
        try c.encodeIfPresent(next?.rawValue, forKey: .next)
    }
}

extension PageRequest {
    /// The requested page of `ids` in ascending order.
    ///
    /// - Complexity: O(m log(p·s)) for m ids: only the first `pageNumber · pageSize` ids are
    ///   kept in a bounded heap, never a full sort of a large set.
    func slice<S: Sequence>(ofSorted ids: S, count: Int) -> [ContactID] where S.Element == ContactID {
        if let after {
            // Keyset: the smallest ids above the cursor, whatever page the listing is at.
            let remaining = Array(ids.lazy.filter { $0 > after })
            return PageRequest(checkedPageNumber: pageNumber, pageSize: pageSize).slice(ofSorted: remaining, count: remaining.count)
        }
        guard let offset, offset < count else { return [] }
        let keep = min(count, offset + pageSize)
        if keep == count {
            return Array(ids.sorted().dropFirst(offset).prefix(pageSize))
        }
        var heap = Heap<ContactID>()
        for id in ids {
            if heap.count < keep {
                heap.insert(id)
            } else if let largest = heap.max, id < largest {
                _ = heap.replaceMax(with: id)
            }
        }
        var smallest: [ContactID] = []
        smallest.reserveCapacity(keep)
        while let id = heap.popMin() { smallest.append(id) }
        return Array(smallest.dropFirst(offset))
    }
}

extension PageRequest {
    /// This page of an already ordered list (e.g. ancestors, parent first).
    ///
    /// - Complexity: O(pageSize).
    public func page<Item>(of items: [Item]) -> Page<Item> {
        let start = offset.map { Swift.min($0, items.count) } ?? items.count
        let end = start + Swift.min(pageSize, items.count - start)
        return Page(items: Array(items[start..<end]), request: self)
    }
}
