// sweep.hpp: parameter sweeps: a design of points over scenario parameters, many runs at each,
// streamed to tidy tables that survive being killed.
//
// Sections:
//   SweepSpec          what to sweep: parameters (by their `--set` path) with a range or a list
//                      of values, the design, points, runs per point, seed, Saltelli layout,
//                      random streams, adaptive runs. From a [sweep] table, a spec file or flags.
//   check_sweep_spec   checks a spec against the scenario (paths, domains, the points cap)
//   design_points      the points: each parameter's value as the text `--set` would take
//   run_sweep          computes points on all cores, hands them to a SweepSink in point order
//   compute_points     the engine under run_sweep, for callers that hand out points (MPI)
//   SweepFolder        the resumable writer of DIR/points.csv, runs.csv, sweep.json
//   merge_sweeps       joins the folders of `--shard i/n` jobs into one sweep's folder
//
// Random streams. Point p's runs are `leadsim run`'s runs of the point's scenario (the base
// scenario with the point's values set) under the point's seed: the population is
// synthesise(point scenario, seed) and run r uses run_key(seed, r). With streams = "common"
// (the default) every point's seed is the sweep's seed, so points differ only by their
// parameters (common random numbers); with "independent" the seed is derived from the sweep's
// seed and the point's parameter values (not its index), so the same point gets the same
// stream in any design. Either way a point is reproduced alone, byte for byte, by
//   leadsim run SCENARIO --seed <points.csv seed> --runs <runs> --set path=value ...
// whose runs.csv equals the point's rows of the sweep's runs.csv without the point and
// parameter columns. Results never depend on threads, ranks, shards or interruptions.
//
// Example:
//   SweepSpec spec;
//   spec.params = {parse_param_flag("meetings.attendance=0.02:0.1"),
//                  parse_param_flag("eligibility.freeze_ruling=upheld,overturned")};
//   spec.design = SweepDesign::latin;
//   spec.points = 32;
//   spec.runs = 50;
//   Scenario base = load_scenario("scenarios/toy.toml", spec.set);
//   check_sweep_spec(spec, base);                     // throws InputError on bad input
//   SweepFolder out("out/sweep", base, spec, {}, /*resume=*/true);
//   SweepOptions opt;
//   opt.points = out.remaining();                     // all points, or what is left
//   run_sweep(base, spec, opt, out);                  // rows reach disk as points finish
//   out.finish();                                     // points.csv, runs.csv, sweep.json
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leadsim/scenario.hpp"
#include "leadsim/summary.hpp"

namespace leadsim {

enum class SweepDesign { grid, random, latin, sobol };
const char* design_id(SweepDesign d);  // "grid", "random", "latin", "sobol"

enum class StreamPolicy { common, independent };

// What a parameter's values are, from its kind in the field table (fields.hpp).
enum class ParamKind {
  number,   // ranges map linearly; values printed shortest round-trip
  integer,  // ranges: each whole number in [lo, hi] equally likely (grid levels rounded)
  date,     // like integers, in days; printed YYYY-MM-DD
  other,    // words, booleans, strings, tables: lists of values only
};

struct SweepParam {
  std::string path;                 // as for --set, e.g. "meetings.attendance"
  bool is_range = false;
  double lo = 0, hi = 0;            // a range (dates: days since 1970-01-01)
  bool range_of_dates = false;      // the range was written as dates
  int levels = 0;                   // grid levels of a range; 0: SweepSpec::levels
  std::vector<std::string> values;  // a list: each value as TOML text, as --set takes it
  ParamKind kind = ParamKind::other;  // set by check_sweep_spec
  Diagnostic where;                 // where it was defined (file:line:column; message unused)
};

// Keep adding batches of `runs` at a point until the 95% interval of one output is narrower
// than `width` (or the point has max_runs runs). Written "win:ID:WIDTH" (P(win) of candidate
// ID, Wilson interval), "share:ID:WIDTH" (mean final-round share, mean +- 1.96 se) or
// "nominations:ID:WIDTH" (mean CLP nominations, mean +- 1.96 se).
struct AdaptiveTarget {
  enum class Output { win, share, nominations };
  Output output = Output::win;
  std::string candidate;      // candidate id
  double width = 0;           // full width (hi - lo) to reach
  std::string text() const;   // "win:left:0.05"
};
// Parses "win:left:0.05"; throws InputError (located at `where`).
AdaptiveTarget parse_adaptive(const std::string& text,
                              const Diagnostic& where = {"--adaptive", 0, 0, ""});

struct SweepSpec {
  std::vector<SweepParam> params;      // in column order
  SweepDesign design = SweepDesign::latin;
  std::uint64_t points = 0;            // random/latin/sobol: points; Saltelli: base samples N
  int levels = 5;                      // grid: levels of each range without its own
  std::uint64_t runs = 100;            // per point (adaptive: per batch)
  std::uint64_t seed = 1;
  bool saltelli = false;               // N * (k + 2) points from a 2k-dimensional base design
  StreamPolicy streams = StreamPolicy::common;
  std::optional<AdaptiveTarget> adaptive;
  std::uint64_t max_runs = 0;          // adaptive cap per point; 0: 20 * runs
  std::vector<std::string> set;        // "path=value" applied to every point (and the base)
  std::uint64_t max_points = 100000;   // refuse bigger designs (a guard, not part of the sweep)
  std::string origin;                  // where the spec was read, for messages
  std::map<std::string, Diagnostic> locations;  // where each key was set (messages point there)

