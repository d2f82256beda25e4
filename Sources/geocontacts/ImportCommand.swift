import ArgumentParser
import Foundation
import GeoContacts
import GeoContactsInterchange
import GeoContactsPostgres
import GeoContactsSQLite

/// `import`: loads contacts from CSV, GeoJSON or NDJSON into a customer of a data folder.
///
/// The file is read in chunks of whole records (``ContactFileChunker``, 8 MiB): each chunk's
/// rows are validated exactly as the API validates a create (same paths, same messages)
/// and created through the directory's bulk create, then stored in one transaction before
/// the next chunk is read; the import so holds one chunk of the file, not all of it
/// (GeoJSON, one document, is read whole). With `--atomic` nothing is stored unless every
/// row is accepted: the accepted rows are then kept in memory until one final transaction.
/// Ids given in the file (`id` column, feature id, `"id"` member) are kept, so an export
/// imports back unchanged and a `parentId` can name an earlier row; rows without an id get
/// fresh ids above every id the customer ever used. With `--server URL --token T` the rows go
/// to a running service's bulk endpoint instead (`POST /v1/contactBatches`, durable per
/// request), which gives every contact its id: a row that names one is refused there.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import contacts from a CSV, GeoJSON or NDJSON file.",
        discussion: """
            CSV: a header with latitude/lat, longitude/lon/lng and contract fields by JSON name (id, crs and \
            customFields as a JSON array are also accepted). GeoJSON: a FeatureCollection of Points, properties \
            by JSON name. NDJSON: one create body per line. Invalid rows are reported with their line numbers; \
            the exit status is non-zero when any row was rejected. A parentId must name a contact that exists \
            or a row earlier in the file.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var postgres: PostgresOption
    @OptionGroup var customer: CustomerOption
    @Option(help: "The CRS of the coordinates when a row names none (e.g. EPSG:3857); default WGS84.") var crs: String?
    @Option(help: "csv, geojson or ndjson (default: by extension, else by content).") var format: String?
    @Flag(help: "Import all rows or none: any invalid row rejects the whole file.") var atomic = false
    @Option(help: "Feed a running service instead of a data folder: its base URL, e.g. http://127.0.0.1:8080.")
    var server: String?
    @Option(help: "The bearer token for --server (contacts:write for the customer).") var token: String?
    @Option(help: ArgumentHelp("Bytes of the file read and stored at a time (whole records).", visibility: .hidden))
    var chunkSize = 8 << 20
    @Option(help: ArgumentHelp("Rows a --server request holds at most.", visibility: .hidden))
    var requestRows = ServerImport.requestSize
    @Argument(help: "The file to import (- for standard input).") var file: String

    func run() async throws {
        let input = try ImportInput(path: file)
        var block = try input.read()
        let format: ContactFileFormat
        if let name = self.format {
            guard let f = ContactFileFormat(rawValue: name.lowercased()) else {
                throw CommandFailure("--format must be csv, geojson or ndjson, not \(name)")
            }
            format = f
        } else {
            format = ContactFileFormat.detect(path: file, bytes: block)
        }
        let parser = ImportParser(format: format, name: file, crs: crs)
        var target: any ImportTarget
        var storage: ContactStorage?
        var database: PostgresContactStorage?
        if let server {
            guard let token, !token.isEmpty else { throw CommandFailure("--server needs --token (a token with contacts:write)") }
            target = try ServerImport(server: server, token: token, customer: customer.customer, atomic: atomic,
                                      requestRows: requestRows)
        } else if let url = postgres.url {
            guard !atomic else { throw CommandFailure("--atomic is not supported with --postgres yet (each chunk is one transaction)") }
            let opened = try await postgres.open(url, customers: [customer.caller.customer])
            database = opened
            target = PostgresImport(directory: opened.directory, caller: customer.caller)
        } else {
            let opened = try data.open(journaling: .recording)
            storage = opened
            target = LocalImport(storage: opened, caller: customer.caller, atomic: atomic)
        }
        defer { storage?.close() }

        // A chunk is read (parsed and decoded) on another thread while the one before it is
        // created and stored.
        var chunker = ContactFileChunker(format: format, chunkSize: chunkSize)
        let progress = Progress(enabled: input.size != nil && standardErrorIsTerminal)
        var reading: Task<ParsedChunk, any Error>?
        func next(_ chunk: ContactFileChunker.Chunk) async throws {
            let parse = Task.detached { try parser.parse(chunk) }
            if let previous = reading { try await target.add(previous.value) }
            reading = parse
        }
        var consumed = 0
        while !block.isEmpty {
            for chunk in chunker.feed(block) { try await next(chunk) }
            consumed += block.count
            progress.update("importing", consumed, of: input.size ?? 0)
            block = try input.read()
        }
        if let chunk = chunker.finish() { try await next(chunk) }
        if let last = reading { try await target.add(last.value) }
        progress.finish()
        await database?.close()

        if !(atomic && target.rejected > 0) { try await target.finish() }
        if atomic && target.rejected > 0 {
            print("nothing imported: \(target.rejected) of \(target.records) rows rejected")
            throw ExitCode.failure
        }
        print("imported \(target.created) contacts into customer \(customer.customer)"
              + (target.rejected > 0 ? "; rejected \(target.rejected) rows" : ""))
        if target.rejected > 0 { throw ExitCode.failure }
    }
}

/// An import into PostgreSQL: each chunk is one bulk create through a replica's directory,
/// committed as one transaction (one version) before the next chunk is created.
struct PostgresImport: ImportTarget {
    let directory: ContactDirectory
    let caller: Caller
    private(set) var records = 0
    private(set) var created = 0
    private(set) var rejected = 0

    init(directory: ContactDirectory, caller: Caller) {
        self.directory = directory
        self.caller = caller
    }

    mutating func add(_ parsed: ParsedChunk) async throws {
        var problems = parsed.problems
        records += parsed.count
        let results = try await directory.create(contentsOf: parsed.items, atomically: false, as: caller)
        for (line, result) in zip(parsed.lines, results) {
            switch result {
            case .success: created += 1
            case .failure(let error) where error.code == .storageFailed || error.code == .writeConflict:
                throw CommandFailure("stopped at line \(line): \(error.detail)")
            case .failure(let error): problems.append((line, error.errors ?? ["": [error.detail]]))
            }
        }
        rejected += problems.count
        report(problems)
    }

    mutating func finish() async throws {}
}

/// An import file read in blocks (a path, or `-` for standard input).
struct ImportInput {
    let handle: FileHandle
    /// The file's size, when known (not for standard input).
    let size: Int?

    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardInput
            size = nil
            return
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure("no such file: \(path)")
        }
        guard !isDirectory.boolValue else { throw CommandFailure("\(path) is a folder, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CommandFailure("cannot read \(path)") }
        self.handle = handle
        size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    }

    /// The next block; empty at the end.
    func read() throws -> [UInt8] {
        do {
            return Array(try handle.read(upToCount: 4 << 20) ?? Data())
        } catch {
            throw CommandFailure("cannot read the file: \(error.localizedDescription)")
        }
    }
}

/// A chunk's records: the rows to create with their lines, and those already refused.
struct ParsedChunk: Sendable {
    var items: [NewContact] = []
    var lines: [Int] = []
    var problems: [(line: Int, problems: [String: [String]])] = []
    var count = 0
}

/// Reads the records of chunks (no state: runs beside the import of the chunk before).
struct ImportParser: Sendable {
    let format: ContactFileFormat
    let name: String
    let crs: String?

    func parse(_ chunk: ContactFileChunker.Chunk) throws -> ParsedChunk {
        let read = try ContactFileReader.read(chunk.bytes, format: format, name: name, crs: crs)
        var parsed = ParsedChunk(count: read.count)
        parsed.items.reserveCapacity(read.count)
        parsed.lines.reserveCapacity(read.count)
        for record in read {
            let line = record.line + chunk.lineOffset
            if let draft = record.draft, record.problems.isEmpty {
                parsed.items.append(NewContact(id: record.fileID.map { ContactID($0) }, draft: draft))
                parsed.lines.append(line)
            } else {
                parsed.problems.append((line, record.problems))
            }
        }
        return parsed
    }
}

/// Where an import's rows go: a data folder, or a running service.
protocol ImportTarget {
    /// Rows read, created and rejected so far.
    var records: Int { get }
    var created: Int { get }
    var rejected: Int { get }
    /// Creates the rows of a parsed chunk and reports each rejected row on standard error, in
    /// line order; stores them unless the import is atomic.
    mutating func add(_ parsed: ParsedChunk) async throws
    /// Stores what is not stored yet (an atomic import without rejected rows).
    mutating func finish() async throws
}

extension ImportTarget {
    /// Prints one line per problem, rows in line order.
    func report(_ problems: [(line: Int, problems: [String: [String]])]) {
        for (line, found) in problems.sorted(by: { $0.line < $1.line }) {
            for text in ImportRecord.report(line: line, problems: found) { printError(text) }
        }
    }
}

/// An import into a data folder: each chunk created through the directory (recording mode,
/// so nothing is written yet) and, unless atomic, stored in one transaction on another thread
/// while the next chunk is created; at most one chunk is being stored at a time, in order.
struct LocalImport: ImportTarget {
    let storage: ContactStorage
    let caller: Caller
    let atomic: Bool
    private(set) var records = 0
    private(set) var created = 0
    private(set) var rejected = 0
    /// The chunk being stored, if any.
    private var storing: Task<Void, any Error>?

    init(storage: ContactStorage, caller: Caller, atomic: Bool) {
        self.storage = storage
        self.caller = caller
        self.atomic = atomic
    }

    mutating func add(_ parsed: ParsedChunk) async throws {
        var problems = parsed.problems
        records += parsed.count
        let results = try await storage.directory.create(contentsOf: parsed.items, atomically: false, as: caller)
        for (line, result) in zip(parsed.lines, results) {
            switch result {
            case .success: created += 1
            case .failure(let error): problems.append((line, error.errors ?? ["": [error.detail]]))
            }
        }
        rejected += problems.count
        report(problems)
        if !atomic { try await commit() }
    }

    mutating func finish() async throws {
        try await commit()
        try await storing?.value
        storing = nil
    }

    /// Waits for the chunk before to be stored, then starts storing what was created since.
    private mutating func commit() async throws {
        try await storing?.value
        let recorded = storage.takeRecorded()
        storing = Task.detached { [storage] in
            do throws(StorageError) {
                try storage.store(recorded)
            } catch {
                throw CommandFailure(error.message)
            }
        }
    }
}
