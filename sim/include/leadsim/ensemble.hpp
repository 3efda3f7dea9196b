// ensemble.hpp: many Monte Carlo runs of one contest, on all cores.
//
// Runs are handed out one at a time from an atomic counter (dynamic load balancing). Each run's
// randomness derives from (seed, run index) alone, and finished runs pass through a reorder
// buffer (the sweep engine's too: sim/src/ordered_pool.hpp), so the Summary and every observer see runs in index order: the outputs are
// byte-identical whatever the thread count. Memory: one workspace per thread plus at most a
// window of 4 pending results per thread; nothing grows with the number of runs.
//
// Example:
//   Scenario s = load_scenario("scenarios/labour-2016.toml");
//   Population pop = synthesise(s, 1);
//   EnsembleResult r = run_ensemble(s, pop, {.seed = 1, .runs = 1000});
//   double p = r.summary.win_probability(0).p;
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "leadsim/contest.hpp"
#include "leadsim/population.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/summary.hpp"

namespace leadsim {

// Sees every run's result, in run order, one call at a time.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_run(const RunResult& r) = 0;
};

struct EnsembleOptions {
  std::uint64_t seed = 1;
  std::uint64_t runs = 1000;
  int threads = 0;       // 0: all hardware threads
  bool profile = false;  // time each stage
  std::function<void(std::uint64_t done, std::uint64_t total)> progress{};  // called in run order
  const std::atomic<bool>* cancel = nullptr;  // set to stop early (runs done so far are kept)
};

struct EnsembleResult {
  Summary summary;
  StageProfile profile;  // seconds per stage, summed over threads
  double seconds = 0;    // wall clock
  int threads = 1;
  bool cancelled = false;
};

EnsembleResult run_ensemble(const Scenario& s, const Population& pop, const EnsembleOptions& opt,
                            RunObserver* observer = nullptr);

}  // namespace leadsim
