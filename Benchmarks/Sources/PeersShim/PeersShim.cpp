// Boost.Geometry rtree (quadratic<16>, rstar<16>) over 3-D unit vectors, and S2PointIndex,
// behind the C API in include/PeersShim.h. See that header for what each call does.

#include "PeersShim.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <new>
#include <utility>
#include <vector>

#include "BoostClangWorkaround.h"  // first: before any Boost header
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include <s2/s1angle.h>
#include <s2/s1chord_angle.h>
#include <s2/s2closest_point_query.h>
#include <s2/s2latlng.h>
#include <s2/s2latlng_rect.h>
#include <s2/s2point_index.h>
#include <s2/s2region_coverer.h>

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

constexpr double kDegrees = M_PI / 180.0;
/// IUGG mean Earth radius, the sphere both peers' distances are scaled to.
constexpr double kEarthRadius = 6371008.8;

/// Angle (radians) subtended by `metres` on the mean sphere, capped at π.
double angleFor(double metres) { return std::min(M_PI, std::max(0.0, metres / kEarthRadius)); }

// ---------------------------------------------------------------------------------------
// Boost.Geometry

using Point3 = bg::model::point<double, 3, bg::cs::cartesian>;
using Box3 = bg::model::box<Point3>;
using Value = std::pair<Point3, int32_t>;

Point3 unitVector(double latitude, double longitude) {
    const double phi = latitude * kDegrees, lambda = longitude * kDegrees;
    const double c = std::cos(phi);
    return Point3(c * std::cos(lambda), c * std::sin(lambda), std::sin(phi));
}

/// std::allocator that keeps a running total of the bytes it holds, so the benchmarks can
/// report the rtree's heap use.
template <class T>
struct CountingAllocator {
    using value_type = T;
    template <class U> struct rebind { using other = CountingAllocator<U>; };

    std::size_t *bytes;

    explicit CountingAllocator(std::size_t *bytes) noexcept : bytes(bytes) {}
    template <class U>
    CountingAllocator(const CountingAllocator<U> &other) noexcept : bytes(other.bytes) {}

    T *allocate(std::size_t n) {
        *bytes += n * sizeof(T);
        return static_cast<T *>(::operator new(n * sizeof(T)));
    }
    void deallocate(T *p, std::size_t n) noexcept {
        *bytes -= n * sizeof(T);
        ::operator delete(p);
    }
    template <class U> bool operator==(const CountingAllocator<U> &o) const noexcept { return bytes == o.bytes; }
    template <class U> bool operator!=(const CountingAllocator<U> &o) const noexcept { return bytes != o.bytes; }
};

} // namespace

struct peer_index {
    virtual ~peer_index() = default;
    virtual void insert(double latitude, double longitude, int32_t id) = 0;
    virtual bool remove(double latitude, double longitude, int32_t id) = 0;
    virtual size_t nearest(double latitude, double longitude, size_t k, int32_t *ids) = 0;
    virtual size_t within(double latitude, double longitude, double metres) = 0;
    virtual size_t inBox(double, double, double, double) { return 0; }
    virtual size_t count() const = 0;
    virtual size_t bytes() const = 0;
};

namespace {

template <class Parameters>
struct BoostPeer final : peer_index {
    using Tree = bgi::rtree<Value, Parameters, bgi::indexable<Value>, bgi::equal_to<Value>,
                            CountingAllocator<Value>>;

    /// Heap bytes; lives on the heap before the tree so the allocator can point at it.
    std::size_t heapBytes = 0;
    Tree tree;
    std::vector<Value> results;

    BoostPeer()
        : tree(Parameters(), bgi::indexable<Value>(), bgi::equal_to<Value>(), CountingAllocator<Value>(&heapBytes)) {}

    BoostPeer(const std::vector<Value> &values)
        : tree(values.begin(), values.end(), Parameters(), bgi::indexable<Value>(), bgi::equal_to<Value>(),
               CountingAllocator<Value>(&heapBytes)) {}

    void insert(double latitude, double longitude, int32_t id) override {
        tree.insert(Value(unitVector(latitude, longitude), id));
    }

    bool remove(double latitude, double longitude, int32_t id) override {
        return tree.remove(Value(unitVector(latitude, longitude), id)) == 1;
    }

