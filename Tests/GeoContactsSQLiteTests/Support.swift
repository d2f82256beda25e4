import Foundation
@testable import GeoContacts
import GeoContactsSQLite
import GeoContactsTestSupport
import Geodesy
import HashTreeCollections

enum Support {
    static let everything: Set<Scope> = [.read, .write, .admin]
    static func caller(_ customer: Int64) -> Caller { Caller(customer: CustomerID(customer), scopes: everything) }

    /// A fresh, empty folder under the temporary directory.
    static func temporaryFolder(_ name: String = #function) -> DataFolder {
        DataFolder(url: CommandLineTool.temporaryURL(name))
    }

    static func remove(_ folder: DataFolder) { try? FileManager.default.removeItem(at: folder.url) }

    /// Every contact of a snapshot, ascending by id.
    static func allContacts(_ snapshot: CustomerSnapshot) -> [Contact] {
        snapshot.contacts.values.sorted { $0.id < $1.id }
    }
}
