// calibrate_mpi.cpp: the MPI driver of `leadsim calibrate` (see calibrate_mpi.hpp).
#include "calibrate_mpi.hpp"

#include <mpi.h>

#include <cstdint>
#include <vector>

namespace leadsim::cli {

namespace {

// One batch, as every rank receives it: how many candidates (-1: the end), runs each, and
// the candidates' values (row by row) and point seeds.
struct Batch {
  std::int64_t n = -1;
  std::uint64_t runs = 0;
  std::vector<double> thetas;  // n x parameters
  std::vector<std::uint64_t> seeds;
};

// Broadcasts the batch from rank 0 (in place on the other ranks).
void broadcast(Batch& b, size_t params) {
  std::int64_t header[2] = {b.n, std::int64_t(b.runs)};
  MPI_Bcast(header, 2, MPI_INT64_T, 0, MPI_COMM_WORLD);
  b.n = header[0];
  b.runs = std::uint64_t(header[1]);
  if (b.n <= 0) return;
  b.thetas.resize(size_t(b.n) * params);
  b.seeds.resize(size_t(b.n));
  MPI_Bcast(b.thetas.data(), int(b.thetas.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
  MPI_Bcast(b.seeds.data(), int(b.seeds.size()), MPI_UINT64_T, 0, MPI_COMM_WORLD);
}

// This rank's share of a batch (candidates rank, rank + K, ...), run on its threads, flattened
// candidate by candidate as [target][run]; then gathered on rank 0. Returns the whole batch's
// values on rank 0 ([candidate][target][run]), nothing elsewhere.
std::vector<std::vector<std::vector<double>>> run_share(const MpiSession& mpi, const Scenario& base,
                                                        const CalibrationSpec& spec, int threads,
                                                        const Batch& b) {
  const size_t n = size_t(b.n), params = spec.params.size(), targets = spec.targets.size();
  const size_t k = size_t(mpi.size()), per = targets * size_t(b.runs);
  std::vector<std::vector<double>> thetas;
  std::vector<std::uint64_t> seeds;
  for (size_t i = size_t(mpi.rank()); i < n; i += k) {
    thetas.emplace_back(b.thetas.begin() + std::ptrdiff_t(i * params),
                        b.thetas.begin() + std::ptrdiff_t((i + 1) * params));
    seeds.push_back(b.seeds[i]);
  }
  // Not cancelled mid-batch: every rank must take part in the gather (rank 0 stops between
  // batches).
  const auto mine = simulate_values(base, spec, thetas, seeds, b.runs, threads);
  std::vector<double> flat;
  flat.reserve(mine.size() * per);
  for (const auto& candidate : mine)
    for (const auto& runs : candidate) flat.insert(flat.end(), runs.begin(), runs.end());
  // Each rank's count is known to all: its candidates times targets times runs.
  std::vector<int> counts(k), offsets(k);
  for (size_t r = 0, at = 0; r < k; ++r) {
    const size_t candidates = n > r ? (n - r + k - 1) / k : 0;
    counts[r] = int(candidates * per);
    offsets[r] = int(at);
    at += candidates * per;
  }
  std::vector<double> all(mpi.rank() == 0 ? n * per : 0);
  MPI_Gatherv(flat.data(), int(flat.size()), MPI_DOUBLE, all.data(), counts.data(), offsets.data(),
              MPI_DOUBLE, 0, MPI_COMM_WORLD);
  std::vector<std::vector<std::vector<double>>> out;
  if (mpi.rank() != 0) return out;
  out.resize(n);
  for (size_t r = 0; r < k; ++r)
    for (size_t i = r, j = 0; i < n; i += k, ++j) {
      const double* v = all.data() + offsets[r] + std::ptrdiff_t(j * per);
      out[i].resize(targets);
      for (size_t t = 0; t < targets; ++t)
        out[i][t].assign(v + t * size_t(b.runs), v + (t + 1) * size_t(b.runs));
    }
  return out;
}

}  // namespace

CandidateRunner mpi_candidate_runner(const MpiSession& mpi, const Scenario& base,
                                     const CalibrationSpec& spec, int threads) {
  return [&mpi, &base, &spec, threads](const std::vector<std::vector<double>>& thetas,
                                       const std::vector<std::uint64_t>& seeds, std::uint64_t runs) {
    Batch b;
    b.n = std::int64_t(thetas.size());
    b.runs = runs;
    for (const auto& t : thetas) b.thetas.insert(b.thetas.end(), t.begin(), t.end());
    b.seeds = seeds;
    if (b.n == 0) return std::vector<std::vector<std::vector<double>>>{};
    broadcast(b, spec.params.size());
    return run_share(mpi, base, spec, threads, b);
  };
}

void serve_candidates(const MpiSession& mpi, const Scenario& base, const CalibrationSpec& spec,
                      int threads) {
  for (;;) {
    Batch b;
    broadcast(b, spec.params.size());
    if (b.n < 0) return;
    if (b.n > 0) run_share(mpi, base, spec, threads, b);
  }
}

void end_candidate_service(const MpiSession& mpi) {
  if (mpi.size() < 2) return;
  Batch end;  // n = -1
  broadcast(end, 0);
}

}  // namespace leadsim::cli
