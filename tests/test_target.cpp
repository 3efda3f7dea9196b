// Tests for target.hpp: the search against an outcome whose probability is known in closed form,
// its edge cases, and the search on the toy through the whole machinery.
#include "leadsim/target.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "leadsim/random.hpp"
#include "support.hpp"

namespace {

using leadsim::TargetResult;
using leadsim::TargetSpec;

// P(v) = logistic((v - 50) / 5); run i succeeds when its uniform u_i < P(v), the same u_i at
// every value (common random numbers, as the runs of a scenario have).
leadsim::TargetEstimator logistic_outcome() {
  return [](double v, std::uint64_t done, std::uint64_t runs) {
    const double p = 1 / (1 + std::exp(-(v - 50) / 5));
    std::uint64_t hits = 0;
    for (std::uint64_t i = done; i < done + runs; ++i)
      hits += leadsim::to_unit(leadsim::mix64(i + 12345)) < p;
    return hits;
  };
}

TargetSpec spec_for(double probability) {
  TargetSpec s;
  s.parameter = "meetings.attendance";  // unused by solve_target: a number, not rounded
  s.min = 0;
  s.max = 100;
  s.precision = 0.5;
  s.probability = probability;
  s.runs = 200;
  s.max_runs = 4000;
  return s;
}

// The answer, solved by hand: P(v*) = 0.9 at v* = 50 + 5 ln 9 = 60.99. The bracket is at most
// the precision wide and lies within the sampling error of the probabilities near v* (with
// 4000 runs an estimate near 0.9 has sd 0.005, that is 0.3 in v).
TEST(Target, FindsTheValueSolvedByHand) {
  const double v_star = 50 + 5 * std::log(9.0);
  const TargetResult r = leadsim::solve_target(spec_for(0.9), logistic_outcome());
  ASSERT_TRUE(r.found);
  EXPECT_FALSE(r.at_min);
  EXPECT_LE(r.hi - r.lo, 0.5);
  EXPECT_NEAR(r.hi, v_star, 1.2);
  EXPECT_LT(r.lo, r.hi);
  // Values far from v* are decided by their first batches; only those near it need many runs.
  for (const auto& p : r.probes) {
    if (std::abs(p.value - v_star) > 10) {
      EXPECT_LE(p.runs, 400u) << p.value;
    }
  }
}

TEST(Target, SaysWhenTheRangeNeverReachesIt) {
  TargetSpec s = spec_for(0.9);
  s.max = 55;  // P(55) = 0.73
  const TargetResult r = leadsim::solve_target(s, logistic_outcome());
  EXPECT_FALSE(r.found);
  ASSERT_EQ(r.probes.size(), 1u);
  EXPECT_EQ(r.probes[0].verdict, leadsim::TargetProbe::Verdict::falls_short);
}

TEST(Target, SaysWhenTheSmallestValueAlreadyReachesIt) {
  TargetSpec s = spec_for(0.9);
  s.min = 70;  // P(70) = 0.98
  const TargetResult r = leadsim::solve_target(s, logistic_outcome());
  EXPECT_TRUE(r.found);
  EXPECT_TRUE(r.at_min);
  EXPECT_EQ(r.hi, 70);
}

// On the toy: the radicals' mobilisation it takes for the left to win at least 9 of its 20 CLPs
// with P >= 0.8. More mobilisation never loses the left CLPs here, and the answer reproduces:
// at the answer the outcome's frequency reaches 0.8, a step below it does not (within the
// sampling error the search allowed).
TEST(Target, OnTheToy) {
  leadsim::test::TempDir dir;
  const std::string path = (dir / "target.toml").string();
  std::ofstream(path) << R"([target]
parameter = "factions.radical.mobilisation"
min = 0.5
max = 6
precision = 0.25
probability = 0.8
runs = 100
max_runs = 800
seed = 3
[target.outcome]
kind = "nominations_at_least"
candidate = "left"
count = 9
)";
  TargetSpec spec = leadsim::load_target_spec(path);
  const auto base = leadsim::test::toy();
  leadsim::check_target_spec(spec, base);
  const TargetResult r = leadsim::find_target(base, spec, 2);
  ASSERT_TRUE(r.found);
  EXPECT_LE(r.hi - r.lo, 0.25);
  EXPECT_GT(r.hi, 0.5);
  // Every probe at or above the answer that was decided reaches it; every one below falls short.
  for (const auto& p : r.probes) {
    if (p.verdict == leadsim::TargetProbe::Verdict::undecided) continue;
    EXPECT_EQ(p.value >= r.hi, p.verdict == leadsim::TargetProbe::Verdict::reaches) << p.value;
  }
  // The same answer on one thread (the runs, not the threads, decide).
  const TargetResult one = leadsim::find_target(base, spec, 1);
  EXPECT_EQ(one.hi, r.hi);
  EXPECT_EQ(one.runs, r.runs);
}

TEST(Target, SpecProblemsAreLocated) {
  leadsim::test::TempDir dir;
  const std::string path = (dir / "target.toml").string();
  std::ofstream(path) << R"([target]
parameter = "factions.radical.mobilsation"
min = 0.5
max = 6
[target.outcome]
kind = "nominations_at_least"
candidate = "lefty"
count = 9
)";
  TargetSpec spec = leadsim::load_target_spec(path);
  try {
    leadsim::check_target_spec(spec, leadsim::test::toy());
    FAIL() << "should be refused";
  } catch (const leadsim::InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u);
    EXPECT_NE(e.diagnostics()[0].message.find("did you mean 'factions.<id>.mobilisation'"),
              std::string::npos)
        << e.diagnostics()[0].message;
    EXPECT_EQ(e.diagnostics()[0].line, 2);
    EXPECT_NE(e.diagnostics()[1].message.find("did you mean 'left'"), std::string::npos)
        << e.diagnostics()[1].message;
  }
}

}  // namespace

namespace {

// The shipped specs stay valid against their scenarios.
TEST(Target, ShippedSpecsAreValid) {
  TargetSpec spec =
      leadsim::load_target_spec(leadsim::test::scenario_path("targets/hampstead-smith.toml"));
  std::vector<std::string> set = spec.set;
  const auto base =
      leadsim::load_scenario(leadsim::test::scenario_path("labour-2016-entryism.toml"), set);
  EXPECT_NO_THROW(leadsim::check_target_spec(spec, base));
}

// The report shows a real parameter to one decimal finer than the precision, a whole one as a
// whole number; target.json keeps the exact value (what --set takes).
TEST(Target, ReportShowsValuesToThePrecision) {
  TargetSpec spec;
  spec.parameter = "meetings.attendance";
  spec.min = 0.01;
  spec.max = 0.5;
  spec.precision = 0.01;
  TargetResult r;
  r.found = true;
  r.lo = 0.01;
  r.hi = 0.017656250000000002;
  const std::string report = leadsim::target_report(spec, r);
  EXPECT_NE(report.find("Answer: meetings.attendance = 0.018 (between 0.010 and 0.018:"), std::string::npos)
      << report;
  spec.parameter = "waves.new.size";
  spec.precision = 10;
  r.lo = 134;
  r.hi = 142;
  EXPECT_NE(leadsim::target_report(spec, r).find("= 142 (between 134 and 142:"), std::string::npos);
}

}  // namespace
