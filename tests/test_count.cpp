// Tests for count.hpp: plurality, alternative-vote and two-round counts, their tie rules (backwards
// and lot), the electoral college, and input checks.
// Tallies in the hand-worked examples are given round by round in the comments.
#include "leadsim/count.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

namespace {

using leadsim::BallotSet;
using leadsim::count_ballots;
using leadsim::CountMethod;
using leadsim::CountResult;
using leadsim::CountRules;
using leadsim::TieRule;
using leadsim::kNoPreference;

constexpr CountMethod kAV = CountMethod::alternative_vote;
constexpr CountMethod kPlurality = CountMethod::plurality;

// Adds a ballot ranking `prefs` (candidate indices, most preferred first) with weight `w`.
void add(BallotSet& set, std::initializer_list<std::uint8_t> prefs, double w) {
  set.add(std::vector<std::uint8_t>(prefs), w);
}

std::vector<bool> all_standing(int candidates) {
  return std::vector<bool>(static_cast<std::size_t>(candidates), true);
}

// Runs an AV count with every candidate standing.
CountResult count_av(const BallotSet& set, std::uint64_t seed = 1) {
  return count_ballots(set, kAV, all_standing(set.candidates), seed);
}

// Checks that two counts agree in every recorded detail.
void expect_same_count(const CountResult& a, const CountResult& b) {
  EXPECT_EQ(a.winner, b.winner);
  EXPECT_EQ(a.winner_by_lot, b.winner_by_lot);
  EXPECT_EQ(a.eliminated_round, b.eliminated_round);
  ASSERT_EQ(a.rounds.size(), b.rounds.size());
  for (std::size_t r = 0; r < a.rounds.size(); ++r) {
    EXPECT_EQ(a.rounds[r].votes, b.rounds[r].votes) << "round " << r;
    EXPECT_EQ(a.rounds[r].exhausted, b.rounds[r].exhausted) << "round " << r;
    EXPECT_EQ(a.rounds[r].eliminated, b.rounds[r].eliminated) << "round " << r;
    EXPECT_EQ(a.rounds[r].eliminated_by_lot, b.rounds[r].eliminated_by_lot) << "round " << r;
  }
}

// Candidates 0 = A, 1 = B, 2 = C, ...
constexpr std::uint8_t A = 0, B = 1, C = 2, D = 3, E = 4;

TEST(Count, MethodNames) {
  EXPECT_EQ(leadsim::to_string(kPlurality), "plurality");
  EXPECT_EQ(leadsim::to_string(kAV), "alternative_vote");
}

TEST(Count, AddPadsPartialRankings) {
  BallotSet set(3);
  add(set, {B}, 2.5);
  add(set, {C, A, B}, 1);
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set.ranking, (std::vector<std::uint8_t>{B, kNoPreference, kNoPreference, C, A, B}));
  EXPECT_EQ(set.weight, (std::vector<double>{2.5, 1}));
}

// Round 0: A 6, B 3, C 2 of 11; A has more than half.
TEST(Count, FirstRoundMajorityEndsInRoundZero) {
  BallotSet set(3);
  add(set, {A, B}, 6);
  add(set, {B, C}, 3);
  add(set, {C, B}, 2);
  const CountResult r = count_av(set);
  EXPECT_EQ(r.winner, A);
  EXPECT_FALSE(r.winner_by_lot);
  ASSERT_EQ(r.rounds.size(), 1u);
  EXPECT_EQ(r.rounds[0].votes, (std::vector<double>{6, 3, 2}));
  EXPECT_EQ(r.rounds[0].exhausted, 0);
  EXPECT_EQ(r.rounds[0].eliminated, -1);
  EXPECT_EQ(r.eliminated_round, (std::vector<int>{-1, -1, -1}));
}

// The ballots shared by the transfer tests: A leads on first preferences, but C's voters prefer B.
BallotSet transfer_ballots() {
  BallotSet set(3);
  add(set, {A, C}, 40);
  add(set, {B, A}, 35);
  add(set, {C, B}, 20);
  add(set, {C, A}, 5);
  return set;
}

