// fuzz_clp_csv: the CLP CSV readers, through a scenario whose [clps] names the files.
// Input: the CLP file ([clps] file), then optionally a line "%%" and the CLP identity file
// ([clps] identity) for the same scenario.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "leadsim/scenario.hpp"

namespace {
// The toy contest with its CLPs from a file. Its region names are those of the 2015 general
// election file, so the seeds (cuts of that file) load.
const char* kScenario = R"(
[contest]
name = "CLP file fuzz"
dimensions = 1
ballot_date = 2020-09-01
[candidates.left]
position = [-0.8]
[candidates.right]
position = [0.6]
[factions.radical]
centre = [-1.0]
region_lean = { Scotland = 0.5 }
[factions.moderate]
centre = [0.8]
[clps]
file = "clps.csv"
nations = ["England", "Scotland", "Wales"]
weight = "lab"
region_weight = { Wales = 1.4 }
covariate = "lab_share"
%IDENTITY%
[waves.old]
size = 1000
joined_from = 2000-01-01
joined_to = 2019-12-31
factions = { radical = 0.3, moderate = 0.7 }
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  using namespace leadsim;
  const auto p = fuzz::parts(data, size, 2);
  fuzz::write_file("clps.csv", p[0]);
  std::string text = kScenario;
  const bool identity = p.size() > 1;
  if (identity) fuzz::write_file("identity.csv", p[1]);
  text.replace(text.find("%IDENTITY%"), 10, identity ? "identity = \"identity.csv\"" : "");
  const std::string scenario = fuzz::write_file("scenario.toml", text);
  fuzz::expect_input_errors_only([&] { (void)load_scenario(scenario); });
  return 0;
}
