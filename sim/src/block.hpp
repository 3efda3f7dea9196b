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

}  // namespace leadsim