// Round 0: A 40, B 35, C 25 of 100: no majority, C out.
// Round 1: A 40 + 5 = 45, B 35 + 20 = 55: B wins.
TEST(Count, PluralityLeaderLosesAfterTransfers) {
  const BallotSet set = transfer_ballots();
  const CountResult r = count_av(set);
  ASSERT_EQ(r.rounds.size(), 2u);
  EXPECT_EQ(r.rounds[0].votes, (std::vector<double>{40, 35, 25}));
  EXPECT_EQ(r.rounds[0].eliminated, C);
  EXPECT_FALSE(r.rounds[0].eliminated_by_lot);
  EXPECT_EQ(r.rounds[1].votes, (std::vector<double>{45, 55, 0}));
  EXPECT_EQ(r.rounds[1].exhausted, 0);
  EXPECT_EQ(r.rounds[1].eliminated, -1);
  EXPECT_EQ(r.winner, B);
  EXPECT_FALSE(r.winner_by_lot);
  EXPECT_EQ(r.eliminated_round, (std::vector<int>{-1, -1, 0}));

  // The same ballots under plurality: one round, A wins.
  const CountResult p = count_ballots(set, kPlurality, all_standing(3), 1);
  ASSERT_EQ(p.rounds.size(), 1u);
  EXPECT_EQ(p.rounds[0].votes, (std::vector<double>{40, 35, 25}));
  EXPECT_EQ(p.winner, A);
  EXPECT_FALSE(p.winner_by_lot);
  EXPECT_EQ(p.eliminated_round, (std::vector<int>{-1, -1, -1}));
}

// Round 0: A 48, B 30, C 12, D 11, exhausted 1 (a blank ballot): D out; D's ballots rank only D.
// Round 1: A 48, B 30, C 12, exhausted 12. A's 48 is not more than half of the 102 ballots, but
// it is more than half of the 90 continuing ones, so A wins here rather than after C goes.
TEST(Count, ExhaustedBallotsLeaveTheMajorityTest) {
  BallotSet set(4);
  add(set, {A}, 48);
  add(set, {B, C}, 30);
  add(set, {C, B}, 12);
  add(set, {D}, 11);
  add(set, {}, 1);
  const CountResult r = count_av(set);
  ASSERT_EQ(r.rounds.size(), 2u);
  EXPECT_EQ(r.rounds[0].votes, (std::vector<double>{48, 30, 12, 11}));
  EXPECT_EQ(r.rounds[0].exhausted, 1);
  EXPECT_EQ(r.rounds[0].eliminated, D);
  EXPECT_EQ(r.rounds[1].votes, (std::vector<double>{48, 30, 12, 0}));
  EXPECT_EQ(r.rounds[1].exhausted, 12);
  EXPECT_EQ(r.rounds[1].eliminated, -1);
  EXPECT_EQ(r.winner, A);
  EXPECT_FALSE(r.winner_by_lot);
}

// Exactly half of the continuing votes is not a majority.
// Round 0: A 4 of 8: no majority; C out (its ballot exhausts).  Round 1: A 4 of 7 wins.
TEST(Count, HalfIsNotAMajority) {
  BallotSet set(3);
  add(set, {A}, 4);
  add(set, {B}, 3);
  add(set, {C}, 1);
  const CountResult r = count_av(set);
  ASSERT_EQ(r.rounds.size(), 2u);
  EXPECT_EQ(r.rounds[0].eliminated, C);
  EXPECT_EQ(r.rounds[1].votes, (std::vector<double>{4, 3, 0}));
  EXPECT_EQ(r.rounds[1].exhausted, 1);
  EXPECT_EQ(r.winner, A);
}

