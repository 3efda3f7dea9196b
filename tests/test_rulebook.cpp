// Tests of the rulebook (rulebook.hpp): counting under the rulebooks' final-ballot rules checked
// against published tallies (Labour 2010 and 2015), the MPs' ballot against the Conservative MPs'
// ballots of 2016, 2019 and 2022 (decide_mp_round), and the simulated stages (the MPs' ballot,
// the electoral college, "no valid nominations" and unopposed outcomes). Nominations are tested
// in test_nominations.cpp, ballot files in test_ballot_file.cpp, `leadsim count` in test_cli.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "leadsim/ballot_file.hpp"
#include "leadsim/parliament.hpp"
#include "leadsim/rulebook.hpp"
#include "support.hpp"

using namespace leadsim;
using test::clearly_above;
using test::data;
using test::estimate;
using test::run_many;
using test::toy;

namespace {

// Counts a ballot file under a rules file's final ballot.
CountResult count_file(const std::string& rules, const std::string& ballots, Scenario* out = nullptr) {
  const Scenario s = load_scenario(data(rules));
  const BallotSet b = read_ballot_file(data(ballots), s);
  if (out) *out = s;
  return count_ballots(b, s.rules.final_ballot.count_rules(),
                       std::vector<bool>(s.candidates.size(), true), 1);
}

// x rounded to `digits` decimals equals the published figure.
::testing::AssertionResult as_published(double x, double published, int digits) {
  const double scale = std::pow(10.0, digits);
  if (std::round(x * scale) == std::round(published * scale)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << x << " does not round to " << published;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Published tallies.

TEST(History, Labour2010CollegeRoundByRound) {
  Scenario s;
  const CountResult r = count_file("labour-2010-rules.toml", "labour-2010-ballots.csv", &s);
  const int d = s.candidate_index("dmiliband"), e = s.candidate_index("emiliband"),
            balls = s.candidate_index("balls"), burnham = s.candidate_index("burnham"),
            abbott = s.candidate_index("abbott");
  ASSERT_EQ(r.rounds.size(), 4u);
  // College percentages as published (BBC, New Statesman), to their stated precision.
  struct Fig { int round, cand; double pct; int digits; };
  const Fig figs[] = {{0, d, 37.78, 2},     {0, e, 34.33, 2},      {0, balls, 11.79, 2},
                      {0, burnham, 8.68, 2}, {0, abbott, 7.42, 2}, {1, d, 38.89, 2},
                      {1, e, 37.47, 2},     {1, balls, 13.2, 1},   {1, burnham, 10.4, 1},
                      {2, d, 42.72, 2},     {2, e, 41.26, 2},      {2, balls, 16.0, 1},
                      {3, d, 49.35, 2},     {3, e, 50.65, 2}};
  for (const Fig& f : figs)
    EXPECT_TRUE(as_published(100 * r.rounds[size_t(f.round)].votes[size_t(f.cand)], f.pct, f.digits))
        << "round " << f.round + 1 << " " << s.candidates[size_t(f.cand)].id;
  EXPECT_EQ(r.rounds[0].eliminated, abbott);
  EXPECT_EQ(r.rounds[1].eliminated, burnham);
  EXPECT_EQ(r.rounds[2].eliminated, balls);
  EXPECT_EQ(r.winner, e);
  EXPECT_FALSE(r.winner_by_lot);
  // Round 1 by section (Guardian): the sections' own percentages.
  auto section_pct = [&](Section sec, int c) {
    const auto& v = r.rounds[0].section_votes[size_t(sec)];
    double total = 0;
    for (double x : v) total += x;
    return 100 * v[size_t(c)] / total;
  };
  EXPECT_TRUE(as_published(section_pct(Section::mp, d), 41.73, 2));
  EXPECT_TRUE(as_published(section_pct(Section::mp, e), 31.58, 2));
  EXPECT_TRUE(as_published(section_pct(Section::member, d), 44.06, 2));
  EXPECT_TRUE(as_published(section_pct(Section::affiliated, d), 27.55, 2));
  EXPECT_TRUE(as_published(section_pct(Section::affiliated, e), 41.46, 2));
  EXPECT_EQ(r.rounds[0].section_votes[size_t(Section::mp)][size_t(d)], 111);
  EXPECT_EQ(r.rounds[0].section_votes[size_t(Section::member)][size_t(e)], 37980);
  EXPECT_EQ(r.rounds[0].section_votes[size_t(Section::affiliated)][size_t(e)], 87585);
}

TEST(History, Labour2010MembersAndMpsAloneWouldHaveChosenDavid) {
  // The same ballots, counted by a college of the members and the MPs only: David Miliband led
  // both; the affiliates' third decided it for his brother.
  const Scenario s = load_scenario(data("labour-2010-rules.toml"));
  const BallotSet b = read_ballot_file(data("labour-2010-ballots.csv"), s);
  CountRules rules(CountMethod::alternative_vote);
  rules.college.assign(kSections, 0.0);
  rules.college[size_t(Section::member)] = 0.5;
  rules.college[size_t(Section::mp)] = 0.5;
  const CountResult r = count_ballots(b, rules, std::vector<bool>(s.candidates.size(), true), 1);
  EXPECT_EQ(r.winner, s.candidate_index("dmiliband"));
  // And a ballot file with a section the rulebook's college does not weigh is refused.
  EXPECT_THROW(read_ballot_file(data("labour-2010-ballots.csv"),
                                load_scenario(data("labour-2010-rules.toml"),
                                              {"rules.final_ballot.college={ member = 1.0 }"})),
               InputError);
}

TEST(History, Labour2010UnderOneMemberOneVoteEdStillWins) {
  // Every ballot equal: the affiliates (211,000) outnumber the members (127,000), and they
  // preferred Ed Miliband by more than the members preferred David.
  Scenario s = load_scenario(data("labour-2010-rules.toml"));
  const BallotSet b = read_ballot_file(data("labour-2010-ballots.csv"), s);
  const CountResult r = count_ballots(b, CountMethod::alternative_vote,
                                      std::vector<bool>(s.candidates.size(), true), 1);
  EXPECT_EQ(r.winner, s.candidate_index("emiliband"));
  EXPECT_EQ(r.rounds.size(), 4u);
}

TEST(History, Labour2015EndsInTheFirstRoundWithCorbynOnFiftyNinePointFive) {
  Scenario s;
  const CountResult r = count_file("labour-2015-rules.toml", "labour-2015-first-round.csv", &s);
  ASSERT_EQ(r.rounds.size(), 1u);
  EXPECT_EQ(r.winner, s.candidate_index("corbyn"));
  const auto& v = r.rounds[0].votes;
  double total = 0;
  for (double x : v) total += x;
  EXPECT_EQ(total, 422664);
  EXPECT_EQ(v[size_t(s.candidate_index("corbyn"))], 251417);
  const std::map<std::string, double> pct = {{"corbyn", 59.5}, {"burnham", 19.0}, {"cooper", 17.0},
                                             {"kendall", 4.5}};
  for (const auto& [id, p] : pct)
    EXPECT_TRUE(as_published(100 * v[size_t(s.candidate_index(id))] / total, p, 1)) << id;
  for (int e : r.eliminated_round) EXPECT_EQ(e, -1);
}

TEST(History, ShippedScenariosCountLikeTheirRulebooks) {
  // scenarios/labour-2010.toml and -2015.toml carry the same final-ballot rules as the minimal
  // rules files: `leadsim count scenarios/labour-2010.toml ...` gives the same count.
  for (const auto& [scenario, rules, ballots] :
       {std::tuple{"labour-2010.toml", "labour-2010-rules.toml", "labour-2010-ballots.csv"},
        std::tuple{"labour-2015.toml", "labour-2015-rules.toml", "labour-2015-first-round.csv"}}) {
    const Scenario shipped = load_scenario(test::scenario_path(scenario));
    const BallotSet b = read_ballot_file(data(ballots), shipped);
    const CountResult a = count_ballots(b, shipped.rules.final_ballot.count_rules(),
                                        std::vector<bool>(shipped.candidates.size(), true), 1);
    const CountResult r = count_file(rules, ballots);
    ASSERT_EQ(a.rounds.size(), r.rounds.size()) << scenario;
    for (size_t i = 0; i < a.rounds.size(); ++i)
      for (size_t c = 0; c < shipped.candidates.size(); ++c)
        EXPECT_NEAR(a.rounds[i].votes[c], r.rounds[i].votes[c], 1e-12) << scenario;
    EXPECT_EQ(a.winner, r.winner);
  }
}

namespace {
// Feeds published MPs' tallies round by round through decide_mp_round; returns who was
// eliminated or withdrew after each round.
struct MpHistory {
  std::vector<std::string> ids;
  std::vector<std::vector<int>> rounds;  // per round, per candidate (only continuing ones read)
  std::map<int, std::vector<std::string>> withdrew;  // after round r (0-based): voluntary exits
};
std::vector<std::vector<std::string>> replay(const MpHistory& h, const MpBallotRules& rules,
                                             std::vector<std::string>* finalists) {
  std::vector<bool> continuing(h.ids.size(), true);
  std::vector<std::vector<int>> history;
  std::vector<std::vector<std::string>> out;
  for (size_t r = 0; r < h.rounds.size(); ++r) {
    history.push_back(h.rounds[r]);
    const MpRoundDecision d = decide_mp_round(rules, int(r), history, continuing, 7);
    EXPECT_FALSE(d.by_lot);
    std::vector<std::string> gone;
    for (int c : d.eliminated) gone.push_back(h.ids[size_t(c)]);
    for (int c : d.withdrawn) gone.push_back(h.ids[size_t(c)] + " (withdrew)");
    for (int c : d.eliminated) continuing[size_t(c)] = false;
    for (int c : d.withdrawn) continuing[size_t(c)] = false;
    // Withdrawals history records (a decision, not a rule): applied as they happened.
    if (auto it = h.withdrew.find(int(r)); it != h.withdrew.end())
      for (const auto& id : it->second)
        continuing[size_t(std::find(h.ids.begin(), h.ids.end(), id) - h.ids.begin())] = false;
    out.push_back(gone);
  }
  finalists->clear();
  for (size_t c = 0; c < h.ids.size(); ++c)
    if (continuing[c]) finalists->push_back(h.ids[c]);
  return out;
}
using Names = std::vector<std::string>;
}  // namespace

TEST(History, Conservative2019MpRoundsRemoveWhomHistoryRemoved) {
  // Published tallies (domain notes); 0 where a candidate was already out.
  MpHistory h;
  h.ids = {"johnson", "hunt", "gove", "raab", "javid", "hancock", "stewart", "leadsom", "harper", "mcvey"};
  h.rounds = {{114, 43, 37, 27, 23, 20, 19, 11, 10, 9},
              {126, 46, 41, 30, 33, 0, 37, 0, 0, 0},
              {143, 54, 51, 0, 38, 0, 27, 0, 0, 0},
              {157, 59, 61, 0, 34, 0, 0, 0, 0, 0},
              {160, 77, 75, 0, 0, 0, 0, 0, 0, 0}};
  h.withdrew = {{0, {"hancock"}}};  // withdrew after round 1, with 20 votes
  MpBallotRules rules;
  rules.minimum_votes = {17, 33};
  Names finalists;
  const auto out = replay(h, rules, &finalists);
  EXPECT_EQ(out[0], (Names{"leadsom", "harper", "mcvey"}));  // under 17
  EXPECT_EQ(out[1], (Names{"raab"}));  // under 33 (and lowest); Javid's 33 is enough
  EXPECT_EQ(out[2], (Names{"stewart"}));
  EXPECT_EQ(out[3], (Names{"javid"}));
  EXPECT_EQ(out[4], (Names{"gove"}));
  EXPECT_EQ(finalists, (Names{"johnson", "hunt"}));
}

TEST(History, Conservative2022MpRoundsRemoveWhomHistoryRemoved) {
  MpHistory h;
  h.ids = {"sunak", "mordaunt", "truss", "badenoch", "tugendhat", "braverman", "zahawi", "hunt"};
  h.rounds = {{88, 67, 50, 40, 37, 32, 25, 18},
              {101, 83, 64, 49, 32, 27, 0, 0},
              {115, 82, 71, 58, 31, 0, 0, 0},
              {118, 92, 86, 59, 0, 0, 0, 0},
              {137, 105, 113, 0, 0, 0, 0, 0}};
  MpBallotRules rules;
  rules.minimum_votes = {30};
  Names finalists;
  const auto out = replay(h, rules, &finalists);
  EXPECT_EQ(out[0], (Names{"zahawi", "hunt"}));
  EXPECT_EQ(out[1], (Names{"braverman"}));
  EXPECT_EQ(out[2], (Names{"tugendhat"}));
  EXPECT_EQ(out[3], (Names{"badenoch"}));
  EXPECT_EQ(out[4], (Names{"mordaunt"}));
  EXPECT_EQ(finalists, (Names{"sunak", "truss"}));
}

TEST(History, Conservative2016FoxOutCrabbWithdraws) {
  // Round 1: May 165, Leadsom 66, Gove 48, Crabb 34 (withdrew), Fox 16 (out); round 2: Gove
  // out, then Leadsom withdrew. As a rule: a trailing candidate under 11% withdraws (always).
  MpHistory h;
  h.ids = {"may", "leadsom", "gove", "crabb", "fox"};
  h.rounds = {{165, 66, 48, 34, 16}, {199, 84, 46, 0, 0}};
  MpBallotRules rules;
  rules.withdraw_below = 0.11;
  rules.withdraw_probability = 1.0;
  Names finalists;
  const auto out = replay(h, rules, &finalists);
  EXPECT_EQ(out[0], (Names{"fox", "crabb (withdrew)"}));
  EXPECT_EQ(out[1], (Names{"gove"}));
  EXPECT_EQ(finalists, (Names{"may", "leadsom"}));
}

TEST(MpRound, TiesForLastUseEarlierRoundsThenLots) {
  MpBallotRules rules;
  std::vector<bool> all(3, true);
  // Tied at 10 now; in the round before, candidate 2 had fewer: it goes.
  auto d = decide_mp_round(rules, 1, {{20, 12, 8}, {30, 10, 10}}, all, 1);
  EXPECT_EQ(d.eliminated, (std::vector<int>{2}));
  EXPECT_FALSE(d.by_lot);
  // Tied in every round: lots, the same for the same seed, both outcomes possible.
  std::set<int> seen;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    d = decide_mp_round(rules, 0, {{30, 10, 10}}, all, seed);
    EXPECT_TRUE(d.by_lot);
    ASSERT_EQ(d.eliminated.size(), 1u);
    EXPECT_EQ(d.eliminated, decide_mp_round(rules, 0, {{30, 10, 10}}, all, seed).eliminated);
    seen.insert(d.eliminated[0]);
  }
  EXPECT_EQ(seen, (std::set<int>{1, 2}));
}

TEST(MpRound, NobodyReachingTheMinimumKeepsTheLeader) {
  MpBallotRules rules;
  rules.minimum_votes = {50};
  const auto d = decide_mp_round(rules, 0, {{30, 20, 10}}, std::vector<bool>(3, true), 1);
  EXPECT_EQ(d.eliminated, (std::vector<int>{1, 2}));
}

// ---------------------------------------------------------------------------------------------
// Simulated stages.

TEST(Stages, MpBallotRunsRoundsUntilTwoRemainAndNoMeetingsAreHeld) {
  // Three candidates in toy: a centrist added; MPs vote in rounds, the lowest goes.
  const Scenario s = toy({"candidates.centre={ position = [0.0, 0.0] }", "mps.extra_mps=40",
                          "mps.support={ left = 0.3, right = 0.5, centre = 0.2 }",
                          "rules.stages=[\"mp_ballot\", \"final_ballot\"]"});
  const int mps = synthesise(s, 1).parliament.size();
  for (const RunResult& r : run_many(s, 20)) {
    EXPECT_EQ(r.meetings_held, 0);
    EXPECT_GE(r.mp_rounds, 1);
    int on = 0;
    for (bool b : r.on_ballot) on += b;
    EXPECT_EQ(on, 2);
    int out_in_mp_rounds = 0;
    for (int x : r.mp_out_round) out_in_mp_rounds += x > 0;
    EXPECT_EQ(out_in_mp_rounds, 1);
    int votes = 0;
    for (int v : r.mp_ballot_first) votes += v;
    EXPECT_EQ(votes, mps) << "every MP votes";
  }
}

TEST(Stages, MinimumVotesCanLeaveOneCandidateElectedUnopposed) {
  const Scenario s = toy({"candidates.centre={ position = [0.0, 0.0] }", "mps.extra_mps=40",
                          "mps.support={ left = 0.1, right = 0.8, centre = 0.1 }",
                          "rules.stages=[\"mp_ballot\", \"final_ballot\"]",
                          "rules.mp_ballot.minimum_votes=[26]"});
  int unopposed = 0;
  for (const RunResult& r : run_many(s, 20)) {
    if (!r.unopposed) continue;
    ++unopposed;
    EXPECT_EQ(r.winner, 1);
    EXPECT_EQ(r.rounds, 0);
    EXPECT_DOUBLE_EQ(r.share[1], 1.0);
    EXPECT_EQ(r.ballot_voted[0], 0) << "no ballot is held";
  }
  EXPECT_GT(unopposed, 10);
}

TEST(Stages, CollegeWeightForMpsMovesTheResultTowardsTheirFavourite) {
  // Toy's MPs favour "right" (support 0.6 to 0.3); members lean left. Giving MPs a college
  // section raises right's share.
  const std::vector<std::string> common = {"mps.extra_mps=40"};
  auto right_share = [&](const std::string& college) {
    auto o = common;
    if (!college.empty()) o.push_back("rules.final_ballot.college=" + college);
    return estimate(run_many(toy(o), 60), [](const RunResult& r) { return r.share[1]; });
  };
  const auto omov = right_share("");
  const auto college = right_share("{ mp = 0.5, member = 0.5 }");
  EXPECT_TRUE(clearly_above(college, omov)) << omov.mean << " -> " << college.mean;
  for (const RunResult& r : run_many(toy({"mps.extra_mps=40", "rules.final_ballot.college={ mp = 0.5, member = 0.5 }"}), 5)) {
    EXPECT_EQ(r.ballot_eligible[size_t(Section::mp)], 48);  // 8 seats held in toy, 40 extra
    EXPECT_GT(r.ballot_voted[size_t(Section::mp)], 0);
  }
}

TEST(Stages, NoValidNominationsIsReportedAsSuch) {
  const Scenario s = toy({"mps.support={ none = 1.0 }", "rules.mp_nominations.incumbent_exempt=false"});
  for (const RunResult& r : run_many(s, 3)) {
    EXPECT_EQ(r.winner, -1);
    EXPECT_FALSE(r.unopposed);
    EXPECT_EQ(r.out_at_stage, (std::vector<int>{0, 0}));
  }
}
