// leadsim: the command. Parses arguments, calls the library, prints. Nothing else lives here.
//
// Exit codes: 0 success, 2 bad input or usage, 1 internal error.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "leadsim/ballot_file.hpp"
#include "leadsim/contest.hpp"
#include "leadsim/ensemble.hpp"
#include "leadsim/population.hpp"
#include "leadsim/report.hpp"
#include "leadsim/fields.hpp"
#include "leadsim/scenario.hpp"
#include "sensitivity_command.hpp"
#include "sweep_command.hpp"

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
  std::string clp;
  std::uint64_t run_index = 0;
  std::string ballots;
  bool json = false;
};

std::atomic<bool> interrupted{false};

// A progress bar on stderr, only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled && ::isatty(2)) {}
  void update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const int width = 40, filled = int(double(width) * double(done) / double(total));
    std::fprintf(stderr, "\r[%s%s] %llu/%llu runs, %.0f runs/s ",
                 std::string(size_t(filled), '#').c_str(),
                 std::string(size_t(width - filled), '.').c_str(), (unsigned long long)done,
                 (unsigned long long)total, secs > 0 ? double(done) / secs : 0.0);
    if (done == total) std::fprintf(stderr, "\r%*s\r", width + 40, "");
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_;
};

void print_diagnostics(const leadsim::InputError& e) {
  for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
}

int cmd_run(const Options& o) {
  using namespace leadsim;
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
    std::cerr << "interrupted: no output written\n";
    return 130;
  }
  const Manifest m = make_manifest(s, o.seed, o.runs);
  write_summary_json(out.open("summary.json"), s, m, r.summary);
  write_clps_csv(out.open("clps.csv"), s, r.summary);
  out.commit();

  std::cout << format_report(s, m, r);
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
  std::cout << fmt::format("\nWrote {}, {} and {}\n", out.path("summary.json").string(),
                           out.path("runs.csv").string(), out.path("clps.csv").string());
  return 0;
}

int cmd_validate(const Options& o) {
  const leadsim::Scenario s = leadsim::load_scenario(o.scenario, o.set);
  std::cout << fmt::format("{}: ok ({}: {} candidates, {} factions, {} waves, {} CLPs, {} agents)\n",
                           o.scenario, s.name, s.candidates.size(), s.factions.size(),
                           s.waves.size(), s.clps.size(), s.agents());
  return 0;
}

int cmd_meeting(const Options& o) {
  using namespace leadsim;
  Scenario s = load_scenario(o.scenario, o.set);
  const int clp = s.clp_index(o.clp);
  if (clp < 0) {
    std::vector<Diagnostic> d{{o.scenario, 0, 0, fmt::format("no CLP named '{}'", o.clp)}};
    // Suggest close names: a user types "Hampstead & Kilburn" for "Hampstead and Kilburn".
    std::string hint;
    for (const auto& c : s.clps)
      if (c.name.find(o.clp.substr(0, std::min<size_t>(6, o.clp.size()))) != std::string::npos)
        hint += (hint.empty() ? "" : ", ") + ("'" + c.name + "'");
    if (!hint.empty()) d[0].message += " (CLPs with similar names: " + hint + ")";
    throw InputError(d);
  }
  const Population pop = synthesise(s, o.seed);
  ContestWorkspace ws;
  RunResult r;
  MeetingStory story;
  run_contest(s, pop, o.seed, o.run_index, ws, r, &story, clp);
  std::cout << format_meeting_story(s, clp, o.seed, o.run_index, story);
  return 0;
}

int cmd_count(const Options& o) {
  using namespace leadsim;
  const Scenario s = load_scenario(o.scenario, o.set);
  const BallotSet ballots = read_ballot_file(o.ballots, s);
  const CountRules rules = s.rules.final_ballot.count_rules();
  const CountResult r = count_ballots(ballots, rules, std::vector<bool>(s.candidates.size(), true),
                                      o.seed);
  std::cout << (o.json ? count_json(s, rules, r) : format_count(s, rules, r));
  return 0;
}

