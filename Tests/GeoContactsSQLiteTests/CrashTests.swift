import Foundation
import Testing
@testable import GeoContacts
import GeoContactsSQLite
import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy
import HashTreeCollections

/// A child process (`geocontacts durability-probe`) writes contacts from many concurrent
/// writers and prints each acknowledged id; the test SIGKILLs it at random moments,
/// restarts it on the same folder, and checks after each kill that every acknowledged
/// write is stored and no contact is half-written.
@Suite("Storage: crash safety")
struct CrashTests {
    /// Which version of the contact `durability-probe` writes for its name `probe-P-W-I` this
    /// is: 0 as created, 1 as updated, `nil` for anything else (a torn write).
    static func version(of contact: Contact) -> Int? {
        let parts = contact.name.split(separator: "-")
        guard parts.count == 4, parts[0] == "probe", let w = Int(parts[2]), let i = Int(parts[3]) else { return nil }
        guard contact.groupId == GroupID(1),
              contact.location == Coordinate(latitude: Double((w * 7919 + i) % 17_000) / 100 - 85,
                                             longitude: Double((w * 104_729 + i * 31) % 35_000) / 100 - 175)
        else { return nil }
        let code = CustomFieldValue(definitionId: DefinitionID(2), value: contact.name)
        if contact.town == "town-\(i % 97)",
           contact.customFields == [CustomFieldValue(definitionId: DefinitionID(1), value: String(i)), code] { return 0 }
        if contact.town == "updated",
           contact.customFields == [CustomFieldValue(definitionId: DefinitionID(1), value: String(i + 1_000_000)), code] { return 1 }
        return nil
    }

    @Test("every acknowledged write survives SIGKILL; no contact is half-written", .tags(.slow))
    func killAtRandomMoments() throws {
        let folder = Support.temporaryFolder()
        defer { Support.remove(folder) }
        // A fixed seed (GEOCONTACTS_CRASH_SEED to try others): a failure can be replayed.
        let seed = ProcessInfo.processInfo.environment["GEOCONTACTS_CRASH_SEED"].flatMap { UInt64($0) } ?? 20_261_204
        var rng = SeededGenerator(seed: seed)
        // At least 3 kills; no new round after 15 s (each round is well under 5 s).
        let deadline = Date().addingTimeInterval(15)
        // By name (unique per run): ids of removed contacts may be handed out again after a restart.
        var acknowledged: [String: Int64] = [:]
        var updated: Set<String> = []
        var removed: Set<String> = []
        var seen: Set<String> = []
        var rounds = 0
        while rounds < 10, rounds < 3 || Date() < deadline {
            rounds += 1
            let outURL = folder.url.deletingLastPathComponent()
                .appendingPathComponent("\(folder.url.lastPathComponent)-probe-\(rounds).out")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)  // opening it below fails if this did
            defer { try? FileManager.default.removeItem(at: outURL) }
            let out = try FileHandle(forWritingTo: outURL)
            let process = Process()
            process.executableURL = CommandLineTool.binary
            process.arguments = ["dev", "durability-probe", "--data", folder.url.path, "--customer", "1",
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
                guard parts.count == 3, let id = Int64(parts[1]), parts[2].split(separator: "-").count == 4 else { continue }
                let name = String(parts[2])
                switch parts[0] {
                case "acked": acknowledged[name] = id
                case "updated": updated.insert(name)
                case "removed": removed.insert(name)
                case "seen": seen.insert(name)
                default: continue
                }
            }

            // Restart: everything acknowledged is there, whole; nothing is torn.
            let storage = try ContactStorage.open(folder)
            let snapshot = storage.directory.snapshot(of: CustomerID(1))
            storage.close()
            try snapshot.checkInvariants()
            var byName: [String: Contact] = [:]
            for contact in snapshot.contacts.values { byName[contact.name] = contact }
            for (name, id) in acknowledged {
                let contact = byName[name]
                let context = "seed \(seed), round \(rounds): \(id) \(name)"
                if removed.contains(name) {
                    #expect(contact == nil, "\(context): acknowledged removal lost")
                } else if let contact {
                    #expect(contact.id == ContactID(id), "\(context): stored as \(contact.id)")
                    if updated.contains(name) { #expect(Self.version(of: contact) == 1, "\(context): acknowledged update lost") }
                } else {
                    // Absent is right only if its removal was under way (not acknowledged, maybe committed).
                    let mayBeRemoved = updated.contains(name) && Int(name.split(separator: "-")[3])! % 10 == 0
                    #expect(mayBeRemoved, "\(context): acknowledged create lost")
                }
            }
            // What a reader saw was durable: it is there unless its removal was under way or done.
            for name in seen where byName[name] == nil && !removed.contains(name) {
                let mayBeRemoved = updated.contains(name) && Int(name.split(separator: "-")[3])! % 10 == 0
                #expect(mayBeRemoved, "seed \(seed), round \(rounds): \(name) was seen by a reader, then lost")
            }
            for contact in snapshot.contacts.values {
                #expect(Self.version(of: contact) != nil, "seed \(seed), round \(rounds): torn contact \(contact)")
            }
        }
        #expect(rounds >= 3)
        #expect(acknowledged.count > 0)
        #expect(!updated.isEmpty && !removed.isEmpty && !seen.isEmpty)
        print("crash test: \(rounds) kills; \(acknowledged.count) creates, \(updated.count) updates, \(removed.count) removals acknowledged, \(seen.count) contacts seen by a reader, all checked (seed \(seed))")
    }
}
