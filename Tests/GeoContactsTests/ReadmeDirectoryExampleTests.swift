import GeoContacts
import Geodesy
import RealModule
import Testing

/// The README's `ContactDirectory` example, kept true: the same calls, with what they return checked.
@Test("README ContactDirectory example")
func readmeDirectoryExample() async throws {
    let directory = ContactDirectory()
    let office = Caller(customer: CustomerID(42), scopes: [.read, .write, .admin])
    let sites = try await directory.createGroup(named: "Sites", as: office)

    let customer = try await directory.create(try ContactDraft(json: Array(#"""
        {"name": "Acme Ltd", "groupId": \#(sites.rawValue), "location": {"latitude": 51.5033, "longitude": -0.1196}}
        """#.utf8)), as: office)
    let depot = try await directory.create(ContactDraft(
        name: "Acme depot", groupId: sites, parentId: customer,
        location: LocationInput(latitude: 179_640, longitude: 530_268, crs: "EPSG:27700")), as: office)

    let snapshot = try directory.snapshot(as: office)
    let near = try snapshot.nearest(to: Coordinate(latitude: 51.5, longitude: -0.12), count: 5, maxDistance: 5_000)
    let below = try snapshot.descendants(of: customer, page: PageRequest(pageNumber: 1, pageSize: 100))

    #expect(near.map(\.contact.id) == [depot, customer])
    #expect(near[0].distance.isApproximatelyEqual(to: 330, absoluteTolerance: 10))  // Big Ben, from the British National Grid
    #expect(near[1].distance.isApproximatelyEqual(to: 368, absoluteTolerance: 3))  // the London Eye (368 m on a sphere of the mean radius)
    #expect(below.items.map(\.id) == [depot])

    // Every invalid property at once, and nothing changed.
    do {
        _ = try await directory.create(ContactDraft(name: "", groupId: sites, location: LocationInput(latitude: 95, longitude: 0)),
                                       as: office)
        Issue.record("an empty name and a latitude of 95 were accepted")
    } catch {
        #expect(error.code == .validationFailed)
        #expect(Set(error.errors.map { Array($0.keys) } ?? []) == ["name", "location.latitude"])
    }
    #expect(try directory.snapshot(as: office).count == 2)
}
