// placement.hpp: the placement question of `leadsim target`: given a budget of joiners (one of
// the scenario's member waves, e.g. an organised faction's), which CLPs should they join to win
// the most nominations for a candidate, and how many in each?
//
// The method, in three steps:
//   1. A cost curve per CLP: P_c(k), the probability that CLP c nominates the candidate when k of
//      the wave's people are members there. The wave is placed in every candidate CLP at once
//      (named targeting, k per CLP on average) at levels k = 0, step, 2 step, ..., max_per_clp,
//      each level a population and `runs` runs with the same seed and run indices (common random
//      numbers: the levels differ by the joiners, not by chance). A CLP's meeting depends on its
//      own room (and on national draws every CLP shares), so one ensemble per level measures
//      every CLP's curve; the expected number of nominations of any placement is the sum of its
//      CLPs' P_c (linearity of expectation, whatever the correlation between CLPs). The joiners a
//      level actually put in a CLP (the wave's people choose among the targets at random, so
//      about k, give or take sqrt(k)) are the curve's costs.
//   2. Each curve made non-decreasing (more joiners never cost a CLP: stated, as `target` states
//      it) by isotonic regression (pool adjacent violators), which also smooths its noise.
//   3. The allocation that maximises the expected gain sum_c (P_c(k_c) - P_c(0)) subject to
//      sum_c k_c <= budget: a multiple-choice knapsack, solved exactly by dynamic programming over
//      the budget (curves are S-shaped, not concave, so a greedy allocation by marginal gain can
//      miss: a CLP pays only once its room tips).
//   A choice made on noisy curves flatters itself (the CLPs whose estimates came out high are the
//   ones chosen), so the gain is also measured on `runs` further runs that took no part in the
//   choice (run indices runs .. 2 runs - 1): that held-out gain, with its standard error over
//   runs, is the honest figure.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "leadsim/diagnostic.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

struct PlacementSpec {
  std::string wave;               // id of a member wave: the joiners
  std::string candidate;          // id: whose nominations to maximise
  std::int64_t budget = 0;        // joiners to place in all
  std::int64_t step = 25;         // joiners per CLP between the curve's levels
  std::int64_t max_per_clp = 300; // the curve's last level
  std::uint64_t runs = 200;       // per level to fit the curves (and as many again held out)
  std::uint64_t seed = 1;
  std::vector<std::string> clps;  // names of the CLPs that may be chosen (empty: every CLP)
  std::vector<std::string> set;   // "path=value", applied to the scenario first
  std::string origin, sha256;
  Diagnostic where_wave, where_candidate, where_clps;
};

// Whether a spec file holds a [placement] table (else `leadsim target` reads it as a [target]
// spec, whose reader reports any problem with the file).
bool is_placement_spec(const std::string& file);
// Reads a spec with a [placement] table; InputError with file:line:column on problems.
PlacementSpec load_placement_spec(const std::string& file);
// Holds it against the scenario: the wave a member wave, the candidate and CLPs known
// (did-you-mean each).
void check_placement_spec(const PlacementSpec& spec, const Scenario& base);

// Isotonic (non-decreasing) regression of y with weights w by pool adjacent violators: the
// non-decreasing sequence closest to y in weighted least squares.
std::vector<double> isotonic_increasing(const std::vector<double>& y, const std::vector<double>& w);

// The multiple-choice knapsack: per item c, options l with cost[c][l] (>= 0, whole) and
// gain[c][l]; option 0 must cost 0 and gain 0. Returns the option per item that maximises the
// summed gain with summed cost <= budget (exactly, by dynamic programming over the budget; among
// equal gains the cheaper). Budgets above 20,000 are counted in units of budget / 20,000 joiners,
// each cost rounded up (so the answer never overspends).
std::vector<int> allocate_budget(const std::vector<std::vector<std::int64_t>>& cost,
                                 const std::vector<std::vector<double>>& gain, std::int64_t budget);

struct PlacementCurve {
  int clp = 0;                       // index in the scenario
  std::vector<std::int64_t> joiners; // per level: the wave's people the level put there
  std::vector<std::uint64_t> wins;   // per level: fitting runs in which it nominated
  std::vector<double> p;             // per level: isotonic P_c
  std::vector<std::uint64_t> held_out_wins;  // per level: held-out runs in which it nominated
};

struct PlacementChoice {
  int clp = 0;
  std::int64_t joiners = 0;
  double p_before = 0, p_after = 0;            // fitted (isotonic)
  double held_out_before = 0, held_out_after = 0;
};

struct PlacementResult {
  std::vector<std::int64_t> levels;  // joiners per CLP asked of each level (0, step, ...)
  std::vector<PlacementCurve> curves;  // per candidate CLP
  std::vector<PlacementChoice> chosen; // the CLPs that get joiners, largest gain first
  std::int64_t spent = 0;
  double expected_before = 0;    // sum over every CLP of the scenario of P(nominates), no joiners
  double fitted_gain = 0;        // the allocation's gain on the fitting runs' curves
  double held_out_gain = 0, held_out_se = 0;  // ... on the held-out runs, and its standard error
  std::uint64_t runs_per_level = 0;  // fitting runs per level (as many again held out)
  std::uint64_t runs = 0;        // runs spent
  double seconds = 0;
  bool cancelled = false;
};

// The three steps above on the scenario: base.file loaded again with spec.set (the command adds
// its --set there), one population and ensemble per level on `threads` threads (0: all cores).
// progress(level, levels) before each level and once at the end.
PlacementResult place_joiners(const Scenario& base, const PlacementSpec& spec, int threads,
                              const std::function<void(int, int)>& progress = {},
                              const std::atomic<bool>* cancel = nullptr);

// placement.json, placement.csv (one row per chosen CLP), curves.csv (one row per CLP and
// level) and the readable report.
std::string placement_json(const Scenario& base, const PlacementSpec& spec, const PlacementResult& r);
std::string placement_csv(const Scenario& base, const PlacementResult& r);
std::string placement_curves_csv(const Scenario& base, const PlacementResult& r);
std::string placement_report(const Scenario& base, const PlacementSpec& spec, const PlacementResult& r);

}  // namespace leadsim
