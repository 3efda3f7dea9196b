// Tests of the final ballot (ballot.hpp): turnout, rankings, hostile and vetted voters, what
// attendees heard, the count's transfers; and the fused two-candidate kernel against the general
// path, bit for bit.
#include "leadsim/ballot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "leadsim/contest.hpp"
#include "leadsim/random.hpp"
#include "support.hpp"

namespace leadsim {
namespace {

using test::clearly_above;
using test::estimate;
using test::run_many;
using test::toy;

// One run's final ballot cast both ways, with everything the kernel treats apart from the plain
// voter: a national shift, local MPs' endorsements (a random third of CLPs), and what 3% of the
// members heard at meetings (shifts of either sign, large enough to turn some rankings over).
void expect_paths_agree(const Scenario& s, int runs) {
  ASSERT_EQ(s.candidates.size(), 2u) << "the fused kernel is for two candidates";
  const Population pop = synthesise(s, 7);
  const Electorate electorate(s);
  const std::vector<bool> standing(2, true);
  for (int run = 0; run < runs; ++run) {
    const std::uint64_t key = run_key(7, std::uint64_t(run));
    RunPreferences prefs(s, key);
    ASSERT_LE(prefs.factions(), 8) << "more factions than the kernel is compiled for";
    Stream g(derive_key(key, name_hash("test")));
    prefs.add_national_shift({float(g.uniform() - 0.5), float(g.uniform() - 0.5)});
    std::vector<std::int8_t> endorsement(s.clps.size(), -1);
    for (auto& e : endorsement)
      if (g.uniform() < 1.0 / 3) e = std::int8_t(g.uniform() < 0.5 ? 0 : 1);
    Persuasion heard;
    for (std::uint32_t i = 0; i < std::uint32_t(pop.size()); ++i) {
      if (pop.section[i] != std::uint8_t(Section::member) || g.uniform() >= 0.03) continue;
      heard.person.push_back(i);
      for (int c = 0; c < 2; ++c) heard.delta.push_back(float(2 * g.uniform() - 1));
    }
    const BallotInputs in{s, pop, prefs, electorate, standing, endorsement, heard, key};
    BallotScratch scratch;
    BallotOutcome fused, general;
    cast_final_ballot(in, scratch, fused, BallotPath::fastest);
    cast_final_ballot(in, scratch, general, BallotPath::general);
    EXPECT_EQ(fused.eligible, general.eligible) << "run " << run;
    EXPECT_EQ(fused.voted, general.voted) << "run " << run;
    for (int sec = 0; sec < kSections; ++sec)
      EXPECT_EQ(fused.first[size_t(sec)], general.first[size_t(sec)])
          << "run " << run << ", section " << sec;
    EXPECT_EQ(fused.count.winner, general.count.winner) << "run " << run;
  }
}

TEST(Ballot, PairKernelCountsWhatTheGeneralPathCounts) {
  expect_paths_agree(toy(), 6);
  // Hostile registered supporters, vetting that rejects them more often, and members out of
  // good standing: each a branch of the kernel's lane.
  expect_paths_agree(toy({"waves.supporters.hostile=0.4", "registration.rejection=0.2",
                          "registration.hostile_odds_ratio=5"}),
                     4);
  // Delegates with a lean of their own, poll and cohort errors.
  expect_paths_agree(toy({"factions.moderate.delegate_lean=2", "campaign.poll_error.member=0.2",
                          "campaign.poll_error.registered=0.3", "campaign.cohort_error=0.1"}),
                     4);
}

TEST(Ballot, PairKernelCountsWhatTheGeneralPathCountsInLabour2016) {
  // Six factions, three sections, a freeze date: the national contest, two runs.
  expect_paths_agree(load_scenario(test::scenario_path("labour-2016.toml")), 2);
}

TEST(Ballot, PermutationIndicesRoundTrip) {
  int rankings = 1;  // m!
  for (int m = 1; m <= kMaxBallotCandidates; ++m) {
    rankings *= m;
    std::vector<bool> seen(size_t(rankings), false);
    for (int index = 0; index < rankings; ++index) {
      std::uint8_t order[kMaxCandidates];
      permutation_from_index(index, m, order);
      std::vector<std::uint8_t> sorted(order, order + m);
      std::sort(sorted.begin(), sorted.end());
      for (int l = 0; l < m; ++l) EXPECT_EQ(sorted[l], l) << "not a ranking of 0..m-1";
      EXPECT_EQ(permutation_index(order, m), index);
      seen[size_t(index)] = true;
    }
    EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](bool b) { return b; }));
  }
}

