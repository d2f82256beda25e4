public import Geodesy

/// Per-customer validation policy: string limits (contract defaults), reference uniqueness,
/// the CRS assumed for a location that names none, and how much one removal may change.
public struct ContactPolicy: Hashable, Sendable {
    /// Maximum lengths in Unicode scalars (code points), by property name.
    public var maximumLengths: [String: Int] { didSet { limits = TextLimits(maximumLengths) } }
    /// ``maximumLengths`` by field, as every create and update reads them (without hashing a
    /// property name per text field).
    private(set) var limits: TextLimits
    /// Maximum length of a custom-field value.
    public var maximumCustomFieldLength: Int
    /// Whether a `reference` must be unique within the customer (violations are
    /// `validation-failed` on `reference`).
    public var requiresUniqueReferences: Bool
    /// The CRS of a location without `crs`.
    public var defaultCRS: CoordinateReferenceSystem
    /// The most contacts one removal may change: a cascade's whole subtree, or the removed
    /// contact and the children a re-parenting updates. Beyond it the removal is refused with
    /// `removal-too-large` and changes nothing (remove deeper subtrees first). It bounds the
    /// work one request does while the customer's other writes wait.
    public var maximumRemovalSize: Int

    public init(maximumLengths: [String: Int] = ContactPolicy.contractLengths, maximumCustomFieldLength: Int = 16_384,
                requiresUniqueReferences: Bool = false, defaultCRS: CoordinateReferenceSystem = .wgs84,
                maximumRemovalSize: Int = 100_000) {
        self.maximumLengths = maximumLengths
        self.limits = TextLimits(maximumLengths)
        self.maximumCustomFieldLength = maximumCustomFieldLength
        self.requiresUniqueReferences = requiresUniqueReferences
        self.defaultCRS = defaultCRS
        self.maximumRemovalSize = maximumRemovalSize
    }

    /// The contract's limits: name 50, reference 40, street 100, town 100, postalCode 10,
    /// country 50, extraInformation 255.
    public static let contractLengths: [String: Int] = [
        "name": 50, "reference": 40, "street": 100, "town": 100, "postalCode": 10, "country": 50,
        "extraInformation": 255,
    ]

    /// The contract's defaults.
    public static let `default` = ContactPolicy()
}

/// A policy's ``ContactPolicy/maximumLengths`` of the contact's text fields.
struct TextLimits: Hashable, Sendable {
    var name, reference, extraInformation, street, town, postalCode, country: Int?

    init(_ lengths: [String: Int]) {
        name = lengths["name"]
        reference = lengths["reference"]
        extraInformation = lengths["extraInformation"]
        street = lengths["street"]
        town = lengths["town"]
        postalCode = lengths["postalCode"]
        country = lengths["country"]
    }
}

/// What happens to the children of a removed contact.
public enum RemovalPolicy: Hashable, Sendable {
    /// Refuse (`contact-has-children`) while the contact has children.
    case reject
    /// Give the children the removed contact's parent (or make them roots).
    case reparentChildren
    /// Remove the whole subtree.
    case cascade
}
