// scenario_clps.hpp (private): the constituency parties of a scenario, built from [clps]: read
// from a CSV of real constituencies, or generated.
#pragma once

#include <string>
#include <vector>

#include "leadsim/scenario.hpp"
#include "text.hpp"  // CsvTable

namespace leadsim::detail {

// Fills s.clps and s.regions from s.clp_source (the CSV at `csv_path`, already resolved against
// the file that names it; or a generated set when clp_source.file is empty). `covariate` gets
// each CLP's raw covariate, for finish_clps(). Problems with the CSV go to `diags`; false if
// the CSV could not be read at all (no file, no name/nation/region columns).
bool build_clps(Scenario& s, const std::string& csv_path, std::vector<double>& covariate,
                std::vector<Diagnostic>& diags);
// After clps.region_weight is read: applies the regional multipliers and standardises the
// covariate (mean 0, sd 1 over the CLPs used).
void finish_clps(Scenario& s, const std::vector<double>& covariate);
// The CLP of `s` that row `row` of a per-CLP CSV names in column `col`: its index; -1 if the
// scenario has no such CLP (another nation's, say); -2 if an earlier row named it (reported to
// `diags` with the earlier row's line). `first_line` (one per CLP, 0: not yet named) keeps where
// each CLP was first named.
int clp_of_row(const Scenario& s, const CsvTable& csv, size_t row, int col, const std::string& path,
               std::vector<int>& first_line, std::vector<Diagnostic>& diags);
// Reads each CLP's lasting lean and activity (clp_identity.hpp) from the CSV at `csv_path`:
// columns clp, lean_mean, lean_sd, activity_mean, activity_sd; every CLP of the scenario must
// have a row (a row for a CLP the scenario leaves out, another nation's, is skipped).
void read_clp_identity(Scenario& s, const std::string& csv_path, std::vector<Diagnostic>& diags);

}  // namespace leadsim::detail
