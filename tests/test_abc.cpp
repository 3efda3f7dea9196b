// Tests for abc.hpp: ABC-SMC against models whose posterior is known in closed form, the weights
// against a problem whose posterior is the prior, and determinism whatever the batch size.
#include "leadsim/abc.hpp"

#include <gtest/gtest.h>

#include <boost/random/binomial_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>

#include "leadsim/random.hpp"
#include "sbc.hpp"

namespace {

using leadsim::AbcOptions;
using leadsim::AbcResult;
using leadsim::BatchSimulator;
using leadsim::Generation;
using leadsim::Prior;

// The weighted standard deviation of parameter p.
double weighted_sd(const Generation& g, size_t p) {
  const double m = leadsim::weighted_mean(g, p);
  double v = 0;
  for (const auto& x : g.particles) v += x.weight * (x.theta[p] - m) * (x.theta[p] - m);
  return std::sqrt(v);
}

Prior uniform(double lo, double hi) {
  Prior p;
  p.kind = Prior::Kind::uniform;
  p.a = p.lo = lo;
  p.b = p.hi = hi;
  return p;
}

// A mean of m unit-variance normals with a flat prior: the posterior is N(ybar, 1/m), which ABC
// approaches as its tolerance eps shrinks (its own posterior has variance 1/m + eps^2/3: by the
// end eps is below half of 1/sqrt(m), less than 5% on the sd).
TEST(Abc, NormalMeanPosterior) {
  const double ybar = 1.3, m = 25, se = 1 / std::sqrt(m);
  BatchSimulator sim = [&](const std::vector<std::vector<double>>& th, int gen,
                           const std::vector<std::uint64_t>& ids) {
    std::vector<std::vector<double>> out;
    for (size_t i = 0; i < th.size(); ++i) {
      leadsim::Stream s(leadsim::derive_key(std::uint64_t(gen) * 1000003 + ids[i], 7));
      boost::random::normal_distribution<double> n(th[i][0], se);
      out.push_back({n(s)});
    }
    return out;
  };
  AbcOptions opt;
  opt.particles = 1000;
  opt.generations = 9;
  opt.seed = 3;
  const AbcResult r = leadsim::abc_smc({uniform(-10, 10)}, {ybar}, {1.0}, opt, sim);
  ASSERT_EQ(r.generations.size(), 9u);
  const Generation& g = r.generations.back();
  EXPECT_LT(g.tolerance, 0.5 * se);
  // Sampling error of a weighted mean of ~ESS draws: se / sqrt(ESS); 4 of them allowed.
  EXPECT_NEAR(leadsim::weighted_mean(g, 0), ybar, 4 * se / std::sqrt(g.ess));
  EXPECT_NEAR(weighted_sd(g, 0), se, 0.15 * se);
  // Tolerances shrink, generation by generation.
  for (size_t t = 2; t < r.generations.size(); ++t)
    EXPECT_LT(r.generations[t].tolerance, r.generations[t - 1].tolerance);
}

// k successes of n with a Beta(2, 2) prior: the posterior is Beta(2 + k, 2 + n - k). The
// summary is sufficient and discrete, so a tolerance below 1/n accepts exactly the matches.
TEST(Abc, BinomialPosteriorWithBetaPrior) {
  const int n = 40, k = 13;
  BatchSimulator sim = [&](const std::vector<std::vector<double>>& th, int gen,
                           const std::vector<std::uint64_t>& ids) {
    std::vector<std::vector<double>> out;
    for (size_t i = 0; i < th.size(); ++i) {
      leadsim::Stream s(leadsim::derive_key(std::uint64_t(gen) * 1000003 + ids[i], 11));
      boost::random::binomial_distribution<int> b(n, th[i][0]);
      out.push_back({double(b(s)) / n});
    }
    return out;
  };
  Prior beta;
  beta.kind = Prior::Kind::beta;
  beta.a = 2;
  beta.b = 2;
  AbcOptions opt;
  opt.particles = 800;
  opt.generations = 6;
  opt.quantile = 0.3;
  opt.min_acceptance = 0.0;
  const AbcResult r = leadsim::abc_smc({beta}, {double(k) / n}, {1.0}, opt, sim);
  const Generation& g = r.generations.back();
  ASSERT_LT(g.tolerance, 0.5 / n);  // only exact matches accepted
  const double a = 2 + k, b = 2 + n - k;
  const double mean = a / (a + b), sd = std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
  EXPECT_NEAR(leadsim::weighted_mean(g, 0), mean, 4 * sd / std::sqrt(g.ess));
  EXPECT_NEAR(weighted_sd(g, 0), sd, 0.15 * sd);
}

// When the data say nothing (every distance 0), the posterior is the prior: the importance
// weights must undo the kernel's moves. Checked on a log-uniform prior (moved on the log scale)
// and a normal prior, over several generations.
TEST(Abc, WeightsKeepThePriorWhenDataAreUninformative) {
  Prior lu;
  lu.kind = Prior::Kind::log_uniform;
  lu.a = lu.lo = 0.1;
  lu.b = lu.hi = 10;
  Prior nm;
  nm.kind = Prior::Kind::normal;
  nm.a = 2;
  nm.b = 0.5;
  nm.lo = -100;
  nm.hi = 100;
  BatchSimulator sim = [](const std::vector<std::vector<double>>& th, int,
                          const std::vector<std::uint64_t>&) {
    return std::vector<std::vector<double>>(th.size(), std::vector<double>{0.0});
  };
  AbcOptions opt;
  opt.particles = 4000;
  opt.generations = 4;
  const AbcResult r = leadsim::abc_smc({lu, nm}, {0.0}, {1.0}, opt, sim);
  ASSERT_EQ(r.generations.size(), 4u);
  const Generation& g = r.generations.back();
  // log x uniform on [log 0.1, log 10]: mean of log x is 0, sd log(100)/sqrt(12).
  double mlog = 0;
  for (const auto& p : g.particles) mlog += p.weight * std::log(p.theta[0]);
  const double sdlog = std::log(100.0) / std::sqrt(12.0);
  EXPECT_NEAR(mlog, 0.0, 4 * sdlog / std::sqrt(g.ess));
  EXPECT_NEAR(leadsim::weighted_mean(g, 1), 2.0, 4 * 0.5 / std::sqrt(g.ess));
  EXPECT_NEAR(weighted_sd(g, 1), 0.5, 0.08);
  // Without the weights (equal weights) the kernel's spreading would show: the test has power.
  double sd_equal = 0, m_equal = 0;
  for (const auto& p : g.particles) m_equal += p.theta[1] / double(g.particles.size());
  for (const auto& p : g.particles)
    sd_equal += (p.theta[1] - m_equal) * (p.theta[1] - m_equal) / double(g.particles.size());
  EXPECT_GT(std::sqrt(sd_equal), 0.5 * 1.15);
}

// The same particles whatever the batch size: candidates have their own streams and are
// accepted in index order (so also whatever the threads that simulate a batch).
TEST(Abc, SameResultWhateverTheBatch) {
  BatchSimulator sim = [](const std::vector<std::vector<double>>& th, int gen,
                          const std::vector<std::uint64_t>& ids) {
    std::vector<std::vector<double>> out;
    for (size_t i = 0; i < th.size(); ++i) {
      leadsim::Stream s(leadsim::derive_key(std::uint64_t(gen) * 1000003 + ids[i], 5));
      out.push_back({th[i][0] + 0.2 * (s.uniform() - 0.5), th[i][1]});
    }
    return out;
  };
  AbcOptions a;
  a.particles = 60;
  a.generations = 4;
  a.batch = 7;
  AbcOptions b = a;
  b.batch = 200;
  const std::vector<Prior> priors{uniform(0, 1), uniform(-1, 1)};
  const AbcResult x = leadsim::abc_smc(priors, {0.4, 0.1}, {0.1, 0.5}, a, sim);
  const AbcResult y = leadsim::abc_smc(priors, {0.4, 0.1}, {0.1, 0.5}, b, sim);
  ASSERT_EQ(x.generations.size(), y.generations.size());
  for (size_t t = 0; t < x.generations.size(); ++t) {
    ASSERT_EQ(x.generations[t].particles.size(), y.generations[t].particles.size());
    EXPECT_EQ(x.generations[t].tolerance, y.generations[t].tolerance);
    for (size_t i = 0; i < x.generations[t].particles.size(); ++i) {
      EXPECT_EQ(x.generations[t].particles[i].theta, y.generations[t].particles[i].theta);
      EXPECT_EQ(x.generations[t].particles[i].weight, y.generations[t].particles[i].weight);
    }
  }
}

// Resumed from the generations an interrupted run finished, a run ends as the uninterrupted one
// did: the same generations, bit for bit, and the same stop, from every point of interruption
// (after generation 0, 1, 2, and after the last, when nothing is left to run).
TEST(Abc, ResumedFromAnyGenerationGivesTheSameResult) {
  std::uint64_t simulated = 0;
  BatchSimulator sim = [&](const std::vector<std::vector<double>>& th, int gen,
                           const std::vector<std::uint64_t>& ids) {
    std::vector<std::vector<double>> out;
    for (size_t i = 0; i < th.size(); ++i) {
      ++simulated;
      leadsim::Stream s(leadsim::derive_key(std::uint64_t(gen) * 1000003 + ids[i], 5));
      out.push_back({th[i][0] + 0.2 * (s.uniform() - 0.5)});
    }
    return out;
  };
  AbcOptions opt;
  opt.particles = 50;
  opt.generations = 4;
  opt.batch = 9;
  const std::vector<Prior> priors{uniform(0, 1)};
  std::vector<Generation> seen;
  const AbcResult whole = leadsim::abc_smc(priors, {0.3}, {0.1}, opt, sim,
                                           [&](const Generation& g, int) { seen.push_back(g); });
  ASSERT_EQ(whole.generations.size(), 4u);
  ASSERT_EQ(seen.size(), 4u);
  for (size_t k = 1; k <= 4; ++k) {
    simulated = 0;
    const AbcResult resumed = leadsim::abc_smc(priors, {0.3}, {0.1}, opt, sim, {}, {}, nullptr,
                                               std::vector<Generation>(seen.begin(), seen.begin() + long(k)));
    if (k == 4) {
      EXPECT_EQ(simulated, 0u) << "a finished run resumed runs nothing";
    }
    EXPECT_EQ(resumed.stop_reason, whole.stop_reason);
    ASSERT_EQ(resumed.generations.size(), whole.generations.size());
    for (size_t t = 0; t < whole.generations.size(); ++t) {
      const Generation &a = whole.generations[t], &b = resumed.generations[t];
      EXPECT_EQ(a.tolerance, b.tolerance);
      EXPECT_EQ(a.proposed, b.proposed);
      EXPECT_EQ(a.refused, b.refused);
      ASSERT_EQ(a.particles.size(), b.particles.size());
      for (size_t i = 0; i < a.particles.size(); ++i) {
        EXPECT_EQ(a.particles[i].theta, b.particles[i].theta) << "generation " << t << " after " << k;
        EXPECT_EQ(a.particles[i].weight, b.particles[i].weight);
        EXPECT_EQ(a.particles[i].candidate, b.particles[i].candidate);
      }
    }
  }
}

// Simulation-based calibration of the engine itself (Talts et al. 2018; tests/sbc.hpp says why it
// works), where it is cheap: R = 1000 truths from a log-uniform prior on [0.5, 4], each observed
// through a saturating binomial (20 trials at p = theta / (1 + theta), like a count of CLPs won),
// each fitted by ABC-SMC with 100 particles and 5 generations. Tolerances from R, as in
// test_sbc.cpp: the count covered by each central interval must not fall below its 99% binomial
// acceptance region (strict: under-coverage is the failure), and may exceed it up to the region
// for the rate half-way to 100% (ABC with a finite tolerance over-covers); neither tail of the
// truth's rank may hold more than Binomial(R, 0.05)'s 99% region allows. Measured: the 90%
// interval covers 906, the 50% 543 (over-covering: conservative), 47 ranks below 5% and 47
// above 95%. (With 30 particles the 90% interval covers 87%: too few particles under-cover,
// by about one particle's weight per tail.)
TEST(Abc, SimulationBasedCalibration) {
  const std::uint64_t R = 1000;
  Prior prior;
  prior.kind = Prior::Kind::log_uniform;
  prior.a = prior.lo = 0.5;
  prior.b = prior.hi = 4;
  std::uint64_t in50 = 0, in90 = 0, low = 0, high = 0;
  for (std::uint64_t r = 0; r < R; ++r) {
    const double truth = prior.sample(leadsim::derive_key(77, r));
    leadsim::Stream so(leadsim::derive_key(78, r));
    const double observed = boost::random::binomial_distribution<int>(20, truth / (1 + truth))(so);
    BatchSimulator sim = [&](const std::vector<std::vector<double>>& th, int gen,
                             const std::vector<std::uint64_t>& ids) {
      std::vector<std::vector<double>> out;
      for (size_t i = 0; i < th.size(); ++i) {
        leadsim::Stream s(leadsim::derive_key(leadsim::derive_key(leadsim::derive_key(79, r), gen), ids[i]));
        out.push_back({double(boost::random::binomial_distribution<int>(20, th[i][0] / (1 + th[i][0]))(s))});
      }
      return out;
    };
    AbcOptions opt;
    opt.particles = 100;
    opt.generations = 5;
    opt.min_acceptance = 0;
    opt.seed = r + 1;
    const Generation g = leadsim::abc_smc({prior}, {observed}, {1.0}, opt, sim).generations.back();
    in50 += leadsim::weighted_quantile(g, 0, 0.25) <= truth && truth <= leadsim::weighted_quantile(g, 0, 0.75);
    in90 += leadsim::weighted_quantile(g, 0, 0.05) <= truth && truth <= leadsim::weighted_quantile(g, 0, 0.95);
    double u = 0;  // the truth's rank: the posterior weight below it
    for (const auto& x : g.particles) u += x.theta[0] < truth ? x.weight : 0.0;
    low += u < 0.05;
    high += u > 0.95;
  }
  using leadsim::sbc::binomial_region;
  EXPECT_GE(in50, binomial_region(R, 0.5).lo) << in50;
  EXPECT_GE(in90, binomial_region(R, 0.9).lo) << in90;
  EXPECT_LE(in50, binomial_region(R, 0.75).hi) << in50;
  EXPECT_LE(in90, binomial_region(R, 0.95).hi) << in90;
  EXPECT_LE(low, binomial_region(R, 0.05).hi) << low;
  EXPECT_LE(high, binomial_region(R, 0.05).hi) << high;
  std::printf("R = %llu: 50%% covers %llu, 90%% covers %llu; ranks below 5%%: %llu, above 95%%: %llu\n",
              (unsigned long long)R, (unsigned long long)in50, (unsigned long long)in90,
              (unsigned long long)low, (unsigned long long)high);
}

// Candidates outside the support are refused before they are simulated.
TEST(Abc, RefusesCandidatesOutsideTheSupport) {
  std::uint64_t simulated_outside = 0;
  BatchSimulator sim = [&](const std::vector<std::vector<double>>& th, int,
                           const std::vector<std::uint64_t>&) {
    std::vector<std::vector<double>> out;
    for (const auto& t : th) {
      simulated_outside += !(t[0] >= 0 && t[0] <= 1);
      out.push_back({t[0]});
    }
    return out;
  };
  AbcOptions opt;
  opt.particles = 200;
  opt.generations = 4;
  const AbcResult r = leadsim::abc_smc({uniform(0, 1)}, {0.0}, {1.0}, opt, sim);  // at an edge
  EXPECT_EQ(simulated_outside, 0u);
  std::uint64_t refused = 0;
  for (const auto& g : r.generations) refused += g.refused;
  EXPECT_GT(refused, 0u);
}

}  // namespace

