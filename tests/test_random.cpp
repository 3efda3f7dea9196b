// Tests for random.hpp: the mixers, the uniform conversions, the stream types and per-person
// draws. Statistical checks use fixed keys and tolerances of about 4 standard errors, with the
// standard error worked out in the test from the number of draws.
#include "leadsim/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "leadsim/contest.hpp"

namespace {

using leadsim::CounterDraw;
using leadsim::derive_key;
using leadsim::mix32;
using leadsim::mix64;
using leadsim::name_hash;
using leadsim::PersonDraws;
using leadsim::Stream;
using leadsim::to_unit;
using leadsim::unit24;

constexpr int kDraws = 1'000'000;

// Mean and (population) variance of a sample.
struct Moments {
  double mean = 0, var = 0;
};
Moments moments(const std::vector<double>& x) {
  double s = 0, ss = 0;
  for (double v : x) s += v;
  const double m = s / double(x.size());
  for (double v : x) ss += (v - m) * (v - m);
  return {m, ss / double(x.size())};
}

// Pearson correlation of two equally long samples.
double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const Moments ma = moments(a), mb = moments(b);
  double cov = 0;
  for (size_t i = 0; i < a.size(); ++i) cov += (a[i] - ma.mean) * (b[i] - mb.mean);
  cov /= double(a.size());
  return cov / std::sqrt(ma.var * mb.var);
}

// Pearson chi-square statistic of the sample against `bins` equal bins of [0,1).
double chi_square(const std::vector<double>& x, int bins) {
  std::vector<double> count(size_t(bins), 0.0);
  for (double v : x) count[size_t(std::min(bins - 1, int(v * bins)))] += 1;
  const double expected = double(x.size()) / bins;
  double chi2 = 0;
  for (double c : count) chi2 += (c - expected) * (c - expected) / expected;
  return chi2;
}

std::vector<double> person_draws(std::uint32_t key, std::uint32_t first_uid, int n) {
  std::vector<double> x(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) x[size_t(i)] = PersonDraws::draw(key, first_uid + std::uint32_t(i));
  return x;
}

std::vector<double> stream_draws(std::uint64_t key, int n) {
  Stream g(key);
  std::vector<double> x(static_cast<size_t>(n));
  for (auto& v : x) v = g.uniform();
  return x;
}

// Checks mean 1/2 and variance 1/12 of a sample that should be uniform on [0,1).
void expect_uniform_moments(const std::vector<double>& x) {
  const double n = double(x.size());
  const Moments m = moments(x);
  // Var(U) = 1/12, so SE(mean) = sqrt(1/(12 n)).
  EXPECT_NEAR(m.mean, 0.5, 4 * std::sqrt(1.0 / (12 * n)));
  // Var((U-1/2)^2) = E(U-1/2)^4 - (1/12)^2 = 1/80 - 1/144 = 1/180, so SE(var) = sqrt(1/(180 n)).
  EXPECT_NEAR(m.var, 1.0 / 12, 4 * std::sqrt(1.0 / (180 * n)));
}

TEST(Mix, Mix32HasNoCollisionsOverAMillionConsecutiveInputs) {
  std::vector<std::uint32_t> out(kDraws);
  for (std::uint32_t i = 0; i < std::uint32_t(kDraws); ++i) out[i] = mix32(i);
  std::sort(out.begin(), out.end());
  EXPECT_EQ(std::adjacent_find(out.begin(), out.end()), out.end());
}

TEST(Mix, Mix32HasNoCollisionsOverConsecutiveInputsFromAnArbitraryBase) {
  // Per-person draws feed mix32 with uid ^ key, i.e. a block of ids from a wave's base.
  const std::uint32_t base = 0xdeadbeefU;
  std::vector<std::uint32_t> out(kDraws);
  for (std::uint32_t i = 0; i < std::uint32_t(kDraws); ++i) out[i] = mix32(base + i);
  std::sort(out.begin(), out.end());
  EXPECT_EQ(std::adjacent_find(out.begin(), out.end()), out.end());
}

TEST(Mix, Mix64HasNoCollisionsOverAMillionConsecutiveInputs) {
  std::vector<std::uint64_t> out(kDraws);
  for (std::uint64_t i = 0; i < std::uint64_t(kDraws); ++i) out[i] = mix64(i + 1);
  std::sort(out.begin(), out.end());
  EXPECT_EQ(std::adjacent_find(out.begin(), out.end()), out.end());
}

