import ArgumentParser
import Foundation
import GeoContacts
import GeoContactsSQLite
import Geodesy
#if canImport(Glibc)
import CMalloc
#endif

/// `stats`: opens a data folder as `serve` does (load everything, build every index in bulk)
/// and reports how long that took and what it holds; then answers one nearest query per
/// customer, to show the indexes are queryable. `--memory` adds where the memory goes.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Load a data folder, report the start-up time and the contents.")

    @OptionGroup var data: DataOptions
    @Flag(help: "Also report the process's memory and, per customer, the heap bytes each index holds (each built again alone to weigh it).")
    var memory = false

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
        if memory { reportMemory(storage.directory) }
    }

    private func reportMemory(_ directory: ContactDirectory) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func kilobytes(_ key: String) -> Int {
            status.split(separator: "\n").first { $0.hasPrefix(key + ":") }
                .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
                .flatMap { Int($0) } ?? 0
        }
        let megabyte = 1024.0 * 1024.0
        print(String(format: "memory: resident %.0f MB, peak resident %.0f MB, heap in use %.0f MB",
                     Double(kilobytes("VmRSS")) / 1024, Double(kilobytes("VmHWM")) / 1024, Double(Self.heapInUse()) / megabyte))
        for customer in directory.customers {
            let snapshot = directory.snapshot(of: customer)
            guard snapshot.count > 0 else { continue }
            print("customer \(customer), \(snapshot.count) contacts (heap bytes of each structure, built again alone):")
            snapshot.weighStructures { name, build in
                let before = Self.heapInUse()
                let value = build()
                let bytes = max(0, Self.heapInUse() - before)  // never below zero: a build may free what it found
                withExtendedLifetime(value) {}
                print(String(format: "  %8.1f MB  %6.1f B/contact  %@", Double(bytes) / megabyte,
                             Double(bytes) / Double(snapshot.count), name))
            }
        }
    }

    /// Bytes the allocator has handed out and not taken back (small chunks and mmapped ones).
    private static func heapInUse() -> Int {
        #if canImport(Glibc)
        let info = geocontacts_heap_statistics()
        return Int(info.uordblks) + Int(info.hblkhd)
        #else
        return 0
        #endif
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
