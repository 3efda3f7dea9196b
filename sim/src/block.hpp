// block.hpp (private): helpers for the vectorised per-block loops.
#pragma once

#include <bit>
#include <cstdint>

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

// Calls f(j) for each j in [0, n) with flag[j] != 0, in increasing order (flags are 0 or 1;
// n <= 256). Builds bit masks in straight loops, then visits only the set bits.
template <class F>
inline void for_each_set(const std::uint32_t* flag, int n, F&& f) {
  for (int base = 0; base < n; base += 64) {
    const int len = n - base < 64 ? n - base : 64;
    std::uint64_t bits = 0;
    for (int j = 0; j < len; ++j) bits |= std::uint64_t(flag[base + j]) << j;
    while (bits) {
      f(base + std::countr_zero(bits));
      bits &= bits - 1;
    }
  }
}

}  // namespace leadsim
