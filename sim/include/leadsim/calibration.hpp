// calibration.hpp: `leadsim calibrate`: fitting a scenario's free parameters to observed outcomes
// by ABC-SMC (abc.hpp), every candidate parameter set run on the sweep engine.
//
// A calibration spec names the free parameters (by their --set paths, each with a prior inside
// its field's domain), the targets (each with its observed value and a scale: the distance is
// sqrt(sum(((mean over a particle's runs) - observed) / scale)^2)), and the algorithm's
// settings. A target is a runs.csv column, a quantity summed over named CLPs (a CLP's room, its
// votes, whether it nominated), or one of the counts made from a file of per-CLP outcomes
// ([calibration.outcomes]: the CLPs of each region, nation or covariate band that nominated
// each candidate, observed in the file and simulated over the same CLPs). Example
// (its values illustrative; scenarios/calibrations/ holds real ones):
//   [calibration]
//   particles = 100          # per generation
//   runs = 1                 # per particle: its summary is the mean over them (1 against one
//                            # observed contest: more gives intervals too narrow, README)
//   generations = 6
//   quantile = 0.5           # each tolerance: this quantile of the previous distances
//   seed = 1
//   [calibration.parameters]
//   "meetings.attendance" = { prior = "uniform", min = 0.05, max = 0.4 }
//   "factions.left.mobilisation" = { prior = "log_uniform", min = 0.5, max = 4 }
//   "campaign.swing_sd" = { prior = "normal", mean = 0.03, sd = 0.01 }
//   "meetings.gc_attendance" = { prior = "beta", alpha = 9, beta = 1 }
//   [calibration.targets]
//   nominations_corbyn = { observed = 152, scale = 15 }
//   hk_room = { clp = "Hampstead and Kilburn", quantity = "attendance", observed = 150, scale = 30 }
//   london_left = { clp = ["Hackney North and Stoke Newington", "Islington North"],
//                   quantity = "nominates_corbyn", observed = 2, scale = 0.5 }
//   [calibration.outcomes]
//   file = "../data/clp_nominations_2015.csv"   # clp,nominated (as leadsim score reads it)
//   by = "region"            # region, nation, covariate (with bins = K) or all
//   outcomes = ["corbyn", "none"]                # default: every candidate and none
//   groups = ["London", "North West"]            # default: every group
//
// Random streams: candidate c of generation t runs with the point seed derive(seed, t, c), so a
// calibration is the same bytes whatever the thread count. Every candidate plays on one
// synthesised population (drawn from derive(seed, "calibration-population")), as history was
// played by one membership: candidates differ by their parameters and their runs' chance, not
// by a population redrawn each time (`population = "per_candidate"` redraws it, from the
// candidate's seed).
#pragma once

#include <atomic>
#include <filesystem>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "leadsim/abc.hpp"
#include "leadsim/contest.hpp"
#include "leadsim/diagnostic.hpp"
#include "leadsim/output_dir.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

struct CalibrationParam {
  std::string path;   // as --set takes it
  Prior prior;
  Diagnostic where;
  // The field's own domain (check_calibration_spec sets it): a prior bound on it cannot be
  // widened, so a posterior pressing there is told apart from one pressing on a chosen bound.
  double domain_lo = -INFINITY, domain_hi = INFINITY;
};

// What a CLP target sums over its CLPs in each run.
enum class ClpQuantity {
  attendance,  // people at its nomination meeting (0 if none was held)
  eligible,    // people entitled to attend it (0 if none was held)
  met,         // 1 if it held a meeting
  votes,       // a candidate's first-round votes at the meeting
  nominates,   // 1 if it nominated the candidate (candidate -1: nominated nobody)
};

