// count.cpp: counting weighted ranked ballots by plurality or the alternative vote.
//
// Each round is one pass over the ballot rows. Every ballot keeps the position of its current
// preference; a round first moves that position past candidates who are out (eliminated or not
// standing), so over a whole count each row is read at most once per position. Tallies are
// recomputed from scratch each round rather than updated by subtraction, so that equal totals
// compare equal exactly (no floating-point drift) and the tie rules see the true tallies.
#include "leadsim/count.hpp"

#include "leadsim/random.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace leadsim {
namespace {

using Tally = std::array<double, kMaxCandidates>;

// Throws unless `candidates` is in 1..kMaxCandidates.
void check_candidate_count(int candidates) {
  if (candidates < 1 || candidates > kMaxCandidates) {
    throw std::invalid_argument("ballots: number of candidates must be 1.." +
                                std::to_string(kMaxCandidates) + ", got " +
                                std::to_string(candidates));
  }
}

// Throws unless `w` is a finite, non-negative ballot weight.
void check_weight(double w) {
  if (!std::isfinite(w) || w < 0) {
    throw std::invalid_argument("ballots: weight must be finite and non-negative, got " +
                                std::to_string(w));
  }
}

// Throws unless `prefs` is a valid ranking over `candidates` candidates: each entry a candidate
// index or kNoPreference, nothing but kNoPreference after the ranking ends, no candidate twice.
void check_ranking(std::span<const std::uint8_t> prefs, int candidates) {
  if (prefs.size() > static_cast<std::size_t>(candidates)) {
    throw std::invalid_argument("ballots: a ranking has " + std::to_string(prefs.size()) +
                                " preferences but there are " + std::to_string(candidates) +
                                " candidates");
  }
  unsigned ranked = 0;  // bit c set once candidate c has appeared
  bool ended = false;
  for (const std::uint8_t c : prefs) {
    if (c == kNoPreference) {
      ended = true;
      continue;
    }
    if (c >= candidates) {
      throw std::invalid_argument("ballots: preference " + std::to_string(c) +
                                  " is not a candidate (there are " + std::to_string(candidates) +
                                  ")");
    }
    if (ended) {
      throw std::invalid_argument("ballots: preference " + std::to_string(c) +
                                  " follows the end of the ranking");
    }
    if (ranked & (1u << c)) {
      throw std::invalid_argument("ballots: candidate " + std::to_string(c) +
                                  " is ranked twice on one ballot");
    }
    ranked |= 1u << c;
  }
}

// Throws unless the ballot set, the rules and the standing flags are consistent and every row
// is valid. The fields of BallotSet are public, so rows not added through add() are checked too.
void check_inputs(const BallotSet& ballots, const CountRules& rules,
                  const std::vector<bool>& standing) {
  check_candidate_count(ballots.candidates);
  const auto k = static_cast<std::size_t>(ballots.candidates);
  if (ballots.ranking.size() != ballots.weight.size() * k) {
    throw std::invalid_argument("ballots: ranking has " + std::to_string(ballots.ranking.size()) +
                                " entries, expected " + std::to_string(ballots.weight.size()) +
                                " rows of " + std::to_string(k));
  }
  if (!ballots.section.empty() && ballots.section.size() != ballots.weight.size()) {
    throw std::invalid_argument("ballots: " + std::to_string(ballots.section.size()) +
                                " section entries for " + std::to_string(ballots.weight.size()) +
                                " rows");
  }
  if (standing.size() != k) {
    throw std::invalid_argument("count: standing has " + std::to_string(standing.size()) +
                                " entries but there are " + std::to_string(k) + " candidates");
  }
  if (rules.is_college()) {
    double sum = 0;
    for (const double w : rules.college) {
      check_weight(w);
      sum += w;
    }
    if (std::abs(sum - 1.0) > 1e-6) {
      throw std::invalid_argument("count: college weights sum to " + std::to_string(sum) +
                                  ", expected 1");
    }
  }
  for (std::size_t b = 0; b < ballots.size(); ++b) {
    check_weight(ballots.weight[b]);
    check_ranking(std::span(ballots.ranking).subspan(b * k, k), ballots.candidates);
    if (rules.is_college() && !ballots.section.empty() &&
        ballots.section[b] >= rules.college.size()) {
      throw std::invalid_argument("ballots: row " + std::to_string(b) + " is in section " +
                                  std::to_string(ballots.section[b]) + " but the college has " +
                                  std::to_string(rules.college.size()) + " sections");
    }
  }
}

// Draws one of `tied` (in ascending candidate order) by lot for the given round. A count draws
// lots at most once per round, so the round number makes each draw independent of the others.
int draw_lot(const std::vector<int>& tied, std::uint64_t tie_seed, int round) {
  // The same seed draws the same lots on every platform: a fixed counter-based mixer.
  const std::uint64_t r = CounterDraw(tie_seed)(static_cast<std::uint64_t>(round));
  return tied[static_cast<std::size_t>(r % tied.size())];
}

// Keeps those of `tied` with the fewest (or, with `most`, the most) votes in `tally`.
void keep_extreme(std::vector<int>& tied, const std::vector<double>& tally, bool most) {
  double best = tally[static_cast<std::size_t>(tied.front())];
  for (const int c : tied) {
    const double v = tally[static_cast<std::size_t>(c)];
    best = most ? std::max(best, v) : std::min(best, v);
  }
  std::erase_if(tied, [&](int c) { return tally[static_cast<std::size_t>(c)] != best; });
}

// The state of a count in progress: which candidates continue, and where each ballot has got to.
class Count {
 public:
  Count(const BallotSet& ballots, const CountRules& rules, const std::vector<bool>& standing)
      : ballots_(ballots), rules_(rules), k_(static_cast<std::size_t>(ballots.candidates)),
        position_(ballots.size(), 0) {
    skip_.fill(false);
    for (std::size_t c = 0; c < k_; ++c) {
      if (standing[c]) {
        continuing_.push_back(static_cast<int>(c));
      } else {
        skip_[c] = true;
      }
    }
  }

