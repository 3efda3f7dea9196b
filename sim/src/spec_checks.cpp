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
    load_scenario(base.file, o);  // an id the scenario lacks is refused there (apply_override)
  } catch (const InputError& e) {
    for (const Diagnostic& x : e.diagnostics()) {
      d.message = fmt::format("'{}' = {} is refused by the scenario: {}", path, value, x.message);
      out.push_back(d);
    }
  }
}

}  // namespace leadsim::detail
