// scenario_files.hpp (private): a scenario file as one TOML tree, its includes merged.
//
// The scenario loader reads the tree; so does the sweep, whose [sweep] table may sit in an
// included file (a shared base scenario with its usual sweep, say) like any other table.
#pragma once

#include <string>
#include <toml++/toml.h>
#include <vector>

#include "leadsim/diagnostic.hpp"

namespace leadsim {

// The file and, recursively, what it includes; the including file's keys win, tables merge key
// by key. Nodes keep their file:line (for messages). Problems go to `diags`.
toml::table load_scenario_tree(const std::string& path, std::vector<Diagnostic>& diags);

namespace detail {

// One file parsed (its bytes kept, for the manifest's hash); problems go to `diags`.
toml::table parse_toml_file(const std::string& path, std::vector<Diagnostic>& diags,
                            std::string& bytes);
// Overlays `top` onto `base`: tables merge key by key, anything else replaces.
void merge_into(toml::table& base, toml::table&& top);
// load_scenario_tree, also listing the files read (includes first) and their SHA-256s.
toml::table load_with_includes(const std::string& path, std::vector<Diagnostic>& diags,
                               std::vector<std::string>& files, std::vector<std::string>& hashes,
                               int depth);
// Applies "a.b.c=value" to the tree (value in TOML syntax; a bare word is a string).
void apply_override(toml::table& root, const std::string& spec, std::vector<Diagnostic>& diags);

}  // namespace detail
}  // namespace leadsim
