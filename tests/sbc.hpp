// sbc.hpp: simulation-based calibration (Talts, Betancourt, Simpson, Vehtari and Gelman, 2018) of
// `leadsim calibrate`, shared by the CTest case (tests/test_sbc.cpp, few replicates) and the
// program `sbc` (tests/sbc_main.cpp, many; not in CTest).
//
// One replicate: a true parameter vector drawn from the spec's prior; a synthetic observation
// made by the model at it (simulate_summaries: the summary a candidate gets, the mean of the
// spec's `runs` runs, on a stream no candidate uses); the calibration of that observation; and,
// per parameter, whether the truth is inside the posterior's central 50% and 90% intervals and
// the truth's rank u = the posterior weight below it. If the inference is right, each interval
// covers the truth at its nominal rate over replicates and u is uniform on [0, 1], whatever the
// model: the truth is a draw from the prior and the observation a draw from the model, so the
// truth is a draw from the exact posterior. ABC with a finite tolerance conditions on "within
// the tolerance" rather than on the observation, which keeps more of the prior: its intervals
// are wider than the exact posterior's, so it over-covers and u piles in the middle. The checks
// are therefore strict on under-coverage (and on a tail holding too much of u) and loose on
// over-coverage.
#pragma once

#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "leadsim/calibration.hpp"
#include "leadsim/random.hpp"

namespace leadsim::sbc {

struct Replicate {
  std::vector<double> truth;       // one per parameter
  std::vector<double> observed;    // one per target
  std::vector<bool> in50, in90;    // per parameter
  std::vector<double> rank;        // per parameter: posterior weight below the truth (ties half)
  std::uint64_t runs = 0;          // runs the calibration spent
};

// Replicate r of the calibration `spec` (loaded and checked against `base`): its truth, its
// observation and its posterior's coverage. `seed` keys the truths and the observations; the
// calibration's own seed is derived from it and r, so replicates are independent. The
// observation is the mean of `observation_runs` runs (0: the spec's `runs`, the summary's own
// distribution, which is what the calibration's likelihood assumes; 1 with runs > 1 asks what
// happens when one contest, as history is, is fitted by means over several runs).
inline Replicate replicate(const Scenario& base, const CalibrationSpec& spec, std::uint64_t seed,
                           std::uint64_t r, int threads, std::uint64_t observation_runs = 0) {
  Replicate out;
  const std::uint64_t key = derive_key(derive_key(seed, name_hash("sbc")), r);
  for (size_t j = 0; j < spec.params.size(); ++j)
    out.truth.push_back(spec.params[j].prior.sample(derive_key(derive_key(key, name_hash("truth")), j)));
  // Whole-number parameters play rounded: the truth is the value the model ran with.
  for (size_t j = 0; j < spec.params.size(); ++j)
    if (spec.params[j].prior.integer) out.truth[j] = std::round(out.truth[j]);
  out.observed = simulate_summaries(base, spec, {out.truth}, {derive_key(key, name_hash("observation"))},
                                    observation_runs ? observation_runs : spec.runs, threads)
                     .at(0);
  CalibrationSpec s = spec;
  for (size_t k = 0; k < s.targets.size(); ++k) s.targets[k].observed = out.observed[k];
  s.abc.seed = derive_key(key, name_hash("calibration")) >> 1;  // the spec's seeds are below 2^63
  s.predictive = false;  // the posterior is all SBC needs
  const CalibrationResult cr = calibrate(base, s, threads);
  out.runs = cr.runs;
  const Generation& g = cr.abc.generations.back();
  for (size_t j = 0; j < spec.params.size(); ++j) {
    const double t = out.truth[j];
    out.in50.push_back(weighted_quantile(g, j, 0.25) <= t && t <= weighted_quantile(g, j, 0.75));
    out.in90.push_back(weighted_quantile(g, j, 0.05) <= t && t <= weighted_quantile(g, j, 0.95));
    double below = 0;
    for (const Particle& p : g.particles)
      below += p.theta[j] < t ? p.weight : p.theta[j] == t ? 0.5 * p.weight : 0.0;
    out.rank.push_back(below);
  }
  return out;
}

// The central 99% acceptance region of a Binomial(n, p) count: [lo, hi] with P(X < lo) <= 0.5%
// and P(X > hi) <= 0.5%, each as large (lo) or small (hi) as that allows.
struct Region {
  std::uint64_t lo = 0, hi = 0;
};
inline Region binomial_region(std::uint64_t n, double p, double alpha = 0.01) {
  const boost::math::binomial_distribution<double> b(double(n), p);
  Region out{0, n};
  while (out.lo < n && boost::math::cdf(b, double(out.lo)) <= alpha / 2) ++out.lo;  // P(X <= lo) > a/2
  while (out.hi > 0 && boost::math::cdf(boost::math::complement(b, double(out.hi - 1))) <= alpha / 2)
    --out.hi;  // P(X >= hi) > a/2
  return out;
}

// A calibration spec file for the SBC (written to `path`): the toy's radical mobilisation under a
// log-uniform prior and, with two parameters, the meetings' attendance under a uniform one;
// targets the left's nominations and, with two, the meetings' attendance. The observed values
// written here are overwritten: each replicate sets its own synthetic ones before calibrating.
inline std::string write_spec(const std::string& path, int parameters, std::uint64_t particles,
                              std::uint64_t runs, int generations, double quantile) {
  std::ofstream f(path);
  f << "[calibration]\n"
    << "particles = " << particles << "\nruns = " << runs << "\ngenerations = " << generations
    << "\nquantile = " << quantile << "\nmin_acceptance = 0\nseed = 1\n"
    // A smaller party than the toy's 24,000 (a fifth): a candidate's population is drawn anew
    // for its own seed, and drawing it is most of a candidate's cost.
    << "set = [\"waves.old.size=2000\", \"waves.new.size=1600\", \"waves.supporters.size=800\", "
       "\"waves.unions.size=400\"]\n"
    << "[calibration.parameters]\n"
    << "\"factions.radical.mobilisation\" = { prior = \"log_uniform\", min = 0.5, max = 4 }\n";
  if (parameters > 1) f << "\"meetings.attendance\" = { prior = \"uniform\", min = 0.05, max = 0.4 }\n";
  f << "[calibration.targets]\n"
    << "nominations_left = { observed = 10, scale = 1 }\n";
  if (parameters > 1) f << "meeting_attendance = { observed = 100, scale = 20 }\n";
  return path;
}

}  // namespace leadsim::sbc
