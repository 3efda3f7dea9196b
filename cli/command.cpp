// command.cpp: the helpers every `leadsim` subcommand shares (see command.hpp).
#include "command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <limits>

#include "leadsim/number_text.hpp"

namespace leadsim::cli {

void print_diagnostics(const InputError& e) {
  for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
}

CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        if (parse_unsigned(text, lo, hi)) return "";
        return fmt::format("'{}' is not a decimal whole number in [{}, {}]", text, lo, hi);
      },
      fmt::format("WHOLE in [{}, {}]", lo, hi));
}

CLI::Validator finite_number(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        if (const auto x = parse_real(text); x && *x >= lo && *x <= hi) return "";
        return fmt::format("'{}' is not a finite decimal number in [{}, {}]", text, lo, hi);
      },
      fmt::format("NUMBER in [{}, {}]", lo, hi));
}

CLI::Validator seed_number() { return whole_number(0, std::numeric_limits<std::uint64_t>::max()); }

CLI::Option* add_set_option(CLI::App* app, std::vector<std::string>& set) {
  return app->add_option("--set", set, "Override a parameter: path=value (repeatable)");
}

}  // namespace leadsim::cli
