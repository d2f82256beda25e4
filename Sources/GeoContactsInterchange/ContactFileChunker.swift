/// Cuts an import file, fed in blocks of any size, into chunks of whole records that
/// ``ContactFileReader/read(_:format:name:crs:progress:)`` reads one at a time: an import
/// then holds one chunk, not the whole file.
///
/// - CSV: a chunk ends after a line break outside quotes (a quoted field may span lines);
///   every chunk after the first starts with the file's header line, so it reads on its own.
/// - NDJSON: a chunk ends after a line break.
/// - GeoJSON: one document, so one chunk: the whole file.
///
/// Records keep the line numbers of the file: add ``Chunk/lineOffset`` to those the reader
/// reports for the chunk.
public struct ContactFileChunker: Sendable {
    /// Whole records, ready to read.
    public struct Chunk: Sendable {
        public var bytes: [UInt8]
        /// What to add to a line number read in ``bytes`` to get the line of the file.
        public var lineOffset: Int
    }

    public let format: ContactFileFormat
    /// A chunk is cut once this many bytes are buffered (at the next record boundary).
    public let chunkSize: Int

    private var buffer: [UInt8] = []
    /// Bytes of `buffer` already scanned for a boundary, and the quoting state there.
    private var scanned = 0
    private var inQuotes = false
    /// The last record boundary found in `buffer` (just after a line break), if any.
    private var boundary: Int?
    /// The CSV header line (with its line break), once known.
    private var header: [UInt8]?
    /// Line breaks before `buffer` in the file.
    private var linesBefore = 0

    public init(format: ContactFileFormat, chunkSize: Int = 8 << 20) {
        self.format = format
        self.chunkSize = max(chunkSize, 1)
    }

    /// Takes the next block of the file; returns the chunks it completes.
    public mutating func feed(_ block: some Collection<UInt8>) -> [Chunk] {
        buffer.append(contentsOf: block)
        guard format != .geojson else { return [] }
        var chunks: [Chunk] = []
        while true {
            scan()
            guard buffer.count >= chunkSize, let cut = boundary else { return chunks }
            chunks.append(take(upTo: cut))
        }
    }

    /// The rest of the file, after the last block (`nil` when nothing is left).
    public mutating func finish() -> Chunk? {
        guard !buffer.isEmpty else { return nil }
        return take(upTo: buffer.count)
    }

    /// Finds the last record boundary in the bytes not scanned yet.
    private mutating func scan() {
        let quoting = format == .csv
        var i = scanned
        while i < buffer.count {
            let byte = buffer[i]
            if quoting && byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if byte == 0x0A && !inQuotes {
                boundary = i + 1
                if quoting && header == nil { header = Array(buffer[..<(i + 1)]) }
            }
            i += 1
        }
        scanned = i
    }

    /// Cuts `buffer[..<end]` off as a chunk.
    private mutating func take(upTo end: Int) -> Chunk {
        var bytes = Array(buffer[..<end])
        let breaks = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        var offset = linesBefore
        if format == .csv, linesBefore > 0, let header {
            bytes.insert(contentsOf: header, at: 0)
            offset -= 1  // the header read again as the chunk's line 1
        }
        linesBefore += breaks
        buffer.removeFirst(end)
        scanned -= end
        boundary = nil
        return Chunk(bytes: bytes, lineOffset: offset)
    }
}
