public import Geodesy
import HashTreeCollections
import SpatialIndex

/// Restricts a spatial query; all given restrictions must hold.
public struct SpatialFilter: Hashable, Sendable {
    /// Only members of this group.
    public var groupId: GroupID?
    /// Only the subtree rooted at this contact (the contact itself included).
    public var ancestorId: ContactID?
    /// Only contacts whose custom field `definitionId` has exactly `value`.
    public var customField: CustomFieldValue?
    /// Only contacts inside this polygon (geodesic edges, boundary included; see `GeoPolygon`).
    public var polygon: GeoPolygon?

    public init(groupId: GroupID? = nil, ancestorId: ContactID? = nil, customField: CustomFieldValue? = nil,
                polygon: GeoPolygon? = nil) {
        self.groupId = groupId
        self.ancestorId = ancestorId
        self.customField = customField
        self.polygon = polygon
    }

    /// No restriction.
    public static let none = SpatialFilter()
}

extension CustomerSnapshot {
    /// A filtered candidate set at most this large is ranked by scanning it
    /// (`SpatialScan`, exact geodesics over the members); a larger one is pushed into the
    /// R-tree traversal as a predicate (see `candidatePlan(for:)`). A tiny set far from the
    /// query point thus costs O(members), not a traversal that rejects most of the tree.
    public static let scanThreshold = 4096

    /// The `count` contacts nearest to `point` (ascending by distance, then id), optionally
    /// filtered and within `maxDistance` metres (WGS84 geodesic).
    ///
    /// - Parameters:
    ///   - point: where from (a valid WGS84 coordinate).
    ///   - count: 1…1000.
    ///   - maxDistance: metres, ≥ 0.
    ///   - filter: which contacts may be answers (group, ancestor, custom-field value, polygon).
    /// - Throws: `invalid-parameter` for a bad point, count or distance; `group-not-found`,
    ///   `contact-not-found` or `definition-not-found` for an unknown group, ancestor or
    ///   custom-field definition in `filter`.
    /// - Complexity: O(m log m) for a small filtered set of m contacts; otherwise a best-first
    ///   search of the group's (or the customer's) R-tree, plus O(subtree) when `ancestorId`
    ///   names a large subtree.
    public func nearest(to point: Coordinate, count: Int, maxDistance: Double = .infinity,
                        filter: SpatialFilter = .none) throws(ContactProblem) -> [ContactHit]
    {
        try Self.check(point)
        guard (1...PageRequest.maximumPageSize).contains(count) else {
            throw .parameter("count", "must be between 1 and \(PageRequest.maximumPageSize)")
        }
        guard maxDistance >= 0 else { throw .parameter("maxDistance", "must be a non-negative number of metres") }
        let plan = try candidatePlan(for: filter)
        return hits(nearestNeighbors(plan, to: point, count: count, maxDistance: maxDistance, filter: filter))
    }

    /// The `count` candidates of `plan` nearest to `point`, within `maxDistance` and the
    /// filter's polygon: what the nearest queries (a list, a page) rank.
    func nearestNeighbors(_ plan: CandidatePlan, to point: Coordinate, count: Int, maxDistance: Double,
                          filter: SpatialFilter) -> [Neighbor<ContactID>] {
        switch plan {
        case .scan(let small):
            return SpatialScan.nearest(to: point, count: count, maxDistance: maxDistance,
                                       among: small.lazy.map { ($0, self.contacts[$0]!.location) })
        case .tree(let plan):
            func search(_ isIncluded: ((ContactID) -> Bool)?) -> [Neighbor<ContactID>] {
                if let polygon = filter.polygon {
                    return plan.tree.nearest(to: point, count: count, maxDistance: maxDistance, inside: polygon,
                                             where: isIncluded)
                }
                return plan.tree.nearest(to: point, count: count, maxDistance: maxDistance, where: isIncluded)
            }
            // The dominant group alone: when none of its few outsiders is among the nearest of
            // all, those are the group's nearest (the order is total: distance, then id), found
            // without testing every entry in reach against the outsiders. Otherwise, searched again.
            if !plan.excluding.isEmpty, plan.others == nil {
                let all = search(nil)
                if !all.contains(where: { plan.excluding.contains($0.element) }) { return all }
            }
            return search(plan.isIncluded)
        }
    }

