import GeoContacts
@testable import GeoContactsServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("make run: sample data and the printed curls") struct StartupBannerTests {
    /// The words of a shell command line using only single quotes (as the banner does).
    static func words(_ command: String) -> [String] {
        var words: [String] = [], current = "", quoted = false, inWord = false
        for ch in command {
            if quoted {
                if ch == "'" { quoted = false } else { current.append(ch) }
            } else if ch == "'" {
                quoted = true; inWord = true
            } else if ch == " " || ch == "\n" || ch == "\\" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(ch); inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// The curl commands of the banner, continuation lines joined.
    static func curls(_ banner: String) -> [String] {
        var result: [String] = []
        var current: String?
        for line in banner.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("curl ") { current = String(line) } else if current != nil { current! += "\n" + line }
            if let c = current, !c.hasSuffix("\\") { result.append(c); current = nil }
        }
        return result
    }

    @Test func sampleDataIsDeterministic() {
        let a = SampleData.sets(), b = SampleData.sets()
        #expect(a.map(\.contacts.count) == [20_051, 5_011, 1_006])
        #expect(a.map(\.contacts) == b.map(\.contacts))
    }

    @Test func theThreePrintedCurlsWorkAsPrinted() async throws {
        let directory = ContactDirectory()
        #expect(try SampleData.load(into: directory) == 26_068)
        let tokens = await TokenAuthority(secret: Harness.secret)
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 8080, loadsSampleData: false)
        let service = GeoContactsService(directory: directory, tokens: tokens, configuration: configuration)
        let token = try await tokens.token(customers: [1, 2, 3], scopes: ["contacts:read", "contacts:write", "contacts:admin"])
        let banner = ServiceRunner.banner(configuration: configuration, token: token)
        #expect(banner.contains(token))
        let curls = Self.curls(banner)
        #expect(curls.count == 3)
        let app = Application(router: service.buildRouter())
        let statuses = try await app.test(.router) { client in
            var statuses: [Int] = []
            for curl in curls {
                let words = Self.words(curl)
                var method = HTTPRequest.Method.get, headers = HTTPFields(), body: String?, url = ""
                var i = 1
                while i < words.count {
                    switch words[i] {
                    case "-X": method = HTTPRequest.Method(words[i + 1])!; i += 1
                    case "-H":
                        let parts = words[i + 1].split(separator: ":", maxSplits: 1)
                        headers[HTTPField.Name(String(parts[0]))!] = parts[1].trimmingSpaces
                        i += 1
                    case "-d": body = words[i + 1]; if method == .get { method = .post }; i += 1
                    case let w where w.hasPrefix("http"): url = w
                    default: break
                    }
                    i += 1
                }
                let path = String(url.dropFirst("http://127.0.0.1:8080".count))
                let response = try await client.executeRequest(uri: path, method: method, headers: headers,
                                                               body: body.map { ByteBuffer(string: $0) })
                statuses.append(Int(response.status.code))
                let text = String(buffer: response.body)
                #expect(text.hasPrefix(method == .post ? #"{"id":"# : #"{"items":[{"#), "\(path): \(text.prefix(200))")
            }
            return statuses
        }
        #expect(statuses == [201, 200, 200])
    }
}
