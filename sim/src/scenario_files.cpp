// scenario_files.cpp: a scenario file as one TOML tree: parsing, includes, --set overrides.
#include "scenario_files.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "leadsim/sha256.hpp"
#include "leadsim/toml_text.hpp"
#include "text.hpp"

namespace leadsim::detail {

namespace fs = std::filesystem;

toml::table parse_toml_file(const std::string& path, std::vector<Diagnostic>& diags,
                            std::string& bytes) {
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) {
    diags.push_back({path, 0, 0, "is not a file (a scenario is a .toml file)"});
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.push_back({path, 0, 0, "cannot open the file (does it exist, and is it readable?)"});
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  bytes = ss.str();
  try {
    return toml::parse(bytes, path);
  } catch (const toml::parse_error& e) {
    diags.push_back({path, int(e.source().begin.line), int(e.source().begin.column),
                     "TOML syntax: " + std::string(e.description())});
    return {};
  }
}

// Overlays `top` onto `base`: tables merge key by key, anything else replaces. Nodes are moved,
// not copied: a copied toml++ node forgets where it came from, and messages need file:line.
void merge_into(toml::table& base, toml::table&& top) {
  for (auto&& [k, v] : top) {
    toml::node* existing = base.get(k.str());
    // An inline table is one value ({ a = 0.4, b = 0.6 }): it replaces, it does not merge.
    if (existing && existing->is_table() && v.is_table() && !v.as_table()->is_inline()) {
      merge_into(*existing->as_table(), std::move(*v.as_table()));
    } else {
      base.insert_or_assign(k, std::move(v));
    }
  }
}

// Loads a file and, recursively, what it includes (the file's own keys win).
toml::table load_with_includes(const std::string& path, std::vector<Diagnostic>& diags,
                               std::vector<std::string>& files, std::vector<std::string>& hashes,
                               int depth) {
  std::string bytes;
  toml::table t = parse_toml_file(path, diags, bytes);
  toml::table result;
  if (toml::node* inc = t.get("include")) {
    std::vector<const toml::node*> names;
    if (inc->is_string()) names.push_back(inc);
    else if (auto a = inc->as_array()) for (const auto& x : *a) names.push_back(&x);
    for (const toml::node* n : names) {
      auto s = n->as_string();
      if (!s) {
        diags.push_back({path, int(n->source().begin.line), int(n->source().begin.column),
                         "'include' should be a file name or an array of file names"});
        continue;
      }
      fs::path inc_path = fs::path(path).parent_path() / s->get();
      if (depth > 8) {
        diags.push_back({path, int(n->source().begin.line), int(n->source().begin.column),
                         "includes nest more than 8 deep (an include cycle?)"});
        continue;
      }
      if (!fs::exists(inc_path)) {
        diags.push_back({path, int(n->source().begin.line), int(n->source().begin.column),
                         fmt::format("included file '{}' does not exist", inc_path.string())});
        continue;
      }
      merge_into(result, load_with_includes(inc_path.string(), diags, files, hashes, depth + 1));
    }
    t.erase("include");
  }
  files.push_back(path);
  hashes.push_back(sha256_hex(bytes));
  merge_into(result, std::move(t));
  return result;
}

// Applies "a.b.c=value" to the tree.
void apply_override(toml::table& root, const std::string& spec, std::vector<Diagnostic>& diags) {
  auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    diags.push_back({"--set", 0, 0, fmt::format("'{}' should be path=value, e.g. "
                                                "meetings.chair_bias=0.3", spec)});
    return;
  }
  std::string path = trim(spec.substr(0, eq)), value = trim(spec.substr(eq + 1));
  std::string origin = "--set " + path;
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value, origin);
  } catch (const toml::parse_error&) {
    // A bare word is a string: --set rules.final_ballot.method=plurality.
    parsed = toml::parse("v = " + toml_string(value), origin);
  }
  std::vector<std::string> parts = split(path, '.');
  toml::table* t = &root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    toml::node* n = t->get(parts[i]);
    if (!n) {
      t->insert_or_assign(parts[i], toml::table{});
      n = t->get(parts[i]);
    }
    if (!n->is_table()) {
      diags.push_back({"--set", 0, 0, fmt::format("'{}': '{}' is a value, not a table", path,
                                                  parts[i])});
      return;
    }
    t = n->as_table();
  }
  t->insert_or_assign(parts.back(), std::move(*parsed.get("v")));
}

}  // namespace leadsim::detail

namespace leadsim {

toml::table load_scenario_tree(const std::string& path, std::vector<Diagnostic>& diags) {
  std::vector<std::string> files, hashes;
  return detail::load_with_includes(path, diags, files, hashes, 0);
}

}  // namespace leadsim
