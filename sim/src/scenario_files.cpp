// scenario_files.cpp: a scenario file as one TOML tree: parsing, includes, --set overrides.
#include "scenario_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>

#include "leadsim/fields.hpp"
#include "leadsim/input_file.hpp"
#include "leadsim/sha256.hpp"
#include "leadsim/toml_input.hpp"
#include "leadsim/toml_text.hpp"
#include "text.hpp"

namespace leadsim::detail {

namespace fs = std::filesystem;

std::optional<toml::table> parse_toml_text(std::string_view text, const std::string& origin,
                                           std::vector<Diagnostic>& diags) {
  if (std::optional<Diagnostic> deep = toml_nesting_problem(text, origin)) {
    diags.push_back(std::move(*deep));
    return std::nullopt;
  }
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    diags.push_back({origin, int(e.source().begin.line), int(e.source().begin.column),
                     "TOML syntax: " + std::string(e.description())});
    return std::nullopt;
  }
}

toml::table parse_toml_file(const std::string& path, std::vector<Diagnostic>& diags,
                            std::string& bytes, const std::string& what,
                            const SourcePlace* where) {
  std::optional<std::string> read = read_input_file(path, what, diags, where);
  if (!read) return {};
  bytes = std::move(*read);
  std::optional<toml::table> t = parse_toml_text(bytes, path, diags);
  return t ? std::move(*t) : toml::table{};
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

namespace {

// What one load has read: the files in reading order with their hashes, the files merged (by
// canonical path), and the chain of files being read (for cycles).
struct IncludeState {
  std::vector<std::string>& files;
  std::vector<std::string>& hashes;
  std::set<std::string> merged;
  std::vector<std::pair<std::string, std::string>> chain;  // (canonical, as named)
};

// A file's identity: its canonical path (symlinks and ".." resolved), else its absolute path.
std::string identity_of(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::canonical(p, ec);
  if (ec) c = fs::absolute(p, ec).lexically_normal();
  return c.string();
}

// Loads a file and, recursively, what it includes (the file's own keys win).
toml::table load_file(const std::string& path, const SourcePlace* named_at,
                      std::vector<Diagnostic>& diags, IncludeState& st) {
  std::string bytes;
  toml::table t = parse_toml_file(path, diags, bytes, named_at ? "included file" : "scenario",
                                  named_at);
  st.chain.emplace_back(identity_of(path), path);
  st.merged.insert(st.chain.back().first);
  toml::table result;
  if (toml::node* inc = t.get("include")) {
    std::vector<const toml::node*> names;
    if (inc->is_string()) names.push_back(inc);
    else if (auto a = inc->as_array()) for (const auto& x : *a) names.push_back(&x);
    else names.push_back(inc);
    for (const toml::node* n : names) {
      const SourcePlace at{path, int(n->source().begin.line), int(n->source().begin.column)};
      auto s = n->as_string();
      if (!s) {
        diags.push_back(Diagnostic::at(at, "'include' should be a file name or an array of file "
                                           "names"));
        continue;
      }
      const fs::path inc_path = fs::path(path).parent_path() / s->get();
      if (int(st.chain.size()) > kMaxIncludeDepth) {
        diags.push_back(Diagnostic::at(
            at, fmt::format("includes nest more than {} deep: '{}' is not read",
                            kMaxIncludeDepth, inc_path.string())));
        continue;
      }
      // Readable at all? (Reported here, at the include's line, with the path.)
      if (std::string problem = input_file_problem(inc_path.string()); !problem.empty()) {
        diags.push_back(Diagnostic::at(
            at, fmt::format("included file '{}' {}", inc_path.string(), problem)));
        continue;
      }
      const std::string id = identity_of(inc_path);
      const auto in_chain = std::find_if(st.chain.begin(), st.chain.end(),
                                         [&](const auto& c) { return c.first == id; });
      if (in_chain != st.chain.end()) {
        std::string circle;
        for (auto c = in_chain; c != st.chain.end(); ++c) circle += c->second + " -> ";
        diags.push_back(Diagnostic::at(
            at, fmt::format("include cycle: '{}' is already being read ({}{})",
                            inc_path.string(), circle, inc_path.string())));
        continue;
      }
      if (st.merged.count(id)) continue;  // read once: its keys are in the tree already
      merge_into(result, load_file(inc_path.string(), &at, diags, st));
    }
    t.erase("include");
  }
  st.chain.pop_back();
  st.files.push_back(path);
  st.hashes.push_back(sha256_hex(bytes));
  merge_into(result, std::move(t));
  return result;
}

}  // namespace

toml::table load_with_includes(const std::string& path, std::vector<Diagnostic>& diags,
                               std::vector<std::string>& files, std::vector<std::string>& hashes) {
  IncludeState st{files, hashes, {}, {}};
  return load_file(path, nullptr, diags, st);
}

namespace {

// The keyed tables (candidates, factions, affiliates, waves): the prefixes of the field table's
// "<id>" paths, so a keyed table added to the table is covered without a list to keep here.
const std::vector<std::vector<std::string>>& keyed_tables() {
  static const std::vector<std::vector<std::string>> tables = [] {
    std::vector<std::vector<std::string>> t;
    for (const Field& f : scenario_fields()) {
      if (!f.keyed()) continue;
      std::vector<std::string> prefix = split(f.path.substr(0, f.path.find(".<id>")), '.');
      if (std::find(t.begin(), t.end(), prefix) == t.end()) t.push_back(std::move(prefix));
    }
    return t;
  }();
  return tables;
}

// Why the path `parts` may not be set: it goes into an entry of a keyed table
// (factions.<id>.mobilisation) whose id the tree does not have. Walking it would make a new entry
// (a typo in the id would add a faction and leave the scenario's own as they were, or end in a
// list of missing keys blamed on no file), so it is refused naming the ids there are, in file
// order. An entry is added on purpose by giving it whole, as one table value (factions.new={...}):
// a path of the keyed table's depth + 1, which this lets through. "" if the path may be set.
std::string missing_entry(const toml::table& root, const std::vector<std::string>& parts,
                          const std::vector<std::string>& file_order) {
  for (const std::vector<std::string>& prefix : keyed_tables()) {
    if (parts.size() < prefix.size() + 2 || !std::equal(prefix.begin(), prefix.end(), parts.begin()))
      continue;
    const toml::table* t = &root;
    for (const std::string& p : prefix) {
      const toml::node* n = t ? t->get(p) : nullptr;
      t = n ? n->as_table() : nullptr;
    }
    const std::string& id = parts[prefix.size()];
    if (t && t->contains(id)) return "";
    std::string table;
    for (const std::string& p : prefix) table += (table.empty() ? "" : ".") + p;
    // The keyed tables are named in the plural: "factions" holds factions, each a "faction".
    std::string noun = prefix.back();
    if (!noun.empty() && noun.back() == 's') noun.pop_back();
    std::vector<std::tuple<size_t, int, int, std::string>> ids;  // (file, line, column, id)
    if (t) {
      for (auto&& [k, v] : *t) {
        const auto& src = v.source();
        const size_t file = src.path ? size_t(std::find(file_order.begin(), file_order.end(),
                                                        *src.path) - file_order.begin())
                                     : file_order.size();
        ids.emplace_back(file, int(src.begin.line), int(src.begin.column), std::string(k.str()));
      }
    }
    std::sort(ids.begin(), ids.end());
    std::string known;
    for (const auto& x : ids) known += (known.empty() ? "" : ", ") + std::get<3>(x);
    return fmt::format("no {} '{}' in the scenario ({}); to add one, give it whole: {}.{}={{ ... }}",
                       noun, id, known.empty() ? fmt::format("it has no {}", table)
                                               : fmt::format("its {}: {}", table, known),
                       table, id);
  }
  return "";
}

}  // namespace

// Applies "a.b.c=value" to the tree.
void apply_override(toml::table& root, const std::string& spec, std::vector<Diagnostic>& diags,
                    const std::vector<std::string>& file_order) {
  auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    diags.push_back({"--set", 0, 0, fmt::format("'{}' should be path=value, e.g. "
                                                "meetings.chair_bias=0.3", spec)});
    return;
  }
  std::string path = trim(spec.substr(0, eq)), value = trim(spec.substr(eq + 1));
  std::string origin = "--set " + path;
  if (std::string deep = dotted_path_problem(path); !deep.empty()) {
    diags.push_back({"--set", 0, 0, fmt::format("the path '{}...' {}", path.substr(0, 40), deep)});
    return;
  }
  if (std::string bad = utf8_problem(value); !bad.empty()) {
    diags.push_back({origin, 0, 0, fmt::format("the value {}", bad)});
    return;
  }
  if (auto deep = toml_nesting_problem("v = " + value, origin)) {
    diags.push_back({origin, 0, 0, fmt::format("the value {}", deep->message)});
    return;
  }
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value, origin);
  } catch (const toml::parse_error&) {
    // A bare word is a string: --set rules.final_ballot.method=plurality.
    parsed = toml::parse("v = " + toml_string(value), origin);
  }
  std::vector<std::string> parts = split(path, '.');
  if (std::string missing = missing_entry(root, parts, file_order); !missing.empty()) {
    diags.push_back({origin, 0, 0, std::move(missing)});
    return;
  }
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
  return detail::load_with_includes(path, diags, files, hashes);
}

}  // namespace leadsim