struct CalibrationTarget {
  // Its name: a runs.csv column (e.g. "nominations_corbyn"), or a CLP target's own name (the
  // key in [calibration.targets]; region_london_corbyn and the like for an outcomes file's).
  std::string name;
  double observed = 0;
  double scale = 1;       // the difference that counts as one unit of distance
  std::string source;     // where the observed value comes from (free text, reported)
  Diagnostic where;
  // A CLP target written in the spec: `quantity` summed over these CLPs (empty: a runs.csv
  // column, or a target made from the outcomes file).
  std::vector<std::string> clp_names;
  std::string quantity;   // as written: attendance, eligible, met, votes_<id>, nominates_<id|none>
  bool from_outcomes = false;  // made from [calibration.outcomes] by check_calibration_spec
  // Set by check_calibration_spec (or, for an outcomes target, made so): the CLPs' indices, the
  // quantity and its candidate.
  std::vector<std::size_t> clps;
  ClpQuantity kind = ClpQuantity::attendance;
  int candidate = -1;
  bool is_clp() const { return from_outcomes || !clp_names.empty(); }
};

// [calibration.outcomes]: a file of per-CLP nominations turned into targets, one per group of
// CLPs and outcome: how many of the group's CLPs in the file nominated that candidate (or
// nobody), observed in the file, simulated as the count among the same CLPs in each run. The
// scale of each (unless `scale` is given) is the binomial sd of such a count,
// sqrt(n p (1 - p)) with p = (observed + 1/2) / (n + 1) over the group's n CLPs, at least 1/2:
// ASSUMED, the spread of a count of independent CLPs at the observed rate.
struct CalibrationOutcomes {
  std::string file;       // as resolved (relative to the spec file)
  std::string by = "region";  // region, nation, covariate, all
  int bins = 3;           // by = "covariate": equal-count bands of the CLPs' covariate
  std::vector<std::string> outcomes;  // candidate ids and "none"; empty: all of them
  std::vector<std::string> groups;    // the groups kept (regions, nations, bands "1".."K"); empty: all
  double scale = 0;       // 0: the binomial sd above
  std::string source;
  std::string sha256;     // of the file (check_calibration_spec reads it)
  Diagnostic where;
};

struct CalibrationSpec {
  std::vector<CalibrationParam> params;
  std::vector<CalibrationTarget> targets;
  std::optional<CalibrationOutcomes> outcomes;
  bool shared_population = true;        // population = "shared" (default) or "per_candidate"
  AbcOptions abc;
  std::uint64_t runs = 10;              // per particle
  std::vector<std::string> set;         // "path=value" applied to the base and every particle
  std::string origin;                   // the spec file
  std::string sha256;                   // of the spec file's bytes
  bool predictive = true;               // run the posterior-predictive check (not in the file:
                                        // the SBC program turns it off, needing the posterior only)
};

// Reads a spec file ([calibration] with [calibration.parameters] and [calibration.targets]).
// Throws InputError with file:line:column for every problem found.
CalibrationSpec load_calibration_spec(const std::string& file);

// Holds the spec against the base scenario (loaded with spec.set): each path a numeric field
// (did-you-mean otherwise), each prior's support inside the field's domain, each target a
// numeric runs.csv column of the scenario or a CLP target naming its CLPs, quantity and candidate
// (did-you-mean for each), and reads the outcomes file, appending its targets (read as `leadsim
// score` reads it: unknown CLPs and candidates listed at file:line:column with did-you-mean).
// Throws InputError listing every problem.
void check_calibration_spec(CalibrationSpec& spec, const Scenario& base);

// Target t's value in run r: its runs.csv column's (`column`, that column of run_columns(); the
// exact value, not the CSV's rounded text), or for a CLP target (column nullptr) its quantity
// summed over its CLPs.
struct RunColumn;
double target_value(const CalibrationTarget& t, const RunColumn* column, const RunResult& r,
                    std::size_t candidates);

// The text --set takes for value x of parameter p (integers rounded).
std::string calibration_value_text(const CalibrationParam& p, double x);

struct CalibrationProgress {
  AbcProgress abc;
  std::uint64_t runs_done = 0;
  double seconds = 0;
};

