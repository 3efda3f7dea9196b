// Tests for eligibility.hpp: freeze dates and the court ruling, good standing, vetting of
// registered supporters (with the hostile odds ratio), the affiliated freeze, and the vectorised
// block_may_vote against the scalar rules. Vetting rates are checked within about 4 standard
// errors, computed in each test.
#include "leadsim/eligibility.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "leadsim/contest.hpp"
#include "leadsim/population.hpp"
#include "leadsim/preferences.hpp"
#include "leadsim/scenario.hpp"
#include "support.hpp"

namespace {

using leadsim::Day;
using leadsim::Electorate;
using leadsim::PersonDraws;
using leadsim::Population;
using leadsim::run_key;
using leadsim::Scenario;
using leadsim::Section;
using leadsim::synthesise;

using leadsim::test::toy;

bool is(const Population& pop, std::size_t i, Section s) { return pop.section[i] == std::uint8_t(s); }
bool standing(const Population& pop, std::size_t i) {
  return (pop.traits[i] & leadsim::kGoodStanding) != 0;
}
bool hostile(const Population& pop, std::size_t i) { return (pop.traits[i] & leadsim::kHostile) != 0; }

// Odds of p multiplied by `ratio`, back to a probability.
double scaled(double p, double ratio) {
  const double odds = p / (1 - p) * ratio;
  return odds / (1 + odds);
}

TEST(Eligibility, UpheldFreezeExcludesMembersWhoJoinedAfterIt) {
  const Scenario s = toy();
  ASSERT_EQ(s.eligibility.ruling, leadsim::FreezeRuling::upheld);
  const Population pop = synthesise(s, 1);
  const Electorate e(s);
  const PersonDraws draws(run_key(1, 0));
  const Day freeze = leadsim::parse_day("2020-01-31");
  EXPECT_EQ(e.ballot_cutoff(), freeze);
  int excluded = 0, included = 0;
  for (size_t i = 0; i < pop.size(); ++i) {
    if (!is(pop, i, Section::member)) continue;
    ASSERT_EQ(e.may_vote(pop, i, draws), pop.joined[i] <= freeze) << "row " << i;
    (pop.joined[i] <= freeze ? included : excluded)++;
  }
  // Both sides of the rule occur: the new wave joined January to June 2020.
  EXPECT_GT(excluded, 1000);
  EXPECT_GT(included, 1000);
}

TEST(Eligibility, OverturnedFreezeUsesTheOverturnedCutoff) {
  const Scenario s = toy({"eligibility.freeze_ruling=\"overturned\""});
  const Population pop = synthesise(s, 1);
  const Electorate e(s);
  const PersonDraws draws(run_key(1, 0));
  const Day cutoff = leadsim::parse_day("2020-07-01"), freeze = leadsim::parse_day("2020-01-31");
  EXPECT_EQ(e.ballot_cutoff(), cutoff);
  int enfranchised = 0;
  for (size_t i = 0; i < pop.size(); ++i) {
    if (!is(pop, i, Section::member)) continue;
    ASSERT_EQ(e.may_vote(pop, i, draws), pop.joined[i] <= cutoff) << "row " << i;
    enfranchised += pop.joined[i] > freeze && pop.joined[i] <= cutoff;
  }
  EXPECT_GT(enfranchised, 1000);  // the ruling matters for the new wave
}

TEST(Eligibility, OverturnedCutoffStillExcludesLaterJoiners) {
  // Cut-off moved back to 2020-03-31: members who joined April to June still may not vote.
  const Scenario s = toy({"eligibility.freeze_ruling=\"overturned\"",
                          "eligibility.overturned_cutoff=2020-03-31"});
  const Population pop = synthesise(s, 2);
  const Electorate e(s);
  const PersonDraws draws(run_key(2, 0));
  const Day cutoff = leadsim::parse_day("2020-03-31");
  int excluded = 0;
  for (size_t i = 0; i < pop.size(); ++i) {
    if (!is(pop, i, Section::member)) continue;
    ASSERT_EQ(e.may_vote(pop, i, draws), pop.joined[i] <= cutoff) << "row " << i;
    excluded += pop.joined[i] > cutoff;
  }
  EXPECT_GT(excluded, 1000);
}

TEST(Eligibility, MayAttendFollowsTheMeetingFreezeAndOnlyMembersAttend) {
  // Meeting freeze later than the ballot freeze, so the two rules are told apart.
  const Scenario s = toy({"eligibility.member_meeting_freeze=2020-03-31"});
  const Population pop = synthesise(s, 1);
  const Electorate e(s);
  const Day meeting = leadsim::parse_day("2020-03-31");
  EXPECT_EQ(e.meeting_freeze(), meeting);
  int attend_not_vote = 0;
  const PersonDraws draws(run_key(1, 0));
  for (size_t i = 0; i < pop.size(); ++i) {
    const bool expected = is(pop, i, Section::member) && pop.joined[i] <= meeting;
    ASSERT_EQ(e.may_attend(pop, i), expected) << "row " << i;
    attend_not_vote += is(pop, i, Section::member) && e.may_attend(pop, i) && !e.may_vote(pop, i, draws);
  }
  EXPECT_GT(attend_not_vote, 500);  // members who joined February-March
}

TEST(Eligibility, AffiliatedSupportersFollowTheAffiliatedFreeze) {
  for (const char* date : {"2020-01-31", "2015-06-30"}) {
    const Scenario s = toy({std::string("eligibility.affiliated_freeze=") + date});
    const Population pop = synthesise(s, 3);
    const Electorate e(s);
    const PersonDraws draws(run_key(3, 0));
    const Day freeze = leadsim::parse_day(date);
    int in = 0, out = 0;
    for (size_t i = 0; i < pop.size(); ++i) {
      if (!is(pop, i, Section::affiliated)) continue;
      ASSERT_EQ(e.may_vote(pop, i, draws), pop.joined[i] <= freeze) << date << " row " << i;
      ASSERT_FALSE(e.may_attend(pop, i));
      (pop.joined[i] <= freeze ? in : out)++;
    }
    EXPECT_GT(in, 0) << date;
    EXPECT_GT(out, 0) << date;
  }
}

// Vetting outcomes of the registered supporters over `runs` runs: rejections of ordinary and of
// hostile applicants.
struct Vetting {
  double ordinary = 0, ordinary_rejected = 0, hostile = 0, hostile_rejected = 0;
};
Vetting vet(const Scenario& s, const Population& pop, int runs) {
  const Electorate e(s);
  Vetting v;
  for (int run = 0; run < runs; ++run) {
    const PersonDraws draws(run_key(4, std::uint64_t(run)));
    for (size_t i = 0; i < pop.size(); ++i) {
      if (!is(pop, i, Section::registered)) continue;
      const bool rejected = !e.may_vote(pop, i, draws);
      EXPECT_EQ(rejected, e.rejected(pop, i, draws));
      if (hostile(pop, i)) {
        v.hostile += 1;
        v.hostile_rejected += rejected;
      } else {
        v.ordinary += 1;
        v.ordinary_rejected += rejected;
      }
    }
  }
  return v;
}

TEST(Eligibility, RegisteredSupportersAreRejectedAtTheRejectionRate) {
  const Scenario s = toy({"waves.supporters.hostile=0.2"});
  const Population pop = synthesise(s, 4);
  const Vetting v = vet(s, pop, 10);  // draws are per person and run: 10 runs of 4,000 people
  const double p = 0.1, ph = scaled(0.1, 5);  // toy: rejection 0.1, hostile odds ratio 5
  ASSERT_GT(v.hostile, 2000);
  // Binomial SE sqrt(p(1-p)/n) for each group.
  EXPECT_NEAR(v.ordinary_rejected / v.ordinary, p, 4 * std::sqrt(p * (1 - p) / v.ordinary));
  EXPECT_NEAR(v.hostile_rejected / v.hostile, ph, 4 * std::sqrt(ph * (1 - ph) / v.hostile));
  EXPECT_NEAR(ph, 0.3571, 1e-4);  // odds 1/9 * 5 = 5/9, p' = 5/14
}

TEST(Eligibility, HostileOddsRatioOfOneTreatsHostileApplicantsAlike) {
  const Scenario s = toy({"waves.supporters.hostile=0.5", "registration.hostile_odds_ratio=1",
                          "registration.rejection=0.3"});
  const Population pop = synthesise(s, 5);
  const Vetting v = vet(s, pop, 5);
  // Difference of two proportions, SE sqrt(p(1-p)(1/n1 + 1/n2)).
  const double se = std::sqrt(0.3 * 0.7 * (1 / v.ordinary + 1 / v.hostile));
  EXPECT_NEAR(v.hostile_rejected / v.hostile - v.ordinary_rejected / v.ordinary, 0.0, 4 * se);
  EXPECT_NEAR(v.ordinary_rejected / v.ordinary, 0.3, 4 * std::sqrt(0.21 / v.ordinary));
}

TEST(Eligibility, OddsRatioBelowOneProtectsHostileApplicants) {
  const Scenario s = toy({"waves.supporters.hostile=0.5", "registration.hostile_odds_ratio=0.25",
                          "registration.rejection=0.4"});
  const Population pop = synthesise(s, 6);
  const Vetting v = vet(s, pop, 5);
  const double ph = scaled(0.4, 0.25);  // odds 2/3 * 1/4 = 1/6: p' = 1/7
  EXPECT_NEAR(v.hostile_rejected / v.hostile, ph, 4 * std::sqrt(ph * (1 - ph) / v.hostile));
}

TEST(Eligibility, RejectionOfZeroAndOneAreExact) {
  {
    const Scenario s = toy({"waves.supporters.hostile=0.3", "registration.rejection=0"});
    const Vetting v = vet(s, synthesise(s, 7), 2);
    EXPECT_EQ(v.ordinary_rejected, 0);
    EXPECT_EQ(v.hostile_rejected, 0);  // zero odds times any ratio is zero
  }
  {
    const Scenario s = toy({"waves.supporters.hostile=0.3", "registration.rejection=1"});
    const Vetting v = vet(s, synthesise(s, 7), 2);
    EXPECT_EQ(v.ordinary_rejected, v.ordinary);
    EXPECT_EQ(v.hostile_rejected, v.hostile);
  }
}

TEST(Eligibility, VettingUsesCommonRandomNumbersAcrossRejectionRates) {
  // Draws keyed by person and run: everyone rejected at rate 0.1 is also rejected at 0.2.
  const Scenario a = toy({"registration.rejection=0.1"}), b = toy({"registration.rejection=0.2"});
  const Population pop = synthesise(a, 8);
  const Electorate ea(a), eb(b);
  const PersonDraws draws(run_key(8, 0));
  int more = 0;
  for (size_t i = 0; i < pop.size(); ++i) {
    if (!is(pop, i, Section::registered)) continue;
    if (ea.rejected(pop, i, draws)) {
      EXPECT_TRUE(eb.rejected(pop, i, draws)) << "row " << i;
    }
    more += eb.rejected(pop, i, draws) && !ea.rejected(pop, i, draws);
  }
  EXPECT_GT(more, 0);
}

TEST(Eligibility, VettingDiffersBetweenRuns) {
  const Scenario s = toy();
  const Population pop = synthesise(s, 9);
  const Electorate e(s);
  const PersonDraws r0(run_key(9, 0)), r1(run_key(9, 1));
  int differ = 0;
  for (size_t i = 0; i < pop.size(); ++i)
    if (is(pop, i, Section::registered)) differ += e.rejected(pop, i, r0) != e.rejected(pop, i, r1);
  // Independent runs: P(differ) = 2 p (1-p) = 0.18 for ordinary applicants.
  EXPECT_GT(differ, 400);
}

TEST(Eligibility, GoodStandingMattersOnlyWhenRequired) {
  const std::vector<std::string> base = {"waves.old.good_standing=0.7",
                                         "waves.supporters.good_standing=0.5",
                                         "waves.unions.good_standing=0.5",
                                         "registration.rejection=0"};
  const Scenario req = toy(base);
  std::vector<std::string> o = base;
  o.push_back("eligibility.require_good_standing=false");
  const Scenario lax = toy(o);
  const Population pop = synthesise(req, 10);
  const Electorate er(req), el(lax);
  EXPECT_TRUE(er.requires_good_standing());
  EXPECT_FALSE(el.requires_good_standing());
  const PersonDraws draws(run_key(10, 0));
  const Day freeze = req.eligibility.member_ballot_freeze, meeting = req.eligibility.member_meeting_freeze;
  int lapsed_members = 0, lapsed_others = 0;
  for (size_t i = 0; i < pop.size(); ++i) {
    if (is(pop, i, Section::member)) {
      ASSERT_EQ(er.may_vote(pop, i, draws), pop.joined[i] <= freeze && standing(pop, i)) << i;
      ASSERT_EQ(er.may_attend(pop, i), pop.joined[i] <= meeting && standing(pop, i)) << i;
      ASSERT_EQ(el.may_vote(pop, i, draws), pop.joined[i] <= freeze) << i;
      ASSERT_EQ(el.may_attend(pop, i), pop.joined[i] <= meeting) << i;
      lapsed_members += !standing(pop, i) && pop.joined[i] <= freeze;
    } else {
      // Standing is a membership rule: supporters are unaffected by it.
      ASSERT_EQ(er.may_vote(pop, i, draws), el.may_vote(pop, i, draws)) << i;
      lapsed_others += !standing(pop, i);
    }
  }
  EXPECT_GT(lapsed_members, 1000);
  EXPECT_GT(lapsed_others, 1000);
}

// Checks block_may_vote against may_vote for every person, in blocks of one section.
void expect_block_matches_scalar(const Scenario& s, const Population& pop, std::uint64_t key) {
  const Electorate e(s);
  const PersonDraws draws(key);
  std::size_t checked = 0, yes = 0;
  for (size_t c = 0; c + 1 < pop.clp_begin.size(); ++c) {
    std::size_t i = pop.clp_begin[c];
    const std::size_t end = pop.clp_begin[c + 1];
    while (i < end) {
      std::size_t j = i;
      while (j < end && j - i < std::size_t(leadsim::kBlock) && pop.section[j] == pop.section[i]) ++j;
      std::uint32_t out[leadsim::kBlock];
      std::fill(std::begin(out), std::end(out), 7u);
      e.block_may_vote(pop, i, int(j - i), Section(pop.section[i]), draws, out);
      for (std::size_t k = i; k < j; ++k) {
        ASSERT_EQ(out[k - i], std::uint32_t(e.may_vote(pop, k, draws))) << "row " << k;
        yes += out[k - i];
      }
      checked += j - i;
      i = j;
    }
  }
  EXPECT_EQ(checked, pop.size());
  EXPECT_GT(yes, 0u);
  EXPECT_LT(yes, pop.size());
}

TEST(Eligibility, BlockMayVoteEqualsMayVoteUnderEveryRuleVariant) {
  const std::vector<std::vector<std::string>> variants = {
      {},
      {"eligibility.freeze_ruling=\"overturned\""},
      {"waves.old.good_standing=0.7", "waves.supporters.hostile=0.3"},
      {"waves.old.good_standing=0.7", "eligibility.require_good_standing=false"},
      {"registration.rejection=0.5", "registration.hostile_odds_ratio=0.2"},
  };
  for (size_t v = 0; v < variants.size(); ++v) {
    SCOPED_TRACE("variant " + std::to_string(v));
    const Scenario s = toy(variants[v]);
    const Population pop = synthesise(s, 11);
    expect_block_matches_scalar(s, pop, run_key(11, v));
  }
}

}  // namespace