    /// Every contact within `radius` metres of `point` (WGS84 geodesic), ascending by distance
    /// then id, optionally filtered.
    ///
    /// - Throws: `invalid-parameter` for a bad point or radius; `group-not-found`,
    ///   `contact-not-found` or `definition-not-found` for an unknown filter target.
    /// - Complexity: as ``nearest(to:count:maxDistance:filter:)`` plus the size of the answer.
    public func contacts(within radius: Double, of point: Coordinate, filter: SpatialFilter = .none)
        throws(ContactProblem) -> [ContactHit]
    {
        try Self.check(point)
        guard radius >= 0, radius.isFinite else { throw .parameter("radius", "must be a non-negative number of metres") }
        let neighbors: [Neighbor<ContactID>]
        switch try candidatePlan(for: filter) {
        case .scan(let small):
            neighbors = SpatialScan.neighbors(within: radius, of: point,
                                              among: small.lazy.map { ($0, self.contacts[$0]!.location) })
        case .tree(let plan):
            neighbors = filter.keepingInside(plan.tree.neighbors(within: radius, of: point, where: plan.isIncluded))
        }
        return hits(neighbors)
    }

    /// Every contact inside `box` (edges inclusive; `west > east` crosses the antimeridian),
    /// ascending by id, optionally filtered. Distances are 0.
    ///
    /// - Throws: `invalid-parameter` for a bad box; `group-not-found`, `contact-not-found` or
    ///   `definition-not-found` for an unknown filter target.
    public func contacts(in box: GeoBox, filter: SpatialFilter = .none) throws(ContactProblem) -> [ContactHit] {
        do {
            _ = try GeoBox(validatingSouth: box.south, west: box.west, north: box.north, east: box.east)
        } catch {
            throw .parameter("box", error.message)
        }
        let neighbors: [Neighbor<ContactID>]
        switch try candidatePlan(for: filter) {
        case .scan(let small):
            neighbors = small.sorted().compactMap { id in
                let location = contacts[id]!.location
                return box.contains(location) ? Neighbor(element: id, location: location, distance: 0) : nil
            }
        case .tree(let plan):
            neighbors = filter.keepingInside(plan.tree.elements(in: box, where: plan.isIncluded))
        }
        return hits(neighbors)
    }

    static func check(_ point: Coordinate) throws(ContactProblem) {
        do {
            _ = try Coordinate(validatingLatitude: point.latitude, longitude: point.longitude)
        } catch {
            throw .parameter(error.field == .longitude ? "longitude" : "latitude", error.message)
        }
    }

    func hits(_ neighbors: some Sequence<Neighbor<ContactID>>) -> [ContactHit] {
        neighbors.map { ContactHit(contact: contacts[$0.element]!, distance: $0.distance) }
    }

    /// How a filter is evaluated: scan a small explicit candidate set (already filtered, the
    /// polygon included), or search an R-tree (the group's own when a group is named) with an
    /// optional predicate evaluated during the traversal (the polygon is left to the caller:
    /// the tree prunes by it, or the caller tests the locations it finds).
    enum CandidatePlan {
        case scan([ContactID])
        case tree(TreeSearch)
    }

    /// An R-tree to search, and which of its entries may answer.
    struct TreeSearch {
        let tree: RTree<ContactID>
        /// Entries of the tree that never answer: the outsiders of the dominant group, whose
        /// tree is the customer's (empty otherwise).
        let excluding: TreeSet<ContactID>
        /// The filter's other restrictions, tested during the traversal; `nil` for none.
        let others: ((ContactID) -> Bool)?

        /// Every restriction as one predicate; `nil` for none.
        var isIncluded: ((ContactID) -> Bool)? {
            guard !excluding.isEmpty else { return others }
            let excluding = excluding
            guard let others else { return { !excluding.contains($0) } }
            return { !excluding.contains($0) && others($0) }
        }
    }

