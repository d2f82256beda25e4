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

    /// Every entry in `region`, ascending by element, with distance 0: the nodes whose boxes
    /// the region's bounds miss are skipped, the entries in the rest tested exactly.
    @inlinable func _elements<Region: _Region>(
        in region: Region, where isIncluded: ((Element) -> Bool)?
    ) -> [Neighbor<Element>] {
        var out: [Neighbor<Element>] = []
        var stack: [_Node<Element>] = [root]
        while let node = stack.popLast() {
            if node.isLeaf {
                for e in node.entries where region.mayHold(e.box) {
                    let location = e.location
                    if region.contains(location) && isIncluded?(e.element) != false {
                        out.append(Neighbor(element: e.element, location: location, distance: 0))
                    }
                }
            } else {
                for i in node.children.indices where region.mayHold(node.boxes[i]) {
                    stack.append(node.children[i])
                }
            }
        }
        out.sort { $0.element < $1.element }
        return out
    }
}

/// A query region: bounds on its unit vectors that prune the traversal, and the exact test.
@usableFromInline protocol _Region {
    /// Whether the region may hold a point of a node or entry whose unit vectors `box` bounds.
    func mayHold(_ box: _Box) -> Bool
    /// Whether `location` is in the region.
    func contains(_ location: Coordinate) -> Bool
}

/// A latitude/longitude box as a query region.
@usableFromInline struct _BoxRegion: _Region {
    @usableFromInline let box: GeoBox
    @usableFromInline let bounds: _Box

    @inlinable init(box: GeoBox) {
        self.box = box
        bounds = _Geometry.vectorBounds(of: box)
    }

    @inlinable @inline(__always) func mayHold(_ other: _Box) -> Bool { bounds.intersects(other) }
    @inlinable func contains(_ location: Coordinate) -> Bool { box.contains(location) }
}

extension _Geometry {
    /// A box of unit vectors containing the vector of every point of a latitude/longitude
    /// box, padded well beyond Float rounding.
    @inlinable static func vectorBounds(of box: GeoBox) -> _Box {
        func z(_ latitude: Double) -> Double { unitVector(Coordinate(latitude: latitude, longitude: 0)).z }
        let zLow = z(box.south), zHigh = z(box.north)
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
