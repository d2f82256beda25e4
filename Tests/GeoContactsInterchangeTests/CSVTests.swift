import GeoDataGeneration
import Testing
@testable import GeoContactsInterchange

/// The RFC 4180 reader and writer on their own.
@Suite("CSV reader and writer")
struct CSVTests {
    static func records(_ text: String) -> (records: [CSVRecord], error: CSVSyntaxError?) {
        var reader = CSVReader(bytes: Array(text.utf8))
        var records: [CSVRecord] = []
        while let record = reader.next() { records.append(record) }
        return (records, reader.syntaxError)
    }

    static func texts(_ record: CSVRecord) -> [String?] { record.fields.indices.map { record.text($0) } }

    @Test func quotingLinesAndEmptyFields() {
        let (records, error) = Self.records("\u{FEFF}a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,\"\"\nlast,x,y")
        #expect(error == nil)
        #expect(records.count == 3)
        #expect(Self.texts(records[0]) == ["a", "b, c", "say \"hi\""])
        #expect(records[0].line == 1)
        #expect(Self.texts(records[1]) == ["multi\nline", "", ""])
        #expect(records[1].quoted == [true, false, true], "an empty unquoted field is nothing, \"\" an empty string")
        #expect(records[2].line == 4, "the quoted line feed counts")
        #expect(Self.texts(records[2]) == ["last", "x", "y"])
    }

    @Test func structuralErrorsNameTheirLine() {
        let unterminated = Self.records("a,b\n\"open,c\nd,e\n")
        #expect(unterminated.error != nil)
        let stray = Self.records("a,b\nx\"y,z\n")
        #expect(stray.error?.line == 2)
    }

    @Test func invalidUTF8IsPerField() {
        var bytes = Array("ok,".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array("\nnext,line\n".utf8)
        var reader = CSVReader(bytes: bytes)
        let first = reader.next()
        #expect(first?.text(0) == "ok")
        #expect(first?.text(1) == nil)
        #expect(reader.next().map(Self.texts) == ["next", "line"])
    }

    @Test("writer then reader give back every field, whatever it holds", arguments: [1, 2, 3] as [UInt64])
    func roundTrip(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let alphabet: [String] = ["a", "Z", " ", ",", "\"", "\n", "\r\n", "\r", "'", "=", "é", "𝄞", "\t", "0", ";"]
        var rows: [[String?]] = []
        for _ in 0..<300 {
            rows.append((0..<Int.random(in: 1...6, using: &rng)).map { _ in
                if Int.random(in: 0..<8, using: &rng) == 0 { return nil }
                return (0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "" }.joined()
            })
        }
        let text = rows.map(CSVWriter.record).joined()
        let (records, error) = Self.records(text)
        #expect(error == nil)
        // A row of one nil field is a blank line, which the reader keeps as one empty record.
        #expect(records.count == rows.count)
        for (row, record) in zip(rows, records) {
            #expect(Self.texts(record) == row.map { $0 ?? "" }, "\(row)")
            #expect(record.quoted.count == row.count)
        }
    }

    @Test func formulaGuardIsUndoneExactly() {
        for text in ["=1+2", "+SUM(A1)", "-2", "@cmd", "\tTab", "'t Hooft", "'=quoted", "''", "'", "plain", ""] {
            #expect(CSVFormulaGuard.unguarded(CSVFormulaGuard.guarded(text)) == text, "\(text)")
        }
        #expect(CSVFormulaGuard.guarded("=1+2") == "'=1+2")
        #expect(CSVFormulaGuard.guarded("'t Hooft") == "'t Hooft")
    }
}