// D has no first preferences but is everyone's second choice; it still goes first.
// Round 0: A 10, B 8, C 7, D 0: D out.   Round 1: A 10, B 8, C 7: C out (its ballots exhaust).
// Round 2: A 10, B 8, exhausted 7: A has 10 of 18 and wins.
TEST(Count, CandidateWithNoFirstPreferencesGoesFirst) {
  BallotSet set(4);
  add(set, {A, D}, 10);
  add(set, {B, D}, 8);
  add(set, {C, D}, 7);
  const CountResult r = count_av(set);
  ASSERT_EQ(r.rounds.size(), 3u);
  EXPECT_EQ(r.rounds[0].votes, (std::vector<double>{10, 8, 7, 0}));
  EXPECT_EQ(r.rounds[0].eliminated, D);
  EXPECT_EQ(r.rounds[1].votes, (std::vector<double>{10, 8, 7, 0}));
  EXPECT_EQ(r.rounds[1].eliminated, C);
  EXPECT_EQ(r.rounds[2].votes, (std::vector<double>{10, 8, 0, 0}));
  EXPECT_EQ(r.rounds[2].exhausted, 7);
  EXPECT_EQ(r.winner, A);
  EXPECT_EQ(r.eliminated_round, (std::vector<int>{-1, -1, 1, 0}));
}

// Two candidates with no votes go one per round; tied in the only round so far, the first goes by
// lot. Round 0: A 5, B 4, C 2, D 0, E 0: D or E out by lot.  Round 1: the other out.
// Round 2: A 5, B 4, C 2: C out, to B.  Round 3: A 5, B 6: B wins.
TEST(Count, ZeroVoteCandidatesGoOnePerRound) {
  BallotSet set(5);
  add(set, {A}, 5);
  add(set, {B}, 4);
  add(set, {C, B}, 2);
  std::set<int> first_out;
  for (std::uint64_t seed = 0; seed < 32; ++seed) {
    const CountResult r = count_av(set, seed);
    ASSERT_EQ(r.rounds.size(), 4u);
    EXPECT_TRUE(r.rounds[0].eliminated == D || r.rounds[0].eliminated == E);
    EXPECT_TRUE(r.rounds[0].eliminated_by_lot);
    EXPECT_EQ(r.rounds[1].eliminated, D + E - r.rounds[0].eliminated);
    EXPECT_FALSE(r.rounds[1].eliminated_by_lot);
    EXPECT_EQ(r.rounds[2].eliminated, C);
    EXPECT_EQ(r.rounds[3].votes, (std::vector<double>{5, 6, 0, 0, 0}));
    EXPECT_EQ(r.winner, B);
    first_out.insert(r.rounds[0].eliminated);
  }
  EXPECT_EQ(first_out.size(), 2u);
}

// X = B and Y = C tie for last in round 2; they differed in both earlier rounds, in opposite
// directions, and the most recent one decides.
// Round 0: A 10, B 5, C 6, D 3, E 2 (26): E out, to B.
// Round 1: A 10, B 7, C 6, D 3: D out; 1 to C, 2 exhaust.
// Round 2: A 10, B 7, C 7, exhausted 2. B and C tie; in round 1 C had fewer (6 < 7), so C goes
// (round 0, where B had fewer, does not count). C's 7 ballots go to B.
// Round 3: A 10, B 14 of 24 continuing: B wins. (Had B gone instead, A would have won.)
TEST(Count, LastPlaceTieBrokenByMostRecentDifferingRound) {
  BallotSet set(5);
  add(set, {A}, 10);
  add(set, {B, A}, 5);
  add(set, {C, B}, 6);
  add(set, {D, C, B}, 1);
  add(set, {D}, 2);
  add(set, {E, B, A}, 2);
  for (std::uint64_t seed = 0; seed < 16; ++seed) {  // no lots are drawn, so the seed is moot
    const CountResult r = count_av(set, seed);
    ASSERT_EQ(r.rounds.size(), 4u);
    EXPECT_EQ(r.rounds[0].votes, (std::vector<double>{10, 5, 6, 3, 2}));
    EXPECT_EQ(r.rounds[0].eliminated, E);
    EXPECT_EQ(r.rounds[1].votes, (std::vector<double>{10, 7, 6, 3, 0}));
    EXPECT_EQ(r.rounds[1].eliminated, D);
    EXPECT_EQ(r.rounds[2].votes, (std::vector<double>{10, 7, 7, 0, 0}));
    EXPECT_EQ(r.rounds[2].exhausted, 2);
    EXPECT_EQ(r.rounds[2].eliminated, C);
    EXPECT_FALSE(r.rounds[2].eliminated_by_lot);
    EXPECT_EQ(r.rounds[3].votes, (std::vector<double>{10, 14, 0, 0, 0}));
    EXPECT_EQ(r.winner, B);
    EXPECT_FALSE(r.winner_by_lot);
    EXPECT_EQ(r.eliminated_round, (std::vector<int>{-1, -1, 2, 1, 0}));
  }
}

