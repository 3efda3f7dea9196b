// sweep.hpp: one parameter swept over a range, the outcome against it with bands.
//
// For each of `points` values of one numeric parameter, from `from` to `to`, a background thread
// loads the scenario with that value (on top of the session's overrides), draws the population
// only if the parameter changes it, and runs `runs` contests through leadsim::run_ensemble with
// the same seed at every point (common random numbers: the curve is smooth and its steps are the
// parameter's, not noise). Points appear as they finish. This does not yet use the library's
// sweep engine (run_sweep): that engine's per-point figures (PointStats) have no quantiles of
// share and nominations and no attendance, which this view draws; moving it there is issue 11.
#pragma once

#include <imgui.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "edit.hpp"
#include "plot.hpp"
#include "runner.hpp"

namespace leadsim::viz {

struct SweepPoint {
  double value = 0;
  std::string error;  // the loader refused this value
  std::uint64_t runs = 0;
  std::vector<Interval> win;          // per candidate: P(win), Wilson 95%
  std::vector<Interval> share;        // per candidate: mean final share, 5% and 95% of runs
  std::vector<Interval> nominations;  // per candidate: mean CLP nominations, 5% and 95% of runs
  Interval attendance;                // mean attendance rate, 5% and 95% of runs
};

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
  std::vector<SweepPoint> points() const;  // those finished, in order of value
  std::vector<std::string> candidates() const;
  SweepSettings last() const;
  double progress() const;  // 0..1 over all points' runs

  // What the panel edits (kept here so it survives tab switches).
  SweepSettings form;
  int outcome = 0;  // 0 P(win), 1 final share, 2 CLP nominations, 3 attendance
  int candidate = 0;

 private:
  void work(std::string file, std::vector<std::string> overrides, SweepSettings s);

  mutable std::mutex mu_;
  std::vector<SweepPoint> points_;
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
