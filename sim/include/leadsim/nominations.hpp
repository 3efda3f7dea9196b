// nominations.hpp: nominations by MPs, by affiliates, and the supporting-nominations threshold.
//
// MPs (parliament.hpp): each MP who nominates at all this run (probability 1 - the "none" share
// of mps.support) nominates their top choice among the declared candidates, or their top
// max_per_mp choices; a local MP's known choice in [mps.endorsements] replaces their first
// choice. A candidate stays in the contest with at least the threshold (a count, or
// ceil(threshold * electorate), the electorate being MPs plus MEPs when include_meps); the
// incumbent stays regardless when incumbent_exempt. A local MP's first choice is also their
// endorsement, which campaign.mp_endorsement turns into a utility shift in that CLP.
//
// Affiliates: an executive nominates a candidate drawn from its executive_lean; a consultation
// asks its affiliated supporters (each answers with probability consultation_turnout and names
// their first choice) and nominates the plurality winner.
//
// Supporting nominations (Labour 2020): a candidate stays with nominations from clp_share of the
// CLPs, or from at least `affiliates` affiliates of which `affiliate_unions` are unions, whose
// shares of the affiliated membership add up to affiliate_share.
#pragma once

#include <cstdint>
#include <vector>

#include "leadsim/parliament.hpp"
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

// Nominations by the MPs among the candidates with standing[c] (the declared candidates).
MpNominations nominate_by_mps(const Scenario& s, const MpRun& mps, const std::vector<bool>& standing);

// Who clears the supporting-nominations threshold (per candidate), from the CLPs' nominations
// (per candidate) and each affiliate's nominee (-1 for none).
std::vector<bool> supporting_threshold(const Scenario& s, const std::vector<int>& clp_nominations,
                                       const std::vector<int>& affiliate_nominee,
                                       const std::vector<bool>& standing);

// Per affiliate: the candidate it nominates, or -1.
std::vector<int> nominate_by_affiliates(const Scenario& s, const Population& pop,
                                        const RunPreferences& prefs,
                                        const std::vector<bool>& standing, std::uint64_t run_key);

}  // namespace leadsim
