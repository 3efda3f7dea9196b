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

#include <cstring>

namespace leadsim {

// The end of the run of equal bytes starting at `begin` (at most `end`): people are grouped by
// CLP and wave, so this finds the end of a CLP-wave segment. Eight bytes at a time.
inline std::uint32_t run_end(const std::uint8_t* bytes, std::uint32_t begin, std::uint32_t end) {
  const std::uint8_t v = bytes[begin];
  const std::uint64_t pattern = 0x0101010101010101ULL * v;
  std::uint32_t e = begin;
  while (std::endian::native == std::endian::little && e + 8 <= end) {
    std::uint64_t x;
    std::memcpy(&x, bytes + e, 8);
    x ^= pattern;
    if (x) return e + std::uint32_t(std::countr_zero(x) / 8);  // little-endian: first byte lowest
    e += 8;
  }
  while (e < end && bytes[e] == v) ++e;
  return e;
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
