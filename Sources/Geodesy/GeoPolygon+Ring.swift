#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension GeoPolygon {
    /// One closed ring with what the point test needs: its edges, which poles it encloses,
    /// its bounds and a longitude index of its edges.
    struct Ring: Sendable {
        enum Location: Equatable { case inside, outside, boundary }

        /// A geodesic edge from `start`, `span` degrees of longitude east (negative: west),
        /// leaving at `azimuth`, between latitudes `south` and `north` (its bulge included,
        /// widened by ``latitudeMargin``).
        struct Edge: Sendable {
            var start: Coordinate
            var end: Coordinate
            var span: Double
            var azimuth: Double
            var south: Double
            var north: Double
        }

        /// Widening of each edge's latitude range, in degrees (~1 cm): a point this close in
        /// latitude is decided by the exact test.
        static let latitudeMargin = 1e-7

        let edges: [Edge]
        let containsNorthPole: Bool
        let containsSouthPole: Bool
        let bounds: GeoBox
        let index: EdgeIndex

        init(_ given: [Coordinate], isHole: Bool, name: String) throws(GeodesyError) {
            guard given.count >= 4 else { throw GeoPolygon.invalid("\(name) has \(given.count) positions; a ring needs at least 4") }
            guard given.first == given.last else {
                throw GeoPolygon.invalid("\(name) is not closed: its last position must equal its first")
            }
            var vertices: [Coordinate] = []
            vertices.reserveCapacity(given.count)
            for (i, vertex) in given.dropLast().enumerated() {
                do {
                    _ = try Coordinate(validatingLatitude: vertex.latitude, longitude: vertex.longitude)
                } catch {
                    throw GeodesyError(error.code, field: error.field, message: "\(name), position \(i): \(error.message)")
                }
                guard abs(vertex.latitude) < 90 else {
                    throw GeoPolygon.invalid("\(name), position \(i) lies at a pole; a ring around the pole encloses it")
                }
                if let last = vertices.last, Self.same(last, vertex) { continue }
                vertices.append(vertex)
            }
            if vertices.count > 1, let first = vertices.first, let last = vertices.last, Self.same(first, last) { vertices.removeLast() }
            guard vertices.count >= 3 else { throw GeoPolygon.invalid("\(name) has fewer than 3 distinct vertices") }

            var edges: [Edge] = []
            edges.reserveCapacity(vertices.count)
            var longitude = vertices[0].longitude, lowest = longitude, highest = longitude
            var south = 90.0, north = -90.0
            for (i, start) in vertices.enumerated() {
                let end = vertices[i + 1 == vertices.count ? 0 : i + 1]
                let span = Self.normalized(end.longitude - start.longitude)
                guard abs(span) < GeoPolygon.maximumEdgeSpan else {
                    throw GeoPolygon.invalid("\(name): the edge from position \(i) spans \(abs(span))° of longitude, "
                                             + "\(GeoPolygon.maximumEdgeSpan)° at most; add a vertex in between")
                }
                let edge = Self.edge(from: start, to: end, span: span)
                edges.append(edge)
                longitude += span
                lowest = min(lowest, longitude)
                highest = max(highest, longitude)
                south = min(south, edge.south)
                north = max(north, edge.north)
            }
            let turns = ((longitude - vertices[0].longitude) / 360).rounded()
            guard abs(turns) <= 1 else { throw GeoPolygon.invalid("\(name) winds around a pole more than once") }
            // Exteriors enclose what lies on their left, holes what lies on their right.
            let eastward = (turns == 1) != isHole
            containsNorthPole = turns != 0 && eastward
            containsSouthPole = turns != 0 && !eastward
            if turns != 0 || highest - lowest >= 360 {
                bounds = GeoBox(south: containsSouthPole ? -90 : max(-90, south), west: -180,
                                north: containsNorthPole ? 90 : min(90, north), east: 180)
            } else {
                bounds = GeoBox(south: max(-90, south), west: Self.wrapped(lowest), north: min(90, north), east: Self.wrapped(highest))
            }
            self.edges = edges
            index = EdgeIndex(edges, origin: vertices[0].longitude)
        }

        /// Where `point` lies with respect to the ring.
        func locate(_ point: Coordinate) -> Location {
            if point.latitude >= 90 { return containsNorthPole ? .inside : .outside }
            if point.latitude <= -90 { return containsSouthPole ? .inside : .outside }
            // Inside exactly when on the North pole's side an even number of crossings away.
            var inside = containsNorthPole
            for i in index.edges(near: point.longitude) {
                let edge = edges[Int(i)]
                // Each vertex's side of the point's meridian, computed the same way for both of
                // its edges (a vertex on the meridian counts as east), so that a vertex near
                // the meridian is crossed exactly once whatever the rounding.
                let a = Self.normalized(edge.start.longitude - point.longitude)
                let b = Self.normalized(edge.end.longitude - point.longitude)
                guard abs(a - b) < 180, min(a, b) <= 0, max(a, b) >= 0 else { continue }
                let crosses = (a >= 0) != (b >= 0)
                if point.latitude > edge.north { continue }
                if point.latitude < edge.south {
                    if crosses { inside.toggle() }
                    continue
                }
                let inverse = Geodesic.wgs84.inverse(from: edge.start, to: point)
                if inverse.distance <= GeoPolygon.boundaryTolerance { return .boundary }
                if edge.span == 0 {
                    // A meridian edge, and the point on its meridian.
                    let low = min(edge.start.latitude, edge.end.latitude), high = max(edge.start.latitude, edge.end.latitude)
                    if point.latitude >= low && point.latitude <= high { return .boundary }
                    continue
                }
                let offset = inverse.distance * sin((inverse.initialAzimuth - edge.azimuth) * .pi / 180)
                if abs(offset) <= GeoPolygon.boundaryTolerance { return .boundary }
                // Leaving nearer south than the edge does: the point is south of the crossing.
                if crosses && abs(inverse.initialAzimuth) > abs(edge.azimuth) { inside.toggle() }
            }
            return inside ? .inside : .outside
        }

        /// The edge from `start` to `end` with its latitude range: the geodesic's vertex (its
        /// highest or lowest point, by Clairaut's relation cos β · sin α = const on reduced
        /// latitudes) when the edge passes it.
        static func edge(from start: Coordinate, to end: Coordinate, span: Double) -> Edge {
            let inverse = Geodesic.wgs84.inverse(from: start, to: end)
            var south = min(start.latitude, end.latitude), north = max(start.latitude, end.latitude)
            if span != 0 {
                let f = Geodesic.wgs84.flattening
                let degrees = Double.pi / 180
                let reduced = atan((1 - f) * tan(start.latitude * degrees))
                let clairaut = abs(cos(reduced) * sin(inverse.initialAzimuth * degrees))
                let vertexReduced = acos(min(1, clairaut))
                let vertex = atan(tan(vertexReduced) / (1 - f)) / degrees
                let leaving = cos(inverse.initialAzimuth * degrees), arriving = cos(inverse.finalAzimuth * degrees)
                if leaving > 0 && arriving < 0 { north = max(north, vertex) }
                if leaving < 0 && arriving > 0 { south = min(south, -vertex) }
            }
            return Edge(start: start, end: end, span: span, azimuth: inverse.initialAzimuth,
                        south: south - latitudeMargin, north: north + latitudeMargin)
        }

        /// Two positions name the same point (longitudes −180 and 180 are one meridian).
        static func same(_ a: Coordinate, _ b: Coordinate) -> Bool {
            a.latitude == b.latitude && normalized(a.longitude - b.longitude) == 0
        }

        /// A longitude difference in (−180, 180].
        @inline(__always) static func normalized(_ degrees: Double) -> Double {
            var d = degrees
            if d > 180 { d -= 360 } else if d <= -180 { d += 360 }
            return d
        }

        /// A longitude in [−180, 180].
        static func wrapped(_ degrees: Double) -> Double {
            let r = (degrees + 180).truncatingRemainder(dividingBy: 360)
            return (r < 0 ? r + 360 : r) - 180
        }
    }
}

