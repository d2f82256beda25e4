/// Stored contacts on their way into a restore
/// (``ContactDirectory/restore(customer:groups:definitions:records:nextContactID:policy:)``).
///
/// Appended in ascending id order, as a storage layer reads its table, each contact goes
/// straight into the leaf of the customer's contacts map that it stays in: the restore then
/// neither copies the records nor builds the map again, and the peak of a large restore holds
/// one copy of them. Contacts may come in any order (then they are sorted in when the map is
/// built), and the records of a table read in parts at once are joined with
/// ``append(contentsOf:)`` in order of their parts, without a copy.
public struct ContactRecords: Sendable {
    var builder = ContactIDMap<Contact>.Builder()

    public init() {}

    /// The records of `contacts`, in their order.
    public init<S: Sequence<Contact>>(_ contacts: consuming S) {
        for contact in contacts { builder.append(contact, for: contact.id) }
    }

    /// How many contacts were appended.
    public var count: Int { builder.count }

    public mutating func append(_ contact: consuming Contact) {
        let id = contact.id
        builder.append(contact, for: id)
    }

    /// Appends the records of the part read after this one.
    public mutating func append(contentsOf other: consuming ContactRecords) {
        builder.append(contentsOf: other.builder)
    }

    /// The contacts ascending by id (of two with one id, the later one).
    public consuming func sorted() -> [Contact] {
        Array(builder.build().values)
    }
}
