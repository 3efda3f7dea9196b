#include "leadsim/ensemble.hpp"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

namespace leadsim {

EnsembleResult run_ensemble(const Scenario& s, const Population& pop, const EnsembleOptions& opt,
                            RunObserver* observer) {
  const auto start = std::chrono::steady_clock::now();
  int threads = opt.threads > 0 ? opt.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  threads = int(std::min<std::uint64_t>(std::uint64_t(threads), std::max<std::uint64_t>(1, opt.runs)));
  EnsembleResult result{Summary(s), {}, 0, threads, false};

  std::atomic<std::uint64_t> next_run{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::uint64_t, RunResult> pending;  // finished out of order, waiting for their turn
  std::uint64_t next_emit = 0;
  const std::uint64_t window = 4 * std::uint64_t(threads);
  std::vector<StageProfile> profiles{size_t(threads)};

  auto stopped = [&] {
    return failed.load() || (opt.cancel && opt.cancel->load(std::memory_order_relaxed));
  };

  auto worker = [&](int t) {
    try {
      ContestWorkspace ws;
      ws.timing = opt.profile;
      RunResult r;
      for (;;) {
        const std::uint64_t run = next_run.fetch_add(1);
        if (run >= opt.runs || stopped()) break;
        {
          // Keep at most `window` runs ahead of the oldest unfinished one. The cancel flag is set
          // from outside without a notification, so waits wake now and then to look at it.
          std::unique_lock lock(mu);
          while (!cv.wait_for(lock, std::chrono::milliseconds(50),
                              [&] { return run < next_emit + window || stopped(); })) {
          }
        }
        if (stopped()) break;
        run_contest(s, pop, opt.seed, run, ws, r);
        std::lock_guard lock(mu);
        pending.emplace(run, std::move(r));
        r = RunResult();
        for (auto it = pending.begin(); it != pending.end() && it->first == next_emit;
             it = pending.erase(it)) {
          result.summary.add(it->second);
          if (observer) observer->on_run(it->second);
          ++next_emit;
          if (opt.progress) opt.progress(next_emit, opt.runs);
        }
        cv.notify_all();
      }
      profiles[size_t(t)] = ws.profile;
      // A worker leaving early (cancelled) wakes the others, who may be waiting for its run.
      std::lock_guard lock(mu);
      cv.notify_all();
    } catch (...) {
      std::lock_guard lock(mu);
      if (!error) error = std::current_exception();
      failed = true;
      cv.notify_all();
    }
  };

  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);

  for (const auto& p : profiles) result.profile.add(p);
  result.cancelled = next_emit < opt.runs;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace leadsim
