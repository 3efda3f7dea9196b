// fuzz_ballots: the ballot CSV reader and the count (leadsim count's library path).
// Input: its first byte picks the rules (the 2015 one member one vote, the 2010 electoral
// college, or the toy's plurality), the rest is the ballot file.
#include <cstdint>

#include "fuzz_support.hpp"
#include "leadsim/ballot_file.hpp"
#include "leadsim/count.hpp"
#include "leadsim/report.hpp"
#include "leadsim/scenario.hpp"

namespace {
const std::vector<leadsim::Scenario>& rulebooks() {
  static const std::vector<leadsim::Scenario> s = [] {
    std::vector<leadsim::Scenario> v;
    v.push_back(leadsim::load_scenario(LEADSIM_SOURCE_DIR "/tests/data/labour-2015-rules.toml"));
    v.push_back(leadsim::load_scenario(LEADSIM_SOURCE_DIR "/tests/data/labour-2010-rules.toml"));
    v.push_back(leadsim::load_scenario(LEADSIM_SOURCE_DIR "/scenarios/toy.toml",
                                       {"rules.final_ballot.method=plurality"}));
    return v;
  }();
  return s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  using namespace leadsim;
  if (size < 1) return 0;
  const Scenario& s = rulebooks()[data[0] % rulebooks().size()];
  const std::string path =
      fuzz::write_file("ballots.csv", std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  fuzz::expect_input_errors_only([&] {
    const BallotSet ballots = read_ballot_file(path, s);
    const CountRules rules = s.rules.final_ballot.count_rules();
    const CountResult r = count_ballots(ballots, rules, std::vector<bool>(s.candidates.size(), true), 1);
    (void)format_count(s, rules, r);
    (void)count_json(s, rules, r);
  });
  return 0;
}
