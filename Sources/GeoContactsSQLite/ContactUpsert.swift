import GRDB
import GRDBSQLite
import GeoContacts
import Geodesy

/// The contact row's upsert, its thirteen values bound straight through SQLite's C API.
///
/// GRDB's `StatementArguments` boxes every value as an existential and converts it to a
/// `DatabaseValue` before binding: for an import that was two thirds of storing a row, more than
/// SQLite's own insert. GRDB still runs the statement (`execute()`: its transaction
/// bookkeeping and error reporting); only the binding is done here.
struct ContactUpsert {
    private let statement: Statement

    init(in db: Database) throws {
        statement = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO contact (customer, id, reference, name, group_id, parent_id,
                extra_information, street, town, postal_code, country, latitude, longitude)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Writes `contact` of customer `customer` (inserted, or replacing the row of its id).
    func write(_ contact: Contact, customer: Int64) throws {
        // Resets the statement and clears the bindings of the row before; GRDB then takes the
        // values bound below as the statement's arguments.
        statement.setUncheckedArguments(StatementArguments())
        let s = statement.sqliteStatement
        var failure = SQLITE_OK
        func check(_ code: Int32) { if failure == SQLITE_OK { failure = code } }
        check(sqlite3_bind_int64(s, 1, customer))
        check(sqlite3_bind_int64(s, 2, contact.id.rawValue))
        check(try bind(contact.reference, at: 3))
        check(try bind(contact.name, at: 4))
        check(sqlite3_bind_int64(s, 5, contact.groupId.rawValue))
        if let parent = contact.parentId { check(sqlite3_bind_int64(s, 6, parent.rawValue)) }
        check(try bind(contact.extraInformation, at: 7))
        check(try bind(contact.street, at: 8))
        check(try bind(contact.town, at: 9))
        check(try bind(contact.postalCode, at: 10))
        check(try bind(contact.country, at: 11))
        check(sqlite3_bind_double(s, 12, contact.location.latitude))
        check(sqlite3_bind_double(s, 13, contact.location.longitude))
        guard failure == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: failure), message: "cannot bind a contact's columns")
        }
        try statement.execute()
    }

    /// Binds `text` (UTF-8, copied by SQLite) at the 1-based `index`; `nil` stays NULL.
    private func bind(_ text: String?, at index: Int32) throws -> Int32 {
        guard var text else { return SQLITE_OK }
        return try text.withUTF8 { utf8 in
            guard let count = Int32(exactly: utf8.count) else {
                throw DatabaseError(resultCode: .SQLITE_TOOBIG, message: "a contact's text is too long to store")
            }
            // SQLITE_TRANSIENT (-1): SQLite copies the bytes before returning. An empty string
            // may have no address, which would bind NULL: it is bound from a literal.
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            guard let address = utf8.baseAddress, count > 0 else {
                return sqlite3_bind_text(statement.sqliteStatement, index, "", 0, transient)
            }
            return sqlite3_bind_text(statement.sqliteStatement, index, address, count, transient)
        }
    }
}
