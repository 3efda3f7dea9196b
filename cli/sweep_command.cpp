// `leadsim sweep`: parses its arguments, builds the spec (scenario's [sweep] < --spec file <
// flags), calls the library's sweep module (or its MPI driver under mpirun), shows progress.
#include "command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "leadsim/report.hpp"
#include "leadsim/sweep.hpp"
#ifdef LEADSIM_HAVE_MPI
#include "sweep_mpi.hpp"
#endif

namespace leadsim::cli {

namespace {

std::string clock(double seconds) {
  const long s = long(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60)
                   : fmt::format("{}:{:02d}", s / 60, s % 60);
}

// Points, runs, speed and the time left, on stderr when it is a terminal.
class SweepProgressBar {
 public:
  explicit SweepProgressBar(bool enabled) : enabled_(enabled && ::isatty(2)) {}
  void update(const SweepProgress& p) {
    if (!enabled_) return;
    std::lock_guard lk(mu_);
    const auto now = std::chrono::steady_clock::now();
    const bool last = p.points_done == p.points_total;
    if (!last && now - shown_ < std::chrono::milliseconds(200)) return;
    shown_ = now;
    const double rate = p.seconds > 0 ? double(p.runs_done) / p.seconds : 0.0;
    const double left = rate > 0 ? double(p.runs_expected - p.runs_done) / rate : 0.0;
    const int width = 30;
    const int filled = p.runs_expected ? int(double(width) * double(p.runs_done) / double(p.runs_expected)) : 0;
    std::fprintf(stderr, "\r[%s%s] %llu/%llu points, %llu runs, %.0f runs/s, ETA %s   ",
                 std::string(size_t(std::min(filled, width)), '#').c_str(),
                 std::string(size_t(width - std::min(filled, width)), '.').c_str(),
                 (unsigned long long)p.points_done, (unsigned long long)p.points_total,
                 (unsigned long long)p.runs_done, rate, clock(left).c_str());
    if (last) std::fprintf(stderr, "\r%*s\r", width + 70, "");
  }

