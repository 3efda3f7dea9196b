// Tests for placement.hpp: the isotonic fit and the allocation against answers known exactly
// (hand-worked cases, brute force over every allocation), then the placement on the toy through
// the whole machinery: directional (the candidate's own supporters gain, the rival's do not),
// within budget, the same bytes whatever the thread count.
#include "leadsim/placement.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "leadsim/random.hpp"
#include "support.hpp"

namespace {

using leadsim::allocate_budget;
using leadsim::isotonic_increasing;

TEST(Placement, IsotonicRegressionPoolsViolators) {
  const std::vector<double> one(4, 1.0);
  EXPECT_EQ(isotonic_increasing({1, 3, 2, 4}, one), (std::vector<double>{1, 2.5, 2.5, 4}));
  EXPECT_EQ(isotonic_increasing({1, 2, 3, 4}, one), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(isotonic_increasing({4, 3, 2, 1}, one), (std::vector<double>(4, 2.5)));
  // Weights: the pooled value is the weighted mean (3 * 1 + 1 * 5) / 4 = 2.
  EXPECT_EQ(isotonic_increasing({0, 5, 1}, {1, 1, 3}), (std::vector<double>{0, 2, 2}));
  // A later violation reaching back over an earlier pool: 3, 1 pool to 2, then 0 pools all.
  EXPECT_EQ(isotonic_increasing({3, 1, 0}, {1, 1, 1}), (std::vector<double>(3, 4.0 / 3)));
}

// The best allocation by trying every one (options per item multiply).
double brute_force(const std::vector<std::vector<std::int64_t>>& cost,
                   const std::vector<std::vector<double>>& gain, std::int64_t budget) {
  double best = 0;
  std::vector<int> pick(cost.size(), 0);
  std::function<void(size_t, std::int64_t, double)> go = [&](size_t c, std::int64_t left, double g) {
    if (c == cost.size()) {
      best = std::max(best, g);
      return;
    }
    for (size_t l = 0; l < cost[c].size(); ++l)
      if (cost[c][l] <= left) go(c + 1, left - cost[c][l], g + gain[c][l]);
  };
  go(0, budget, 0);
  return best;
}

TEST(Placement, AllocationIsExactAgainstBruteForce) {
  std::uint64_t state = 7;
  auto uniform = [&] { return leadsim::to_unit(leadsim::mix64(++state)); };
  for (int trial = 0; trial < 300; ++trial) {
    const int items = 2 + int(uniform() * 4), options = 2 + int(uniform() * 4);
    std::vector<std::vector<std::int64_t>> cost(static_cast<size_t>(items));
    std::vector<std::vector<double>> gain(static_cast<size_t>(items));
    for (int c = 0; c < items; ++c) {
      cost[size_t(c)].push_back(0);
      gain[size_t(c)].push_back(0);
      for (int l = 1; l < options; ++l) {
        cost[size_t(c)].push_back(cost[size_t(c)].back() + 1 + std::int64_t(uniform() * 30));
        gain[size_t(c)].push_back(gain[size_t(c)].back() + uniform() * uniform());  // S-shapes too
      }
    }
    const std::int64_t budget = 1 + std::int64_t(uniform() * 120);
    const std::vector<int> pick = allocate_budget(cost, gain, budget);
    double g = 0;
    std::int64_t spent = 0;
    for (int c = 0; c < items; ++c) {
      g += gain[size_t(c)][size_t(pick[size_t(c)])];
      spent += cost[size_t(c)][size_t(pick[size_t(c)])];
    }
    EXPECT_LE(spent, budget) << "trial " << trial;
    EXPECT_NEAR(g, brute_force(cost, gain, budget), 1e-9) << "trial " << trial;
  }
}

TEST(Placement, AllocationBeatsGreedyWhereARoomMustTip) {
  // Worked by hand. CLP A tips only with 100 joiners (P 0 -> 0.9); CLP B and C each gain 0.3 for
  // 50 joiners and nothing more. A greedy allocation by marginal gain per joiner takes B and C
  // first (0.006 per joiner against A's 0.0045 at 50) and, with 100 spent, has 0.6; the best is A
  // alone: 0.9.
  const std::vector<std::vector<std::int64_t>> cost{{0, 50, 100}, {0, 50}, {0, 50}};
  const std::vector<std::vector<double>> gain{{0, 0.0, 0.9}, {0, 0.3}, {0, 0.3}};
  EXPECT_EQ(allocate_budget(cost, gain, 100), (std::vector<int>{2, 0, 0}));
  EXPECT_EQ(allocate_budget(cost, gain, 150), (std::vector<int>{2, 1, 0}));  // then one of B, C
  EXPECT_EQ(allocate_budget(cost, gain, 49), (std::vector<int>{0, 0, 0}));
}

TEST(Placement, LargeBudgetsNeverOverspend) {
  // Above 20,000 the budget is counted in coarser units with costs rounded up.
  std::vector<std::vector<std::int64_t>> cost;
  std::vector<std::vector<double>> gain;
  for (int c = 0; c < 40; ++c) {
    cost.push_back({0, 1001 + c, 2003 + 2 * c});
    gain.push_back({0, 0.4, 0.5});
  }
  const std::int64_t budget = 50'000;
  const std::vector<int> pick = allocate_budget(cost, gain, budget);
  std::int64_t spent = 0;
  int chosen = 0;
  for (size_t c = 0; c < cost.size(); ++c) {
    spent += cost[c][size_t(pick[c])];
    chosen += pick[c] > 0;
  }
  EXPECT_LE(spent, budget);
  EXPECT_GE(chosen, 40);  // 40 CLPs at about 1,000 each fit: every one gets joiners
}

leadsim::PlacementSpec toy_spec(const std::string& faction) {
  leadsim::PlacementSpec spec;
  spec.wave = "new";
  spec.candidate = "right";
  spec.budget = 300;
  spec.step = 20;
  spec.max_per_clp = 100;
  spec.runs = 60;
  spec.seed = 3;
  // New members made eligible for the meetings (joined before the freeze) and keen.
  spec.set = {"waves.new.factions={ " + faction + " = 1.0 }", "waves.new.joined_to=2020-01-20",
              "waves.new.activism=3"};
  return spec;
}

TEST(Placement, OnTheToy) {
  const auto base = leadsim::test::toy();
  const leadsim::PlacementSpec spec = toy_spec("moderate");
  EXPECT_NO_THROW(leadsim::check_placement_spec(spec, base));
  const leadsim::PlacementResult r = leadsim::place_joiners(base, spec, 2);
  ASSERT_EQ(r.curves.size(), base.clps.size());
  EXPECT_EQ(r.levels, (std::vector<std::int64_t>{0, 20, 40, 60, 80, 100}));
  for (size_t l = 0; l < r.levels.size(); ++l) {
    std::int64_t placed = 0;  // each level puts k in every CLP on average: k * CLPs in all
    for (const auto& c : r.curves) placed += c.joiners[l];
    EXPECT_EQ(placed, r.levels[l] * std::int64_t(base.clps.size()));
  }
  for (const auto& c : r.curves)
    for (size_t l = 1; l < c.p.size(); ++l) {
      EXPECT_GE(c.p[l], c.p[l - 1]);               // isotonic
      EXPECT_GE(c.joiners[l], c.joiners[l - 1]);  // levels nest: more joiners, never fewer
    }
  EXPECT_LE(r.spent, spec.budget);
  EXPECT_GT(r.spent, spec.budget / 2);
  EXPECT_FALSE(r.chosen.empty());
  // The moderates are the right candidate's: placing them wins nominations, measured on runs
  // that took no part in the choice, by many standard errors.
  EXPECT_GT(r.held_out_gain, 5 * r.held_out_se) << r.held_out_gain << " +- " << r.held_out_se;
  EXPECT_GT(r.held_out_gain, 0.5);
  // The choice flatters itself on its own runs (the winner's curse): the fitted gain is at least
  // the held-out one, give or take its noise.
  EXPECT_GT(r.fitted_gain, r.held_out_gain - 3 * r.held_out_se);
  // The same bytes on one thread.
  const leadsim::PlacementResult one = leadsim::place_joiners(base, spec, 1);
  EXPECT_EQ(leadsim::placement_curves_csv(base, one), leadsim::placement_curves_csv(base, r));
  EXPECT_EQ(leadsim::placement_csv(base, one), leadsim::placement_csv(base, r));
}

TEST(Placement, TheRivalsSupportersGainNothing) {
  // Radicals placed for the right candidate: their votes go to the left one, so wherever the
  // allocation puts them the held-out gain is not positive beyond noise.
  const auto base = leadsim::test::toy();
  const leadsim::PlacementResult r = leadsim::place_joiners(base, toy_spec("radical"), 2);
  EXPECT_LT(r.held_out_gain, 3 * r.held_out_se + 0.05) << r.held_out_gain << " +- " << r.held_out_se;
  const leadsim::PlacementResult own = leadsim::place_joiners(base, toy_spec("moderate"), 2);
  EXPECT_GT(own.held_out_gain, r.held_out_gain + 0.5);
}

TEST(Placement, SpecProblemsAreLocated) {
  leadsim::test::TempDir dir;
  const std::string path = (dir / "placement.toml").string();
  std::ofstream(path) << R"([placement]
wave = "nwe"
candidate = "rihgt"
budget = 100
clps = ["CLP 1", "Nowhere"]
)";
  EXPECT_TRUE(leadsim::is_placement_spec(path));
  const leadsim::PlacementSpec spec = leadsim::load_placement_spec(path);
  try {
    leadsim::check_placement_spec(spec, leadsim::test::toy());
    FAIL() << "should be refused";
  } catch (const leadsim::InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 3u);
    EXPECT_NE(e.diagnostics()[0].message.find("did you mean 'new'"), std::string::npos)
        << e.diagnostics()[0].message;
    EXPECT_EQ(e.diagnostics()[0].line, 2);
    EXPECT_NE(e.diagnostics()[1].message.find("did you mean 'right'"), std::string::npos);
    EXPECT_NE(e.diagnostics()[2].message.find("no CLP named 'Nowhere'"), std::string::npos);
    EXPECT_EQ(e.diagnostics()[2].line, 5);
  }
  // A wave none of whose people may attend a meeting is refused, saying why.
  try {  // the toy's meeting freeze is 2020-01-31
    leadsim::check_placement_spec(toy_spec("moderate"), leadsim::test::toy({"waves.new.joined_from=2020-02-01"}));
    FAIL() << "should be refused";
  } catch (const leadsim::InputError& e) {
    EXPECT_NE(e.diagnostics()[0].message.find("after the meeting freeze"), std::string::npos)
        << e.diagnostics()[0].message;
  }
  std::ofstream(path) << "[placement]\nwave = \"new\"\ncandidate = \"right\"\nbudget = -5\nstep = 10\nmax_per_clp = 5\n";
  try {
    leadsim::load_placement_spec(path);
    FAIL() << "should be refused";
  } catch (const leadsim::InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u);
    EXPECT_EQ(e.diagnostics()[0].line, 4);  // the budget
    EXPECT_NE(e.diagnostics()[1].message.find("max_per_clp should be at least"), std::string::npos);
  }
  std::ofstream(path) << "[target]\nparameter = \"x\"\n";
  EXPECT_FALSE(leadsim::is_placement_spec(path));
}

