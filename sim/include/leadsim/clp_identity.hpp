// clp_identity.hpp: what a constituency party is from one contest to the next, and how its past
// nomination tells us what it is.
//
// The model (a hierarchical latent-trait model; README "CLP identity" gives it in full):
//   Each CLP c has two lasting traits, the same in every run and every contest:
//     lean      L_c: how much further left its members are than its covariates predict, in
//                    log-odds per unit of the first policy axis. Faction f's odds in CLP c are
//                    multiplied by exp(-centre_f[0] * L_c) (a faction at -0.9 gains exp(0.9 L_c)).
//     activity  A_c: how readily it holds a nomination meeting, in log-odds:
//                    P(c meets) = logistic(logit(meetings.meet) + A_c).
//   Prior (before its own history):  L_c ~ N(0, tau^2),  A_c ~ N(0, tau_A^2).
//   Likelihood of its past nomination y_c (a candidate, or none):
//     P(y_c = k | L, A)    = p(A) * P_sim(k | meets, L)            (k a candidate)
//     P(y_c = none | L, A) = 1 - p(A) + p(A) * P_sim(none | meets, L)
//   where p(A) = logistic(a0 + A) and P_sim is what the past contest's own agent-based model gives
//   for that CLP (its size, covariate, region, MP), estimated by simulation on a grid of leans.
//   tau and a0 are fitted by marginal maximum likelihood over all CLPs (empirical Bayes); tau_A is
//   ASSUMED (one yes/no per CLP cannot separate its variance from its mean).
//   Posterior per CLP on the (L, A) grid, summarised as a mean and sd; a later contest's runs draw
//   L_c ~ N(mean, sd^2) and A_c likewise, independently per run: the CLP's uncertainty, not a
//   fresh identity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "leadsim/population.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

// A past contest's outcome per CLP of a scenario: a candidate index, kNoNomination, or
// kUnobserved (the CLP is not in the file).
inline constexpr int kNoNomination = -1;
inline constexpr int kUnobserved = -2;
struct ObservedNominations {
  std::vector<int> outcome;  // per CLP of the scenario
  int matched = 0;           // CLPs found in the file
  int unmatched_rows = 0;    // file rows naming no CLP of the scenario (another nation, say)
};
// Reads a CSV with columns `clp` and `nominated` (a candidate id of `s`, or "none"). Throws
// InputError with file:line for a missing column, an unknown candidate or a CLP named twice.
ObservedNominations read_observed_nominations(const Scenario& s, const std::string& path);

struct IdentityFitOptions {
  int grid = 25;            // lean values, evenly spaced on [-lean_range, lean_range]
  double lean_range = 3.0;  // log-odds per axis unit
  int runs_per_grid = 40;   // runs in which each CLP sits at each lean value
  double activity_sd = 1.0; // tau_A, ASSUMED
  std::uint64_t seed = 1;
  int threads = 0;
};

struct ClpPosterior {
  int observed = kUnobserved;
  double lean_mean = 0, lean_sd = 0, activity_mean = 0, activity_sd = 0;
};
struct IdentityFit {
  double tau = 0;             // fitted sd of the lean prior
  double a0 = 0;              // fitted log-odds of meeting at activity 0 in the past contest
  double activity_sd = 0;     // as assumed
  double log_likelihood = 0;  // marginal, at the fitted (tau, a0), over observed CLPs
  double log_likelihood_tau0 = 0;  // the same with tau = 0 (no lasting lean), for comparison
  std::uint64_t runs = 0;     // simulation runs spent
  std::vector<double> grid;   // the lean values
  std::vector<ClpPosterior> clps;  // per CLP of the scenario
};

// Fits the CLPs' lasting traits of scenario `past` (the contest the observations come from)
// from their observed nominations. `pop` is synthesise(past, seed).
IdentityFit fit_clp_identity(const Scenario& past, const Population& pop,
                             const ObservedNominations& observed, const IdentityFitOptions& opt);

// The identity file: one row per CLP, `clp,observed,lean_mean,lean_sd,activity_mean,activity_sd`,
// written by `leadsim identity` and read by a later scenario's `[clps] identity`.
void write_identity_csv(std::ostream& out, const Scenario& past, const IdentityFit& fit);

}  // namespace leadsim
