#ifndef GEOCONTACTS_CPROJ_SHIM_H
#define GEOCONTACTS_CPROJ_SHIM_H
#include <proj.h>
#include <geodesic.h>
#endif
