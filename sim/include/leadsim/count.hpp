// count.hpp: counting ranked ballots, round by round.
//
// What it does: takes a set of weighted ranked ballots (a ranking of candidate indices, possibly
// partial) and counts them under a method: plurality (one round, most first preferences wins) or
// the alternative vote (repeated rounds; a candidate with more than half of the continuing votes
// wins, otherwise the candidate with fewest votes is eliminated and its ballots pass to their next
// continuing preference; a ballot with no continuing preference is exhausted).
//
// Data flow: BallotSet (built by the final ballot from simulated voters, or by `leadsim count` from
// a file) -> count_ballots() -> CountResult (every round's tallies, who went out when, the winner).
//
// Ties are broken by a stated rule, never by memory order:
//   - for last place: the candidate with fewer votes in the most recent earlier round in which the
//     tied candidates differed is eliminated (the "backwards" rule used by most AV counts); if they
//     were tied in every round, lots are drawn from `tie_seed` (same seed, same draw);
//   - for first place under plurality, or between the last two under AV: lots from `tie_seed`.
//
// Sections (MPs, members, supporters, ...) combine in one of two ways:
//   - one member one vote: every ballot counts its weight, whatever its section;
//   - an electoral college: in every round each section's continuing (not exhausted) votes are
//     turned into percentages of that section, and a candidate's total is the college-weighted
//     sum of their section percentages (Labour 1981-2014). Exhausted ballots therefore drop out
//     of their own section's denominator, and every section keeps its full weight in every round.
//
// Methods:
//   plurality         one round; most votes wins
//   alternative_vote  the lowest is eliminated round by round until a majority of continuing votes
//   two_round         if nobody has a majority, everyone but the top two is eliminated at once and
//                     the ballots are counted again between those two (a runoff in which each
//                     voter's ranking stands for their second vote)
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace leadsim {

inline constexpr std::uint8_t kNoPreference = 0xFF;  // marks the end of a partial ranking
inline constexpr int kMaxCandidates = 12;             // rankings are stored as small fixed rows

// Weighted ranked ballots over `candidates` candidates, stored flat (one row per ballot).
struct BallotSet {
  int candidates = 0;                 // number of candidates, 1..kMaxCandidates
  std::vector<std::uint8_t> ranking;  // row b: ranking[b*candidates + j] = j-th preference or kNoPreference
  std::vector<double> weight;         // row b: how many voters cast ballot b
  std::vector<std::uint8_t> section;  // row b: its section (index into CountRules::college), 0 by default

  explicit BallotSet(int n_candidates = 0) : candidates(n_candidates) {}
  // Appends; prefs may be shorter than candidates.
  void add(std::span<const std::uint8_t> prefs, double w, int section = 0);
  std::size_t size() const { return weight.size(); }
};

enum class CountMethod { plurality, alternative_vote, two_round };
std::string_view to_string(CountMethod m);

// How a tie for last place (or for the second runoff place) is broken.
enum class TieRule {
  backwards,  // fewest votes in the most recent earlier round in which they differed; then lots
  lot,        // lots at once
};
std::string_view to_string(TieRule t);

// The rules of a count. Implicitly made from a method: count_ballots(set, CountMethod::plurality, ...).
struct CountRules {
  CountMethod method = CountMethod::alternative_vote;
  TieRule tie = TieRule::backwards;
  // Electoral college: weight of each section (indexed by BallotSet::section), summing to 1.
  // Empty: one member one vote.
  std::vector<double> college;

  CountRules() = default;
  CountRules(CountMethod m) : method(m) {}  // NOLINT: a method alone is a complete rule set
  bool is_college() const { return !college.empty(); }
};

// One round of a count.
struct CountRound {
  std::vector<double> votes;       // per candidate; 0 for candidates already out. Under a college,
                                   // the weighted sum of section shares (x100 for percentages)
  double exhausted = 0;            // weight of ballots with no continuing preference
  int eliminated = -1;             // candidate eliminated at the end of this round, or -1
                                   // (two_round: the first of several, see `also_eliminated`)
  std::vector<int> also_eliminated;  // two_round: the others eliminated with it
  bool eliminated_by_lot = false;  // the elimination needed lots (tied in every earlier round)
  std::vector<std::vector<double>> section_votes;  // college only: per section, per candidate,
                                                   // that section's continuing votes
};

struct CountResult {
  int winner = -1;                    // candidate index, or -1 when no candidate stood
  bool winner_by_lot = false;         // the final decision needed lots
  std::vector<CountRound> rounds;     // in order; the last round is the deciding one
  std::vector<int> eliminated_round;  // per candidate: 0-based round in which it was eliminated, -1 if never
};

// Counts `ballots` among the candidates with standing[c] == true (others are ignored on every
// ballot, as if withdrawn). With a single standing candidate it is elected unopposed in round 0.
// Throws std::invalid_argument on malformed input (a bad ranking, a section without a college
// weight, weights not summing to 1).
// Example: count_ballots(set, CountMethod::alternative_vote, {true, true, true}, 42).winner
CountResult count_ballots(const BallotSet& ballots, const CountRules& rules,
                          const std::vector<bool>& standing, std::uint64_t tie_seed);

}  // namespace leadsim
