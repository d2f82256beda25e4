import Logging
import PostgresNIO

/// The PostgreSQL schema, versioned in a `schema_migrations` table from the first version on.
///
/// Every table is keyed by `customer_id` first: the distribution column for Citus later (see
/// Docs/postgres-citus.md). `contact.location` is a `geography(Point,4326)` generated from the
/// stored latitude and longitude, with a GiST index, for other PostGIS users; GeoContacts itself
/// binds and reads plain doubles (postgres-nio has no geography codec).
enum PostgresSchema {
    /// The migrations, in order: (version, statements). Never edit a shipped migration: add the next one.
    static let migrations: [(version: Int, statements: [String])] = [
        (1, [
            "CREATE EXTENSION IF NOT EXISTS postgis",
            """
            CREATE TABLE contact_group (
                customer_id bigint NOT NULL,
                id bigint NOT NULL,
                name text NOT NULL,
                PRIMARY KEY (customer_id, id)
            )
            """,
            """
            CREATE TABLE custom_field_definition (
                customer_id bigint NOT NULL,
                id bigint NOT NULL,
                name text NOT NULL,
                type text NOT NULL,
                options jsonb NOT NULL,    -- array of strings
                group_ids jsonb NOT NULL,  -- array of int64, ascending; empty: every group
                PRIMARY KEY (customer_id, id)
            )
            """,
            """
            CREATE TABLE contact (
                customer_id bigint NOT NULL,
                id bigint NOT NULL,
                reference text,
                name text NOT NULL,
                group_id bigint NOT NULL,
                parent_id bigint,
                extra_information text,
                street text,
                town text,
                postal_code text,
                country text,
                latitude double precision NOT NULL,   -- WGS84 degrees, exactly as validated
                longitude double precision NOT NULL,
                location geography(Point, 4326) GENERATED ALWAYS AS
                    (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography) STORED,
                PRIMARY KEY (customer_id, id)
            )
            """,
            "CREATE INDEX contact_location ON contact USING gist (location)",
            """
            CREATE TABLE contact_custom_field (
                customer_id bigint NOT NULL,
                contact_id bigint NOT NULL,
                definition_id bigint NOT NULL,
                value text NOT NULL,
                PRIMARY KEY (customer_id, contact_id, definition_id)
            )
            """,
            // The high-water mark of contact ids, so that an id is never handed out twice.
            """
            CREATE TABLE contact_sequence (
                customer_id bigint PRIMARY KEY,
                next_id bigint NOT NULL
            )
            """,
            // The per-customer version: raised by one in every write transaction (the row lock
            // serializes writers of one customer, so versions are gap-free and in commit order).
            """
            CREATE TABLE customer_versions (
                customer_id bigint PRIMARY KEY,
                version bigint NOT NULL
            )
            """,
            // What each version changed, in order: the change feed replicas tail.
            """
            CREATE TABLE contact_changes (
                customer_id bigint NOT NULL,
                version bigint NOT NULL,
                position integer NOT NULL,
                kind text NOT NULL,        -- created, updated, removed, group, definition
                object_id bigint NOT NULL, -- the contact, group or definition id
                committed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (customer_id, version, position)
            )
            """,
            // One row: this database's identity, so that a replica notices a replaced database.
            """
            CREATE TABLE database_epoch (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                epoch uuid NOT NULL DEFAULT gen_random_uuid(),
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "INSERT INTO database_epoch DEFAULT VALUES",
        ]),
    ]

    /// The newest version this program knows.
    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies every missing migration, in one transaction under an advisory lock (several
    /// replicas starting at once migrate once).
    ///
    /// - Returns: the applied versions, oldest first.
    /// - Throws: ``PostgresStorageError`` `newer-schema` when the database has a version this
    ///   program does not know; a PostgreSQL error otherwise (then nothing was applied).
    @discardableResult
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7245113)", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: [Int] = []
            for try await version in try await connection.query(
                "SELECT version FROM schema_migrations ORDER BY version", logger: logger).decode(Int.self) {
                applied.append(version)
            }
            if let newest = applied.last, newest > latestVersion {
                throw PostgresStorageError(.newerSchema, "the database has schema version \(newest); this program knows up to \(latestVersion)")
            }
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: logger)
                applied.append(migration.version)
            }
            return applied
        }
    }
}

/// Why the PostgreSQL store refused.
public struct PostgresStorageError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case cannotOpen = "cannot-open"
        case newerSchema = "newer-schema"
        case corrupt
        case commitFailed = "commit-failed"
        case readFailed = "read-failed"
        case closed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
