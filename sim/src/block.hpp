// block.hpp (private): helpers for the vectorised per-block loops.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "leadsim/preferences.hpp"  // kBlock

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

// The set ones among flags [0, n) (each 0 or 1, n <= kBlock), packed 32 to a word: flag j is bit
// j % 32 of word j / 32. Set flags are few (attendees, answerers: a few percent of a block,
// scattered at random), so testing flags one by one mispredicts about once per set flag; the
// packing loop vectorises instead, and visiting the set bits costs one step per set flag.
class SetFlags {
 public:
  SetFlags(const std::uint32_t* flag, int n) : words_((n + 31) / 32) {
    for (int w = 0; w < words_; ++w) {
      const std::uint32_t* f = flag + w * 32;
      const int len = n - w * 32;
      std::uint32_t b = 0;
      if (len >= 32) {
        for (int l = 0; l < 32; ++l) b |= f[l] << l;  // a fixed count: this loop vectorises
      } else {
        for (int l = 0; l < len; ++l) b |= f[l] << l;
      }
      word_[w] = b;
      count_ += std::popcount(b);
    }
  }
  int count() const { return count_; }
  // Calls f(j) for each set flag j, in increasing order.
  template <class F>
  void for_each(F&& f) const {
    for (int w = 0; w < words_; ++w)
      for (std::uint32_t b = word_[w]; b != 0; b &= b - 1) f(w * 32 + std::countr_zero(b));
  }

 private:
  std::uint32_t word_[kBlock / 32];
  int words_, count_ = 0;
};

// Calls f(j) for each j in [0, n) with flag[j] != 0, in increasing order (see SetFlags).
template <class F>
inline void for_each_set(const std::uint32_t* flag, int n, F&& f) {
  SetFlags(flag, n).for_each(f);
}

}  // namespace leadsim
