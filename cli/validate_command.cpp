// `leadsim validate SCENARIO`: loads and checks a scenario (with any --set overrides) and says
// what it holds; every problem is reported as file:line:column (exit code 2).
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "command.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim::cli {

Command add_validate_command(CLI::App& parent) {
  struct Options {
    std::string scenario;
    std::vector<std::string> set;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand("validate", "Check a scenario file and report every problem");
  app->add_option("scenario", o->scenario, "Scenario file")->required();
  add_set_option(app, o->set);
  return {app, [o]() {
            const Scenario s = load_scenario(o->scenario, o->set);
            std::cout << fmt::format("{}: ok ({}: {} candidates, {} factions, {} waves, {} CLPs, {} agents)\n",
                                     o->scenario, s.name, s.candidates.size(), s.factions.size(),
                                     s.waves.size(), s.clps.size(), s.agents());
            return 0;
          }};
}

}  // namespace leadsim::cli
