// random.hpp: reproducible random streams.
//
// Every random number in leadsim derives from (master seed, run index, purpose, agent): never from
// thread identity or scheduling, so a result is byte-identical whatever the thread count.
//
// Two tools:
//   - Stream: a SplitMix64 engine satisfying UniformRandomBitGenerator, used with Boost.Random
//     distributions for the per-run and per-CLP draws (normal, gamma, ...).
//   - CounterDraw: random access into a SplitMix64 sequence, draw(i) = mix(key + i * gamma). The
//     hot per-agent loops key each draw by the agent's stable id, which costs a few cycles and
//     gives common random numbers: two scenarios that differ in one rule (the freeze date, say)
//     give each person the same attendance and turnout draws, so their difference is the rule's
//     effect and not sampling noise.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

namespace leadsim {

// The SplitMix64 output function (a bijective 64-bit mixer).
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline constexpr std::uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

// Combines a parent key with a child label into an independent-looking key.
constexpr std::uint64_t derive_key(std::uint64_t parent, std::uint64_t label) {
  return mix64(parent ^ mix64(label + kGoldenGamma));
}

// FNV-1a of a name, so streams can be labelled by stable names ("wave:surge2015").
constexpr std::uint64_t name_hash(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

// Uniform in [0,1) from the top 53 bits.
inline double to_unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }
// Two independent uniforms in [0,1) from one 64-bit draw (24-bit resolution each, plenty for
// comparisons against probabilities of people attending or voting).
inline float unit_lo(std::uint64_t bits) { return static_cast<float>(bits & 0xFFFFFFu) * 0x1.0p-24f; }
inline float unit_hi(std::uint64_t bits) { return static_cast<float>(bits >> 40) * 0x1.0p-24f; }

// Three independent uniforms in [0,1) from one 64-bit draw, 21 bits each (field 0, 1 or 2).
// A resolution of 1 in 2 million is ample for comparing with probabilities of attending or voting,
// and it lets the hot loops make one hash per person per purpose group.
inline float field21(std::uint64_t bits, int field) {
  return static_cast<float>((bits >> (21 * field)) & 0x1FFFFFu) * 0x1.0p-21f;
}

// Sequential engine for Boost.Random distributions. Example:
//   Stream s(derive_key(run_key, name_hash("swing")));
//   boost::random::normal_distribution<double> n(0, 1); double z = n(s);
class Stream {
 public:
  using result_type = std::uint64_t;
  explicit Stream(std::uint64_t key) : state_(key) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return mix64(state_ += kGoldenGamma); }
  double uniform() { return to_unit((*this)()); }

 private:
  std::uint64_t state_;
};

// Random access draws: the i-th value of the stream with this key. Example:
//   CounterDraw attend(derive_key(run_key, name_hash("attend")));  float u = unit_lo(attend(uid));
class CounterDraw {
 public:
  explicit CounterDraw(std::uint64_t key) : key_(key) {}
  std::uint64_t operator()(std::uint64_t i) const { return mix64(key_ + (i + 1) * kGoldenGamma); }

 private:
  std::uint64_t key_;
};

// The per-person draws of one run: two 64-bit values per person, each split into three fields.
//   politics(uid): field 0 faction, field 1 final-ballot turnout, field 2 vetting
//   meeting(uid):  field 0 invitation lost, field 1 attendance, field 2 affiliate consultation
struct PersonDraws {
  explicit PersonDraws(std::uint64_t run_key)
      : politics(derive_key(run_key, name_hash("person:politics"))),
        meeting(derive_key(run_key, name_hash("person:meeting"))) {}
  CounterDraw politics, meeting;
};

}  // namespace leadsim
