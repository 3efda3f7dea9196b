// `leadsim score SCENARIO --observed OUTCOMES.csv --out DIR`: proper scores of the model's
// per-CLP nomination probabilities against observed nominations (score.hpp). Runs the ensemble
// (writing the run's summary.json, runs.csv and clps.csv into DIR as `run` does), or reads a
// finished run folder with --from; then writes score.json, reliability.svg and map.svg, all or
// nothing, and prints the tables.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "command.hpp"
#include "leadsim/ensemble.hpp"
#include "leadsim/hexmap.hpp"
#include "leadsim/population.hpp"
#include "leadsim/output_dir.hpp"
#include "leadsim/report.hpp"
#include "leadsim/score.hpp"

namespace leadsim::cli {

namespace {

struct Options {
  std::string scenario, observed, out, from, hexmap, map_candidate;
  std::uint64_t runs = 1000, seed = 1;
  int threads = 0;
  std::vector<std::string> set;
  bool quiet = false;
};

// The candidate the map shows: an id, "none", "likely" (the most likely outcome), or the
// scenario's first candidate by default. Returns an outcome index, -1 for "likely".
int map_choice(const Scenario& s, const std::string& id) {
  if (id.empty()) return 0;
  if (id == "likely") return -1;
  if (id == "none") return int(s.candidates.size());
  const int c = s.candidate_index(id);
  if (c >= 0) return c;
  std::string ids;
  for (const auto& x : s.candidates) ids += x.id + ", ";
  throw InputError({{"--map-candidate", 0, 0,
                     fmt::format("'{}' is not a candidate of {} (expected one of {}none or likely)",
                                 id, s.name, ids)}});
}

int score(const Options& o) {
  const Scenario s = load_scenario(o.scenario, o.set);
  const ObservedOutcomes obs = read_observed_outcomes(s, o.observed);
  const int shown = map_choice(s, o.map_candidate);
  // The hex map: the one named, or the one beside the scenario's data if it is there.
  std::optional<HexMap> map;
  std::string map_note;
  const std::string map_path = o.hexmap.empty() ? default_hexmap_path(s.file) : o.hexmap;
  if (!o.hexmap.empty() || std::filesystem::exists(map_path)) {
    map = read_hexmap(map_path);
    if (clps_on_map(s, *map) == 0) {
      map_note = fmt::format("no map.svg: none of the scenario's CLPs is on the hex map {}", map_path);
      map.reset();
    }
  } else {
    map_note = fmt::format("no map.svg: no hex map at {} (--hexmap names one)", map_path);
  }

  OutputDir out(o.out);
  ScoreReport report;
  if (!o.from.empty()) {
    RunFolder f = read_run_folder(s, o.from);
    if (!f.scenario_sha256.empty() && f.scenario_sha256 != s.sha256)
      std::cerr << fmt::format(
          "leadsim score: warning: {} was run from a scenario file with other contents ({}) than "
          "{}\n",
          o.from, f.scenario.empty() ? "unnamed" : f.scenario, o.scenario);
    f.national.same_clps_as_scored = obs.scored == int(s.clps.size());
    report = score_forecast(s, obs, f.forecast, &f.national);
    report.seed = f.seed;
  } else {
    const Population pop = synthesise(s, o.seed);
    RunsCsv runs_writer(s, out.open("runs.csv"));
    ProgressBar bar(!o.quiet);
    EnsembleOptions opt;
    opt.seed = o.seed;
    opt.runs = o.runs;
    opt.threads = o.threads;
    opt.progress = [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
    opt.cancel = &interrupted;
    install_stop_handlers();
    ScoredEnsemble scored = run_and_score(s, pop, obs, opt, &runs_writer);
    if (scored.result.cancelled) {
      std::cerr << "interrupted (" << stop_signal_name() << "): no output written\n";
      return interrupted_exit_code();
    }
    const Manifest man = make_manifest(s, o.seed, o.runs);
    write_summary_json(out.open("summary.json"), s, man, scored.result.summary);
    write_clps_csv(out.open("clps.csv"), s, scored.result.summary);
    report = std::move(scored.report);
  }
  write_score_files(out, report, s, map ? &*map : nullptr, shown);
  out.commit();

  std::cout << format_score_report(report);
  std::cout << fmt::format("\nWrote {}/score.json, reliability.svg{}{}\n", o.out,
                           map ? ", map.svg" : "",
                           o.from.empty() ? " and the run's summary.json, runs.csv, clps.csv" : "");
  if (!map_note.empty()) std::cout << map_note << "\n";
  return 0;
}

}  // namespace

Command add_score_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "score", "Score the model's per-CLP nomination probabilities against observed nominations");
  app->add_option("scenario", o->scenario, "Scenario file")->required();
  app->add_option("--observed", o->observed,
                  "CSV with columns clp, nominated (a candidate id or none); other columns ignored")
      ->required();
  app->add_option("--out,-o", o->out, "Output folder")->required();
  auto* from = app->add_option("--from", o->from,
                               "Score a finished run folder (summary.json, clps.csv, runs.csv) "
                               "instead of running");
  app->add_option("--runs,-n", o->runs, "Monte Carlo runs")
      ->capture_default_str()
      ->check(whole_number(1, 100'000'000))
      ->excludes(from);
  app->add_option("--seed,-s", o->seed, "Master seed")
      ->capture_default_str()
      ->check(seed_number())
      ->excludes(from);
  app->add_option("--threads,-t", o->threads, "Worker threads (0: all cores)")
      ->capture_default_str()
      ->check(whole_number(0, 1024));
  add_set_option(app, o->set)->excludes(from);
  app->add_option("--map-candidate", o->map_candidate,
                  "The map's colour: P(nominates ID), 'none', or 'likely' (the most likely "
                  "outcome); default the scenario's first candidate");
  app->add_option("--hexmap", o->hexmap,
                  "Hex map CSV (name,q,r); default data/ge2015_hexmap.csv beside the scenario");
  app->add_flag("--quiet,-q", o->quiet, "No progress bar");
  return {app, [o]() { return score(*o); }};
}

}  // namespace leadsim::cli
