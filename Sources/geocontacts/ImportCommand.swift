import ArgumentParser
import Foundation
import GeoContacts
import GeoContactsInterchange
import GeoContactsSQLite

/// `import`: loads contacts from CSV, GeoJSON or NDJSON into a customer of a data folder.
///
/// Every row is validated exactly as the API validates a create (same paths, same
/// messages), in a dry run against the folder's current state; then the accepted rows are
/// stored in one transaction. Ids given in the file (`id` column, feature id, `"id"`
/// member) are kept, and a `parentId` naming another row's id points to that row, so an
/// export imports back unchanged; rows without an id get fresh ids.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import contacts from a CSV, GeoJSON or NDJSON file.",
        discussion: """
            CSV: a header with latitude/lat, longitude/lon/lng and contract fields by JSON name (id, crs and \
            customFields as a JSON array are also accepted). GeoJSON: a FeatureCollection of Points, properties \
            by JSON name. NDJSON: one create body per line. Invalid rows are reported with their line numbers; \
            the exit status is non-zero when any row was rejected.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var customer: CustomerOption
    @Option(help: "The CRS of the coordinates when a row names none (e.g. EPSG:3857); default WGS84.") var crs: String?
    @Option(help: "csv, geojson or ndjson (default: by extension, else by content).") var format: String?
    @Flag(help: "Import all rows or none: any invalid row rejects the whole file.") var atomic = false
    @Argument(help: "The file to import (- for standard input).") var file: String

    func run() async throws {
        let bytes = try readFile(file)
        let format: ContactFileFormat
        if let name = self.format {
            guard let f = ContactFileFormat(rawValue: name.lowercased()) else {
                throw CommandFailure("--format must be csv, geojson or ndjson, not \(name)")
            }
            format = f
        } else {
            format = ContactFileFormat.detect(path: file, bytes: bytes)
        }
        var reading = ProgressBar(label: "reading  ", total: bytes.count)
        let records = try ContactFileReader.read(bytes, format: format, name: file, crs: crs) { reading.update($0) }
        reading.finish()

        let storage = try data.open(journaling: .recording)
        defer { storage.close() }
        let outcome = try await ImportRun(storage: storage, caller: customer.caller).run(records)

        for (line, problems) in outcome.rejected {
            for text in ImportRecord.report(line: line, problems: problems) { printError(text) }
        }
        let rejected = outcome.rejected.count
        if atomic && rejected > 0 {
            print("nothing imported: \(rejected) of \(records.count) rows rejected")
            throw ExitCode.failure
        }
        do {
            try storage.store(outcome.changes, customer: CustomerID(customer.customer))
        } catch {
            throw CommandFailure(error.message)
        }
        print("imported \(outcome.changes.count) contacts into customer \(customer.customer)"
              + (rejected > 0 ? "; rejected \(rejected) rows" : ""))
        if rejected > 0 { throw ExitCode.failure }
    }
}

/// The dry run of an import: validates every record in order against the folder's state
/// (through the directory, in recording mode) and returns the created contacts with their
/// final ids.
struct ImportRun {
    let storage: ContactStorage
    let caller: Caller

    struct Outcome {
        var changes: [ContactChange]
        var rejected: [(line: Int, problems: [String: [String]])]
    }

    func run(_ records: [ImportRecord]) async throws -> Outcome {
        let directory = storage.directory
        let base = directory.snapshot(of: caller.customer)
        let existing = try storage.storedContacts(of: caller.customer)
        let existingIDs = Set(existing.map(\.id.rawValue))

        // Ids the file gives, first occurrence by line.
        var lineOfFileID: [Int64: Int] = [:]
        for record in records { if let id = record.fileID, lineOfFileID[id] == nil { lineOfFileID[id] = record.line } }
        var nextFresh = max(existingIDs.max() ?? 0, lineOfFileID.keys.max() ?? 0) + 1

        var scratchOfFileID: [Int64: ContactID] = [:]
        var finalOfScratch: [ContactID: ContactID] = [:]
        var rejected: [(line: Int, problems: [String: [String]])] = []
        var progress = ProgressBar(label: "importing", total: records.count)
        for (n, record) in records.enumerated() {
            progress.update(n)
            guard var draft = record.draft, record.problems.isEmpty else {
                rejected.append((record.line, record.problems))
                continue
            }
            // Problems only the import can see; validation still runs, so that a row's every
            // problem is reported at once.
            var own: [String: [String]] = [:]
            if let id = record.fileID {
                if existingIDs.contains(id) {
                    own["id", default: []].append("contact \(id) already exists")
                } else if lineOfFileID[id] != record.line {
                    own["id", default: []].append("\(id) is also the id on line \(lineOfFileID[id]!)")
                }
            }
            if let parent = draft.parentId?.rawValue {
                if let line = lineOfFileID[parent] {
                    if let scratch = scratchOfFileID[parent] {
                        draft.parentId = scratch
                    } else {
                        own["parentId", default: []].append(line < record.line ? "contact \(parent) (line \(line)) was rejected"
                                                                           : "contact \(parent) comes later in the file (line \(line))")
                    }
                } else if !existingIDs.contains(parent) {
                    own["parentId", default: []].append("no contact \(parent) exists")
                }
            }
            if !own.isEmpty {
                // A parent that cannot exist makes the dry run fail for sure (nothing is
                // recorded); the validator's message about it is dropped.
                let impossible = ContactID(Int64.min)
                draft.parentId = impossible
                var problems = own
                do throws(ContactProblem) {
                    _ = try await directory.create(draft, as: caller)
                } catch {
                    let noise = "no contact \(impossible) exists"
                    for (path, messages) in error.errors ?? ["": [error.detail]] {
                        let kept = path == "parentId" ? messages.filter { $0 != noise } : messages
                        if !kept.isEmpty { problems[path, default: []] += kept }
                    }
                }
                rejected.append((record.line, problems))
                continue
            }
            do {
                let scratch = try await directory.create(draft, as: caller)
                let final: ContactID
                if let id = record.fileID {
                    final = ContactID(id)
                    scratchOfFileID[id] = scratch
                } else {
                    final = ContactID(nextFresh)
                    nextFresh += 1
                }
                finalOfScratch[scratch] = final
            } catch {
                rejected.append((record.line, error.errors ?? ["": [error.detail]]))
            }
        }
        progress.finish()

        // The recorded creations, renamed to their final ids.
        var changes: [ContactChange] = []
        var created: [Contact] = []
        for entry in storage.recorder!.entries {
            for change in entry.changes {
                guard case .created(var contact) = change else { continue }
                guard let final = finalOfScratch[contact.id] else {
                    throw CommandFailure("internal error: contact \(contact.id) was created without a row")
                }
                contact.id = final
                if let parent = contact.parentId, let final = finalOfScratch[parent] { contact.parentId = final }
                created.append(contact)
                changes.append(.created(contact))
            }
        }
        // Check the result as a whole before anything is stored (ids unique, parents present, no cycle).
        do {
            try ContactDirectory().restore(customer: caller.customer, groups: base.groups,
                                           definitions: base.customFieldDefinitions, contacts: existing + created)
        } catch {
            throw CommandFailure("import refused, nothing stored: \(error.detail)")
        }
        return Outcome(changes: changes, rejected: rejected)
    }
}