    size_t nearest(double latitude, double longitude, size_t k, int32_t *ids) override {
        results.clear();
        tree.query(bgi::nearest(unitVector(latitude, longitude), static_cast<unsigned>(k)),
                   std::back_inserter(results));
        // bgi::nearest returns the k nearest in no particular order: sort them as a user would.
        const Point3 p = unitVector(latitude, longitude);
        std::sort(results.begin(), results.end(), [&](const Value &a, const Value &b) {
            const double da = bg::comparable_distance(p, a.first), db = bg::comparable_distance(p, b.first);
            return da != db ? da < db : a.second < b.second;
        });
        for (size_t i = 0; i < results.size(); ++i) ids[i] = results[i].second;
        return results.size();
    }

    size_t within(double latitude, double longitude, double metres) override {
        const Point3 p = unitVector(latitude, longitude);
        const double chord = 2 * std::sin(angleFor(metres) / 2);
        const double chord2 = chord * chord;
        const Box3 box(Point3(bg::get<0>(p) - chord, bg::get<1>(p) - chord, bg::get<2>(p) - chord),
                       Point3(bg::get<0>(p) + chord, bg::get<1>(p) + chord, bg::get<2>(p) + chord));
        size_t n = 0;
        tree.query(bgi::intersects(box) &&
                       bgi::satisfies([&](const Value &v) { return bg::comparable_distance(p, v.first) <= chord2; }),
                   boost::make_function_output_iterator([&](const Value &) { ++n; }));
        return n;
    }

    size_t count() const override { return tree.size(); }
    size_t bytes() const override { return sizeof(*this) + heapBytes; }
};

// ---------------------------------------------------------------------------------------
// S2

struct S2Peer final : peer_index {
    using Index = S2PointIndex<int>;
    using Query = S2ClosestPointQuery<int>;

    Index index;
    Query query;
    bool queryIsStale = false;
    std::vector<Query::Result> results;
    S2RegionCoverer coverer;
    std::vector<S2CellId> covering;

    S2Peer() : query(&index), coverer(coverOptions()) {}

    static S2RegionCoverer::Options coverOptions() {
        S2RegionCoverer::Options options;
        options.set_max_cells(16);
        return options;
    }

    static S2Point point(double latitude, double longitude) {
        return S2LatLng::FromDegrees(latitude, longitude).ToPoint();
    }

    /// S2ClosestPointQuery must be told when its index changed (ReInit).
    void freshen() {
        if (queryIsStale) {
            query.ReInit();
            queryIsStale = false;
        }
    }

    void insert(double latitude, double longitude, int32_t id) override {
        index.Add(point(latitude, longitude), id);
        queryIsStale = true;
    }

    bool remove(double latitude, double longitude, int32_t id) override {
        queryIsStale = true;
        return index.Remove(point(latitude, longitude), id);
    }

    size_t nearest(double latitude, double longitude, size_t k, int32_t *ids) override {
        freshen();
        query.mutable_options()->set_max_results(static_cast<int>(k));
        query.mutable_options()->set_max_distance(S1ChordAngle::Infinity());
        Query::PointTarget target(point(latitude, longitude));
        query.FindClosestPoints(&target, &results);
        for (size_t i = 0; i < results.size(); ++i) ids[i] = results[i].data();
        return results.size();
    }

    size_t within(double latitude, double longitude, double metres) override {
        freshen();
        query.mutable_options()->set_max_results(Query::Options::kMaxMaxResults);
        query.mutable_options()->set_inclusive_max_distance(S1ChordAngle(S1Angle::Radians(angleFor(metres))));
        Query::PointTarget target(point(latitude, longitude));
        query.FindClosestPoints(&target, &results);
        return results.size();
    }

    size_t inBox(double south, double west, double north, double east) override {
        const S2LatLngRect rect(R1Interval(south * kDegrees, north * kDegrees),
                                S1Interval(west * kDegrees, east * kDegrees));
        coverer.GetCovering(rect, &covering);
        size_t n = 0;
        Index::Iterator it(&index);
        for (const S2CellId &cell : covering) {
            for (it.Seek(cell.range_min()); !it.done() && it.id() <= cell.range_max(); it.Next()) {
                if (rect.Contains(it.point())) ++n;
            }
        }
        return n;
    }