TEST(Mix, Mix64MatchesTheSplitMix64ReferenceSequence) {
  // Vigna's splitmix64.c seeded with 1234567 starts 6457827717110365317, 3203168211198807973,
  // 9817491932198370423: Stream is that generator, so it must reproduce them.
  Stream g(1234567);
  EXPECT_EQ(g(), 6457827717110365317ULL);
  EXPECT_EQ(g(), 3203168211198807973ULL);
  EXPECT_EQ(g(), 9817491932198370423ULL);
}

TEST(Mix, Mix32AvalanchesHalfTheOutputBitsPerInputBitFlip) {
  // Flipping one input bit should flip each output bit with probability 1/2: the mean Hamming
  // distance is 16 with per-pair variance 32/4 = 8 if bits were independent; SE = sqrt(8/n).
  const int inputs = 20000;
  double total = 0;
  int pairs = 0;
  for (int i = 0; i < inputs; ++i) {
    const std::uint32_t x = mix32(std::uint32_t(i) * 0x9e3779b9U);  // spread-out inputs
    const std::uint32_t y = mix32(x);
    for (int b = 0; b < 32; ++b) {
      total += std::popcount(y ^ mix32(x ^ (1u << b)));
      ++pairs;
    }
  }
  EXPECT_NEAR(total / pairs, 16.0, 4 * std::sqrt(8.0 / pairs));
}

TEST(Unit, Unit24CoversZeroToJustBelowOne) {
  EXPECT_EQ(unit24(0), 0.0f);
  EXPECT_LT(unit24(0xFFFFFFFFU), 1.0f);
  EXPECT_EQ(unit24(0xFFFFFFFFU), 1.0f - 0x1.0p-24f);
  EXPECT_EQ(unit24(0x80000000U), 0.5f);
  EXPECT_EQ(to_unit(0), 0.0);
  EXPECT_LT(to_unit(std::numeric_limits<std::uint64_t>::max()), 1.0);
  EXPECT_EQ(to_unit(1ULL << 63), 0.5);
}

TEST(Unit, PersonDrawsAreInUnitIntervalWithUniformMoments) {
  const PersonDraws d(leadsim::run_key(7, 0));
  const std::vector<double> x = person_draws(d.turnout, 0x12345678U, kDraws);
  for (double v : x) {
    ASSERT_GE(v, 0.0);
    ASSERT_LT(v, 1.0);
  }
  expect_uniform_moments(x);
}

TEST(Unit, StreamUniformIsInUnitIntervalWithUniformMoments) {
  const std::vector<double> x = stream_draws(derive_key(7, name_hash("test")), kDraws);
  for (double v : x) {
    ASSERT_GE(v, 0.0);
    ASSERT_LT(v, 1.0);
  }
  expect_uniform_moments(x);
}

// Chi-square with 99 degrees of freedom has mean 99 and sd sqrt(198) ~ 14.1; generous bounds at
// about 6 sd either side, so only a grossly non-uniform (or suspiciously regular) source fails.
constexpr double kChi2Low = 99 - 6 * 14.07, kChi2High = 99 + 6 * 14.07;

TEST(Unit, PersonDrawsPassChiSquareOnHundredBins) {
  const PersonDraws d(leadsim::run_key(11, 3));
  const double chi2 = chi_square(person_draws(d.attendance, 1000, kDraws), 100);
  EXPECT_GT(chi2, kChi2Low);
  EXPECT_LT(chi2, kChi2High);
}

TEST(Unit, StreamPassesChiSquareOnHundredBins) {
  const double chi2 = chi_square(stream_draws(derive_key(11, name_hash("chi")), kDraws), 100);
  EXPECT_GT(chi2, kChi2Low);
  EXPECT_LT(chi2, kChi2High);
}

TEST(Unit, ChiSquareTestDetectsANonUniformSource) {
  // The check above can fail: squaring uniforms (density 1/(2 sqrt x)) is far outside the bounds.
  std::vector<double> x = stream_draws(derive_key(11, name_hash("chi")), kDraws);
  for (auto& v : x) v *= v;
  EXPECT_GT(chi_square(x, 100), kChi2High);
}

