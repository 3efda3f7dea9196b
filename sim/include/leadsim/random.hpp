// random.hpp: reproducible random streams.
//
// Every random number in leadsim derives from (master seed, run index, purpose, agent): never from
// thread identity or scheduling, so a result is byte-identical whatever the thread count.
//
// Two tools:
//   - Stream: a SplitMix64 engine satisfying UniformRandomBitGenerator, used with Boost.Random
//     distributions for the per-run and per-CLP draws (normal, gamma, ...).
//   - CounterDraw: random access into a SplitMix64 sequence, draw(i) = mix(key + i * gamma), for
//     draws indexed by CLP, speech or round.
//   - PersonDraws: per-person draws keyed by (run, purpose, the person's stable id) through a
//     32-bit mixer that vectorises. Keying by id gives common random numbers: two scenarios that
//     differ in one rule (the freeze date, say) give each person the same attendance and turnout
//     draws, so their difference is the rule's effect and not sampling noise.
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
//   CounterDraw speech(derive_key(meeting_key, name_hash("speech")));  double u = to_unit(speech(t));
class CounterDraw {
 public:
  explicit CounterDraw(std::uint64_t key) : key_(key) {}
  std::uint64_t operator()(std::uint64_t i) const { return mix64(key_ + (i + 1) * kGoldenGamma); }

 private:
  std::uint64_t key_;
};

// A 32-bit integer mixer (three multiply-xorshift rounds; full avalanche, low bias). Used for
// per-person draws: unlike the 64-bit mixer, it vectorises (8 people per AVX2 instruction).
constexpr std::uint32_t mix32(std::uint32_t x) {
  x ^= x >> 17;
  x *= 0xed5ad4bbU;
  x ^= x >> 11;
  x *= 0xac4c1b51U;
  x ^= x >> 15;
  x *= 0x31848babU;
  x ^= x >> 14;
  return x;
}
// Uniform in [0,1) from the top 24 bits (exact in a float).
// (Through a signed int: the value fits, and signed conversion vectorises where unsigned does not.)
inline float unit24(std::uint32_t h) { return static_cast<float>(static_cast<std::int32_t>(h >> 8)) * 0x1.0p-24f; }

// The per-person draws of one run: one key per purpose; a person's draw for a purpose is
// unit24(mix32(uid ^ key)). Keying by the person's stable id rather than by row means adding
// people to a scenario leaves everyone else's draws unchanged.
struct PersonDraws {
  explicit PersonDraws(std::uint64_t run_key)
      : faction(key(run_key, "faction")),
        turnout(key(run_key, "turnout")),
        vetting(key(run_key, "vetting")),
        invitation(key(run_key, "invitation")),
        attendance(key(run_key, "attendance")),
        consultation(key(run_key, "consultation")) {}
  static float draw(std::uint32_t purpose_key, std::uint32_t uid) {
    return unit24(mix32(uid ^ purpose_key));
  }
  std::uint32_t faction, turnout, vetting, invitation, attendance, consultation;

 private:
  static std::uint32_t key(std::uint64_t run_key, std::string_view purpose) {
    return static_cast<std::uint32_t>(derive_key(run_key, name_hash(purpose)) >> 32);
  }
};

}  // namespace leadsim
