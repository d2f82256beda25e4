// One libFuzzer entry point for the parsers that take input; `GEOCONTACTS_FUZZ` names the one
// to exercise (see Scripts/fuzz.sh, which builds and runs each). Built only by that script,
// with -sanitize=fuzzer,address: a trap, an out-of-range index, an arithmetic overflow or a
// memory error is a crash that libFuzzer saves as a reproducer. Parse errors are answers, not
// crashes.
@testable import GeoContacts
@testable import GeoContactsInterchange
#if canImport(Glibc)
import Glibc
#endif

enum FuzzedParser: String, CaseIterable {
    case json, draft, patch, batch, ndjsonBatch = "ndjson-batch", csv, geojson, ndjson, chunker
}

let fuzzed: FuzzedParser = {
    guard let name = getenv("GEOCONTACTS_FUZZ").map({ String(cString: $0) }), let parser = FuzzedParser(rawValue: name) else {
        fputs("GEOCONTACTS_FUZZ must be one of: \(FuzzedParser.allCases.map(\.rawValue).joined(separator: ", "))\n", stderr)
        exit(2)
    }
    return parser
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch fuzzed {
    case .json: _ = try? JSONParser.parse(bytes)
    case .draft:
        // The one-pass reader of the usual body answers only what the strict decoder answers.
        let strict = try? ContactDraft(strictJSON: bytes)
        if let fast = bytes.withUnsafeBufferPointer(DraftFastReader.read), fast != strict {
            fputs("DraftFastReader and the strict decoder differ\n", stderr)
            abort()
        }
    case .patch: _ = try? ContactPatch(json: bytes)
    case .batch: _ = try? ContactDraft.batch(bytes, ndjson: false, maximumCount: 1_000)
    case .ndjsonBatch: _ = try? ContactDraft.batch(bytes, ndjson: true, maximumCount: 1_000)
    case .csv: _ = try? ContactFileReader.read(bytes, format: .csv, name: "fuzz.csv")
    case .geojson: _ = try? ContactFileReader.read(bytes, format: .geojson, name: "fuzz.geojson")
    case .ndjson: _ = try? ContactFileReader.read(bytes, format: .ndjson, name: "fuzz.ndjson")
    case .chunker:
        // Records cut into chunks of a few bytes, then read: every chunk must hold whole records.
        for format in ContactFileFormat.allCases where format != .geojson {
            var chunker = ContactFileChunker(format: format, chunkSize: 7)
            var chunks = chunker.feed(bytes)
            if let last = chunker.finish() { chunks.append(last) }
            for chunk in chunks { _ = try? ContactFileReader.read(chunk.bytes, format: format, name: "fuzz") }
        }
    }
    return 0
}
