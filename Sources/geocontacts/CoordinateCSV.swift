import Foundation
import Geodesy

/// Writing WGS84 points as CSV (`geocontacts dev generate`); reading them back is
/// `PointTable` (GeoContactsInterchange), for every command.
enum CoordinateCSV {
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
}
