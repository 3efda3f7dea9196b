// spec_checks.hpp (private): what the calibration and target specs check the same way.
#pragma once

#include <string>
#include <toml++/toml.h>
#include <vector>

#include "leadsim/diagnostic.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim::detail {

// A diagnostic at a TOML node (its file, line and column; `file` if the node has no source).
Diagnostic at_node(const toml::node& n, const std::string& file, std::string message);

// Whether `path` = `value` (TOML text) on top of `set` is a value the scenario takes: the loader
// has the last word (rules across fields; a keyed path such as factions.<id>.x naming an entry
// the scenario has, else the parameter would move nothing). Problems go to `out`, located at
// `where`.
void check_parameter_value(const Scenario& base, const std::vector<std::string>& set,
                           const std::string& path, const std::string& value,
                           const Diagnostic& where, std::vector<Diagnostic>& out);

}  // namespace leadsim::detail