// B and C are tied in every round until one must go, so lots decide.
// Round 0: A 6, B 3, C 3, D 1: D out.  Round 1: A 6, B 3, C 3, exhausted 1: B or C by lot.
// If B goes, its ballots pass to A (A 9); if C goes, they exhaust (A 6 of 9). A wins either way.
TEST(Count, TieInEveryRoundBrokenByLots) {
  BallotSet set(4);
  add(set, {A}, 6);
  add(set, {B, A}, 3);
  add(set, {C}, 3);
  add(set, {D}, 1);
  std::set<int> out_by_lot;
  for (std::uint64_t seed = 0; seed < 32; ++seed) {
    const CountResult r = count_av(set, seed);
    expect_same_count(r, count_av(set, seed));  // same seed, same draw
    ASSERT_EQ(r.rounds.size(), 3u);
    EXPECT_FALSE(r.rounds[0].eliminated_by_lot);
    EXPECT_TRUE(r.rounds[1].eliminated_by_lot);
    const int out = r.rounds[1].eliminated;
    ASSERT_TRUE(out == B || out == C);
    EXPECT_EQ(r.rounds[2].votes, out == B ? (std::vector<double>{9, 0, 3, 0})
                                          : (std::vector<double>{6, 3, 0, 0}));
    EXPECT_EQ(r.rounds[2].exhausted, out == B ? 1 : 4);
    EXPECT_EQ(r.winner, A);
    EXPECT_FALSE(r.winner_by_lot);
    out_by_lot.insert(out);
  }
  EXPECT_EQ(out_by_lot.size(), 2u);  // both outcomes occur over the seeds
}

// The last two tie exactly: lots pick the winner.
TEST(Count, LastTwoTiedDecidedByLots) {
  BallotSet set(3);
  add(set, {A}, 4);
  add(set, {B}, 4);
  add(set, {C, A}, 1);
  add(set, {C, B}, 1);
  std::set<int> winners;
  for (std::uint64_t seed = 0; seed < 32; ++seed) {
    const CountResult r = count_av(set, seed);
    EXPECT_EQ(r.winner, count_av(set, seed).winner);
    ASSERT_EQ(r.rounds.size(), 2u);
    EXPECT_EQ(r.rounds[1].votes, (std::vector<double>{5, 5, 0}));
    EXPECT_TRUE(r.winner == A || r.winner == B);
    EXPECT_TRUE(r.winner_by_lot);
    winners.insert(r.winner);
  }
  EXPECT_EQ(winners.size(), 2u);
}

TEST(Count, PluralityTieForFirstDecidedByLots) {
  BallotSet set(3);
  add(set, {A, C}, 4);
  add(set, {B, C}, 4);
  add(set, {C}, 2);
  std::set<int> winners;
  for (std::uint64_t seed = 0; seed < 32; ++seed) {
    const CountResult r = count_ballots(set, kPlurality, all_standing(3), seed);
    expect_same_count(r, count_ballots(set, kPlurality, all_standing(3), seed));
    ASSERT_EQ(r.rounds.size(), 1u);
    EXPECT_EQ(r.rounds[0].votes, (std::vector<double>{4, 4, 2}));
    EXPECT_TRUE(r.winner == A || r.winner == B);
    EXPECT_TRUE(r.winner_by_lot);
    winners.insert(r.winner);
  }
  EXPECT_EQ(winners.size(), 2u);
}

TEST(Count, SingleStandingCandidateElectedUnopposed) {
  BallotSet set(3);
  add(set, {A, B}, 5);
  add(set, {C}, 2);
  for (const CountMethod method : {kAV, kPlurality}) {
    const CountResult r = count_ballots(set, method, {false, true, false}, 7);
    EXPECT_EQ(r.winner, B);
    EXPECT_FALSE(r.winner_by_lot);
    ASSERT_EQ(r.rounds.size(), 1u);
    EXPECT_EQ(r.rounds[0].votes, (std::vector<double>{0, 5, 0}));
    EXPECT_EQ(r.rounds[0].exhausted, 2);
    EXPECT_EQ(r.eliminated_round, (std::vector<int>{-1, -1, -1}));
  }
  // Elected even with no votes at all.
  const CountResult r = count_ballots(BallotSet(2), kAV, {true, false}, 7);
  EXPECT_EQ(r.winner, A);
  ASSERT_EQ(r.rounds.size(), 1u);
}

