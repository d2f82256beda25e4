import ArgumentParser
import Foundation
import GeoContacts
import Geodesy
import GeoContactsInterchange
import GeoContactsSQLite

/// Prints contacts (with distances when given) as JSON lines or an aligned table.
func printContacts(_ contacts: [(contact: Contact, distance: Double?)], format: OutputFormat) {
    var out = StandardOutput()
    switch format {
    case .json:
        for (contact, distance) in contacts {
            var line = ContactFileWriter.ndjsonLine(contact)
            if let distance { line = String(line.dropLast(2)) + ",\"distance\":\(distance)}\n" }
            out.write(line)
        }
    case .table:
        let hasDistance = contacts.contains { $0.distance != nil }
        var rows = [["id", "name", "group", "parent", "latitude", "longitude"] + (hasDistance ? ["distance_m"] : [])]
        for (c, distance) in contacts {
            rows.append([String(c.id.rawValue), c.name, String(c.groupId.rawValue), c.parentId.map { String($0.rawValue) } ?? "-",
                         String(c.location.latitude), String(c.location.longitude)]
                        + (hasDistance ? [distance.map { String(format: "%.3f", $0) } ?? ""] : []))
        }
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max()! }
        for row in rows {
            out.write(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ") + "\n")
        }
    }
    out.flush()
}

extension DataOptions {
    /// Opens the data folder read-only (beside a running `serve`), takes the customer's
    /// snapshot and runs `body`; a problem becomes one line on stderr and a non-zero exit.
    func query(as customer: CustomerOption,
               _ body: (ContactDirectory, CustomerSnapshot) throws(ContactProblem) -> Void) throws {
        let storage = try open(journaling: .readOnly, mustExist: true)
        defer { storage.close() }
        do throws(ContactProblem) {
            try body(storage.directory, try storage.directory.snapshot(as: customer.caller))
        } catch {
            throw CommandFailure(error.description)
        }
    }
}

/// `nearest`: the k contacts nearest to a point, from a data folder.
struct NearestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nearest", abstract: "The contacts nearest to a point (WGS84 geodesic metres).")

    @OptionGroup var data: DataOptions
    @OptionGroup var customer: CustomerOption
    @Option(help: "Latitude (or y / northing with --crs).") var latitude: Double
    @Option(help: "Longitude (or x / easting with --crs).") var longitude: Double
    @Option(help: "The CRS of the point (default WGS84).") var crs: String?
    @Option(help: "How many contacts.") var count: Int = 10
    @Option(help: "Only within this many metres.") var maxDistance: Double?
    @Option(help: "Only members of this group.") var group: Int64?
    @Option(help: "Only the subtree of this contact (its descendants).") var subtree: Int64?
    @Option(help: "Only inside this GeoJSON Polygon or MultiPolygon (a file; edges are geodesics).") var polygon: String?
    @Option(help: "json or table.") var format: OutputFormat = .table

    func run() throws {
        let area = try polygon.map(readPolygon)
        try data.query(as: customer) { directory, snapshot throws(ContactProblem) in
            let point = try directory.point(latitude: latitude, longitude: longitude, crs: crs)
            let hits = try snapshot.nearest(to: point, count: count, maxDistance: maxDistance ?? .infinity,
                                            filter: SpatialFilter(groupId: group.map { GroupID($0) },
                                                                  ancestorId: subtree.map { ContactID($0) }, polygon: area))
            printContacts(hits.map { ($0.contact, $0.distance) }, format: format)
        }
    }
}

