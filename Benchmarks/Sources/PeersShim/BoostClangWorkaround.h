// Boost 1.74 (Debian bookworm) with clang ≥ 16: boost::numeric's conversion enums have no
// fixed underlying type, and mpl::integral_c<Enum, V>::prior computes V − 1, which clang
// now rejects as "not a constant expression" when V is the first enumerator. Boost 1.81
// fixed it by giving the enums an underlying type. Here the affected integral_c types are
// specialized without next/prior, before any Boost header can instantiate them.
#ifndef PEERS_SHIM_BOOST_CLANG_WORKAROUND_H
#define PEERS_SHIM_BOOST_CLANG_WORKAROUND_H

#include <boost/mpl/integral_c_fwd.hpp>
#include <boost/mpl/integral_c_tag.hpp>
#include <boost/numeric/conversion/int_float_mixture_enum.hpp>
#include <boost/numeric/conversion/sign_mixture_enum.hpp>
#include <boost/numeric/conversion/udt_builtin_mixture_enum.hpp>

BOOST_MPL_AUX_ADL_BARRIER_NAMESPACE_OPEN

#define PEERS_SHIM_ENUM_INTEGRAL_C(Enum)                                                      \
    template <Enum N> struct integral_c<Enum, N> {                                            \
        static const Enum value = N;                                                          \
        typedef integral_c type;                                                              \
        typedef Enum value_type;                                                              \
        typedef integral_c_tag tag;                                                           \
        operator Enum() const { return this->value; }                                         \
    };

PEERS_SHIM_ENUM_INTEGRAL_C(boost::numeric::int_float_mixture_enum)
PEERS_SHIM_ENUM_INTEGRAL_C(boost::numeric::sign_mixture_enum)
PEERS_SHIM_ENUM_INTEGRAL_C(boost::numeric::udt_builtin_mixture_enum)

#undef PEERS_SHIM_ENUM_INTEGRAL_C

BOOST_MPL_AUX_ADL_BARRIER_NAMESPACE_CLOSE

#endif