TEST(Placement, ShippedSpecIsValid) {
  const leadsim::PlacementSpec spec =
      leadsim::load_placement_spec(leadsim::test::scenario_path("targets/placement-smith.toml"));
  std::vector<std::string> set = spec.set;
  const auto base = leadsim::load_scenario(leadsim::test::scenario_path("labour-2016-entryism.toml"), set);
  EXPECT_NO_THROW(leadsim::check_placement_spec(spec, base));
}

// The command: a placement spec given to `leadsim target` writes its three files; a bad one is
// located, exit 2, and nothing is written.
TEST(Placement, TheCommand) {
  leadsim::test::TempDir dir;
  const std::string spec = (dir / "place.toml").string(), out = (dir / "out").string();
  std::ofstream(spec) << R"([placement]
wave = "new"
candidate = "right"
budget = 200
step = 25
max_per_clp = 50
runs = 20
set = ["waves.new.factions={ moderate = 1.0 }", "waves.new.joined_to=2020-01-20"]
)";
  const std::string bin = LEADSIM_BINARY, toy = leadsim::test::scenario_path("toy.toml");
  const std::string log = (dir / "log.txt").string();
  auto run = [&](const std::string& args) {
    const int status = std::system((bin + " target " + toy + " " + args + " > " + log + " 2>&1").c_str());
    return WEXITSTATUS(status);
  };
  ASSERT_EQ(run("--spec " + spec + " --out " + out + " -q"), 0) << leadsim::test::read_file(log);
  const std::string report = leadsim::test::read_file(log);
  EXPECT_NE(report.find("held-out runs"), std::string::npos) << report;
  for (const char* f : {"placement.json", "placement.csv", "curves.csv"})
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / f)) << f;
  EXPECT_NE(leadsim::test::read_file(out + "/curves.csv").find("clp,level,joiners,runs,wins"), std::string::npos);

  std::ofstream(spec) << "[placement]\nwave = \"new\"\ncandidate = \"nobody\"\nbudget = 10\n";
  const std::string out2 = (dir / "out2").string();
  EXPECT_EQ(run("--spec " + spec + " --out " + out2), 2);
  const std::string err = leadsim::test::read_file(log);
  EXPECT_NE(err.find("place.toml:3"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown candidate 'nobody'"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(out2));
}

}  // namespace
