// sensitivity_command.hpp: `leadsim sensitivity DIR`: Sobol indices of a finished (or running)
// Saltelli sweep, printed and written to DIR/sensitivity.csv.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace leadsim::cli {

// A registered subcommand: `app` to ask whether it was chosen, `run` to carry it out (returns the
// exit code; bad input is thrown as leadsim::InputError for main() to report with exit code 2).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// Adds `sensitivity DIR [--output COL]... [--bootstrap B] [--seed S] [--confidence C]` to `parent`.
Command add_sensitivity_command(CLI::App& parent);

}  // namespace leadsim::cli