TEST(Count, NoStandingCandidateNoWinner) {
  const CountResult r = count_ballots(transfer_ballots(), kAV, {false, false, false}, 7);
  EXPECT_EQ(r.winner, -1);
  EXPECT_TRUE(r.rounds.empty());
  EXPECT_EQ(r.eliminated_round, (std::vector<int>{-1, -1, -1}));
}

// With C withdrawn, C's ballots count for their next standing preference from round 0:
// A 40 + 5 = 45, B 35 + 20 = 55: B wins at once. A ballot naming only C is exhausted.
TEST(Count, NonStandingCandidatesAreSkipped) {
  BallotSet set = transfer_ballots();
  add(set, {C}, 3);
  const CountResult r = count_ballots(set, kAV, {true, true, false}, 1);
  ASSERT_EQ(r.rounds.size(), 1u);
  EXPECT_EQ(r.rounds[0].votes, (std::vector<double>{45, 55, 0}));
  EXPECT_EQ(r.rounds[0].exhausted, 3);
  EXPECT_EQ(r.winner, B);
  EXPECT_EQ(r.eliminated_round, (std::vector<int>{-1, -1, -1}));

  // Skipping also applies to later preferences: A > C > B with C withdrawn transfers A's vote to B.
  BallotSet chain(4);
  add(chain, {A, C, B}, 2);
  add(chain, {B}, 3);
  add(chain, {D}, 4);
  const CountResult s = count_ballots(chain, kAV, {true, true, false, true}, 1);
  ASSERT_EQ(s.rounds.size(), 2u);
  EXPECT_EQ(s.rounds[0].eliminated, A);
  EXPECT_EQ(s.rounds[1].votes, (std::vector<double>{0, 5, 0, 4}));
  EXPECT_EQ(s.winner, B);
  EXPECT_EQ(s.eliminated_round, (std::vector<int>{0, -1, -1, -1}));
}

// A ballot of weight 3 counts as three ballots of weight 1, in tallies, transfers and lots.
TEST(Count, WeightEqualsRepeatedBallots) {
  // Round 0: A 4, B 3, C 2: C out, to B.  Round 1: A 4, B 5: B wins.
  BallotSet weighted(3);
  add(weighted, {A, C}, 4);
  add(weighted, {B, A}, 3);
  add(weighted, {C, B}, 2);
  BallotSet repeated(3);
  for (int i = 0; i < 4; ++i) add(repeated, {A, C}, 1);
  for (int i = 0; i < 3; ++i) add(repeated, {B, A}, 1);
  for (int i = 0; i < 2; ++i) add(repeated, {C, B}, 1);
  const CountResult r = count_av(weighted);
  ASSERT_EQ(r.rounds.size(), 2u);
  EXPECT_EQ(r.rounds[1].votes, (std::vector<double>{4, 5, 0}));
  EXPECT_EQ(r.winner, B);
  expect_same_count(r, count_av(repeated));

  // Round 0: A 4, B 3, C 3: B and C tied in the only round, so lots (same draw either way).
  add(weighted, {C, B}, 1);
  add(repeated, {C, B}, 1);
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    const CountResult w = count_av(weighted, seed);
    EXPECT_TRUE(w.rounds[0].eliminated_by_lot);
    expect_same_count(w, count_av(repeated, seed));
  }
}

