// Simulation-based calibration of `leadsim calibrate` (Talts et al. 2018; tests/sbc.hpp): R true
// mobilisations drawn from the prior, each with a synthetic observation made by the toy at it,
// each calibrated; the posterior's central 50% and 90% intervals must cover the truth at their
// nominal rates. R = 20 here (15 to 19 s on 2 cores); the program `sbc` (tests/sbc_main.cpp, not
// in CTest) runs hundreds, and the README's "Calibration" gives its figures.
//
// Tolerances from R: a count of covering replicates is Binomial(R, p) when the inference is
// right; the test accepts its central 99% region (binomial_region), so a correct calibration
// fails it about 1% of the time per check, at a fixed seed never (the test is deterministic).
// ABC with a finite tolerance over-covers (its posterior keeps more of the prior than the exact
// one), so the lower side is tested strictly (a count below the region fails) and the upper side
// loosely: at most the upper end of the region for the rate half-way from nominal to 100%,
// which allows the expected conservatism but not a posterior that is barely narrower than the
// prior while claiming to know more. The truth's rank (the posterior weight below it) is uniform
// when the inference is right: neither tail (below 5%, above 95%) may hold more than the upper
// end of Binomial(R, 0.05)'s 99% region, which catches a posterior shifted to one side even when
// the 90% coverage, which adds the tails, looks right.
#include <gtest/gtest.h>

#include "sbc.hpp"
#include "support.hpp"

namespace {

using leadsim::sbc::binomial_region;

TEST(Sbc, BinomialRegion) {
  // By hand: Binomial(20, 0.9): P(X <= 13) = 0.0024, P(X <= 14) = 0.0113, so lo = 14; P(X >= 20)
  // = 0.1216 > 0.005, so hi = 20. Binomial(100, 0.5): P(X <= 36) = 0.0033, P(X <= 37) = 0.0060
  // (lo = 37), symmetric (hi = 63).
  EXPECT_EQ(binomial_region(20, 0.9).lo, 14u);
  EXPECT_EQ(binomial_region(20, 0.9).hi, 20u);
  EXPECT_EQ(binomial_region(100, 0.5).lo, 37u);
  EXPECT_EQ(binomial_region(100, 0.5).hi, 63u);
}

TEST(Sbc, PosteriorIntervalsCoverTheTruthAtTheirNominalRate) {
  const std::uint64_t R = 20;
  leadsim::test::TempDir dir;
  // One parameter (the radical mobilisation, log-uniform on [0.5, 4]), one target (the left's
  // nominations), 40 particles of 1 run, 3 generations: small, so the ABC posterior is wide and
  // the check is of under-coverage above all.
  leadsim::CalibrationSpec spec = leadsim::load_calibration_spec(
      leadsim::sbc::write_spec((dir / "sbc.toml").string(), 1, 40, 1, 3, 0.5));
  const leadsim::Scenario base = leadsim::test::toy(spec.set);
  leadsim::check_calibration_spec(spec, base);
  std::uint64_t in50 = 0, in90 = 0, low = 0, high = 0;
  for (std::uint64_t r = 0; r < R; ++r) {
    const leadsim::sbc::Replicate x = leadsim::sbc::replicate(base, spec, 7, r, 2);
    in50 += x.in50[0];
    in90 += x.in90[0];
    low += x.rank[0] < 0.05;
    high += x.rank[0] > 0.95;
  }
  const auto r50 = binomial_region(R, 0.5), r90 = binomial_region(R, 0.9);
  EXPECT_GE(in50, r50.lo) << "the 50% interval under-covers: " << in50 << " of " << R;
  EXPECT_GE(in90, r90.lo) << "the 90% interval under-covers: " << in90 << " of " << R;
  EXPECT_LE(in50, binomial_region(R, 0.75).hi) << in50 << " of " << R;
  EXPECT_LE(in90, binomial_region(R, 0.95).hi) << in90 << " of " << R;
  const auto tail = binomial_region(R, 0.05);
  EXPECT_LE(low, tail.hi) << "the truth is below the posterior too often";
  EXPECT_LE(high, tail.hi) << "the truth is above the posterior too often";
  RecordProperty("in50", int(in50));
  RecordProperty("in90", int(in90));
  std::printf("R = %llu: 50%% covers %llu, 90%% covers %llu; rank below 5%%: %llu, above 95%%: %llu\n",
              (unsigned long long)R, (unsigned long long)in50, (unsigned long long)in90,
              (unsigned long long)low, (unsigned long long)high);
}

}  // namespace
