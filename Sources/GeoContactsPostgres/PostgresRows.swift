import Foundation
import GeoContacts
import Geodesy
import Logging
import PostgresNIO

/// Writing changes as rows and reading one customer back: the only place besides
/// ``PostgresSchema`` that knows the table layout.
enum PostgresRows {
    /// Writes one customer's batch of changes in the caller's transaction: raises the
    /// customer's version by one (creating its row on the first write), writes the rows,
    /// records the changes under that version and sends a `NOTIFY` hint.
    ///
    /// - Returns: the customer's new version.
    static func write(_ changes: [ContactChange], customer: CustomerID, on connection: PostgresConnection,
                      logger: Logger) async throws -> Int64 {
        let c = customer.rawValue
        try await connection.query("""
            INSERT INTO customer_versions (customer_id, version) VALUES (\(c), 0)
            ON CONFLICT (customer_id) DO NOTHING
            """, logger: logger)
        var version: Int64?
        for try await v in try await connection.query(
            "UPDATE customer_versions SET version = version + 1 WHERE customer_id = \(c) RETURNING version",
            logger: logger).decode(Int64.self) {
            version = v
        }
        guard let version else {
            throw PostgresStorageError(.commitFailed, "no version row for customer \(c)")
        }
        for (position, change) in changes.enumerated() {
            let kind: String, object: Int64
            switch change {
            case .created(let contact), .updated(old: _, new: let contact):
                kind = if case .created = change { "created" } else { "updated" }
                object = contact.id.rawValue
                try await connection.query("""
                    INSERT INTO contact (customer_id, id, reference, name, group_id, parent_id, extra_information,
                        street, town, postal_code, country, latitude, longitude)
                    VALUES (\(c), \(contact.id.rawValue), \(contact.reference), \(contact.name),
                        \(contact.groupId.rawValue), \(contact.parentId?.rawValue), \(contact.extraInformation),
                        \(contact.street), \(contact.town), \(contact.postalCode), \(contact.country),
                        \(contact.location.latitude), \(contact.location.longitude))
                    ON CONFLICT (customer_id, id) DO UPDATE SET reference = EXCLUDED.reference,
                        name = EXCLUDED.name, group_id = EXCLUDED.group_id, parent_id = EXCLUDED.parent_id,
                        extra_information = EXCLUDED.extra_information, street = EXCLUDED.street,
                        town = EXCLUDED.town, postal_code = EXCLUDED.postal_code, country = EXCLUDED.country,
                        latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude
                    """, logger: logger)
                if case .updated = change {
                    try await connection.query("""
                        DELETE FROM contact_custom_field WHERE customer_id = \(c) AND contact_id = \(contact.id.rawValue)
                        """, logger: logger)
                }
                for field in contact.customFields {
                    try await connection.query("""
                        INSERT INTO contact_custom_field (customer_id, contact_id, definition_id, value)
                        VALUES (\(c), \(contact.id.rawValue), \(field.definitionId.rawValue), \(field.value))
                        """, logger: logger)
                }
                if case .created = change {
                    let next = contact.id.rawValue &+ 1
                    try await connection.query("""
                        INSERT INTO contact_sequence (customer_id, next_id) VALUES (\(c), \(next))
                        ON CONFLICT (customer_id) DO UPDATE
                            SET next_id = GREATEST(contact_sequence.next_id, EXCLUDED.next_id)
                        """, logger: logger)
                }
            case .removed(let contact):
                kind = "removed"
                object = contact.id.rawValue
                try await connection.query(
                    "DELETE FROM contact WHERE customer_id = \(c) AND id = \(contact.id.rawValue)", logger: logger)
                try await connection.query("""
                    DELETE FROM contact_custom_field WHERE customer_id = \(c) AND contact_id = \(contact.id.rawValue)
                    """, logger: logger)
            case .groupDefined(let group):
                kind = "group"
                object = group.id.rawValue
                try await connection.query("""
                    INSERT INTO contact_group (customer_id, id, name) VALUES (\(c), \(group.id.rawValue), \(group.name))
                    ON CONFLICT (customer_id, id) DO UPDATE SET name = EXCLUDED.name
                    """, logger: logger)
            case .definitionDefined(let definition):
                kind = "definition"
                object = definition.id.rawValue
                let options = String(decoding: try JSONEncoder().encode(definition.options), as: UTF8.self)
                let groups = String(decoding: try JSONEncoder().encode(definition.groupIds.map(\.rawValue).sorted()),
                                    as: UTF8.self)
                try await connection.query("""
                    INSERT INTO custom_field_definition (customer_id, id, name, type, options, group_ids)
                    VALUES (\(c), \(definition.id.rawValue), \(definition.name), \(definition.type.rawValue),
                        \(options)::jsonb, \(groups)::jsonb)
                    ON CONFLICT (customer_id, id) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type,
                        options = EXCLUDED.options, group_ids = EXCLUDED.group_ids
                    """, logger: logger)
            }
            try await connection.query("""
                INSERT INTO contact_changes (customer_id, version, position, kind, object_id)
                VALUES (\(c), \(version), \(position), \(kind), \(object))
                """, logger: logger)
        }
        let payload = "\(c):\(version)"
        try await connection.query("SELECT pg_notify('geocontacts_changes', \(payload))", logger: logger)
        return version
    }