// Labour Party leadership election 2015, first preferences by section (members / registered
// supporters / affiliated supporters), counted one member one vote.
TEST(Count, Labour2015FirstRound) {
  constexpr std::uint8_t corbyn = 0, burnham = 1, cooper = 2, kendall = 3;
  BallotSet set(4);
  for (const double v : {121751.0, 88449.0, 41217.0}) add(set, {corbyn}, v);
  for (const double v : {55698.0, 6160.0, 18604.0}) add(set, {burnham}, v);
  for (const double v : {54470.0, 8415.0, 9043.0}) add(set, {cooper}, v);
  for (const double v : {13601.0, 2574.0, 2682.0}) add(set, {kendall}, v);
  const CountResult r = count_av(set);
  ASSERT_EQ(r.rounds.size(), 1u);
  const std::vector<double>& votes = r.rounds[0].votes;
  EXPECT_EQ(votes, (std::vector<double>{251417, 80462, 71928, 18857}));
  const double total = votes[0] + votes[1] + votes[2] + votes[3];
  EXPECT_NEAR(100 * votes[corbyn] / total, 59.5, 0.05);
  EXPECT_EQ(r.winner, corbyn);
  EXPECT_EQ(r.rounds[0].eliminated, -1);
  EXPECT_EQ(r.eliminated_round, (std::vector<int>{-1, -1, -1, -1}));
}

// Random contests (small weights, so many ties): every round's bookkeeping must hold together.
TEST(Count, InvariantsOnRandomContests) {
  std::mt19937_64 rng(2015);
  for (int contest = 0; contest < 300; ++contest) {
    const std::size_t k = 2 + rng() % 7;  // 2..8 candidates
    BallotSet set(static_cast<int>(k));
    double total = 0;
    const std::size_t rows = 1 + rng() % 40;
    for (std::size_t b = 0; b < rows; ++b) {
      std::vector<std::uint8_t> prefs;
      for (std::size_t c = 0; c < k; ++c) prefs.push_back(static_cast<std::uint8_t>(c));
      std::shuffle(prefs.begin(), prefs.end(), rng);
      prefs.resize(rng() % (k + 1));
      const double w = static_cast<double>(rng() % 5);
      set.add(prefs, w);
      total += w;
    }
    std::vector<bool> standing(k);
    std::size_t standing_count = 0;
    for (std::size_t c = 0; c < k; ++c) {
      standing[c] = rng() % 4 != 0;
      standing_count += standing[c];
    }
    const CountResult r = count_ballots(set, kAV, standing, rng());
    if (standing_count == 0) {
      EXPECT_EQ(r.winner, -1);
      continue;
    }
    // One elimination per round, every round but the last, leaving at least two candidates.
    ASSERT_GE(r.rounds.size(), 1u);
    ASSERT_LE(r.rounds.size(), std::max<std::size_t>(1, standing_count - 1));
    ASSERT_TRUE(r.winner >= 0 && r.winner < static_cast<int>(k));
    std::vector<bool> in = standing;
    for (std::size_t round = 0; round < r.rounds.size(); ++round) {
      const leadsim::CountRound& rd = r.rounds[round];
      double sum = rd.exhausted;
      double continuing_votes = 0;
      for (std::size_t c = 0; c < k; ++c) {
        if (in[c]) {
          continuing_votes += rd.votes[c];
        } else {
          EXPECT_EQ(rd.votes[c], 0);
        }
        sum += rd.votes[c];
      }
      EXPECT_EQ(sum, total);
      if (round + 1 < r.rounds.size()) {
        ASSERT_GE(rd.eliminated, 0);
        const auto out = static_cast<std::size_t>(rd.eliminated);
        ASSERT_TRUE(in[out]);
        for (std::size_t c = 0; c < k; ++c) {
          if (in[c]) {
            EXPECT_LE(rd.votes[out], rd.votes[c]);
            EXPECT_LE(2 * rd.votes[c], continuing_votes);  // nobody had a majority yet
          }
        }
        EXPECT_EQ(r.eliminated_round[out], static_cast<int>(round));
        in[out] = false;
      } else {
        EXPECT_EQ(rd.eliminated, -1);
        const auto winner = static_cast<std::size_t>(r.winner);
        ASSERT_TRUE(in[winner]);
        if (standing_count > 1 && 2 * rd.votes[winner] <= continuing_votes) {
          // No majority: only possible as an exact tie between the last two, decided by lot.
          EXPECT_EQ(static_cast<std::size_t>(std::count(in.begin(), in.end(), true)), 2u);
          EXPECT_EQ(2 * rd.votes[winner], continuing_votes);
          EXPECT_TRUE(r.winner_by_lot);
        }
      }
    }
  }
}

