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
        while let node = stack.popLast() {
            if node.isLeaf {
                for e in node.entries where e.floatDistanceSquared(q) <= reach {
                    if let isIncluded, !isIncluded(e.element) { continue }
                    let location = e.location
                    let d = _Geometry.distance(from: point, to: location)
                    if d <= radius { out.append(Neighbor(element: e.element, location: location, distance: d)) }
                }
            } else {
                let count = node.children.count
                for chunk in 0..<node.boxes.chunkCount {
                    let d2 = node.boxes.floatDistancesSquared(chunk: chunk, from: q)
                    let first = chunk * _Boxes.width
                    for lane in 0..<Swift.min(_Boxes.width, count - first) where d2[lane] <= reach {
                        stack.append(node.children[first + lane])
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
        let query = _Geometry.vectorBounds(of: box)
        var out: [Neighbor<Element>] = []
        var stack: [_Node<Element>] = [root]
        while let node = stack.popLast() {
            if node.isLeaf {
                for e in node.entries where query.intersects(e.box) {
                    let location = e.location
                    if box.contains(location) && isIncluded?(e.element) != false {
                        out.append(Neighbor(element: e.element, location: location, distance: 0))
                    }
                }
            } else {
                for i in node.children.indices where query.intersects(node.boxes[i]) {
                    stack.append(node.children[i])
                }
            }
        }
        out.sort { $0.element < $1.element }
        return out
    }
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
