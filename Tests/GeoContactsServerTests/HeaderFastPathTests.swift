@testable import GeoContactsServer
import HTTPTypes
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

    @Test func fieldLookupsAgreeWithTheSubscript() {
        let customer = HTTPField.Name("Customer-Id")!
        let cases: [[HTTPField]] = [
            [],
            [HTTPField(name: .authorization, value: "Bearer a")],
            [HTTPField(name: .contentType, value: "application/json"), HTTPField(name: customer, value: "7")],
            [HTTPField(name: customer, value: "7"), HTTPField(name: .accept, value: "*/*"), HTTPField(name: customer, value: "8")],
            [HTTPField(name: customer, value: ""), HTTPField(name: customer, value: " 9 ")],
            [HTTPField(name: .cookie, value: "a=1"), HTTPField(name: .cookie, value: "b=2")],
            [HTTPField(name: HTTPField.Name("customer-ID")!, value: "3")],
        ]
        for fields in cases {
            let headers = HTTPFields(fields)
            for name in [customer, .authorization, .contentType, .cookie, .accept, .contentLength] {
                #expect(headers.value(of: name) == headers[name], "\(name) in \(fields)")
                let (first, count) = headers.firstValue(of: name)
                #expect(first == headers[values: name].first, "\(name) in \(fields)")
                #expect(count == headers[values: name].count, "\(name) in \(fields)")
            }
        }
    }
}
