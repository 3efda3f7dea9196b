// `leadsim calibrate SCENARIO --spec CALIB.toml --out DIR [--resume]`: fits the spec's free
// parameters to its targets by ABC-SMC on the sweep engine (calibration.hpp), prints the
// posterior, the posterior-predictive checks and each generation, and writes posterior.csv,
// particles.csv, checks.csv, calibration.json and calibrated.toml into DIR, all or nothing, with
// the final calibration.checkpoint. After each generation the checkpoint is saved: stopped
// (SIGINT, SIGTERM, SIGHUP: exit 128 + the signal) or killed, the same command with --resume
// goes on from the last finished generation to the same bytes.
#include "command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "leadsim/calibration.hpp"
#include "leadsim/output_dir.hpp"
#ifdef LEADSIM_HAVE_MPI
#include "calibrate_mpi.hpp"
#endif

namespace leadsim::cli {

namespace {

namespace fs = std::filesystem;

struct Options : SpecCommandOptions {
  bool resume = false;
};

// The progress line on stderr (a terminal only): generation, tolerance, acceptance, runs.
class CalibrationBar {
 public:
  explicit CalibrationBar(bool enabled) : enabled_(enabled && ::isatty(2)) {}
  ~CalibrationBar() {
    if (enabled_) std::fprintf(stderr, "\r%*s\r", 100, "");
  }
  void update(const CalibrationProgress& p) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const std::string tol = std::isfinite(p.abc.tolerance) ? fmt::format("{:.4g}", p.abc.tolerance)
                                                           : std::string("inf");
    std::fprintf(stderr, "\rgeneration %d, tolerance %s: %llu/%llu accepted of %llu (%.0f%%); "
                 "%llu runs, %.0f runs/s   ", p.abc.generation, tol.c_str(),
                 (unsigned long long)p.abc.accepted, (unsigned long long)p.abc.wanted,
                 (unsigned long long)p.abc.proposed,
                 p.abc.proposed ? 100.0 * double(p.abc.accepted) / double(p.abc.proposed) : 0.0,
                 (unsigned long long)p.runs_done, p.seconds > 0 ? double(p.runs_done) / p.seconds : 0.0);
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point last_{};
};

std::string report(const CalibrationSpec& spec, const CalibrationResult& r) {
  const Generation& g = r.abc.generations.back();
  std::string o = fmt::format("Calibration: {} parameter{}, {} target{}, {} particles x {} runs\n\n",
                              spec.params.size(), spec.params.size() == 1 ? "" : "s",
                              spec.targets.size(), spec.targets.size() == 1 ? "" : "s",
                              spec.abc.particles, spec.runs);
  o += "Generation  tolerance   accepted/proposed  acceptance    ESS\n";
  for (size_t t = 0; t < r.abc.generations.size(); ++t) {
    const Generation& x = r.abc.generations[t];
    o += fmt::format("{:>10}  {:>9}   {:>8}/{:<8}  {:>9.1f}%  {:>6.1f}\n", t,
                     std::isfinite(x.tolerance) ? fmt::format("{:.4g}", x.tolerance) : "inf",
                     x.particles.size(), x.proposed, 100 * x.acceptance(), x.ess);
  }
  o += fmt::format("Stopped: {}\n\nPosterior (weighted; CALIBRATED to the targets below)\n",
                   r.abc.stop_reason);
  size_t w = 9;
  for (const CalibrationParam& p : spec.params) w = std::max(w, p.path.size());
  o += fmt::format("  {:<{}}  {:>10}  {:>10}  {:>10}  {:>10}  prior\n", "parameter", w, "mean", "5%",
                   "median", "95%");
  for (size_t p = 0; p < spec.params.size(); ++p)
    o += fmt::format("  {:<{}}  {:>10.4g}  {:>10.4g}  {:>10.4g}  {:>10.4g}  {}\n", spec.params[p].path,
                     w, weighted_mean(g, p), weighted_quantile(g, p, 0.05),
                     weighted_quantile(g, p, 0.5), weighted_quantile(g, p, 0.95),
                     spec.params[p].prior.kind_id());
  o += "\nPosterior-predictive check (fresh runs of the particles: one contest's value; checks.csv)\n";
  const std::vector<TargetCheck> checks = predictive_checks(spec, r);
  size_t tw = 6;
  for (const TargetCheck& c : checks) tw = std::max(tw, c.name.size());
  o += fmt::format("  {:<{}}  {:>9}  {:>7}  {:>10}  {:>17}\n", "target", tw, "observed", "scale", "predicted",
                   "90% range");
  for (const TargetCheck& c : checks)
    o += fmt::format("  {:<{}}  {:>9.4g}  {:>7.3g}  {:>10.4g}  {:>17}{}\n", c.name, tw, c.observed, c.scale,
                     c.mean, fmt::format("[{:.4g}, {:.4g}]", c.q05, c.q95), c.inside ? "" : "  OUTSIDE");
  // The speed is this command's: a resumed calibration's earlier runs took their own time.
  const std::uint64_t now = r.runs - r.resumed_runs;
  o += fmt::format("\n{} runs{} in {:.1f} s ({:.0f} runs/s); the calibration's own work {:.1f}% of the time\n",
                   now, r.resumed_runs ? fmt::format(" ({} in all, {} before resuming)", r.runs, r.resumed_runs) : "",
                   r.seconds, r.seconds > 0 ? double(now) / r.seconds : 0.0,
                   100 * (r.seconds > 0 ? std::max(0.0, 1 - r.simulation_seconds / r.seconds) : 0.0));
  return o;
}

// The calibration on this process (`runner` empty) or as rank 0 of an MPI job.
int calibrate_here(const Options& o, const Scenario& base, const CalibrationSpec& spec,
                   const CandidateRunner& runner);

// Under mpirun: every rank reads the input (and finds the same problems: rank 0 reports them);
// rank 0 calibrates, its batches of candidates shared out over the ranks (calibrate_mpi.hpp).
int calibrate_mpi(const Options& o) {
#ifdef LEADSIM_HAVE_MPI
  MpiSession mpi;
  install_stop_handlers();
  // Threads per rank: as asked, else one (the ranks are the parallelism, as for the sweep).
  const int threads = o.threads > 0 ? o.threads : 1;
  CalibrationSpec spec;
  std::unique_ptr<Scenario> base;
  try {
    spec = load_calibration_spec(o.spec);
    for (const std::string& s : o.set) spec.set.push_back(s);
    base = std::make_unique<Scenario>(load_scenario(o.scenario, spec.set));
    check_calibration_spec(spec, *base);
  } catch (const InputError& e) {
    if (mpi.rank() == 0) print_diagnostics(e);
    return 2;
  }
  if (mpi.rank() != 0) {
    serve_candidates(mpi, *base, spec, threads);
    return interrupted ? interrupted_exit_code() : 0;
  }
  // However rank 0 ends (done, stopped, a bad output folder), the other ranks are released.
  struct Release {
    const MpiSession& mpi;
    ~Release() { end_candidate_service(mpi); }
  } release{mpi};
  if (!o.quiet) std::cerr << fmt::format("leadsim calibrate: {} MPI ranks x {} thread{}\n", mpi.size(), threads,
                                         threads == 1 ? "" : "s");
  Options here = o;
  here.threads = threads;
  return calibrate_here(here, *base, spec, mpi_candidate_runner(mpi, *base, spec, threads));
#else
  (void)o;
  throw InputError({{"calibrate", 0, 0, "this leadsim was built without MPI, so every rank would run the whole "
                                        "calibration: rebuild with Open MPI installed (libopenmpi-dev)"}});
#endif
}

int calibrate_here(const Options& o, const Scenario& base, const CalibrationSpec& spec,
                   const CandidateRunner& runner) {
  OutputDir out(o.out);  // fails early (exit 2) if the folder cannot be written
  // Refuses, before any run, an unfinished calibration's folder without --resume, and a resume
  // of another calibration (exit 2).
  CalibrationFolder folder(o.out, base, spec, o.resume);
  if (const CalibrationCheckpoint* c = folder.resumed())
    std::cerr << fmt::format("resuming: {} of at most {} generations done{}\n", c->generations.size(),
                             spec.abc.generations, folder.resumed_finished() ? " (finished)" : "");
  CalibrationBar bar(!o.quiet);
  std::size_t saved = folder.resumed() ? folder.resumed()->generations.size() : 0;
  const CalibrationResult r = calibrate(
      base, spec, o.threads,
      [&](const CalibrationCheckpoint& c) {
        folder.save(c);
        saved = c.generations.size();
      },
      [&](const CalibrationProgress& p) { bar.update(p); }, &interrupted, folder.resumed(), runner);
  if (r.abc.cancelled || interrupted) {
    if (saved)
      std::cerr << fmt::format("\nleadsim: interrupted ({}): {} finished generation{} saved in {}; run the "
                               "same command with --resume to continue\n", stop_signal_name(), saved,
                               saved == 1 ? "" : "s", (fs::path(o.out) / CalibrationFolder::kFile).string());
    else
      std::cerr << "\nleadsim: interrupted (" << stop_signal_name() << ") before a generation finished; nothing written\n";
    return interrupted_exit_code();
  }
  folder.finish(out, r, o.scenario);
  out.commit();
  std::cout << report(spec, r);
  // A wrong prior range or a target no particle reproduces is said, not silently fitted
  // (calibration.hpp states the rule); calibration.json lists the same under "warnings".
  const std::vector<CalibrationWarning> warnings = calibration_warnings(spec, r);
  for (const CalibrationWarning& w : warnings) std::cerr << w.str() << "\n";
  if (!warnings.empty())
    std::cout << fmt::format("\n{} warning{} (on stderr, and in calibration.json's \"warnings\")\n",
                             warnings.size(), warnings.size() == 1 ? "" : "s");
  std::cout << fmt::format("\nWrote {}: posterior.csv, particles.csv, checks.csv, calibration.json, "
                           "calibrated.toml, {}\n", o.out, CalibrationFolder::kFile);
  return 0;
}

int calibrate_command(const Options& o) {
  if (launched_by_mpi_environment()) return calibrate_mpi(o);
  CalibrationSpec spec = load_calibration_spec(o.spec);
  for (const std::string& s : o.set) spec.set.push_back(s);
  const Scenario base = load_scenario(o.scenario, spec.set);
  check_calibration_spec(spec, base);
  install_stop_handlers();
  return calibrate_here(o, base, spec, {});
}

}  // namespace

Command add_calibrate_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "calibrate", "Fit a scenario's free parameters to observed outcomes (ABC-SMC)");
  add_spec_command_options(app, *o, "Calibration spec: parameters with priors, targets", "No progress line");
  app->add_flag("--resume", o->resume,
                "Continue the calibration whose checkpoint is in --out (or start it)");
  return {app, [o]() { return calibrate_command(*o); }};
}

}  // namespace leadsim::cli