TEST(Ballot, VettingLowersHostileVotes) {
  // Hostile supporters vote for the least electable candidate ("left", 0.3 < 0.7).
  const std::vector<std::string> common = {"waves.supporters.hostile=0.4",
                                           "registration.rejection=0.2"};
  auto with = [&](const char* ratio) {
    auto o = common;
    o.push_back(ratio);
    return run_many(toy(o), 150);
  };
  auto left_registered = [](const RunResult& r) { return r.first_share[1][0]; };
  const auto blind = estimate(with("registration.hostile_odds_ratio=1"), left_registered);
  const auto strict = estimate(with("registration.hostile_odds_ratio=50"), left_registered);
  EXPECT_TRUE(clearly_above(blind, strict)) << blind.mean << " -> " << strict.mean;
}

TEST(Ballot, HostileVotersVoteForTheLeastElectable) {
  // Everyone hostile: every registered supporter's first preference is the least electable.
  for (const RunResult& r : run_many(toy({"waves.supporters.hostile=1"}), 5))
    EXPECT_DOUBLE_EQ(r.first_share[1][0], 1.0);
}

// The final ballot counts most voters in one pass that ignores meetings, then corrects it for
// those who heard speeches: what an attendee heard must decide their ballot.
TEST(Ballot, WhatAttendeesHeardDecidesTheirBallot) {
  const Scenario s = toy();
  const Population pop = synthesise(s, 1);
  const std::uint64_t key = run_key(1, 0);
  const RunPreferences prefs(s, key);
  const Electorate electorate(s);
  const std::vector<bool> standing(s.candidates.size(), true);
  const std::vector<std::int8_t> endorsement(s.clps.size(), -1);
  auto cast = [&](const Persuasion& heard) {
    BallotScratch scratch;
    BallotOutcome out;
    cast_final_ballot({s, pop, prefs, electorate, standing, endorsement, heard, key}, scratch, out);
    return out;
  };
  // Every member heard a speech worth far more than any preference, for candidate `c`.
  auto everyone_hears = [&](int c) {
    Persuasion heard;
    for (std::uint32_t i = 0; i < std::uint32_t(pop.size()); ++i) {
      if (pop.section[i] != std::uint8_t(Section::member)) continue;
      heard.person.push_back(i);
      for (size_t l = 0; l < s.candidates.size(); ++l) heard.delta.push_back(int(l) == c ? 100.0f : 0.0f);
    }
    return heard;
  };
  const int member = int(Section::member);
  const BallotOutcome none = cast(Persuasion{});
  ASSERT_GT(none.voted[member], 0);
  EXPECT_GT(none.first[member][0], 0);  // without speeches both candidates have member votes
  EXPECT_GT(none.first[member][1], 0);
  for (int c = 0; c < 2; ++c) {
    const BallotOutcome heard = cast(everyone_hears(c));
    EXPECT_EQ(heard.voted, none.voted);  // hearing speeches changes rankings, not turnout
    EXPECT_EQ(heard.first[member][size_t(c)], double(none.voted[member])) << "candidate " << c;
    // Other sections heard nothing: their first preferences are untouched.
    for (int sec = 0; sec < kSections; ++sec) {
      if (sec != member) {
        EXPECT_EQ(heard.first[size_t(sec)], none.first[size_t(sec)]);
      }
    }
  }
}

TEST(Ballot, TurnoutMatchesTheModelWithinSamplingError) {
  // Voted / eligible members against the mean of the per-person turnout probabilities.
  const Scenario s = toy();
  const Population pop = synthesise(s, 1);
  double expected = 0, n = 0;
  for (size_t i = 0; i < pop.size(); ++i)
    if (pop.section[i] == 0 && pop.joined[i] <= s.eligibility.member_ballot_freeze &&
        (pop.traits[i] & kGoodStanding)) {
      expected += pop.turnout[i];
      ++n;
    }
  expected /= n;
  const auto runs = run_many(s, 100);
  const auto turnout = estimate(runs, [](const RunResult& r) { return r.turnout(0); });
  EXPECT_NEAR(turnout.mean, expected, 4 * std::sqrt(expected * (1 - expected) / (n * 100)));
}

TEST(Ballot, AlternativeVoteTransfersWithThreeCandidates) {
  // A centrist third candidate with few first preferences: it is eliminated and its votes
  // transfer, so the count needs more than one round.
  const auto s = toy({"candidates.centre={ name = \"Centre Candidate\", position = [0.1, 0.0], "
                      "valence = -0.3 }",
                      "mps.support={ left = 0.3, right = 0.4, centre = 0.3 }"});
  int multi = 0;
  for (const RunResult& r : run_many(s, 20)) {
    if (r.rounds > 1) {
      ++multi;
      EXPECT_EQ(r.eliminated_round[2], 0);
      EXPECT_DOUBLE_EQ(r.share[2], 0.0);
    }
  }
  EXPECT_GT(multi, 0);
}

}  // namespace
}  // namespace leadsim
