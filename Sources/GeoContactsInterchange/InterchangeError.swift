/// A file that cannot be read as a whole (as opposed to one bad row): one line for the user.
public struct InterchangeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
