// sweep_mpi.hpp: a sweep spread over MPI ranks (compiled only when CMake finds MPI).
//
// Rank 0 owns the output folder (SweepFolder: resumable, byte-identical to a single process),
// hands out points one at a time to ranks that ask (each holds up to two, so it never waits for
// its next), computes points itself on its own threads, and writes every finished point in point
// order. The other ranks compute the points they are given (compute_points, on their threads)
// and send each back whole. Only the main thread of each rank calls MPI (MPI_THREAD_FUNNELED);
// it polls with short sleeps rather than spinning, so a rank's compute threads keep their core.
//
// A rank that dies takes the job down (mpirun's default); rank 0 says so, and what was written is
// resumable with --resume, by any number of ranks or a single process.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>

#include "leadsim/scenario.hpp"
#include "leadsim/sweep.hpp"
#include "mpi_session.hpp"

namespace leadsim::cli {

struct MpiSweepJob {
  std::filesystem::path out;
  Shard shard;
  bool resume = false;
  int threads = 1;  // per rank
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(const SweepProgress&)> progress;  // rank 0 only
};

// Runs the sweep on every rank of MPI_COMM_WORLD; returns the exit code (the same on every rank
// when the input is bad: 2). Rank 0 prints the summary.
int run_sweep_mpi(const MpiSession& mpi, const Scenario& base, const SweepSpec& spec,
                  const MpiSweepJob& job);

}  // namespace leadsim::cli
