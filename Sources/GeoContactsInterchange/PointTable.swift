package import Geodesy

/// A CSV of points: a header naming a latitude column (`latitude` or `lat`) and a longitude
/// column (`longitude`, `lon` or `lng`), case-insensitive; other columns are ignored. The
/// n-th data row (blank lines skipped) is point n, counting from 1.
package struct PointTable: Sendable {
    /// The points in file order.
    public var points: [Coordinate]

    /// Reads and validates every row.
    ///
    /// - Throws: ``InterchangeError`` naming the line of the first bad row, or the header.
    /// - Complexity: O(file size).
    public init(csv bytes: [UInt8], name: String) throws(InterchangeError) {
        var reader = CSVReader(bytes: bytes)
        guard let header = reader.next() else { throw InterchangeError("\(name): the file is empty (expected a header)") }
        let columns = try CoordinateColumns(header: header, file: name)
        var points: [Coordinate] = []
        while let record = reader.next() {
            if record.isBlank { continue }
            guard let lat = record.text(columns.latitude).flatMap({ Double($0.trimmed) }),
                  let lon = record.text(columns.longitude).flatMap({ Double($0.trimmed) })
            else { throw InterchangeError("\(name): line \(record.line): latitude and longitude must be numbers") }
            do {
                points.append(try Coordinate(validatingLatitude: lat, longitude: lon))
            } catch {
                throw InterchangeError("\(name): line \(record.line): \(error.message)")
            }
        }
        if let error = reader.syntaxError { throw InterchangeError("\(name): \(error)") }
        self.points = points
    }
}

/// Where the coordinates are in a CSV header.
package struct CoordinateColumns: Hashable, Sendable {
    public static let latitudeNames: Set<String> = ["latitude", "lat"]
    public static let longitudeNames: Set<String> = ["longitude", "lon", "lng"]

    public var latitude: Int
    public var longitude: Int

    /// - Throws: ``InterchangeError`` when a coordinate column is missing or given twice.
    public init(header: CSVRecord, file: String) throws(InterchangeError) {
        var latitude: Int?, longitude: Int?
        for (i, raw) in header.fields.enumerated() {
            let name = String(decoding: raw, as: UTF8.self).trimmed.lowercased()
            if Self.latitudeNames.contains(name) {
                guard latitude == nil else { throw InterchangeError("\(file): the header names the latitude twice") }
                latitude = i
            } else if Self.longitudeNames.contains(name) {
                guard longitude == nil else { throw InterchangeError("\(file): the header names the longitude twice") }
                longitude = i
            }
        }
        guard let latitude, let longitude else {
            let missing = [latitude == nil ? "latitude (or lat)" : nil, longitude == nil ? "longitude (or lon, lng)" : nil]
                .compactMap { $0 }.joined(separator: " and ")
            throw InterchangeError("\(file): the header (line \(header.line)) has no \(missing) column")
        }
        self.latitude = latitude
        self.longitude = longitude
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

extension ArraySlice<UInt8> {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: ArraySlice<UInt8> {
        var s = self
        while let f = s.first, f == UInt8(ascii: " ") || f == UInt8(ascii: "\t") { s.removeFirst() }
        while let l = s.last, l == UInt8(ascii: " ") || l == UInt8(ascii: "\t") { s.removeLast() }
        return s
    }
}