int cmd_keys(bool markdown) {
  if (markdown)
    std::cout << "| key | type | default | unit | changes | meaning |\n|---|---|---|---|---|---|\n";
  for (const leadsim::Field& f : leadsim::scenario_fields()) {
    if (markdown) {
      auto cell = [](std::string x) {
        for (size_t p = 0; (p = x.find('|', p)) != std::string::npos; p += 2) x.replace(p, 1, "\\|");
        return x;
      };
      std::cout << fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", f.path, cell(f.type()),
                               cell(f.def), cell(f.unit), leadsim::affects_text(f.affects),
                               cell(f.meaning));
    } else {
      std::cout << fmt::format("{}\t{}\t{}\t{}\t{}\t{}\n", f.path, f.type(), f.def, f.unit,
                               leadsim::affects_text(f.affects), f.meaning);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"leadsim: agent-based Monte Carlo simulation of party leadership contests"};
  app.set_version_flag("--version", std::string("leadsim ") + leadsim::leadsim_version());
  app.require_subcommand(1);
  Options o;

  auto* run = app.add_subcommand("run", "Run many contests and summarise them");
  run->add_option("scenario", o.scenario, "Scenario file")->capture_default_str();
  run->add_option("--runs,-n", o.runs, "Monte Carlo runs")->capture_default_str()->check(CLI::Range(std::uint64_t(1), std::uint64_t(100'000'000)));
  run->add_option("--seed,-s", o.seed, "Master seed")->capture_default_str();
  run->add_option("--threads,-t", o.threads, "Worker threads (0: all cores)")->capture_default_str()->check(CLI::Range(0, 1024));
  run->add_option("--out,-o", o.out, "Output folder")->capture_default_str();
  run->add_option("--set", o.set, "Override a parameter: path=value (repeatable)");
  run->add_flag("--profile", o.profile, "Print time per stage");
  run->add_flag("--quiet,-q", o.quiet, "No progress bar");

  auto* validate = app.add_subcommand("validate", "Check a scenario file and report every problem");
  validate->add_option("scenario", o.scenario, "Scenario file")->required();
  validate->add_option("--set", o.set, "Override a parameter: path=value (repeatable)");

  auto* meeting = app.add_subcommand("meeting", "Tell the story of one CLP's meeting in one run");
  meeting->add_option("scenario", o.scenario, "Scenario file")->required();
  meeting->add_option("--clp", o.clp, "CLP name, e.g. \"Hampstead and Kilburn\"")->required();
  meeting->add_option("--seed,-s", o.seed, "Master seed")->capture_default_str();
  meeting->add_option("--run", o.run_index, "Run index")->capture_default_str();
  meeting->add_option("--set", o.set, "Override a parameter: path=value (repeatable)");

  auto* count = app.add_subcommand(
      "count", "Count given ballots under a scenario's final-ballot rules, round by round");
  count->add_option("rules", o.scenario, "Scenario whose candidates and [rules.final_ballot] apply")
      ->required();
  count->add_option("ballots", o.ballots,
                    "CSV of ballots: ranking (ids separated by '>'), optional section and count")
      ->required();
  count->add_flag("--json", o.json, "Print the count as JSON");
  count->add_option("--seed,-s", o.seed, "Seed for lots, should a tie need them")->capture_default_str();
  count->add_option("--set", o.set, "Override a parameter: path=value (repeatable)");

  auto* keys = app.add_subcommand("keys", "List every scenario key with its type, default, unit and meaning");
  bool markdown = false;
  keys->add_flag("--markdown", markdown, "As a Markdown table (the README's)");

  const leadsim::cli::Command sensitivity = leadsim::cli::add_sensitivity_command(app);
  const leadsim::cli::Command sweep = leadsim::cli::add_sweep_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  std::signal(SIGINT, [](int) { interrupted = true; });
  try {
    if (*run) return cmd_run(o);
    if (*validate) return cmd_validate(o);
    if (*meeting) return cmd_meeting(o);
    if (*keys) return cmd_keys(markdown);
    if (*count) return cmd_count(o);
    if (*sensitivity.app) return sensitivity.run();
    if (*sweep.app) return sweep.run();
  } catch (const leadsim::InputError& e) {
    print_diagnostics(e);
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "leadsim: out of memory (try a smaller scenario or fewer threads)\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "leadsim: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
