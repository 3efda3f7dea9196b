// spec_checks.cpp: checks shared by the calibration, target and placement specs (spec_checks.hpp).
#include "spec_checks.hpp"

#include <fmt/format.h>

#include "leadsim/sha256.hpp"
#include "scenario_files.hpp"
#include "text.hpp"

namespace leadsim::detail {

Diagnostic at_node(const toml::node& n, const std::string& file, std::string message) {
  const auto& src = n.source();
  return {src.path ? *src.path : file, int(src.begin.line), int(src.begin.column),
          std::move(message)};
}

SpecFile open_spec(const std::string& file, const std::string& what, const std::string& name,
                   const std::set<std::string>& keys, std::vector<Diagnostic>& diags) {
  SpecFile spec;
  std::string bytes;
  std::vector<Diagnostic> syntax;
  spec.root = parse_toml_file(file, syntax, bytes, what);
  if (!syntax.empty()) throw InputError(syntax);
  spec.sha256 = sha256_hex(bytes);
  const toml::table* t = spec.root[name].as_table();
  if (!t) throw InputError({{file, 1, 1, fmt::format("a {} needs a [{}] table", what, name)}});
  for (auto&& [k, v] : *t)
    if (!keys.count(std::string(k.str())))
      diags.push_back(at_node(v, file, fmt::format("unknown key '{}.{}'{}", name, k.str(),
                                                   did_you_mean(std::string(k.str()), {keys.begin(), keys.end()}))));
  return spec;
}

nlohmann::ordered_json spec_output_json(const Scenario& base, const std::string& spec_file,
                                        const std::string& spec_sha256) {
  nlohmann::ordered_json j;
  j["scenario"] = base.file;
  j["scenario_sha256"] = base.sha256;
  j["spec"] = spec_file;
  j["spec_sha256"] = spec_sha256;
  return j;
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
