// `leadsim meeting SCENARIO --clp NAME`: tells the story of one CLP's nomination meeting in one
// run (--seed, --run): who was invited, who came, the debate and the vote.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "leadsim/contest.hpp"
#include "leadsim/population.hpp"
#include "leadsim/report.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim::cli {

namespace {

struct Options {
  std::string scenario;
  std::string clp;
  std::uint64_t seed = 1;
  std::uint64_t run_index = 0;
  std::vector<std::string> set;
};

int meeting(const Options& o) {
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

}  // namespace

Command add_meeting_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand("meeting", "Tell the story of one CLP's meeting in one run");
  app->add_option("scenario", o->scenario, "Scenario file")->required();
  app->add_option("--clp", o->clp, "CLP name, e.g. \"Hampstead and Kilburn\"")->required();
  app->add_option("--seed,-s", o->seed, "Master seed")->capture_default_str()->check(seed_number());
  app->add_option("--run", o->run_index, "Run index")->capture_default_str()->check(seed_number());
  add_set_option(app, o->set);
  return {app, [o]() { return meeting(*o); }};
}

}  // namespace leadsim::cli