  const std::vector<int>& continuing() const { return continuing_; }

  // Counts every ballot for its highest-ranked continuing candidate (or as exhausted) and
  // returns the round's tallies: the votes themselves, or under a college the weighted sum of
  // each section's shares of its continuing votes.
  CountRound tally() {
    const std::size_t sections = rules_.is_college() ? rules_.college.size() : 1;
    std::vector<Tally> votes(sections, Tally{});
    double exhausted = 0;
    const std::uint8_t* rows = ballots_.ranking.data();
    const bool sectioned = rules_.is_college() && !ballots_.section.empty();
    for (std::size_t b = 0; b < position_.size(); ++b) {
      const std::uint8_t* row = rows + b * k_;
      std::size_t p = position_[b];
      while (p < k_ && skip_[row[p]]) ++p;
      position_[b] = static_cast<std::uint8_t>(p);
      if (p < k_ && row[p] != kNoPreference) {
        votes[sectioned ? ballots_.section[b] : 0][row[p]] += ballots_.weight[b];
      } else {
        exhausted += ballots_.weight[b];
      }
    }
    CountRound round;
    round.exhausted = exhausted;
    if (!rules_.is_college()) {
      round.votes.assign(votes[0].begin(), votes[0].begin() + static_cast<std::ptrdiff_t>(k_));
      return round;
    }
    // A section with no continuing votes contributes nothing (its weight is not passed on).
    round.votes.assign(k_, 0.0);
    for (std::size_t sec = 0; sec < sections; ++sec) {
      double total = 0;
      for (std::size_t c = 0; c < k_; ++c) total += votes[sec][c];
      round.section_votes.emplace_back(votes[sec].begin(),
                                       votes[sec].begin() + static_cast<std::ptrdiff_t>(k_));
      if (total <= 0) continue;
      for (std::size_t c = 0; c < k_; ++c)
        round.votes[c] += rules_.college[sec] * votes[sec][c] / total;
    }
    return round;
  }

  // Removes candidate `c` from the count; its ballots move on at the next tally.
  void eliminate(int c) {
    skip_[static_cast<std::size_t>(c)] = true;
    std::erase(continuing_, c);
  }

 private:
  const BallotSet& ballots_;
  const CountRules& rules_;
  std::size_t k_;
  std::vector<std::uint8_t> position_;  // per ballot: index of its current preference
  std::array<bool, 256> skip_;          // per ranking entry: candidate is out (kNoPreference: no)
  std::vector<int> continuing_;         // ascending
};

// The continuing candidate to eliminate after the last of `rounds`: fewest votes; among several,
// the backwards rule narrows the tie using earlier rounds, most recent first (in each, only those
// with the fewest votes stay tied); if some are tied in every round, lots decide.
int lowest_candidate(const std::vector<int>& continuing, const std::vector<CountRound>& rounds,
                     TieRule rule, std::uint64_t tie_seed, bool& by_lot) {
  std::vector<int> tied = continuing;
  keep_extreme(tied, rounds.back().votes, false);
  for (std::size_t earlier = rounds.size() - 1;
       rule == TieRule::backwards && earlier-- > 0 && tied.size() > 1;) {
    keep_extreme(tied, rounds[earlier].votes, false);
  }
  by_lot = tied.size() > 1;
  return by_lot ? draw_lot(tied, tie_seed, static_cast<int>(rounds.size()) - 1) : tied.front();
}

// The continuing candidate with the most votes in `round`; a tie goes to lots.
int highest_candidate(const std::vector<int>& continuing, const CountRound& round,
                      std::uint64_t tie_seed, int round_index, bool& by_lot) {
  std::vector<int> tied = continuing;
  keep_extreme(tied, round.votes, true);
  by_lot = tied.size() > 1;
  return by_lot ? draw_lot(tied, tie_seed, round_index) : tied.front();
}

// The continuing candidate with strictly more than half of the continuing votes, or -1.
int majority_candidate(const std::vector<int>& continuing, const CountRound& round) {
  double continuing_votes = 0;
  for (const int c : continuing) continuing_votes += round.votes[static_cast<std::size_t>(c)];
  for (const int c : continuing) {
    if (2 * round.votes[static_cast<std::size_t>(c)] > continuing_votes) return c;
  }
  return -1;
}

}  // namespace

