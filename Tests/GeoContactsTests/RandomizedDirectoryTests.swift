import Geodesy
import GeoDataGeneration
import Testing
@testable import GeoContacts

/// Thousands of mixed valid and invalid creates, updates and removes across several
/// customers, against a simple model; after each step the touched customer's invariants
/// hold, it equals the model, and no other customer changed.
@Suite struct RandomizedDirectoryTests {
    static let seed: UInt64 = 0x5EED_C0FFEE

    struct Model {
        var contacts: [ContactID: Contact] = [:]
        var nextID: Int64 = 1

        func isInSubtree(_ id: ContactID, of ancestor: ContactID) -> Bool {
            var current: ContactID? = id
            while let c = current {
                if c == ancestor { return true }
                current = contacts[c]?.parentId
            }
            return false
        }

        func children(of id: ContactID) -> [ContactID] { contacts.values.filter { $0.parentId == id }.map(\.id) }
    }

    @Test func mixedOperationsAcrossCustomers() async throws {
        print("RandomizedDirectoryTests seed: \(Self.seed)")
        var rng = SeededGenerator(seed: Self.seed)
        let customers = (1...4).map { CustomerID(Int64($0)) }
        let directory = try await Fixture.directory(customers: customers)
        var models = Dictionary(uniqueKeysWithValues: customers.map { ($0, Model()) })
        let steps = 3000
        var accepted = 0, refused = 0

        for step in 0..<steps {
            let customer = customers.randomElement(using: &rng)!
            let caller = Fixture.caller(customer)
            var model = models[customer]!
            let ids = model.contacts.keys.sorted()
            let randomID = { (rng: inout SeededGenerator) -> ContactID? in ids.randomElement(using: &rng) }
            let latitude = Double.random(in: -90...90, using: &rng)
            let longitude = Double.random(in: -180...180, using: &rng)
            let roll = Int.random(in: 0..<100, using: &rng)
            var expectedCode: ContactProblem.Code?  // nil: success expected
            let context = "seed \(Self.seed) step \(step) customer \(customer) roll \(roll)"

            if roll < 40 || ids.isEmpty {
                // Create, sometimes invalid.
                let invalid = Int.random(in: 0..<5, using: &rng) == 0
                let group = Bool.random(using: &rng) ? Fixture.depots : Fixture.sites
                var draft = Fixture.draft("c\(step)", group: group,
                                          parent: Bool.random(using: &rng) ? randomID(&rng) : nil,
                                          latitude: latitude, longitude: longitude,
                                          reference: Bool.random(using: &rng) ? "r\(Int.random(in: 0..<20, using: &rng))" : nil)
                if Bool.random(using: &rng) {
                    draft.customFields = [CustomFieldInput(definitionId: Fixture.size.id, value: ["S", "M", "L"].randomElement(using: &rng)!)]
                }
                if invalid {
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: draft.location?.latitude = 90.5
                    case 1: draft.groupId = GroupID(999)
                    case 2: draft.parentId = ContactID(1_000_000)
                    default: draft.customFields = [CustomFieldInput(definitionId: Fixture.visits.id, value: "many")]
                    }
                    expectedCode = .validationFailed
                }
                let result = await result { () async throws(ContactProblem) in try await directory.create(draft, as: caller) }
                switch result {
                case .success(let id):
                    #expect(expectedCode == nil, "\(context)")
                    #expect(id.rawValue == model.nextID, "\(context)")
                    model.contacts[id] = Contact(
                        id: id, reference: draft.reference, name: draft.name!, groupId: draft.groupId!, parentId: draft.parentId,
                        location: Coordinate(latitude: latitude, longitude: longitude),
                        customFields: (draft.customFields ?? []).map { CustomFieldValue(definitionId: $0.definitionId!, value: $0.value!) })
                    model.nextID += 1
                case .failure(let p):
                    #expect(p.code == expectedCode, "\(context): \(p)")
                }
            } else if roll < 80 {
                // Update, sometimes invalid (a cycle, a bad latitude, an unknown parent).
                let id = randomID(&rng)!
                var old = model.contacts[id]!
                var patch = ContactPatch()
                switch Int.random(in: 0..<6, using: &rng) {
                case 0:
                    patch.name = .value("u\(step)")
                    old.name = "u\(step)"
                case 1:
                    patch.location = .value(LocationInput(latitude: latitude, longitude: longitude))
                    old.location = Coordinate(latitude: latitude, longitude: longitude)
                case 2:
                    let parent = randomID(&rng)!
                    patch.parentId = .value(parent)
                    if model.isInSubtree(parent, of: id) { expectedCode = .validationFailed } else { old.parentId = parent }
                case 3:
                    patch.parentId = .null
                    old.parentId = nil
                case 4:
                    patch.location = .value(LocationInput(latitude: -91, longitude: 0))
                    patch.name = .value("never")
                    expectedCode = .validationFailed
                default:
                    patch.groupId = .value(old.groupId == Fixture.depots ? Fixture.sites : Fixture.depots)
                    patch.reference = .null
                    old.groupId = old.groupId == Fixture.depots ? Fixture.sites : Fixture.depots
                    old.reference = nil
                }
                let outcome = await result { () async throws(ContactProblem) in try await directory.update(id, with: patch, as: caller) }
                switch outcome {
                case .success:
                    #expect(expectedCode == nil, "\(context)")
                    model.contacts[id] = old
                case .failure(let p):
                    #expect(p.code == expectedCode, "\(context): \(p)")
                }
            } else {
                // Remove with a random policy, or a missing contact.
                let policy = [RemovalPolicy.reject, .reparentChildren, .cascade].randomElement(using: &rng)!
                let missing = Int.random(in: 0..<10, using: &rng) == 0
                let id = missing ? ContactID(1_000_000) : randomID(&rng)!
                let children = missing ? [] : model.children(of: id)
                if missing { expectedCode = .contactNotFound } else if policy == .reject && !children.isEmpty { expectedCode = .contactHasChildren }
                let outcome = await result { () async throws(ContactProblem) in try await directory.remove(id, children: policy, as: caller) }
                switch outcome {
                case .success(let removed):
                    #expect(expectedCode == nil, "\(context)")
                    var expected: [ContactID] = [id]
                    switch policy {
                    case .cascade:
                        expected = model.contacts.keys.filter { model.isInSubtree($0, of: id) }.sorted()
                    case .reparentChildren:
                        for child in children { model.contacts[child]!.parentId = model.contacts[id]!.parentId }
                    case .reject: break
                    }
                    #expect(removed == expected, "\(context)")
                    for r in expected { model.contacts[r] = nil }
                case .failure(let p):
                    #expect(p.code == expectedCode, "\(context): \(p)")
                }
            }
            if expectedCode == nil { accepted += 1 } else { refused += 1 }
            models[customer] = model

            // The touched customer: invariants and equality with the model.
            let snapshot = directory.snapshot(of: customer)
            try snapshot.checkInvariants()
            #expect(snapshot.count == model.contacts.count, "\(context)")
            if step % 10 == 0 || expectedCode != nil {
                for (id, contact) in model.contacts { #expect(try snapshot.contact(id) == contact, "\(context)") }
            }
            // Isolation: every other customer is exactly as its model says.
            for other in customers where other != customer {
                #expect(directory.snapshot(of: other).count == models[other]!.contacts.count, "\(context)")
            }
        }
        for customer in customers {
            let snapshot = directory.snapshot(of: customer)
            try snapshot.checkInvariants()
            for (id, contact) in models[customer]!.contacts { #expect(try snapshot.contact(id) == contact) }
            // No id of this customer is visible to another unless that customer owns it.
            for other in customers where other != customer {
                for (id, contact) in models[customer]!.contacts {
                    #expect((try? directory.snapshot(of: other).contact(id)) != contact || models[other]!.contacts[id] == contact)
                }
            }
        }
        #expect(accepted > 1500 && refused > 200, "accepted \(accepted), refused \(refused)")
    }
}

func result<T>(_ body: () async throws(ContactProblem) -> T) async -> Result<T, ContactProblem> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
