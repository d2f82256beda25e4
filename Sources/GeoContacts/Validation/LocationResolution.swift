import Geodesy

extension CoordinateReferenceSystem {
    /// The message for a CRS given in request input that is not an EPSG code.
    static let inputRule = "must be an EPSG code such as EPSG:27700 (or EPSG:4326 / WGS84)"
}

extension LocationInput {
    /// Converts to a valid WGS84 coordinate with PROJ (when a CRS other than WGS84 applies),
    /// reporting every problem under `location.*` into `problems`.
    ///
    /// PROJ failures map to paths: an unknown CRS → `location.crs`; a bad latitude / y →
    /// `location.latitude`; a bad longitude / x → `location.longitude`; a point outside the
    /// CRS's domain → `location`.
    func resolve(defaultCRS: CoordinateReferenceSystem, normalizer: SharedCoordinateNormalizer,
                 problems: inout ProblemCollector) -> Coordinate?
    {
        if latitude == nil { problems.add("location.latitude", "is required") }
        if longitude == nil { problems.add("location.longitude", "is required") }
        var crs = defaultCRS
        if let name = self.crs {
            if TextRules.isBlank(name) {
                problems.add("location.crs", "must name a coordinate reference system such as EPSG:3857")
                return nil
            }
            crs = CoordinateReferenceSystem(name)
            // Only EPSG codes (the contract's form): a PROJ string, WKT or PROJJSON would let
            // input create any number of distinct, costly PROJ transformations.
            guard crs.isWGS84 || crs.isEPSGCode else {
                problems.add("location.crs", CoordinateReferenceSystem.inputRule)
                return nil
            }
        }
        guard let latitude, let longitude else {
            if !crs.isWGS84 {
                do { try normalizer.prepare(crs) } catch { problems.add("location.crs", error.message) }
            }
            return nil
        }
        do {
            let c = try normalizer.normalize(x: longitude, y: latitude, from: crs)
            // `+ 0` turns -0 into +0 (IEEE 754 round to nearest) and keeps every other value:
            // a stored -0 would not come back as -0 through every export format.
            return Coordinate(latitude: c.latitude + 0, longitude: c.longitude + 0)
        } catch {
            let path: String
            switch error.field {
            case .crs?: path = "location.crs"
            case .latitude?: path = "location.latitude"
            case .longitude?: path = "location.longitude"
            case nil: path = error.code == .unknownCRS ? "location.crs" : "location"
            }
            problems.add(path, error.message)
            return nil
        }
    }
}
