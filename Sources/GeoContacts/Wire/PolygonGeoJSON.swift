public import Geodesy

extension GeoPolygon {
    /// Reads a GeoJSON (RFC 7946) `Polygon` or `MultiPolygon` geometry object: positions are
    /// `[longitude, latitude]` (a third number, the altitude, is ignored), rings closed, the
    /// first ring of each polygon its exterior. Edges are geodesics (see ``GeoPolygon``).
    ///
    /// Decoded strictly like every body: unknown or repeated properties and wrong JSON types
    /// are refused naming the path (`coordinates[0][3]`); a member `bbox` is allowed and ignored.
    ///
    /// - Throws: `malformed-json` or `invalid-body` for the shape; `validation-failed`
    ///   with `errors.coordinates` when the rings are not a valid polygon (not closed, too few
    ///   positions, an edge spanning 179° of longitude or more, a vertex at a pole, a position
    ///   out of range).
    public init(geoJSON bytes: some Collection<UInt8>) throws(ContactProblem) {
        var d = StrictDecoder()
        let m = d.members(try StrictDecoder.parseObject(bytes), allowed: ["type", "coordinates", "bbox"], prefix: "")
        let type = m["type"].flatMap { d.string($0, "type") }
        var polygons: [[[Coordinate]]] = []
        switch type {
        case "Polygon"?:
            if let c = m["coordinates"] { polygons = [d.rings(c, "coordinates")] }
        case "MultiPolygon"?:
            if let c = m["coordinates"] { polygons = d.array(c, "coordinates") { d, item, path in d.rings(item, path) } }
        case let other?:
            d.problems.add("type", "must be Polygon or MultiPolygon, not \"\(other.prefix(40))\"")
        case nil:
            if m["type"] == nil { d.problems.add("type", "is required") }
        }
        if m["coordinates"] == nil { d.problems.add("coordinates", "is required") }
        try d.problems.throwIfAny(.invalidBody)
        do {
            self = try GeoPolygon(polygons: polygons)
        } catch {
            throw ContactProblem.validation(["coordinates": [error.message]])
        }
    }
}

extension StrictDecoder {
    /// A polygon's rings: arrays of positions. A ring stops at its first bad position (one
    /// problem a ring, however long a hostile ring is).
    mutating func rings(_ value: JSONValue, _ path: String) -> [[Coordinate]] {
        array(value, path) { d, ring, ringPath in
            guard case .array(let positions) = ring else {
                d.problems.add(ringPath, "must be an array of positions, not \(ring.typeName)")
                return nil
            }
            var vertices: [Coordinate] = []
            vertices.reserveCapacity(positions.count)
            for (i, position) in positions.enumerated() {
                guard case .array(let numbers) = position, (2...3).contains(numbers.count) else {
                    d.problems.add("\(ringPath)[\(i)]", "must be a position: [longitude, latitude]")
                    return nil
                }
                guard let longitude = d.double(numbers[0], "\(ringPath)[\(i)][0]"),
                      let latitude = d.double(numbers[1], "\(ringPath)[\(i)][1]"),
                      numbers.count == 2 || d.double(numbers[2], "\(ringPath)[\(i)][2]") != nil
                else { return nil }
                vertices.append(Coordinate(latitude: latitude, longitude: longitude))
            }
            return vertices
        }
    }
}
