// Tests of the nomination meeting: invitations, attendance, the chair and speakers, persuasion,
// the vote. Directional tests change one parameter and check the outcome moves beyond 4 SE.
#include "leadsim/meeting.hpp"

#include <gtest/gtest.h>

#include <tuple>

#include "leadsim/nominations.hpp"
#include "support.hpp"

namespace leadsim {
namespace {

using test::clearly_above;
using test::estimate;
using test::run_many;
using test::toy;

// Tells the story of CLP `clp` in `runs` runs; returns the stories of meetings that were held.
std::vector<MeetingStory> stories(const Scenario& s, int clp, int runs, std::uint64_t seed = 3) {
  const Population pop = synthesise(s, seed);
  ContestWorkspace ws;
  RunResult r;
  std::vector<MeetingStory> out;
  for (int run = 0; run < runs; ++run) {
    MeetingStory story;
    run_contest(s, pop, seed, std::uint64_t(run), ws, r, &story, clp);
    if (story.result.met) out.push_back(story);
  }
  return out;
}

TEST(Meeting, StoryMatchesTheRunsOwnResult) {
  // Narrating a meeting must not change it: the story's result is the run's result for the CLP.
  const Scenario s = toy();
  const Population pop = synthesise(s, 5);
  ContestWorkspace ws;
  for (int run = 0; run < 20; ++run) {
    RunResult plain, told;
    MeetingStory story;
    run_contest(s, pop, 5, std::uint64_t(run), ws, plain);
    run_contest(s, pop, 5, std::uint64_t(run), ws, told, &story, 4);
    EXPECT_EQ(plain.clp_nominee, told.clp_nominee);
    EXPECT_EQ(plain.clp_attendance, told.clp_attendance);
    EXPECT_EQ(plain.share, told.share);
    EXPECT_EQ(story.result.attended, plain.clp_attendance[4]);
    EXPECT_EQ(story.result.nominee, plain.clp_nominee[4]);
  }
}

TEST(Meeting, StoryMatchesTheRunsOwnResultInEveryClp) {
  // The story takes the general block path, a plain run the fused kernel (or, for a General
  // Committee, the delegates alone; with more candidates than the kernel takes, the vectorised
  // block loops): every meeting's attendance and votes must agree, with two candidates, three,
  // five, an organised wave, and General Committees.
  const std::vector<std::vector<std::string>> variants = {
      {"meetings.meet=1"},
      {"meetings.meet=1", "candidates.centre={ position = [0.0, 0.0] }",
       "mps.support={ left = 0.3, right = 0.4, centre = 0.3 }"},
      {"meetings.meet=1", "meetings.general_committee=0", "waves.old.organised=true",
       "meetings.organised_turnout=3"},
      {"meetings.meet=1", "meetings.general_committee=1"},
      // Delegates who lean, blocs, poll and cohort errors, officers' tactics and requisition.
      {"meetings.meet=0.7", "meetings.general_committee=0.3", "factions.moderate.delegate_lean=1.5",
       "factions.radical.bloc_sd=0.7", "waves.old.organised=true", "waves.old.bloc_sd=0.5",
       "campaign.poll_error.member=0.2", "campaign.cohort_error=0.1",
       "meetings.officer_tactics=0.8", "meetings.requisition=0.9"},
      {"meetings.meet=1", "meetings.general_committee=1", "factions.radical.delegate_lean=1"},
      {"meetings.meet=1", "meetings.general_committee=0", "candidates.c3={ name = \"C3\", position = [0.1, 0.0] }",
       "candidates.c4={ name = \"C4\", position = [-0.2, 0.1] }",
       "candidates.c5={ name = \"C5\", position = [0.3, -0.1] }",
       "mps.support={ left = 0.3, right = 0.3, c3 = 0.1, c4 = 0.1, c5 = 0.1, none = 0.1 }"}};
  for (const auto& v : variants) {
    const Scenario s = toy(v);
    const Population pop = synthesise(s, 6);
    ContestWorkspace ws;
    for (int run = 0; run < 3; ++run) {
      RunResult plain;
      run_contest(s, pop, 6, std::uint64_t(run), ws, plain);
      for (int clp = 0; clp < int(s.clps.size()); ++clp) {
        RunResult told;
        MeetingStory story;
        run_contest(s, pop, 6, std::uint64_t(run), ws, told, &story, clp);
        ASSERT_EQ(story.result.attended, plain.clp_attendance[size_t(clp)]) << clp;
        ASSERT_EQ(story.result.eligible, plain.clp_eligible[size_t(clp)]) << clp;
        ASSERT_EQ(story.result.nominee, plain.clp_nominee[size_t(clp)]) << clp;
        for (size_t c = 0; c < s.candidates.size(); ++c)
          ASSERT_EQ(story.result.votes[c], plain.clp_votes[size_t(clp) * s.candidates.size() + c]);
      }
    }
  }
}

TEST(Meeting, InvitationBookkeepingAddsUp) {
  for (const MeetingStory& st : stories(toy(), 2, 30)) {
    const MeetingResult& r = st.result;
    EXPECT_EQ(r.eligible, st.not_contactable + st.invitation_lost + r.invited);
    EXPECT_EQ(st.members, st.past_freeze + st.not_in_good_standing + st.not_delegates + r.eligible);
    EXPECT_LE(r.attended, r.invited);
    int attended = 0, invited = 0;
    for (size_t w = 0; w < st.attended_by.size(); ++w)
      for (size_t f = 0; f < st.attended_by[w].size(); ++f) {
        attended += st.attended_by[w][f];
        invited += st.invited_by[w][f];
      }
    EXPECT_EQ(attended, r.attended);
    EXPECT_EQ(invited, r.invited);
    if (r.quorate) {
      int votes = 0;
      for (int v : r.votes) votes += v;
      EXPECT_EQ(votes, r.attended);  // everyone present votes in the first round
    }
  }
}

TEST(Meeting, MembersWhoJoinedAfterTheFreezeNeitherAttendNorCount) {
  // Toy: "new" members joined 2020-01-01..06-30, the meeting freeze is 2020-01-31.
  const Scenario s = toy();
  for (const MeetingStory& st : stories(s, 1, 20)) {
    EXPECT_GT(st.past_freeze, 0);
    const size_t new_wave = 1;
    int late = 0;
    for (int x : st.attended_by[new_wave]) late += x;
    // Only the January joiners of the new wave are eligible: far fewer than the wave.
    EXPECT_LT(late, st.past_freeze);
  }
}

TEST(Meeting, LostInvitationsLowerAttendance) {
  const auto base = run_many(toy({"meetings.meet=1"}), 200);
  const auto lossy = run_many(toy({"meetings.meet=1", "meetings.lost_invitation=0.5"}), 200);
  auto rate = [](const RunResult& r) { return double(r.meeting_attendance) / double(r.meeting_eligible); };
  const auto a = estimate(base, rate), b = estimate(lossy, rate);
  EXPECT_TRUE(clearly_above(a, b)) << a.mean << " vs " << b.mean;
  // Half the invitations lost: about half the attendance.
  EXPECT_NEAR(b.mean / a.mean, 0.5, 0.05);
}

TEST(Meeting, MobilisationRaisesAFactionsShareOfTheRoom) {
  auto radical_votes = [](const RunResult& r) {
    return double(r.meeting_votes[0]) / double(r.meeting_votes[0] + r.meeting_votes[1]);
  };
  const auto base = estimate(run_many(toy({"factions.radical.mobilisation=1"}), 200), radical_votes);
  const auto mobilised = estimate(run_many(toy({"factions.radical.mobilisation=3"}), 200), radical_votes);
  EXPECT_TRUE(clearly_above(mobilised, base)) << base.mean << " -> " << mobilised.mean;
}

TEST(Meeting, BalancedChairGivesEqualSpeakersAndBiasedChairFavoursItsSide) {
  for (const MeetingStory& st : stories(toy({"meetings.chair_bias=0", "meetings.speakers=6"}), 5, 30)) {
    if (st.speeches.empty()) continue;
    int chair_side = 0;
    for (const auto& sp : st.speeches) chair_side += sp.candidate == st.chair_candidate;
    EXPECT_EQ(2 * chair_side, int(st.speeches.size()));  // both sides had supporters present
  }
  for (const MeetingStory& st : stories(toy({"meetings.chair_bias=1", "meetings.speakers=6"}), 5, 30))
    for (const auto& sp : st.speeches) EXPECT_EQ(sp.candidate, st.chair_candidate);
}

TEST(Meeting, BiasedChairHelpsItsSideWin) {
  // How often the meeting nominates the chair's candidate, with equal speakers and with every
  // speech for the chair's side; persuasive speeches make the allotment matter.
  auto chair_wins = [](const char* bias) {
    const Scenario s = toy({"meetings.meet=1", "meetings.speech_strength=1.0",
                            "meetings.susceptibility=0.8", "meetings.undecided_scale=2", bias});
    double wins = 0, n = 0;
    for (int clp = 0; clp < 20; ++clp)
      for (const MeetingStory& st : stories(s, clp, 15)) {
        if (st.result.nominee < 0) continue;
        wins += st.result.nominee == st.chair_candidate;
        ++n;
      }
    const double p = wins / n;
    return test::Estimate{p, std::sqrt(p * (1 - p) / n)};
  };
  const auto balanced = chair_wins("meetings.chair_bias=0");
  const auto biased = chair_wins("meetings.chair_bias=1");
  EXPECT_TRUE(clearly_above(biased, balanced)) << balanced.mean << " -> " << biased.mean;
}

TEST(Meeting, NoSusceptibilityMeansNobodyIsPersuaded) {
  for (const MeetingStory& st : stories(toy({"meetings.susceptibility=0"}), 6, 20)) {
    EXPECT_EQ(st.changed_mind, 0);
    for (const auto& sp : st.speeches) EXPECT_EQ(sp.persuaded, 0);
  }
  int persuaded = 0;
  for (const MeetingStory& st : stories(toy({"meetings.susceptibility=1", "meetings.undecided_scale=5"}), 6, 20))
    for (const auto& sp : st.speeches) persuaded += sp.persuaded;
  EXPECT_GT(persuaded, 0);
}

TEST(Meeting, BoundedConfidenceMovesOnlyListenersWithinTheBound) {
  const std::vector<std::string> bc = {"meetings.persuasion=\"bounded_confidence\""};
  int moved_none = 0, moved_wide = 0;
  auto o = bc;
  o.push_back("meetings.confidence_bound=0");
  for (const MeetingStory& st : stories(toy(o), 6, 20))
    for (const auto& sp : st.speeches) moved_none += sp.persuaded;
  o = bc;
  o.push_back("meetings.confidence_bound=10");
  for (const MeetingStory& st : stories(toy(o), 6, 20))
    for (const auto& sp : st.speeches) moved_wide += sp.persuaded;
  EXPECT_EQ(moved_none, 0);
  EXPECT_GT(moved_wide, 0);
}

TEST(Meeting, PairwiseDiscussionMovesTheRoomMoreThanSpeechesAlone) {
  // Deffuant-Weisbuch conversations after the speeches: with them, more attendees change their
  // first choice (summed over meetings, beyond 4 SE of the difference); with a bound of 0 nobody
  // is ever close enough to move.
  const std::vector<std::string> bc = {"meetings.meet=1", "meetings.general_committee=0",
                                       "meetings.persuasion=\"bounded_confidence\"",
                                       "meetings.confidence_bound=1.2", "meetings.convergence=0.5"};
  auto changed = [&](const std::vector<std::string>& extra) {
    auto o = bc;
    o.insert(o.end(), extra.begin(), extra.end());
    std::vector<double> per_meeting;
    int moves = 0;
    for (const auto& st : stories(toy(o), 2, 200)) {
      per_meeting.push_back(st.changed_mind);
      moves += st.discussion_moves;
    }
    double mean = 0, var = 0;
    for (double x : per_meeting) mean += x / double(per_meeting.size());
    for (double x : per_meeting) var += (x - mean) * (x - mean) / double(per_meeting.size() - 1);
    return std::tuple(test::Estimate{mean, std::sqrt(var / double(per_meeting.size()))}, moves);
  };
  const auto [speeches, no_moves] = changed({"meetings.discussion=0"});
  const auto [talk, talk_moves] = changed({"meetings.discussion=10"});
  EXPECT_EQ(no_moves, 0);
  EXPECT_GT(talk_moves, 0);
  EXPECT_TRUE(clearly_above(talk, speeches)) << speeches.mean << " +- " << speeches.se << " -> " << talk.mean << " +- " << talk.se;
  const auto [none, none_moves] = changed({"meetings.discussion=3", "meetings.confidence_bound=0"});
  EXPECT_EQ(none.mean, 0);
  EXPECT_EQ(none_moves, 0);
}

TEST(Meeting, QuorumAboveAttendanceMeansNoNomination) {
  for (const auto& r : run_many(toy({"meetings.quorum=100000"}), 20)) {
    EXPECT_EQ(r.nominations[0] + r.nominations[1], 0);
    EXPECT_EQ(r.meetings_quorate, 0);
  }
}

TEST(Meeting, GeneralCommitteeIsOnlyDelegates) {
  const auto runs = run_many(toy({"meetings.general_committee=1", "meetings.gc_size=12"}), 20);
  for (const auto& r : runs) {
    EXPECT_EQ(r.meetings_general_committee, r.meetings_held);
    for (size_t c = 0; c < r.clp_attendance.size(); ++c) EXPECT_LE(r.clp_attendance[c], 12);
  }
}

TEST(Meeting, DelegatesFavourTheCandidateOlderMembersPrefer) {
  // Toy: old members are 70% moderate (right), new ones 80% radical (left). Delegates were
  // elected before the new members joined, so a GC leans right compared with an all-member
  // meeting of everyone past the freeze.
  const std::vector<std::string> common = {"meetings.meet=1", "meetings.gc_elected_by=2019-12-31",
                                           "eligibility.member_meeting_freeze=2020-06-30"};
  auto with = [&](const char* format) {
    auto o = common;
    o.push_back(format);
    return run_many(toy(o), 150);
  };
  auto right_share = [](const RunResult& r) {
    return double(r.meeting_votes[1]) / double(r.meeting_votes[0] + r.meeting_votes[1]);
  };
  const auto members = estimate(with("meetings.general_committee=0"), right_share);
  const auto delegates = estimate(with("meetings.general_committee=1"), right_share);
  EXPECT_TRUE(clearly_above(delegates, members)) << members.mean << " -> " << delegates.mean;
}

TEST(Meeting, ThreeCandidatesUseAnEliminatingBallot) {
  // A third, centrist candidate: some meetings need a second round.
  const auto s = toy({"candidates.centre={ name = \"Centre Candidate\", position = [0.0, 0.0] }",
                      "mps.support={ left = 0.3, right = 0.4, centre = 0.3 }",
                      "meetings.meet=1", "meetings.quorum=1"});
  int multi_round = 0, held = 0;
  for (int clp = 0; clp < 20; ++clp)
    for (const MeetingStory& st : stories(s, clp, 4)) {
      ++held;
      if (st.rounds.size() > 1) {
        ++multi_round;
        ASSERT_GE(st.eliminated.front(), 0);
        // The eliminated candidate gets no votes in later rounds.
        EXPECT_EQ(st.rounds.back()[size_t(st.eliminated.front())], 0);
      }
      if (st.result.nominee >= 0) {
        const auto& last = st.rounds.back();
        int cast = 0;
        for (int v : last) cast += v;
        // The winner has a majority of the last round, or won the last two-way round.
        EXPECT_TRUE(2 * last[size_t(st.result.nominee)] > cast || st.rounds.size() >= 2 ||
                    st.decided_by_tie_break);
      }
    }
  EXPECT_GT(held, 0);
  EXPECT_GT(multi_round, 0);
}

TEST(Meeting, TiesGoToTheChairsCandidate) {
  // Two attendees' worth of quorum and tiny CLPs make exact ties common; with the chair's
  // casting vote every tie goes to the chair's candidate.
  const auto s = toy({"meetings.tie_break=\"chair\"", "meetings.quorum=1", "meetings.meet=1",
                      "meetings.attendance=0.003"});
  int ties = 0;
  for (int clp = 0; clp < 20; ++clp)
    for (const MeetingStory& st : stories(s, clp, 10)) {
      if (!st.decided_by_tie_break) continue;
      ++ties;
      EXPECT_EQ(st.result.nominee, st.chair_candidate);
    }
  EXPECT_GT(ties, 0);
}

}  // namespace
}  // namespace leadsim
