// Tests for population.hpp: synthesise() on the toy scenario (24,000 people, 20 CLPs, waves
// old/new/supporters/unions). Structural properties are checked exactly; drawn traits against
// the scenario's probabilities within about 4 standard errors, computed in each test.
#include "leadsim/population.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "leadsim/scenario.hpp"
#include "support.hpp"

namespace {

using leadsim::Day;
using leadsim::Population;
using leadsim::Scenario;
using leadsim::Section;
using leadsim::synthesise;

using leadsim::test::toy;

int wave_index(const Scenario& s, const std::string& id) {
  for (size_t w = 0; w < s.waves.size(); ++w)
    if (s.waves[w].id == id) return int(w);
  ADD_FAILURE() << "no wave " << id;
  return -1;
}

// People of wave w per CLP.
std::vector<double> wave_counts_by_clp(const Population& pop, size_t clps, int w) {
  std::vector<double> n(clps, 0.0);
  for (size_t i = 0; i < pop.size(); ++i)
    if (pop.wave[i] == w) n[pop.clp[i]] += 1;
  return n;
}

// Checks each CLP's count of a wave of size n against n*p[c], with binomial SE sqrt(n p (1-p)).
void expect_counts_near(const std::vector<double>& count, const std::vector<double>& p, double n) {
  for (size_t c = 0; c < count.size(); ++c) {
    const double se = std::sqrt(n * p[c] * (1 - p[c]));
    EXPECT_NEAR(count[c], n * p[c], 4 * se + 1e-9) << "CLP " << c;
  }
}

std::vector<double> weight_shares(const Scenario& s) {
  double total = 0;
  for (const auto& c : s.clps) total += c.weight;
  std::vector<double> p;
  for (const auto& c : s.clps) p.push_back(c.weight / total);
  return p;
}

// SE of a sample sd from n gamma(shape k) draws with sd sigma: Var(s^2) ~ sigma^4 (2 + 6/k)/n
// (excess kurtosis 6/k), and SE(s) ~ SE(s^2) / (2 sigma).
double gamma_sd_se(double sigma, double k, double n) { return sigma / 2 * std::sqrt((2 + 6 / k) / n); }

// Shared default population (seed 1) for the read-only tests.
struct ToyPopulationScenario {
  static Scenario make() { return toy(); }
};
using ToyPopulation = leadsim::test::SharedPopulation<ToyPopulationScenario>;

TEST_F(ToyPopulation, SizeIsTheSumOfWaveSizes) {
  std::int64_t total = 0;
  for (const auto& w : s().waves) total += w.size;
  EXPECT_EQ(total, 24000);
  EXPECT_EQ(std::int64_t(pop().size()), total);
  EXPECT_EQ(std::int64_t(pop().size()), s().agents());
  for (size_t w = 0; w < s().waves.size(); ++w)
    EXPECT_EQ(std::count(pop().wave.begin(), pop().wave.end(), std::uint8_t(w)),
              s().waves[w].size)
        << s().waves[w].id;
}

TEST_F(ToyPopulation, EveryArrayHasOneEntryPerPerson) {
  const size_t n = pop().size();
  EXPECT_EQ(pop().clp.size(), n);
  EXPECT_EQ(pop().wave.size(), n);
  EXPECT_EQ(pop().section.size(), n);
  EXPECT_EQ(pop().traits.size(), n);
  EXPECT_EQ(pop().affiliate.size(), n);
  EXPECT_EQ(pop().joined.size(), n);
  EXPECT_EQ(pop().activism.size(), n);
  EXPECT_EQ(pop().turnout.size(), n);
  EXPECT_EQ(pop().offset.rows(), s().dims);
  EXPECT_EQ(size_t(pop().offset.cols()), n);
  EXPECT_EQ(size_t(pop().taste.rows()), s().candidates.size());
  EXPECT_EQ(size_t(pop().taste.cols()), n);
  EXPECT_EQ(size_t(pop().pull.rows()), s().candidates.size());
  EXPECT_EQ(size_t(pop().pull.cols()), n);
}

TEST_F(ToyPopulation, ClpBeginIsAPartitionMatchingEachPersonsClp) {
  const auto& b = pop().clp_begin;
  ASSERT_EQ(b.size(), s().clps.size() + 1);
  EXPECT_EQ(b.front(), 0u);
  EXPECT_EQ(b.back(), pop().size());
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  for (size_t c = 0; c + 1 < b.size(); ++c)
    for (std::uint32_t i = b[c]; i < b[c + 1]; ++i) ASSERT_EQ(pop().clp[i], c) << "row " << i;
}

TEST_F(ToyPopulation, WithinAClpPeopleAreGroupedByWaveInScenarioOrder) {
  const auto& b = pop().clp_begin;
  for (size_t c = 0; c + 1 < b.size(); ++c)
    EXPECT_TRUE(std::is_sorted(pop().wave.begin() + b[c], pop().wave.begin() + b[c + 1]))
        << "CLP " << c;
}

TEST_F(ToyPopulation, UidsAreUnique) {
  const std::set<std::uint32_t> ids(pop().uid.begin(), pop().uid.end());
  EXPECT_EQ(ids.size(), pop().size());
}

TEST_F(ToyPopulation, SectionMatchesWave) {
  for (size_t i = 0; i < pop().size(); ++i)
    ASSERT_EQ(pop().section[i], std::uint8_t(s().waves[pop().wave[i]].section)) << "row " << i;
  // The toy scenario has all three sections.
  EXPECT_EQ(s().waves[size_t(wave_index(s(), "supporters"))].section, Section::registered);
  EXPECT_EQ(s().waves[size_t(wave_index(s(), "unions"))].section, Section::affiliated);
}

TEST_F(ToyPopulation, JoinDatesLieInTheWaveWindowAndAreSpreadUniformly) {
  for (size_t w = 0; w < s().waves.size(); ++w) {
    const auto& wave = s().waves[w];
    double sum = 0, n = 0;
    Day lo = wave.joined_to, hi = wave.joined_from;
    for (size_t i = 0; i < pop().size(); ++i) {
      if (pop().wave[i] != w) continue;
      ASSERT_GE(pop().joined[i], wave.joined_from) << wave.id;
      ASSERT_LE(pop().joined[i], wave.joined_to) << wave.id;
      lo = std::min(lo, pop().joined[i]);
      hi = std::max(hi, pop().joined[i]);
      sum += pop().joined[i];
      n += 1;
    }
    // Uniform on the span+1 whole days: variance ((span+1)^2 - 1)/12, SE of mean sqrt(var/n).
    const double days = double(wave.joined_to - wave.joined_from + 1);
    const double se = std::sqrt((days * days - 1) / 12 / n);
    EXPECT_NEAR(sum / n, (wave.joined_from + wave.joined_to) / 2.0, 4 * se + 1e-9) << wave.id;
    // Both end days are drawn (the window is inclusive) when each day expects >= 20 people:
    // P(a given day is missed) = exp(-n/days) < 2e-9.
    if (n >= 20 * days) {
      EXPECT_EQ(lo, wave.joined_from) << wave.id;
      EXPECT_EQ(hi, wave.joined_to) << wave.id;
    }
  }
}

TEST_F(ToyPopulation, ProportionalTargetingFollowsClpWeights) {
  // All toy waves are proportional: P(CLP c) = weight_c / total weight.
  const std::vector<double> p = weight_shares(s());
  for (size_t w = 0; w < s().waves.size(); ++w) {
    SCOPED_TRACE(s().waves[w].id);
    expect_counts_near(wave_counts_by_clp(pop(), s().clps.size(), int(w)), p,
                       double(s().waves[w].size));
  }
  // The weights do vary (size_sd = 0.4), so this is not the same as a uniform split.
  EXPECT_GT(*std::max_element(p.begin(), p.end()), 1.5 * *std::min_element(p.begin(), p.end()));
}

TEST_F(ToyPopulation, ProportionalTargetingPassesChiSquare) {
  // All 24,000 people together: chi-square with 19 df (mean 19, sd sqrt(38) ~ 6.2); bound at
  // mean + 6 sd.
  const std::vector<double> p = weight_shares(s());
  std::vector<double> count(s().clps.size(), 0.0);
  for (auto c : pop().clp) count[c] += 1;
  double chi2 = 0;
  for (size_t c = 0; c < count.size(); ++c) {
    const double e = double(pop().size()) * p[c];
    chi2 += (count[c] - e) * (count[c] - e) / e;
  }
  EXPECT_LT(chi2, 19 + 6 * std::sqrt(38.0));
}

TEST_F(ToyPopulation, TraitFrequenciesOfDefaultWavesMatchTheScenario) {
  for (size_t w = 0; w < s().waves.size(); ++w) {
    const auto& wave = s().waves[w];
    double n = 0, contactable = 0, standing = 0, hostile = 0;
    for (size_t i = 0; i < pop().size(); ++i) {
      if (pop().wave[i] != w) continue;
      n += 1;
      contactable += (pop().traits[i] & leadsim::kContactable) != 0;
      standing += (pop().traits[i] & leadsim::kGoodStanding) != 0;
      hostile += (pop().traits[i] & leadsim::kHostile) != 0;
    }
    // Binomial SE sqrt(p(1-p)/n) for each frequency.
    auto se = [n](double p) { return std::sqrt(p * (1 - p) / n) + 1e-12; };
    EXPECT_NEAR(contactable / n, wave.contactable, 4 * se(wave.contactable)) << wave.id;
    EXPECT_NEAR(standing / n, wave.good_standing, 4 * se(wave.good_standing)) << wave.id;
    EXPECT_NEAR(hostile / n, wave.hostile, 4 * se(wave.hostile)) << wave.id;
  }
}

TEST(Population, TraitFrequenciesFollowOverriddenProbabilities) {
  const Scenario s = toy({"waves.old.contactable=0.8", "waves.old.good_standing=0.9",
                          "waves.old.hostile=0.1", "waves.supporters.hostile=0.3",
                          "waves.new.organised=true"});
  const Population pop = synthesise(s, 5);
  const int old = wave_index(s, "old"), sup = wave_index(s, "supporters"),
            fresh = wave_index(s, "new");
  double n = 0, contactable = 0, standing = 0, hostile = 0, n_sup = 0, hostile_sup = 0;
  for (size_t i = 0; i < pop.size(); ++i) {
    const auto t = pop.traits[i];
    ASSERT_EQ((t & leadsim::kOrganised) != 0, pop.wave[i] == fresh) << "row " << i;
    if (pop.wave[i] == old) {
      n += 1;
      contactable += (t & leadsim::kContactable) != 0;
      standing += (t & leadsim::kGoodStanding) != 0;
      hostile += (t & leadsim::kHostile) != 0;
    } else if (pop.wave[i] == sup) {
      n_sup += 1;
      hostile_sup += (t & leadsim::kHostile) != 0;
    }
  }
  auto se = [](double p, double m) { return std::sqrt(p * (1 - p) / m); };
  EXPECT_NEAR(contactable / n, 0.8, 4 * se(0.8, n));
  EXPECT_NEAR(standing / n, 0.9, 4 * se(0.9, n));
  EXPECT_NEAR(hostile / n, 0.1, 4 * se(0.1, n));
  EXPECT_NEAR(hostile_sup / n_sup, 0.3, 4 * se(0.3, n_sup));
}

TEST_F(ToyPopulation, ActivismHasTheWavesMeanAndGammaSpread) {
  for (size_t w = 0; w < s().waves.size(); ++w) {
    const auto& wave = s().waves[w];
    std::vector<double> a;
    for (size_t i = 0; i < pop().size(); ++i)
      if (pop().wave[i] == w) a.push_back(pop().activism[i]);
    const double n = double(a.size());
    const double mean = std::accumulate(a.begin(), a.end(), 0.0) / n;
    // Gamma(shape k, scale m/k): mean m, sd m/sqrt(k), so SE(mean) = m/sqrt(k n).
    const double sd = wave.activism / std::sqrt(wave.activism_shape);
    EXPECT_NEAR(mean, wave.activism, 4 * sd / std::sqrt(n)) << wave.id;
    EXPECT_GT(*std::min_element(a.begin(), a.end()), 0.0) << wave.id;
    double ss = 0;
    for (double x : a) ss += (x - mean) * (x - mean);
    EXPECT_NEAR(std::sqrt(ss / (n - 1)), sd, 4 * gamma_sd_se(sd, wave.activism_shape, n)) << wave.id;
  }
}

TEST(Population, HigherActivismShapeMeansLessUnequalActivism) {
  // Gamma sd is activism/sqrt(shape): 1.2/sqrt(0.5) = 1.70 against 1.2/sqrt(50) = 0.17.
  auto sd_of_old = [](const std::string& shape) {
    const Scenario s = toy({"waves.old.activism_shape=" + shape});
    const Population pop = synthesise(s, 2);
    const int old = wave_index(s, "old");
    double n = 0, s1 = 0, s2 = 0;
    for (size_t i = 0; i < pop.size(); ++i)
      if (pop.wave[i] == old) {
        n += 1;
        s1 += pop.activism[i];
        s2 += double(pop.activism[i]) * pop.activism[i];
      }
    return std::sqrt(s2 / n - (s1 / n) * (s1 / n));
  };
  const double unequal = sd_of_old("0.5"), equal = sd_of_old("50");
  const double n = 10000;  // the old wave
  EXPECT_NEAR(unequal, 1.2 / std::sqrt(0.5), 4 * gamma_sd_se(1.2 / std::sqrt(0.5), 0.5, n));
  EXPECT_NEAR(equal, 1.2 / std::sqrt(50.0), 4 * gamma_sd_se(1.2 / std::sqrt(50.0), 50, n));
}

TEST_F(ToyPopulation, OffsetsAndTastesAreStandardNormal) {
  auto check = [&](auto value, const char* what) {
    const double n = double(pop().size());
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < pop().size(); ++i) {
      const double x = value(i);
      s1 += x;
      s2 += x * x;
    }
    const double mean = s1 / n, var = s2 / n - mean * mean;
    EXPECT_NEAR(mean, 0.0, 4 / std::sqrt(n)) << what;               // SE 1/sqrt(n)
    EXPECT_NEAR(var, 1.0, 4 * std::sqrt(2 / n)) << what;            // SE of a variance: sqrt(2/n)
  };
  for (int d = 0; d < s().dims; ++d) check([&](size_t i) { return pop().offset_row(d)[i]; }, "offset");
  for (int c = 0; c < int(s().candidates.size()); ++c)
    check([&](size_t i) { return pop().taste_of(c, i); }, "taste");
}