    size_t count() const override { return static_cast<size_t>(index.num_points()); }
    size_t bytes() const override { return sizeof(*this) + index.SpaceUsed(); }
};

std::vector<Value> values(const double *latitudes, const double *longitudes, size_t count) {
    std::vector<Value> v;
    v.reserve(count);
    for (size_t i = 0; i < count; ++i) v.emplace_back(unitVector(latitudes[i], longitudes[i]), static_cast<int32_t>(i));
    return v;
}

} // namespace

extern "C" {

peer_index *peer_index_create(peer_kind kind) {
    switch (kind) {
    case PEER_BOOST_QUADRATIC: return new BoostPeer<bgi::quadratic<16>>();
    case PEER_BOOST_RSTAR: return new BoostPeer<bgi::rstar<16>>();
    case PEER_S2: return new S2Peer();
    }
    return nullptr;
}

peer_index *peer_index_bulk_load(peer_kind kind, const double *latitudes, const double *longitudes, size_t count) {
    switch (kind) {
    case PEER_BOOST_QUADRATIC: return new BoostPeer<bgi::quadratic<16>>(values(latitudes, longitudes, count));
    case PEER_BOOST_RSTAR: return new BoostPeer<bgi::rstar<16>>(values(latitudes, longitudes, count));
    case PEER_S2: return nullptr;
    }
    return nullptr;
}

void peer_index_destroy(peer_index *index) { delete index; }

void peer_index_insert(peer_index *index, double latitude, double longitude, int32_t id) {
    index->insert(latitude, longitude, id);
}

bool peer_index_remove(peer_index *index, double latitude, double longitude, int32_t id) {
    return index->remove(latitude, longitude, id);
}

size_t peer_index_nearest(peer_index *index, double latitude, double longitude, size_t k, int32_t *ids) {
    return index->nearest(latitude, longitude, k, ids);
}

size_t peer_index_within(peer_index *index, double latitude, double longitude, double metres) {
    return index->within(latitude, longitude, metres);
}

bool peer_kind_supports_box(peer_kind kind) { return kind == PEER_S2; }

size_t peer_index_in_box(peer_index *index, double south, double west, double north, double east) {
    return index->inBox(south, west, north, east);
}

size_t peer_index_count(const peer_index *index) { return index->count(); }

size_t peer_index_bytes(const peer_index *index) { return index->bytes(); }

} // extern "C"

// ---------------------------------------------------------------------------------------
// Boost.Geometry on geographic coordinates, for polygons

namespace {
using GeoPoint = bg::model::point<double, 2, bg::cs::geographic<bg::degree>>;
using GeoBox = bg::model::box<GeoPoint>;
using GeoPolygon = bg::model::polygon<GeoPoint>;  // clockwise, closed
using GeoValue = std::pair<GeoPoint, int32_t>;
} // namespace

struct peer_geographic_index {
    bgi::rtree<GeoValue, bgi::rstar<16>> tree;
    GeoPolygon polygon;
};

extern "C" {

peer_geographic_index *peer_geographic_index_create(const double *latitudes, const double *longitudes, size_t count) {
    std::vector<GeoValue> v;
    v.reserve(count);
    for (size_t i = 0; i < count; ++i) v.emplace_back(GeoPoint(longitudes[i], latitudes[i]), static_cast<int32_t>(i));
    auto *index = new peer_geographic_index();
    index->tree = bgi::rtree<GeoValue, bgi::rstar<16>>(v.begin(), v.end());
    return index;
}

void peer_geographic_index_destroy(peer_geographic_index *index) { delete index; }

size_t peer_geographic_index_count_inside(peer_geographic_index *index, const double *latitudes,
                                          const double *longitudes, size_t count) {
    GeoPolygon &polygon = index->polygon;
    polygon.clear();
    for (size_t i = 0; i < count; ++i) polygon.outer().push_back(GeoPoint(longitudes[i], latitudes[i]));
    GeoBox envelope;
    bg::envelope(polygon, envelope);
    size_t n = 0;
    index->tree.query(bgi::intersects(envelope) &&
                          bgi::satisfies([&](const GeoValue &v) { return bg::within(v.first, polygon); }),
                      boost::make_function_output_iterator([&](const GeoValue &) { ++n; }));
    return n;
}

} // extern "C"
