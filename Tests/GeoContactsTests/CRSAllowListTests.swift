import Geodesy
import Testing
@testable import GeoContacts

/// A directory whose normalizer accepts only some CRS: anything else is refused on its path
/// (a create's `location.crs`, a query's `crs`) and changes nothing.
@Suite struct CRSAllowListTests {
    @Test func otherSystemsAreRefusedOnTheirPath() async throws {
        let directory = ContactDirectory(normalizer: SharedCoordinateNormalizer(allowing: ["EPSG:3857"]))
        let caller = Fixture.caller()
        try await directory.defineGroup(ContactGroup(id: Fixture.depots, name: "Depots"), as: caller)
        let british = try ContactDraft.json(#"{"name":"A","groupId":7,"location":{"latitude":200000,"longitude":500000,"crs":"EPSG:27700"}}"#)
        let refused = await problem { () async throws(ContactProblem) in _ = try await directory.create(british, as: caller) }
        #expect(refused?.status == 422, "\(String(describing: refused))")
        #expect(refused?.errors?["location.crs"]?.first?.contains("not accepted") == true, "\(String(describing: refused))")
        #expect(directory.snapshot(of: Fixture.customer).count == 0)

        let mercator = try ContactDraft.json(#"{"name":"B","groupId":7,"location":{"latitude":6710000,"longitude":-13000,"crs":"EPSG:3857"}}"#)
        let id = try await directory.create(mercator, as: caller)
        #expect(try directory.snapshot(of: Fixture.customer).contact(id).location.latitude > 51)

        let query = syncProblem { () throws(ContactProblem) in _ = try directory.point(latitude: 200000, longitude: 500000, crs: "EPSG:27700") }
        #expect(query?.code == .invalidParameter && query?.errors?["crs"] != nil, "\(String(describing: query))")
    }
}
