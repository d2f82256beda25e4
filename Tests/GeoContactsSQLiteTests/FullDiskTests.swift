import Foundation
import Synchronization
import Testing
@testable import GeoContacts
import GeoContactsSQLite
import Geodesy

#if canImport(Glibc)
import Glibc
#endif

/// A real full filesystem (a 4 MiB tmpfs, mounted by the test: it needs root, as CI runs):
/// writes that cannot be stored answer `storage-failed`, are never seen by a reader, health
/// says so; once space is freed the store goes on, and a restart shows exactly what was
/// acknowledged.
@Suite("Storage: a full disk", .enabled(if: getuid() == 0, "mounting a tmpfs needs root (CI runs as root)"))
struct FullDiskTests {
    static func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func fullDiskRefusesWritesInvisiblyAndRecovers() async throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("geocontacts-fulldisk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        try #require(try Self.shell("mount -t tmpfs -o size=4m tmpfs '\(mount.path)'") == 0, "cannot mount a tmpfs")
        defer {
            _ = try? Self.shell("umount '\(mount.path)'")
            try? FileManager.default.removeItem(at: mount)
        }
        let folder = DataFolder(url: mount.appendingPathComponent("data"))
        let storage = try ContactStorage.open(folder)
        let directory = storage.directory
        let caller = Support.caller(1)
        try await directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: caller)
        func draft(_ name: String) -> ContactDraft {
            ContactDraft(name: name, groupId: GroupID(1), extraInformation: String(repeating: "x", count: 250),
                         location: LocationInput(latitude: 1, longitude: 2))
        }
        // Leave a little room, then write until the disk is full.
        let filler = mount.appendingPathComponent("filler")
        _ = try Self.shell("dd if=/dev/zero of='\(filler.path)' bs=64k count=40 2>/dev/null")

        let refusedNames = Mutex<Set<String>>([])
        let stop = Mutex(false)
        let reader = Task.detached { () -> Set<String> in
            var seen: Set<String> = []
            while !stop.withLock({ $0 }) {
                directory.snapshot(of: CustomerID(1)).forEachContact { seen.insert($0.name) }
                await Task.yield()
            }
            return seen
        }
        var acknowledged: [String] = []
        var refusals = 0
        for i in 0..<20_000 where refusals < 5 {
            let name = "c\(i)"
            do throws(ContactProblem) {
                _ = try await directory.create(draft(name), as: caller)
                acknowledged.append(name)
            } catch {
                #expect(error.code == .storageFailed, "\(error)")
                refusedNames.withLock { _ = $0.insert(name) }
                refusals += 1
            }
        }
        try #require(refusals == 5, "the disk never filled up (\(acknowledged.count) writes acknowledged)")
        let health = try #require(storage.journal?.health)
        #expect(!health.isHealthy && health.failedBatches >= 5)
        print("full disk: \(acknowledged.count) writes acknowledged, then refused: \(health.lastFailure ?? "?")")

        // Free space: the store goes on by itself.
        try FileManager.default.removeItem(at: filler)
        _ = try await directory.create(draft("after"), as: caller)
        acknowledged.append("after")
        #expect(storage.journal?.health.isHealthy == true)
        stop.withLock { $0 = true }
        let seen = await reader.value
        #expect(seen.isDisjoint(with: refusedNames.withLock { $0 }), "a reader saw a write that was never stored")
        #expect(Support.allContacts(directory.snapshot(of: CustomerID(1))).map(\.name) == acknowledged)
        storage.close()

        let reopened = try ContactStorage.open(folder)
        defer { reopened.close() }
        let snapshot = reopened.directory.snapshot(of: CustomerID(1))
        try snapshot.checkInvariants()
        #expect(Support.allContacts(snapshot).map(\.name) == acknowledged)
    }
}
