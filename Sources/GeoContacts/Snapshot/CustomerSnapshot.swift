import Geodesy
import HashTreeCollections
import SpatialIndex

/// One customer's contacts, groups and custom-field definitions with every index, as an
/// immutable-by-default value.
///
/// Every collection is persistent (`ContactIDMap` / `OrderedContactIDs`, B+-trees ordered
/// by id, for the contacts and the id sets that listings page through; `TreeDictionary` /
/// `TreeSet`, hash array mapped tries, for the other maps; `ReferenceIndex`; `RTree`), all with path
/// copying, so copying a snapshot is O(1)
/// and changing a copy that a reader still holds costs O(log n), not O(n). A reader takes a
/// snapshot from ``ContactDirectory/snapshot(as:)`` and queries it without any lock while
/// writers publish newer snapshots; it always sees one consistent state.
///
/// Indexes (all kept in step by `apply(_:)`, the only place that changes a snapshot):
/// - group → members, parent → children (and the set of roots), reference → contacts,
///   (custom field, value) → contacts, an R-tree of all locations and one per group.
public struct CustomerSnapshot: Sendable {
    /// Whose data this is.
    public let customer: CustomerID
    /// The validation policy in force for this customer.
    public internal(set) var policy: ContactPolicy

    var contacts = ContactIDMap<Contact>()
    var groupsByID: TreeDictionary<GroupID, ContactGroup> = [:]
    var definitionsByID: TreeDictionary<DefinitionID, CustomFieldDefinition> = [:]
    var members: TreeDictionary<GroupID, OrderedContactIDs> = [:]
    var childrenByParent: TreeDictionary<ContactID, OrderedContactIDs> = [:]
    var rootIDs = OrderedContactIDs()
    var byReference = ReferenceIndex()
    var byFieldValue: TreeDictionary<FieldValueKey, TreeSet<ContactID>> = [:]
    var spatial = RTree<ContactID>()
    /// One R-tree per non-empty group, so that nearest-within-a-group never traverses other
    /// groups' contacts, however small and far away the group is (≈ doubles the spatial
    /// index's memory and write cost; groups are the most common filter), except for
    /// ``dominantGroup``.
    var groupSpatial: TreeDictionary<GroupID, RTree<ContactID>> = [:]
    /// The group holding every contact but ``outsiders`` (at most ``outsiderLimit`` of them),
    /// if any: its R-tree is ``spatial`` itself, searched without the outsiders, so that a
    /// customer whose contacts are nearly all in one group (one group, or sites beside a few
    /// depots) keeps and updates one tree of them, not two. A group becomes dominant when it
    /// takes the customer's first contact, or at a restore or a bulk indexing into an empty
    /// customer; it stays dominant while the outsiders stay within the limit and it is not
    /// empty. Past the limit it gets a tree of its own: the customer's (a copy-on-write share)
    /// without the outsiders.
    var dominantGroup: GroupID?
    /// The contacts outside ``dominantGroup`` (each in its own group's tree); empty without one.
    var outsiders = TreeSet<ContactID>()
    /// The most ``outsiders`` a dominant group keeps: a search of the dominant group looks at
    /// most at this many entries it would not have in a tree of its own. Settable for tests.
    var outsiderLimit = CustomerSnapshot.defaultOutsiderLimit
    static let defaultOutsiderLimit = 1024
    /// The id the next created contact gets; always above every id in use.
    var nextContactID: Int64 = 1
    /// The customer's version in a shared store (``SharedJournal``) that this state is exactly:
    /// every write committed up to it is in, none after it. 0 over a journal that keeps no
    /// versions (SQLite, memory).
    public internal(set) var version: Int64 = 0
    /// A working copy for validation only: ``apply(_:)`` keeps what validation reads (the
    /// contacts, children, references, groups, definitions, ids) and leaves the spatial,
    /// member, root and field-value indexes behind. Never published, never checked.
    var isValidationCopy = false

    /// An empty snapshot.
    public init(customer: CustomerID, policy: ContactPolicy = .default) {
        self.customer = customer
        self.policy = policy
    }

    /// How many contacts the customer has.
    public var count: Int { contacts.count }

    /// Whether `id` names a contact of this customer.
    public func contains(_ id: ContactID) -> Bool { contacts.contains(id) }

    /// The R-tree holding `group`'s contacts (empty for a group without any), and the
    /// contacts in it that are not the group's (the dominant group's outsiders; none for a
    /// group's own tree).
    func spatialIndex(of group: GroupID) -> (tree: RTree<ContactID>, excluding: TreeSet<ContactID>) {
        group == dominantGroup ? (spatial, outsiders) : (groupSpatial[group] ?? RTree(), [])
    }
}

/// A key of the custom-field value index.
struct FieldValueKey: Hashable, Sendable {
    var definition: DefinitionID
    var value: String
}

/// A contact with its distance from a query point (metres on WGS84; 0 for box queries).
public struct ContactHit: Hashable, Sendable {
    public var contact: Contact
    public var distance: Double

    public init(contact: Contact, distance: Double) {
        self.contact = contact
        self.distance = distance
    }
}