TEST(Count, InvalidInputsThrow) {
  const std::vector<std::uint8_t> one{A};
  EXPECT_THROW(BallotSet(0).add(one, 1), std::invalid_argument);
  EXPECT_THROW(BallotSet(leadsim::kMaxCandidates + 1).add(one, 1), std::invalid_argument);
  EXPECT_THROW(count_ballots(BallotSet(0), kAV, {}, 1), std::invalid_argument);
  EXPECT_THROW(count_ballots(BallotSet(leadsim::kMaxCandidates + 1), kAV, all_standing(leadsim::kMaxCandidates + 1), 1), std::invalid_argument);

  BallotSet set(3);
  EXPECT_THROW(add(set, {3}, 1), std::invalid_argument);        // not a candidate
  EXPECT_THROW(add(set, {A, B, A}, 1), std::invalid_argument);  // ranked twice
  EXPECT_THROW(add(set, {A, B, C, A}, 1), std::invalid_argument);  // longer than candidates
  EXPECT_THROW(add(set, {A, kNoPreference, B}, 1), std::invalid_argument);  // after the end
  EXPECT_THROW(add(set, {A}, -1), std::invalid_argument);
  EXPECT_THROW(add(set, {A}, std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  EXPECT_THROW(add(set, {A}, std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_EQ(set.size(), 0u);  // nothing rejected was appended
  EXPECT_TRUE(set.ranking.empty());

  add(set, {A, B}, 1);
  EXPECT_THROW(count_ballots(set, kAV, {true, true}, 1), std::invalid_argument);
  EXPECT_THROW(count_ballots(set, kAV, {true, true, true, true}, 1), std::invalid_argument);
  EXPECT_NO_THROW(count_ballots(set, kAV, all_standing(3), 1));

  // Rows written directly into the public fields are checked by the count as well.
  BallotSet bad = set;
  bad.ranking[1] = 5;
  EXPECT_THROW(count_av(bad), std::invalid_argument);
  bad = set;
  bad.ranking[1] = A;
  EXPECT_THROW(count_av(bad), std::invalid_argument);
  bad = set;
  bad.weight[0] = -2;
  EXPECT_THROW(count_av(bad), std::invalid_argument);
  bad = set;
  bad.ranking.pop_back();
  EXPECT_THROW(count_av(bad), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Counting rules beyond the basics: two rounds, the lot tie rule, the electoral college.

BallotSet ballots(int k, std::initializer_list<std::pair<std::vector<std::uint8_t>, double>> rows,
                  std::vector<int> sections = {}) {
  BallotSet b(k);
  size_t i = 0;
  for (const auto& [r, w] : rows) b.add(r, w, sections.empty() ? 0 : sections[i++]);
  return b;
}

TEST(Count, TwoRoundKeepsOnlyTheTopTwoForTheRunoff) {
  // First preferences 0: 30, 1: 28, 2: 22, 3: 20. Two rounds: 0 and 1 go to the runoff, where
  // 2's voters (2>0) give 0 the win, 52 to 48. AV instead drops 3 first, whose voters lift 2
  // past both, and 2 wins.
  const BallotSet b = ballots(4, {{{0}, 30}, {{1, 2}, 28}, {{2, 0}, 22}, {{3, 2, 1}, 20}});
  const std::vector<bool> all = {true, true, true, true};
  const CountResult r = count_ballots(b, CountMethod::two_round, all, 1);
  ASSERT_EQ(r.rounds.size(), 2u);
  EXPECT_EQ(r.eliminated_round[2], 0);
  EXPECT_EQ(r.eliminated_round[3], 0);
  EXPECT_EQ(r.rounds[0].eliminated, 3);
  EXPECT_EQ(r.rounds[0].also_eliminated, (std::vector<int>{2}));
  EXPECT_EQ(r.rounds[1].votes[0], 52);
  EXPECT_EQ(r.rounds[1].votes[1], 48);
  EXPECT_EQ(r.winner, 0);
  const CountResult av = count_ballots(b, CountMethod::alternative_vote, all, 1);
  EXPECT_EQ(av.winner, 2);
  EXPECT_EQ(av.rounds.size(), 3u);
  // A first-round majority needs no runoff.
  const BallotSet maj = ballots(3, {{{0}, 51}, {{1}, 30}, {{2}, 19}});
  EXPECT_EQ(count_ballots(maj, CountMethod::two_round, {true, true, true}, 1).rounds.size(), 1u);
}

TEST(Count, LotTieRuleIgnoresEarlierRounds) {
  // Round 1 (no majority: 0 has 20 of 40): 3 goes and its ballot passes to 2; round 2: 1 and 2
  // tie at 10.
  // The backwards rule eliminates 2 (fewer in round 1); the lot rule may eliminate either.
  const BallotSet b = ballots(4, {{{0}, 20}, {{1}, 10}, {{2}, 9}, {{3, 2}, 1}});
  CountRules backwards(CountMethod::alternative_vote);
  const CountResult r = count_ballots(b, backwards, {true, true, true, true}, 1);
  EXPECT_EQ(r.rounds[1].eliminated, 2);
  EXPECT_FALSE(r.rounds[1].eliminated_by_lot);
  CountRules lot(CountMethod::alternative_vote);
  lot.tie = TieRule::lot;
  std::set<int> seen;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    const CountResult x = count_ballots(b, lot, {true, true, true, true}, seed);
    EXPECT_TRUE(x.rounds[1].eliminated_by_lot);
    seen.insert(x.rounds[1].eliminated);
  }
  EXPECT_EQ(seen, (std::set<int>{1, 2}));
}

TEST(Count, CollegeRenormalisesEachSectionOverItsContinuingVotes) {
  // Section 0 (weight 0.5): 0 60, 1 30, 2 10 (exhausts). Section 1 (weight 0.5): 1 100.
  const BallotSet b = ballots(3, {{{0}, 60}, {{1}, 30}, {{2}, 10}, {{1}, 100}}, {0, 0, 0, 1});
  CountRules college(CountMethod::alternative_vote);
  college.college = {0.5, 0.5};
  const CountResult r = count_ballots(b, college, {true, true, true}, 1);
  EXPECT_DOUBLE_EQ(r.rounds[0].votes[0], 0.5 * 0.6);
  EXPECT_DOUBLE_EQ(r.rounds[0].votes[1], 0.5 * 0.3 + 0.5);
  EXPECT_EQ(r.winner, 1);  // a majority of the college in round 1 (65%)
  ASSERT_EQ(r.rounds.size(), 1u);
  // Without the college, 0's 60 votes of 200 lose to 1's 130 as well, but by a different margin.
  const CountResult omov = count_ballots(b, CountMethod::alternative_vote, {true, true, true}, 1);
  EXPECT_DOUBLE_EQ(omov.rounds[0].votes[1], 130);
  // Exhausted ballots leave their section's denominator: after 2 goes, section 0 is 60/90.
  const BallotSet c = ballots(3, {{{0}, 40}, {{1}, 35}, {{2}, 25}, {{1}, 10}, {{0}, 9}},
                              {0, 0, 0, 1, 1});
  const CountResult rc = count_ballots(c, college, {true, true, true}, 1);
  ASSERT_EQ(rc.rounds.size(), 2u);
  EXPECT_DOUBLE_EQ(rc.rounds[1].votes[0], 0.5 * 40.0 / 75.0 + 0.5 * 9.0 / 19.0);
  EXPECT_DOUBLE_EQ(rc.rounds[1].votes[0] + rc.rounds[1].votes[1], 1.0);
}

TEST(Count, CollegeInputsAreChecked) {
  BallotSet b = ballots(2, {{{0}, 1}, {{1}, 1}}, {0, 2});
  CountRules college(CountMethod::plurality);
  college.college = {0.5, 0.5};  // no weight for section 2
  EXPECT_THROW(count_ballots(b, college, {true, true}, 1), std::invalid_argument);
  college.college = {0.5, 0.2, 0.2};  // sums to 0.9
  EXPECT_THROW(count_ballots(b, college, {true, true}, 1), std::invalid_argument);
}

}  // namespace
