public import Geodesy

/// Per-customer validation policy: string limits (contract defaults), reference uniqueness,
/// and the CRS assumed for a location that names none.
public struct ContactPolicy: Hashable, Sendable {
    /// Maximum lengths in characters (extended grapheme clusters), by property name.
    public var maximumLengths: [String: Int]
    /// Maximum length of a custom-field value.
    public var maximumCustomFieldLength: Int
    /// Whether a `reference` must be unique within the customer (violations are a 422 on `reference`).
    public var requiresUniqueReferences: Bool
    /// The CRS of a location without `crs`.
    public var defaultCRS: CoordinateReferenceSystem

    public init(maximumLengths: [String: Int] = ContactPolicy.contractLengths, maximumCustomFieldLength: Int = 16_384,
                requiresUniqueReferences: Bool = false, defaultCRS: CoordinateReferenceSystem = .wgs84) {
        self.maximumLengths = maximumLengths
        self.maximumCustomFieldLength = maximumCustomFieldLength
        self.requiresUniqueReferences = requiresUniqueReferences
        self.defaultCRS = defaultCRS
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

/// What happens to the children of a removed contact.
public enum RemovalPolicy: Hashable, Sendable {
    /// Refuse (409 `contact-has-children`) while the contact has children.
    case reject
    /// Give the children the removed contact's parent (or make them roots).
    case reparentChildren
    /// Remove the whole subtree.
    case cascade
}
