import Geodesy
import Testing
@testable import GeoContacts

/// Readers query while a writer inserts and moves contacts. Run under ThreadSanitizer with
/// `swift test --disable-xctest --sanitize=thread --scratch-path .build-tsan --filter ConcurrencyTests`.
@Suite struct ConcurrencyTests {
    @Test func readersSeeConsistentSnapshotsWhileAWriterInserts() async throws {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        let caller = Fixture.caller()
        let writes = 1500

        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for i in 0..<writes {
                    let latitude = Double(i % 170) - 85, longitude = Double(i % 359) - 179
                    let id = try await directory.create(
                        Fixture.draft("w\(i)", group: i % 2 == 0 ? Fixture.depots : Fixture.sites,
                                      parent: i > 0 && i % 3 != 0 ? ContactID(Int64(i)) : nil,
                                      latitude: latitude, longitude: longitude, reference: "ref\(i % 10)"),
                        as: caller)
                    if i % 5 == 0 {
                        var patch = ContactPatch()
                        patch.location = .value(LocationInput(latitude: -latitude, longitude: -longitude))
                        try await directory.update(id, with: patch, as: caller)
                    }
                }
                return writes
            }
            for reader in 0..<3 {
                group.addTask {
                    var lastCount = 0
                    var rounds = 0
                    while lastCount < writes {
                        let snapshot = try directory.snapshot(as: caller)
                        let count = snapshot.count
                        #expect(count >= lastCount, "reader \(reader): snapshots go back in time")
                        lastCount = count
                        // Every index agrees with the contacts within one snapshot.
                        let inBox = try snapshot.contacts(in: .world)
                        #expect(inBox.count == count)
                        let depots = try snapshot.memberCount(of: Fixture.depots), sites = try snapshot.memberCount(of: Fixture.sites)
                        #expect(depots + sites == count)
                        let nearest = try snapshot.nearest(to: Coordinate(latitude: 0, longitude: 0), count: 20)
                        #expect(nearest.count == min(20, count))
                        #expect(nearest.allSatisfy { snapshot.contains($0.contact.id) })
                        if let newest = inBox.last?.contact {
                            #expect(try snapshot.contact(newest.id) == newest)
                            let path = try snapshot.ancestors(of: newest.id)
                            #expect(path.count == (try snapshot.depth(of: newest.id)))
                        }
                        if rounds % 25 == 0 { try snapshot.checkInvariants() }
                        // The snapshot does not change under the reader, although the writer
                        // went on meanwhile (and changes the published state in place when it
                        // holds it alone): its structures, traversed again, still hold exactly
                        // what they held.
                        await Task.yield()
                        #expect(try snapshot.contacts(in: .world).map(\.contact) == inBox.map(\.contact))
                        #expect(try snapshot.memberCount(of: Fixture.depots) == depots)
                        rounds += 1
                        await Task.yield()
                    }
                    return rounds
                }
            }
            var total = 0
            for try await n in group { total += n }
            #expect(total > writes)
        }
        let final = directory.snapshot(of: Fixture.customer)
        #expect(final.count == writes)
        try final.checkInvariants()
    }

    @Test func heldSnapshotsAreUnaffectedByLaterWrites() async throws {
        let directory = try await Fixture.directory(customers: [Fixture.customer])
        let caller = Fixture.caller()
        let id = try await directory.create(Fixture.draft("before"), as: caller)
        let held = try directory.snapshot(as: caller)
        var patch = ContactPatch()
        patch.name = .value("after")
        try await directory.update(id, with: patch, as: caller)
        _ = try await directory.create(Fixture.draft("more"), as: caller)
        try await directory.remove(id, as: caller)
        #expect(try held.contact(id).name == "before" && held.count == 1)
        try held.checkInvariants()
        #expect(try directory.snapshot(as: caller).count == 1)
    }

    @Test func customersWriteInParallel() async throws {
        let customers = (1...4).map { CustomerID(Int64($0)) }
        let directory = try await Fixture.directory(customers: customers)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for customer in customers {
                group.addTask {
                    for i in 0..<200 {
                        _ = try await directory.create(Fixture.draft("c\(customer)-\(i)"), as: Fixture.caller(customer))
                    }
                }
            }
            try await group.waitForAll()
        }
        for customer in customers {
            let snapshot = directory.snapshot(of: customer)
            #expect(snapshot.count == 200)
            #expect(try snapshot.contacts(page: .all).items.allSatisfy { $0.name.hasPrefix("c\(customer)-") })
            try snapshot.checkInvariants()
        }
    }
}