TEST(Population, FixedPointStepIsThePowerOfTwoThatSpansEightSd) {
  EXPECT_EQ(leadsim::fixed_point_step(1.0), 0x1p-12f);
  EXPECT_EQ(leadsim::kTasteStep, leadsim::fixed_point_step(1.0));
  for (double sd : {1e-3, 0.37, 1.0, 1.8, 3.0, 250.0}) {
    const double step = leadsim::fixed_point_step(sd);
    EXPECT_EQ(std::exp2(std::round(std::log2(step))), step) << sd;  // a power of two
    EXPECT_GE(32768 * step, 8 * sd) << sd;                           // spans 8 sd
    EXPECT_LT(32768 * step, 16 * sd) << sd;                          // and no more than needed
  }
  EXPECT_EQ(leadsim::fixed_point_step(0.0), 1.0f);  // nothing to store: any step will do
}

TEST_F(ToyPopulation, TasteLiesOnTheFixedPointGridWithinEightSd) {
  for (int c = 0; c < int(s().candidates.size()); ++c)
    for (size_t i = 0; i < pop().size(); ++i) {
      const float t = pop().taste_of(c, i);
      ASSERT_EQ(t, leadsim::kTasteStep * std::round(t / leadsim::kTasteStep)) << i;
      ASSERT_LE(std::abs(t), 8.0f) << i;
    }
}

