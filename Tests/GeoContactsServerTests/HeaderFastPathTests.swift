@testable import GeoContactsServer
import Testing

/// The byte-level fast paths of header parsing give what the Character-based parsing gives.
@Suite("Header parsing fast paths") struct HeaderFastPathTests {
    /// The general parsing of `Authorization` (what `Authenticator` does when the fast path declines).
    static func slowToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingSpaces
    }

    @Test func bearerFastPathAgreesWithTheGeneralParsing() {
        let headers = [
            "Bearer abc.def.ghi", "bearer abc", "BEARER abc", "BeArEr x", "Bearer  abc", "Bearer abc ", " Bearer abc",
            "Bearer", "Bearer ", "Bearerabc", "Basic abc", "Bearer a b", "Bearer a\tb", "Bearer \u{301}abc",
            "Bearer abc\u{301}", "Bearer é", "Bearer\tabc", "Bearex abc", "Bearer ~!#$%&'*+-.^_`|", "bearer\u{0}abc",
            "Bearer \u{7F}", "\u{212A}earer abc",
        ]
        for header in headers {
            if let fast = Authenticator.plainBearerToken(header) {
                #expect(fast == Self.slowToken(header), "\(header.debugDescription)")
            }
        }
        #expect(Authenticator.plainBearerToken("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(Authenticator.plainBearerToken("bEARER x") == "x")
        #expect(Authenticator.plainBearerToken("Bearer  abc") == nil)
        #expect(Authenticator.plainBearerToken("Bearer a b") == nil)
    }

    @Test func trimmingSpacesKeepsItsMeaning() {
        func slow(_ s: String) -> String {
            String(s.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
        }
        for text in ["", " ", "\t", "a", " a", "a ", "\ta\t", " \u{301}a", "a \u{301}", "12", " 12 ", "a b", "\u{301}", "x\u{301} "] {
            #expect(text.trimmingSpaces == slow(text), "\(text.debugDescription)")
            #expect(text[...].trimmingSpaces == slow(text), "\(text.debugDescription)")
        }
    }
}
