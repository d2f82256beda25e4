import GeoDataGeneration
import Testing
@testable import GeoContacts

/// The one-pass reader of the usual create body (`DraftFastReader`) answers only what the
/// strict decoder answers, and takes the usual bodies.
@Suite struct DraftFastPathTests {
    static func strict(_ body: [UInt8]) -> Result<ContactDraft, ContactProblem> {
        do throws(ContactProblem) { return .success(try ContactDraft(strictJSON: body)) } catch { return .failure(error) }
    }

    static func decoded(_ body: [UInt8]) -> Result<ContactDraft, ContactProblem> {
        do throws(ContactProblem) { return .success(try ContactDraft(json: body)) } catch { return .failure(error) }
    }

    static func fast(_ body: [UInt8]) -> ContactDraft? {
        body.withUnsafeBufferPointer { DraftFastReader.read($0) }
    }

    @Test(arguments: [
        #"{"name":"New contact 7","groupId":1,"town":"Somewhere","location":{"latitude":51.5,"longitude":-0.12}}"#,
        #"  { "reference" : "R-1", "name" : "Ünïcödé ✓", "groupId" : 9223372036854775807, "parentId" : null, "extraInformation" : null, "street" : "1 High St", "town" : "Zürich", "postalCode" : "8001", "country" : "CH", "location" : { "longitude" : 1.5e6, "latitude" : -2E-3, "crs" : "EPSG:3857" }, "customFields" : null }  "#,
        #"{"name":"a","groupId":-0,"location":null}"#,
        #"{"name":"a","groupId":1,"location":{}}"#,
        #"{}"#,
        #"{"name":"a","customFields":[]}"#,
        #"{"name":"a","customFields":[{"definitionId":3,"value":"x"}, { "value" : null , "definitionId" : 4 },{}]}"#,
    ])
    func usualBodiesTakeTheFastPath(_ body: String) throws {
        let bytes = Array(body.utf8)
        let fast = try #require(Self.fast(bytes))
        #expect(Self.strict(bytes) == .success(fast))
    }

    @Test(arguments: [
        #"{"name":"a","name":"b"}"#,  // duplicate
        #"{"nickname":"a"}"#,  // unknown
        #"{"na\u006de":"a"}"#,  // escaped key
        #"{"name":"a\nb"}"#,  // escape in a value
        #"{"name":5}"#, #"{"groupId":"5"}"#, #"{"groupId":5.0}"#, #"{"groupId":1e2}"#,
        #"{"groupId":9223372036854775808}"#, #"{"location":[1,2]}"#, #"{"location":{"latitude":"1"}}"#,
        #"{"location":{"lat":1}}"#, #"{"location":{"crs":3857}}"#, #"{"customFields":[1]}"#,
        #"{"customFields":[{"definitionId":"1"}]}"#, #"{"customFields":[{"id":1}]}"#, #"{"customFields":[{"value":"a","value":"b"}]}"#,
        #"{"customFields":{}}"#, #"{"customFields":[{"definitionId":1},]}"#,
        #"{"name":true}"#, #"{"name":"a"} x"#, #"{"name":"a",}"#, #"{"name":"a""#, "", "[]", #"{"groupId":01}"#,
        #"{"groupId":-}"#, #"{"groupId":1.}"#, #"{"location":nul}"#,
        // A malformed location whose closing brace ends the body (found by the fuzzer).
        #"{"location":{"crs":}"#, #"{"name":"a","location":{"latitude":53.8,"longitude":-1.55,"crs":}"#,
        #"{"name":"a","location":{"latitude":"x"}"#, #"{"location":{"lat":1}"#,
    ])
    func unusualBodiesAreLeftToTheStrictDecoder(_ body: String) {
        let bytes = Array(body.utf8)
        #expect(Self.fast(bytes) == nil)
        #expect(Self.decoded(bytes) == Self.strict(bytes))
    }

    /// Bodies built from random members (known, unknown, repeated and escaped keys; strings,
    /// escapes, invalid UTF-8, numbers of every JSON form, literals, arrays, objects), random
    /// whitespace, and some cut short or with a byte changed: wherever the fast reader
    /// answers, the strict decoder answers the same, and `init(json:)` always answers as the
    /// strict decoder does.
    @Test func randomBodiesAgreeWithTheStrictDecoder() {
        var random = SeededGenerator(seed: 20_261_205)
        let keys = ContactDraft.properties + ["nickname", "na\\u006de", "Name", ""]
        let texts = ["\"x\"", "\"New contact 12\"", "\"Zürich\"", "\"a\\\"b\"", "\"\\u00e9\"", "\"\"", "null", "1", "true", "[]", "{}"]
        let numbers = ["0", "-0", "7", "-12", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                       "1.5", "-0.25", "1e3", "2E-3", "1.5e+300", "1e999", "01", "1.", "-", ".5", "1e"]
        let locationKeys = ["latitude", "longitude", "crs", "lat"]
        func ws() -> String { ["", " ", "\n", "\t ", "\r\n"][Int.random(in: 0..<5, using: &random)] }
        func pick(_ options: [String]) -> String { options[Int.random(in: 0..<options.count, using: &random)] }
        func value(for key: String) -> String {
            switch Int.random(in: 0..<10, using: &random) {
            case 0: return pick(texts)
            case 1: return pick(numbers)
            default: break
            }
            switch key {
            case "groupId", "parentId": return pick(numbers + ["null"])
            case "customFields":
                if Int.random(in: 0..<8, using: &random) == 0 { return pick(["null", "[]", "{}", "[1]"]) }
                let items = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                    let members = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                        let k = pick(["definitionId", "value", "id"])
                        let v = k == "value" ? pick(texts) : pick(numbers + ["null"])
                        return "\(ws())\"\(k)\"\(ws()):\(ws())\(v)\(ws())"
                    }
                    return ws() + "{" + members.joined(separator: ",") + "}" + ws()
                }
                return "[" + items.joined(separator: ",") + "]"
            case "location":
                if Int.random(in: 0..<8, using: &random) == 0 { return "null" }
                let members = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                    let k = pick(locationKeys)
                    let v = k == "crs" ? pick(["\"EPSG:3857\"", "null", "3857", "\"WGS84\""]) : pick(numbers + ["null", "\"1\""])
                    return "\(ws())\"\(k)\"\(ws()):\(ws())\(v)\(ws())"
                }
                return "{" + members.joined(separator: ",") + "}"
            default: return pick(texts)
            }
        }
        var fastCount = 0
        let total = 20_000
        for _ in 0..<total {
            let members = (0..<Int.random(in: 0...8, using: &random)).map { _ in
                let key = pick(keys)
                return "\(ws())\"\(key)\"\(ws()):\(ws())\(value(for: key))\(ws())"
            }
            var bytes = Array((ws() + "{" + members.joined(separator: ",") + "}" + ws()).utf8)
            switch Int.random(in: 0..<10, using: &random) {
            case 0 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
            case 1 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            default: break
            }
            let strict = Self.strict(bytes)
            if let fast = Self.fast(bytes) {
                fastCount += 1
                #expect(strict == .success(fast), "\(String(decoding: bytes, as: UTF8.self))")
            }
            #expect(Self.decoded(bytes) == strict, "\(String(decoding: bytes, as: UTF8.self))")
        }
        // The fast path must have been exercised, not merely bypassed.
        #expect(fastCount > total / 10, "the fast reader took \(fastCount) of \(total) bodies")
    }
}
