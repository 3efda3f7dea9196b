// spec_checks.hpp (private): what the calibration, target and placement specs check the same way.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "leadsim/diagnostic.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim::detail {

// A diagnostic at a TOML node (its file, line and column; `file` if the node has no source).
Diagnostic at_node(const toml::node& n, const std::string& file, std::string message);

// A spec file opened for its top table [name] (`what` names the file in messages: "target
// spec"): the tree, the file's SHA-256 and the table. A syntax error, or no [name] table, throws
// InputError; a key of the table not in `keys` goes to `diags` with a did-you-mean.
struct SpecFile {
  toml::table root;
  std::string sha256;
  const toml::table& table(const std::string& name) const { return *root[name].as_table(); }
};
SpecFile open_spec(const std::string& file, const std::string& what, const std::string& name,
                   const std::set<std::string>& keys, std::vector<Diagnostic>& diags);

// What a spec-driven output (calibration.json, target.json, placement.json) opens with: the
// scenario and the spec, each with its SHA-256, in that order.
nlohmann::ordered_json spec_output_json(const Scenario& base, const std::string& spec_file,
                                        const std::string& spec_sha256);

// Whether `path` = `value` (TOML text) on top of `set` is a value the scenario takes: the loader
// has the last word (rules across fields; a keyed path such as factions.<id>.x naming an entry
// the scenario has, else the parameter would move nothing). Problems go to `out`, located at
// `where`.
void check_parameter_value(const Scenario& base, const std::vector<std::string>& set,
                           const std::string& path, const std::string& value,
                           const Diagnostic& where, std::vector<Diagnostic>& out);

}  // namespace leadsim::detail