  std::uint64_t adaptive_cap() const { return max_runs ? max_runs : 20 * runs; }
};

// Reads a [sweep] table onto `spec`: keys present replace what is there, a `parameters` table
// replaces the whole list. `scenario_file`: the table is the file's [sweep] (absent: nothing
// changes); otherwise the file is a spec: its [sweep] table, or its top level when it has none.
// Throws InputError with file:line:column for every problem.
//   [sweep]
//   design = "latin"                      # grid, random, latin, sobol
//   points = 64
//   runs = 100
//   [sweep.parameters]
//   "meetings.attendance" = { min = 0.02, max = 0.1 }
//   "eligibility.freeze_ruling" = ["upheld", "overturned"]
void read_sweep_spec(const std::string& file, SweepSpec& spec, bool scenario_file);
SweepSpec load_sweep_spec(const std::string& file);  // a spec file onto the defaults

// One --param flag: "path=lo:hi", "path=lo:hi:levels" or "path=v1,v2,...". Throws InputError.
SweepParam parse_param_flag(const std::string& text);

// Checks the spec against the base scenario (loaded with spec.set): every path exists (with a
// did-you-mean), ranges only for numbers, integers and dates, every range's ends and every
// listed value accepted by the loader, the design within max_points and the Sobol table, runs
// and points positive, the adaptive candidate known. Fills each parameter's kind. Throws
// InputError with every problem.
void check_sweep_spec(SweepSpec& spec, const Scenario& base);

// Number of points the (checked) spec's design has.
std::uint64_t design_size(const SweepSpec& spec);

struct SweepPoint {
  std::uint64_t index = 0;
  std::vector<std::string> values;   // per parameter: TOML text, as --set takes it
  std::vector<std::string> shown;    // per parameter: as written in the CSVs (words unquoted)
  std::int64_t saltelli_sample = -1; // Saltelli designs: base sample 0..N-1
  int saltelli_matrix = -1;          // 0 = A, 1 = B, 1 + i = AB_i
  std::uint64_t seed = 0;            // the point's seed (see "Random streams" above)
  std::vector<std::string> overrides(const SweepSpec& spec) const;  // spec.set + path=value
};
// Every point of the (checked) spec's design, in point order.
std::vector<SweepPoint> design_points(const SweepSpec& spec);

// A mean with its standard error and 95% interval (mean +- 1.959964 se).
struct MeanEstimate {
  double mean = 0, se = 0, lo = 0, hi = 0;
};
// What points.csv says about a point.
struct PointStats {
  std::uint64_t runs = 0;
  std::vector<Proportion> win;            // per candidate: P(win), Wilson 95%
  std::vector<MeanEstimate> share;        // per candidate: final-round share
  std::vector<MeanEstimate> nominations;  // per candidate: CLP nominations
};
struct PointResult {
  std::uint64_t point = 0;
  PointStats stats;
  std::string runs_rows;  // the point's rows of runs.csv, in run order, each ending in "\n"
};
// A PointResult as bytes and back (how MPI ranks send finished points).
std::string serialize(const PointResult& r);
PointResult deserialize_point(std::string_view bytes);

// Receives finished points in point order.
class SweepSink {
 public:
  virtual ~SweepSink() = default;
  virtual void on_point(const SweepPoint& point, const PointResult& result) = 0;
};

struct SweepProgress {
  std::uint64_t points_done = 0, points_total = 0;  // of this call's points
  std::uint64_t runs_done = 0;   // runs finished by this call
  std::uint64_t runs_expected = 0;  // points_total * runs (adaptive: at least)
  double seconds = 0;           // since the call began
};

struct SweepOptions {
  int threads = 0;                       // 0: all hardware threads
  std::vector<std::uint64_t> points;     // which points, in this order; empty: all
  std::function<void(const SweepProgress&)> progress;  // throttle it yourself; any thread
  const std::atomic<bool>* cancel = nullptr;  // set to stop; finished points are kept
};

// Computes the points on `threads` threads over (point, run) pairs and hands each to `sink` in
// the order of opt.points. Returns false if cancelled. Throws InputError if a point's values are
// refused by the loader (a combination the range checks could not see).
bool run_sweep(const Scenario& base, const SweepSpec& spec, const SweepOptions& opt,
               SweepSink& sink);

// The engine: `next()` yields the index of the next point to compute (nullopt: no more; it may
// block); `done` receives each finished point, in completion order, from a worker thread.
// `on_run` is called after every run (for progress). Returns false if cancelled.
bool compute_points(const Scenario& base, const SweepSpec& spec,
                    const std::vector<SweepPoint>& design, int threads,
                    const std::function<std::optional<std::uint64_t>()>& next,
                    const std::function<void(PointResult&&)>& done,
                    const std::atomic<bool>* cancel = nullptr,
                    const std::function<void()>& on_run = {});

// One point alone (the same bytes as its rows in any sweep).
PointResult run_point(const Scenario& base, const SweepSpec& spec, const SweepPoint& point,
                      int threads = 1);

// The CSV layouts. points.csv: point, [saltelli_sample, saltelli_matrix], one column per
// parameter (its path), seed, then per candidate X: win_X, win_X_lo, win_X_hi, share_X,
// share_X_se, share_X_lo, share_X_hi, nominations_X, nominations_X_se, nominations_X_lo,
// nominations_X_hi; then runs. runs.csv: point, one column per parameter, then exactly the
// columns of `leadsim run`'s runs.csv.
std::string points_csv_header(const Scenario& base, const SweepSpec& spec);
std::string points_csv_row(const SweepSpec& spec, const SweepPoint& point, const PointStats& s);
std::string runs_csv_header(const Scenario& base, const SweepSpec& spec);

// --shard i/n: shard i (1-based) computes points i-1, i-1+n, i-1+2n, ...
struct Shard {
  std::uint64_t index = 1, count = 1;
  bool whole() const { return count == 1; }
};
Shard parse_shard(const std::string& text);  // "2/8"; throws InputError
std::vector<std::uint64_t> shard_points(std::uint64_t total, Shard shard);

// sweep.json: what the sweep is (the spec and its SHA-256, the scenario and its files'
// SHA-256, seed, design, parameters, leadsim version and commit; the shard when split).
std::string sweep_json(const Scenario& base, const SweepSpec& spec, Shard shard);
std::string spec_sha256(const SweepSpec& spec);

// DIR/points.csv, runs.csv and sweep.json, written so that a sweep killed at any moment (even
// by SIGKILL) resumes to byte-identical files. While it runs they are *.partial, and a journal
// (DIR/sweep.journal) records, after each point, how many points are done and the length and a
// hash of each file's finished part; resuming truncates the partial files to the last good
// record. Finished: the files are renamed into place and the journal removed.
class SweepFolder : public SweepSink {
 public:
  // Starts a sweep in `dir`, or with `resume` continues the unfinished one there (starting it if
  // there is none). Throws InputError when an unfinished sweep is there and `resume` is false,
  // when it is a different sweep (another spec, scenario, seed, shard or leadsim build), or when
  // the folder cannot be written or another process is writing it.
  SweepFolder(std::filesystem::path dir, const Scenario& base, const SweepSpec& spec, Shard shard,
              bool resume);
  ~SweepFolder() override;
  SweepFolder(const SweepFolder&) = delete;
  SweepFolder& operator=(const SweepFolder&) = delete;

  std::uint64_t total() const { return tasks_.size(); }       // this shard's points
  std::uint64_t done() const { return done_; }                 // finished so far
  bool complete() const { return done_ == tasks_.size(); }
  bool already_complete() const { return already_complete_; }  // found finished on opening
  std::vector<std::uint64_t> remaining() const;                // points still to compute
  void on_point(const SweepPoint& point, const PointResult& result) override;
  void finish();   // renames the files into place (only when complete)
  void abandon();  // removes the partial files and the journal (bad input mid-way)
  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Impl;
  std::filesystem::path dir_;
  std::vector<std::uint64_t> tasks_;
  std::uint64_t done_ = 0;
  bool already_complete_ = false;
  std::unique_ptr<Impl> impl_;
};

// Joins the folders of every shard of one sweep (complete, any order) into `out`: files
// byte-identical to the unsharded sweep's. Throws InputError if a shard is missing, repeated,
// unfinished, or from another sweep.
void merge_sweeps(const std::vector<std::filesystem::path>& shards,
                  const std::filesystem::path& out);

}  // namespace leadsim