TEST_F(ToyPopulation, TurnoutIsTheLogisticFormula) {
  for (size_t i = 0; i < pop().size(); ++i) {
    const double p = s().ballot.turnout[pop().section[i]];
    const double logit = std::log(p / (1 - p)) +
                         s().ballot.activism_elasticity * std::log(double(pop().activism[i]));
    ASSERT_NEAR(pop().turnout[i], 1 / (1 + std::exp(-logit)), 1e-6) << "row " << i;
  }
}

TEST(Population, TurnoutRisesWithActivismElasticityForActivePeople) {
  // Directional: a larger elasticity raises turnout of people with activism > 1.
  const Scenario lo = toy({"ballot.activism_elasticity=0"}), hi = toy({"ballot.activism_elasticity=1"});
  const Population a = synthesise(lo, 3), b = synthesise(hi, 3);
  ASSERT_EQ(a.activism, b.activism);  // the ballot rule does not change who is drawn
  for (size_t i = 0; i < a.size(); i += 97) {
    if (a.activism[i] > 1.01f) {
      EXPECT_GT(b.turnout[i], a.turnout[i]) << "row " << i;
    } else if (a.activism[i] < 0.99f) {
      EXPECT_LT(b.turnout[i], a.turnout[i]) << "row " << i;
    }
    EXPECT_NEAR(a.turnout[i], lo.ballot.turnout[a.section[i]], 1e-6) << "row " << i;
  }
}

