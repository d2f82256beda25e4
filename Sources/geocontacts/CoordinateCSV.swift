import ArgumentParser
import Foundation
import Geodesy

/// Reading and writing WGS84 points as CSV: a header row, then one point a line.
///
/// Reading accepts any column order and extra columns; latitude is the column named
/// `latitude` or `lat`, longitude `longitude`, `lon`, `lng` or `long` (case-insensitive,
/// optionally quoted). Fields are split on commas; quoted fields with embedded commas
/// are not supported. Blank lines are skipped.
enum CoordinateCSV {
    static func read(path: String) throws -> [Coordinate] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        return try parse(data, name: path)
    }

    static func parse(_ data: Data, name: String) throws -> [Coordinate] {
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .makeIterator()
        guard let header = lines.next() else { throw ValidationError("\(name) is empty") }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map(clean)
        guard let lat = columns.firstIndex(where: { ["latitude", "lat"].contains($0.lowercased()) }) else {
            throw ValidationError("\(name): no latitude column (latitude or lat) in header \"\(header)\"")
        }
        guard let lon = columns.firstIndex(where: { ["longitude", "lon", "lng", "long"].contains($0.lowercased()) })
        else {
            throw ValidationError("\(name): no longitude column (longitude, lon or lng) in header \"\(header)\"")
        }
        var result: [Coordinate] = []
        result.reserveCapacity(data.count / 36)
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count > max(lat, lon),
                  let latitude = Double(clean(fields[lat])), let longitude = Double(clean(fields[lon]))
            else {
                throw ValidationError("\(name):\(lineNumber): expected numbers in columns \(lat + 1) and \(lon + 1)")
            }
            do {
                result.append(try Coordinate(validatingLatitude: latitude, longitude: longitude))
            } catch {
                throw ValidationError("\(name):\(lineNumber): \(error)")
            }
        }
        return result
    }

    /// Writes the header and one `latitude,longitude` line per point, each double in its
    /// shortest exact form (so reading the file back gives the same coordinates).
    static func write(_ points: [Coordinate], to output: FileHandle) {
        var chunk = "latitude,longitude\n"
        chunk.reserveCapacity(1 << 20)
        for p in points {
            chunk += "\(p.latitude),\(p.longitude)\n"
            if chunk.utf8.count >= 1 << 20 {
                output.write(Data(chunk.utf8))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        output.write(Data(chunk.utf8))
    }

    private static func clean<S: StringProtocol>(_ field: S) -> String {
        var s = field.trimmingCharacters(in: .whitespaces)
        if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") { s = String(s.dropFirst().dropLast()) }
        return s
    }
}