extension GeoPolygon.Ring {
    /// The edges by longitude: the ring's longitudes (unwrapped from its first vertex) cut into
    /// equal buckets, each listing the edges whose longitude range meets it (ranges widened a
    /// little, so that rounding never leaves an edge out: the test itself is exact).
    struct EdgeIndex: Sendable {
        let origin: Double
        let width: Double
        let bucketCount: Int
        let starts: [Int32]
        let items: [Int32]
        static let slack = 1e-9

        init(_ edges: [Edge], origin start: Double) {
            var longitude = start, lowest = start, highest = start
            var ranges: [(Double, Double)] = []
            ranges.reserveCapacity(edges.count)
            for edge in edges {
                let next = longitude + edge.span
                ranges.append((min(longitude, next), max(longitude, next)))
                longitude = next
                lowest = min(lowest, longitude)
                highest = max(highest, longitude)
            }
            origin = lowest
            width = min(360, max(highest - lowest, 0))
            bucketCount = width == 0 ? 1 : max(1, min(edges.count / 2, 4096))
            var lists = [[Int32]](repeating: [], count: bucketCount)
            for (i, range) in ranges.enumerated() {
                for bucket in Self.buckets(from: range.0 - lowest - Self.slack, to: range.1 - lowest + Self.slack,
                                           width: width, count: bucketCount) {
                    lists[bucket].append(Int32(i))
                }
            }
            var starts: [Int32] = [0]
            starts.reserveCapacity(bucketCount + 1)
            for list in lists { starts.append(starts[starts.count - 1] + Int32(list.count)) }
            self.starts = starts
            items = lists.flatMap { $0 }
        }

        /// The buckets that the range [low, high] (degrees from the origin) meets; ranges reduce
        /// modulo 360 when the ring covers every longitude.
        static func buckets(from low: Double, to high: Double, width: Double, count: Int) -> [Int] {
            guard width > 0 else { return [0] }
            if width < 360 {
                let first = Swift.max(0, Int((Swift.max(low, 0) / width * Double(count)).rounded(.down)))
                let last = Swift.min(count - 1, Int((Swift.min(high, width) / width * Double(count)).rounded(.down)))
                return first <= last ? Array(first...last) : []
            }
            let step = 360 / Double(count)
            let from = Int((low / step).rounded(.down)), to = Int((high / step).rounded(.down))
            guard to - from < count else { return Array(0..<count) }
            return (from...to).map { (($0 % count) + count) % count }
        }

        /// Indexes of the edges whose longitude range may hold `longitude`.
        func edges(near longitude: Double) -> ArraySlice<Int32> {
            var offset = (longitude - origin).truncatingRemainder(dividingBy: 360)
            if offset < 0 { offset += 360 }
            let bucket: Int
            if width >= 360 || width == 0 {
                bucket = width == 0 ? 0 : Swift.min(bucketCount - 1, Int(offset / 360 * Double(bucketCount)))
            } else if offset <= width + Self.slack {
                bucket = Swift.min(bucketCount - 1, Int(Swift.min(offset, width) / width * Double(bucketCount)))
            } else if offset >= 360 - Self.slack {
                bucket = 0
            } else {
                return []
            }
            return items[Int(starts[bucket])..<Int(starts[bucket + 1])]
        }
    }
}
