import Foundation
import GeoContacts
@testable import GeoContactsServer
import HTTPTypes
import Testing

/// The one mapping from the library's problem codes to HTTP (`ContactProblem+HTTP.swift`), and
/// the exact problem details bodies built from the library's problems.
@Suite("Problem codes and bodies") struct ProblemMappingTests {
    /// Every code of `ContactProblem.Code` with the status it answers.
    static let statuses: [(ContactProblem.Code, Int)] = [
        (.malformedJSON, 400), (.invalidBody, 400), (.emptyPatch, 400), (.invalidParameter, 400),
        (.missingScope, 403),
        (.contactNotFound, 404), (.groupNotFound, 404), (.definitionNotFound, 404),
        (.contactHasChildren, 409), (.removalTooLarge, 409), (.inUse, 409), (.idsExhausted, 409),
        (.validationFailed, 422),
        (.batchAborted, 424),
        (.storageFailed, 500), (.internalError, 500),
        (.versionUnavailable, 503), (.writeConflict, 503),
    ]

    @Test func everyCodeHasItsStatus() {
        for (code, status) in Self.statuses {
            #expect(code.status.code == status, "\(code)")
            let problem = ContactProblem(code, detail: "x")
            #expect(problem.status.code == status, "\(code)")
            #expect(ProblemDetails(problem).status == status, "\(code)")
            #expect(ProblemDetails(problem).type == "urn:geocontacts:problem:\(code.rawValue)")
        }
        // A code this server does not know yet is a 500.
        #expect(ContactProblem.Code(rawValue: "not-a-code").status == .internalServerError)
    }

    /// The table above lists every code the library declares, so a new code cannot go unmapped.
    @Test func theTableListsEveryCode() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/GeoContacts/Problems/ContactProblem.swift")
        let text = try String(contentsOf: source, encoding: .utf8)
        let declared = text.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("public static let"), line.contains("= Code(rawValue: \""),
                  let start = line.range(of: "rawValue: \"")?.upperBound,
                  let end = line[start...].firstIndex(of: "\"") else { return nil }
            return String(line[start..<end])
        }
        #expect(declared.count == Self.statuses.count)
        #expect(Set(declared) == Set(Self.statuses.map(\.0.rawValue)))
    }

    static func encode(_ details: ProblemDetails) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(details), as: UTF8.self)
    }

    static func problem(_ body: () async throws(ContactProblem) -> Void) async -> ContactProblem? {
        do { try await body(); return nil } catch { return error }
    }

    @Test func bodiesAreExact() async throws {
        let h = try await Harness()
        let writer = Caller(customer: CustomerID(1), scopes: [.read, .write])
        let invalid = try #require(await Self.problem { () async throws(ContactProblem) in
            _ = try await h.directory.create(
                try ContactDraft(json: Array(#"{"name":"X","groupId":1,"location":{"latitude":91,"longitude":0}}"#.utf8)), as: writer)
        })
        #expect(try Self.encode(ProblemDetails(invalid, instance: "/v1/contacts")) == """
        {"detail":"1 property is invalid.","errors":{"location.latitude":["must be between -90 and 90"]},\
        "instance":"/v1/contacts","status":422,"title":"One or more properties are invalid",\
        "type":"urn:geocontacts:problem:validation-failed"}
        """)

        let notJSON = try #require(await Self.problem { () throws(ContactProblem) in _ = try ContactDraft(json: Array("hello".utf8)) })
        #expect(try Self.encode(ProblemDetails(notJSON)) == """
        {"detail":"The body is not valid JSON: unexpected character at byte 0.","status":400,\
        "title":"The request body is not valid JSON","type":"urn:geocontacts:problem:malformed-json"}
        """)

        let unknown = try #require(await Self.problem { () throws(ContactProblem) in
            _ = try ContactDraft(json: Array(#"{"name":"a","groupId":7,"location":{"latitude":1,"longitude":1,"height":3},"colour":"red"}"#.utf8))
        })
        #expect(try Self.encode(ProblemDetails(unknown, instance: "/v1/contacts")) == """
        {"detail":"colour: is not a known property","errors":{"colour":["is not a known property"],\
        "location.height":["is not a known property"]},"instance":"/v1/contacts","status":400,\
        "title":"The request body does not have the expected shape","type":"urn:geocontacts:problem:invalid-body"}
        """)

        let readOnly = Caller(customer: CustomerID(1), scopes: [.read])
        let forbidden = try #require(await Self.problem { () async throws(ContactProblem) in
            _ = try await h.directory.create(ContactDraft(name: "X", groupId: GroupID(1),
                                                          location: LocationInput(latitude: 1, longitude: 1)), as: readOnly)
        })
        #expect(try Self.encode(ProblemDetails(forbidden)) == """
        {"detail":"The caller lacks the scope contacts:write.","status":403,"title":"Forbidden",\
        "type":"urn:geocontacts:problem:missing-scope"}
        """)

        let notFound = try #require(await Self.problem { () throws(ContactProblem) in
            _ = try h.directory.snapshot(as: writer).contact(ContactID(5))
        })
        #expect(try Self.encode(ProblemDetails(notFound, instance: "/v1/contacts/5")) == """
        {"detail":"No contact 5 exists for this customer.","instance":"/v1/contacts/5","status":404,\
        "title":"Contact not found","type":"urn:geocontacts:problem:contact-not-found"}
        """)
    }
}
