// target.hpp: `leadsim target`, the inverse question: the smallest value of one parameter (an
// organised wave's size, a turnout, a bias) at which an outcome reaches a probability, e.g. "how
// many organised joiners does it take for Smith to carry Hampstead and Kilburn with P >= 0.9?".
//
// The search assumes P(outcome) does not fall as the parameter grows (more joiners, never fewer
// wins: stated, and the ends are checked). It is a bisection on [min, max] in which each value is
// decided by a sequential test: batches of runs until the outcome's Wilson interval lies wholly
// above or below the wanted probability (each look at confidence 1 - (1 - confidence) / looks, a
// Bonferroni bound over the most looks a value can take), or until max_runs, when the value is
// left undecided and the answer's interval says so. Every value runs the same run indices with
// the same seed (common random numbers), so neighbouring values differ by the parameter's effect
// more than by chance. The answer is the bracket [lo, hi]: lo fails, hi succeeds, hi - lo at most
// `precision`; hi is the smallest value shown to reach the probability.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "leadsim/contest.hpp"
#include "leadsim/diagnostic.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/summary.hpp"

namespace leadsim {

// What is asked of a run.
struct TargetOutcome {
  enum class Kind { clp_nominates, nominations_at_least, wins };
  Kind kind = Kind::wins;
  std::string candidate;  // id
  std::string clp;        // clp_nominates: the CLP's name
  int count = 0;          // nominations_at_least: K
  std::string text() const;  // "Owen Smith is nominated by Hampstead and Kilburn", ...
};

struct TargetSpec {
  std::string parameter;        // a --set path of a number or whole-number field
  double min = 0, max = 1;      // where to look
  double precision = 0;         // stop when the bracket is this narrow (0: (max - min) / 64)
  double probability = 0.9;     // wanted P(outcome)
  double confidence = 0.95;     // of each value's decision
  std::uint64_t runs = 100;     // per batch
  std::uint64_t max_runs = 3000;  // per value
  std::uint64_t seed = 1;
  TargetOutcome outcome;
  std::vector<std::string> set;  // applied to every value
  std::string origin, sha256;
  Diagnostic where_parameter, where_outcome;
};

// Reads a [target] spec (with [target.outcome]); InputError with file:line:column on problems.
TargetSpec load_target_spec(const std::string& file);
// Holds it against the scenario: the parameter a numeric field whose domain holds [min, max]
// (did-you-mean), the candidate and CLP known (did-you-mean).
void check_target_spec(TargetSpec& spec, const Scenario& base);

// One value tried: its runs, successes and Wilson interval at the look's level, the decision.
struct TargetProbe {
  double value = 0;
  std::uint64_t runs = 0, successes = 0;
  Proportion p;
  enum class Verdict { reaches, falls_short, undecided } verdict = Verdict::undecided;
};

struct TargetResult {
  bool found = false;        // some value in [min, max] reaches the probability
  bool at_min = false;       // min already does
  double lo = 0, hi = 0;     // the bracket (found: lo falls short or is min, hi reaches)
  bool undecided = false;    // a value in the search was left undecided at max_runs
  std::vector<TargetProbe> probes;  // in the order tried
  std::uint64_t runs = 0;
  double seconds = 0;
  bool cancelled = false;
};

// Decides values with `estimate` (runs `runs` more runs at a value, after `done` of its runs,
// returning how many succeeded): the search itself, independent of the simulator, for tests.
using TargetEstimator =
    std::function<std::uint64_t(double value, std::uint64_t done, std::uint64_t runs)>;
TargetResult solve_target(const TargetSpec& spec, const TargetEstimator& estimate,
                          const std::function<void(const TargetProbe&)>& on_probe = {},
                          const std::atomic<bool>* cancel = nullptr);

// The search on the scenario: each value loaded with spec.set and parameter=value, its
// population synthesised, its runs run on `threads` threads.
TargetResult find_target(const Scenario& base, const TargetSpec& spec, int threads,
                         const std::function<void(const TargetProbe&)>& on_probe = {},
                         const std::atomic<bool>* cancel = nullptr);

// Whether run r meets the outcome (indices resolved against the scenario).
bool outcome_met(const Scenario& s, const TargetOutcome& o, const RunResult& r);

// target.json and the readable report.
std::string target_json(const Scenario& base, const TargetSpec& spec, const TargetResult& r);
std::string target_report(const TargetSpec& spec, const TargetResult& r);

}  // namespace leadsim