TEST_F(ToyPopulation, PullIsTwiceSalienceTimesPositionDotOffset) {
  for (size_t c = 0; c < s().candidates.size(); ++c) {
    const auto& x = s().candidates[c].position;
    for (size_t i = 0; i < pop().size(); ++i) {
      double q = 0;
      for (int d = 0; d < s().dims; ++d) q += x[d] * pop().offset_row(d)[i];
      // Stored to the nearest step (plus the offsets' float rounding).
      ASSERT_NEAR(pop().pull_of(int(c), i), 2 * s().campaign.salience * q,
                  0.5 * pop().pull_step[c] + 1e-5)
          << "candidate " << c << " row " << i;
    }
  }
}

TEST(Population, PullScalesWithSalience) {
  const Scenario s = toy({"campaign.salience=2.5"});
  const Population pop = synthesise(s, 1);
  for (size_t c = 0; c < s.candidates.size(); ++c) {
    const auto& x = s.candidates[c].position;
    for (size_t i = 0; i < pop.size(); i += 13) {
      double q = 0;
      for (int d = 0; d < s.dims; ++d) q += x[d] * pop.offset_row(d)[i];
      ASSERT_NEAR(pop.pull_of(int(c), i), 2 * 2.5 * q, 0.5 * pop.pull_step[c] + 1e-5)
          << "candidate " << c << " row " << i;
    }
  }
}

