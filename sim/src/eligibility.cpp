#include "leadsim/eligibility.hpp"

namespace leadsim {

namespace {
// Probability with its odds multiplied by `ratio`.
double scale_odds(double p, double ratio) {
  if (p >= 1.0) return 1.0;
  double odds = p / (1 - p) * ratio;
  return odds / (1 + odds);
}
}  // namespace

Electorate::Electorate(const Scenario& s)
    : meeting_freeze_(s.eligibility.member_meeting_freeze),
      ballot_cutoff_(s.eligibility.ruling == FreezeRuling::overturned
                         ? s.eligibility.overturned_ballot_cutoff
                         : s.eligibility.member_ballot_freeze),
      affiliated_freeze_(s.eligibility.affiliated_freeze),
      require_standing_(s.eligibility.require_good_standing),
      reject_ordinary_(float(s.registration.rejection)),
      reject_hostile_(float(scale_odds(s.registration.rejection, s.registration.hostile_odds_ratio))) {}

}  // namespace leadsim
