// abc.hpp: approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), independent of
// what is simulated. `leadsim calibrate` (calibration.hpp) runs it on the sweep engine; the tests
// run it on models whose posterior is known in closed form.
//
// The algorithm is population Monte Carlo ABC (Beaumont, Cornuet, Marin and Robert, Biometrika
// 2009; Toni et al., J. R. Soc. Interface 2009) with adaptive tolerances (each generation's is a
// quantile of the previous generation's accepted distances, Del Moral, Doucet and Jasra 2012):
//   generation 0: N particles from the prior, each simulated; all accepted (tolerance infinite);
//   generation t: eps_t = the `quantile` of generation t-1's distances; a candidate is a particle
//     of t-1 drawn by weight and moved by a normal kernel whose covariance is twice the weighted
//     covariance of generation t-1 (Beaumont et al.'s choice); candidates outside the prior's
//     support are refused before simulation; one whose distance is <= eps_t is accepted with
//     weight prior(theta) / sum_j w_j K(theta | theta_j); until N are accepted.
// The kernel moves each parameter on its working scale (log scale for a log-uniform prior), and
// prior densities and kernel densities are both taken on that scale, so the weights are right.
//
// Determinism: candidates are proposed in batches, each from its own stream (seed, generation,
// candidate index), simulated together (in parallel, in any order) and accepted in index order;
// the first N accepted are kept. The result is the same bytes whatever the threads or ranks.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace leadsim {

// A prior on one parameter. `lo`/`hi` bound its support (the field's domain, intersected with
// the prior's own: a normal prior is truncated to it).
struct Prior {
  enum class Kind { uniform, log_uniform, normal, beta };
  Kind kind = Kind::uniform;
  double a = 0, b = 1;      // uniform/log-uniform: min, max; normal: mean, sd; beta: alpha, beta
  double lo = 0, hi = 1;    // support; beta: the interval the beta variable is scaled onto
  bool integer = false;     // values are rounded to whole numbers when used (ASSUMED harmless
                            // for counts of hundreds; the density is of the continuous value)

  // Whether x is inside the support.
  bool contains(double x) const;
  // The working scale the kernel moves on: log(x) for log-uniform, x otherwise; and back.
  double to_working(double x) const;
  double from_working(double z) const;
  // log density on the working scale, up to a constant (-infinity outside the support).
  double log_density_working(double z) const;
  // A draw from the prior (on the natural scale), from a uniform stream.
  double sample(std::uint64_t key) const;
  const char* kind_id() const;  // "uniform", "log_uniform", "normal", "beta"
};

struct Particle {
  std::vector<double> theta;     // natural scale, one per parameter
  double weight = 0;             // normalised within its generation
  double distance = 0;
  std::vector<double> summary;   // the simulated summaries (one per target)
  std::uint64_t candidate = 0;   // its candidate index within the generation (seeds its runs)
};

struct Generation {
  double tolerance = 0;                // infinity for generation 0
  std::vector<Particle> particles;
  std::uint64_t proposed = 0;          // candidates simulated (refused-by-support not counted)
  std::uint64_t refused = 0;           // candidates outside the prior's support
  double ess = 0;                      // effective sample size, 1 / sum w^2
  double acceptance() const { return proposed ? double(particles.size()) / double(proposed) : 0; }
};

struct AbcOptions {
  std::uint64_t particles = 200;
  int generations = 8;              // at most this many (generation 0 included)
  double quantile = 0.5;            // of the previous distances: the next tolerance
  double min_acceptance = 0.02;     // stop after a generation that accepted fewer
  double final_tolerance = 0;       // stop once the tolerance is at or below it (0: never)
  std::uint64_t batch = 0;          // candidates simulated together (0: particles)
  std::uint64_t max_candidates = 0; // per generation (0: 50 * particles); then stop
  std::uint64_t seed = 1;
};

// The simulator: summaries (one vector per candidate, one value per target) for a batch of
// parameter vectors; `generation` and each candidate's index seed its runs. May return fewer rows
// than asked if cancelled (the calibration then stops).
using BatchSimulator = std::function<std::vector<std::vector<double>>(
    const std::vector<std::vector<double>>& thetas, int generation,
    const std::vector<std::uint64_t>& candidates)>;

// The distance of summaries s from the observed values: Euclidean, each difference divided by
// its target's scale.
double abc_distance(const std::vector<double>& s, const std::vector<double>& observed,
                    const std::vector<double>& scale);

struct AbcProgress {
  int generation = 0;
  double tolerance = 0;
  std::uint64_t accepted = 0, proposed = 0, wanted = 0;
};

struct AbcResult {
  std::vector<Generation> generations;
  std::string stop_reason;   // why it stopped: "generations", "acceptance", "tolerance", ...
  bool cancelled = false;
};

// Runs ABC-SMC. `on_generation` is called after each finished generation (to write it out);
// `progress` after each batch. `resume`: generations an interrupted run of the same problem
// finished (as on_generation received them, bit for bit); the run goes on after them and ends as
// the uninterrupted one would have. Throws std::invalid_argument on a malformed problem (no
// parameters, sizes that do not match, a resume that cannot be of this problem).
AbcResult abc_smc(const std::vector<Prior>& priors, const std::vector<double>& observed,
                  const std::vector<double>& scale, const AbcOptions& options,
                  const BatchSimulator& simulate,
                  const std::function<void(const Generation&, int)>& on_generation = {},
                  const std::function<void(const AbcProgress&)>& progress = {},
                  const std::atomic<bool>* cancel = nullptr, std::vector<Generation> resume = {});

// The weighted quantile q (0..1) of values with weights summing to 1, one of the values, taken
// the same way from either end so that quantile(1 - q) mirrors quantile(q): for q <= 1/2 the
// smallest value whose weight at or below it reaches q, for q > 1/2 the largest value whose
// weight at or above it reaches 1 - q. (Taking "cumulative weight reaches q" for every q leaves
// one particle more outside the upper end of a central interval than outside the lower: with 60
// equal particles, 3 above the 95% quantile and 2 below the 5%.)
double weighted_quantile(std::vector<std::pair<double, double>> value_weight, double q);
// The weighted mean and the weighted quantile q (0..1) of parameter p in a generation.
double weighted_mean(const Generation& g, size_t p);
double weighted_quantile(const Generation& g, size_t p, double q);
// The share of generation g's weight whose parameter p lies within `fraction` (0..1) of the
// prior's range from its lower bound (upper = false) or its upper bound, the range taken on the
// prior's working scale (the log scale for a log-uniform prior, where such a prior is flat). NaN
// when the support is unbounded on either side (there is no range to take a fraction of).
double weight_near_bound(const Generation& g, size_t p, const Prior& prior, bool upper,
                         double fraction);

}  // namespace leadsim
