public import Geodesy

extension RTree {
    /// Every entry within `radius` metres (inclusive) of `point`, by WGS84 geodesic.
    ///
    /// - Returns: neighbours ascending by distance, ties by element.
    /// - Complexity: O(log n + m) expected, m the number of answers; each answer and each
    ///   near miss costs one exact geodesic.
    @inlinable public func neighbors(
        within radius: Double, of point: Coordinate,
        where isIncluded: ((Element) -> Bool)? = nil
    ) -> [Neighbor<Element>] {
        guard !isEmpty, radius >= 0, point.isValid else { return [] }
        let q = _Geometry.floatVector(_Geometry.unitVector(point))
        // The Float squared chord beyond which nothing is within `radius` (as in `nearest`).
        let reach = _Geometry.floatReachSquared(threshold: _Geometry.chordBound(forDistance: radius))
        var out: [Neighbor<Element>] = []
        var stack: [_Node<Element>] = [root]
        // One geodesic serves a run of entries at one point (a crowd's leaves, duplicates).
        var last = (location: Coordinate(latitude: .nan, longitude: .nan), distance: Double.nan)
        while let node = stack.popLast() {
            if node.isLeaf {
                for e in node.entries where e.floatDistanceSquared(q) <= reach {
                    if let isIncluded, !isIncluded(e.element) { continue }
                    let location = e.location
                    if !_Geometry.isSamePoint(location, last.location) {
                        last = (location, _Geometry.distance(from: point, to: location))
                    }
                    if last.distance <= radius {
                        out.append(Neighbor(element: e.element, location: location, distance: last.distance))
                    }
                }
            } else {
                for chunk in 0..<node.boxes.chunkCount {
                    var lanes = node.boxes.lanes(chunk: chunk, within: reach, of: q).bits
                    while lanes != 0 {
                        stack.append(node.children[chunk * _Boxes.width + lanes.trailingZeroBitCount])
                        lanes &= lanes &- 1
                    }
                }
            }
        }
        out.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.element < $1.element) }
        return out
    }

    /// Every entry inside a latitude/longitude box (edges inclusive; `west > east` crosses
    /// the antimeridian; a box reaching ±90 contains that pole at any longitude).
    ///
    /// - Returns: entries ascending by element, with distance 0.
    /// - Complexity: O(log n + m) expected.
    @inlinable public func elements(
        in box: GeoBox, where isIncluded: ((Element) -> Bool)? = nil
    ) -> [Neighbor<Element>] {
        guard !isEmpty, box.south <= box.north else { return [] }
        return _elements(in: _BoxRegion(box: box), where: isIncluded)
    }

    /// How many entries are inside a latitude/longitude box (edges inclusive, as
    /// ``elements(in:where:)``): the count of its answers, without building them.
    ///
    /// - Complexity: O(log n + m) expected, m the number counted; nodes wholly inside the box
    ///   are counted without testing their entries.
    @inlinable public func count(in box: GeoBox, where isIncluded: ((Element) -> Bool)? = nil) -> Int {
        guard !isEmpty, box.south <= box.north else { return 0 }
        var count = 0
        _forEach(in: _BoxRegion(box: box), where: isIncluded) { _ in count += 1 }
        return count
    }

    /// Every entry in `region`, ascending by element, with distance 0.
    @inlinable func _elements<Region: _Region>(
        in region: Region, where isIncluded: ((Element) -> Bool)?
    ) -> [Neighbor<Element>] {
        var out: [Neighbor<Element>] = []
        _forEach(in: region, where: isIncluded) { e in
            out.append(Neighbor(element: e.element, location: e.location, distance: 0))
        }
        out.sort { $0.element < $1.element }
        return out
    }

    /// Calls `body` for each entry in `region` (and passing the filter), in no useful order:
    /// the nodes whose boxes the region's bounds miss are skipped, those it surely holds
    /// (``_Region/holdsAll(_:)``) taken whole, the entries of the rest tested exactly.
    @inlinable func _forEach<Region: _Region>(
        in region: Region, where isIncluded: ((Element) -> Bool)?, _ body: (_Entry<Element>) -> Void
    ) {
        guard !isEmpty else { return }
        var stack: [(node: _Node<Element>, inside: Bool)] = [(root, region.holdsAll(rootBox))]
        while let (node, inside) = stack.popLast() {
            if node.isLeaf {
                for e in node.entries where inside || (region.mayHold(e.box) && region.contains(e.location)) {
                    if isIncluded?(e.element) != false { body(e) }
                }
            } else if inside {
                for child in node.children { stack.append((child, true)) }
            } else {
                let boxes = node.boxes
                for i in node.children.indices where region.mayHold(boxes[i]) {
                    stack.append((node.children[i], region.holdsAll(boxes[i])))
                }
            }
        }
    }
}

/// A query region: bounds on its unit vectors that prune the traversal, and the exact test.
@usableFromInline protocol _Region {
    /// Whether the region may hold a point of a node or entry whose unit vectors `box` bounds.
    func mayHold(_ box: _Box) -> Bool
    /// Whether `location` is in the region.
    func contains(_ location: Coordinate) -> Bool
    /// Whether the region surely holds every point whose unit vector `box` bounds (rounded
    /// to Float): `false` when not sure.
    func holdsAll(_ box: _Box) -> Bool
}

