// scenario_files.hpp (private): a scenario file as one TOML tree, its includes merged.
//
// The scenario loader reads the tree; so does the sweep, whose [sweep] table may sit in an
// included file (a shared base scenario with its usual sweep, say) like any other table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

#include "leadsim/diagnostic.hpp"

namespace leadsim {

// Includes nest at most this deep (the shipped scenarios nest 2 deep).
inline constexpr int kMaxIncludeDepth = 8;

// The file and, recursively, what it includes; the including file's keys win, tables merge key
// by key. Nodes keep their file:line (for messages). Problems go to `diags`.
//
// Includes are read as hostile input: each file through read_input_file (input_file.hpp: regular
// files only, a size cap, filesystem errors reported at the include's line), its nesting checked
// before toml++ parses it (toml_input.hpp). A chain of includes that comes back to a file being
// read is an error naming the chain; chains deeper than kMaxIncludeDepth are refused; and each
// file (by canonical path) is read and merged once: included again, outside a cycle, it adds
// nothing (its keys are already in the tree, where its first include put them). So the work is
// linear in the number of distinct files, however they include each other.
toml::table load_scenario_tree(const std::string& path, std::vector<Diagnostic>& diags);

namespace detail {

// TOML text parsed: its nesting checked first (toml_input.hpp), a syntax error as a diagnostic
// at its line and column in `origin`. nullopt when either is found.
std::optional<toml::table> parse_toml_text(std::string_view text, const std::string& origin,
                                           std::vector<Diagnostic>& diags);
// One file read (read_input_file, as `what`; problems at `where` when another file names it) and
// parsed (its bytes kept, for the manifest's hash); problems go to `diags`.
toml::table parse_toml_file(const std::string& path, std::vector<Diagnostic>& diags,
                            std::string& bytes, const std::string& what = "scenario",
                            const SourcePlace* where = nullptr);
// Overlays `top` onto `base`: tables merge key by key, anything else replaces.
void merge_into(toml::table& base, toml::table&& top);
// load_scenario_tree, also listing the files read (includes first, each once) and their SHA-256s.
toml::table load_with_includes(const std::string& path, std::vector<Diagnostic>& diags,
                               std::vector<std::string>& files, std::vector<std::string>& hashes);
// Applies "a.b.c=value" to the tree (value in TOML syntax; a bare word is a string). A path into
// an entry of a keyed table must name an entry the tree has (factions.<id>.x with <id> one of its
// factions): a new entry is given whole (factions.new={ ... }), so a mistyped id is an error
// naming the ids there are (listed in `file_order`'s order, the files as load_with_includes read
// them), not a new entry.
void apply_override(toml::table& root, const std::string& spec, std::vector<Diagnostic>& diags,
                    const std::vector<std::string>& file_order = {});

}  // namespace detail
}  // namespace leadsim
