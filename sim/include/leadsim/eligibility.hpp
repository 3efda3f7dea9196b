// eligibility.hpp: who may take part in nomination meetings and who may vote in the final ballot.
//
// Rules (all from the scenario's [eligibility] and [registration] tables):
//   - members take part in meetings if they joined on or before the meeting freeze date, and vote
//     if they joined on or before the ballot freeze date; if the court ruling overturns the
//     freeze, the ballot cut-off becomes `overturned_cutoff` instead;
//   - members must be in good standing (unless require_good_standing = false);
//   - registered supporters vote if their application survived vetting: an ordinary application
//     is rejected with probability `rejection`, a hostile one with the odds multiplied by
//     `hostile_odds_ratio` (drawn per run, per person);
//   - affiliated supporters vote if they joined their affiliate on or before affiliated_freeze.
// Only members attend CLP meetings. The rules are fixed for a scenario; only vetting is random.
#pragma once

#include <cstdint>

#include "leadsim/population.hpp"
#include "leadsim/random.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

class Electorate {
 public:
  explicit Electorate(const Scenario& s);

  // A member who may take part in this CLP's nomination meeting.
  bool may_attend(const Population& pop, std::size_t i) const {
    return pop.section[i] == std::uint8_t(Section::member) &&
           pop.joined[i] <= meeting_freeze_ && in_good_standing(pop, i);
  }
  // Anyone who may vote in the final ballot this run.
  bool may_vote(const Population& pop, std::size_t i, const PersonDraws& draws) const;
  // Vectorised may_vote for people [first, first+n), all of one section: out[j] = 0 or 1.
  void block_may_vote(const Population& pop, std::size_t first, int n, Section section,
                      const PersonDraws& draws, std::uint32_t* out) const;
  // A registered supporter whose application was rejected at vetting this run.
  bool rejected(const Population& pop, std::size_t i, const PersonDraws& draws) const {
    const float p = (pop.traits[i] & kHostile) ? reject_hostile_ : reject_ordinary_;
    return PersonDraws::draw(draws.vetting, pop.uid[i]) < p;
  }

  Day ballot_cutoff() const { return ballot_cutoff_; }
  Day meeting_freeze() const { return meeting_freeze_; }
  Day affiliated_freeze() const { return affiliated_freeze_; }
  float rejection(bool hostile) const { return hostile ? reject_hostile_ : reject_ordinary_; }
  bool requires_good_standing() const { return require_standing_; }

 private:
  bool in_good_standing(const Population& pop, std::size_t i) const {
    return !require_standing_ || (pop.traits[i] & kGoodStanding);
  }
  Day meeting_freeze_, ballot_cutoff_, affiliated_freeze_;
  bool require_standing_;
  float reject_ordinary_, reject_hostile_;
};

}  // namespace leadsim
