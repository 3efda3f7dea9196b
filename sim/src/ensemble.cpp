// ensemble.cpp: many runs of one contest on an OrderedPool (ordered_pool.hpp). Runs are handed
// out one at a time from an atomic counter; finished runs pass through the pool's reorder buffer
// into the Summary and the observer in run order, and a window keeps the buffer small.
#include "leadsim/ensemble.hpp"

#include <chrono>

#include "ordered_pool.hpp"

namespace leadsim {

EnsembleResult run_ensemble(const Scenario& s, const Population& pop, const EnsembleOptions& opt,
                            RunObserver* observer) {
  const auto start = std::chrono::steady_clock::now();
  int threads = detail::resolve_threads(opt.threads);
  threads = int(std::min<std::uint64_t>(std::uint64_t(threads), std::max<std::uint64_t>(1, opt.runs)));
  EnsembleResult result{Summary(s), {}, 0, threads, false};

  detail::OrderedPool pool(opt.cancel);
  std::atomic<std::uint64_t> next_run{0};
  detail::ReorderBuffer<RunResult> finished;  // guarded by pool.mu
  const std::uint64_t window = 4 * std::uint64_t(threads);
  std::vector<StageProfile> profiles{size_t(threads)};
  auto emit = [&](std::uint64_t run, const RunResult& r) {
    result.summary.add(r);
    if (observer) observer->on_run(r);
    if (opt.progress) opt.progress(run + 1, opt.runs);
  };

  pool.run(threads, [&](int t) {
    ContestWorkspace ws;
    ws.timing = opt.profile;
    RunResult r;
    for (;;) {
      const std::uint64_t run = next_run.fetch_add(1);
      if (run >= opt.runs || pool.stopped()) break;
      {
        // Keep at most `window` runs ahead of the oldest unfinished one. The cancel flag is set
        // from outside without a notification, so waits wake now and then to look at it.
        std::unique_lock lock(pool.mu);
        while (!pool.cv.wait_for(lock, std::chrono::milliseconds(50),
                                 [&] { return run < finished.next() + window || pool.stopped(); })) {
        }
      }
      if (pool.stopped()) break;
      run_contest(s, pop, opt.seed, run, ws, r);
      std::lock_guard lock(pool.mu);
      finished.put(run, std::move(r), emit);
      r = RunResult();
      pool.cv.notify_all();
    }
    profiles[size_t(t)] = ws.profile;
    // A worker leaving early (cancelled) wakes the others, who may be waiting for its run.
    std::lock_guard lock(pool.mu);
    pool.cv.notify_all();
  });

  for (const auto& p : profiles) result.profile.add(p);
  result.cancelled = finished.next() < opt.runs;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace leadsim
