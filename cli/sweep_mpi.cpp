// sweep_mpi.cpp: the MPI driver of `leadsim sweep` (see sweep_mpi.hpp for the protocol's shape).
#include "sweep_mpi.hpp"

#include <fmt/format.h>
#include <mpi.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

namespace leadsim::cli {

namespace {

// Messages. Worker -> 0: kReady (int: how many points it can hold), kResult (a serialised
// PointResult; each result also frees a slot), kBye (it has stopped). 0 -> worker: kAssign
// (uint64 point index), kStop (no more points: finish what you hold).
enum Tag : int { kReady = 1, kAssign = 2, kStop = 3, kResult = 4, kBye = 5 };
constexpr int kSlots = 2;

// Sleeps a little longer each idle turn (50 us to 2 ms), so an idle main thread costs its rank's
// compute threads almost nothing yet answers within a couple of milliseconds.
class Backoff {
 public:
  void idle() {
    std::this_thread::sleep_for(std::chrono::microseconds(wait_));
    wait_ = std::min(wait_ * 2, 2000);
  }
  void busy() { wait_ = 50; }

 private:
  int wait_ = 50;
};

std::optional<std::pair<int, int>> poll(int source = MPI_ANY_SOURCE) {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
  if (!flag) return std::nullopt;
  return std::pair{st.MPI_SOURCE, st.MPI_TAG};
}

std::string receive_bytes(int source, int tag) {
  MPI_Status st;
  MPI_Probe(source, tag, MPI_COMM_WORLD, &st);
  int n = 0;
  MPI_Get_count(&st, MPI_BYTE, &n);
  std::string bytes(size_t(n), '\0');
  MPI_Recv(bytes.data(), n, MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return bytes;
}

int worker(const Scenario& base, const SweepSpec& spec, const MpiSweepJob& job) {
  const std::vector<SweepPoint> design = design_points(spec);
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::uint64_t> assigned;
  std::deque<std::string> results;
  bool stop = false;
  std::atomic<bool> computing{true};
  std::exception_ptr error;

  std::thread compute([&] {
    try {
      compute_points(
          base, spec, design, job.threads,
          [&]() -> std::optional<std::uint64_t> {
            std::unique_lock lk(mu);
            cv.wait(lk, [&] { return !assigned.empty() || stop || (job.cancel && job.cancel->load()); });
            if (assigned.empty()) return std::nullopt;
            const std::uint64_t p = assigned.front();
            assigned.pop_front();
            return p;
          },
          [&](PointResult&& r) {
            std::string bytes = serialize(r);
            std::lock_guard lk(mu);
            results.push_back(std::move(bytes));
          },
          job.cancel);
    } catch (...) {
      error = std::current_exception();
    }
    computing = false;
  });

  int slots = kSlots;
  MPI_Send(&slots, 1, MPI_INT, 0, kReady, MPI_COMM_WORLD);
  Backoff backoff;
  for (;;) {
    bool acted = false;
    while (auto m = poll(0)) {
      acted = true;
      if (m->second == kAssign) {
        std::uint64_t p = 0;
        MPI_Recv(&p, 1, MPI_UINT64_T, 0, kAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        std::lock_guard lk(mu);
        assigned.push_back(p);
      } else {
        MPI_Recv(nullptr, 0, MPI_BYTE, 0, m->second, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        std::lock_guard lk(mu);
        stop = true;
      }
      cv.notify_all();
    }
    if (job.cancel && job.cancel->load()) cv.notify_all();
    for (;;) {
      std::string bytes;
      {
        std::lock_guard lk(mu);
        if (results.empty()) break;
        bytes = std::move(results.front());
        results.pop_front();
      }
      MPI_Send(bytes.data(), int(bytes.size()), MPI_BYTE, 0, kResult, MPI_COMM_WORLD);
      acted = true;
    }
    if (!computing) {
      std::lock_guard lk(mu);
      if (results.empty()) break;
      continue;
    }
    if (acted) backoff.busy();
    else backoff.idle();
  }
  compute.join();
  if (error) {
    // Rank 0 would wait for this rank's points: report here and stop the job.
    try {
      std::rethrow_exception(error);
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
    } catch (const std::exception& e) {
      std::cerr << "leadsim: internal error: " << e.what() << "\n";
    }
    std::cerr.flush();
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  MPI_Send(nullptr, 0, MPI_BYTE, 0, kBye, MPI_COMM_WORLD);
  return 0;
}

int coordinator(const MpiSession& mpi, const Scenario& base, const SweepSpec& spec, const MpiSweepJob& job,
                SweepFolder& folder) {
  const std::vector<SweepPoint> design = design_points(spec);
  const std::vector<std::uint64_t> pending_points = folder.remaining();
  PointDelivery delivery(design, pending_points, folder);  // guarded by mu

  std::mutex mu;  // guards everything below: the local engine's threads and the main thread
  size_t handed = 0;
  std::uint64_t runs_done = 0;
  const auto start = std::chrono::steady_clock::now();
  auto report = [&] {  // with mu held
    if (!job.progress) return;
    SweepProgress p;
    p.points_done = delivery.delivered();
    p.points_total = pending_points.size();
    p.runs_done = runs_done;
    p.runs_expected = std::max<std::uint64_t>(runs_done, pending_points.size() * spec.runs);
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    job.progress(p);
  };
  auto deliver = [&](PointResult&& r) {  // with mu held
    runs_done += r.stats.runs;
    delivery.add(std::move(r));
    report();
  };
  auto take = [&]() -> std::optional<std::uint64_t> {  // with mu held
    if (handed == pending_points.size() || (job.cancel && job.cancel->load())) return std::nullopt;
    return pending_points[handed++];
  };

  std::atomic<bool> local_running{true};
  std::exception_ptr error;
  std::thread local([&] {
    try {
      compute_points(
          base, spec, design, job.threads,
          [&]() {
            std::lock_guard lk(mu);
            return take();
          },
          [&](PointResult&& r) {
            std::lock_guard lk(mu);
            deliver(std::move(r));
          },
          job.cancel);
    } catch (...) {
      error = std::current_exception();
    }
    local_running = false;
  });

  const int workers = mpi.size() - 1;
  std::vector<int> slots(size_t(mpi.size()), 0);
  std::vector<bool> stopped(size_t(mpi.size()), false);
  int bye = 0;
  Backoff backoff;
  std::optional<std::chrono::steady_clock::time_point> cancelled_at;
  for (;;) {
    bool acted = false;
    while (auto m = poll()) {
      acted = true;
      const auto [src, tag] = *m;
      if (tag == kReady) {
        int n = 0;
        MPI_Recv(&n, 1, MPI_INT, src, kReady, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        slots[size_t(src)] += n;
      } else if (tag == kResult) {
        PointResult r = deserialize_point(receive_bytes(src, kResult));
        ++slots[size_t(src)];
        std::lock_guard lk(mu);
        deliver(std::move(r));
      } else if (tag == kBye) {
        MPI_Recv(nullptr, 0, MPI_BYTE, src, kBye, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        ++bye;
      }
    }
    {
      std::lock_guard lk(mu);
      // A rank's second slot keeps a point queued behind the one it computes, so it never waits
      // for a message between points. Near the end that queued point could leave the other ranks
      // idle while it waits its turn: the last points go only to ranks with nothing in hand.
      const bool tail = pending_points.size() - handed < size_t(mpi.size()) * size_t(kSlots);
      for (int w = 1; w <= workers; ++w) {
        while (slots[size_t(w)] > 0 && !stopped[size_t(w)] && !(tail && slots[size_t(w)] < kSlots)) {
          const auto p = take();
          if (!p) break;
          std::uint64_t point = *p;
          MPI_Send(&point, 1, MPI_UINT64_T, w, kAssign, MPI_COMM_WORLD);
          --slots[size_t(w)];
          acted = true;
        }
        // Nothing left to hand out (or stopping): tell the rank to finish what it holds.
        if (!stopped[size_t(w)] && (handed == pending_points.size() || (job.cancel && job.cancel->load()))) {
          MPI_Send(nullptr, 0, MPI_BYTE, w, kStop, MPI_COMM_WORLD);
          stopped[size_t(w)] = true;
          acted = true;
        }
      }
    }
    if (bye == workers && !local_running) break;
    if (job.cancel && job.cancel->load()) {
      // A rank may have died (mpirun then stops the job): wait a little for the others, no more.
      if (!cancelled_at) cancelled_at = std::chrono::steady_clock::now();
      if (std::chrono::steady_clock::now() - *cancelled_at > std::chrono::seconds(10)) {
        std::fprintf(stderr, "\nleadsim: stopped with ranks not answering; %llu of %llu points are saved in %s; "
                             "run the same command with --resume to continue\n",
                     (unsigned long long)folder.done(), (unsigned long long)folder.total(), job.out.c_str());
        std::fflush(stderr);
        std::_Exit(130);
      }
    }
    if (acted) backoff.busy();
    else backoff.idle();
  }
  local.join();
  if (error) std::rethrow_exception(error);
  if (delivery.delivered() < pending_points.size()) {
    std::cerr << fmt::format("\ninterrupted: {} of {} points are saved in {}; run the same command with "
                             "--resume to continue\n", folder.done(), folder.total(), job.out.string());
    return 130;
  }
  folder.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << fmt::format("Sweep of {}: {} points ({} design{}, {} parameters), {} runs per point, seed {}\n",
                           base.file, folder.total(), design_id(spec.design), spec.saltelli ? ", Saltelli layout" : "",
                           spec.params.size(), spec.runs, spec.seed);
  std::cout << fmt::format("{} runs in {:.1f} s ({:.0f} runs/s, {} MPI ranks x {} thread{})\n", runs_done, seconds,
                           seconds > 0 ? double(runs_done) / seconds : 0.0, mpi.size(), job.threads,
                           job.threads == 1 ? "" : "s");
  std::cout << fmt::format("Wrote {}, {} and {}\n", (folder.dir() / "points.csv").string(),
                           (folder.dir() / "runs.csv").string(), (folder.dir() / "sweep.json").string());
  return 0;
}

}  // namespace

int run_sweep_mpi(const MpiSession& mpi, const Scenario& base, const SweepSpec& spec, const MpiSweepJob& job) {
  // Rank 0 opens the folder (it may refuse: another sweep is there); everyone learns the outcome.
  std::unique_ptr<SweepFolder> folder;
  int status = 0;  // 0 go, 1 nothing to do, 2 bad input
  if (mpi.rank() == 0) {
    try {
      folder = std::make_unique<SweepFolder>(job.out, base, spec, job.shard, job.resume);
      if (folder->already_complete()) {
        std::cout << fmt::format("{}: the sweep is already complete\n", job.out.string());
        status = 1;
      } else if (folder->done() > 0) {
        std::cerr << fmt::format("resuming: {} of {} points already done\n", folder->done(), folder->total());
      }
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
      status = 2;
    }
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (status) return status == 1 ? 0 : 2;
  if (mpi.rank() != 0) return worker(base, spec, job);
  try {
    return coordinator(mpi, base, spec, job, *folder);
  } catch (const InputError& e) {
    // A point the loader refuses: the sweep cannot run as specified; the other ranks are told
    // by the abort.
    folder->abandon();
    for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 2);
    return 2;
  }
}

}  // namespace leadsim::cli
