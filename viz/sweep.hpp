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
  std::size_t index = 0;  // its place among the sweep's values (sweep_values order)
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
  std::uint64_t runs = 200;  // per point
  std::uint64_t seed = 1;
  int threads = 0;
};

class Sweep {
 public:
  Sweep() = default;
  ~Sweep();  // cancels and joins
  Sweep(const Sweep&) = delete;
  Sweep& operator=(const Sweep&) = delete;

  // Starts a sweep of the session's scenario (its file and overrides as they are now).
  void start(const EditSession& e, const SweepSettings& s);
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

// The values a sweep visits: `points` evenly from `from` to `to` (whole numbers for integers,
// duplicates dropped).
std::vector<double> sweep_values(double from, double to, int points, bool integer);

// The sweep tab: choose the parameter and range, start, watch the curve fill in.
void sweep_panel(Sweep& sweep, const EditSession& e, const RunSettings& settings, ImVec2 size);

}  // namespace leadsim::viz
