import Foundation
import OpenAPIRuntime
import Testing

typealias Schemas = Components.Schemas

/// One walk through every operation of the document with the generated client, against a live
/// service that starts empty: each step creates what the next ones read, and checks the typed
/// answers against what it created.
///
/// Contacts (customer 1): HQ (London, Big Ben, group Sites, Priority high) ← Site A (1.1 km
/// north-west) ← Site B (12 km north-west); Paris (JSON batch, group Sites); Berlin and Madrid
/// (NDJSON batch, Madrid in group Depots).
struct Tour {
    let client: Client
    /// `Customer-Id`.
    let customer = LiveService.customer

    var sites: Int64 = 0, depots: Int64 = 0, priority: Int64 = 0
    var hq: Int64 = 0, siteA: Int64 = 0, siteB: Int64 = 0
    var paris: Int64 = 0, berlin: Int64 = 0, madrid: Int64 = 0

    static let bigBen = (latitude: 51.500_7, longitude: -0.124_6)
    static let parisCentre = (latitude: 48.856_6, longitude: 2.352_2)
    /// A ring around greater London ([longitude, latitude], closed): holds HQ, Site A and Site B only.
    static let londonRing: [[Double]] = [[-1, 51], [1, 51], [1, 52], [-1, 52], [-1, 51]]

    init(client: Client) { self.client = client }

    /// The contacts inside ``londonRing``.
    var london: Set<Int64> { [hq, siteA, siteB] }

    /// A create body.
    static func contact(_ name: String, group: Int64, at point: (latitude: Double, longitude: Double),
                        parent: Int64? = nil, customFields: [Schemas.CustomFieldInput]? = nil) -> Schemas.ContactCreate {
        Schemas.ContactCreate(name: name, groupId: group, parentId: parent,
                              location: .init(latitude: point.latitude, longitude: point.longitude),
                              customFields: customFields)
    }
}

extension Tour {
    /// The problem's code, after `urn:geocontacts:problem:`.
    static func code(of problem: Schemas.Problem) -> String {
        problem._type.replacingOccurrences(of: "urn:geocontacts:problem:", with: "")
    }
}