// What a calibration has finished: its generations, bit for bit, and the runs they took. A
// calibration resumed from it ends with the same bytes as one never interrupted.
struct CalibrationCheckpoint {
  std::vector<Generation> generations;
  std::uint64_t runs = 0;
};

struct CalibrationResult {
  AbcResult abc;
  // The posterior-predictive runs: particle i of the last generation run `runs` more times on
  // fresh streams, target k's value in run r at [i][k][r] (empty if cancelled first).
  std::vector<std::vector<std::vector<double>>> predictive;
  std::uint64_t runs = 0;         // runs simulated in all (a resumed calibration's included)
  std::uint64_t resumed_runs = 0; // of them, those of the generations it was resumed from
  double seconds = 0;             // wall time of this call
  double simulation_seconds = 0;  // of it, inside the sweep engine's runs
};

// The summaries the calibration compares with its targets: for each parameter vector thetas[i],
// the mean of each target's runs.csv column over `runs` runs of the base scenario with the
// values set, with the point seed seeds[i], on the sweep engine. The calibration's candidates are
// simulated through it; tests and the SBC program (tests/sbc.cpp) make synthetic observations
// with it, so that "observed" is made exactly as a candidate's summary is. Returns no rows if
// cancelled. `on_run` is called after each run (from the worker threads).
// Each target's value in each of `runs` runs: [point][target][run], runs in run order; what
// simulate_summaries averages. No rows if cancelled.
std::vector<std::vector<std::vector<double>>> simulate_values(
    const Scenario& base, const CalibrationSpec& spec, const std::vector<std::vector<double>>& thetas,
    const std::vector<std::uint64_t>& seeds, std::uint64_t runs, int threads,
    const std::atomic<bool>* cancel = nullptr, const std::function<void()>& on_run = {});

// Where a calibration's candidates run, when not on this process's threads: given the
// candidates' values, their point seeds and the runs per candidate, what simulate_values returns
// for them, bit for bit (each candidate's runs depend on its values and seed alone, so any split
// of the candidates among processes gives the same result). The MPI driver
// (cli/calibrate_mpi.hpp) spreads them over ranks.
using CandidateRunner = std::function<std::vector<std::vector<std::vector<double>>>(
    const std::vector<std::vector<double>>& thetas, const std::vector<std::uint64_t>& seeds,
    std::uint64_t runs)>;

std::vector<std::vector<double>> simulate_summaries(const Scenario& base, const CalibrationSpec& spec,
                                                   const std::vector<std::vector<double>>& thetas,
                                                   const std::vector<std::uint64_t>& seeds,
                                                   std::uint64_t runs, int threads,
                                                   const std::atomic<bool>* cancel = nullptr,
                                                   const std::function<void()>& on_run = {});

// Runs the calibration on `threads` threads. `on_generation` receives, after each finished
// generation, every generation so far and the runs spent (to checkpoint it). `resume`: a
// checkpoint of this calibration (read_calibration_checkpoint checks it is), whose generations
// are not run again. Returns with abc.cancelled set if `cancel` was raised (checked between
// batches when a `runner` is given). `runner`, if given, runs the candidates in place of this
// process's threads (the MPI driver); the result is the same bytes either way.
CalibrationResult calibrate(const Scenario& base, const CalibrationSpec& spec, int threads,
                            const std::function<void(const CalibrationCheckpoint&)>& on_generation = {},
                            const std::function<void(const CalibrationProgress&)>& progress = {},
                            const std::atomic<bool>* cancel = nullptr,
                            const CalibrationCheckpoint* resume = nullptr,
                            const CandidateRunner& runner = {});

// The checkpoint file, DIR/calibration.checkpoint (JSON): what the calibration is (the spec's and
// the scenario's SHA-256 and those of the files it includes, the --set overrides, the leadsim
// version and build), whether it finished, the runs spent and every finished generation with
// each number exact (C99 hexadecimal floats, so a resumed calibration continues from the same
// bits).
std::string calibration_checkpoint_text(const Scenario& base, const CalibrationSpec& spec,
                                        const CalibrationCheckpoint& c, bool finished);
