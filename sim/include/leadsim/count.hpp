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
// Sections (members, supporters, ...) are combined before counting: one member one vote means
// every ballot has weight 1; an electoral college gives each section's ballots a weight.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace leadsim {

inline constexpr std::uint8_t kNoPreference = 0xFF;  // marks the end of a partial ranking
inline constexpr int kMaxCandidates = 8;              // rankings are stored as small fixed rows

// Weighted ranked ballots over `candidates` candidates, stored flat (one row per ballot).
struct BallotSet {
  int candidates = 0;                 // number of candidates, 1..kMaxCandidates
  std::vector<std::uint8_t> ranking;  // row b: ranking[b*candidates + j] = j-th preference or kNoPreference
  std::vector<double> weight;         // row b: how many voters (or college weight) cast ballot b

  explicit BallotSet(int n_candidates = 0) : candidates(n_candidates) {}
  void add(std::span<const std::uint8_t> prefs, double w);  // appends; prefs may be shorter than candidates
  std::size_t size() const { return weight.size(); }
};

enum class CountMethod { plurality, alternative_vote };

std::string_view to_string(CountMethod m);

// One round of a count.
struct CountRound {
  std::vector<double> votes;       // per candidate; 0 for candidates already out
  double exhausted = 0;            // weight of ballots with no continuing preference
  int eliminated = -1;             // candidate eliminated at the end of this round, or -1
  bool eliminated_by_lot = false;  // the elimination needed lots (tied in every earlier round)
};

struct CountResult {
  int winner = -1;                    // candidate index, or -1 when no candidate stood
  bool winner_by_lot = false;         // the final decision needed lots
  std::vector<CountRound> rounds;     // in order; the last round is the deciding one
  std::vector<int> eliminated_round;  // per candidate: 0-based round in which it was eliminated, -1 if never
};

// Counts `ballots` among the candidates with standing[c] == true (others are ignored on every
// ballot, as if withdrawn). With a single standing candidate it is elected unopposed in round 0.
// Example: count_ballots(set, CountMethod::alternative_vote, {true, true, true}, 42).winner
CountResult count_ballots(const BallotSet& ballots, CountMethod method,
                          const std::vector<bool>& standing, std::uint64_t tie_seed);

}  // namespace leadsim
