@testable import GeoContacts

enum Support {
    static func caller(_ customer: Int64) -> Caller { Caller(customer: CustomerID(customer), scopes: [.read, .write, .admin]) }

    /// Every contact of a snapshot, ascending by id.
    static func allContacts(_ snapshot: CustomerSnapshot) -> [Contact] {
        snapshot.contacts.values.sorted { $0.id < $1.id }
    }
}
