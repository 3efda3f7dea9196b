// scenario_posterior.hpp (private): a scenario's contest.posterior, loaded.
#pragma once

#include <string>
#include <vector>

#include "leadsim/scenario.hpp"

namespace leadsim::detail {

// Reads s.posterior (a posterior.csv of `leadsim calibrate`: particle, one column per parameter
// path, weight, ...; relative to the scenario file `path`) and fills s.posterior_scenarios (the
// scenario loaded again with `overrides` and each particle's values) and the cumulative weights.
// A parameter that changes the population is refused: the runs of one ensemble share theirs.
// Throws InputError located at the file's line for every problem.
void load_posterior(Scenario& s, const std::string& path, const std::vector<std::string>& overrides);

}  // namespace leadsim::detail