// Validates, pads the ranking to a full row with kNoPreference, and appends it.
void BallotSet::add(std::span<const std::uint8_t> prefs, double w, int sec) {
  check_candidate_count(candidates);
  check_ranking(prefs, candidates);
  check_weight(w);
  if (sec < 0 || sec > 255) throw std::invalid_argument("ballots: section must be 0..255");
  // Sections are stored only once a ballot is outside section 0 (earlier rows: section 0).
  if (sec != 0 || !section.empty()) {
    section.resize(weight.size(), 0);
    section.push_back(static_cast<std::uint8_t>(sec));
  }
  ranking.insert(ranking.end(), prefs.begin(), prefs.end());
  ranking.insert(ranking.end(), static_cast<std::size_t>(candidates) - prefs.size(), kNoPreference);
  weight.push_back(w);
}

std::string_view to_string(CountMethod m) {
  switch (m) {
    case CountMethod::plurality: return "plurality";
    case CountMethod::alternative_vote: return "alternative_vote";
    case CountMethod::two_round: return "two_round";
  }
  throw std::invalid_argument("unknown CountMethod");
}

std::string_view to_string(TieRule t) {
  switch (t) {
    case TieRule::backwards: return "backwards";
    case TieRule::lot: return "lot";
  }
  throw std::invalid_argument("unknown TieRule");
}

CountResult count_ballots(const BallotSet& ballots, const CountRules& rules,
                          const std::vector<bool>& standing, std::uint64_t tie_seed) {
  check_inputs(ballots, rules, standing);
  CountResult result;
  result.eliminated_round.assign(static_cast<std::size_t>(ballots.candidates), -1);
  Count count(ballots, rules, standing);
  if (count.continuing().empty()) return result;

  // Unopposed, or plurality: a single round decides.
  if (count.continuing().size() == 1 || rules.method == CountMethod::plurality) {
    result.rounds.push_back(count.tally());
    result.winner = highest_candidate(count.continuing(), result.rounds.back(), tie_seed, 0,
                                      result.winner_by_lot);
    return result;
  }

  // Alternative vote (and the first round of two_round): eliminate until one has a majority of
  // the continuing votes. With two left, the larger has one unless they tie exactly (decided by
  // comparing the two directly, so rounding in the sum cannot leave the count undecided).
  for (int round = 0;; ++round) {
    result.rounds.push_back(count.tally());
    CountRound& current = result.rounds.back();
    result.winner = majority_candidate(count.continuing(), current);
    if (result.winner >= 0) return result;
    if (count.continuing().size() == 2) {
      result.winner = highest_candidate(count.continuing(), current, tie_seed, round,
                                        result.winner_by_lot);
      return result;
    }
    if (rules.method == CountMethod::two_round) {
      // Everyone below the top two goes at once, lowest first; the tie rule settles who is
      // second when several tie for it (the runoff place is a "last place" among them).
      std::vector<int> out;
      while (count.continuing().size() > 2) {
        bool lot = false;
        const int c = lowest_candidate(count.continuing(), result.rounds, rules.tie, tie_seed, lot);
        current.eliminated_by_lot = current.eliminated_by_lot || lot;
        out.push_back(c);
        result.eliminated_round[static_cast<std::size_t>(c)] = round;
        count.eliminate(c);
      }
      current.eliminated = out.front();
      current.also_eliminated.assign(out.begin() + 1, out.end());
      continue;
    }
    current.eliminated = lowest_candidate(count.continuing(), result.rounds, rules.tie, tie_seed,
                                          current.eliminated_by_lot);
    result.eliminated_round[static_cast<std::size_t>(current.eliminated)] = round;
    count.eliminate(current.eliminated);
  }
}

}  // namespace leadsim