/// A latitude/longitude box as a query region.
@usableFromInline struct _BoxRegion: _Region {
    @usableFromInline let box: GeoBox
    @usableFromInline let bounds: _Box
    /// The unit vectors' z at the box's south and north edges (z grows with latitude).
    @usableFromInline let zSouth: Double, zNorth: Double
    /// The directions (cos, sin) of the west and east edges, when the box spans less than
    /// 180° of longitude (a wedge: two half-planes); `nil` otherwise.
    @usableFromInline let wedge: (west: (Double, Double), east: (Double, Double))?
    /// Whether the box spans every longitude.
    @usableFromInline let allLongitudes: Bool

    @inlinable init(box: GeoBox) {
        self.box = box
        bounds = _Geometry.vectorBounds(of: box)
        zSouth = _Geometry.unitZ(latitude: box.south)
        zNorth = _Geometry.unitZ(latitude: box.north)
        let span = box.west <= box.east ? box.east - box.west : box.east - box.west + 360
        allLongitudes = span >= 360
        func direction(_ degrees: Double) -> (Double, Double) {
            let r = degrees * .pi / 180
            return (cos(r), sin(r))
        }
        wedge = span < 180 ? (direction(box.west), direction(box.east)) : nil
    }

    @inlinable @inline(__always) func mayHold(_ other: _Box) -> Bool { bounds.intersects(other) }
    @inlinable func contains(_ location: Coordinate) -> Bool { box.contains(location) }

    /// Whether every vector within ``_Geometry/floatSlack`` of `other` lies strictly inside:
    /// z between the edges' (latitude grows with z), and (x, y) on the inner side of both
    /// edge meridians' planes, each by a margin far beyond Double rounding. Comparisons only:
    /// a linear function over the box is least at a corner. A node at a pole (x = y = 0) is
    /// never held, so the pole's any-longitude rule is the exact test's.
    @inlinable func holdsAll(_ other: _Box) -> Bool {
        let s = _Geometry.floatSlack, margin = 1e-9
        guard Double(other.minZ) - s >= zSouth + margin, Double(other.maxZ) + s <= zNorth - margin else { return false }
        if allLongitudes { return true }
        guard let (w, e) = wedge else { return false }
        let x0 = Double(other.minX) - s, x1 = Double(other.maxX) + s
        let y0 = Double(other.minY) - s, y1 = Double(other.maxY) + s
        // Counterclockwise from the west edge: w.cos·y − w.sin·x > 0; clockwise from the
        // east edge: e.sin·x − e.cos·y > 0; each at its least over the box.
        let fromWest = w.0 * (w.0 >= 0 ? y0 : y1) - w.1 * (w.1 >= 0 ? x1 : x0)
        let toEast = e.1 * (e.1 >= 0 ? x0 : x1) - e.0 * (e.0 >= 0 ? y1 : y0)
        return fromWest >= margin && toEast >= margin
    }
}

extension _Geometry {
    /// The z of the unit vector of any point at `latitude` (it grows with latitude).
    @inlinable static func unitZ(latitude: Double) -> Double {
        unitVector(Coordinate(latitude: latitude, longitude: 0)).z
    }

    /// A box of unit vectors containing the vector of every point of a latitude/longitude
    /// box, padded well beyond Float rounding.
    @inlinable static func vectorBounds(of box: GeoBox) -> _Box {
        let zLow = unitZ(latitude: box.south), zHigh = unitZ(latitude: box.north)
        let rhoSouth = (1 - zLow * zLow).squareRoot(), rhoNorth = (1 - zHigh * zHigh).squareRoot()
        let rhoMax = box.south <= 0 && box.north >= 0 ? 1 : max(rhoSouth, rhoNorth)
        let rhoMin = min(rhoSouth, rhoNorth)

        // Longitude spans as closed intervals in degrees.
        let spans: [(Double, Double)] = box.west <= box.east
            ? [(box.west, box.east)] : [(box.west, 180), (-180, box.east)]
        var cosLow = Double.infinity, cosHigh = -Double.infinity
        var sinLow = Double.infinity, sinHigh = -Double.infinity
        for (w, e) in spans {
            for angle in [w, e, -180, -90, 0, 90, 180] where angle >= w && angle <= e {
                let r = angle * .pi / 180
                cosLow = min(cosLow, cos(r)); cosHigh = max(cosHigh, cos(r))
                sinLow = min(sinLow, sin(r)); sinHigh = max(sinHigh, sin(r))
            }
        }
        func product(_ a: (Double, Double), _ b: (Double, Double)) -> (Double, Double) {
            let p = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1]
            return (p.min() ?? 0, p.max() ?? 0)
        }
        let xs = product((rhoMin, rhoMax), (cosLow, cosHigh))
        let ys = product((rhoMin, rhoMax), (sinLow, sinHigh))
        let pad = 1e-6
        return _Box(minX: Float(xs.0 - pad), minY: Float(ys.0 - pad), minZ: Float(zLow - pad),
                    maxX: Float(xs.1 + pad), maxY: Float(ys.1 + pad), maxZ: Float(zHigh + pad))
    }
}

#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif
