import Foundation
import GeoContacts
import GeoContactsInterchange
import GeoDataGeneration
import GeoContactsTestSupport
import Testing

/// An import reads its file in chunks of whole records: whatever the chunk and block sizes,
/// it reads the same records with the same line numbers as one read of the whole file.
@Suite struct ImportStreamingTests {
    /// A CSV whose quoted fields hold line breaks, quotes and commas, with blank lines and
    /// invalid rows among valid ones.
    static func awkwardCSV(rows: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        var text = "\u{FEFF}id,latitude,longitude,name,groupId,parentId,town\r\n"
        for i in 1...rows {
            let name = switch rng.next() % 5 {
            case 0: "\"multi\nline \(i)\""
            case 1: "\"quote \"\"\(i)\"\", comma\""
            case 2: ""                                     // 422: name is required
            default: "plain \(i)"
            }
            let parent = i > 1 && rng.next() % 3 == 0 ? "\(rng.next() % UInt64(i - 1) + 1)" : ""
            let latitude = rng.next() % 17 == 0 ? "95" : "\(rng.nextDouble(in: -90, 90))"
            text += "\(i),\(latitude),\(rng.nextDouble(in: -180, 180)),\(name),1,\(parent),\"T\n\(i)\"\r\n"
            if rng.next() % 11 == 0 { text += "\r\n" }
        }
        return Array(text.utf8)
    }

    static func ndjson(rows: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        var text = ""
        for i in 1...rows {
            switch rng.next() % 6 {
            case 0: text += "{\"name\":\"broken\n"                 // not JSON, spans no further line
            case 1: text += "\n"
            default: text += "{\"id\":\(i),\"name\":\"n\(i)\",\"groupId\":1,\"location\":{\"latitude\":\(rng.nextDouble(in: -90, 90)),\"longitude\":0}}\n"
            }
        }
        return Array(text.utf8)
    }

    struct Row: Equatable {
        var line: Int
        var fileID: Int64?
        var draft: ContactDraft?
        var problems: [String: [String]]
    }

    static func rows(_ records: [ImportRecord], offset: Int = 0) -> [Row] {
        records.map { Row(line: $0.line + offset, fileID: $0.fileID, draft: $0.draft, problems: $0.problems) }
    }

    @Test(arguments: [ContactFileFormat.csv, .ndjson])
    func chunksReadLikeTheWholeFile(_ format: ContactFileFormat) throws {
        let bytes = format == .csv ? Self.awkwardCSV(rows: 400, seed: 0xC5F) : Self.ndjson(rows: 400, seed: 0x7D)
        let whole = Self.rows(try ContactFileReader.read(bytes, format: format, name: "f"))
        #expect(whole.count > 300)
        var rng = SeededGenerator(seed: 0xB10C)
        for chunkSize in [1, 37, 512, 4096, 1 << 20] {
            var chunker = ContactFileChunker(format: format, chunkSize: chunkSize)
            var chunks: [ContactFileChunker.Chunk] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int(rng.next() % 300) + 1)
                chunks += chunker.feed(bytes[start..<end])
                start = end
            }
            if let last = chunker.finish() { chunks.append(last) }
            if chunkSize <= 4096 { #expect(chunks.count > 3, "chunk size \(chunkSize)") }
            var streamed: [Row] = []
            for chunk in chunks {
                streamed += Self.rows(try ContactFileReader.read(chunk.bytes, format: format, name: "f"), offset: chunk.lineOffset)
            }
            #expect(streamed == whole, "chunk size \(chunkSize)")
        }
    }

    @Test func importInTinyChunksEqualsImportInOne() async throws {
        let bytes = Self.awkwardCSV(rows: 300, seed: 0x1A4)
        var outputs: [CommandLineTool.Output] = []
        var snapshots: [[Contact]] = []
        for chunkSize in [1 << 20, 200] {
            let ws = try await CLITests.Workspace("importInTinyChunks\(chunkSize)")
            defer { ws.remove() }
            let file = try ws.file("rows.csv", bytes)
            outputs.append(try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", "--chunk-size", "\(chunkSize)", file]))
            let snapshot = try ws.snapshot()
            try snapshot.checkInvariants()
            var contacts: [Contact] = []
            snapshot.forEachContact { contacts.append($0) }
            snapshots.append(contacts.sorted { $0.id < $1.id })
        }
        #expect(outputs[0].status != 0, "the file has invalid rows")
        #expect(outputs[0].stdout.hasPrefix("imported "))
        #expect(outputs[0].stderr.contains("name: is required"))
        #expect(outputs[0].stderr.contains("parentId: no contact"), "a row whose parent was rejected")
        #expect(outputs[1].stdout == outputs[0].stdout)
        #expect(outputs[1].stderr == outputs[0].stderr)
        #expect(snapshots[1] == snapshots[0])
        #expect(snapshots[0].count > 150)
    }
}
