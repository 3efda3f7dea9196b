// test_clp_identity.cpp: a CLP's lasting lean and activity (clp_identity.hpp): the identity file,
// what the traits do to a run, and the fit recovering known traits from synthetic history.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "leadsim/clp_identity.hpp"
#include "leadsim/random.hpp"
#include "support.hpp"

namespace leadsim::test {
namespace {

std::string identity_csv(const Scenario& s, double lean_of_first_half, double activity) {
  std::string t = "clp,observed,lean_mean,lean_sd,activity_mean,activity_sd\n";
  for (size_t c = 0; c < s.clps.size(); ++c)
    t += s.clps[c].name + ",," + std::to_string(c < s.clps.size() / 2 ? lean_of_first_half : 0.0) +
         ",0," + std::to_string(activity) + ",0\n";
  return t;
}

TEST(ClpIdentity, TheFileIsReadAndItsLeansCentredOnTheMembership) {
  TempDir dir;
  const Scenario base = toy();
  const std::string path = dir.write("id.csv", identity_csv(base, 1.0, -0.5));
  const Scenario s = toy({"clps.identity=\"" + path + "\""});
  double wsum = 0, lsum = 0;
  for (const Clp& c : s.clps) {
    wsum += c.weight, lsum += c.weight * c.lean_mean;
    EXPECT_DOUBLE_EQ(c.activity_mean, -0.5);
  }
  EXPECT_NEAR(lsum / wsum, 0.0, 1e-12);
  // The first half sits one unit to the left of the second.
  EXPECT_NEAR(s.clps[0].lean_mean - s.clps.back().lean_mean, 1.0, 1e-12);
}

TEST(ClpIdentity, AFileMissingACLPOrWithABadNumberIsRefusedWithItsPlace) {
  TempDir dir;
  const Scenario base = toy();
  std::string text = identity_csv(base, 0.5, 0);
  const std::string short_path = dir.write("short.csv", text.substr(0, text.rfind("CLP ")));
  try {
    toy({"clps.identity=\"" + short_path + "\""});
    FAIL() << "a CLP without a row was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("has no row for"), std::string::npos) << e.what();
    EXPECT_EQ(e.diagnostics()[0].file, short_path);
  }
  const std::string bad = dir.write("bad.csv", "clp,lean_mean,lean_sd,activity_mean,activity_sd\nCLP 1,nan,0,0,0\n");
  try {
    toy({"clps.identity=\"" + bad + "\""});
    FAIL() << "NaN was accepted";
  } catch (const InputError& e) {
    bool placed = false;
    for (const Diagnostic& d : e.diagnostics())
      placed |= d.file == bad && d.line == 2 && d.message.find("lean_mean") != std::string::npos;
    EXPECT_TRUE(placed) << e.what();
  }
}

// A left-leaning CLP nominates the left candidate more often than a right-leaning one.
TEST(ClpIdentity, ALeftLeanMakesALeftNominationMoreLikely) {
  Scenario s = toy({"meetings.meet=1"});
  for (size_t c = 0; c < s.clps.size(); ++c) s.clps[c].lean_mean = c % 2 ? 1.5 : -1.5;
  const auto runs = run_many(s, 300);
  auto left_share = [&](int parity) {
    return estimate(runs, [&](const RunResult& r) {
      double n = 0, m = 0;
      for (size_t c = 0; c < r.clp_nominee.size(); ++c)
        if (int(c % 2) == parity) m += 1, n += r.clp_nominee[c] == 0;
      return n / m;
    });
  };
  EXPECT_TRUE(clearly_above(left_share(1), left_share(0)))
      << left_share(1).mean << " vs " << left_share(0).mean;
}

// P(meets) = logistic(logit(meet) + activity): a CLP of activity -2 at meet 0.7 meets with
// probability 0.2400 (worked by hand: logit 0.7 = 0.8473; 0.8473 - 2 = -1.1527; logistic = 0.2400).
TEST(ClpIdentity, ActivityShiftsTheChanceOfMeetingOnTheLogOddsScale) {
  Scenario s = toy({"meetings.meet=0.7"});
  for (Clp& c : s.clps) c.activity_mean = -2;
  const auto runs = run_many(s, 400);
  const Estimate met = estimate(runs, [](const RunResult& r) { return r.meetings_held / double(r.clp_met.size()); });
  EXPECT_NEAR(met.mean, 0.2400, 4 * met.se + 1e-3);
}

// Synthetic history with a known truth: leans drawn from N(0, 1.2^2), one past contest simulated
// with them, its nominations fitted. The fit must find a lasting lean (tau > 0, a better marginal
// likelihood than none), order the CLPs as the truth does, and cover the truth with its intervals.
TEST(ClpIdentity, TheFitRecoversKnownLeansFromSyntheticHistory) {
  Scenario truth = toy({"clps.count=200", "meetings.meet=0.8"});
  Stream g(name_hash("synthetic-leans"));
  std::vector<double> lean(truth.clps.size());
  for (size_t c = 0; c < lean.size(); ++c) {
    const double u1 = std::max(g.uniform(), 1e-12), u2 = g.uniform();
    lean[c] = 1.2 * std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
    truth.clps[c].lean_mean = lean[c];
  }
  const std::vector<RunResult> history = run_many(truth, 1, 7);
  ObservedNominations obs;
  for (size_t c = 0; c < lean.size(); ++c) obs.outcome.push_back(history[0].clp_nominee[c]);
  obs.matched = int(lean.size());

  const Scenario past = toy({"clps.count=200", "meetings.meet=0.8"});
  const Population pop = synthesise(past, 1);
  IdentityFitOptions opt;
  opt.grid = 13;
  opt.runs_per_grid = 30;
  opt.threads = 2;
  const IdentityFit fit = fit_clp_identity(past, pop, obs, opt);
  EXPECT_GT(fit.tau, 0.3);
  EXPECT_GT(fit.log_likelihood, fit.log_likelihood_tau0);
  // Rank agreement: mean posterior lean of the CLPs that nominated the left candidate above that
  // of those that nominated the right one, and correlation with the truth.
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, covered = 0;
  const double n = double(lean.size());
  for (size_t c = 0; c < lean.size(); ++c) {
    const double x = fit.clps[c].lean_mean, y = lean[c];
    sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    covered += std::fabs(x - y) <= 2 * fit.clps[c].lean_sd;
  }
  const double corr = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
  // One yes/no-like outcome per CLP carries little information: what matters is that it is
  // there. Under no relation the correlation over 200 CLPs has sd about 0.07; 0.2 is 3 sd.
  EXPECT_GT(corr, 0.2) << "posterior means do not follow the true leans";
  EXPECT_GT(covered / n, 0.85) << "the 2-sd intervals miss the truth too often";
}

}  // namespace
}  // namespace leadsim::test