TEST_F(ToyPopulation, SegmentsAreTheRowsOfEachClpAndWave) {
  const int waves = int(s().waves.size());
  ASSERT_EQ(pop().waves, size_t(waves));
  ASSERT_EQ(pop().segment_begin.size(), s().clps.size() * size_t(waves) + 1);
  for (int c = 0; c < int(s().clps.size()); ++c) {
    const std::uint32_t* seg = pop().segments(c);
    EXPECT_EQ(seg[0], pop().clp_begin[size_t(c)]);
    EXPECT_EQ(seg[waves], pop().clp_begin[size_t(c) + 1]);
    for (int w = 0; w < waves; ++w) {
      ASSERT_LE(seg[w], seg[w + 1]);
      for (std::uint32_t i = seg[w]; i < seg[w + 1]; ++i) {
        ASSERT_EQ(pop().clp[i], c) << i;
        ASSERT_EQ(pop().wave[i], w) << i;
      }
    }
  }
}

TEST_F(ToyPopulation, AffiliatesAreSetExactlyForAffiliatedSupporters) {
  std::vector<std::uint32_t> rows;
  for (size_t i = 0; i < pop().size(); ++i) {
    if (pop().section[i] == std::uint8_t(Section::affiliated)) {
      ASSERT_LT(pop().affiliate[i], s().affiliates.size()) << "row " << i;
      rows.push_back(std::uint32_t(i));
    } else {
      ASSERT_EQ(pop().affiliate[i], leadsim::kNoAffiliate) << "row " << i;
    }
  }
  // The compact list holds the same rows grouped by affiliate, in row order within a group.
  std::stable_sort(rows.begin(), rows.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return pop().affiliate[a] < pop().affiliate[b]; });
  EXPECT_EQ(pop().affiliated, rows);
  ASSERT_EQ(pop().affiliated_uid.size(), rows.size());
  ASSERT_EQ(pop().affiliated_begin.size(), s().affiliates.size() + 1);
  EXPECT_EQ(pop().affiliated_begin.front(), 0u);
  EXPECT_EQ(pop().affiliated_begin.back(), rows.size());
  const size_t k = s().candidates.size(), stride = pop().affiliated_stride();
  ASSERT_EQ(pop().affiliated_record.size(), rows.size() * stride);
  for (size_t j = 0; j < rows.size(); ++j) {
    const size_t i = rows[j];
    EXPECT_EQ(pop().affiliated_uid[j], pop().uid[i]);
    const size_t a = pop().affiliate[i];  // entry j sits in its affiliate's group
    EXPECT_GE(j, pop().affiliated_begin[a]);
    EXPECT_LT(j, pop().affiliated_begin[a + 1]);
    const std::int16_t* rec = &pop().affiliated_record[j * stride];
    EXPECT_EQ(std::uint16_t(rec[0]), pop().clp[i]);
    EXPECT_EQ(rec[1] & 0xFF, pop().wave[i]);
    EXPECT_EQ((rec[1] >> 8) & 0xFF, pop().traits[i]);
    for (size_t c = 0; c < k; ++c) {
      EXPECT_EQ(rec[2 + c], pop().pull(std::ptrdiff_t(c), std::ptrdiff_t(i)));
      EXPECT_EQ(rec[2 + k + c], pop().taste(std::ptrdiff_t(c), std::ptrdiff_t(i)));
    }
  }
}

