import ArgumentParser
import Foundation
import GeoContacts
import GeoContactsSQLite
import Geodesy

/// `stats`: opens a data folder as `serve` does (load everything, build every index in bulk)
/// and reports how long that took and what it holds; then answers one nearest query per
/// customer, to show the indexes are queryable.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Load a data folder, report the start-up time and the contents.")

    @OptionGroup var data: DataOptions

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let storage = try data.open(journaling: .readOnly, mustExist: true)
        defer { storage.close() }
        let opened = clock.now
        let s = storage.statistics
        print("data folder: \(storage.folder.url.path)")
        print("customers: \(s.customers), contacts: \(s.contacts)")
        print(String(format: "read %.2f s, indexes %.2f s, open %.2f s", s.readSeconds, s.indexSeconds,
                     (opened - start).seconds))
        for customer in storage.directory.customers {
            let snapshot = storage.directory.snapshot(of: customer)
            guard snapshot.count > 0 else { continue }
            let hits = (try? snapshot.nearest(to: Coordinate(latitude: 51.5, longitude: -0.12), count: 1)) ?? []
            let nearest = hits.first.map { "nearest to (51.5, -0.12): #\($0.contact.id) at \(Int($0.distance)) m" } ?? ""
            print("customer \(customer): \(snapshot.count) contacts, \(snapshot.groups.count) groups; \(nearest)")
        }
        print(String(format: "back and queryable after %.2f s", (clock.now - start).seconds))
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
