// ordered_pool.hpp (private): the library's one way to spread numbered work over threads and take
// the results back in number order.
//
// Results depend only on what is computed, never on which thread computed it or when: work items
// are numbered (run r of an ensemble, run r of a sweep point, the i-th point to deliver), finished
// items may arrive in any order, and a ReorderBuffer hands them on strictly by number. Summing in
// that order is what makes every output byte identical whatever the thread count.
//
// OrderedPool holds what the workers share: the lock under which results are handed on, the
// condition variable idle workers wait on, cancellation (an outside flag, looked at now and then)
// and the first exception a worker threw (rethrown by run() once every thread has stopped).
// run_ensemble (ensemble.cpp) and the sweep engine (sweep_engine.cpp) are built on it; they
// differ only in how a worker picks its next item.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace leadsim::detail {

// Items numbered first, first + 1, ... finished in any order, handed on in order.
template <class T>
class ReorderBuffer {
 public:
  explicit ReorderBuffer(std::uint64_t first = 0) : next_(first) {}

  // Takes item `index`, then hands `emit(index, item)` every item now due, in order.
  template <class Emit>
  void put(std::uint64_t index, T&& item, Emit&& emit) {
    pending_.emplace(index, std::move(item));
    for (auto it = pending_.begin(); it != pending_.end() && it->first == next_;
         it = pending_.erase(it)) {
      emit(it->first, it->second);
      ++next_;
    }
  }
  std::uint64_t next() const { return next_; }  // the number of the next item to hand on

 private:
  std::map<std::uint64_t, T> pending_;  // finished ahead of an earlier item
  std::uint64_t next_;
};

// 0 (or less): all hardware threads.
inline int resolve_threads(int threads) {
  return threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

class OrderedPool {
 public:
  explicit OrderedPool(const std::atomic<bool>* cancel = nullptr) : cancel_(cancel) {}

  // Runs work(t) on `threads` threads (t = 0 on the calling thread) and waits for them all.
  // A worker that throws stops the pool (stopped() turns true, waiters wake); the first exception
  // is rethrown here.
  template <class Work>
  void run(int threads, Work&& work) {
    auto guarded = [&](int t) {
      try {
        work(t);
      } catch (...) {
        fail(std::current_exception());
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
    guarded(0);
    for (auto& th : pool) th.join();
    if (error_) std::rethrow_exception(error_);
  }

  // A worker failed, or the caller's cancel flag is set.
  bool stopped() const {
    return failed_.load() || (cancel_ && cancel_->load(std::memory_order_relaxed));
  }

  std::mutex mu;               // guards the workers' shared state and the reorder buffers
  std::condition_variable cv;  // idle workers wait here; notify after handing results on

 private:
  void fail(std::exception_ptr e) {
    std::lock_guard lk(mu);
    if (!error_) error_ = e;
    failed_ = true;
    cv.notify_all();
  }

  const std::atomic<bool>* cancel_;
  std::atomic<bool> failed_{false};
  std::exception_ptr error_;
};

}  // namespace leadsim::detail
