/// Why a call to the contacts library was refused: a stable ``Code`` callers can branch on,
/// a human detail, and — for a malformed or invalid input — the offending properties keyed by
/// path (`name`, `location.latitude`, `customFields[2].value`, `parentId`).
///
/// Every refused call changes nothing. The library speaks codes, not HTTP: a service maps each
/// code to a response (`GeoContactsServer` renders an RFC 9457 problem details body).
public struct ContactProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable error code. New codes may be added; switch with a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The body is not JSON (or not a JSON object).
        public static let malformedJSON = Code(rawValue: "malformed-json")
        /// The body is JSON but not of the model's shape: an unknown property, a wrong
        /// JSON type, an int64 out of range or not integral, a duplicate key.
        public static let invalidBody = Code(rawValue: "invalid-body")
        /// A PATCH body with no property.
        public static let emptyPatch = Code(rawValue: "empty-patch")
        /// A query parameter is out of range (page number, page size, count, radius, box).
        public static let invalidParameter = Code(rawValue: "invalid-parameter")
        /// The caller lacks the required scope.
        public static let missingScope = Code(rawValue: "missing-scope")
        /// No such contact for this customer.
        public static let contactNotFound = Code(rawValue: "contact-not-found")
        /// No such contact group for this customer.
        public static let groupNotFound = Code(rawValue: "group-not-found")
        /// No such custom-field definition for this customer.
        public static let definitionNotFound = Code(rawValue: "definition-not-found")
        /// The contact has children and the removal policy is `.reject`.
        public static let contactHasChildren = Code(rawValue: "contact-has-children")
        /// A removal would change more contacts than ``ContactPolicy/maximumRemovalSize``.
        public static let removalTooLarge = Code(rawValue: "removal-too-large")
        /// A group or definition cannot be removed or changed while contacts use it.
        public static let inUse = Code(rawValue: "in-use")
        /// Every id of the kind asked for (contact, group, definition) is used up for the customer (the next would be `Int64.max`).
        public static let idsExhausted = Code(rawValue: "ids-exhausted")
        /// Well-formed but invalid; ``ContactProblem/errors`` lists every offending property.
        public static let validationFailed = Code(rawValue: "validation-failed")
        /// An item of an all-or-nothing batch that was valid, not created because
        /// another item of the batch was refused.
        public static let batchAborted = Code(rawValue: "batch-aborted")
        /// The journal refused or failed to persist the change.
        public static let storageFailed = Code(rawValue: "storage-failed")
        /// A replica could not apply the customer's version that the read asked for
        /// (`minimumVersion`) within the wait's bound.
        public static let versionUnavailable = Code(rawValue: "version-unavailable")
        /// Other replicas kept committing writes of the customer before this one could
        /// (see ``SharedJournal``); nothing was changed, and the write may be retried.
        public static let writeConflict = Code(rawValue: "write-conflict")
        /// A bug (an invariant did not hold).
        public static let internalError = Code(rawValue: "internal-error")

        /// A short, stable, human summary (RFC 9457 `title`).
        public var title: String {
            switch self {
            case .malformedJSON: "The request body is not valid JSON"
            case .invalidBody: "The request body does not have the expected shape"
            case .emptyPatch: "The update names no property"
            case .invalidParameter: "A request parameter is invalid"
            case .missingScope: "Forbidden"
            case .contactNotFound: "Contact not found"
            case .groupNotFound: "Contact group not found"
            case .definitionNotFound: "Custom field definition not found"
            case .contactHasChildren: "The contact has children"
            case .removalTooLarge: "The removal would change too many contacts"
            case .inUse: "Still in use"
            case .idsExhausted: "No id is left"
            case .validationFailed: "One or more properties are invalid"
            case .batchAborted: "Not created: another item of the batch was refused"
            case .storageFailed: "The change could not be stored"
            case .versionUnavailable: "The requested version is not available yet"
            case .writeConflict: "Concurrent writes kept conflicting"
            default: "Internal error"
            }
        }
    }

    /// The stable code.
    public var code: Code
    /// A human explanation of this occurrence.
    public var detail: String
    /// Offending properties by path, each with its messages; `nil` when not about properties.
    public var errors: [String: [String]]?

    public init(_ code: Code, detail: String, errors: [String: [String]]? = nil) {
        self.code = code
        self.detail = detail
        self.errors = errors
    }

    /// A ``Code/validationFailed`` problem listing `errors`.
    public static func validation(_ errors: [String: [String]]) -> ContactProblem {
        let count = errors.values.reduce(0) { $0 + $1.count }
        return ContactProblem(.validationFailed,
                              detail: count == 1 ? "1 property is invalid." : "\(count) properties are invalid.",
                              errors: errors)
    }

    static func contactNotFound(_ id: ContactID) -> ContactProblem {
        ContactProblem(.contactNotFound, detail: "No contact \(id) exists for this customer.")
    }

    static func groupNotFound(_ id: GroupID) -> ContactProblem {
        ContactProblem(.groupNotFound, detail: "No contact group \(id) exists for this customer.")
    }

    static func definitionNotFound(_ id: DefinitionID) -> ContactProblem {
        ContactProblem(.definitionNotFound, detail: "No custom field definition \(id) exists for this customer.")
    }

    static func parameter(_ name: String, _ message: String) -> ContactProblem {
        ContactProblem(.invalidParameter, detail: "\(name) \(message).", errors: [name: [message]])
    }

    /// Whether the refusal may rest on the customer's state rather than on the input alone (a
    /// contact, group or definition missing or in use, a parent, group, reference, custom
    /// field or id that does not fit, a subtree's size), so that a replica behind the store
    /// may refuse what the store's state allows. A `validation-failed` counts unless every
    /// property it names is judged on the input alone (``inputOnlyPaths``).
    var dependsOnState: Bool {
        switch code {
        case .contactNotFound, .groupNotFound, .definitionNotFound, .contactHasChildren, .removalTooLarge, .inUse: true
        case .validationFailed:
            (errors ?? [:]).keys.contains { path in
                !Self.inputOnlyPaths.contains(path) && !path.hasPrefix("location.") && !path.hasPrefix("options[")
            }
        default: false
        }
    }

    /// Properties whose problems the input alone decides: texts without a uniqueness rule, a
    /// definition's type and options; also every `location.…` and `options[…]` path.
    private static let inputOnlyPaths: Set<String> = [
        "name", "extraInformation", "street", "town", "postalCode", "country", "location", "type", "options",
    ]

    public var description: String {
        var text = "\(code): \(detail)"
        if let errors, !errors.isEmpty {
            text += " " + errors.keys.sorted().map { "\($0): \((errors[$0] ?? []).joined(separator: "; "))" }.joined(separator: ", ")
        }
        return text
    }
}

/// Collects property errors during validation so that all of them are reported at once.
struct ProblemCollector {
    private(set) var errors: [String: [String]] = [:]

    var isEmpty: Bool { errors.isEmpty }

    mutating func add(_ path: String, _ message: String) {
        errors[path, default: []].append(message)
    }

    func has(_ path: String) -> Bool { errors[path] != nil }

    func throwIfAny(_ code: ContactProblem.Code = .validationFailed) throws(ContactProblem) {
        guard let first = errors.keys.min() else { return }
        if code == .validationFailed { throw ContactProblem.validation(errors) }
        throw ContactProblem(code, detail: "\(first): \(errors[first]?.first ?? "is invalid")", errors: errors)
    }
}
