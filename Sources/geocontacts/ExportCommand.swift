import ArgumentParser
import Foundation
import GeoContacts
import GeoContactsInterchange
import GeoContactsPostgres
import GeoContactsSQLite

/// `export`: writes a customer's contacts as GeoJSON, CSV or NDJSON, in a form `import` reads
/// back unchanged (ids kept, parents before children).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export a customer's contacts as GeoJSON, CSV or NDJSON (to stdout).")

    @OptionGroup var data: DataOptions
    @OptionGroup var postgres: PostgresOption
    @OptionGroup var customer: CustomerOption
    @Option(help: "geojson, csv or ndjson.") var format: String

    func run() async throws {
        guard let format = ContactFileFormat(rawValue: format.lowercased()) else {
            throw CommandFailure("--format must be geojson, csv or ndjson, not \(self.format)")
        }
        let contacts: [Contact]
        if let url = postgres.url {
            do {
                contacts = ContactFileWriter.exportOrder(
                    try await PostgresContactStorage.stored(CustomerID(customer.customer), url: url).contacts)
            } catch {
                throw CommandFailure(error.description)
            }
        } else {
            let storage = try data.open(journaling: .readOnly, mustExist: true)
            defer { storage.close() }
            do {
                contacts = ContactFileWriter.exportOrder(try storage.storedContacts(of: CustomerID(customer.customer)))
            } catch {
                throw CommandFailure(error.message)
            }
        }
        var out = StandardOutput()
        switch format {
        case .csv:
            out.write(ContactFileWriter.csvHeader)
            for c in contacts { out.write(ContactFileWriter.csvRecord(c)) }
        case .ndjson:
            for c in contacts { out.write(ContactFileWriter.ndjsonLine(c)) }
        case .geojson:
            out.write(ContactFileWriter.geojsonStart)
            for (i, c) in contacts.enumerated() {
                if i > 0 { out.write(",\n") }
                out.write(ContactFileWriter.geojsonFeature(c))
            }
            out.write(ContactFileWriter.geojsonEnd)
        }
        out.flush()
    }
}
