// ballot.hpp: the final ballot: turnout, each voter's ranking, and the count.
//
// Each person who may vote (eligibility.hpp) votes with probability
//   logistic(logit(turnout[section]) + activism_elasticity * log(activism)),
// ranks the candidates on the ballot by utility (preferences.hpp) plus the campaign's shifts
// (national momentum, the local MP's endorsement, what they heard at their meeting), or, if
// hostile, from least to most electable. Under an electoral college with an MP section, the MPs
// and MEPs (parliament.hpp) rank the candidates by their own utilities. The ballots are counted
// under the rulebook's final_ballot rules (one member one vote, or a college; plurality, AV or
// two rounds). Rankings are tallied as counts per permutation and section (at most 8! of them),
// so the count costs nothing per voter.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "leadsim/count.hpp"
#include "leadsim/eligibility.hpp"
#include "leadsim/meeting.hpp"
#include "leadsim/parliament.hpp"
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
  const MpRun* mps = nullptr;                      // for a college's MP section
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

// Whether a section's votes count in this contest's final ballot: someone is in it (a wave, or
// for the MP section a college weight) and, under a college, it has weight.
bool section_counts(const Scenario& s, Section sec);

// How the ballots of a two-candidate contest are cast. `fastest` takes the fused two-candidate
// kernel where there is one (up to 8 factions); `general` always takes the general path (every
// ranking sorted, for any number of candidates). Both give the same counts, bit for bit: the
// general path is the reference the kernel is tested against (tests/test_ballot.cpp).
enum class BallotPath { fastest, general };

void cast_final_ballot(const BallotInputs& in, BallotScratch& scratch, BallotOutcome& out,
                       BallotPath path = BallotPath::fastest);

// Permutation rank helpers (exposed for tests): the index in [0, m!) of a ranking of 0..m-1,
// and back.
int permutation_index(const std::uint8_t* order, int m);
void permutation_from_index(int index, int m, std::uint8_t* order);

}  // namespace leadsim
