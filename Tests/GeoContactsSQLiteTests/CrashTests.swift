import Foundation
import Testing
@testable import GeoContacts
import GeoContactsSQLite
import GeoContactsTestSupport
import Geodesy

/// A child process (`geocontacts durability-probe`) writes contacts from many concurrent
/// writers and prints each acknowledged id; the test SIGKILLs it at random moments,
/// restarts it on the same folder, and checks after each kill that every acknowledged
/// write is stored and no contact is half-written.
@Suite("Storage: crash safety")
struct CrashTests {
    /// The contact `durability-probe` writes for a name `probe-P-W-I` (see its `draft`).
    static func isWhole(_ contact: Contact) -> Bool {
        let parts = contact.name.split(separator: "-")
        guard parts.count == 4, parts[0] == "probe", let w = Int(parts[2]), let i = Int(parts[3]) else { return false }
        return contact.groupId == GroupID(1)
            && contact.town == "town-\(i % 97)"
            && contact.location == Coordinate(latitude: Double((w * 7919 + i) % 17_000) / 100 - 85,
                                              longitude: Double((w * 104_729 + i * 31) % 35_000) / 100 - 175)
            && contact.customFields == [CustomFieldValue(definitionId: DefinitionID(1), value: String(i)),
                                        CustomFieldValue(definitionId: DefinitionID(2), value: contact.name)]
    }

    @Test("every acknowledged write survives SIGKILL; no contact is half-written")
    func killAtRandomMoments() throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        let seed = UInt64(Date().timeIntervalSince1970)
        var rng = SeededGenerator(seed: seed)
        let deadline = Date().addingTimeInterval(18)
        var acknowledged: [Int64: String] = [:]
        var rounds = 0
        while rounds < 10, Date() < deadline {
            rounds += 1
            let outURL = folder.url.deletingLastPathComponent()
                .appendingPathComponent("\(folder.url.lastPathComponent)-probe-\(rounds).out")
            FileManager.default.createFile(atPath: outURL.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: outURL) }
            let out = try FileHandle(forWritingTo: outURL)
            let process = Process()
            process.executableURL = Support.binary
            process.arguments = ["durability-probe", "--data", folder.url.path, "--customer", "1",
                                 "--writers", "16", "--prefix", String(rounds)]
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait until it is writing, then kill it after a random delay.
            let started = Date()
            while Date().timeIntervalSince(started) < 10 {
                if let text = try? String(contentsOf: outURL, encoding: .utf8), text.hasPrefix("ready\n") { break }
                usleep(5_000)
            }
            usleep(UInt32.random(in: 20_000...600_000, using: &rng))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try out.close()
            #expect(process.terminationReason == .uncaughtSignal, "seed \(seed): the probe ended by itself")
            let lines = try String(contentsOf: outURL, encoding: .utf8).split(separator: "\n")
            #expect(lines.first == "ready", "seed \(seed), round \(rounds): probe did not start: \(lines.prefix(3))")
            for line in lines.dropFirst() {
                let parts = line.split(separator: " ")
                // The last line may be cut by the kill mid-write: count only complete lines.
                guard parts.count == 3, parts[0] == "acked", let id = Int64(parts[1]),
                      parts[2].split(separator: "-").count == 4 else { continue }
                acknowledged[id] = String(parts[2])
            }

            // Restart: everything acknowledged is there, whole; nothing is torn.
            let storage = try ContactStorage.open(folder)
            let snapshot = storage.directory.snapshot(of: CustomerID(1))
            storage.close()
            try snapshot.checkInvariants()
            for (id, name) in acknowledged {
                let contact = snapshot.contacts[ContactID(id)]
                #expect(contact?.name == name, "seed \(seed), round \(rounds): acknowledged \(id) \(name) lost")
            }
            for contact in snapshot.contacts.values {
                #expect(Self.isWhole(contact), "seed \(seed), round \(rounds): torn contact \(contact)")
            }
        }
        #expect(rounds >= 3)
        #expect(acknowledged.count > 0)
        print("crash test: \(rounds) kills, \(acknowledged.count) acknowledged writes checked (seed \(seed))")
    }
}
