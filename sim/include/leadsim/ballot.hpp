// ballot.hpp: the final ballot: turnout, each voter's ranking, and the count.
//
// Each person who may vote (eligibility.hpp) votes with probability
//   logistic(logit(turnout[section]) + activism_elasticity * log(activism)),
// ranks the candidates on the ballot by utility (preferences.hpp) plus the campaign's shifts
// (national momentum, the local MP's endorsement, what they heard at their meeting), or, if
// hostile, from least to most electable, and the ballots are counted by ballot.method, one
// member one vote across the sections. Rankings are tallied as counts per permutation (at most
// 8! of them), so the count costs nothing per voter.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "leadsim/count.hpp"
#include "leadsim/eligibility.hpp"
#include "leadsim/meeting.hpp"
#include "leadsim/population.hpp"
#include "leadsim/preferences.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

struct BallotInputs {
  const Scenario& scenario;
  const Population& population;
  const RunPreferences& preferences;  // including the campaign's national shifts
  const Electorate& electorate;
  const std::vector<bool>& standing;
  const std::vector<std::int8_t>& mp_endorsement;  // per CLP
  const Persuasion& persuasion;                    // from the meetings, sorted by person
  std::uint64_t run_key;
};

struct BallotOutcome {
  CountResult count;
  std::array<std::vector<double>, kSections> first;  // first preferences per section, per candidate
  std::array<std::int64_t, kSections> eligible{};    // could vote
  std::array<std::int64_t, kSections> voted{};       // did vote
};

// Reusable buffers (one per worker thread).
struct BallotScratch {
  std::array<std::vector<std::uint32_t>, kSections> tally;  // voters per section, per permutation
};

void cast_final_ballot(const BallotInputs& in, BallotScratch& scratch, BallotOutcome& out);

// Permutation rank helpers (exposed for tests): the index in [0, m!) of a ranking of 0..m-1,
// and back.
int permutation_index(const std::uint8_t* order, int m);
void permutation_from_index(int index, int m, std::uint8_t* order);

}  // namespace leadsim
