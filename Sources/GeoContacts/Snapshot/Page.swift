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

    /// - Throws: an `invalid-parameter` ``ContactProblem`` naming `pageNumber` or `pageSize`.
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
    /// - Throws: an `invalid-parameter` ``ContactProblem`` naming `pageNumber` or `pageSize`.
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
    /// - Throws: an `invalid-parameter` ``ContactProblem`` naming `after`.
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

/// A listing's ids in ascending order, as ``PageRequest/ids(from:where:)`` walks them.
enum OrderedIDs {
    /// Every contact of a snapshot.
    case all(ContactIDMap<Contact>)
    /// An index's ids.
    case set(OrderedContactIDs)
    /// A few ids, sorted.
    case sorted([ContactID])
}

extension PageRequest {
    /// The requested page of `ordered` ids that pass `matches` (all, when `nil`): after the
    /// cursor when there is one, then `pageNumber - 1` pages skipped.
    ///
    /// - Complexity: O(log n + pageSize) without `matches` (positions are skipped in the tree);
    ///   with it, the ids walked until the page is full.
    func ids(from ordered: OrderedIDs, where matches: ((ContactID) -> Bool)?) -> [ContactID] {
        guard let offset else { return [] }
        // Without a filter and a cursor, the tree skips to the page's first position.
        let start = after == nil && matches == nil ? offset : 0
        switch ordered {
        case .all(let map):
            let walked = after.map { map.entries(after: $0) } ?? map.entries(fromOffset: start)
            return page(of: walked.lazy.map { $0.key }, skipping: offset - start, where: matches)
        case .set(let set):
            let walked = after.map { set.ids(after: $0) } ?? set.ids(fromOffset: start)
            return page(of: walked, skipping: offset - start, where: matches)
        case .sorted(let ids):
            let walked = after.map { cursor in ids.drop { $0 <= cursor } } ?? ids.dropFirst(start)
            return page(of: walked, skipping: offset - start, where: matches)
        }
    }

    private func page<S: Sequence<ContactID>>(of walked: S, skipping: Int, where matches: ((ContactID) -> Bool)?) -> [ContactID] {
        var skip = skipping
        var ids: [ContactID] = []
        ids.reserveCapacity(pageSize)
        for id in walked where matches?(id) ?? true {
            if skip > 0 { skip -= 1; continue }
            ids.append(id)
            if ids.count == pageSize { break }
        }
        return ids
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
