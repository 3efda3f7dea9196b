// Tests of the whole pipeline of one run (contest.hpp): each mechanism moves the results the
// right way, beyond 4 standard errors.
#include "leadsim/contest.hpp"

#include <gtest/gtest.h>

#include "leadsim/ballot.hpp"
#include "support.hpp"

namespace leadsim {
namespace {

using test::clearly_above;
using test::Estimate;
using test::estimate;
using test::run_many;
using test::toy;

TEST(Contest, ResultIsWellFormed) {
  const Scenario s = toy();
  for (const RunResult& r : run_many(s, 30)) {
    ASSERT_EQ(r.share.size(), 2u);
    EXPECT_NEAR(r.share[0] + r.share[1], 1.0, 1e-9);
    EXPECT_EQ(r.winner, r.share[0] > r.share[1] ? 0 : 1);
    for (int sec = 0; sec < kSections; ++sec) {
      EXPECT_LE(r.ballot_voted[size_t(sec)], r.ballot_eligible[size_t(sec)]);
      if (r.ballot_voted[size_t(sec)] == 0) continue;  // toy has no MP section
      EXPECT_NEAR(r.first_share[size_t(sec)][0] + r.first_share[size_t(sec)][1], 1.0, 1e-9);
    }
    int noms = 0, met = 0;
    for (size_t c = 0; c < r.clp_nominee.size(); ++c) {
      noms += r.clp_nominee[c] >= 0;
      met += r.clp_met[c];
    }
    EXPECT_EQ(noms, r.nominations[0] + r.nominations[1]);
    EXPECT_EQ(met, r.meetings_held);
    // Per-CLP meeting votes add up to the national meeting votes; only meetings held have any.
    std::int64_t votes[2] = {0, 0};
    for (size_t c = 0; c < r.clp_met.size(); ++c)
      for (size_t j = 0; j < 2; ++j) {
        votes[j] += r.clp_votes[c * 2 + j];
        if (!r.clp_met[c]) {
          EXPECT_EQ(r.clp_votes[c * 2 + j], 0);
        }
      }
    EXPECT_EQ(votes[0], r.meeting_votes[0]);
    EXPECT_EQ(votes[1], r.meeting_votes[1]);
  }
}

TEST(Contest, SameSeedAndRunGiveTheSameResult) {
  const Scenario s = toy();
  const Population pop = synthesise(s, 9);
  ContestWorkspace a, b;
  RunResult x, y;
  run_contest(s, pop, 9, 17, a, x);
  run_contest(s, pop, 9, 16, b, y);  // a different run in between must not matter
  run_contest(s, pop, 9, 17, b, y);
  EXPECT_EQ(x.share, y.share);
  EXPECT_EQ(x.clp_nominee, y.clp_nominee);
  EXPECT_EQ(x.ballot_voted, y.ballot_voted);
}

TEST(Contest, OverturningTheFreezeRaisesTheNewMembersCandidate) {
  // Toy: members who joined after the freeze are 80% radical, so their candidate ("left")
  // gains when they may vote.
  auto left = [](const RunResult& r) { return r.share[0]; };
  const auto upheld = estimate(run_many(toy({"eligibility.freeze_ruling=\"upheld\""}), 150), left);
  const auto overturned = estimate(run_many(toy({"eligibility.freeze_ruling=\"overturned\""}), 150), left);
  EXPECT_TRUE(clearly_above(overturned, upheld)) << upheld.mean << " -> " << overturned.mean;
}

TEST(Contest, MembersElectorateGrowsWhenTheFreezeIsOverturned) {
  const auto upheld = run_many(toy(), 5);
  const auto overturned = run_many(toy({"eligibility.freeze_ruling=\"overturned\""}), 5);
  // About 8,000 new members of which those who joined by 31 January were already eligible.
  EXPECT_GT(overturned[0].ballot_eligible[0], upheld[0].ballot_eligible[0] + 5000);
}

TEST(Contest, TargetedWaveWinsItsTargetClp) {
  const std::vector<std::string> wave = {
      "waves.organised={ size = 300, joined_from = 2019-06-01, joined_to = 2019-06-30, "
      "factions = { radical = 1.0 }, organised = true, activism = 4, target = \"named\", "
      "target_clps = [\"CLP 7\"] }",
      "meetings.meet=1"};
  const Scenario with_wave = toy(wave);
  const int target = with_wave.clp_index("CLP 7");
  auto left_in_target = [&](const RunResult& r) { return double(r.clp_nominee[size_t(target)] == 0); };
  const auto base = estimate(run_many(toy({"meetings.meet=1"}), 150), left_in_target);
  const auto packed = estimate(run_many(with_wave, 150), left_in_target);
  EXPECT_TRUE(clearly_above(packed, base)) << base.mean << " -> " << packed.mean;
  EXPECT_GT(packed.mean, 0.9);
}

TEST(Contest, MomentumHelpsTheCandidateWhoWinsNominations) {
  // In toy, "right" wins most CLP nominations; momentum carries that into the ballot. Toy's
  // factions are far apart, so it takes a strong effect to move many voters.
  auto right = [](const RunResult& r) { return r.share[1]; };
  const auto none = estimate(run_many(toy({"campaign.momentum=0"}), 150), right);
  const auto strong = estimate(run_many(toy({"campaign.momentum=5"}), 150), right);
  EXPECT_TRUE(clearly_above(strong, none)) << none.mean << " -> " << strong.mean;
}

TEST(Contest, NobodyOnTheBallotIsAnOutcomeNotACrash) {
  const auto s = toy({"mps.support={ none = 1.0 }", "rules.mp_nominations.incumbent_exempt=false"});
  for (const RunResult& r : run_many(s, 5)) {
    EXPECT_EQ(r.winner, -1);
    EXPECT_EQ(r.rounds, 0);
  }
}

TEST(Contest, PollErrorWidensTheSpreadOfTheResult) {
  // The same scenario with and without the polls' error by section: the left's share varies
  // more from run to run (variance ratio far beyond the F-test's 1.5 at 300 runs each).
  auto share_variance = [](const std::vector<RunResult>& runs) {
    const Estimate e = estimate(runs, [](const RunResult& r) { return r.share[0]; });
    return e.se * e.se * double(runs.size());
  };
  const double plain = share_variance(run_many(toy(), 300));
  const double erring = share_variance(run_many(
      toy({"campaign.poll_error.member=0.2", "campaign.poll_error.registered=0.2",
           "campaign.poll_error.affiliated=0.2", "campaign.cohort_error=0.1"}),
      300));
  EXPECT_GT(erring, 3 * plain) << plain << " vs " << erring;
}

TEST(Contest, ElectabilityWinsSincereVotes) {
  // The right candidate is the more electable (0.7 against 0.3): weighting electability moves
  // sincere voters to them (the toy's factions are far apart, so it takes a large weight).
  auto right = [](const RunResult& r) { return r.share[1]; };
  const auto plain = estimate(run_many(toy(), 100), right);
  const auto weighted = estimate(run_many(toy({"campaign.electability_weight=2"}), 100), right);
  EXPECT_TRUE(clearly_above(weighted, plain)) << plain.mean << " -> " << weighted.mean;
}

}  // namespace
}  // namespace leadsim
