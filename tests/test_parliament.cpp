// Tests of the parliament module (parliament.hpp): MPs as agents, their first choices against
// the calibration target, and loyalty to the incumbent when there is no calibration table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "leadsim/parliament.hpp"
#include "leadsim/population.hpp"
#include "leadsim/random.hpp"
#include "support.hpp"

using namespace leadsim;
using test::clearly_above;
using test::estimate;
using test::run_many;
using test::toy;

TEST(Parliament, FirstChoicesMatchTheCalibrationTarget) {
  // Toy's MPs are about ten; with 40 extra the calibration has something to fit. Expected first
  // choices among those who nominate: left 0.3/0.9, right 0.6/0.9.
  const Scenario s = toy({"mps.extra_mps=40"});
  const Population pop = synthesise(s, 3);
  const int n = pop.parliament.size();
  double left = 0, nominating = 0;
  const int runs = 400;
  for (int run = 0; run < runs; ++run) {
    const MpRun mps(s, pop.parliament, derive_key(99, std::uint64_t(run)));
    for (int i = 0; i < n; ++i) {
      if (!mps.nominates(i)) continue;
      ++nominating;
      left += mps.best(i, {true, true}) == 0;
    }
  }
  const double p = left / nominating;
  // MPs are fixed across runs, so choices are correlated within an MP: bound the standard
  // error by the number of MPs (the conservative effective sample size).
  const double se = std::sqrt(p * (1 - p) / n);
  EXPECT_NEAR(p, 0.3 / 0.9, 4 * se);
  EXPECT_NEAR(nominating / (double(runs) * n), 0.9, 4 * std::sqrt(0.09 / (runs * n)));
}

TEST(Parliament, LoyaltyRaisesTheIncumbentsNominationsWithoutCalibration) {
  // Without [mps.support] MPs choose by policy; loyalty to the incumbent ("left") adds to it.
  auto left_noms = [](double loyalty) {
    Scenario s = toy({"mps.extra_mps=40", "mps.loyalty=" + std::to_string(loyalty)});
    s.mps.support_given = false;  // as if the file had no support table
    std::fill(s.mps.support.begin(), s.mps.support.end(), 0.0);
    return estimate(run_many(s, 60), [](const RunResult& r) { return double(r.mp_nominations[0]); });
  };
  const auto none = left_noms(0), loyal = left_noms(1.5);
  EXPECT_TRUE(clearly_above(loyal, none)) << none.mean << " -> " << loyal.mean;
}

