// Tests for summary.hpp: the histogram Distribution (mean, sd, quantiles), the Wilson interval
// and Summary::add over hand-built runs of the toy scenario.
#include "leadsim/summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "leadsim/contest.hpp"
#include "leadsim/scenario.hpp"

namespace {

using leadsim::Distribution;
using leadsim::kSections;
using leadsim::Proportion;
using leadsim::RunResult;
using leadsim::Scenario;
using leadsim::Summary;
using leadsim::wilson;

const std::string kToy = std::string(LEADSIM_SOURCE_DIR) + "/scenarios/toy.toml";

// The grid 0, 1/N, ..., (N-1)/N in a [0,1) histogram of 10,000 bins.
Distribution uniform_grid(int n) {
  Distribution d;
  for (int i = 0; i < n; ++i) d.add(double(i) / n);
  return d;
}

// The q-quantile of integer data as the inverse of the empirical CDF: the smallest value x with
// at least q*n of the data at or below x.
int inverse_cdf(std::vector<int> data, double q) {
  std::sort(data.begin(), data.end());
  const double target = q * double(data.size());
  size_t k = size_t(std::ceil(target));
  k = std::clamp<size_t>(k, 1, data.size());
  return data[k - 1];
}

TEST(Distribution, MeanAndSdOfAUniformGrid) {
  const int n = 10000;
  const Distribution d = uniform_grid(n);
  EXPECT_EQ(d.count(), std::uint64_t(n));
  // Mean of i/N for i < N is (N-1)/(2N); sample variance is (N^2-1)/(12 N^2) * N/(N-1).
  EXPECT_NEAR(d.mean(), (n - 1) / (2.0 * n), 1e-12);
  const double var = (double(n) * n - 1) / (12.0 * n * n) * n / (n - 1.0);
  EXPECT_NEAR(d.sd(), std::sqrt(var), 1e-9);
}

TEST(Distribution, QuantilesOfAUniformGridAreWithinABinWidth) {
  const Distribution d = uniform_grid(10000);
  const double width = 1.0 / 10000;
  for (double q : {0.05, 0.25, 0.5, 0.75, 0.95})
    EXPECT_NEAR(d.quantile(q), q, 1.5 * width) << "q = " << q;
}

TEST(Distribution, QuantilesAreMonotoneInQ) {
  Distribution d;
  for (int i = 0; i < 1000; ++i) d.add(std::pow(double(i) / 1000, 3));  // skewed
  double prev = -1;
  for (int k = 0; k <= 100; ++k) {
    const double x = d.quantile(k / 100.0);
    EXPECT_GE(x, prev) << "q = " << k / 100.0;
    prev = x;
  }
  EXPECT_NEAR(d.quantile(0.5), 0.125, 2e-3);  // median of u^3 is 0.5^3
}

TEST(Distribution, ValuesOutsideTheRangeGoToTheEndBinsButKeepTheirMoments) {
  Distribution d(0, 1, 10);
  d.add(-5);
  d.add(7);
  EXPECT_EQ(d.bins().front(), 1u);
  EXPECT_EQ(d.bins().back(), 1u);
  EXPECT_DOUBLE_EQ(d.mean(), 1.0);
  EXPECT_DOUBLE_EQ(d.sd(), std::sqrt(72.0));  // (-6)^2 + 6^2 over n-1 = 1
}

TEST(Distribution, EmptyAndSingleValueCases) {
  Distribution empty;
  EXPECT_EQ(empty.count(), 0u);
  EXPECT_EQ(empty.mean(), 0.0);
  EXPECT_EQ(empty.sd(), 0.0);
  EXPECT_EQ(empty.quantile(0.5), 0.0);
  Distribution one;
  one.add(0.25);
  EXPECT_DOUBLE_EQ(one.mean(), 0.25);
  EXPECT_EQ(one.sd(), 0.0);
  EXPECT_NEAR(one.quantile(0.5), 0.25, 1e-4);
}

TEST(Distribution, IntegerCountsGiveExactIntegerQuantilesAfterFloor) {
  // As the report uses them: Distribution(0, N+1, N+1), one bin per value, floor(quantile).
  const int N = 20;
  Distribution d(0, N + 1, N + 1);
  std::vector<int> data;
  // 1 x 0, 2 x 1, 3 x 2, ... : uneven counts, so no quantile below falls on a bin edge.
  for (int v = 0; v <= 12; ++v)
    for (int r = 0; r <= v; ++r) data.push_back(v);
  data.push_back(N);  // one run at the top value
  for (int v : data) d.add(v);
  ASSERT_EQ(data.size(), 92u);
  for (double q : {0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95})
    EXPECT_EQ(std::floor(d.quantile(q)), inverse_cdf(data, q)) << "q = " << q;
}

TEST(Distribution, IntegerQuantileOnABinEdgeIsAnObservedValue) {
  // 10 runs with 0 nominations and 10 with 5: q = 0.5 falls exactly at the end of the first
  // bin. floor(quantile) must be a value that occurred (0 or 5), never one no run had.
  Distribution d(0, 21, 21);
  for (int i = 0; i < 10; ++i) d.add(0);
  for (int i = 0; i < 10; ++i) d.add(5);
  const double q50 = std::floor(d.quantile(0.5));
  EXPECT_TRUE(q50 == 0 || q50 == 5) << "floor(quantile(0.5)) = " << q50;
  // The same at q = 0.05 with 20 runs: 0.05 * 20 = 1 run, and the lowest value is 3.
  Distribution e(0, 21, 21);
  e.add(3);
  for (int i = 0; i < 19; ++i) e.add(7);
  EXPECT_EQ(std::floor(e.quantile(0.05)), 3.0);
}

TEST(Distribution, ConstantIntegerDataHasThatValueAsEveryQuantile) {
  Distribution d(0, 11, 11);
  for (int i = 0; i < 100; ++i) d.add(4);
  for (double q : {0.05, 0.5, 0.95}) EXPECT_EQ(std::floor(d.quantile(q)), 4.0) << "q = " << q;
  EXPECT_EQ(d.sd(), 0.0);
}

TEST(Wilson, FiftyOfHundredMatchesHandComputation) {
  // z = 1.96: centre (0.5 + z^2/200)/(1 + z^2/100) = 0.5; half-width
  // z sqrt(0.25/100 + z^2/40000)/(1 + z^2/100) = 0.09617.
  const Proportion p = wilson(50, 100);
  EXPECT_DOUBLE_EQ(p.p, 0.5);
  EXPECT_NEAR(p.lo, 0.4038, 1e-3);
  EXPECT_NEAR(p.hi, 0.5962, 1e-3);
}

TEST(Wilson, AsymmetricCaseMatchesHandComputation) {
  // 10/100: centre (0.1 + 0.019208)/1.038416 = 0.114799; half-width
  // 1.96 sqrt(0.0009 + 0.00009604)/1.038416 = 0.059582: [0.0552, 0.1744].
  const Proportion p = wilson(10, 100);
  EXPECT_DOUBLE_EQ(p.p, 0.1);
  EXPECT_NEAR(p.lo, 0.0552, 1e-3);
  EXPECT_NEAR(p.hi, 0.1744, 1e-3);
}

TEST(Wilson, NoneAndAllStayInsideTheUnitInterval) {
  for (std::uint64_t n : {1u, 10u, 1000u, 1000000u}) {
    const Proportion none = wilson(0, n), all = wilson(n, n);
    EXPECT_EQ(none.p, 0.0);
    EXPECT_NEAR(none.lo, 0.0, 1e-12);
    EXPECT_GE(none.lo, 0.0);
    EXPECT_GT(none.hi, 0.0);
    EXPECT_LE(none.hi, 1.0);
    EXPECT_EQ(all.p, 1.0);
    EXPECT_NEAR(all.hi, 1.0, 1e-12);
    EXPECT_LE(all.hi, 1.0);
    EXPECT_LT(all.lo, 1.0);
    EXPECT_GE(all.lo, 0.0);
  }
  // 0/10: upper bound z^2/n / (1 + z^2/n) = 0.38415/1.38415 = 0.2775.
  EXPECT_NEAR(wilson(0, 10).hi, 0.2775, 1e-3);
  EXPECT_NEAR(wilson(10, 10).lo, 1 - 0.2775, 1e-3);
}

TEST(Wilson, ZeroTrialsGiveTheWholeInterval) {
  const Proportion p = wilson(0, 0);
  EXPECT_EQ(p.lo, 0.0);
  EXPECT_EQ(p.hi, 1.0);
}

TEST(Wilson, IntervalIsSymmetricUnderComplementAndNarrowsWithN) {
  const Proportion a = wilson(30, 200), b = wilson(170, 200);
  EXPECT_NEAR(a.lo, 1 - b.hi, 1e-12);
  EXPECT_NEAR(a.hi, 1 - b.lo, 1e-12);
  const Proportion small = wilson(30, 100), big = wilson(300, 1000);
  EXPECT_LT(big.hi - big.lo, small.hi - small.lo);
  EXPECT_LT(small.lo, 0.3);
  EXPECT_GT(small.hi, 0.3);
}

// A run of the toy scenario (2 candidates, 20 CLPs, 1 affiliate) with nothing happening.
RunResult blank_run(const Scenario& s, std::uint64_t run) {
  const size_t k = s.candidates.size(), clps = s.clps.size();
  RunResult r;
  r.run = run;
  r.on_ballot.assign(k, true);
  r.mp_nominations.assign(k, 0);
  r.share.assign(k, 0.0);
  for (auto& f : r.first_share) f.assign(k, 0.0);
  r.nominations.assign(k, 0);
  r.meeting_votes.assign(k, 0);
  r.affiliate_nominations.assign(k, 0);
  r.eliminated_round.assign(k, -1);
  r.out_at_stage.assign(k, -1);
  r.mp_ballot_first.assign(k, 0);
  r.mp_out_round.assign(k, 0);
  r.clp_nominee.assign(clps, -1);
  r.clp_attendance.assign(clps, 0);
  r.clp_eligible.assign(clps, 0);
  r.clp_met.assign(clps, 0);
  r.clp_votes.assign(clps * k, 0);
  return r;
}

class SummaryOfHandBuiltRuns : public ::testing::Test {
 protected:
  void SetUp() override {
    s = leadsim::load_scenario(kToy);
    ASSERT_EQ(s.candidates.size(), 2u);
    ASSERT_EQ(s.clps.size(), 20u);

    // Run 0: left (0) wins in one round; CLPs 0 and 1 meet and nominate left and right.
    RunResult a = blank_run(s, 0);
    a.winner = 0;
    a.rounds = 1;
    a.share = {0.6, 0.4};
    a.first_share[0] = {0.7, 0.3};
    a.nominations = {1, 1};
    a.mp_nominations = {60, 120};
    a.meeting_votes = {30, 20};
    a.affiliate_nominations = {1, 0};
    a.eliminated_round = {-1, 0};
    a.clp_met[0] = a.clp_met[1] = 1;
    a.clp_nominee[0] = 0;
    a.clp_nominee[1] = 1;
    a.clp_attendance[0] = 20;
    a.clp_eligible[0] = 400;
    a.clp_votes[0] = 12;  // CLP 0: left 12, right 8
    a.clp_votes[1] = 8;
    a.clp_attendance[1] = 30;
    a.clp_eligible[1] = 600;
    a.meetings_held = 2;
    a.meeting_attendance = 50;
    a.meeting_eligible = 1000;
    a.ballot_eligible = {1000, 400, 200};
    a.ballot_voted = {800, 300, 100};

    // Run 1: right (1) wins by lot after two rounds; CLP 0 meets and nominates right, CLP 5
    // meets but nominates nobody (inquorate), CLP 1 does not meet.
    RunResult b = blank_run(s, 1);
    b.winner = 1;
    b.winner_by_lot = true;
    b.rounds = 2;
    b.share = {0.5, 0.5};
    b.nominations = {0, 1};
    b.mp_nominations = {70, 110};
    b.meeting_votes = {5, 15};
    b.eliminated_round = {1, -1};
    b.clp_met[0] = b.clp_met[5] = 1;
    b.clp_nominee[0] = 1;
    b.clp_attendance[0] = 10;
    b.clp_eligible[0] = 400;
    b.clp_votes[0] = 2;  // CLP 0 again: left 2, right 8
    b.clp_votes[1] = 8;
    b.clp_attendance[5] = 3;
    b.clp_eligible[5] = 300;
    b.meetings_held = 2;
    b.meeting_attendance = 13;
    b.meeting_eligible = 700;
    b.ballot_eligible = {1000, 400, 200};
    b.ballot_voted = {600, 200, 50};

    // Run 2: nobody on the ballot; no meetings, no votes.
    RunResult c = blank_run(s, 2);
    c.winner = -1;
    c.rounds = 0;
    c.on_ballot = {false, false};

    summary = std::make_unique<Summary>(s);
    summary->add(a);
    summary->add(b);
    summary->add(c);
  }
  Scenario s;
  std::unique_ptr<Summary> summary;
};

TEST_F(SummaryOfHandBuiltRuns, CountsRunsWinsAndBallotAccess) {
  const Summary& m = *summary;
  EXPECT_EQ(m.runs, 3u);
  EXPECT_EQ(m.candidates[0].wins, 1u);
  EXPECT_EQ(m.candidates[1].wins, 1u);
  EXPECT_EQ(m.no_valid_nominations, 1u);
  EXPECT_EQ(m.decided_by_lot, 1u);
  EXPECT_EQ(m.candidates[0].on_ballot, 2u);
  EXPECT_EQ(m.candidates[1].on_ballot, 2u);
  const Proportion w = m.win_probability(0);
  EXPECT_DOUBLE_EQ(w.p, 1.0 / 3);
  EXPECT_DOUBLE_EQ(w.lo, wilson(1, 3).lo);
}

TEST_F(SummaryOfHandBuiltRuns, PerClpNominationsOnlyFromMeetingsHeld) {
  const Summary& m = *summary;
  ASSERT_EQ(m.clps.size(), 20u);
  EXPECT_EQ(m.clps[0].met, 2u);
  EXPECT_EQ(m.clps[0].nominated, (std::vector<std::uint64_t>{1, 1}));
  EXPECT_EQ(m.clps[0].attendance, 30);
  EXPECT_EQ(m.clps[0].eligible, 800);
  // Meeting votes pooled over the meetings held: left 14 of 30.
  EXPECT_EQ(m.clps[0].votes, (std::vector<std::int64_t>{14, 16}));
  EXPECT_DOUBLE_EQ(m.clps[0].meeting_share(0), 14.0 / 30.0);
  EXPECT_DOUBLE_EQ(m.clps[2].meeting_share(0), 0.0);  // never met
  EXPECT_EQ(m.clps[1].met, 1u);
  EXPECT_EQ(m.clps[1].nominated, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(m.clps[5].met, 1u);
  EXPECT_EQ(m.clps[5].nominated, (std::vector<std::uint64_t>{0, 0}));
  EXPECT_EQ(m.clps[5].attendance, 3);
  for (int c : {2, 3, 4, 6, 19}) {
    EXPECT_EQ(m.clps[size_t(c)].met, 0u) << "CLP " << c;
    EXPECT_EQ(m.clps[size_t(c)].nominated, (std::vector<std::uint64_t>{0, 0})) << "CLP " << c;
  }
}

TEST_F(SummaryOfHandBuiltRuns, RoundsHistogramAndEliminations) {
  const Summary& m = *summary;
  ASSERT_GE(m.rounds.size(), 3u);
  EXPECT_EQ(m.rounds[0], 1u);
  EXPECT_EQ(m.rounds[1], 1u);
  EXPECT_EQ(m.rounds[2], 1u);
  for (size_t r = 3; r < m.rounds.size(); ++r) EXPECT_EQ(m.rounds[r], 0u) << "rounds " << r;
  EXPECT_EQ(m.candidates[0].eliminated_in_round[1], 1u);
  EXPECT_EQ(m.candidates[0].eliminated_in_round[0], 0u);
  EXPECT_EQ(m.candidates[1].eliminated_in_round[0], 1u);
  EXPECT_EQ(m.candidates[1].eliminated_in_round[1], 0u);
}

TEST_F(SummaryOfHandBuiltRuns, DistributionsAverageOverRuns) {
  const Summary& m = *summary;
  EXPECT_NEAR(m.candidates[0].share.mean(), (0.6 + 0.5 + 0.0) / 3, 1e-12);
  EXPECT_NEAR(m.candidates[0].first_share[0].mean(), 0.7 / 3, 1e-12);
  EXPECT_NEAR(m.candidates[1].nominations.mean(), 2.0 / 3, 1e-12);
  EXPECT_NEAR(m.candidates[1].mp_nominations.mean(), 230.0 / 3, 1e-12);
  EXPECT_NEAR(m.candidates[0].affiliate_nominations.mean(), 1.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(m.candidates[0].meeting_votes, 35.0);
  EXPECT_DOUBLE_EQ(m.candidates[1].meeting_votes, 35.0);
  EXPECT_NEAR(m.meetings_held.mean(), 4.0 / 3, 1e-12);
  // Attendance rate per run: 50/1000, 13/700, and 0 for the run with no meetings.
  EXPECT_NEAR(m.attendance_rate.mean(), (0.05 + 13.0 / 700) / 3, 1e-12);
  // Turnout per run and section: voted / eligible, 0 where nobody was eligible.
  EXPECT_NEAR(m.turnout[0].mean(), (0.8 + 0.6) / 3, 1e-12);
  EXPECT_NEAR(m.turnout[1].mean(), (0.75 + 0.5) / 3, 1e-12);
  EXPECT_NEAR(m.turnout[2].mean(), (0.5 + 0.25) / 3, 1e-12);
  for (int sec = 0; sec < kSections; ++sec) EXPECT_EQ(m.turnout[size_t(sec)].count(), 3u);
}

TEST(Summary, FreshSummaryIsSizedForTheScenario) {
  const Scenario s = leadsim::load_scenario(kToy);
  const Summary m(s);
  EXPECT_EQ(m.runs, 0u);
  ASSERT_EQ(m.candidates.size(), s.candidates.size());
  ASSERT_EQ(m.clps.size(), s.clps.size());
  for (const auto& c : m.clps) EXPECT_EQ(c.nominated.size(), s.candidates.size());
  // One bin per possible nomination count 0..clps, so count quantiles are exact.
  EXPECT_EQ(m.candidates[0].nominations.bins().size(), s.clps.size() + 1);
  EXPECT_EQ(m.candidates[0].nominations.hi(), double(s.clps.size()) + 1);
}

}  // namespace
