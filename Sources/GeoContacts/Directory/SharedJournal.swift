/// A journal that several processes write at once (PostgreSQL): each process is a *replica*
/// that keeps every customer in memory and answers from it.
///
/// Every customer has a *version* in the store, raised by exactly one by every committed
/// batch, gap-free and in commit order. A replica's snapshot of a customer is exactly one
/// version (``CustomerSnapshot/version``). A replica commits a batch only on top of the
/// version its snapshot is (``commit(_:customer:base:)`` refuses otherwise with
/// ``VersionConflict``), so every write is validated against the state it is applied to,
/// whoever wrote before: two replicas never hand out one contact id twice and never create a
/// parent cycle between them. On a conflict the directory validates the batch again under
/// the customer's lock in the store (``commitLocked(customer:base:_:)``), after catching up.
///
/// The directory calls these from the leader of a customer's write queue only, so that
/// catching up, committing and publishing one customer never interleave.
public protocol SharedJournal: ContactJournal {
    /// Commits `changes` of `customer` in one transaction as version `base + 1`.
    ///
    /// - Returns: the new version (`base + 1`).
    /// - Throws: ``VersionConflict`` when the stored version is not `base` (nothing was
    ///   stored); anything else when the commit failed (nothing was stored either).
    func commit(_ changes: [ContactChange], customer: CustomerID, base: Int64) async throws -> Int64

    /// Commits the changes that `prepare` returns as the customer's next version, holding the
    /// customer's lock in the store from before `prepare` runs until the commit, so that no
    /// other replica commits in between: the way to make progress after a conflict.
    /// `prepare` first gets what changed after `base` (`nil` when nothing did), which it must
    /// apply before it validates.
    ///
    /// - Returns: the new version, or `nil` when `prepare` returned no changes (then nothing
    ///   was committed).
    /// - Throws: what `prepare` throws, or any storage failure; nothing was stored.
    func commitLocked(customer: CustomerID, base: Int64,
                      _ prepare: (CustomerDelta?) async throws -> [ContactChange]) async throws -> Int64?

    /// What changed for `customer` after `version`, read from one consistent snapshot of the store.
    func changes(of customer: CustomerID, since version: Int64) async throws -> CustomerDelta

    /// Everything `customer` has stored, read from one consistent snapshot of the store
    /// (empty at version 0 for a customer that has nothing).
    func load(_ customer: CustomerID) async throws -> StoredCustomer
}

/// The stored version was not the one a commit was based on: another replica wrote first.
public struct VersionConflict: Error, Hashable, Sendable {
    public var customer: CustomerID
    public var base: Int64

    public init(customer: CustomerID, base: Int64) {
        self.customer = customer
        self.base = base
    }
}

/// Everything one customer has stored, as of one version.
public struct StoredCustomer: Sendable {
    public var customer: CustomerID
    public var version: Int64
    public var groups: [ContactGroup]
    public var definitions: [CustomFieldDefinition]
    public var contacts: [Contact]
    /// The high-water mark of ids ever handed out, plus one.
    public var nextContactID: Int64

    public init(customer: CustomerID, version: Int64 = 0, groups: [ContactGroup] = [],
                definitions: [CustomFieldDefinition] = [], contacts: [Contact] = [], nextContactID: Int64 = 1) {
        self.customer = customer
        self.version = version
        self.groups = groups
        self.definitions = definitions
        self.contacts = contacts
        self.nextContactID = nextContactID
    }
}

/// What changed for one customer between two versions, as the rows are at the later one:
/// every group, definition and contact that some change in between touched, and which of
/// the touched ones no longer exist.
public struct CustomerDelta: Sendable {
    /// The version these rows are as of.
    public var version: Int64
    /// Groups defined or renamed in between, as they are now.
    public var groups: [ContactGroup]
    /// Definitions defined or replaced in between, as they are now.
    public var definitions: [CustomFieldDefinition]
    /// Contacts created or changed in between that still exist, as they are now.
    public var contacts: [Contact]
    /// Contacts touched in between that no longer exist.
    public var removed: [ContactID]
    /// Groups touched in between that no longer exist.
    public var removedGroups: [GroupID]
    /// Definitions touched in between that no longer exist.
    public var removedDefinitions: [DefinitionID]
    /// The high-water mark of ids ever handed out, plus one.
    public var nextContactID: Int64

    public init(version: Int64, groups: [ContactGroup] = [], definitions: [CustomFieldDefinition] = [],
                contacts: [Contact] = [], removed: [ContactID] = [], removedGroups: [GroupID] = [],
                removedDefinitions: [DefinitionID] = [], nextContactID: Int64 = 1) {
        self.version = version
        self.groups = groups
        self.definitions = definitions
        self.contacts = contacts
        self.removed = removed
        self.removedGroups = removedGroups
        self.removedDefinitions = removedDefinitions
        self.nextContactID = nextContactID
    }
}
