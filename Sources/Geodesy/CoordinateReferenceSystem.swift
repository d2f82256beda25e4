/// The name of a coordinate reference system as PROJ understands it: an authority code
/// (`EPSG:27700`), a PROJ string (`+proj=utm +zone=32 +datum=WGS84`), WKT or PROJJSON.
public struct CoordinateReferenceSystem: Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The definition handed to PROJ, as given.
    public let definition: String
    /// Whether this names WGS84 geographic degrees, so that no PROJ call is needed.
    /// `EPSG:4326`, `WGS84`, `OGC:CRS84` and `urn:ogc:def:crs:EPSG::4326` qualify. Decided
    /// once here: every create asks, and lowercasing costs more than the rest of the check.
    public let isWGS84: Bool

    public init(_ definition: String) {
        self.definition = definition
        switch definition.trimmedLowercased {
        case "epsg:4326", "wgs84", "wgs 84", "ogc:crs84", "crs84",
             "urn:ogc:def:crs:epsg::4326", "urn:ogc:def:crs:ogc:1.3:crs84":
            isWGS84 = true
        default:
            isWGS84 = false
        }
    }
    public init(stringLiteral value: String) { self.init(value) }

    /// WGS84 geographic, latitude/longitude in degrees (EPSG:4326).
    public static let wgs84 = CoordinateReferenceSystem("EPSG:4326")

    public var description: String { definition }

    /// Whether this is an EPSG authority code, `EPSG:` followed by 1–9 digits (any case,
    /// surrounding spaces ignored): the only form of CRS that request input may name.
    public var isEPSGCode: Bool {
        let text = definition.trimmedLowercased
        guard text.hasPrefix("epsg:") else { return false }
        let digits = text.utf8.dropFirst(5)
        return (1...9).contains(digits.count) && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

extension String {
    var trimmedLowercased: String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return view.lowercased()
    }
}
