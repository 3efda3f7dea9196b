// leadsim: the command. Registers the subcommands (one file each, cli/<name>_command.cpp),
// parses the arguments, runs the chosen one, and turns what it throws into an exit code:
// 0 success, 2 bad input or usage, 1 internal error (command.hpp).
#include <CLI/CLI.hpp>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "command.hpp"
#include "leadsim/report.hpp"  // leadsim_version()

int main(int argc, char** argv) {
  using namespace leadsim::cli;
  CLI::App app{"leadsim: agent-based Monte Carlo simulation of party leadership contests"};
  app.set_version_flag("--version", std::string("leadsim ") + leadsim::leadsim_version());
  app.require_subcommand(1);

  // Registration order is the order of `leadsim --help`.
  const std::vector<Command> commands = {
      add_run_command(app),   add_validate_command(app),    add_meeting_command(app),
      add_count_command(app), add_keys_command(app),        add_sensitivity_command(app),
      add_sweep_command(app), add_identity_command(app),      add_calibrate_command(app),
      add_score_command(app),  add_target_command(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  try {
    for (const Command& c : commands)
      if (*c.app) return c.run();
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
