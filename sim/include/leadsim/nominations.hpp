// nominations.hpp: nominations by MPs (who gets on the ballot) and by affiliates.
//
// MPs: each MP of a CLP the party holds (plus `extra_mps` and `meps` without a CLP) nominates
// one candidate or none: a known choice from [mps.endorsements], otherwise drawn per run from
// [mps.support]. A candidate is on the ballot with at least ceil(threshold * (MPs + MEPs))
// nominations; the incumbent is on it regardless when incumbent_exempt is true. The local MP's
// choice is also their endorsement, which campaign.mp_endorsement turns into a utility shift
// for people in that CLP.
//
// Affiliates: an executive nominates a candidate drawn from its executive_lean; a consultation
// asks its affiliated supporters (each answers with probability consultation_turnout and names
// their first choice) and nominates the plurality winner.
#pragma once

#include <cstdint>
#include <vector>

#include "leadsim/population.hpp"
#include "leadsim/preferences.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

struct MpNominations {
  std::vector<int> count;                // per candidate: MPs+MEPs nominating
  std::vector<bool> on_ballot;           // per candidate
  std::vector<std::int8_t> endorsement;  // per CLP: the local MP's candidate, or -1
  int electorate = 0;                    // MPs + MEPs
  int threshold = 0;                     // nominations a challenger needs
};

MpNominations nominate_by_mps(const Scenario& s, std::uint64_t run_key);

// Per affiliate: the candidate it nominates, or -1.
std::vector<int> nominate_by_affiliates(const Scenario& s, const Population& pop,
                                        const RunPreferences& prefs,
                                        const std::vector<bool>& standing, std::uint64_t run_key);

}  // namespace leadsim
