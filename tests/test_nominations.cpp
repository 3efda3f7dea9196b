// Tests of nominations (nominations.hpp): the MPs' nominations (the incumbent's exemption, the
// local MP's endorsement moving their own CLP), affiliates' consultations, and the supporting-
// nominations threshold (the CLP route and the affiliate route).
#include "leadsim/nominations.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "leadsim/contest.hpp"
#include "support.hpp"

namespace leadsim {
namespace {

using test::clearly_above;
using test::estimate;
using test::run_many;
using test::toy;

// ---------------------------------------------------------------------------------------------
// MPs' nominations.

TEST(Nominations, IncumbentExemptionKeepsTheIncumbentOnTheBallot) {
  // Few MPs back the incumbent ("left"): without the exemption the challenger stands alone and
  // is elected unopposed.
  const std::vector<std::string> weak = {"mps.support={ left = 0.0, right = 0.95, none = 0.05 }"};
  auto o = weak;
  o.push_back("rules.mp_nominations.incumbent_exempt=false");
  for (const RunResult& r : run_many(toy(o), 20)) {
    EXPECT_FALSE(r.on_ballot[0]);
    EXPECT_EQ(r.winner, 1);
    EXPECT_DOUBLE_EQ(r.share[1], 1.0);
    EXPECT_EQ(r.nominations[0], 0);  // meetings cannot nominate someone off the ballot
  }
  o = weak;
  o.push_back("rules.mp_nominations.incumbent_exempt=true");
  for (const RunResult& r : run_many(toy(o), 20)) EXPECT_TRUE(r.on_ballot[0]);
}

TEST(Nominations, LocalMpEndorsementMovesTheMpsOwnClp) {
  // Over all runs and CLPs with an endorsing MP: how often the meeting nominates the MP's pick.
  auto agreement = [](const Scenario& s) {
    const Population pop = synthesise(s, 2);
    ContestWorkspace ws;
    RunResult r;
    double agree = 0, total = 0;
    for (std::uint64_t run = 0; run < 150; ++run) {
      run_contest(s, pop, 2, run, ws, r);
      const MpRun mp_run(s, pop.parliament, run_key(2, run));
      const MpNominations mps =
          nominate_by_mps(s, mp_run, std::vector<bool>(s.candidates.size(), true));
      for (size_t c = 0; c < r.clp_nominee.size(); ++c) {
        if (mps.endorsement[c] < 0 || r.clp_nominee[c] < 0) continue;
        agree += r.clp_nominee[c] == mps.endorsement[c];
        ++total;
      }
    }
    const double p = agree / total;
    return test::Estimate{p, std::sqrt(p * (1 - p) / total)};
  };
  const auto none = agreement(toy({"campaign.mp_endorsement=0", "meetings.meet=1"}));
  const auto strong = agreement(toy({"campaign.mp_endorsement=1.5", "meetings.meet=1"}));
  EXPECT_TRUE(clearly_above(strong, none)) << none.mean << " -> " << strong.mean;
}

// ---------------------------------------------------------------------------------------------
// Affiliates' nominations.

TEST(Nominations, AffiliateConsultationFollowsItsSupporters) {
  // An affiliate whose supporters are all radicals nominates the left when it consults them.
  const auto s = toy({"waves.unions.factions={ radical = 1.0 }"});
  for (const RunResult& r : run_many(s, 10)) EXPECT_EQ(r.affiliate_nominations[0], 1);
}

TEST(Nominations, EachAffiliateConsultsItsOwnMembers) {
  // Two unions, each with its own members: the radicals' union nominates the left, the
  // moderates' the right, in every run (one shared mix could not split them).
  const std::vector<std::string> two = {
      "waves.unions.factions={ radical = 1.0 }", "waves.unions.affiliate=\"union\"",
      "waves.moderate_union={ section = \"affiliated\", size = 2000, joined_from = 2010-01-01, "
      "joined_to = 2020-06-30, factions = { moderate = 1.0 }, affiliate = \"other\" }",
      "affiliates.union.share=0.5", "affiliates.other={ share = 0.5, method = \"consultation\" }"};
  const Scenario s = toy(two);
  const Population pop = synthesise(s, 1);
  for (size_t i = 0; i < pop.size(); ++i) {
    if (pop.section[i] == std::uint8_t(Section::affiliated)) {
      ASSERT_EQ(pop.affiliate[i], s.waves[pop.wave[i]].id == "unions" ? 0 : 1);
    }
  }
  for (const RunResult& r : run_many(s, 10)) {
    EXPECT_EQ(r.affiliate_nominations[0], 1);  // the left: the radicals' union
    EXPECT_EQ(r.affiliate_nominations[1], 1);  // the right: the moderates'
  }
}

TEST(Nominations, ACohortsTurnoutShiftMovesItsTurnout) {
  auto affiliated_turnout = [](const RunResult& r) { return r.turnout(int(Section::affiliated)); };
  const auto plain = estimate(run_many(toy(), 40), affiliated_turnout);
  const auto keen = estimate(run_many(toy({"waves.unions.turnout_shift=1"}), 40), affiliated_turnout);
  EXPECT_TRUE(clearly_above(keen, plain)) << plain.mean << " -> " << keen.mean;
}

// ---------------------------------------------------------------------------------------------
// Supporting nominations.

TEST(Nominations, SupportingNominationsRemoveCandidatesWithTooFewCLPs) {
  // Needing every CLP (clp_share 1) by the CLP route alone, nobody but the exempt incumbent
  // stays; with a 5% route the candidate who wins meetings stays.
  const std::vector<std::string> base = {
      "rules.stages=[\"mp_nominations\", \"clp_nominations\", \"affiliate_nominations\", "
      "\"supporting_nominations\", \"final_ballot\"]",
      "rules.supporting_nominations.affiliates=0", "rules.supporting_nominations.affiliate_unions=0"};
  auto with = [&](std::vector<std::string> extra) {
    auto o = base;
    o.insert(o.end(), extra.begin(), extra.end());
    return toy(o);
  };
  for (const RunResult& r : run_many(with({"rules.supporting_nominations.clp_share=1.0"}), 10)) {
    EXPECT_TRUE(r.on_ballot[0]);   // the incumbent is exempt
    EXPECT_FALSE(r.on_ballot[1]);  // no candidate wins every CLP
    EXPECT_EQ(r.out_at_stage[1], 3);
    EXPECT_TRUE(r.unopposed);
  }
  for (const RunResult& r : run_many(with({"rules.supporting_nominations.clp_share=0.05",
                                           "rules.supporting_nominations.incumbent_exempt=false"}), 10))
    for (int c = 0; c < 2; ++c)
      EXPECT_EQ(bool(r.on_ballot[size_t(c)]), r.nominations[size_t(c)] >= 1) << c;
}

TEST(Nominations, AffiliateRouteNeedsEnoughUnionsAndMembership) {
  Scenario s = toy();
  s.rules.supporting = {.clp_share = 0, .affiliates = 1, .affiliate_unions = 1,
                        .affiliate_share = 0.5, .incumbent_exempt = false};
  const std::vector<bool> both = {true, true};
  EXPECT_EQ(supporting_threshold(s, {0, 0}, {1}, both), (std::vector<bool>{false, true}));
  s.affiliates[0].is_union = false;  // a socialist society does not count as a union
  EXPECT_EQ(supporting_threshold(s, {0, 0}, {1}, both), (std::vector<bool>{false, false}));
  s.affiliates[0].is_union = true;
  s.rules.supporting.affiliate_share = 1.01;  // more than its share of the membership
  EXPECT_EQ(supporting_threshold(s, {0, 0}, {1}, both), (std::vector<bool>{false, false}));
}

}  // namespace
}  // namespace leadsim
