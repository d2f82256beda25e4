import ArgumentParser
import Foundation
import GeoContacts
import GeoContactsSQLite

/// `durability-probe` (hidden): many concurrent writers create, update and remove contacts
/// as fast as the journal acknowledges them and print each acknowledged write
/// (`acked <id> <name>`, `updated <id> <name>`, `removed <id> <name>`), so that a test can
/// SIGKILL the process at any moment and check that every acknowledged write survived and
/// nothing is half-written. A reader meanwhile prints every contact it finds in a snapshot
/// (`seen <id> <name>`): readers see only durable writes, so each of them must survive too.
///
/// Each contact is a pure function of its name (`probe-PREFIX-W-I`) and version: created with
/// town `town-(I mod 97)` and custom fields Visits = I, Code = name; an update sets town
/// `updated` and Visits = I + 1,000,000 (deleting and re-inserting its custom-field rows), so a
/// reader can tell a whole contact of either version from a torn one. Every writer updates its
/// previous contact after each create, and removes every tenth one after updating it.
struct DurabilityProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "durability-probe", abstract: "Write contacts concurrently, printing each acknowledged id.",
        shouldDisplay: false)

    @OptionGroup var data: DataOptions
    @OptionGroup var customer: CustomerOption
    @Option(help: "Concurrent writers.") var writers: Int = 16
    @Option(help: "Contacts per writer.") var count: Int = 100_000
    @Option(help: "Prefix of the names (probe-PREFIX-W-I), to tell runs apart.") var prefix: String = "0"

    static let group = GroupID(1)
    static let visits = CustomFieldDefinition(id: DefinitionID(1), name: "Visits", type: .integer)
    static let code = CustomFieldDefinition(id: DefinitionID(2), name: "Code", type: .text)

    /// The draft for `name`; the same name always gives the same contact.
    static func draft(prefix: String, writer: Int, index: Int) -> ContactDraft {
        let name = "probe-\(prefix)-\(writer)-\(index)"
        return ContactDraft(
            name: name, groupId: group, town: "town-\(index % 97)",
            location: LocationInput(latitude: Double((writer * 7919 + index) % 17_000) / 100 - 85,
                                    longitude: Double((writer * 104_729 + index * 31) % 35_000) / 100 - 175),
            customFields: [CustomFieldInput(definitionId: visits.id, value: String(index)),
                           CustomFieldInput(definitionId: code.id, value: name)])
    }

    /// The update applied to contact `index` of a writer.
    static func update(index: Int) -> ContactPatch {
        var patch = ContactPatch()
        patch.town = .value("updated")
        patch.customFields = .value([CustomFieldInput(definitionId: visits.id, value: String(index + 1_000_000))])
        return patch
    }

    func run() async throws {
        let storage = try data.open()
        let caller = customer.caller
        let directory = storage.directory
        do {
            try await directory.defineGroup(ContactGroup(id: Self.group, name: "Probe"), as: caller)
            try await directory.defineCustomField(Self.visits, as: caller)
            try await directory.defineCustomField(Self.code, as: caller)
        } catch {
            throw CommandFailure(error.description)
        }
        emit("ready\n")
        let writers = self.writers, count = self.count, prefix = self.prefix
        let reader = Task {
            var reported: Int64 = 0
            while !Task.isCancelled {
                var newest: [(id: Int64, name: String)] = []
                directory.snapshot(of: caller.customer).forEachContact { contact in
                    if contact.id.rawValue > reported { newest.append((contact.id.rawValue, contact.name)) }
                }
                for contact in newest.sorted(by: { $0.id < $1.id }) {
                    emit("seen \(contact.id) \(contact.name)\n")
                    reported = contact.id
                }
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
        defer { reader.cancel() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    var previous: (id: ContactID, name: String, index: Int)?
                    for i in 0..<count {
                        let draft = Self.draft(prefix: prefix, writer: w, index: i)
                        let id = try await directory.create(draft, as: caller)
                        emit("acked \(id) \(draft.name!)\n")
                        if let (pid, pname, pindex) = previous {
                            try await directory.update(pid, with: Self.update(index: pindex), as: caller)
                            emit("updated \(pid) \(pname)\n")
                            if pindex % 10 == 0 {
                                try await directory.remove(pid, as: caller)
                                emit("removed \(pid) \(pname)\n")
                            }
                        }
                        previous = (id, draft.name!, i)
                    }
                }
            }
            try await group.waitForAll()
        }
        storage.close()
    }
}

/// Writes straight to file descriptor 1, unbuffered: a line printed is a line the test sees.
private func emit(_ line: String) {
    var bytes = Array(line.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if n <= 0 { return }
            offset += n
        }
    }
}
