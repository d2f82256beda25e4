package import GeoContacts
import Geodesy
import GeoDataGeneration

/// A deterministic sample data set for a newcomer's first `make run`: three customers, each
/// with groups (head office, regions, sites, depots), two custom fields, and a
/// customer → region → site hierarchy around real cities (26,068 contacts in all).
package enum SampleData {
    /// One sample customer: its id, name, and how many cities and sites per city it has.
    package struct Customer: Sendable {
        package var id: Int64
        package var name: String
        package var cities: Int
        package var sitesPerCity: Int
    }

    package static let customers: [Customer] = [
        Customer(id: 1, name: "Acme Field Services", cities: 50, sitesPerCity: 400),
        Customer(id: 2, name: "Northwind Utilities", cities: 10, sitesPerCity: 500),
        Customer(id: 3, name: "Globex Lifts", cities: 5, sitesPerCity: 200),
    ]

    /// Group ids of every sample customer.
    package static let headOfficeGroup = GroupID(1), regionGroup = GroupID(2), siteGroup = GroupID(3), depotGroup = GroupID(4)

    /// One customer's sample data.
    package struct CustomerSet: Sendable {
        package var customer: CustomerID
        package var groups: [ContactGroup]
        package var definitions: [CustomFieldDefinition]
        /// Parents before children.
        package var contacts: [Contact]

        /// The same data as journal changes (groups, definitions, then contacts parent-first),
        /// for a storage layer to persist.
        package var changes: [ContactChange] {
            groups.map { .groupDefined($0) } + definitions.map { .definitionDefined($0) } + contacts.map { .created($0) }
        }
    }

    /// Loads the sample set into `directory` (replacing those customers' state), first
    /// handing each customer's changes to `persist` (durable storage) when given.
    /// - Returns: how many contacts were loaded.
    @discardableResult
    package static func load(into directory: ContactDirectory,
                            persist: ((CustomerID, [ContactChange]) throws -> Void)? = nil) throws -> Int {
        var total = 0
        for set in sets() {
            try persist?(set.customer, set.changes)
            try directory.restore(customer: set.customer, groups: set.groups, definitions: set.definitions, contacts: set.contacts)
            total += set.contacts.count
        }
        return total
    }

    /// Every sample customer's data; deterministic.
    package static func sets() -> [CustomerSet] {
        var result: [CustomerSet] = []
        for customer in customers {
            let groups = [
                ContactGroup(id: headOfficeGroup, name: "Head office"), ContactGroup(id: regionGroup, name: "Regions"),
                ContactGroup(id: siteGroup, name: "Sites"), ContactGroup(id: depotGroup, name: "Depots"),
            ]
            let priority = DefinitionID(1)
            let definitions = [
                CustomFieldDefinition(id: priority, name: "Priority", type: .list, options: ["low", "normal", "high"],
                                      groupIds: [siteGroup, depotGroup]),
                CustomFieldDefinition(id: DefinitionID(2), name: "Opened", type: .date),
            ]
            let cities = Array(CityCentre.all.prefix(customer.cities))
            var contacts: [Contact] = []
            let root = ContactID(1)
            contacts.append(Contact(id: root, reference: "C\(customer.id)", name: customer.name, groupId: headOfficeGroup,
                                    town: cities[0].name, location: Coordinate(latitude: cities[0].latitude, longitude: cities[0].longitude),
                                    customFields: [CustomFieldValue(definitionId: DefinitionID(2), value: "2001-01-01")]))
            var nextID: Int64 = 2
            var regionIDs: [ContactID] = []
            for city in cities {
                let id = ContactID(nextID)
                nextID += 1
                regionIDs.append(id)
                contacts.append(Contact(id: id, reference: "C\(customer.id)-\(code(city.name))", name: "Region \(city.name)",
                                        groupId: regionGroup, parentId: root, town: city.name,
                                        location: Coordinate(latitude: city.latitude, longitude: city.longitude)))
            }
            let levels = ["low", "normal", "high"]
            for (index, city) in cities.enumerated() {
                let generator = GeoDataGenerator(mix: .clusteredOnly, clusterSigma: 8_000, centres: [city])
                let points = generator.points(count: customer.sitesPerCity, seed: UInt64(customer.id * 1_000 + Int64(index)))
                for (n, point) in points.enumerated() {
                    let id = ContactID(nextID)
                    nextID += 1
                    let isDepot = n % 10 == 0
                    contacts.append(Contact(
                        id: id, reference: "C\(customer.id)-\(code(city.name))-\(n + 1)",
                        name: "\(isDepot ? "Depot" : "Site") \(city.name) \(n + 1)",
                        groupId: isDepot ? depotGroup : siteGroup, parentId: regionIDs[index],
                        street: "\(n + 1) Sample Street", town: city.name, location: point,
                        customFields: [CustomFieldValue(definitionId: priority, value: levels[n % 3])]))
                }
            }
            result.append(CustomerSet(customer: CustomerID(customer.id), groups: groups, definitions: definitions, contacts: contacts))
        }
        return result
    }

    /// A three-letter code of a city name ("London" → "LON").
    static func code(_ name: String) -> String {
        String(name.filter(\.isLetter).prefix(3)).uppercased()
    }
}
