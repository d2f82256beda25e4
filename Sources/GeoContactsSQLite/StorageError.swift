/// Why the storage refused or failed: a stable ``Code`` and a human message.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable error code; new codes may be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The folder or its database could not be created or opened.
        public static let cannotOpen = Code(rawValue: "cannot-open")
        /// Another process holds the data folder.
        public static let folderInUse = Code(rawValue: "folder-in-use")
        /// The database was written by a newer version of this program.
        public static let newerSchema = Code(rawValue: "newer-schema")
        /// The stored data is not valid (a row that cannot be a contact).
        public static let corrupt = Code(rawValue: "corrupt")
        /// A commit failed; the journal refuses every later write (memory and disk may differ).
        public static let commitFailed = Code(rawValue: "commit-failed")
        /// The journal was closed.
        public static let closed = Code(rawValue: "closed")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
