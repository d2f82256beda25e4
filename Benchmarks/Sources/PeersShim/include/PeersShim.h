// The peers the benchmarks compare GeoContacts' R-tree with, behind a C API so Swift can
// call them without C++ interop:
//
// - Boost.Geometry's rtree over 3-D unit vectors (the ECEF direction of each point on a
//   unit sphere), with the quadratic<16> and rstar<16> split algorithms: dynamic insert,
//   packing bulk load (the range constructor), remove, nearest-k by chord distance
//   (bgi::nearest), and radius as a box query refined by chord distance.
// - S2 (libs2-dev 0.10): S2PointIndex<int> with S2ClosestPointQuery<int> for nearest-k
//   and radius, and an S2RegionCoverer covering for latitude/longitude boxes.
//
// Both answer on a sphere (chord or angle), not on the WGS84 ellipsoid: they do less work
// per candidate than GeoContacts, which ranks by the exact geodesic.
//
// Used only by Benchmarks/; never linked into the library.
#ifndef PEERS_SHIM_H
#define PEERS_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    PEER_BOOST_QUADRATIC = 0,
    PEER_BOOST_RSTAR = 1,
    PEER_S2 = 2,
} peer_kind;

/// An index of one kind; owned by whoever created it, freed with peer_index_destroy.
typedef struct peer_index peer_index;

/// An empty index for one-by-one insertion.
peer_index *peer_index_create(peer_kind kind);

/// A bulk-loaded index over points 0..<count (id = position). Boost: the packing range
/// constructor. S2 has no bulk load: returns NULL.
peer_index *peer_index_bulk_load(peer_kind kind, const double *latitudes, const double *longitudes,
                                 size_t count);

void peer_index_destroy(peer_index *index);

/// Adds point `id` at (latitude, longitude), degrees.
void peer_index_insert(peer_index *index, double latitude, double longitude, int32_t id);

/// Removes point `id` at (latitude, longitude); false if it was not there.
bool peer_index_remove(peer_index *index, double latitude, double longitude, int32_t id);

/// Up to `k` nearest ids (by chord/angle on the unit sphere) into `ids`; returns how many.
size_t peer_index_nearest(peer_index *index, double latitude, double longitude, size_t k, int32_t *ids);

/// How many points lie within `metres` (on a sphere of radius 6,371,008.8 m).
size_t peer_index_within(peer_index *index, double latitude, double longitude, double metres);

/// Whether this kind answers latitude/longitude box queries (only S2).
bool peer_kind_supports_box(peer_kind kind);

/// How many points lie in the box (west > east crosses the antimeridian); 0 if unsupported.
size_t peer_index_in_box(peer_index *index, double south, double west, double north, double east);

size_t peer_index_count(const peer_index *index);

/// Heap bytes the index holds: a counting allocator for Boost, SpaceUsed() for S2.
size_t peer_index_bytes(const peer_index *index);

/// Boost.Geometry's rtree (rstar<16>) over geographic points (bg::cs::geographic<degree>,
/// WGS84), bulk-loaded from points 0..<count, for polygon queries.
typedef struct peer_geographic_index peer_geographic_index;

peer_geographic_index *peer_geographic_index_create(const double *latitudes, const double *longitudes, size_t count);

void peer_geographic_index_destroy(peer_geographic_index *index);

/// How many points lie inside a polygon given as one closed clockwise ring of `count`
/// positions: the rtree's candidates within the polygon's geographic envelope, each tested
/// with bg::within and Boost's default geographic strategy (edges are geodesics, by Andoyer's
/// formula).
size_t peer_geographic_index_count_inside(peer_geographic_index *index, const double *latitudes,
                                          const double *longitudes, size_t count);

#ifdef __cplusplus
}
#endif

#endif