    /// Chooses how to evaluate `filter`.
    ///
    /// - A group selects that group's R-tree, so its other restrictions are only tested on
    ///   members and a small, far-away group is as fast to search as a small customer.
    /// - Of the explicit sets (contacts with the custom-field value, the subtree), the smallest
    ///   drives a scan when it holds at most ``scanThreshold`` contacts, or at most 1/16 of the
    ///   R-tree searched: a set that sparse could make a filtered traversal visit most of the
    ///   tree for few answers, while ranking it costs O(m log m).
    /// - A subtree is materialized (O(subtree)) unless a driving set is already small; then
    ///   each candidate walks up its parents, memoized.
    func candidatePlan(for filter: SpatialFilter) throws(ContactProblem) -> CandidatePlan {
        if let group = filter.groupId, groupsByID[group] == nil { throw .groupNotFound(group) }
        if let ancestor = filter.ancestorId, !contacts.contains(ancestor) { throw .contactNotFound(ancestor) }
        if let field = filter.customField, definitionsByID[field.definitionId] == nil {
            throw .definitionNotFound(field.definitionId)
        }
        var predicates: [(ContactID) -> Bool] = []
        var tree = spatial
        var excluding: TreeSet<ContactID> = []
        var driver: [ContactID]?
        // Whether the tree holds only the group's contacts, so that its predicate is needed
        // only beside others.
        var treeIsGroups = false
        if let group = filter.groupId {
            let index = spatialIndex(of: group)
            tree = index.tree
            // The dominant group's tree is the customer's: every search skips the outsiders.
            excluding = index.excluding
            if excluding.isEmpty {
                treeIsGroups = true
                predicates.append { [contacts] in contacts[$0]!.groupId == group }
            }
            let size = members[group]?.count ?? 0
            if size <= Self.scanThreshold, filter.customField != nil || filter.ancestorId != nil {
                driver = members[group]?.ascending ?? []
            }
        }
        if let field = filter.customField {
            let set = byFieldValue[FieldValueKey(definition: field.definitionId, value: field.value)] ?? []
            predicates.append { set.contains($0) }
            if set.count < driver?.count ?? Int.max { driver = Array(set) }
        }
        if let ancestor = filter.ancestorId {
            if let d = driver, d.count <= Self.scanThreshold {
                let contacts = self.contacts
                let memo = SubtreeMemo(ancestor: ancestor)
                predicates.append { memo.contains($0, contacts: contacts) }
            } else {
                let subtree = subtreeIDs(of: ancestor, limit: .max) ?? []
                if subtree.count < driver?.count ?? Int.max { driver = subtree }
                let members = Set(subtree)
                predicates.append { members.contains($0) }
            }
        }
        let others: ((ContactID) -> Bool)?
        switch predicates.count {
        case 0: others = nil
        case 1: others = predicates[0]
        default: others = { id in predicates.allSatisfy { $0(id) } }
        }
        if let driver, driver.count <= max(Self.scanThreshold, tree.count / 16) {
            let isIncluded = TreeSearch(tree: tree, excluding: excluding, others: others).isIncluded
            let included = isIncluded.map { driver.filter($0) } ?? driver
            return .scan(filter.polygon == nil ? included : included.filter { filter.admits(contacts[$0]!.location) })
        }
        return .tree(TreeSearch(tree: tree, excluding: excluding, others: treeIsGroups && predicates.count == 1 ? nil : others))
    }
}

extension SpatialFilter {
    /// Whether a location passes the filter's polygon (every location does without one).
    func admits(_ location: Coordinate) -> Bool {
        polygon?.contains(location) ?? true
    }

    /// The neighbours inside the filter's polygon: all of them, uncopied, without one.
    func keepingInside(_ neighbors: [Neighbor<ContactID>]) -> [Neighbor<ContactID>] {
        guard let polygon else { return neighbors }
        return neighbors.filter { polygon.contains($0.location) }
    }
}

/// Memoized "is in the subtree of `ancestor`" over parent links: each contact's answer is
/// computed once, so testing many candidates costs the union of their ancestor paths.
final class SubtreeMemo {
    let ancestor: ContactID
    private var known: [ContactID: Bool] = [:]

    init(ancestor: ContactID) { self.ancestor = ancestor }

    func contains(_ id: ContactID, contacts: ContactIDMap<Contact>) -> Bool {
        var path: [ContactID] = []
        var current: ContactID? = id
        var answer = false
        while let c = current {
            if c == ancestor { answer = true; break }
            if let k = known[c] { answer = k; break }
            path.append(c)
            current = contacts[c]?.parentId
        }
        for c in path { known[c] = answer }
        return answer
    }
}
