@testable import Geodesy
import RealModule
import Testing

/// The transformation cache drops the least recently used entry when full (issue 17, item 7),
/// instead of emptying itself: a client rotating through many CRSs cannot evict the ones in
/// steady use.
@Suite("CoordinateNormalizer cache")
struct NormalizerCacheTests {
    static func tmerc(_ n: Int) -> CoordinateReferenceSystem {
        CoordinateReferenceSystem("+proj=tmerc +lon_0=\(n) +datum=WGS84 +units=m +no_defs")
    }

    @Test func leastRecentlyUsedIsEvicted() throws {
        let normalizer = CoordinateNormalizer()
        let hot = CoordinateReferenceSystem("EPSG:3857")
        try normalizer.prepare(hot)
        for n in 1..<CoordinateNormalizer.cacheLimit { try normalizer.prepare(Self.tmerc(n)) }
        #expect(normalizer.isCached(hot))
        // A rotation of new CRSs, with the hot one used in between, never evicts it.
        for n in CoordinateNormalizer.cacheLimit..<(3 * CoordinateNormalizer.cacheLimit) {
            _ = try normalizer.normalize(x: 0, y: 0, from: hot)
            try normalizer.prepare(Self.tmerc(n))
            #expect(normalizer.isCached(hot), "evicted at \(n)")
            #expect(normalizer.isCached(Self.tmerc(n)))
        }
        // The oldest of the rotation are gone.
        #expect(!normalizer.isCached(Self.tmerc(1)))
        let point = try normalizer.normalize(x: 0, y: 0, from: hot)
        #expect(abs(point.latitude) < 1e-9 && abs(point.longitude) < 1e-9)
    }

    @Test(arguments: [("EPSG:27700", true), (" epsg:3857 ", true), ("EPSG:", false), ("EPSG:12345678901", false),
                      ("+proj=tmerc +lon_0=3", false), ("EPSG:3857 +towgs84=0", false), ("ESRI:102100", false)])
    func epsgCodes(_ text: String, _ isCode: Bool) {
        #expect(CoordinateReferenceSystem(text).isEPSGCode == isCode)
    }

    @Test func aBusySlotDoesNotBlockTheOthers() throws {
        let shared = SharedCoordinateNormalizer(slots: 3)
        let expected = try CoordinateNormalizer().normalize(x: -13_000, y: 6_710_000, from: "EPSG:3857")
        // Slots 0 and 1 busy (as with slow misses): the call takes slot 2 instead of waiting,
        // which here, on the thread holding them, would never end.
        let point = try shared.whileSlotBusy(0) {
            try shared.whileSlotBusy(1) { try shared.normalize(x: -13_000, y: 6_710_000, from: "EPSG:3857") }
        }
        #expect(abs(point.latitude - expected.latitude) < 1e-12 && abs(point.longitude - expected.longitude) < 1e-12)
    }

    @Test func anAllowListRefusesOtherSystemsBeforePROJ() throws {
        let shared = SharedCoordinateNormalizer(allowing: ["EPSG:3857"])
        #expect(shared.needsPreparation("EPSG:3857"))
        try shared.prepareAllowed()
        #expect(!shared.needsPreparation("EPSG:3857"), "the allow-list's own spelling is cached in every context")
        let mercator = try shared.normalize(x: -13_000, y: 6_710_000, from: " epsg:3857 ")
        #expect(mercator.latitude.isApproximatelyEqual(to: 51.5, absoluteTolerance: 0.1))
        #expect(try shared.normalize(x: 2, y: 1, from: "WGS84") == Coordinate(latitude: 1, longitude: 2))
        for crs: CoordinateReferenceSystem in ["EPSG:27700", "EPSG:999999", "+proj=tmerc +lon_0=3"] {
            #expect(throws: GeodesyError.self) { try shared.normalize(x: 500_000, y: 200_000, from: crs) }
            do {
                try shared.prepare(crs)
                Issue.record("\(crs) was prepared")
            } catch {
                #expect(error.code == .crsNotAllowed && error.field == .crs, "\(crs): \(error)")
            }
        }
        // A code PROJ does not know on the allow-list is found at start-up.
        do {
            try SharedCoordinateNormalizer(allowing: ["EPSG:3857", "EPSG:999999"]).prepareAllowed()
            Issue.record("EPSG:999999 was prepared")
        } catch {
            #expect(error.code == .unknownCRS)
        }
    }
}