// Reads one, checking it is of this calibration: InputError at `file` naming what differs (the
// spec, the scenario, ...) or that it is damaged.
CalibrationCheckpoint parse_calibration_checkpoint(const std::string& text, const std::string& file,
                                                   const Scenario& base, const CalibrationSpec& spec,
                                                   bool* finished = nullptr);

// The output folder of a calibration that can be resumed. `leadsim calibrate` and
// leadsim.calibrate(out=) use it:
//   CalibrationFolder folder(dir, base, spec, resume);   // refuses a wrong resume (InputError)
//   r = calibrate(base, spec, threads, [&](auto& c) { folder.save(c); }, ..., folder.resumed());
//   folder.finish(out, base, spec, r, scenario_file);    // the outputs, with the final checkpoint
//   out.commit();
// A checkpoint is saved after every finished generation, atomically (a temporary file, fsync,
// rename, fsync of the folder): killed at any moment, SIGKILL included, the folder holds the
// last one whole. The finished calibration's checkpoint stays (marked finished), committed with
// the outputs: --resume on a finished folder runs nothing but the predictive check and writes
// the same files again. Without `resume`, a folder whose checkpoint is unfinished is refused (add
// --resume, or remove the file); with it, a checkpoint of another spec, scenario, --set or
// leadsim build is refused, saying what differs. Nothing is written by the constructor. While it
// lives it holds a lock on the folder (flock on the folder itself): a second calibration into the
// same folder is refused at once (InputError) rather than mixing its files with the first's.
class CalibrationFolder {
 public:
  CalibrationFolder(std::filesystem::path dir, const Scenario& base, const CalibrationSpec& spec,
                    bool resume);
  CalibrationFolder(const CalibrationFolder&) = delete;
  CalibrationFolder& operator=(const CalibrationFolder&) = delete;
  // The checkpoint resumed from; nullptr when the calibration starts afresh.
  const CalibrationCheckpoint* resumed() const { return resumed_ ? &checkpoint_ : nullptr; }
  bool resumed_finished() const { return resumed_finished_; }
  void save(const CalibrationCheckpoint& c);
  // The output files and the final checkpoint (the generations of `r` and the runs as of the
  // last one saved), opened in `out` (the same folder): the caller commits.
  void finish(OutputDir& out, const CalibrationResult& r, const std::string& scenario_file) const;
  static constexpr const char* kFile = "calibration.checkpoint";

 private:
  std::filesystem::path dir_;
  const Scenario* base_;
  const CalibrationSpec* spec_;
  CalibrationCheckpoint checkpoint_;
  std::uint64_t saved_runs_ = 0;  // the runs of the last checkpoint saved (or resumed from)
  bool resumed_ = false, resumed_finished_ = false;
  // The folder, opened and locked; closed (so unlocked) with this object, also when the
  // constructor throws.
  struct Lock {
    int fd = -1;
    Lock() = default;
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    ~Lock();
  } lock_;
};

// Outputs. posterior.csv: the last generation, one row per particle (particle, each parameter,
// weight, distance, each target's simulated mean). particles.csv: every generation, the same
// columns after a generation column. checks.csv: the posterior-predictive check of each target:
// observed, and the mean and 5%/95% quantiles of the target over the predictive runs (each run
// weighted by its particle's weight over its runs: the distribution of one contest's value
// under the posterior), whether the observed value is inside.
std::string posterior_csv(const CalibrationSpec& spec, const Generation& g);
std::string particles_csv(const CalibrationSpec& spec, const std::vector<Generation>& gens);
// The posterior-predictive check of each target (checks.csv's rows): observed against the mean
// and 5%/95% quantiles of the predictive runs, each weighted by its particle's weight.
struct TargetCheck {
  std::string name;
  double observed = 0, scale = 1, mean = 0, q05 = NAN, q95 = NAN;
  bool inside = false;  // q05 <= observed <= q95
};
std::vector<TargetCheck> predictive_checks(const CalibrationSpec& spec, const CalibrationResult& r);
std::string checks_csv(const CalibrationSpec& spec, const CalibrationResult& r);
// calibration.json: the spec's hash and settings, each generation's tolerance, acceptance, ESS
// and candidates, the runs spent, the stop reason, the posterior summary, and the warnings
// (calibration_warnings; an empty array when there are none). No wall times: the file is the same
// bytes for a seed however the calibration was run (threads, interruptions); the command prints
// the speed.
std::string calibration_json(const Scenario& base, const CalibrationSpec& spec,
                             const CalibrationResult& r);
