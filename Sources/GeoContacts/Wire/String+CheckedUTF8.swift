extension String {
    /// `bytes` as a string when they are valid UTF-8, else `nil`.
    ///
    /// `String(validating:as:)` instantiates generic metadata on every call (a third of a
    /// create body's decoding time); decoding repairs invalid sequences instead, so a string
    /// whose bytes differ from the input's was not valid. ASCII needs no comparison: pass
    /// `ascii: true` when a scan already knows it, else it is checked here.
    @inlinable package init?(checkedUTF8 bytes: some Collection<UInt8>, ascii: Bool? = nil) {
        let text = String(decoding: bytes, as: UTF8.self)
        let ascii = ascii ?? !bytes.contains { $0 >= 0x80 }
        guard ascii || text.utf8.elementsEqual(bytes) else { return nil }
        self = text
    }
}
