// calibration.hpp: `leadsim calibrate`: fitting a scenario's free parameters to observed outcomes
// by ABC-SMC (abc.hpp), every candidate parameter set run on the sweep engine.
//
// A calibration spec names the free parameters (by their --set paths, each with a prior inside
// its field's domain), the targets (runs.csv columns, each with its observed value and a scale:
// the distance is sqrt(sum(((mean over a particle's runs) - observed) / scale)^2)), and the
// algorithm's settings. Example (scenarios/calibrations/ holds real ones):
//   [calibration]
//   particles = 100          # per generation
//   runs = 10                # per particle: its summary is the mean over them
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
//
// Random streams: candidate c of generation t runs with the point seed derive(seed, t, c), so a
// calibration is the same bytes whatever the thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "leadsim/abc.hpp"
#include "leadsim/diagnostic.hpp"
#include "leadsim/output_dir.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

struct CalibrationParam {
  std::string path;   // as --set takes it
  Prior prior;
  Diagnostic where;
};

struct CalibrationTarget {
  std::string column;     // a runs.csv column, e.g. "nominations_corbyn"
  double observed = 0;
  double scale = 1;       // the difference that counts as one unit of distance
  std::string source;     // where the observed value comes from (free text, reported)
  Diagnostic where;
};

struct CalibrationSpec {
  std::vector<CalibrationParam> params;
  std::vector<CalibrationTarget> targets;
  AbcOptions abc;
  std::uint64_t runs = 10;              // per particle
  std::vector<std::string> set;         // "path=value" applied to the base and every particle
  std::string origin;                   // the spec file
  std::string sha256;                   // of the spec file's bytes
};

// Reads a spec file ([calibration] with [calibration.parameters] and [calibration.targets]).
// Throws InputError with file:line:column for every problem found.
CalibrationSpec load_calibration_spec(const std::string& file);

// Holds the spec against the base scenario (loaded with spec.set): each path a numeric field
// (did-you-mean otherwise), each prior's support inside the field's domain, each target a
// runs.csv column of the scenario (did-you-mean). Throws InputError listing every problem.
void check_calibration_spec(CalibrationSpec& spec, const Scenario& base);

// The text --set takes for value x of parameter p (integers rounded).
std::string calibration_value_text(const CalibrationParam& p, double x);

struct CalibrationProgress {
  AbcProgress abc;
  std::uint64_t runs_done = 0;
  double seconds = 0;
};

struct CalibrationResult {
  AbcResult abc;
  std::uint64_t runs = 0;         // runs simulated in all
  double seconds = 0;             // wall time of the whole calibration
  double simulation_seconds = 0;  // of it, inside the sweep engine's runs
};

// Runs the calibration on `threads` threads. `on_generation` receives each finished generation
// (to write it out as it goes). Returns with abc.cancelled set if `cancel` was raised.
CalibrationResult calibrate(const Scenario& base, const CalibrationSpec& spec, int threads,
                            const std::function<void(const Generation&, int)>& on_generation = {},
                            const std::function<void(const CalibrationProgress&)>& progress = {},
                            const std::atomic<bool>* cancel = nullptr);

// Outputs. posterior.csv: the last generation, one row per particle (particle, each parameter,
// weight, distance, each target's simulated mean). particles.csv: every generation, the same
// columns after a generation column. checks.csv: the posterior-predictive check of each target
// (observed, the posterior's weighted mean and 5%/95% quantiles of the particles' summaries,
// whether the observed value is inside).
std::string posterior_csv(const CalibrationSpec& spec, const Generation& g);
std::string particles_csv(const CalibrationSpec& spec, const std::vector<Generation>& gens);
std::string checks_csv(const CalibrationSpec& spec, const Generation& g);
// calibration.json: the spec's hash and settings, each generation's tolerance, acceptance, ESS
// and candidates, the runs spent and their speed, the stop reason, and the posterior summary.
std::string calibration_json(const Scenario& base, const CalibrationSpec& spec,
                             const CalibrationResult& r);
// A scenario file that includes `scenario_path` (relative to where it is written) and whose runs
// draw their parameters from posterior.csv beside it (contest.posterior); where a parameter
// changes the population (which an ensemble's runs share) it sets the posterior means instead.
// Each parameter's mean and 90% interval are in it, marked CALIBRATED.
std::string calibrated_scenario(const std::string& scenario_path, const CalibrationSpec& spec,
                                const Generation& g);

// The whole output folder, as `leadsim calibrate` and leadsim.calibrate(out=) write it:
// posterior.csv, particles.csv, checks.csv, calibration.json, and calibrated.toml including
// `scenario_file` by its path from `out`'s folder. Opens the files in `out`; the caller commits.
void write_calibration_folder(OutputDir& out, const Scenario& base, const CalibrationSpec& spec,
                              const CalibrationResult& r, const std::string& scenario_file);

}  // namespace leadsim
