// sensitivity.hpp: which parameters matter: Sobol indices from a Saltelli sweep.
//
// Variance-based sensitivity analysis apportions the variance of an output Y = f(X_1..X_k) over
// independent inputs. The first-order index S_i is the share of Var(Y) explained by X_i alone;
// the total-order index ST_i is the share X_i takes part in, alone or in interactions with
// others. ST_i - S_i large: X_i matters through interactions. ST_i near 0: X_i can be fixed.
//
// Data flow:
//   `leadsim sweep` with a Saltelli design evaluates, for each base sample j = 0..N-1, the rows
//   A_j and B_j of two independent sample matrices and the k rows AB_i,j (A_j with parameter i
//   taken from B_j) -> DIR/points.csv, DIR/sweep.json
//   --read_saltelli_sweep--> SaltelliTable: f(A), f(B), f(AB_i) per chosen output column
//   --sobol_indices--> SobolIndices: S_i and ST_i with bootstrap intervals, per output
//   --format_sensitivity / write_sensitivity_csv--> the printed table and DIR/sensitivity.csv
//
// Estimators (Saltelli et al. 2010, "Variance based sensitivity analysis of model output",
// Table 2), with V the variance of the 2N values f(A) and f(B):
//   S_i  = mean_j( f(B)_j * (f(AB_i)_j - f(A)_j) ) / V        (Saltelli 2010)
//   ST_i = mean_j( (f(A)_j - f(AB_i)_j)^2 ) / 2 / V           (Jansen 1999)
// Intervals: percentile bootstrap over the N base samples (a resample keeps each sample's A, B
// and AB rows together, as the estimators pair them), from a seeded Stream (random.hpp), so the
// same data and seed give the same intervals.
//
// Example:
//   SaltelliTable t = read_saltelli_sweep("out/sweep", {"nominations_smith"});
//   SobolIndices s = sobol_indices(t.f_a[0], t.f_b[0], t.f_ab[0], {.bootstrap = 1000});
//   double st = s.total[0].value;  // total-order index of t.parameters[0]
#pragma once

#include "leadsim/eigen.hpp"
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace leadsim {

// An index and its bootstrap interval. NaN when the output does not vary (V = 0).
struct SobolEstimate {
  double value = 0, lo = 0, hi = 0;
};

struct SobolIndices {
  std::vector<SobolEstimate> first;  // per parameter: S_i
  std::vector<SobolEstimate> total;  // per parameter: ST_i
  double variance = 0;               // V: variance of the output over f(A) and f(B)
  double mean = 0;                   // mean of the output over f(A) and f(B)
  int samples = 0;                   // N base samples
};

struct SobolOptions {
  int bootstrap = 1000;      // resamples for the intervals (0: no intervals, lo = hi = value)
  double confidence = 0.95;  // two-sided percentile interval
  std::uint64_t seed = 1;    // of the resampling stream
};

// First- and total-order indices from Saltelli-layout outputs: f_a and f_b (N values each) and
// f_ab (N x k, column i = f(AB_i)). Throws std::invalid_argument on mismatched sizes, N < 2 or
// non-finite values. Example: sobol_indices(fa, fb, fab, {.bootstrap = 500, .seed = 7}).
SobolIndices sobol_indices(const Eigen::VectorXd& f_a, const Eigen::VectorXd& f_b,
                           const Eigen::MatrixXd& f_ab, const SobolOptions& opt = {});

// The outputs of a Saltelli sweep, gathered by base sample. Only complete samples are kept:
// those with the A row, the B row and all k AB rows present. A sweep still running (or stopped
// before its end) has some incomplete samples; the analysis uses the complete ones, which are
// still a valid (smaller) Saltelli sample, and says how many it left out.
struct SaltelliTable {
  std::filesystem::path points_file;    // DIR/points.csv (or points.csv.partial)
  std::vector<std::string> parameters;  // k, in the sweep's order (AB1 varies parameters[0])
  std::vector<std::string> outputs;     // the output columns read
  std::vector<int> samples;             // saltelli_sample numbers of the complete samples, sorted
  int samples_seen = 0;                 // distinct samples with at least one row
  int samples_expected = 0;             // N the sweep was asked for (0 if sweep.json omits it)
  // Per output (same order as `outputs`), one entry per complete sample (same order as samples):
  std::vector<Eigen::VectorXd> f_a, f_b;
  std::vector<Eigen::MatrixXd> f_ab;  // N x k
};

// Reads DIR/sweep.json (the parameters and the design) and DIR/points.csv (one row per point:
// point, saltelli_sample, saltelli_matrix = A | B | AB1..ABk, the parameters, the outputs), or,
// while the sweep runs, their NAME.partial forms.
// `outputs` names the columns to analyse; empty: every numeric output column that is an
// estimate (not an interval bound or a count of runs). Throws InputError (scenario.hpp) naming
// the file and line: missing files, a design that is not Saltelli, unknown columns (with a
// did-you-mean), values that are not numbers, duplicated rows, no complete sample.
SaltelliTable read_saltelli_sweep(const std::filesystem::path& dir,
                                  const std::vector<std::string>& outputs = {});

// The indices of every output of a table; output o's resampling stream is keyed by the seed and
// the output's name, so an output's intervals do not depend on which other outputs are chosen.
std::vector<SobolIndices> sensitivity(const SaltelliTable& t, const SobolOptions& opt = {});

// sensitivity.csv: output, parameter, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi, variance, samples;
// one row per (output, parameter), parameters in the sweep's order.
void write_sensitivity_csv(std::ostream& out, const SaltelliTable& t,
                           const std::vector<SobolIndices>& indices, const SobolOptions& opt);

// The readable table: per output, its parameters sorted by ST (largest first), each with
// S1 [lo, hi] and ST [lo, hi].
std::string format_sensitivity(const SaltelliTable& t, const std::vector<SobolIndices>& indices,
                               const SobolOptions& opt);

}  // namespace leadsim