// The weighted quantile is taken the same way from both ends: with 60 equal weights on 1..60 the
// 5% quantile is 3 and the 95% is 58 (each leaves 2 values outside), the median 30; weights move
// it (half the weight on the largest value makes every quantile above 1/2 that value).
TEST(Abc, WeightedQuantileIsSymmetric) {
  std::vector<std::pair<double, double>> vw;
  for (int i = 1; i <= 60; ++i) vw.emplace_back(i, 1.0 / 60);
  EXPECT_EQ(leadsim::weighted_quantile(vw, 0.05), 3);
  EXPECT_EQ(leadsim::weighted_quantile(vw, 0.95), 58);
  EXPECT_EQ(leadsim::weighted_quantile(vw, 0.5), 30);
  EXPECT_EQ(leadsim::weighted_quantile(vw, 0.0), 1);
  EXPECT_EQ(leadsim::weighted_quantile(vw, 1.0), 60);
  for (double q : {0.05, 0.1, 0.25})
    EXPECT_EQ(leadsim::weighted_quantile(vw, q) - 1, 60 - leadsim::weighted_quantile(vw, 1 - q)) << q;
  std::vector<std::pair<double, double>> heavy{{1, 0.1}, {2, 0.2}, {3, 0.2}, {4, 0.5}};
  EXPECT_EQ(leadsim::weighted_quantile(heavy, 0.6), 4);
  EXPECT_EQ(leadsim::weighted_quantile(heavy, 0.95), 4);
  EXPECT_EQ(leadsim::weighted_quantile(heavy, 0.1), 1);
  EXPECT_EQ(leadsim::weighted_quantile(heavy, 0.3), 2);
  EXPECT_TRUE(std::isnan(leadsim::weighted_quantile({}, 0.5)));
}