void expect_identical(const Population& a, const Population& b) {
  EXPECT_EQ(a.clp_begin, b.clp_begin);
  EXPECT_EQ(a.uid, b.uid);
  EXPECT_EQ(a.clp, b.clp);
  EXPECT_EQ(a.wave, b.wave);
  EXPECT_EQ(a.section, b.section);
  EXPECT_EQ(a.traits, b.traits);
  EXPECT_EQ(a.affiliate, b.affiliate);
  EXPECT_EQ(a.joined, b.joined);
  EXPECT_EQ(a.activism, b.activism);
  EXPECT_EQ(a.turnout, b.turnout);
  EXPECT_TRUE(a.offset == b.offset);
  EXPECT_TRUE(a.taste == b.taste);
  EXPECT_TRUE(a.pull == b.pull);
  EXPECT_EQ(a.affiliated, b.affiliated);
}

TEST(Population, SameSeedGivesIdenticalArrays) {
  const Scenario s = toy();
  expect_identical(synthesise(s, 99), synthesise(s, 99));
}

TEST(Population, DifferentSeedGivesDifferentPeople) {
  const Scenario s = toy();
  const Population a = synthesise(s, 1), b = synthesise(s, 2);
  EXPECT_NE(a.clp, b.clp);
  EXPECT_NE(a.joined, b.joined);
  EXPECT_NE(a.activism, b.activism);
  EXPECT_FALSE(a.offset == b.offset);
  EXPECT_FALSE(a.taste == b.taste);
  EXPECT_NE(a.traits, b.traits);
}

