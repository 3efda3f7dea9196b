// spec_checks.cpp: checks shared by the calibration and target specs (spec_checks.hpp).
#include "spec_checks.hpp"

#include <fmt/format.h>

namespace leadsim::detail {

Diagnostic at_node(const toml::node& n, const std::string& file, std::string message) {
  const auto& src = n.source();
  return {src.path ? *src.path : file, int(src.begin.line), int(src.begin.column),
          std::move(message)};
}

void check_parameter_value(const Scenario& base, const std::vector<std::string>& set,
                           const std::string& path, const std::string& value,
                           const Diagnostic& where, std::vector<Diagnostic>& out) {
  std::vector<std::string> o = set;
  o.push_back(path + "=" + value);
  Diagnostic d = where;
  try {
    const Scenario s = load_scenario(base.file, o);
    if (s.factions.size() != base.factions.size() || s.waves.size() != base.waves.size() ||
        s.candidates.size() != base.candidates.size() ||
        s.affiliates.size() != base.affiliates.size() || s.clps.size() != base.clps.size()) {
      d.message = fmt::format("'{}' names an entry the scenario does not have (its id is not one "
                              "of the scenario's)", path);
      out.push_back(d);
    }
  } catch (const InputError& e) {
    for (const Diagnostic& x : e.diagnostics()) {
      d.message = fmt::format("'{}' = {} is refused by the scenario: {}", path, value, x.message);
      out.push_back(d);
    }
  }
}

}  // namespace leadsim::detail
