// Tests for preferences.hpp: per-run faction probabilities (CLP leans), faction assignment,
// utilities (scalar, vectorised and from a position), national swings and shifts.
// Statistical checks use fixed seeds and about 4 standard errors, computed in each test.
#include "leadsim/preferences.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "leadsim/contest.hpp"
#include "leadsim/population.hpp"
#include "leadsim/scenario.hpp"
#include "support.hpp"

namespace {

using leadsim::kBlock;
using leadsim::Population;
using leadsim::run_key;
using leadsim::RunPreferences;
using leadsim::Scenario;
using leadsim::synthesise;

using leadsim::test::toy;

double logit(double p) { return std::log(p / (1 - p)); }

// Log-odds of radical (faction 0) over moderate (faction 1) for wave w in CLP c, less the
// wave's national log-odds: this run's lean eta_radical - eta_moderate of the CLP.
double lean(const Scenario& s, const RunPreferences& r, int c, int w) {
  const auto& mix = s.waves[size_t(w)].faction_mix;
  return logit(r.faction_probability(c, w, 0)) - std::log(mix[0] / mix[1]);
}

// Sample variance of a vector.
double variance(const std::vector<double>& x) {
  double m = 0;
  for (double v : x) m += v;
  m /= double(x.size());
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return ss / double(x.size() - 1);
}

TEST(FactionProbability, SumsToOneForEveryClpAndWave) {
  const Scenario s = toy();
  for (std::uint64_t run = 0; run < 5; ++run) {
    const RunPreferences r(s, run_key(1, run));
    ASSERT_EQ(r.factions(), 2);
    for (int c = 0; c < int(s.clps.size()); ++c)
      for (int w = 0; w < int(s.waves.size()); ++w) {
        double total = 0;
        for (int f = 0; f < r.factions(); ++f) {
          const double p = r.faction_probability(c, w, f);
          EXPECT_GE(p, 0.0);
          total += p;
        }
        EXPECT_NEAR(total, 1.0, 1e-6) << "CLP " << c << " wave " << w;
        EXPECT_EQ(r.faction_row(c, w)[r.factions() - 1], 1.0f);  // the cdf ends at 1
      }
  }
}

TEST(FactionProbability, SumsToOneWithThreeFactions) {
  // A third faction exercises the middle of the cumulative row.
  const Scenario s = toy({"factions.centrist={ centre = [0.0, 0.5] }",
                          "waves.old.factions={radical = 0.3, moderate = 0.5, centrist = 0.2}",
                          "waves.new.factions={radical = 0.6, moderate = 0.2, centrist = 0.2}",
                          "waves.supporters.factions={radical = 0.4, moderate = 0.4, centrist = 0.2}",
                          "waves.unions.factions={radical = 0.3, moderate = 0.3, centrist = 0.4}"});
  const RunPreferences r(s, run_key(2, 0));
  ASSERT_EQ(r.factions(), 3);
  for (int c = 0; c < int(s.clps.size()); ++c)
    for (int w = 0; w < int(s.waves.size()); ++w) {
      double total = 0;
      for (int f = 0; f < 3; ++f) total += r.faction_probability(c, w, f);
      EXPECT_NEAR(total, 1.0, 1e-6);
    }
}

TEST(FactionProbability, EqualsTheWaveMixWithoutDispersionOrEffects) {
  const Scenario s = toy({"population.dispersion=0"});
  for (std::uint64_t run = 0; run < 3; ++run) {
    const RunPreferences r(s, run_key(3, run));
    for (int c = 0; c < int(s.clps.size()); ++c)
      for (int w = 0; w < int(s.waves.size()); ++w)
        for (int f = 0; f < r.factions(); ++f)
          EXPECT_NEAR(r.faction_probability(c, w, f), s.waves[size_t(w)].faction_mix[size_t(f)], 1e-6)
              << "CLP " << c << " wave " << w << " faction " << f;
  }
}

TEST(FactionProbability, CovariateEffectShiftsLogOddsByEffectTimesCovariate) {
  Scenario s = toy({"population.dispersion=0", "factions.radical.covariate_effect=0.7",
                    "factions.moderate.covariate_effect=-0.2"});
  for (size_t c = 0; c < s.clps.size(); ++c) s.clps[c].covariate = double(c) / 5 - 2;
  const RunPreferences r(s, run_key(4, 0));
  for (int c = 0; c < int(s.clps.size()); ++c)
    for (int w = 0; w < int(s.waves.size()); ++w)
      EXPECT_NEAR(lean(s, r, c, w), (0.7 - -0.2) * s.clps[size_t(c)].covariate, 1e-4)
          << "CLP " << c << " wave " << w;
}

TEST(FactionProbability, RegionLeanShiftsLogOdds) {
  const Scenario s = toy({"population.dispersion=0", "factions.radical.region_lean={All = 0.5}"});
  const RunPreferences r(s, run_key(4, 1));
  for (int c = 0; c < int(s.clps.size()); ++c)
    for (int w = 0; w < int(s.waves.size()); ++w) EXPECT_NEAR(lean(s, r, c, w), 0.5, 1e-4);
}

TEST(FactionProbability, ClpLeanIsSharedByEveryWaveOfTheClp) {
  // eta[c][f] is drawn per CLP and faction, not per wave: each wave's log-odds less its national
  // log-odds is the same.
  const Scenario s = toy();
  const RunPreferences r(s, run_key(5, 0));
  for (int c = 0; c < int(s.clps.size()); ++c) {
    const double l0 = lean(s, r, c, 0);
    for (int w = 1; w < int(s.waves.size()); ++w) EXPECT_NEAR(lean(s, r, c, w), l0, 2e-4);
  }
}

// Within-run (across CLPs) and within-CLP (across runs) pooled variances of the lean.
struct LeanVariance {
  double across_clps = 0, across_runs = 0;
  double df_clps = 0, df_runs = 0;
};
LeanVariance lean_variance(const Scenario& s, int runs) {
  const int clps = int(s.clps.size());
  std::vector<std::vector<double>> l(static_cast<size_t>(runs), std::vector<double>(static_cast<size_t>(clps)));
  for (int run = 0; run < runs; ++run) {
    const RunPreferences r(s, run_key(6, std::uint64_t(run)));
    for (int c = 0; c < clps; ++c) l[size_t(run)][size_t(c)] = lean(s, r, c, 0);
  }
  LeanVariance v;
  for (int run = 0; run < runs; ++run) v.across_clps += variance(l[size_t(run)]);
  v.across_clps /= runs;
  for (int c = 0; c < clps; ++c) {
    std::vector<double> x;
    for (int run = 0; run < runs; ++run) x.push_back(l[size_t(run)][size_t(c)]);
    v.across_runs += variance(x);
  }
  v.across_runs /= clps;
  v.df_clps = double(runs) * (clps - 1);
  v.df_runs = double(clps) * (runs - 1);
  return v;
}

TEST(FactionProbability, DispersionVariesLeansAcrossClpsAndRuns) {
  // The lean is eta_radical - eta_moderate, a difference of two N(0, d^2): variance 2 d^2.
  // A pooled variance estimate with df degrees of freedom has SE 2 d^2 sqrt(2/df).
  const double d = 0.4;
  const Scenario s = toy({"population.dispersion=0.4"});
  const LeanVariance v = lean_variance(s, 200);
  const double sigma2 = 2 * d * d;
  EXPECT_NEAR(v.across_clps, sigma2, 4 * sigma2 * std::sqrt(2 / v.df_clps));
  EXPECT_NEAR(v.across_runs, sigma2, 4 * sigma2 * std::sqrt(2 / v.df_runs));
}

TEST(FactionProbability, MoreDispersionMeansMoreVariation) {
  const LeanVariance lo = lean_variance(toy({"population.dispersion=0.2"}), 100);
  const LeanVariance hi = lean_variance(toy({"population.dispersion=0.8"}), 100);
  // Expected 2*0.04 = 0.08 against 2*0.64 = 1.28; the SE of each is below 10% of its value.
  EXPECT_GT(hi.across_clps, lo.across_clps + 4 * (0.08 + 1.28) * std::sqrt(2 / lo.df_clps));
  EXPECT_GT(hi.across_runs, lo.across_runs + 4 * (0.08 + 1.28) * std::sqrt(2 / lo.df_runs));
}

TEST(FactionProbability, DifferentRunsDrawDifferentLeansAndTheSameRunTheSame) {
  const Scenario s = toy();
  const RunPreferences a(s, run_key(7, 0)), b(s, run_key(7, 0)), c(s, run_key(7, 1));
  int differ = 0;
  for (int clp = 0; clp < int(s.clps.size()); ++clp) {
    EXPECT_EQ(a.faction_probability(clp, 0, 0), b.faction_probability(clp, 0, 0));
    differ += a.faction_probability(clp, 0, 0) != c.faction_probability(clp, 0, 0);
  }
  EXPECT_EQ(differ, int(s.clps.size()));
}

// With delegates who lean, and poll and cohort errors: every path must read the delegates' rows
// and the waves' shocks alike.
struct ToyRunScenario {
  static Scenario make() {
    return toy({"candidates.left.valence=0.2", "factions.moderate.delegate_lean=1",
                "campaign.poll_error.member=0.1", "campaign.poll_error.registered=0.2",
                "campaign.cohort_error=0.05"});
  }
};
using ToyRun = leadsim::test::SharedPopulation<ToyRunScenario>;

TEST_F(ToyRun, EmpiricalFactionSharesMatchTheProbabilities) {
  for (std::uint64_t run = 0; run < 3; ++run) {
    const RunPreferences r(s(), run_key(8, run));
    for (int w = 0; w < int(s().waves.size()); ++w) {
      // Each person is Bernoulli(p_i) for radical; the count has variance sum p_i (1 - p_i).
      double n = 0, radical = 0, expected = 0, var = 0;
      for (size_t i = 0; i < pop().size(); ++i) {
        if (pop().wave[i] != w) continue;
        const double p = r.faction_probability(pop().clp[i], w, 0, pop().traits[i] & leadsim::kDelegate);
        n += 1;
        expected += p;
        var += p * (1 - p);
        radical += r.faction(pop(), i) == 0;
      }
      ASSERT_GT(n, 0) << "wave " << w << " has nobody";
      EXPECT_NEAR(radical, expected, 4 * std::sqrt(var)) << "run " << run << " wave " << w;
    }
  }
}

TEST_F(ToyRun, FactionIsTheRowLookupOfThePersonsFactionDraw) {
  const RunPreferences r(s(), run_key(9, 0));
  for (size_t i = 0; i < pop().size(); i += 7) {
    const float u = leadsim::PersonDraws::draw(r.draws().faction, pop().uid[i]);
    const float* row = (pop().traits[i] & leadsim::kDelegate) ? r.delegate_row(pop().clp[i], pop().wave[i])
                                                      : r.faction_row(pop().clp[i], pop().wave[i]);
    ASSERT_EQ(r.faction(pop(), i), u < row[0] ? 0 : 1) << "row " << i;
  }
}

// Calls f(first, n, clp, wave) for each block of up to kBlock people of one wave in one CLP.
template <typename F>
void for_each_block(const Scenario& s, const Population& pop, F f) {
  for (int c = 0; c < int(s.clps.size()); ++c) {
    std::size_t i = pop.clp_begin[size_t(c)];
    const std::size_t end = pop.clp_begin[size_t(c) + 1];
    while (i < end) {
      std::size_t j = i;
      while (j < end && j - i < std::size_t(kBlock) && pop.wave[j] == pop.wave[i]) ++j;
      f(i, int(j - i), c, int(pop.wave[i]));
      i = j;
    }
  }
}

TEST_F(ToyRun, BlockFactionsAndUtilitiesAreBitIdenticalToScalar) {
  for (std::uint64_t run = 0; run < 2; ++run) {
    RunPreferences r(s(), run_key(10, run));
    if (run == 1) r.add_national_shift({0.05f, -0.03f});  // also after a shift
    const int k = r.candidates();
    std::size_t checked = 0;
    for_each_block(s(), pop(), [&](std::size_t first, int n, int clp, int wave) {
      alignas(32) std::int32_t faction[kBlock];
      alignas(32) float block[kBlock];
      r.block_factions(pop(), first, n, clp, wave, faction);
      for (int j = 0; j < n; ++j) ASSERT_EQ(faction[j], r.faction(pop(), first + size_t(j)));
      for (int c = 0; c < k; ++c) {
        r.block_utility(pop(), first, n, faction, c, block);
        for (int j = 0; j < n; ++j) {
          float u[leadsim::kMaxCandidates];
          r.utilities(pop(), first + size_t(j), faction[j], u);
          ASSERT_EQ(block[j], u[c]) << "row " << first + size_t(j) << " candidate " << c;
        }
      }
      checked += size_t(n);
    });
    EXPECT_EQ(checked, pop().size());
  }
}

TEST_F(ToyRun, UtilitiesAgreeWithUtilitiesAtPosition) {
  const RunPreferences r(s(), run_key(11, 0));
  const int k = r.candidates();
  for (size_t i = 0; i < pop().size(); ++i) {
    for (int f = 0; f < r.factions(); ++f) {
      float pos[leadsim::kMaxDims], a[leadsim::kMaxCandidates], b[leadsim::kMaxCandidates];
      r.position(pop(), i, f, pos);
      r.utilities(pop(), i, f, a);
      r.utilities_at(pop(), i, pos, b);
      // utilities() reads pull stored to the nearest step (population.hpp), utilities_at() works
      // from the exact position: they differ by up to half a step of pull times the spread.
      auto slack = [&](int c) { return 0.5 * r.spread(f) * pop().pull_step[size_t(c)]; };
      for (int c = 1; c < k; ++c)
        ASSERT_NEAR(a[c] - a[0], b[c] - b[0], 1e-4 + slack(c) + slack(0))
            << "row " << i << " faction " << f;
      // The header promises more: equal up to rounding, with the same per-person constant.
      for (int c = 0; c < k; ++c)
        ASSERT_NEAR(a[c], b[c], 1e-4 + slack(c)) << "row " << i << " faction " << f;
    }
  }
}

TEST_F(ToyRun, UtilityDifferencesFollowTheSpatialModel) {
  // u_ic = valence_c + swing_c - salience |x_i - x_c|^2 + taste_sd taste_ic, computed from the
  // scenario in double; differences between candidates remove the dropped -salience |x_i|^2.
  const RunPreferences r(s(), run_key(12, 0));
  const auto& camp = s().campaign;
  for (size_t i = 0; i < pop().size(); i += 3) {
    const int f = r.faction(pop(), i);
    const auto& fa = s().factions[size_t(f)];
    double full[2];
    for (int c = 0; c < 2; ++c) {
      const auto& cand = s().candidates[size_t(c)];
      double dist2 = 0;
      for (int d = 0; d < s().dims; ++d) {
        const double x = fa.centre[d] + fa.spread * pop().offset_row(d)[i];
        dist2 += (x - cand.position[d]) * (x - cand.position[d]);
      }
      full[c] = cand.valence + r.swing(c) - camp.salience * dist2 + camp.taste_sd * pop().taste_of(c, i);
    }
    float u[leadsim::kMaxCandidates];
    r.utilities(pop(), i, f, u);
    // Pull is stored to the nearest step (population.hpp).
    const double slack = 0.5 * fa.spread * (pop().pull_step[0] + pop().pull_step[1]);
    ASSERT_NEAR(u[1] - u[0], full[1] - full[0], 1e-4 + slack) << "row " << i;
  }
}

TEST_F(ToyRun, PositionIsCentrePlusSpreadTimesOffset) {
  const RunPreferences r(s(), run_key(13, 0));
  for (size_t i = 0; i < pop().size(); i += 11)
    for (int f = 0; f < r.factions(); ++f) {
      float pos[leadsim::kMaxDims];
      r.position(pop(), i, f, pos);
      const auto& fa = s().factions[size_t(f)];
      for (int d = 0; d < s().dims; ++d)
        ASSERT_NEAR(pos[d], fa.centre[d] + fa.spread * pop().offset_row(d)[i], 1e-6);
    }
}

TEST_F(ToyRun, AddNationalShiftRaisesEachCandidateByItsShift) {
  RunPreferences r(s(), run_key(14, 0));
  const RunPreferences before = r;
  const std::vector<float> shift = {0.125f, -0.3f};
  r.add_national_shift(shift);
  for (size_t i = 0; i < pop().size(); i += 5) {
    const int f = r.faction(pop(), i);
    float a[leadsim::kMaxCandidates], b[leadsim::kMaxCandidates], pos[leadsim::kMaxDims];
    before.utilities(pop(), i, f, a);
    r.utilities(pop(), i, f, b);
    for (int c = 0; c < 2; ++c) ASSERT_NEAR(b[c] - a[c], shift[size_t(c)], 1e-5) << "row " << i;
    r.position(pop(), i, f, pos);
    before.utilities_at(pop(), i, pos, a);
    r.utilities_at(pop(), i, pos, b);
    for (int c = 0; c < 2; ++c) ASSERT_NEAR(b[c] - a[c], shift[size_t(c)], 1e-5) << "row " << i;
  }
  EXPECT_EQ(r.swing(0), before.swing(0));  // the shift is not a swing
}

TEST(Swing, HasSdSwingSdAcrossRunsAndMeanZero) {
  const Scenario s = toy({"campaign.swing_sd=0.2"});
  const int runs = 4000;
  for (int c = 0; c < 2; ++c) {
    std::vector<double> x;
    for (int run = 0; run < runs; ++run) x.push_back(RunPreferences(s, run_key(15, std::uint64_t(run))).swing(c));
    double m = 0;
    for (double v : x) m += v;
    m /= runs;
    const double sd = std::sqrt(variance(x));
    // SE of the mean sigma/sqrt(n); SE of a normal sample sd about sigma/sqrt(2(n-1)).
    EXPECT_NEAR(m, 0.0, 4 * 0.2 / std::sqrt(double(runs))) << "candidate " << c;
    EXPECT_NEAR(sd, 0.2, 4 * 0.2 / std::sqrt(2.0 * (runs - 1))) << "candidate " << c;
  }
}

TEST(Swing, CandidatesSwingIndependently) {
  const Scenario s = toy();
  const int runs = 4000;
  std::vector<double> a, b;
  for (int run = 0; run < runs; ++run) {
    const RunPreferences r(s, run_key(16, std::uint64_t(run)));
    a.push_back(r.swing(0));
    b.push_back(r.swing(1));
  }
  double ma = 0, mb = 0, cov = 0;
  for (int i = 0; i < runs; ++i) {
    ma += a[size_t(i)];
    mb += b[size_t(i)];
  }
  ma /= runs;
  mb /= runs;
  for (int i = 0; i < runs; ++i) cov += (a[size_t(i)] - ma) * (b[size_t(i)] - mb);
  const double corr = cov / (runs - 1) / std::sqrt(variance(a) * variance(b));
  EXPECT_LT(std::abs(corr), 4 / std::sqrt(double(runs)));  // SE of a null correlation 1/sqrt(n)
}

TEST(Swing, ZeroSwingSdGivesNoSwing) {
  const Scenario s = toy({"campaign.swing_sd=0"});
  for (std::uint64_t run = 0; run < 10; ++run) {
    const RunPreferences r(s, run_key(17, run));
    EXPECT_EQ(r.swing(0), 0.0f);
    EXPECT_EQ(r.swing(1), 0.0f);
  }
}

TEST(FirstChoice, SincereVotersPickTheHighestUtilityAmongThoseStanding) {
  const Scenario s = toy();
  const std::array<float, 2> u = {0.1f, 0.4f};
  EXPECT_EQ(leadsim::first_choice(s, u, {true, true}, false), 1);
  EXPECT_EQ(leadsim::first_choice(s, u, {true, false}, false), 0);
  EXPECT_EQ(leadsim::first_choice(s, u, {false, false}, false), -1);
}

TEST(FirstChoice, HostileVotersPickTheLeastElectable) {
  // Toy electability: left 0.3, right 0.7; hostile voters ignore their utilities.
  const Scenario s = toy();
  const std::array<float, 2> u = {0.1f, 0.4f};
  EXPECT_EQ(leadsim::first_choice(s, u, {true, true}, true), 0);
  EXPECT_EQ(leadsim::first_choice(s, u, {false, true}, true), 1);
}

TEST(PollError, ShockedMixesMoveTheFactionProbabilities) {
  // A shock of +x on a faction's log-odds weight in a wave moves P(faction) in every CLP of it
  // the same way: with the radicals' shock positive, their probability is above the run without.
  const Scenario plain = toy(), erring = toy({"campaign.poll_error.member=0.5"});
  int up = 0, checked = 0;
  for (int run = 0; run < 40; ++run) {
    const RunPreferences a(plain, run_key(23, std::uint64_t(run))), b(erring, run_key(23, std::uint64_t(run)));
    const double shock = b.mix_shock(0, 0) - b.mix_shock(0, 1);  // radical over moderate, old members
    for (int c = 0; c < int(plain.clps.size()); ++c) {
      const double pa = a.faction_probability(c, 0, 0), pb = b.faction_probability(c, 0, 0);
      ++checked;
      up += (shock > 0) == (pb > pa);
    }
  }
  EXPECT_EQ(up, checked);
}

TEST(PollError, EachWavesShockHasTheSectionsAndTheCohortsVariance) {
  // Over many runs the shock of a member wave on a faction has variance poll_error.member^2 +
  // cohort_error^2, mean 0; waves of one section share the section's part (their covariance is
  // poll_error^2), waves of different sections share nothing.
  const Scenario s = toy({"campaign.poll_error.member=0.3", "campaign.poll_error.registered=0.5",
                          "campaign.cohort_error=0.2"});
  const int old_w = 0, new_w = 1, reg = 2;
  ASSERT_EQ(s.waves[size_t(reg)].section, leadsim::Section::registered);
  const int n = 4000;
  double sum = 0, var_old = 0, var_reg = 0, cov_members = 0, cov_sections = 0;
  for (int run = 0; run < n; ++run) {
    const RunPreferences r(s, run_key(21, std::uint64_t(run)));
    const double a = r.mix_shock(old_w, 0), b = r.mix_shock(new_w, 0), c = r.mix_shock(reg, 0);
    sum += a;
    var_old += a * a;
    var_reg += c * c;
    cov_members += a * b;
    cov_sections += a * c;
  }
  // Sampling sd of a variance estimate is about var * sqrt(2 / n): 2.2% of it here; 5 sd.
  const double tol = 5 * std::sqrt(2.0 / n);
  EXPECT_NEAR(sum / n, 0, 5 * std::sqrt(0.13 / n));
  EXPECT_NEAR(var_old / n / 0.13, 1, tol);          // 0.3^2 + 0.2^2
  EXPECT_NEAR(var_reg / n / 0.29, 1, tol);          // 0.5^2 + 0.2^2
  EXPECT_NEAR(cov_members / n, 0.09, 5 * 0.13 / std::sqrt(n));  // the section's 0.3^2
  EXPECT_NEAR(cov_sections / n, 0, 5 * std::sqrt(0.13 * 0.29 / n));
}

TEST(PollError, NoneWhenItsSdsAreZero) {
  const Scenario s = toy();
  const RunPreferences r(s, run_key(22, 0));
  for (int w = 0; w < int(s.waves.size()); ++w)
    for (int f = 0; f < r.factions(); ++f) EXPECT_EQ(r.mix_shock(w, f), 0.0);
}

}  // namespace