    /// Everything one customer has stored, as of one snapshot.
    struct CustomerData: Sendable {
        var customer: CustomerID
        var version: Int64 = 0
        var groups: [ContactGroup] = []
        var definitions: [CustomFieldDefinition] = []
        var contacts: [Contact] = []
        var nextContactID: Int64 = 1
    }

    /// Every customer that has stored anything.
    static func customers(_ client: PostgresClient, logger: Logger) async throws -> [CustomerID] {
        var result: [CustomerID] = []
        for try await c in try await client.query("""
            SELECT customer_id FROM customer_versions
            UNION SELECT customer_id FROM contact_group
            UNION SELECT customer_id FROM contact
            ORDER BY 1
            """, logger: logger).decode(Int64.self) {
            result.append(CustomerID(c))
        }
        return result
    }

    /// Reads one customer in one REPEATABLE READ transaction: the contacts, groups and
    /// definitions of exactly the version returned with them.
    static func load(_ customer: CustomerID, from client: PostgresClient, logger: Logger) async throws -> CustomerData {
        let c = customer.rawValue
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            var data = CustomerData(customer: customer)
            for try await v in try await connection.query(
                "SELECT version FROM customer_versions WHERE customer_id = \(c)", logger: logger).decode(Int64.self) {
                data.version = v
            }
            for try await n in try await connection.query(
                "SELECT next_id FROM contact_sequence WHERE customer_id = \(c)", logger: logger).decode(Int64.self) {
                data.nextContactID = n
            }
            for try await (id, name) in try await connection.query(
                "SELECT id, name FROM contact_group WHERE customer_id = \(c) ORDER BY id", logger: logger)
                .decode((Int64, String).self) {
                data.groups.append(ContactGroup(id: GroupID(id), name: name))
            }
            for try await (id, name, type, options, groupIDs) in try await connection.query("""
                SELECT id, name, type, options::text, group_ids::text FROM custom_field_definition
                WHERE customer_id = \(c) ORDER BY id
                """, logger: logger).decode((Int64, String, String, String, String).self) {
                guard let decodedOptions = try? JSONDecoder().decode([String].self, from: Data(options.utf8)),
                      let decodedGroups = try? JSONDecoder().decode([Int64].self, from: Data(groupIDs.utf8))
                else { throw PostgresStorageError(.corrupt, "custom field definition \(id) of customer \(c) is unreadable") }
                data.definitions.append(CustomFieldDefinition(
                    id: DefinitionID(id), name: name, type: CustomFieldDefinition.FieldType(rawValue: type),
                    options: decodedOptions, groupIds: Set(decodedGroups.map { GroupID($0) })))
            }
            var fields: [Int64: [CustomFieldValue]] = [:]
            for try await (contact, definition, value) in try await connection.query("""
                SELECT contact_id, definition_id, value FROM contact_custom_field
                WHERE customer_id = \(c) ORDER BY contact_id, definition_id
                """, logger: logger).decode((Int64, Int64, String).self) {
                fields[contact, default: []].append(CustomFieldValue(definitionId: DefinitionID(definition), value: value))
            }
            for try await (id, reference, name, group, parent, extra, street, town, postalCode, country, latitude, longitude)
                in try await connection.query("""
                SELECT id, reference, name, group_id, parent_id, extra_information, street, town, postal_code,
                       country, latitude, longitude
                FROM contact WHERE customer_id = \(c) ORDER BY id
                """, logger: logger).decode(
                    (Int64, String?, String, Int64, Int64?, String?, String?, String?, String?, String?, Double, Double).self)
            {
                var contact = Contact(
                    id: ContactID(id), reference: reference, name: name, groupId: GroupID(group),
                    parentId: parent.map { ContactID($0) }, extraInformation: extra, street: street, town: town,
                    postalCode: postalCode, country: country,
                    location: Coordinate(latitude: latitude, longitude: longitude))
                contact.customFields = fields[id] ?? []
                data.contacts.append(contact)
            }
            return data
        }
    }
}