// A scenario file that includes `scenario_path` (relative to where it is written) and whose runs
// draw their parameters from posterior.csv beside it (contest.posterior); where a parameter
// changes the population (which an ensemble's runs share) it sets the posterior means instead.
// Each parameter's mean and 90% interval are in it, marked CALIBRATED.
std::string calibrated_scenario(const std::string& scenario_path, const CalibrationSpec& spec,
                                const Generation& g);

// Warnings: a wrong prior range is reported, not silently fitted. The rule, on the last
// generation (the posterior):
//   - a prior bound: for each parameter whose support is bounded on both sides, and each of its
//     two bounds, the posterior weight within kBoundZone (2%) of the prior's range from that
//     bound (the range on the working scale: the log scale for a log-uniform prior). At
//     kBoundWeight (10%) or more, the posterior presses against the bound. Why 10%: a posterior
//     no denser at the bound than the prior puts 2% of its weight there, so 10% means the data
//     make the bound at least five times likelier than the prior does: the fit wants values
//     beyond it. A flat posterior of effective sample size 40 reaches 10% there with probability
//     under 1% (binomial, 4 or more of 40 at 2%), so an uninformative parameter is rarely
//     flagged. A bound that is also the field's own (a probability's 0 or 1) cannot be widened:
//     the message says so instead.
//   - a posterior-predictive check: a target whose observed value lies outside the 5% to 95%
//     range of its predictive runs (checks.csv's `inside` = 0): contests played with the
//     posterior's parameters rarely give it, which a too-narrow prior, a wrong scale or a
//     missing mechanism can each cause. A correct model misses a given 90% interval 10% of the
//     time by chance; several targets missing, or one missing far, is the signal.
// `leadsim calibrate` prints each on stderr ("file:line:column: warning: message", at the spec's
// entry) and calibration.json lists them under "warnings".
constexpr double kBoundZone = 0.02;
constexpr double kBoundWeight = 0.10;

struct CalibrationWarning {
  enum class Kind { prior_bound, predictive_check };
  Kind kind = Kind::prior_bound;
  std::string name;      // the parameter's path or the target's column
  std::string message;   // one line, naming the parameter or target and the remedy
  Diagnostic where;      // the spec's entry (message set: where.str() is the located line)
  // prior_bound: which bound, its value, whether it is the field's own, the weight near it.
  bool upper = false, field_bound = false;
  double bound = 0, weight = 0;
  // predictive_check: the observed value and the 5% and 95% quantiles of the simulated means.
  double observed = 0, q05 = 0, q95 = 0;
  std::string str() const;  // "file:line:column: warning: message"
};

// The warnings of a posterior (the rule above), parameters first, then targets, in spec order.
std::vector<CalibrationWarning> calibration_warnings(const CalibrationSpec& spec, const CalibrationResult& r);

// The whole output folder, as `leadsim calibrate` and leadsim.calibrate(out=) write it:
// posterior.csv, particles.csv, checks.csv, calibration.json, and calibrated.toml including
// `scenario_file` by its path from `out`'s folder. Opens the files in `out`; the caller commits.
void write_calibration_folder(OutputDir& out, const Scenario& base, const CalibrationSpec& spec,
                              const CalibrationResult& r, const std::string& scenario_file);

}  // namespace leadsim
