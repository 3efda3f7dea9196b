// toml_input.hpp: TOML text from a user, made safe to hand to toml++.
//
// toml++ 3.3 parses, copies, prints and destroys a tree recursively, one stack frame per level:
// a 60 KB file whose table header or dotted key is tens of thousands of keys deep overflows the
// stack (a crash, exit 139, before any message). Every TOML text leadsim parses (a scenario and
// its includes, a sweep spec, a `--set` value, a visualiser or Python override) is therefore
// scanned first, in one pass that understands strings and comments, and refused when it nests
// deeper than kMaxTomlNesting. Depth counts every level a value sits under: the parts of the
// [table] header, of the dotted key, and each array and inline table around it (an upper bound
// on the tree's depth, so the scan can never pass what toml++ would then build too deep).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "leadsim/diagnostic.hpp"

namespace leadsim {

// Deepest nesting leadsim accepts; real scenarios nest 5 deep at most ([rules.final_ballot] with
// college = { ... } is 4).
inline constexpr int kMaxTomlNesting = 64;

// The first place where `text` nests deeper than kMaxTomlNesting, as a diagnostic in `origin`
// (a file name, or "--set path"); nullopt when it does not. Text that is not valid TOML is
// scanned as well as it can be: its syntax error is toml++'s to report.
std::optional<Diagnostic> toml_nesting_problem(std::string_view text, const std::string& origin);

// A path of dotted parts (a `--set` path, a sweep parameter) deeper than kMaxTomlNesting:
// the message, else "".
std::string dotted_path_problem(std::string_view path);

}  // namespace leadsim