/// `inside`: every contact inside a polygon.
struct InsideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inside", abstract: "The contacts inside a GeoJSON Polygon or MultiPolygon (geodesic edges), by id.")

    @OptionGroup var data: DataOptions
    @OptionGroup var customer: CustomerOption
    @Option(help: "A file holding the GeoJSON Polygon or MultiPolygon geometry.") var polygon: String
    @Option(help: "Only members of this group.") var group: Int64?
    @Option(help: "Only the subtree of this contact (its descendants).") var subtree: Int64?
    @Option(help: "json or table.") var format: OutputFormat = .table

    func run() throws {
        let area = try readPolygon(polygon)
        try data.query(as: customer) { _, snapshot throws(ContactProblem) in
            let filter = SpatialFilter(groupId: group.map { GroupID($0) }, ancestorId: subtree.map { ContactID($0) })
            var contacts: [Contact] = []
            var page = PageRequest.all
            while true {
                let result = try snapshot.contacts(inside: area, filter: filter, page: page)
                contacts += result.items.map(\.contact)
                guard let next = result.next else { break }
                page = try PageRequest(after: next, pageSize: PageRequest.maximumPageSize)
            }
            printContacts(contacts.map { ($0, nil) }, format: format)
        }
    }
}

/// A GeoJSON polygon from a file; an unreadable file or a bad polygon is one line on stderr.
func readPolygon(_ path: String) throws -> GeoPolygon {
    guard let bytes = FileManager.default.contents(atPath: path) else {
        throw CommandFailure("cannot read the polygon file \(path)")
    }
    do {
        return try GeoPolygon(geoJSON: bytes)
    } catch {
        throw CommandFailure("\(path): \(error.description)")
    }
}

/// `descendants`: the subtree below a contact.
struct DescendantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "descendants", abstract: "The descendants of a contact (its whole subtree, itself excluded).")

    @OptionGroup var data: DataOptions
    @OptionGroup var customer: CustomerOption
    @Option(help: "The contact id.") var id: Int64
    @Flag(help: "Depth-first (pre-order) instead of breadth-first.") var depthFirst = false
    @Option(help: "Page number, from 1.") var page: Int = 1
    @Option(help: "Page size, 1…1000.") var pageSize: Int = 1000
    @Option(help: "json or table.") var format: OutputFormat = .table

    func run() throws {
        try data.query(as: customer) { directory, snapshot throws(ContactProblem) in
            let result = try snapshot.descendants(of: ContactID(id), order: depthFirst ? .depthFirst : .breadthFirst,
                                                  page: PageRequest(pageNumber: page, pageSize: pageSize))
            printContacts(result.items.map { ($0, nil) }, format: format)
        }
    }
}

/// `within`: every contact within a radius of a point.
struct WithinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "within", abstract: "The contacts within a radius (metres) of a point, nearest first.")

    @OptionGroup var data: DataOptions
    @OptionGroup var customer: CustomerOption
    @Option(help: "Latitude (or y / northing with --crs).") var latitude: Double
    @Option(help: "Longitude (or x / easting with --crs).") var longitude: Double
    @Option(help: "The CRS of the point (default WGS84).") var crs: String?
    @Option(help: "The radius in metres.") var radius: Double
    @Option(help: "Only members of this group.") var group: Int64?
    @Option(help: "json or table.") var format: OutputFormat = .table

    func run() throws {
        try data.query(as: customer) { directory, snapshot throws(ContactProblem) in
            let point = try directory.point(latitude: latitude, longitude: longitude, crs: crs)
            let hits = try snapshot.contacts(within: radius, of: point, filter: SpatialFilter(groupId: group.map { GroupID($0) }))
            printContacts(hits.map { ($0.contact, $0.distance) }, format: format)
        }
    }
}

/// `ancestors`: the path from a contact's parent up to its root.
struct AncestorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ancestors", abstract: "The ancestors of a contact, from its parent up to the root.")

    @OptionGroup var data: DataOptions
    @OptionGroup var customer: CustomerOption
    @Option(help: "The contact id.") var id: Int64
    @Option(help: "json or table.") var format: OutputFormat = .table

    func run() throws {
        try data.query(as: customer) { directory, snapshot throws(ContactProblem) in
            printContacts(try snapshot.ancestors(of: ContactID(id)).map { ($0, nil) }, format: format)
        }
    }
}
