import GRDB
import GRDBSQLite

/// Reads the current row of a statement that GRDB steps, straight through SQLite's C API.
///
/// GRDB's `Row` subscript checks each column's type and converts it through a generic
/// `DatabaseValueConvertible` path: reading the 1M contact rows of a restart that way cost more
/// than SQLite's own decoding. GRDB still runs the statement (the cursor's `next()`: stepping,
/// error reporting); only the column values are read here, the way ``ContactUpsert`` binds them.
struct ColumnReader {
    private let statement: SQLiteStatement

    init(_ statement: Statement) {
        self.statement = statement.sqliteStatement
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(statement, column)
    }

    func optionalInt64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : sqlite3_column_int64(statement, column)
    }

    func double(_ column: Int32) -> Double {
        sqlite3_column_double(statement, column)
    }

    /// The column as UTF-8 text (ill-formed sequences repaired), `nil` for NULL.
    func optionalText(_ column: Int32) -> String? {
        // NULL gives no pointer; any other value is converted to text, "" included.
        guard let bytes = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}
