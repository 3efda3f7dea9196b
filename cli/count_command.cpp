// `leadsim count RULES BALLOTS`: counts given ballots (a CSV of rankings) under a scenario's
// final-ballot rules, round by round, as text or --json.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "leadsim/ballot_file.hpp"
#include "leadsim/count.hpp"
#include "leadsim/report.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim::cli {

Command add_count_command(CLI::App& parent) {
  struct Options {
    std::string scenario, ballots;
    bool json = false;
    std::uint64_t seed = 1;
    std::vector<std::string> set;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "count", "Count given ballots under a scenario's final-ballot rules, round by round");
  app->add_option("rules", o->scenario, "Scenario whose candidates and [rules.final_ballot] apply")
      ->required();
  app->add_option("ballots", o->ballots,
                  "CSV of ballots: ranking (ids separated by '>'), optional section and count")
      ->required();
  app->add_flag("--json", o->json, "Print the count as JSON");
  app->add_option("--seed,-s", o->seed, "Seed for lots, should a tie need them")->capture_default_str()->check(seed_number());
  add_set_option(app, o->set);
  return {app, [o]() {
            const Scenario s = load_scenario(o->scenario, o->set);
            const BallotSet ballots = read_ballot_file(o->ballots, s);
            const CountRules rules = s.rules.final_ballot.count_rules();
            const CountResult r = count_ballots(ballots, rules,
                                                std::vector<bool>(s.candidates.size(), true), o->seed);
            std::cout << (o->json ? count_json(s, rules, r) : format_count(s, rules, r));
            return 0;
          }};
}

}  // namespace leadsim::cli