TEST(PersonDraws, DifferentPurposesAreUncorrelatedAcrossConsecutiveUids) {
  const PersonDraws d(leadsim::run_key(3, 5));
  const std::array<std::uint32_t, 6> keys = {d.faction,    d.turnout,    d.vetting,
                                             d.invitation, d.attendance, d.consultation};
  const int n = 200'000;
  std::vector<std::vector<double>> x;
  for (std::uint32_t k : keys) x.push_back(person_draws(k, 0x40000000U, n));
  // Under independence the sample correlation has SE 1/sqrt(n).
  for (size_t a = 0; a < keys.size(); ++a)
    for (size_t b = a + 1; b < keys.size(); ++b)
      EXPECT_LT(std::abs(correlation(x[a], x[b])), 4 / std::sqrt(double(n)))
          << "purposes " << a << " and " << b;
}

TEST(PersonDraws, ConsecutiveUidsAreUncorrelatedWithinAPurpose) {
  const PersonDraws d(leadsim::run_key(3, 5));
  const int n = kDraws;
  const std::vector<double> x = person_draws(d.faction, 0, n + 1);
  const std::vector<double> a(x.begin(), x.end() - 1), b(x.begin() + 1, x.end());
  EXPECT_LT(std::abs(correlation(a, b)), 4 / std::sqrt(double(n)));  // lag-1, SE 1/sqrt(n)
}

TEST(PersonDraws, SameRunKeyGivesSameKeysAndDifferentRunsDiffer) {
  const PersonDraws a(leadsim::run_key(1, 0)), b(leadsim::run_key(1, 0)), c(leadsim::run_key(1, 1));
  EXPECT_EQ(a.faction, b.faction);
  EXPECT_EQ(a.consultation, b.consultation);
  EXPECT_NE(a.faction, c.faction);
  EXPECT_NE(a.turnout, c.turnout);
  const std::set<std::uint32_t> purposes = {a.faction,    a.turnout,    a.vetting,
                                            a.invitation, a.attendance, a.consultation};
  EXPECT_EQ(purposes.size(), 6u);  // each purpose has its own key
  EXPECT_EQ(PersonDraws::draw(a.vetting, 12345), PersonDraws::draw(b.vetting, 12345));
  EXPECT_EQ(PersonDraws::draw(a.vetting, 12345), unit24(mix32(12345U ^ a.vetting)));
}

TEST(RunKey, DistinctForDistinctSeedsAndRuns) {
  std::set<std::uint64_t> keys;
  for (std::uint64_t seed = 0; seed < 10; ++seed)
    for (std::uint64_t run = 0; run < 1000; ++run) keys.insert(leadsim::run_key(seed, run));
  EXPECT_EQ(keys.size(), 10000u);
}

TEST(DeriveKey, DifferentLabelsGiveDifferentKeys) {
  std::set<std::uint64_t> keys;
  const int labels = 100000;
  for (int i = 0; i < labels; ++i) keys.insert(derive_key(42, std::uint64_t(i)));
  EXPECT_EQ(keys.size(), size_t(labels));
  EXPECT_NE(derive_key(42, name_hash("swing")), derive_key(42, name_hash("clp-lean")));
  EXPECT_NE(derive_key(42, 1), derive_key(43, 1));  // and different parents
}

TEST(DeriveKey, IsAFunctionOfItsArguments) {
  static_assert(derive_key(1, 2) == derive_key(1, 2));
  EXPECT_EQ(derive_key(99, name_hash("wave:old")), derive_key(99, name_hash("wave:old")));
}

TEST(NameHash, DistinguishesNamesAndMatchesFnv1a) {
  EXPECT_EQ(name_hash(""), 0xcbf29ce484222325ULL);   // FNV-1a offset basis
  EXPECT_EQ(name_hash("a"), 0xaf63dc4c8601ec8cULL);  // published FNV-1a 64 test vector
  EXPECT_NE(name_hash("wave:old"), name_hash("wave:new"));
}

TEST(Stream, SameKeyGivesSameStream) {
  Stream a(derive_key(5, 6)), b(derive_key(5, 6));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a(), b()) << "draw " << i;
}

TEST(Stream, DifferentKeysGiveDifferentStreams) {
  Stream a(derive_key(5, 6)), b(derive_key(5, 7));
  int equal = 0;
  for (int i = 0; i < 1000; ++i) equal += a() == b();
  EXPECT_EQ(equal, 0);
}

TEST(CounterDraw, IsRandomAccessIntoTheStreamWithTheSameKey) {
  const std::uint64_t key = derive_key(8, name_hash("speech"));
  Stream g(key);
  const CounterDraw c(key);
  for (std::uint64_t i = 0; i < 1000; ++i) ASSERT_EQ(c(i), g()) << "index " << i;
}

}  // namespace
