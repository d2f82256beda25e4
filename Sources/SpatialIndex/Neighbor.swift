public import Geodesy

/// One answer of a spatial query: the element, where it is, and (for queries from a
/// point) its geodesic distance in metres on WGS84.
public struct Neighbor<Element: Sendable>: Sendable {
    public var element: Element
    public var location: Coordinate
    /// Metres along the WGS84 geodesic from the query point; 0 for box queries.
    public var distance: Double

    @inlinable public init(element: Element, location: Coordinate, distance: Double) {
        self.element = element
        self.location = location
        self.distance = distance
    }
}

extension Neighbor: Equatable where Element: Equatable {}
extension Neighbor: Hashable where Element: Hashable {}
