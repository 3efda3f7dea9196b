// scenario_files.hpp (private): a scenario file as one TOML tree, its includes merged.
//
// The scenario loader reads the tree; so does the sweep, whose [sweep] table may sit in an
// included file (a shared base scenario with its usual sweep, say) like any other table.
#pragma once

#include <string>
#include <toml++/toml.h>
#include <vector>

#include "leadsim/scenario.hpp"

namespace leadsim {

// The file and, recursively, what it includes; the including file's keys win, tables merge key
// by key. Nodes keep their file:line (for messages). Problems go to `diags`.
toml::table load_scenario_tree(const std::string& path, std::vector<Diagnostic>& diags);

}  // namespace leadsim
