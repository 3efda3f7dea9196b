// design.hpp: experimental designs over the unit cube, for parameter sweeps.
//
// Pure functions: no files, no scenario. A design is a list of points; each point has one
// coordinate per swept parameter, in [0, 1) for the space-filling designs (sweep.hpp maps a
// coordinate to a parameter value), or one level index per parameter for the grid.
//
//   grid_design       every combination of levels; the first parameter varies slowest
//   random_design     independent uniform points from a seeded stream
//   latin_hypercube   n points; in every dimension each of the n strata [i/n, (i+1)/n) holds one
//   SobolSequence     the Sobol low-discrepancy sequence (Joe & Kuo 2008 direction numbers,
//                     `new-joe-kuo-6.21201`, up to kSobolMaxDims dimensions), Gray-code order
//   saltelli_design   Saltelli's layout for Sobol indices: from N points of a 2k-dimensional
//                     base design, matrices A (first k columns), B (last k) and AB_i (A with
//                     column i taken from B): N * (k + 2) points, grouped by base sample.
//                     (Over a Sobol base, sweep.hpp starts at the power of two >= N, as SALib
//                     does: the first points have equal halves, so their A and B would coincide.)
//
// Example:
//   auto lhs = latin_hypercube(64, 3, /*seed=*/1);        // 64 x 3, stratified
//   auto base = sobol_design(128, 2 * 3);                  // 128 x 6
//   auto rows = saltelli_design(base, 3);                  // 640 rows: A, B, AB1, AB2, AB3 per sample
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace leadsim {

using DesignMatrix = std::vector<std::vector<double>>;  // rows = points, columns = dimensions

// The highest dimension the built-in direction numbers cover (a Saltelli sweep of k parameters
// needs 2k).
inline constexpr int kSobolMaxDims = 53;

// The Sobol sequence in `dims` dimensions. point(i) is the i-th point in Gray-code order (as in
// Antonov & Saleev, and scipy's unscrambled Sobol): point(0) is the origin, point(1) is
// (0.5, 0.5, ...). Every block of 2^m consecutive points starting at a multiple of 2^m puts
// exactly one point in each interval [j/2^m, (j+1)/2^m) of every coordinate.
class SobolSequence {
 public:
  explicit SobolSequence(int dims);  // throws std::invalid_argument beyond kSobolMaxDims
  int dims() const { return dims_; }
  std::vector<double> point(std::uint64_t index) const;  // coordinates in [0, 1)

 private:
  static constexpr int kBits = 52;  // exact in a double
  int dims_;
  std::vector<std::uint64_t> direction_;  // dims x kBits, direction numbers scaled to 2^kBits
};

// Every combination of level indices, first parameter slowest: levels {2, 3} gives
// (0,0) (0,1) (0,2) (1,0) (1,1) (1,2).
std::vector<std::vector<std::size_t>> grid_design(const std::vector<std::size_t>& levels);
// Number of grid points (saturates at UINT64_MAX instead of overflowing).
std::uint64_t grid_size(const std::vector<std::size_t>& levels);

// n independent uniform points from the stream keyed by `seed`.
DesignMatrix random_design(std::uint64_t n, int dims, std::uint64_t seed);
// n points; each column is a random permutation of the strata 0..n-1 plus a uniform jitter
// within the stratum, divided by n.
DesignMatrix latin_hypercube(std::uint64_t n, int dims, std::uint64_t seed);
// n points of the Sobol sequence from point `skip` (n and skip powers of two keep its balance
// properties).
DesignMatrix sobol_design(std::uint64_t n, int dims, std::uint64_t skip = 0);

// Which matrix a Saltelli row comes from: 0 = A, 1 = B, 1 + i = AB_i (i = 1..k).
struct SaltelliRow {
  std::uint64_t sample = 0;  // base sample, 0..N-1
  int matrix = 0;
  std::vector<double> u;     // k coordinates
};
// From an N x 2k base design: for each sample j, the rows A_j, B_j, AB1_j .. ABk_j.
std::vector<SaltelliRow> saltelli_design(const DesignMatrix& base, int k);
// "A", "B", "AB1", ... for SaltelliRow::matrix.
std::string saltelli_matrix_name(int matrix);

}  // namespace leadsim
