// rulebook.hpp: the rules of a contest as data: an ordered list of stages and their parameters.
//
// A scenario's [rules] table lists the stages in the order they run, each configured by its own
// sub-table:
//
//   mp_nominations         MPs (and optionally MEPs) nominate; a candidate needs a threshold
//                          (a share of them, or a count); the incumbent may be exempt
//   clp_nominations        every CLP's nomination meeting (mechanics in [meetings])
//   affiliate_nominations  unions and societies nominate ([affiliates.X])
//   supporting_nominations a second threshold, met by either route: a share of CLPs, or a number of
//                          affiliates, so many of them unions, covering a share of the affiliated
//                          membership (Labour 2020)
//   mp_ballot              MPs vote in exhaustive rounds until `finalists` remain (Conservative):
//                          per-round minimum votes, the lowest eliminated, voluntary withdrawals
//   final_ballot           the ballot of the selectorate: sections combined one member one vote
//                          or as an electoral college, counted by plurality, AV or two rounds
//
// A candidate who fails a stage's threshold leaves the contest; the stages after it see only
// those still standing. If nobody is left, the run's outcome is "no valid nominations"; if one
// is left, they are elected unopposed and no ballot is held.
//
// Example (Labour 2020):
//   [rules]
//   stages = ["mp_nominations", "clp_nominations", "affiliate_nominations",
//             "supporting_nominations", "final_ballot"]
//   mp_nominations = { threshold = 0.10, include_meps = true, incumbent_exempt = false }
//   supporting_nominations = { clp_share = 0.05, affiliates = 3, affiliate_unions = 2,
//                              affiliate_share = 0.05 }
//   final_ballot = { method = "alternative_vote" }
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "leadsim/count.hpp"
#include "leadsim/section.hpp"

namespace leadsim {

// The simulated final ballot tallies rankings per permutation of the candidates standing
// (ballot.hpp), so at most this many may reach it (8! = 40,320 tallies per section). The loader
// refuses a scenario with more declared candidates unless an MPs' ballot narrows the field first.
inline constexpr int kMaxBallotCandidates = 8;

enum class Stage : std::uint8_t {
  mp_nominations,
  clp_nominations,
  affiliate_nominations,
  supporting_nominations,
  mp_ballot,
  final_ballot,
};
inline constexpr int kStageKinds = 6;
std::string_view stage_id(Stage s);

struct MpNominationRules {
  double threshold = 0.2;         // share of the electorate (MPs, plus MEPs when include_meps)
  int threshold_count = 0;        // if > 0: this many nominations instead of the share
  bool include_meps = true;       // MEPs nominate and count in the electorate
  bool incumbent_exempt = true;   // the incumbent stands without nominations
  int max_per_mp = 1;             // candidates one MP may nominate (their top choices)
};

struct SupportingRules {
  double clp_share = 0.05;        // route 1: nominations from this share of CLPs (0: route closed)
  int affiliates = 3;             // route 2: this many affiliates (0: route closed) ...
  int affiliate_unions = 2;       //   ... of which this many are unions ...
  double affiliate_share = 0.05;  //   ... together this share of the affiliated membership
  bool incumbent_exempt = true;
};

struct MpBallotRules {
  std::vector<int> minimum_votes;  // per round (first = round 1): fewer votes eliminates; absent
                                   // rounds have none
  double withdraw_below = 0.0;     // after a round, a trailing candidate under this share of the
                                   // votes may withdraw (if more than `finalists` would remain)...
  double withdraw_probability = 1;  // ... with this probability (a candidate's own decision)
  int finalists = 2;               // the rounds stop when this many remain
  double runner_up_withdraws = 0;  // probability the second finalist withdraws (elected unopposed)
};

struct FinalBallotRules {
  CountMethod method = CountMethod::alternative_vote;
  TieRule tie = TieRule::backwards;
  bool college = false;                    // electoral college (else one member one vote)
  std::array<double, kSections> weight{};  // college: weight per Section, summing to 1

  CountRules count_rules() const;  // for count_ballots (sections indexed by Section)
};

struct Rulebook {
  std::vector<Stage> stages = {Stage::mp_nominations, Stage::clp_nominations,
                               Stage::affiliate_nominations, Stage::final_ballot};
  MpNominationRules mp_nominations;
  SupportingRules supporting;
  MpBallotRules mp_ballot;
  FinalBallotRules final_ballot;

  bool has(Stage s) const;
};

// One round of an MPs' exhaustive ballot, decided from its tallies.
struct MpRoundDecision {
  std::vector<int> eliminated;  // below the round's minimum, or the lowest
  std::vector<int> withdrawn;   // voluntary withdrawals after the round
  bool by_lot = false;          // a tie for last place was settled by lots
};

// Decides round `round` (0-based) of an MPs' ballot. `history` holds every round's votes so far,
// this round's last (per candidate; ignored where !continuing[c]). Rules, in order:
//   1. every continuing candidate with fewer than minimum_votes[round] is eliminated; if that
//      would eliminate everyone, the leader (ties: lots) stays;
//   2. if nobody fell below a minimum, the candidate with fewest votes is eliminated (a tie:
//      fewest in the most recent earlier round in which they differed, then lots from tie_seed);
//   3. then, while more than `finalists` remain, each trailing candidate with less than
//      withdraw_below of the round's votes withdraws with probability withdraw_probability
//      (lowest first; the draws come from tie_seed).
// Published tallies fed in round by round reproduce history (tests/test_rulebook.cpp).
MpRoundDecision decide_mp_round(const MpBallotRules& rules, int round,
                                const std::vector<std::vector<int>>& history,
                                const std::vector<bool>& continuing, std::uint64_t tie_seed);

}  // namespace leadsim
