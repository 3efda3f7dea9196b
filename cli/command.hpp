// command.hpp: what the `leadsim` subcommands share. Each command lives in its own file
// (cli/<name>_command.cpp) and registers itself on the application with add_<name>_command();
// main.cpp only registers them, parses, and runs the chosen one.
//
// Exit codes: 0 success, 2 bad input or usage, 1 internal error, 128 + the signal when stopped
// by one (130 SIGINT, 143 SIGTERM, 129 SIGHUP). A command
// reports bad input by throwing leadsim::InputError; main() prints its diagnostics (each as
// file:line:column: error: ...) with print_diagnostics() and exits with 2.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "leadsim/scenario.hpp"  // leadsim::InputError

namespace leadsim::cli {

// A registered subcommand: `app` to ask whether it was chosen, `run` to carry it out (returns the
// exit code; bad input is thrown as leadsim::InputError for main() to report with exit code 2).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// Set by the stop handlers: a command that can stop early (run, sweep) polls it, writes nothing
// unfinished (run) or saves what is finished (sweep), and returns interrupted_exit_code().
inline std::atomic<bool> interrupted{false};
// The signal that set `interrupted` (0: none).
inline std::atomic<int> stop_signal{0};

// The one place that handles stop signals, for the commands that poll `interrupted`: SIGINT
// (Ctrl-C), SIGTERM (what timeout, scancel, kill and docker stop send) and SIGHUP (the terminal
// went away) each set it, so the command stops cleanly, leaving no temporary files. A second
// signal ends the process at once (its temporary files are then swept by the next run into the
// folder, output_dir.hpp). Commands that cannot stop early keep the default: a signal ends them.
void install_stop_handlers();
// 128 + the signal that stopped the command; "SIGTERM" and so on by name for messages.
int interrupted_exit_code();
const char* stop_signal_name();

// One line per diagnostic on stderr: "file:line:column: error: message".
void print_diagnostics(const InputError& e);

// Whether this process is a rank of an MPI job: set by mpirun (Open MPI), by Hydra or Slurm's PMI,
// or by PMIx (srun --mpi=pmix). The sweep and the calibration then run as MPI drivers.
bool launched_by_mpi_environment();

// Checks of numeric flags, run on the text before CLI11 converts it. CLI11 alone reads "0x10" as
// 16, "-1" as 18446744073709551615 for an unsigned option and saturates a seed beyond 64 bits;
// these take decimal digits only (number_text.hpp), in [lo, hi], and otherwise stop with a usage
// error (exit 2) saying what was expected: "--seed: '0x10' is not a decimal whole number in
// [0, 18446744073709551615]".
CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi);
// A finite decimal number in [lo, hi] (no "nan", "inf", hexadecimal).
CLI::Validator finite_number(double lo, double hi);
// whole_number(0, 2^64 - 1): a seed.
CLI::Validator seed_number();

// A progress bar on stderr ("[####....] 300/1000 runs, 140 runs/s"), only when stderr is a
// terminal; cleared when the last run is done.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  void update(std::uint64_t done, std::uint64_t total);

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_;
};

// What the commands driven by a spec file (calibrate, target) take: SCENARIO --spec FILE --out
// DIR [--threads T] [--set path=value]... [--quiet].
struct SpecCommandOptions {
  std::string scenario, spec, out;
  std::vector<std::string> set;
  int threads = 0;
  bool quiet = false;
};
void add_spec_command_options(CLI::App* app, SpecCommandOptions& o, const std::string& spec_help,
                              const std::string& quiet_help);

// `--set path=value` (repeatable), the same words on every command that reads a scenario.
CLI::Option* add_set_option(CLI::App* app, std::vector<std::string>& set);

// The commands, in the order `leadsim --help` lists them.

// `run SCENARIO`: many contests on all cores; summary.json, runs.csv, clps.csv and the report.
Command add_run_command(CLI::App& parent);
// `validate SCENARIO`: load and check a scenario, report every problem.
Command add_validate_command(CLI::App& parent);
// `meeting SCENARIO --clp NAME`: the story of one CLP's nomination meeting in one run.
Command add_meeting_command(CLI::App& parent);
// `count RULES BALLOTS`: count given ballots under a scenario's final-ballot rules.
Command add_count_command(CLI::App& parent);
// `keys [--markdown]`: every scenario key with its type, default, unit and meaning.
Command add_keys_command(CLI::App& parent);
// `sensitivity DIR [--output COL]... [--bootstrap B] [--seed S] [--confidence C]`: Sobol indices
// of a finished (or running) Saltelli sweep, printed and written to DIR/sensitivity.csv.
Command add_sensitivity_command(CLI::App& parent);
// `identity PAST --observed CSV --out DIR`: each CLP's lasting lean and activity fitted to its
// nomination in a past contest (clp_identity.hpp).
Command add_identity_command(CLI::App& parent);
// `score SCENARIO --observed CSV --out DIR`: proper scores of the per-CLP nomination
// probabilities against observed nominations, score.json and SVG plots (score.hpp).
Command add_score_command(CLI::App& parent);
// `sweep SCENARIO --out DIR ...`: a parameter sweep (sweep.hpp), on threads, or on MPI ranks when
// launched by mpirun/srun; `sweep --merge DIR... --out DIR` joins the folders of `--shard i/n`
// jobs. Bad input is thrown as leadsim::InputError (exit code 2), except under MPI, where rank 0
// alone reports it and the command returns 2 on every rank.
Command add_sweep_command(CLI::App& parent);
// `calibrate SCENARIO --spec CALIB.toml --out DIR [--resume]`: ABC-SMC fit of free parameters to
// observed outcomes (calibration.hpp); posterior.csv, particles.csv, checks.csv, calibration.json,
// calibrated.toml, and calibration.checkpoint after each generation (what --resume continues).
Command add_calibrate_command(CLI::App& parent);
// `target SCENARIO --spec TARGET.toml --out DIR`: the smallest value of a parameter at which an
// outcome reaches a probability (target.hpp); target.json.
Command add_target_command(CLI::App& parent);

}  // namespace leadsim::cli
