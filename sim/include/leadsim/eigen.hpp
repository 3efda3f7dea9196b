// eigen.hpp: Eigen, as every leadsim file includes it.
//
// GCC 12's AVX-512 headers initialise a vector from itself to leave it undefined on purpose
// (avx512fintrin.h: `__m512d __Y = __Y;`), and when Eigen's packet code inlines them GCC warns
// "may be used uninitialized" in the system header (GCC bug 105593, fixed in GCC 13). The warning
// is about those headers alone, so it is silenced for them only: the intrinsics headers and Eigen
// are included here, between push and pop, before anything else can include them.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Dense>
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic pop
#endif