TEST(Population, ResizingOneWaveLeavesOtherWavesPeopleUnchanged) {
  // Per-wave streams and uid-keyed draws: the old wave's people (id, CLP, join date, activism,
  // offset) are the same whatever the size of the new wave.
  const Scenario s1 = toy(), s2 = toy({"waves.new.size=3000"});
  const Population a = synthesise(s1, 4), b = synthesise(s2, 4);
  const int old = wave_index(s1, "old");
  using Person = std::tuple<std::uint32_t, std::uint16_t, Day, float, float, float>;
  auto people = [old](const Population& p) {
    std::vector<Person> v;
    for (size_t i = 0; i < p.size(); ++i)
      if (p.wave[i] == old)
        v.emplace_back(p.uid[i], p.clp[i], p.joined[i], p.activism[i], p.offset_row(0)[i],
                       p.offset_row(1)[i]);
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(people(a), people(b));
  EXPECT_EQ(b.size(), 24000u - 5000u);
}

TEST(Population, UniformTargetingSplitsAWaveEquallyAmongClps) {
  const Scenario s = toy({"waves.new.target=\"uniform\""});
  const Population pop = synthesise(s, 1);
  const int w = wave_index(s, "new");
  const std::vector<double> p(s.clps.size(), 1.0 / double(s.clps.size()));
  expect_counts_near(wave_counts_by_clp(pop, s.clps.size(), w), p, double(s.waves[size_t(w)].size));
}

TEST(Population, NamedTargetingWithFullShareFillsTheNamedClp) {
  const Scenario s = toy({"waves.new.target=\"named\"", "waves.new.target_clps=[\"CLP 3\"]"});
  const int target = s.clp_index("CLP 3");
  ASSERT_GE(target, 0);
  EXPECT_EQ(leadsim::wave_targets(s, s.waves[size_t(wave_index(s, "new"))], 1),
            std::vector<int>{target});
  const Population pop = synthesise(s, 1);
  const int w = wave_index(s, "new");
  const std::vector<double> n = wave_counts_by_clp(pop, s.clps.size(), w);
  EXPECT_EQ(n[size_t(target)], double(s.waves[size_t(w)].size));
  // The other waves are still spread over every CLP.
  const std::vector<double> old = wave_counts_by_clp(pop, s.clps.size(), wave_index(s, "old"));
  for (size_t c = 0; c < old.size(); ++c) EXPECT_GT(old[c], 0.0) << "CLP " << c;
}

TEST(Population, NamedTargetingWithPartialShareSpreadsTheRestProportionally) {
  // target_share 0.5 on CLPs 3 and 7: each gets 0.25 + 0.5 * weight share; the rest 0.5 * share.
  const Scenario s = toy({"waves.new.target=\"named\"", "waves.new.target_clps=[\"CLP 3\", \"CLP 7\"]",
                          "waves.new.target_share=0.5"});
  const Population pop = synthesise(s, 2);
  const int w = wave_index(s, "new");
  std::vector<double> p = weight_shares(s);
  for (auto& x : p) x *= 0.5;
  p[size_t(s.clp_index("CLP 3"))] += 0.25;
  p[size_t(s.clp_index("CLP 7"))] += 0.25;
  expect_counts_near(wave_counts_by_clp(pop, s.clps.size(), w), p, double(s.waves[size_t(w)].size));
}

TEST(Population, TopCovariateTargetingPicksTheClpsWithHighestCovariate) {
  Scenario s = toy({"waves.new.target=\"top_covariate\"", "waves.new.target_count=3"});
  // Give the CLPs distinct covariates in a scrambled order: (7c mod 20) puts 19, 18, 17 on CLPs 17, 14, 11.
  for (size_t c = 0; c < s.clps.size(); ++c) s.clps[c].covariate = double((c * 7) % 20) - 9.5;
  const int w = wave_index(s, "new");
  std::vector<int> targets = leadsim::wave_targets(s, s.waves[size_t(w)], 1);
  std::sort(targets.begin(), targets.end());
  EXPECT_EQ(targets, (std::vector<int>{11, 14, 17}));
  const Population pop = synthesise(s, 1);
  // Targeted people are split equally among the targets.
  std::vector<double> p(s.clps.size(), 0.0);
  for (int t : targets) p[size_t(t)] = 1.0 / 3;
  expect_counts_near(wave_counts_by_clp(pop, s.clps.size(), w), p, double(s.waves[size_t(w)].size));
}

TEST(Population, TopCovariateTargetingWithLoadedCovariates) {
  // With a generated covariate, the chosen CLPs have covariates at least those of all others.
  const Scenario s = toy({"clps.covariate=\"generated\"", "waves.new.target=\"top_covariate\"",
                          "waves.new.target_count=4"});
  const std::vector<int> targets = leadsim::wave_targets(s, s.waves[size_t(wave_index(s, "new"))], 1);
  ASSERT_EQ(targets.size(), 4u);
  double lowest_target = 1e9, highest_other = -1e9;
  for (size_t c = 0; c < s.clps.size(); ++c) {
    const bool t = std::find(targets.begin(), targets.end(), int(c)) != targets.end();
    if (t) lowest_target = std::min(lowest_target, s.clps[c].covariate);
    else highest_other = std::max(highest_other, s.clps[c].covariate);
  }
  EXPECT_GT(lowest_target, highest_other);
}

TEST(Population, RandomTargetingPutsTheWaveOnTargetCountClps) {
  const Scenario s = toy({"waves.new.target=\"random\"", "waves.new.target_count=5"});
  const auto& wave = s.waves[size_t(wave_index(s, "new"))];
  const std::vector<int> t1 = leadsim::wave_targets(s, wave, 1);
  ASSERT_EQ(t1.size(), 5u);
  EXPECT_EQ(std::set<int>(t1.begin(), t1.end()).size(), 5u);
  for (int c : t1) {
    EXPECT_GE(c, 0);
    EXPECT_LT(c, int(s.clps.size()));
  }
  EXPECT_EQ(leadsim::wave_targets(s, wave, 1), t1);  // a function of the seed
  // With target_share 1 the whole wave lives on exactly five CLPs, about 1/5 each.
  const Population pop = synthesise(s, 1);
  const std::vector<double> n = wave_counts_by_clp(pop, s.clps.size(), wave_index(s, "new"));
  const double size = double(wave.size);
  const double se = std::sqrt(size * 0.2 * 0.8);  // multinomial count SE
  int populated = 0;
  for (double x : n)
    if (x > 0) {
      ++populated;
      EXPECT_NEAR(x, size / 5, 4 * se);
    }
  EXPECT_EQ(populated, 5);
}

TEST(Population, WaveTargetsNamesTheClpsSynthesiseUsesForTheSameSeed) {
  // wave_targets(s, w, seed) is the public way to ask where a wave was concentrated; for the
  // seed given to synthesise(s, seed) it should name the CLPs the wave was put in.
  const Scenario s = toy({"waves.new.target=\"random\"", "waves.new.target_count=5"});
  const int w = wave_index(s, "new");
  const std::uint64_t seed = 1;
  const std::vector<int> targets = leadsim::wave_targets(s, s.waves[size_t(w)], seed);
  const Population pop = synthesise(s, seed);
  const std::vector<double> n = wave_counts_by_clp(pop, s.clps.size(), w);
  std::vector<int> populated;
  for (size_t c = 0; c < n.size(); ++c)
    if (n[c] > 0) populated.push_back(int(c));
  EXPECT_EQ(populated, targets);
}

// Counts delegates per CLP and checks the eligibility rule for each.
void check_delegate_rules(const Scenario& s, const Population& pop) {
  for (size_t c = 0; c + 1 < pop.clp_begin.size(); ++c) {
    int delegates = 0, eligible = 0;
    for (std::uint32_t i = pop.clp_begin[c]; i < pop.clp_begin[c + 1]; ++i) {
      const bool ok = pop.section[i] == std::uint8_t(Section::member) &&
                      pop.joined[i] <= s.meetings.gc_elected_by &&
                      (pop.traits[i] & leadsim::kGoodStanding);
      eligible += ok;
      if (pop.traits[i] & leadsim::kDelegate) {
        ++delegates;
        EXPECT_TRUE(ok) << "delegate in row " << i << " is not an eligible member";
      }
    }
    EXPECT_LE(delegates, s.meetings.gc_size) << "CLP " << c;
    EXPECT_EQ(delegates, std::min(eligible, s.meetings.gc_size)) << "CLP " << c;
  }
}

TEST_F(ToyPopulation, DelegatesAreAtMostGcSizeEligibleMembersPerClp) {
  check_delegate_rules(s(), pop());
}

TEST(Population, DelegatesOnlyFromMembersWhoJoinedByTheElectionDate) {
  // Elected mid-2019: the whole new wave (2020) and part of the old one are ineligible;
  // some members not in good standing too.
  const Scenario s = toy({"meetings.gc_elected_by=2019-06-30", "waves.old.good_standing=0.8",
                          "meetings.gc_size=30"});
  const Population pop = synthesise(s, 8);
  check_delegate_rules(s, pop);
  int delegates = 0;
  for (auto t : pop.traits) delegates += (t & leadsim::kDelegate) != 0;
  EXPECT_GT(delegates, 0);
}

TEST(Population, SmallClpsPutEveryEligibleMemberOnTheCommittee) {
  // gc_size 1000 exceeds the eligible members of most toy CLPs (about 900 members on average).
  const Scenario s = toy({"meetings.gc_size=1000"});
  const Population pop = synthesise(s, 1);
  check_delegate_rules(s, pop);
  int small = 0;
  for (size_t c = 0; c + 1 < pop.clp_begin.size(); ++c)
    small += pop.clp_begin[c + 1] - pop.clp_begin[c] < 1000;
  EXPECT_GT(small, 0);
}

TEST_F(ToyPopulation, MoreActiveMembersAreMoreOftenDelegates) {
  // Split eligible members at the median activism; compare delegate rates in the two halves.
  std::vector<float> act;
  for (size_t i = 0; i < pop().size(); ++i)
    if (pop().section[i] == std::uint8_t(Section::member) && pop().joined[i] <= s().meetings.gc_elected_by)
      act.push_back(pop().activism[i]);
  std::vector<float> sorted = act;
  std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(sorted.size() / 2), sorted.end());
  const float median = sorted[sorted.size() / 2];
  double n_hi = 0, d_hi = 0, n_lo = 0, d_lo = 0;
  for (size_t i = 0; i < pop().size(); ++i) {
    if (pop().section[i] != std::uint8_t(Section::member) || pop().joined[i] > s().meetings.gc_elected_by)
      continue;
    const bool delegate = pop().traits[i] & leadsim::kDelegate;
    if (pop().activism[i] > median) {
      n_hi += 1;
      d_hi += delegate;
    } else {
      n_lo += 1;
      d_lo += delegate;
    }
  }
  const double p_hi = d_hi / n_hi, p_lo = d_lo / n_lo, p = (d_hi + d_lo) / (n_hi + n_lo);
  // Two-proportion SE under the null of equal rates.
  const double se = std::sqrt(p * (1 - p) * (1 / n_hi + 1 / n_lo));
  EXPECT_GT(p_hi - p_lo, 4 * se) << "rates " << p_hi << " vs " << p_lo;
}

}  // namespace
