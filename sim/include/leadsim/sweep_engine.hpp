// sweep_engine.hpp: running a sweep's points: what a finished point holds (its points.csv
// figures, the spread over its runs that the visualiser draws, and its runs.csv rows), the sink
// that receives points in order, run_sweep and the engine under it (compute_points, for callers
// that hand out points themselves, as MPI does), a finished point's bytes for the wire, and the
// points.csv / runs.csv layouts. Part of the sweep API (sweep.hpp includes it with the rest).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leadsim/contest.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/summary.hpp"
#include "leadsim/sweep_spec.hpp"

namespace leadsim {

// A mean with its standard error and 95% interval (mean +- 1.959964 se).
struct MeanEstimate {
  double mean = 0, se = 0, lo = 0, hi = 0;
};
// How a quantity is spread over a point's runs: its 5% and 95% quantiles, as Summary's
// Distribution gives them (shares to 1e-4, counts exactly).
struct RunSpread {
  double q05 = 0, q95 = 0;
};
// What is known about a point: what points.csv says (runs, win, share, nominations), and the
// spread over its runs that the visualiser draws (points.csv leaves it out).
struct PointStats {
  std::uint64_t runs = 0;
  std::vector<Proportion> win;            // per candidate: P(win), Wilson 95%
  std::vector<MeanEstimate> share;        // per candidate: final-round share
  std::vector<MeanEstimate> nominations;  // per candidate: CLP nominations
  std::vector<RunSpread> share_spread;        // per candidate: final-round share over the runs
  std::vector<RunSpread> nominations_spread;  // per candidate: CLP nominations over the runs
  MeanEstimate attendance;                    // meeting attendance rate (RunResult::attendance_rate)
  RunSpread attendance_spread;                // ... over the runs
};
struct PointResult {
  std::uint64_t point = 0;
  PointStats stats;
  std::string runs_rows;  // the point's rows of runs.csv, in run order, each ending in "\n"
};
// A PointResult as bytes and back (how MPI ranks send finished points).
std::string serialize(const PointResult& r);
PointResult deserialize_point(std::string_view bytes);

// Receives finished points in point order.
class SweepSink {
 public:
  virtual ~SweepSink() = default;
  virtual void on_point(const SweepPoint& point, const PointResult& result) = 0;
};

// Hands finished points, which may arrive in any order, to a sink in the order given (how
// run_sweep and the MPI coordinator deliver). Not thread-safe: call add() under your lock.
class PointDelivery {
 public:
  PointDelivery(const std::vector<SweepPoint>& design, const std::vector<std::uint64_t>& order,
                SweepSink& sink);
  ~PointDelivery();
  PointDelivery(const PointDelivery&) = delete;
  PointDelivery& operator=(const PointDelivery&) = delete;
  void add(PointResult&& r);          // r.point must be in the order; the sink may throw
  std::uint64_t delivered() const;    // points handed to the sink so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct SweepProgress {
  std::uint64_t points_done = 0, points_total = 0;  // of this call's points
  std::uint64_t runs_done = 0;   // runs finished by this call
  std::uint64_t runs_expected = 0;  // points_total * runs (adaptive: at least)
  double seconds = 0;           // since the call began
};

struct SweepOptions {
  int threads = 0;                       // 0: all hardware threads
  std::vector<std::uint64_t> points;     // which points, in this order; empty: all
  std::function<void(const SweepProgress&)> progress;  // throttle it yourself; any thread
  const std::atomic<bool>* cancel = nullptr;  // set to stop; finished points are kept
};

// Computes the points on `threads` threads over (point, run) pairs and hands each to `sink` in
// the order of opt.points. Returns false if cancelled. Throws InputError if a point's values are
// refused by the loader (a combination the range checks could not see).
bool run_sweep(const Scenario& base, const SweepSpec& spec, const SweepOptions& opt,
               SweepSink& sink);

// The engine: `next()` yields the index of the next point to compute (nullopt: no more; it may
// block); `done` receives each finished point, in completion order, from a worker thread.
// `on_run` is called after every run (for progress). `on_result`, if given, sees each run's
// whole result (point index, run index, result) on the worker thread that ran it, before the
// run is counted into its point, in no particular order (the calibration reads per-CLP
// quantities from it). Returns false if cancelled.
using RunResultSink = std::function<void(std::uint64_t point, std::uint64_t run, const RunResult&)>;
bool compute_points(const Scenario& base, const SweepSpec& spec,
                    const std::vector<SweepPoint>& design, int threads,
                    const std::function<std::optional<std::uint64_t>()>& next,
                    const std::function<void(PointResult&&)>& done,
                    const std::atomic<bool>* cancel = nullptr,
                    const std::function<void()>& on_run = {},
                    const RunResultSink& on_result = {});

// One point alone (the same bytes as its rows in any sweep).
PointResult run_point(const Scenario& base, const SweepSpec& spec, const SweepPoint& point,
                      int threads = 1);

// The CSV layouts. points.csv: point, [saltelli_sample, saltelli_matrix], one column per
// parameter (its path), seed, then per candidate X: win_X, win_X_lo, win_X_hi, share_X,
// share_X_se, share_X_lo, share_X_hi, nominations_X, nominations_X_se, nominations_X_lo,
// nominations_X_hi; then runs. runs.csv: point, one column per parameter, then exactly the
// columns of `leadsim run`'s runs.csv.
std::string points_csv_header(const Scenario& base, const SweepSpec& spec);
std::string points_csv_row(const SweepSpec& spec, const SweepPoint& point, const PointStats& s);
std::string runs_csv_header(const Scenario& base, const SweepSpec& spec);

}  // namespace leadsim
