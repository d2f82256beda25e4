import GRDB

/// The database schema, versioned from the first version on with GRDB's `DatabaseMigrator`.
///
/// Every table is keyed by `customer` first, so one customer's rows are contiguous and a
/// full load reads each table once in primary-key order (`WITHOUT ROWID` tables are stored
/// in that order). Custom-field values live in their own table so that SQL can query them;
/// a contact's row and its values are always written in one transaction.
enum Schema {
    /// The migrations, in order. Never edit a shipped migration: add the next one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE contact_group (
                    customer INTEGER NOT NULL,
                    id INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    PRIMARY KEY (customer, id)
                ) WITHOUT ROWID;

                CREATE TABLE custom_field_definition (
                    customer INTEGER NOT NULL,
                    id INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    type TEXT NOT NULL,
                    options TEXT NOT NULL,    -- JSON array of strings
                    group_ids TEXT NOT NULL,  -- JSON array of int64, ascending; empty: every group
                    PRIMARY KEY (customer, id)
                ) WITHOUT ROWID;

                CREATE TABLE contact (
                    customer INTEGER NOT NULL,
                    id INTEGER NOT NULL,
                    reference TEXT,
                    name TEXT NOT NULL,
                    group_id INTEGER NOT NULL,
                    parent_id INTEGER,
                    extra_information TEXT,
                    street TEXT,
                    town TEXT,
                    postal_code TEXT,
                    country TEXT,
                    latitude REAL NOT NULL,   -- WGS84 degrees, exactly as validated
                    longitude REAL NOT NULL,
                    PRIMARY KEY (customer, id)
                ) WITHOUT ROWID;

                CREATE TABLE contact_custom_field (
                    customer INTEGER NOT NULL,
                    contact_id INTEGER NOT NULL,
                    definition_id INTEGER NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (customer, contact_id, definition_id)
                ) WITHOUT ROWID;
                """)
        }
        // v2: the high-water mark of contact ids per customer, so that an id is never handed
        // out twice, even after the highest contact was removed and the process restarted.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE contact_sequence (
                    customer INTEGER PRIMARY KEY,
                    next_id INTEGER NOT NULL
                );
                INSERT INTO contact_sequence (customer, next_id)
                    SELECT customer, MAX(id) + 1 FROM contact GROUP BY customer;
                """)
        }
        return migrator
    }

    /// The newest migration this program knows.
    static let latestVersion = "v2"
}
