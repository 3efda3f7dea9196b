#include "leadsim/eligibility.hpp"

#include <algorithm>

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

bool Electorate::may_vote(const Population& pop, std::size_t i, const PersonDraws& draws) const {
  switch (Section(pop.section[i])) {
    case Section::member:
      return pop.joined[i] <= ballot_cutoff_ && in_good_standing(pop, i);
    case Section::registered:
      return !rejected(pop, i, draws);
    case Section::affiliated:
      return pop.joined[i] <= affiliated_freeze_;
    case Section::mp:
      break;  // MPs are not in the population (parliament.hpp)
  }
  return false;
}

void Electorate::block_may_vote(const Population& pop, std::size_t first, int n, Section section,
                                const PersonDraws& draws, std::uint32_t* out) const {
  const Day* joined = pop.joined.data() + first;
  const std::uint8_t* traits = pop.traits.data() + first;
  const std::uint32_t* uid = pop.uid.data() + first;
  switch (section) {
    case Section::member: {
      const std::uint8_t standing = require_standing_ ? kGoodStanding : 0;
      for (int j = 0; j < n; ++j)
        out[j] = std::uint32_t(joined[j] <= ballot_cutoff_) & std::uint32_t((traits[j] & standing) == standing);
      break;
    }
    case Section::registered:
      for (int j = 0; j < n; ++j) {
        const float p = (traits[j] & kHostile) ? reject_hostile_ : reject_ordinary_;
        out[j] = std::uint32_t(PersonDraws::draw(draws.vetting, uid[j]) >= p);
      }
      break;
    case Section::affiliated:
      for (int j = 0; j < n; ++j) out[j] = std::uint32_t(joined[j] <= affiliated_freeze_);
      break;
    case Section::mp:  // not in the population (parliament.hpp)
      std::fill(out, out + n, 0u);
      break;
  }
}

}  // namespace leadsim
