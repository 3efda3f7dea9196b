// sweep_detail.hpp (private): what the sweep's source files share and nothing outside them needs:
// how a parameter's value is written (TOML text for `--set`, shown text for the CSVs), the grid
// levels of a range, the Sobol skip of a Saltelli layout, a CSV field, and the reading and
// comparing of sweep.json (the folder and the merge both check that two folders are one sweep).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "leadsim/sweep.hpp"

#include "text.hpp"  // csv_field

namespace leadsim::detail {

// A parameter's value: as the TOML text `--set` takes, and as the CSVs show it.
struct Value {
  std::string toml, shown;
};

// sweep_design.cpp
std::string shown_text(const std::string& toml_value);  // words without their quotes
Value number_value(const SweepParam& p, double x);       // a number, whole number or day
std::vector<Value> grid_levels(const SweepParam& p, int default_levels);
std::uint64_t sobol_skip(const SweepSpec& spec);  // where a Saltelli layout's Sobol base starts

// sweep_tables.cpp

// sweep_folder.cpp
std::string read_text(const std::filesystem::path& file);
// What differs between two sweep.json texts, in words ("" when they describe the same sweep).
std::string sweep_difference(const std::string& a, const std::string& b);

}  // namespace leadsim::detail
