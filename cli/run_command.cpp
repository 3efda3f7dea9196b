// `leadsim run SCENARIO`: many contests on all cores, summarised. Writes summary.json, runs.csv
// and clps.csv into the output folder (all or nothing) and prints the report; --profile adds the
// time spent in each stage; --decompose the share of the spread each source of uncertainty
// accounts for (uncertainty.hpp), also written as uncertainty.csv.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "command.hpp"
#include "leadsim/ensemble.hpp"
#include "leadsim/population.hpp"
#include "leadsim/report.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/uncertainty.hpp"

namespace leadsim::cli {

namespace {

constexpr const char* kDefaultScenario = "scenarios/labour-2016.toml";

struct Options {
  std::string scenario = kDefaultScenario;
  std::uint64_t runs = 1000;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string out = "out";
  std::vector<std::string> set;
  bool profile = false;
  bool quiet = false;
  bool decompose = false;
};

// The decomposition as a table for the report and as CSV.
std::string format_decomposition(const Scenario& s, const UncertaintyDecomposition& d) {
  std::string o = fmt::format(
      "\nWhere the spread comes from ({}: each source switched off in turn, same seed)\n",
      s.candidates[size_t(d.candidate)].name);
  o += fmt::format("  {:<40} {:>9} {:>9} {:>7}\n", "source", "share var", "noms var", "P(win)");
  o += fmt::format("  {:<40} {:>9.2e} {:>9.1f} {:>7.3f}\n", "all sources", d.all.share_variance,
                   d.all.nominations_variance, d.all.win_probability);
  for (const auto& r : d.rows)
    o += fmt::format("  without {:<32} {:>9.2e} {:>9.1f} {:>7.3f}   ({:.0f}% of the share's "
                     "variance, {:.0f}% of the nominations')\n",
                     r.name, r.without.share_variance, r.without.nominations_variance,
                     r.without.win_probability, 100 * r.share_part, 100 * r.nominations_part);
  o += "  (the rest: the people's own draws, and the sources' interactions)\n";
  return o;
}

void write_decomposition_csv(std::ostream& out, const UncertaintyDecomposition& d) {
  out << "source,share_variance,nominations_variance,win_probability,share_part,nominations_part\n";
  out << fmt::format("all,{:.6g},{:.6g},{:.6g},,\n", d.all.share_variance,
                     d.all.nominations_variance, d.all.win_probability);
  for (const auto& r : d.rows)
    out << fmt::format("{},{:.6g},{:.6g},{:.6g},{:.4f},{:.4f}\n", r.id, r.without.share_variance,
                       r.without.nominations_variance, r.without.win_probability, r.share_part,
                       r.nominations_part);
}

int run(const Options& o) {
  install_stop_handlers();
  Scenario s = load_scenario(o.scenario, o.set);
  OutputDir out(o.out);  // fails early (exit 2) if the folder cannot be written
  const Population pop = synthesise(s, o.seed);
  std::ostream& runs_csv = out.open("runs.csv");
  RunsCsv runs_writer(s, runs_csv);
  ProgressBar bar(!o.quiet);
  EnsembleOptions opt;
  opt.seed = o.seed;
  opt.runs = o.runs;
  opt.threads = o.threads;
  opt.profile = o.profile;
  opt.progress = [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  opt.cancel = &interrupted;
  const EnsembleResult r = run_ensemble(s, pop, opt, &runs_writer);
  if (r.cancelled) {
    std::cerr << fmt::format("interrupted ({}): no output written\n", stop_signal_name());
    return interrupted_exit_code();
  }
  std::string decomposition;
  if (o.decompose) {
    EnsembleOptions quiet = opt;
    quiet.progress = nullptr;
    const UncertaintyDecomposition d = decompose_uncertainty(s, pop, quiet, r);
    if (interrupted) {
      std::cerr << fmt::format("interrupted ({}): no output written\n", stop_signal_name());
      return interrupted_exit_code();
    }
    write_decomposition_csv(out.open("uncertainty.csv"), d);
    decomposition = format_decomposition(s, d);
  }
  const Manifest m = make_manifest(s, o.seed, o.runs);
  write_summary_json(out.open("summary.json"), s, m, r.summary);
  write_clps_csv(out.open("clps.csv"), s, r.summary);
  if (interrupted) {  // stopped while the files were written: they are not put in place
    std::cerr << fmt::format("interrupted ({}): no output written\n", stop_signal_name());
    return interrupted_exit_code();
  }
  out.commit();

  std::cout << format_report(s, m, r) << decomposition;
  if (o.profile) {
    double total = 0;
    for (double x : r.profile.seconds) total += x;
    std::cout << "\nProfile (thread-seconds per stage)\n";
    for (int i = 0; i < StageProfile::kStages; ++i)
      std::cout << fmt::format("  {:<14}{:>9.3f} s {:>6.1f}%\n", StageProfile::kNames[i],
                               r.profile.seconds[size_t(i)],
                               total > 0 ? 100 * r.profile.seconds[size_t(i)] / total : 0.0);
    std::cout << fmt::format("  population    {:>9.1f} MB\n", double(pop.bytes()) / 1e6);
  }
  std::cout << fmt::format("\nWrote {}, {}{} and {}\n", out.path("summary.json").string(),
                           out.path("runs.csv").string(),
                           o.decompose ? ", " + out.path("uncertainty.csv").string() : "",
                           out.path("clps.csv").string());
  return 0;
}

}  // namespace

Command add_run_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand("run", "Run many contests and summarise them");
  app->add_option("scenario", o->scenario, "Scenario file")->capture_default_str();
  app->add_option("--runs,-n", o->runs, "Monte Carlo runs")->capture_default_str()->check(whole_number(1, 100'000'000));
  app->add_option("--seed,-s", o->seed, "Master seed")->capture_default_str()->check(seed_number());
  app->add_option("--threads,-t", o->threads, "Worker threads (0: all cores)")->capture_default_str()->check(whole_number(0, 1024));
  app->add_option("--out,-o", o->out, "Output folder")->capture_default_str();
  add_set_option(app, o->set);
  app->add_flag("--profile", o->profile, "Print time per stage");
  app->add_flag("--quiet,-q", o->quiet, "No progress bar");
  app->add_flag("--decompose", o->decompose,
                "Also run with each source of uncertainty switched off in turn: the share of the "
                "spread each accounts for (uncertainty.csv)");
  return {app, [o]() { return run(*o); }};
}

}  // namespace leadsim::cli
