// sweep_spec.hpp: what a sweep is: its parameters with their ranges or lists of values, the
// design, runs per point, seed, Saltelli layout, random streams and adaptive runs, read from a
// [sweep] table, a spec file or --param flags and checked against the scenario; and the design's
// points, each parameter's value as the text `--set` takes. Part of the sweep API (sweep.hpp
// includes it with the rest; see there for the random streams and an example).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "leadsim/scenario.hpp"

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

// How a parameter is swept, from its field's kind (fields.hpp): number (numbers, probabilities),
// integer (whole numbers), date, or other (listed values only; also for an unknown path).
ParamKind param_kind(const std::string& path);

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
  // The seed its population is synthesised from, when not `seed`: a calibration gives all its
  // candidates one population (one membership, as history has), each its own runs.
  std::optional<std::uint64_t> population_seed;
  std::vector<std::string> overrides(const SweepSpec& spec) const;  // spec.set + path=value
};
// Every point of the (checked) spec's design, in point order.
std::vector<SweepPoint> design_points(const SweepSpec& spec);

}  // namespace leadsim
