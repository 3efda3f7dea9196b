// sweep.hpp: one parameter swept over a range, the outcome against it with bands.
//
// For each of `points` values of one numeric parameter, from `from` to `to`, the library's sweep
// engine (leadsim::run_sweep, sweep_engine.hpp) runs `runs` contests of the scenario with that
// value (on top of the session's overrides), on a background thread: a one-parameter grid whose
// points all have the sweep's seed (common random numbers: the curve is smooth and its steps are
// the parameter's, not noise), the population drawn again only when the parameter changes it
// (the engine's population cache). Points appear as the engine hands them on, in order. Each
// value is first checked by the loader: a value it refuses is a point with the loader's message,
// not a failed sweep. What a point shows is the engine's PointStats: P(win) with its Wilson
// interval, and the mean final share, CLP nominations and attendance rate with their 5% and 95%
// over the runs.
#pragma once

#include <imgui.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "edit.hpp"
#include "leadsim/sweep_engine.hpp"
#include "plot.hpp"
#include "runner.hpp"

namespace leadsim::viz {

// One value of the swept parameter, as the view keeps it.
struct SweptValue {
  std::size_t index = 0;  // its place among the sweep's values (its grid level)
  double value = 0;
  std::string error;      // the loader refused this value (stats are then empty)
  PointStats stats;       // the engine's figures for the point
};

// What the chart draws for `outcome` (0 P(win), 1 final share, 2 CLP nominations, 3 attendance)
// of candidate c (ignored for attendance): the estimate with, for P(win), its Wilson 95%
// interval, otherwise the 5% and 95% of the point's runs.
Interval sweep_interval(const PointStats& s, int outcome, std::size_t c);

struct SweepSettings {
  std::string path;  // the parameter, e.g. "meetings.attendance"
  double from = 0, to = 1;
  int points = 9;
  // The engine keeps a point's runs.csv rows (about 230 bytes a run) until the point is done,
  // so a point's runs are capped below the run view's.
  static constexpr std::uint64_t kMaxRuns = 100'000;
  std::uint64_t runs = 200;  // per point (at most kMaxRuns)
  std::uint64_t seed = 1;
  int threads = 0;  // 0: all hardware threads
};

class Sweep {
 public:
  Sweep() = default;
  ~Sweep();  // cancels and joins
  Sweep(const Sweep&) = delete;
  Sweep& operator=(const Sweep&) = delete;

  // Starts a sweep of the session's scenario (its file and overrides as they are now).
  void start(const EditSession& e, SweepSettings s);  // s.runs capped at kMaxRuns
  void cancel();
  bool running() const { return running_; }
  std::vector<SweptValue> points() const;  // those finished (or refused), in order of value
  std::vector<std::string> candidates() const;
  SweepSettings last() const;
  double progress() const;  // 0..1 over all points' runs

  // What the panel edits (kept here so it survives tab switches).
  SweepSettings form;
  int outcome = 0;  // 0 P(win), 1 final share, 2 CLP nominations, 3 attendance
  int candidate = 0;

 private:
  void work(std::shared_ptr<const Scenario> base, std::vector<std::string> overrides,
            SweepSettings s);
  void add(SweptValue v);  // in order of index

  mutable std::mutex mu_;
  std::vector<SweptValue> points_;
  std::vector<std::string> candidates_;
  SweepSettings last_;
  std::atomic<bool> cancel_{false}, running_{false};
  std::atomic<std::uint64_t> done_runs_{0}, total_runs_{0};
  std::thread thread_;
};

// The sweep tab: choose the parameter and range, start, watch the curve fill in.
void sweep_panel(Sweep& sweep, const EditSession& e, const RunSettings& settings, ImVec2 size);

}  // namespace leadsim::viz
