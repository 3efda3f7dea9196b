// block.hpp (private): helpers for the vectorised per-block loops.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace leadsim {

// out[j] = value where key[j] == k, else unchanged; written as an unconditional bitwise blend,
// because a conditional store compiles to a masked store that is slow on many x86 CPUs.
inline void blend_where(float* out, const std::int32_t* key, std::int32_t k, float value, int n) {
  const std::uint32_t v = std::bit_cast<std::uint32_t>(value);
  for (int j = 0; j < n; ++j) {
    const std::uint32_t mask = 0u - std::uint32_t(key[j] == k);
    const std::uint32_t old = std::bit_cast<std::uint32_t>(out[j]);
    out[j] = std::bit_cast<float>((v & mask) | (old & ~mask));
  }
}

// A block of n people rounded up to whole vectors of 8 lanes (at most `available`, the people
// left in the population from the block's first): the lanes after the block are read but not
// counted, so that no loop ends in a scalar remainder.
inline int whole_vectors(int n, std::size_t available) {
  return int(std::min<std::size_t>(std::size_t(n + 7) & ~std::size_t(7), available));
}

// Calls f(j) for each j in [0, n) with flag[j] != 0, in increasing order (flags are 0 or 1).
// Set flags are few (attendees, answerers): eight flags are tested at once as 32 bytes, and
// only a group with one set is looked at flag by flag.
template <class F>
inline void for_each_set(const std::uint32_t* flag, int n, F&& f) {
  int j = 0;
  for (; j + 8 <= n; j += 8) {
    std::uint64_t w[4];
    std::memcpy(w, flag + j, sizeof w);
    if (!(w[0] | w[1] | w[2] | w[3])) continue;
    for (int l = j; l < j + 8; ++l)
      if (flag[l]) f(l);
  }
  for (; j < n; ++j)
    if (flag[j]) f(j);
}

}  // namespace leadsim
