import Foundation
import GRDB
import GeoContacts
import Geodesy

/// Writing changes as rows, and reading rows back as contacts, groups and definitions.
/// The only place that knows the table layout besides ``Schema``.
enum ContactRows {
    /// Writes one customer's changes, in order, inside the caller's transaction. The contact
    /// statement is looked up once per call, and the id high-water mark is raised once, to
    /// past the highest id created.
    static func write(_ changes: [ContactChange], customer: CustomerID, in db: Database) throws {
        let c = customer.rawValue
        var upsert: ContactUpsert?
        var highestCreated: Int64?
        for change in changes {
            switch change {
            case .created(let contact), .updated(old: _, new: let contact):
                let statement = try upsert ?? ContactUpsert(in: db)
                upsert = statement
                try statement.write(contact, customer: c)
                if case .updated(let old, _) = change, !old.customFields.isEmpty {
                    try deleteFields(of: contact.id, customer: c, in: db)
                }
                for field in contact.customFields {
                    try db.cachedStatement(sql: """
                        INSERT OR REPLACE INTO contact_custom_field (customer, contact_id, definition_id, value)
                        VALUES (?, ?, ?, ?)
                        """).execute(arguments: [c, contact.id.rawValue, field.definitionId.rawValue, field.value])
                }
                if case .created = change { highestCreated = max(highestCreated ?? contact.id.rawValue, contact.id.rawValue) }
            case .removed(let contact):
                try db.cachedStatement(sql: "DELETE FROM contact WHERE customer = ? AND id = ?")
                    .execute(arguments: [c, contact.id.rawValue])
                if !contact.customFields.isEmpty { try deleteFields(of: contact.id, customer: c, in: db) }
            case .groupDefined(let group):
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO contact_group (customer, id, name) VALUES (?, ?, ?)")
                    .execute(arguments: [c, group.id.rawValue, group.name])
            case .definitionDefined(let definition):
                let options = String(decoding: try JSONEncoder().encode(definition.options), as: UTF8.self)
                let groups = String(decoding: try JSONEncoder().encode(definition.groupIds.map(\.rawValue).sorted()),
                                    as: UTF8.self)
                try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO custom_field_definition (customer, id, name, type, options, group_ids)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [c, definition.id.rawValue, definition.name, definition.type.rawValue,
                                             options, groups])
            case .groupRemoved(let group):
                // Its contacts were moved away by earlier changes of the batch.
                try db.cachedStatement(sql: "DELETE FROM contact_group WHERE customer = ? AND id = ?")
                    .execute(arguments: [c, group.id.rawValue])
            case .definitionRemoved(let definition):
                // Its values were cleared by earlier changes of the batch.
                try db.cachedStatement(sql: "DELETE FROM custom_field_definition WHERE customer = ? AND id = ?")
                    .execute(arguments: [c, definition.id.rawValue])
            }
        }
        if let highestCreated {
            try db.cachedStatement(sql: """
                INSERT INTO contact_sequence (customer, next_id) VALUES (?, ?)
                ON CONFLICT (customer) DO UPDATE SET next_id = MAX(next_id, excluded.next_id)
                """).execute(arguments: [c, highestCreated &+ 1])
        }
    }

    private static func deleteFields(of id: ContactID, customer: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM contact_custom_field WHERE customer = ? AND contact_id = ?")
            .execute(arguments: [customer, id.rawValue])
    }

    /// A range of contact keys (customer, id): from `lower` (included) to `upper` (excluded);
    /// an absent bound is open.
    struct KeyRange: Sendable {
        var lower: (customer: Int64, id: Int64)?
        var upper: (customer: Int64, id: Int64)?

        /// `filter` (a `WHERE …` or nothing) narrowed to the range on `key`.
        func clause(_ filter: String, key: String) -> String {
            var conditions: [String] = []
            if let lower { conditions.append("\(key) >= (\(lower.customer), \(lower.id))") }
            if let upper { conditions.append("\(key) < (\(upper.customer), \(upper.id))") }
            guard !conditions.isEmpty else { return filter }
            return (filter.isEmpty ? "WHERE " : filter + " AND ") + conditions.joined(separator: " AND ")
        }
    }

    /// Everything one customer has stored.
    struct CustomerData: Sendable {
        var customer: CustomerID
        var groups: [ContactGroup] = []
        var definitions: [CustomFieldDefinition] = []
        /// The contacts, ascending by id.
        var records = ContactRecords()
        /// The high-water mark of contact ids: the next id to hand out, at least.
        var nextContactID: Int64 = 1
    }

    /// Reads every customer's data: each table once, in primary-key order, custom-field
    /// values merged into their contacts on the way.
    ///
    /// - Complexity: O(rows).
    ///
    /// - Parameters:
    ///   - range: only the contacts whose (customer, id) lies in it (and their field values);
    ///     groups, definitions and sequences are read whole. For reading one table in parts on
    ///     several connections at once.
    static func loadAll(from db: Database, only customer: CustomerID? = nil, range: KeyRange = KeyRange()) throws
        -> [CustomerData]
    {
        let filter = customer.map { "WHERE customer = \($0.rawValue)" } ?? ""
        var byCustomer: [Int64: CustomerData] = [:]
        func data(_ c: Int64) -> CustomerData { byCustomer[c] ?? CustomerData(customer: CustomerID(c)) }

        let groups = try Row.fetchCursor(db, sql: "SELECT customer, id, name FROM contact_group \(filter) ORDER BY customer, id")
        while let row = try groups.next() {
            let c: Int64 = row[0]
            var d = data(c)
            let id: Int64 = row[1], name: String = row[2]
            d.groups.append(ContactGroup(id: GroupID(id), name: name))
            byCustomer[c] = d
        }
        let definitions = try Row.fetchCursor(db, sql: """
            SELECT customer, id, name, type, options, group_ids FROM custom_field_definition \(filter)
            ORDER BY customer, id
            """)
        while let row = try definitions.next() {
            let c: Int64 = row[0]
            let options: String = row[4], groupIDs: String = row[5]
            guard let decodedOptions = try? JSONDecoder().decode([String].self, from: Data(options.utf8)),
                  let decodedGroups = try? JSONDecoder().decode([Int64].self, from: Data(groupIDs.utf8))
            else { throw StorageError(.corrupt, "a custom field definition of customer \(c) is unreadable") }
            let id: Int64 = row[1], name: String = row[2], type: String = row[3]
            var d = data(c)
            d.definitions.append(CustomFieldDefinition(
                id: DefinitionID(id), name: name, type: CustomFieldDefinition.FieldType(rawValue: type),
                options: decodedOptions, groupIds: Set(decodedGroups.map { GroupID($0) })))
            byCustomer[c] = d
        }

        let sequences = try Row.fetchCursor(db, sql: "SELECT customer, next_id FROM contact_sequence \(filter)")
        while let row = try sequences.next() {
            let c: Int64 = row[0]
            var d = data(c)
            d.nextContactID = row[1]
            byCustomer[c] = d
        }

        // Contacts and their custom-field values, both in (customer, id) order: a merge join.
        let fields = try Row.fetchCursor(db, sql: """
            SELECT customer, contact_id, definition_id, value FROM contact_custom_field
            \(range.clause(filter, key: "(customer, contact_id)"))
            ORDER BY customer, contact_id, definition_id
            """)
        var pendingField: (customer: Int64, contact: Int64, value: CustomFieldValue)?
        func nextField() throws -> (customer: Int64, contact: Int64, value: CustomFieldValue)? {
            guard let row = try fields.next() else { return nil }
            let customer: Int64 = row[0], contact: Int64 = row[1], definition: Int64 = row[2], value: String = row[3]
            return (customer, contact, CustomFieldValue(definitionId: DefinitionID(definition), value: value))
        }
        pendingField = try nextField()

        let statement = try db.makeStatement(sql: """
            SELECT customer, id, reference, name, group_id, parent_id, extra_information, street, town,
                   postal_code, country, latitude, longitude
            FROM contact \(range.clause(filter, key: "(customer, id)")) ORDER BY customer, id
            """)
        let contacts = try Row.fetchCursor(statement)
        let column = ColumnReader(statement)
        var currentCustomer: Int64?
        var current = CustomerData(customer: CustomerID(0))
        while try contacts.next() != nil {
            let c = column.int64(0)
            if c != currentCustomer {
                if let previous = currentCustomer { byCustomer[previous] = current }
                currentCustomer = c
                current = data(c)
            }
            let id = column.int64(1)
            guard let name = column.optionalText(3), !column.isNull(4), !column.isNull(11), !column.isNull(12) else {
                throw StorageError(.corrupt, "contact \(id) of customer \(c) lacks a required column")
            }
            var contact = Contact(
                id: ContactID(id), reference: column.optionalText(2), name: name, groupId: GroupID(column.int64(4)),
                parentId: column.optionalInt64(5).map { ContactID($0) }, extraInformation: column.optionalText(6),
                street: column.optionalText(7), town: column.optionalText(8), postalCode: column.optionalText(9),
                country: column.optionalText(10),
                location: Coordinate(latitude: column.double(11), longitude: column.double(12)))
            // Values of contacts that no longer exist cannot occur (same transaction); skip defensively.
            while let f = pendingField, (f.customer, f.contact) < (c, id) { pendingField = try nextField() }
            while let f = pendingField, f.customer == c, f.contact == id {
                contact.customFields.append(f.value)  // already ascending by definition id
                pendingField = try nextField()
            }
            current.records.append(contact)
        }
        if let previous = currentCustomer { byCustomer[previous] = current }
        return byCustomer.keys.sorted().map { byCustomer[$0]! }
    }
}
