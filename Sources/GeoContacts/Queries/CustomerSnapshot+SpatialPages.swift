public import Geodesy
import SpatialIndex
import HashTreeCollections

extension CustomerSnapshot {
    /// One page of the contacts within `radius` metres of `point` (WGS84 geodesic), in the
    /// order of ``contacts(within:of:filter:)`` (ascending by distance, then id).
    ///
    /// A page is the nearest `pageNumber × pageSize` contacts within the radius with the
    /// earlier pages dropped, so a request costs what its page depth costs, never the whole
    /// customer: the contacts beyond the page are never ranked nor measured.
    ///
    /// - Throws: `invalid-parameter` for a bad point or radius; `group-not-found`,
    ///   `contact-not-found` or `definition-not-found` for an unknown filter target.
    /// - Complexity: that of ``nearest(to:count:maxDistance:filter:)`` with `count` =
    ///   `pageNumber × pageSize`.
    public func contacts(within radius: Double, of point: Coordinate, filter: SpatialFilter = .none,
                         page: PageRequest) throws(ContactProblem) -> Page<ContactHit>
    {
        try Self.check(point)
        guard radius >= 0, radius.isFinite else { throw .parameter("radius", "must be a non-negative number of metres") }
        try page.requireNumberedPaging()
        let plan = try candidatePlan(for: filter)
        guard let offset = page.offset, offset < contacts.count else { return Page(items: [], request: page) }
        let count = min(offset + page.pageSize, contacts.count)
        let neighbors = nearestNeighbors(plan, to: point, count: count, maxDistance: radius, filter: filter)
        return Page(items: hits(neighbors.dropFirst(offset)), request: page)
    }

    /// One page of the contacts inside `box`, ascending by id (as ``contacts(in:filter:)``).
    ///
    /// - Throws: `invalid-parameter` for a bad box; `group-not-found`, `contact-not-found` or
    ///   `definition-not-found` for an unknown filter target.
    /// - Complexity: O(log n + m) to find the m ids inside the box (no distances), O(m log m)
    ///   to order them, and only the page's contacts are read.
    public func contacts(in box: GeoBox, filter: SpatialFilter = .none, page: PageRequest) throws(ContactProblem)
        -> Page<ContactHit>
    {
        do {
            _ = try GeoBox(validatingSouth: box.south, west: box.west, north: box.north, east: box.east)
        } catch {
            throw .parameter("box", error.message)
        }
        return try regionPage(filter: filter, page: page, contains: box.contains) { tree, isIncluded in
            tree.elements(in: box, where: isIncluded)
        }
    }

    /// One page of the contacts inside `polygon` (geodesic edges on WGS84, boundary included;
    /// see `GeoPolygon`), ascending by id; `filter` may restrict further (a polygon in it too).
    ///
    /// - Throws: `group-not-found`, `contact-not-found` or `definition-not-found` for an unknown
    ///   filter target.
    /// - Complexity: the R-tree visits only nodes within the polygon's bounds; O(m log m) to
    ///   order the m contacts inside, and only the page's contacts are read.
    public func contacts(inside polygon: GeoPolygon, filter: SpatialFilter = .none, page: PageRequest)
        throws(ContactProblem) -> Page<ContactHit>
    {
        try regionPage(filter: filter, page: page, contains: polygon.contains) { tree, isIncluded in
            tree.elements(inside: polygon, where: isIncluded)
        }
    }

    /// A page of the contacts of a region (box or polygon), ascending by id, after `after`
    /// when the page has a cursor.
    private func regionPage(
        filter: SpatialFilter, page: PageRequest, contains: (Coordinate) -> Bool,
        search: (RTree<ContactID>, ((ContactID) -> Bool)?) -> [Neighbor<ContactID>]
    ) throws(ContactProblem) -> Page<ContactHit> {
        let plan = try candidatePlan(for: filter)
        guard let offset = page.offset else { return Page(items: [], request: page) }
        var ids: [ContactID]
        switch plan {
        case .scan(let small):
            ids = small.filter { contains(contacts[$0]!.location) }
        case .tree(let plan):
            ids = filter.keepingInside(search(plan.tree, plan.isIncluded)).map(\.element)
        }
        if let after = page.after { ids.removeAll { $0 <= after } }
        guard offset < ids.count else { return Page(items: [], request: page) }
        ids.sort()
        let slice = ids[offset..<min(ids.count, offset + page.pageSize)]
        var result = Page(items: slice.map { ContactHit(contact: contacts[$0]!, distance: 0) }, request: page)
        result.next = slice.count == page.pageSize ? slice.last : nil
        return result
    }
}
