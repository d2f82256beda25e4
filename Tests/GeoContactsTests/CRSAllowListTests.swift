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
        #expect(refused?.code == .validationFailed, "\(String(describing: refused))")
        #expect(refused?.errors?["location.crs"]?.first?.contains("not accepted") == true, "\(String(describing: refused))")
        #expect(directory.snapshot(of: Fixture.customer).count == 0)

        let mercator = try ContactDraft.json(#"{"name":"B","groupId":7,"location":{"latitude":6710000,"longitude":-13000,"crs":"EPSG:3857"}}"#)
        let id = try await directory.create(mercator, as: caller)
        #expect(try directory.snapshot(of: Fixture.customer).contact(id).location.latitude > 51)

        let query = syncProblem { () throws(ContactProblem) in _ = try directory.point(latitude: 200000, longitude: 500000, crs: "EPSG:27700") }
        #expect(query?.code == .invalidParameter && query?.errors?["crs"] != nil, "\(String(describing: query))")
    }

    /// A CRS not yet known to every PROJ context is prepared before validation (off the
    /// cooperative pool), so the create itself finds it cached in whichever context it takes.
    @Test func aNewCRSIsPreparedInEveryContextBeforeACreate() async throws {
        let normalizer = SharedCoordinateNormalizer(slots: 3)
        let directory = ContactDirectory(normalizer: normalizer)
        let caller = Fixture.caller()
        try await directory.defineGroup(ContactGroup(id: Fixture.depots, name: "Depots"), as: caller)
        let british = CoordinateReferenceSystem("EPSG:27700")
        #expect(normalizer.needsPreparation(british))
        #expect(!normalizer.needsPreparation(.wgs84))
        let draft = try ContactDraft.json(#"{"name":"A","groupId":7,"location":{"latitude":200000,"longitude":500000,"crs":"EPSG:27700"}}"#)
        _ = try await directory.create(draft, as: caller)
        #expect(!normalizer.needsPreparation(british))
        // Not EPSG codes, or off an allow-list: nothing to prepare, validation refuses them.
        await directory.prepareCRS(["+proj=longlat", nil, "EPSG:4326"])
        #expect(!SharedCoordinateNormalizer(allowing: ["EPSG:3857"]).needsPreparation(british))
    }
}