 private:
  bool enabled_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point shown_{};
};

struct Options {
  std::string scenario, out, spec_file, design, streams, adaptive, shard = "1/1";
  std::vector<std::string> params, set, merge;
  std::uint64_t points = 0, runs = 0, seed = 0, max_runs = 0, max_points = 0;
  int levels = 0, threads = 0;
  bool saltelli = false, resume = false, quiet = false;
  CLI::Option *o_points = nullptr, *o_runs = nullptr, *o_seed = nullptr, *o_levels = nullptr,
              *o_max_runs = nullptr, *o_max_points = nullptr, *o_design = nullptr,
              *o_streams = nullptr, *o_saltelli = nullptr, *o_adaptive = nullptr,
              *o_threads = nullptr;
};

// The spec: the scenario's [sweep] table, then the --spec file, then the flags.
SweepSpec build_spec(const Options& o) {
  SweepSpec spec;
  read_sweep_spec(o.scenario, spec, true);
  if (!o.spec_file.empty()) read_sweep_spec(o.spec_file, spec, false);
  std::vector<Diagnostic> diags;
  auto flag = [](const char* name) { return Diagnostic{name, 0, 0, ""}; };
  if (!o.params.empty()) {
    spec.params.clear();
    for (const auto& p : o.params) {
      try {
        spec.params.push_back(parse_param_flag(p));
      } catch (const InputError& e) {
        diags.insert(diags.end(), e.diagnostics().begin(), e.diagnostics().end());
      }
    }
    spec.locations["parameters"] = flag("--param");
  }
  if (o.o_design->count()) {
    if (o.design == "grid") spec.design = SweepDesign::grid;
    else if (o.design == "random") spec.design = SweepDesign::random;
    else if (o.design == "latin") spec.design = SweepDesign::latin;
    else if (o.design == "sobol") spec.design = SweepDesign::sobol;
    else if (o.design == "saltelli") {
      spec.design = SweepDesign::sobol;
      spec.saltelli = true;
    } else {
      diags.push_back({"--design", 0, 0, fmt::format("'{}' is not one of grid, random, latin, sobol, saltelli",
                                                     o.design)});
    }
    spec.locations["design"] = flag("--design");
  }
  auto number = [&](CLI::Option* opt, auto& field, auto value, const char* key, const char* name) {
    if (!opt->count()) return;
    field = value;
    spec.locations[key] = flag(name);
  };
  number(o.o_points, spec.points, o.points, "points", "--points");
  number(o.o_runs, spec.runs, o.runs, "runs", "--runs");
  number(o.o_seed, spec.seed, o.seed, "seed", "--seed");
  number(o.o_levels, spec.levels, o.levels, "levels", "--levels");
  number(o.o_max_runs, spec.max_runs, o.max_runs, "max_runs", "--max-runs");
  number(o.o_max_points, spec.max_points, o.max_points, "max_points", "--max-points");
  if (o.o_saltelli->count()) {
    spec.saltelli = true;
    spec.locations["saltelli"] = flag("--saltelli");
  }
  if (o.o_streams->count()) {
    if (o.streams == "common") spec.streams = StreamPolicy::common;
    else if (o.streams == "independent") spec.streams = StreamPolicy::independent;
    else diags.push_back({"--streams", 0, 0, fmt::format("'{}' is not common or independent", o.streams)});
  }
  if (o.o_adaptive->count()) {
    try {
      spec.adaptive = parse_adaptive(o.adaptive, flag("--adaptive"));
      spec.locations["adaptive"] = flag("--adaptive");
    } catch (const InputError& e) {
      diags.insert(diags.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (o.o_runs->count() && o.runs == 0) diags.push_back({"--runs", 0, 0, "runs per point should be at least 1"});
  if (o.o_points->count() && o.points == 0) diags.push_back({"--points", 0, 0, "points should be at least 1"});
  spec.set.insert(spec.set.end(), o.set.begin(), o.set.end());
  if (!diags.empty()) throw InputError(diags);
  return spec;
}

int run_local(const Options& o, const Scenario& base, const SweepSpec& spec, Shard shard) {
  SweepFolder folder(o.out, base, spec, shard, o.resume);
  if (folder.already_complete()) {
    std::cout << fmt::format("{}: the sweep is already complete\n", o.out);
    return 0;
  }
  if (folder.done() > 0)
    std::cerr << fmt::format("resuming: {} of {} points already done\n", folder.done(), folder.total());
  SweepProgressBar bar(!o.quiet);
  SweepOptions opt;
  opt.threads = o.threads;
  opt.points = folder.remaining();
  opt.cancel = &interrupted;
  std::uint64_t runs = 0;
  opt.progress = [&](const SweepProgress& p) {
    runs = p.runs_done;
    bar.update(p);
  };
  const auto start = std::chrono::steady_clock::now();
  bool finished = false;
  try {
    finished = run_sweep(base, spec, opt, folder);
  } catch (const InputError&) {
    folder.abandon();  // the spec cannot be run as it stands: nothing of it is worth keeping
    throw;
  }
  if (!finished) {
    std::cerr << fmt::format("\ninterrupted ({}): {} of {} points are saved in {}; run the same command "
                             "with --resume to continue\n", stop_signal_name(), folder.done(), folder.total(), o.out);
    return interrupted_exit_code();
  }
  folder.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int threads = o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  std::cout << fmt::format("Sweep of {}: {} points ({} design{}, {} parameter{}), {} runs per point{}, seed {}\n",
                           base.file, folder.total(), design_id(spec.design), spec.saltelli ? ", Saltelli layout" : "",
                           spec.params.size(), spec.params.size() == 1 ? "" : "s", spec.runs,
                           spec.adaptive ? " (adaptive: " + spec.adaptive->text() + ")" : "", spec.seed);
  std::cout << fmt::format("{} runs in {:.1f} s ({:.0f} runs/s, {} threads)\n", runs, seconds,
                           seconds > 0 ? double(runs) / seconds : 0.0, threads);
  std::cout << fmt::format("Wrote {}, {} and {}\n", (folder.dir() / "points.csv").string(),
                           (folder.dir() / "runs.csv").string(), (folder.dir() / "sweep.json").string());
  return 0;
}

}  // namespace

Command add_sweep_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "sweep", "Run a parameter sweep: a design of points, many runs at each, resumable tables");
  app->add_option("scenario", o->scenario, "Scenario file (its [sweep] table is the default spec)");
  app->add_option("--out,-o", o->out, "Output folder: points.csv, runs.csv, sweep.json");
  app->add_option("--spec", o->spec_file, "Sweep spec file (a [sweep] table; overrides the scenario's)");
  app->add_option("--param,-p", o->params,
                  "Swept parameter: path=lo:hi, path=lo:hi:levels or path=v1,v2,... (repeatable; "
                  "replaces the spec's list)");
  o->o_design = app->add_option("--design", o->design, "grid, random, latin, sobol, or saltelli (= sobol + --saltelli)");
  o->o_points = app->add_option("--points", o->points, "Points (random, latin, sobol); Saltelli: base samples N")->check(seed_number());
  o->o_levels = app->add_option("--levels", o->levels, "Grid: levels of each range (default 5)")->check(whole_number(1, 1000000));
  o->o_runs = app->add_option("--runs,-n", o->runs, "Runs per point (adaptive: per batch; default 100)")->check(seed_number());
  o->o_seed = app->add_option("--seed,-s", o->seed, "Master seed (default 1)")->check(seed_number());
  o->o_saltelli = app->add_flag("--saltelli", o->saltelli, "Saltelli layout for Sobol indices: N * (k + 2) points");
  o->o_streams = app->add_option("--streams", o->streams,
                                 "common (every point uses the master seed; default) or independent "
                                 "(a seed from each point's values)");
  o->o_adaptive = app->add_option("--adaptive", o->adaptive,
                                  "Add runs until an interval is narrow: win:ID:WIDTH, share:ID:WIDTH or "
                                  "nominations:ID:WIDTH");
  o->o_max_runs = app->add_option("--max-runs", o->max_runs, "Adaptive: most runs per point (default 20 x --runs)")->check(seed_number());
  o->o_max_points = app->add_option("--max-points", o->max_points, "Refuse designs with more points (default 100000)")->check(seed_number());
  app->add_option("--set", o->set, "Fix a parameter for every point: path=value (repeatable)");
  o->o_threads = app->add_option("--threads,-t", o->threads, "Worker threads (0: all cores; under MPI: 1 per rank)")
                     ->check(whole_number(0, 1024));
  app->add_option("--shard", o->shard, "Compute shard i of n (round robin over the points), e.g. 2/8");
  app->add_flag("--resume", o->resume, "Continue the unfinished sweep in --out (or start it)");
  app->add_option("--merge", o->merge, "Join the folders of a sharded sweep's jobs into --out")->expected(1, -1);
  app->add_flag("--quiet,-q", o->quiet, "No progress bar");

  return {app, [o]() -> int {
            if (o->out.empty()) throw InputError({{"--out", 0, 0, "give an output folder: --out DIR"}});
            if (!o->merge.empty()) {
              if (!o->scenario.empty())
                throw InputError({{"--merge", 0, 0, "--merge takes shard folders, not a scenario"}});
              std::vector<std::filesystem::path> dirs(o->merge.begin(), o->merge.end());
              merge_sweeps(dirs, o->out);
              std::cout << fmt::format("Merged {} shard folders into {}\n", dirs.size(), o->out);
              return 0;
            }
            if (o->scenario.empty()) throw InputError({{"sweep", 0, 0, "give a scenario file"}});
            install_stop_handlers();
            if (launched_by_mpi_environment()) {
#ifdef LEADSIM_HAVE_MPI
              MpiSession mpi;
              MpiSweepJob job;
              job.out = o->out;
              job.resume = o->resume;
              job.threads = o->o_threads->count() ? o->threads : 1;
              job.cancel = &interrupted;
              SweepProgressBar bar(!o->quiet && mpi.rank() == 0);
              job.progress = [&bar](const SweepProgress& p) { bar.update(p); };
              try {
                job.shard = parse_shard(o->shard);
                SweepSpec spec = build_spec(*o);
                const Scenario base = load_scenario(o->scenario, spec.set);
                check_sweep_spec(spec, base);
                return run_sweep_mpi(mpi, base, spec, job);
              } catch (const InputError& e) {
                // Every rank reads the same input and finds the same problems: one reports them.
                if (mpi.rank() == 0) print_diagnostics(e);
                return 2;
              }
#else
              throw InputError({{"sweep", 0, 0, "this leadsim was built without MPI, so every rank would run the "
                                                "whole sweep: rebuild with Open MPI installed (libopenmpi-dev), "
                                                "or split the sweep with --shard i/n"}});
#endif
            }
            const Shard shard = parse_shard(o->shard);
            SweepSpec spec = build_spec(*o);
            const Scenario base = load_scenario(o->scenario, spec.set);
            check_sweep_spec(spec, base);
            return run_local(*o, base, spec, shard);
          }};
}

}  // namespace leadsim::cli
