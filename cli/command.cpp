// command.cpp: the helpers every `leadsim` subcommand shares (see command.hpp).
#include "command.hpp"

#include <iostream>

namespace leadsim::cli {

void print_diagnostics(const InputError& e) {
  for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
}

CLI::Option* add_set_option(CLI::App* app, std::vector<std::string>& set) {
  return app->add_option("--set", set, "Override a parameter: path=value (repeatable)");
}

}  // namespace leadsim::cli
