// runner.hpp: Monte Carlo runs in the background, streaming into results the UI copies.
//
// One controller thread takes the latest request, synthesises the population if the request
// needs a different one (population_signature(): only parameters synthesise() reads), then calls
// leadsim::run_ensemble, whose worker threads feed every RunResult, in run order, into a Summary
// and a RunTable under a mutex. The UI thread never waits on a run: each frame it calls
// update(), which copies what is new (at most every `min_interval` seconds, and once at the end).
//
// A new request cancels the running job at once (EnsembleOptions::cancel) and starts after a
// debounce, so dragging a slider restarts the runs once, when the hand rests. Until the new job
// has runs, the UI keeps showing the last results.
//
// The last few complete jobs are kept (kKeptJobs). A request for a scenario, seed and run count
// seen before (every resolved parameter equal) is answered from them at once: runs are
// deterministic, so running again would give the same bytes. Flipping a ruling back and forth,
// or resetting to the file, then costs nothing.
//
// The controller lowers its own scheduling priority (kWorkerNice) before starting work; on Linux
// the ensemble's worker threads inherit it, so the UI thread wins the cores when it needs them and
// the window stays smooth while the runs take everything else.
//
// Example:
//   Runner runner;
//   runner.submit(scenario, overrides, {.runs = 1000, .seed = 1}, /*immediately=*/true);
//   Results view;
//   every frame: if (runner.update(view)) redraw from view;
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "results.hpp"

namespace leadsim::viz {

// Scheduling priority of the runs' threads (nice, 0-19): high enough that the UI thread, and a
// software OpenGL's rasterising threads, get the cores whenever they want them.
inline constexpr int kWorkerNice = 10;

// Complete jobs kept for requests seen before, and the most runs a kept job may have (its run
// table costs about 60 bytes a run). A kept job shares its population with the others drawn
// alike; at worst, 8 different populations (about 40 MB each for the 2016 contest) stay alive.
inline constexpr std::size_t kKeptJobs = 8;
inline constexpr std::uint64_t kMaxKeptRuns = 200'000;

struct RunSettings {
  std::uint64_t runs = 1000;  // Monte Carlo runs per job
  std::uint64_t seed = 1;     // master seed (the population's too)
  int threads = 0;            // worker threads, 0: all cores
  bool operator==(const RunSettings&) const = default;
};

class Runner {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Runner(double debounce_seconds = 0.15);
  ~Runner();  // cancels the job and joins the thread
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Asks for `settings.runs` runs of `s`. The running job (if any) is cancelled now; the new one
  // starts after the debounce, or at once if `immediately`.
  void submit(std::shared_ptr<const Scenario> s, std::vector<std::string> overrides,
              RunSettings settings, bool immediately = false);
  // Stops the running job (its runs so far are kept) and drops a waiting request.
  void cancel();
  // Drops the kept jobs (all, or the one with this results_key()): a request for them runs afresh.
  void forget();
  void forget(const std::string& key);

  enum class Phase { idle, waiting, synthesising, running, done, cancelled, failed };
  struct Status {
    Phase phase = Phase::idle;
    std::uint64_t job = 0;              // the job running or last run
    std::uint64_t done = 0, total = 0;  // runs
    double runs_per_second = 0;
    double seconds = 0;                // since the job's runs started
    double synthesis_seconds = 0;      // of the last population drawn
    bool population_reused = false;    // the job's population was the previous one
    bool kept = false;                 // answered from a kept job (no runs were made)
    Clock::time_point requested_at{};  // when the job's request was submitted (the edit)
    std::string error;                 // Phase::failed
  };
  Status status() const;

  // Copies results newer than `view` into it: everything if a new job has runs, else the new
  // rows and a fresh Summary if `min_interval` seconds have passed since the last copy or the job
  // ended. Returns true if `view` changed.
  bool update(Results& view, double min_interval = 0.1);

 private:
  struct Request {
    std::shared_ptr<const Scenario> scenario;
    std::vector<std::string> overrides;
    RunSettings settings;
    Clock::time_point submitted, start_at;
  };
  class Feed;  // the RunObserver: streams runs into shared_
  void loop();
  struct Kept {
    std::string key;  // results_key()
    Results results;
  };

  const double debounce_;
  mutable std::mutex control_mu_;  // pending_, phase_, stop_, job bookkeeping
  std::condition_variable cv_;
  std::optional<Request> pending_;
  bool stop_ = false;
  std::atomic<bool> cancel_{false};
  Status status_;

  mutable std::mutex data_mu_;  // shared_
  Results shared_;              // filled by the workers
  Clock::time_point last_copy_{};

  std::atomic<std::uint64_t> done_{0};
  Clock::time_point run_start_{};

  // The controller thread's own: the last population and its key.
  std::shared_ptr<const Population> population_;
  std::string population_key_;
  std::uint64_t jobs_ = 0;
  std::vector<Kept> kept_;  // most recent last (control_mu_)

  std::thread thread_;  // last: started once everything above exists
};

const char* phase_name(Runner::Phase p);

// What a job's results depend on: every resolved parameter of the scenario, the seed and the
// number of runs (not the threads: results are the same whatever the thread count).
std::string results_key(const Scenario& s, const RunSettings& settings);

}  // namespace leadsim::viz
