// support.hpp: shared helpers for the tests: load the toy scenario with overrides, run ensembles,
// and compare per-run means with tolerances from their sampling error.
#pragma once

#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "leadsim/contest.hpp"
#include "leadsim/csv.hpp"
#include "leadsim/ensemble.hpp"
#include "leadsim/population.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim::test {

inline std::string scenario_path(const std::string& name) {
  return std::string(LEADSIM_SOURCE_DIR) + "/scenarios/" + name;
}

// A file in tests/data/ (rulebooks and ballot files of past contests).
inline std::string data(const std::string& name) {
  return std::string(LEADSIM_SOURCE_DIR) + "/tests/data/" + name;
}

inline Scenario toy(const std::vector<std::string>& overrides = {}) {
  return load_scenario(scenario_path("toy.toml"), overrides);
}

// Runs an ensemble and keeps every run's result (tests only: the engine itself keeps none).
struct Runs : RunObserver {
  std::vector<RunResult> results;
  void on_run(const RunResult& r) override { results.push_back(r); }
};

inline std::vector<RunResult> run_many(const Scenario& s, std::uint64_t runs, std::uint64_t seed = 1,
                                       int threads = 2) {
  const Population pop = synthesise(s, seed);
  Runs keep;
  EnsembleOptions opt;
  opt.seed = seed;
  opt.runs = runs;
  opt.threads = threads;
  run_ensemble(s, pop, opt, &keep);
  return keep.results;
}

// Mean and standard error of a per-run quantity.
struct Estimate {
  double mean = 0, se = 0;
};
template <class F>
Estimate estimate(const std::vector<RunResult>& runs, F f) {
  double sum = 0, sumsq = 0;
  for (const auto& r : runs) {
    const double x = f(r);
    sum += x;
    sumsq += x * x;
  }
  const double n = double(runs.size());
  const double mean = sum / n;
  const double var = std::max(0.0, (sumsq - n * mean * mean) / (n - 1));
  return {mean, std::sqrt(var / n)};
}

// True when b exceeds a by more than four standard errors of the difference.
inline bool clearly_above(const Estimate& b, const Estimate& a) {
  return b.mean - a.mean > 4 * std::sqrt(a.se * a.se + b.se * b.se);
}

// A GoogleTest fixture sharing one scenario and its population across a suite (synthesis is the
// slow part). `Make` returns the scenario: struct P { static Scenario make(); };
template <class Make>
class SharedPopulation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenario_ = new Scenario(Make::make());
    pop_ = new Population(synthesise(*scenario_, 1));
  }
  static void TearDownTestSuite() {
    delete pop_;
    delete scenario_;
  }
  static const Scenario& s() { return *scenario_; }
  static const Population& pop() { return *pop_; }

 private:
  static inline Scenario* scenario_ = nullptr;
  static inline Population* pop_ = nullptr;
};

// A scratch folder under the system temp folder, removed with the object.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("leadsim-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }
  // Writes a file in the folder; returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Lines of a text, without the final empty one.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Fields of a CSV line, as the library splits them (quotes honoured).
inline std::vector<std::string> fields_of(const std::string& line) { return split_csv_line(line); }

}  // namespace leadsim::test
