// Tests of a meeting's stage 1 and of who fills the room (officers.hpp, meeting.hpp): the
// officers' tactics, requisition by organised members, delegates' own lean, bloc turnout.
// Directional tests change one parameter and check the outcome moves beyond 4 SE.
#include "leadsim/officers.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "leadsim/meeting.hpp"
#include "leadsim/report.hpp"
#include "support.hpp"

namespace leadsim {
namespace {

using test::clearly_above;
using test::estimate;
using test::run_many;
using test::toy;

// Toy: old members are 70% moderate (right), new ones 80% radical (left); delegates are elected
// from the old members, so a General Committee leans right of an all-member meeting.
const std::vector<std::string> kEveryoneMeets = {"meetings.meet=1",
                                                 "meetings.gc_elected_by=2019-12-31",
                                                 "eligibility.member_meeting_freeze=2020-06-30"};

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

double right_share(const RunResult& r) {
  return double(r.meeting_votes[1]) / double(r.meeting_votes[0] + r.meeting_votes[1]);
}

TEST(Delegates, AGeneralCommitteeLeansAsItsDelegatesDo) {
  const auto gc = with(kEveryoneMeets, {"meetings.general_committee=1"});
  const auto plain = estimate(run_many(toy(gc), 150), right_share);
  const auto leaning =
      estimate(run_many(toy(with(gc, {"factions.moderate.delegate_lean=1.5"})), 150), right_share);
  EXPECT_TRUE(clearly_above(leaning, plain)) << plain.mean << " -> " << leaning.mean;
  // And the other way.
  const auto left =
      estimate(run_many(toy(with(gc, {"factions.radical.delegate_lean=1.5"})), 150), right_share);
  EXPECT_TRUE(clearly_above(plain, left)) << left.mean << " <- " << plain.mean;
}

TEST(Delegates, TheirLeanBarelyMovesAnAllMemberMeeting) {
  // Delegates are 40 of several hundred members: their lean moves an all-member room by little,
  // which is what lets a GC and the members of one CLP disagree.
  const auto members = with(kEveryoneMeets, {"meetings.general_committee=0", "meetings.gc_size=12"});
  const auto plain = estimate(run_many(toy(members), 150), right_share);
  const auto leaning =
      estimate(run_many(toy(with(members, {"factions.moderate.delegate_lean=1.5"})), 150), right_share);
  EXPECT_LT(std::abs(leaning.mean - plain.mean), 0.02) << plain.mean << " vs " << leaning.mean;
}

TEST(Delegates, TheGeneralCommitteeAndTheMembersOfOneClpCanDisagree) {
  // The seed's contrast (a GC against the leader, the same CLP's members for him): with
  // delegates leaning right, the officers' reading of the GC and of the members' room differ in
  // most CLPs.
  const Scenario s = toy(with(kEveryoneMeets, {"factions.moderate.delegate_lean=1.5"}));
  const Population pop = synthesise(s, 3);
  const std::vector<bool> standing(s.candidates.size(), true);
  int disagree = 0;
  for (int run = 0; run < 20; ++run) {
    const RunPreferences prefs(s, run_key(3, std::uint64_t(run)));
    const ClpReading reading{s, pop, prefs, standing, s.eligibility.member_meeting_freeze};
    for (int c = 0; c < int(s.clps.size()); ++c) {
      const RoomExpectation members = expected_members_room(reading, c);
      const RoomExpectation gc = expected_general_committee(reading, c);
      ASSERT_GE(members.leader, 0);
      ASSERT_GE(gc.leader, 0);
      disagree += members.leader == 0 && gc.leader == 1;
    }
  }
  EXPECT_GT(disagree, 20 * int(s.clps.size()) / 2);
}

TEST(Officers, TacticalOfficersHoldAGeneralCommitteeWhereMembersWouldOutvoteThem) {
  const auto base = with(kEveryoneMeets, {"meetings.general_committee=0.2",
                                          "factions.moderate.delegate_lean=1.5"});
  const auto honest = run_many(toy(base), 150);
  const auto tactical = run_many(toy(with(base, {"meetings.officer_tactics=1"})), 150);
  auto gc_share = [](const RunResult& r) {
    return double(r.meetings_general_committee) / double(r.meetings_held);
  };
  auto right_noms = [](const RunResult& r) { return double(r.nominations[1]); };
  const auto g0 = estimate(honest, gc_share), g1 = estimate(tactical, gc_share);
  EXPECT_NEAR(g0.mean, 0.2, 4 * g0.se + 0.01);
  EXPECT_TRUE(clearly_above(g1, g0)) << g0.mean << " -> " << g1.mean;
  const auto n0 = estimate(honest, right_noms), n1 = estimate(tactical, right_noms);
  EXPECT_TRUE(clearly_above(n1, n0)) << n0.mean << " -> " << n1.mean;
}

TEST(Officers, WithoutAGeneralCommitteeTacticalOfficersDoNotMeet) {
  const auto base = with(kEveryoneMeets, {"meetings.general_committee=0",
                                          "factions.moderate.delegate_lean=1.5"});
  const auto honest = run_many(toy(base), 60);
  const auto tactical = run_many(toy(with(base, {"meetings.officer_tactics=1"})), 60);
  auto held = [](const RunResult& r) { return double(r.meetings_held); };
  const auto h0 = estimate(honest, held), h1 = estimate(tactical, held);
  EXPECT_EQ(h0.mean, 20);  // meet = 1
  EXPECT_TRUE(clearly_above(h0, h1)) << h0.mean << " -> " << h1.mean;
  for (const auto& r : tactical) EXPECT_EQ(r.meetings_general_committee, 0);
}

TEST(Officers, OrganisedMembersRequisitionAMeeting) {
  // The new members (a third of the members past the freeze here) organised: at a requisition
  // threshold below their share every CLP meets although no CLP would of its own accord.
  const auto base = with(kEveryoneMeets, {"meetings.meet=0", "waves.new.organised=true"});
  for (const auto& r : run_many(toy(base), 10)) EXPECT_EQ(r.meetings_held, 0);
  for (const auto& r : run_many(toy(with(base, {"meetings.requisition=0.1"})), 10)) {
    EXPECT_EQ(r.meetings_held, 20);
    EXPECT_EQ(r.meetings_general_committee, 0);  // a requisitioned meeting is of all members
  }
  // Above their share of any CLP: none.
  for (const auto& r : run_many(toy(with(base, {"meetings.requisition=0.95"})), 10))
    EXPECT_EQ(r.meetings_held, 0);
}

TEST(Officers, NothingNewHappensWhenTheRulesAskForNothingNew) {
  // Defaults: no tactics, no requisition, no delegate lean, no blocs: the decision is the habit
  // alone, and the story says so.
  const Scenario s = toy({"meetings.meet=1"});
  const Population pop = synthesise(s, 3);
  ContestWorkspace ws;
  RunResult r;
  for (int run = 0; run < 5; ++run) {
    MeetingStory story;
    run_contest(s, pop, 3, std::uint64_t(run), ws, r, &story, 0);
    EXPECT_TRUE(story.convening.met);
    EXPECT_FALSE(story.convening.requisitioned);
    EXPECT_FALSE(story.convening.tactical);
    for (float b : story.faction_bloc) EXPECT_EQ(b, 1.0f);
  }
}

TEST(Officers, TheStorySaysWhyTheMeetingWasHeldAndInWhichFormat) {
  const Scenario s = toy(with(kEveryoneMeets, {"meetings.general_committee=0.2",
                                               "factions.moderate.delegate_lean=1.5",
                                               "meetings.officer_tactics=1"}));
  const Population pop = synthesise(s, 3);
  ContestWorkspace ws;
  RunResult r;
  int tactical = 0;
  for (int run = 0; run < 10; ++run) {
    MeetingStory story;
    run_contest(s, pop, 3, std::uint64_t(run), ws, r, &story, 0);
    const std::string text = format_meeting_story(s, 0, 3, std::uint64_t(run), story);
    EXPECT_NE(text.find("The officers expected the members to back"), std::string::npos) << text;
    if (story.convening.tactical) {
      ++tactical;
      EXPECT_NE(text.find("they called a General Committee"), std::string::npos) << text;
      EXPECT_EQ(story.result.format, MeetingFormat::general_committee);
    }
  }
  EXPECT_GT(tactical, 0);
}

TEST(Targets, AnOrganisedWaveTargetsTheClpsItCanTipAndWinsMoreThere) {
  // The toy's new members, organised, all placed on 4 CLPs: chosen where the left is expected to
  // lose by the fewest votes, they win more CLPs for the left than 4 chosen at random.
  const auto base = with(kEveryoneMeets, {"meetings.general_committee=0", "waves.new.organised=true",
                                          "waves.new.size=400", "waves.new.target_count=4",
                                          "waves.new.target_share=1"});
  const Scenario tip = toy(with(base, {"waves.new.target=\"tippable\""}));
  const std::vector<int> targets = wave_targets(tip, tip.waves[1], 1);
  ASSERT_EQ(targets.size(), 4u);
  auto left = [](const RunResult& r) { return double(r.nominations[0]); };
  const auto tipped = estimate(run_many(tip, 400), left);
  const auto random = estimate(run_many(toy(with(base, {"waves.new.target=\"random\""})), 400), left);
  EXPECT_TRUE(clearly_above(tipped, random)) << random.mean << " -> " << tipped.mean;
}

// Per-CLP attendance over runs: the mean and the variance of each CLP's count, averaged.
struct Spread {
  double mean = 0, variance = 0;
};
Spread clp_attendance_spread(const std::vector<RunResult>& runs) {
  const size_t clps = runs[0].clp_attendance.size();
  Spread out;
  for (size_t c = 0; c < clps; ++c) {
    double sum = 0, sumsq = 0;
    for (const auto& r : runs) {
      sum += r.clp_attendance[c];
      sumsq += double(r.clp_attendance[c]) * r.clp_attendance[c];
    }
    const double n = double(runs.size()), m = sum / n;
    out.mean += m / double(clps);
    out.variance += (sumsq - n * m * m) / (n - 1) / double(clps);
  }
  return out;
}

TEST(Blocs, AFactionThatTurnsOutAsABlocMakesRoomsVaryMoreNotGrow) {
  const auto base = with(kEveryoneMeets, {"meetings.general_committee=0"});
  const auto alone = run_many(toy(base), 300);
  const auto bloc = run_many(toy(with(base, {"factions.radical.bloc_sd=1"})), 300);
  const Spread a = clp_attendance_spread(alone), b = clp_attendance_spread(bloc);
  // The bloc's draw has mean 1: rooms are as big on average (within 5%, several SE of the mean
  // over 300 runs and 20 CLPs), and their variance across runs several times larger.
  EXPECT_NEAR(b.mean / a.mean, 1.0, 0.05) << a.mean << " vs " << b.mean;
  EXPECT_GT(b.variance, 3 * a.variance) << a.variance << " vs " << b.variance;
}

TEST(Blocs, AnOrganisedWavesBlocDrawIsSharedByItsPeopleInAClp) {
  // Within a CLP the organised wave's people turn out together: their attendance across runs is
  // overdispersed, as a binomial count of independent people is not.
  const auto base = with(kEveryoneMeets, {"meetings.general_committee=0", "waves.new.organised=true"});
  const Spread a = clp_attendance_spread(run_many(toy(base), 300));
  const Spread b = clp_attendance_spread(run_many(toy(with(base, {"waves.new.bloc_sd=0.8"})), 300));
  // Organised people attend with probabilities near the cap at 1, which takes a little off the
  // largest draws: the mean falls by a few percent, no more.
  EXPECT_NEAR(b.mean / a.mean, 1.0, 0.1) << a.mean << " vs " << b.mean;
  EXPECT_GT(b.variance, 2 * a.variance) << a.variance << " vs " << b.variance;
}

}  // namespace
}  // namespace leadsim
