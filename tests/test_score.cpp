// Tests of score.hpp (proper scores, AUC, reliability, the observed-outcomes reader, the run
// folder reader), hexmap.hpp (the reader and the layout), and `leadsim score` end to end.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "leadsim/hexmap.hpp"
#include "leadsim/score.hpp"
#include "leadsim/sha256.hpp"
#include "support.hpp"

namespace {

using namespace leadsim;
using leadsim::test::read_file;
using leadsim::test::TempDir;

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// The messages of the InputError `f` throws ("" if none), one per line.
template <class F>
std::string input_error(F f) {
  try {
    f();
  } catch (const InputError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.str() + "\n";
    return all;
  }
  return "";
}

// --- The statistics, against values computed by hand ------------------------------------------

// Three CLPs, three outcomes: P rows and the observed outcome of each.
const std::vector<std::vector<double>> kP = {{0.7, 0.2, 0.1}, {0.5, 0.5, 0.0}, {0.2, 0.3, 0.5}};
const std::vector<int> kY = {0, 1, 2};

TEST(Scores, BrierOfATinyTableByHand) {
  // (0.09 + 0.04 + 0.01) + (0.25 + 0.25 + 0) + (0.04 + 0.09 + 0.25) = 0.14 + 0.5 + 0.38 = 1.02
  EXPECT_NEAR(brier_score(kP, kY), 1.02 / 3, 1e-12);
  // A perfect forecast scores 0; the uniform one 1 - 1/3.
  EXPECT_DOUBLE_EQ(brier_score({{1, 0, 0}, {0, 0, 1}}, {0, 2}), 0.0);
  EXPECT_NEAR(brier_score({{1.0 / 3, 1.0 / 3, 1.0 / 3}}, {1}), 2.0 / 3, 1e-12);
}

TEST(Scores, LogScoreOfATinyTableByHand) {
  EXPECT_NEAR(log_score(kP, kY), -(std::log(0.7) + std::log(0.5) + std::log(0.5)) / 3, 1e-12);
  EXPECT_NEAR(binary_log_score({0.8, 0.25}, {1, 0}), -(std::log(0.8) + std::log(0.75)) / 2, 1e-12);
  EXPECT_NEAR(binary_brier({0.8, 0.25}, {1, 0}), (0.04 + 0.0625) / 2, 1e-12);
  EXPECT_NEAR(skill(0.15, 0.25), 0.4, 1e-12);
}

TEST(Auc, PerfectSeparationIsOneAndConstantIsHalf) {
  const Auc perfect = area_under_curve({0.9, 0.8, 0.3, 0.1}, {1, 1, 0, 0});
  EXPECT_DOUBLE_EQ(perfect.auc, 1.0);
  EXPECT_DOUBLE_EQ(perfect.se, 0.0);  // every structural component is 1
  EXPECT_DOUBLE_EQ(area_under_curve({0.3, 0.1, 0.9, 0.8}, {1, 1, 0, 0}).auc, 0.0);
  const Auc constant = area_under_curve({0.4, 0.4, 0.4, 0.4, 0.4}, {1, 0, 1, 0, 0});
  EXPECT_DOUBLE_EQ(constant.auc, 0.5);  // every pair a tie, counted half
  EXPECT_EQ(constant.positives, 2);
  EXPECT_EQ(constant.negatives, 3);
  EXPECT_TRUE(std::isnan(area_under_curve({0.1, 0.2}, {1, 1}).auc));  // no negatives
}

TEST(Auc, MannWhitneyWithATieAndDeLongByHand) {
  // Positives 0.8, 0.6, 0.4; negatives 0.6, 0.3. Pairs: (0.8 > both) 2, (0.6: tie, >) 1.5,
  // (0.4: <, >) 1: AUC = 4.5 / 6 = 0.75.
  const Auc a = area_under_curve({0.8, 0.6, 0.4, 0.6, 0.3}, {1, 1, 1, 0, 0});
  EXPECT_NEAR(a.auc, 0.75, 1e-12);
  // DeLong: V10 = (1, 0.75, 0.5), var 0.0625 (n-1 = 2); V01 = (1 - (1 + 0.5 + 0)/3... i.e. the
  // share of positives above each negative: 0.6 -> (1 + 0.5) / 3 = 0.5, 0.3 -> 1; var 0.125.
  // SE^2 = 0.0625 / 3 + 0.125 / 2.
  EXPECT_NEAR(a.se, std::sqrt(0.0625 / 3 + 0.125 / 2), 1e-12);
}

TEST(Auc, HanleyMcNeilOnAKnownCase) {
  // Hanley & McNeil (1982), A = 0.9 with 50 and 50: Q1 = 0.9/1.1 = 0.8182, Q2 = 1.62/1.9 =
  // 0.8526; var = (0.09 + 49 x 0.0082 + 49 x 0.0426) / 2500 = 0.001032, SE 0.0321.
  const double q1 = 0.9 / 1.1, q2 = 2 * 0.81 / 1.9;
  const double var = (0.9 * 0.1 + 49 * (q1 - 0.81) + 49 * (q2 - 0.81)) / 2500;
  EXPECT_NEAR(hanley_mcneil_se(0.9, 50, 50), std::sqrt(var), 1e-12);
  EXPECT_NEAR(hanley_mcneil_se(0.9, 50, 50), 0.0321, 1e-4);
  // Both SEs agree roughly on a large random case.
  std::mt19937_64 g(3);
  std::normal_distribution<double> z;
  std::vector<double> score;
  std::vector<int> o;
  for (int i = 0; i < 400; ++i) {
    o.push_back(i % 3 == 0);
    score.push_back(z(g) + (o.back() ? 1.2 : 0.0));
  }
  const Auc a = area_under_curve(score, o);
  EXPECT_NEAR(a.se, hanley_mcneil_se(a.auc, a.positives, a.negatives), 0.25 * a.se);
}

TEST(Reliability, BinsByEqualWidthAndCountsEvents) {
  const auto t = reliability_table({0.05, 0.15, 0.12, 0.95, 1.0, 0.999}, {0, 1, 0, 1, 1, 0}, 10);
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0].count, 1);
  EXPECT_EQ(t[1].count, 2);
  EXPECT_EQ(t[1].observed, 1);
  EXPECT_NEAR(t[1].mean_predicted, 0.135, 1e-12);
  EXPECT_EQ(t[9].count, 3);  // 1.0 falls in the last bin
  EXPECT_EQ(t[9].observed, 2);
  EXPECT_NEAR(t[9].frequency.p, 2.0 / 3, 1e-12);
  EXPECT_LT(t[9].frequency.lo, 2.0 / 3);
  EXPECT_GT(t[9].frequency.hi, 2.0 / 3);
  EXPECT_EQ(t[5].count, 0);
  EXPECT_TRUE(std::isnan(t[5].mean_predicted));
  // Wilson 90% of 1 of 2: centre (0.5 + z^2/4)/(1 + z^2/2) = 0.5, half-width by the formula.
  const double z = 1.6448536, half = z * std::sqrt(0.25 / 2 + z * z / 16) / (1 + z * z / 2);
  EXPECT_NEAR(t[1].frequency.lo, 0.5 - half, 1e-9);
}

// Outcomes drawn from known probabilities: the reliability table's Wilson 90% intervals cover
// each bin's mean prediction at about their rate, and the true probabilities' Brier skill
// against the base rate is what theory says (p ~ U(0, 1): E Brier = 1/6 against 1/4, skill 1/3).
TEST(Reliability, CalibratedSyntheticCaseCoversAtTheStatedRate) {
  std::mt19937_64 g(11);
  std::uniform_real_distribution<double> u(0, 1);
  int covered = 0, bins = 0;
  double skill_sum = 0;
  const int replicates = 60, n = 2000;
  for (int rep = 0; rep < replicates; ++rep) {
    std::vector<double> p(n);
    std::vector<int> o(n);
    for (int i = 0; i < n; ++i) {
      p[i] = u(g);
      o[i] = u(g) < p[i];
    }
    for (const auto& b : reliability_table(p, o)) {
      ++bins;
      covered += b.mean_predicted >= b.frequency.lo && b.mean_predicted <= b.frequency.hi;
    }
    skill_sum += skill(binary_brier(p, o), binary_brier(std::vector<double>(n, 0.5), o));
  }
  // 600 intervals at 90%: sd of the coverage 0.012; the bins' spread of p makes the observed
  // frequency a little less variable than binomial, so coverage sits at or just above 0.9.
  const double coverage = double(covered) / bins;
  EXPECT_GT(coverage, 0.86) << coverage;
  EXPECT_LT(coverage, 0.97) << coverage;
  EXPECT_NEAR(skill_sum / replicates, 1.0 / 3, 0.01);
  // A miscalibrated forecast (P squeezed towards 0.5) is caught: most intervals miss.
  std::vector<double> p(n), q(n);
  std::vector<int> o(n);
  for (int i = 0; i < n; ++i) {
    p[i] = u(g);
    o[i] = u(g) < p[i];
    q[i] = 0.5 + 0.4 * (p[i] - 0.5);
  }
  int missed = 0;
  for (const auto& b : reliability_table(q, o))
    if (b.count) missed += b.mean_predicted < b.frequency.lo || b.mean_predicted > b.frequency.hi;
  EXPECT_GE(missed, 4);
}

TEST(Scores, MultiCategoryBrierOfTrueProbabilitiesIsItsExpectation) {
  // Three outcomes with fixed probabilities: E Brier = 1 - sum p^2.
  std::mt19937_64 g(5);
  std::discrete_distribution<int> d({0.5, 0.3, 0.2});
  std::vector<std::vector<double>> p(20000, {0.5, 0.3, 0.2});
  std::vector<int> y(p.size());
  for (auto& v : y) v = d(g);
  EXPECT_NEAR(brier_score(p, y), 1 - (0.25 + 0.09 + 0.04), 0.01);
}

// --- Observed outcomes and score_forecast on the toy ------------------------------------------

TEST(ObservedOutcomes, UnknownClpsAndCandidatesAreLocatedWithDidYouMean) {
  const Scenario s = test::toy();
  TempDir dir;
  const std::string bad = dir.write(
      "bad.csv", "clp,nation,nominated\nCLP 1,x,left\nCLP 17x,x,right\nCLP 3,x,lefft\nCLP 1,x,none\n");
  const std::string msg = input_error([&] { read_observed_outcomes(s, bad); });
  EXPECT_TRUE(contains(msg, bad + ":3:1: error: 'CLP 17x' is not a CLP of")) << msg;
  EXPECT_TRUE(contains(msg, "(did you mean 'CLP 17'?)")) << msg;
  EXPECT_TRUE(contains(msg, bad + ":4:3: error: 'lefft' is neither a candidate")) << msg;
  EXPECT_TRUE(contains(msg, "(did you mean 'left'?)")) << msg;
  EXPECT_TRUE(contains(msg, bad + ":5:1: error: CLP 'CLP 1' has a second row (first on line 2)"))
      << msg;
  EXPECT_TRUE(contains(input_error([&] { read_observed_outcomes(s, dir.write("e.csv", "")); }),
                       "is empty"));
  EXPECT_TRUE(contains(input_error([&] {
                         read_observed_outcomes(s, dir.write("h.csv", "clp,nominated\n"));
                       }),
                       "no rows"));
  EXPECT_TRUE(contains(input_error([&] {
                         read_observed_outcomes(s, dir.write("c.csv", "clp,nominee\nCLP 1,left\n"));
                       }),
                       "no column 'nominated'"));
  const ObservedOutcomes ok = read_observed_outcomes(
      s, dir.write("ok.csv", "clp,nominated,extra\nCLP 2,right,1\nCLP 5,none,2\n"));
  EXPECT_EQ(ok.scored, 2);
  EXPECT_EQ(ok.outcome[size_t(s.clp_index("CLP 2"))], 1);
  EXPECT_EQ(ok.outcome[size_t(s.clp_index("CLP 5"))], 2);  // none = K
  EXPECT_EQ(ok.outcome[size_t(s.clp_index("CLP 3"))], -1);
  EXPECT_EQ(ok.sha256.size(), 64u);
  // A spreadsheet's byte-order mark and CRLF line ends are read through.
  EXPECT_EQ(read_observed_outcomes(s, dir.write("bom.csv", "\xEF\xBB\xBF" "clp,nominated\r\nCLP 1,left\r\n"))
                .scored,
            1);
  // An unknown id on many rows is one message, at its first row, counting them.
  const std::string many = dir.write(
      "many.csv", "clp,nominated\nCLP 1,centre\nCLP 2,centre\nCLP 3,left\nCLP 4,centre\n");
  const std::string m2 = input_error([&] { read_observed_outcomes(s, many); });
  EXPECT_TRUE(contains(m2, many + ":2:2: error: 'centre' is neither a candidate of Toy contest "
                              "(left, right) nor none; 3 rows name it (lines 2, 3, 5) (is the file "
                              "from another contest than the scenario's?)"))
      << m2;
  EXPECT_EQ(std::count(m2.begin(), m2.end(), '\n'), 1);
}

TEST(ScoreForecast, HandBuiltForecastGivesHandComputedScores) {
  const Scenario s = test::toy();  // candidates left, right; outcomes left, right, none
  ObservedOutcomes obs;
  obs.outcome.assign(s.clps.size(), -1);
  obs.outcome[0] = 0;
  obs.outcome[1] = 2;
  obs.scored = 2;
  ClpForecast f;
  f.runs = 10;
  f.counts.assign(s.clps.size(), {0, 0, 10});
  f.counts[0] = {6, 4, 0};
  f.counts[1] = {0, 0, 10};
  NationalDraws nd;
  nd.scope = "the scored CLPs";
  nd.clps = 2;
  for (int i = 0; i < 10; ++i) nd.per_run.push_back({i < 6 ? 1 : 0, i < 6 ? 0 : 1, 1});
  const ScoreReport r = score_forecast(s, obs, f, &nd);
  EXPECT_EQ(r.scored, 2);
  // Brier: CLP 0 (0.4^2 + 0.4^2 + 0) = 0.32, CLP 1 0: mean 0.16.
  EXPECT_NEAR(r.brier.model, 0.16, 1e-12);
  // Log, smoothed (k + 0.5) / (10 + 1.5): -(ln(6.5/11.5) + ln(10.5/11.5)) / 2.
  EXPECT_NEAR(r.log.model, -(std::log(6.5 / 11.5) + std::log(10.5 / 11.5)) / 2, 1e-12);
  // Climatology: left 1/2, right 0, none 1/2; each CLP's Brier 0.25 + 0 + 0.25.
  EXPECT_NEAR(r.brier.climatology, 0.5, 1e-12);
  EXPECT_NEAR(r.brier.uniform, 2.0 / 3, 1e-12);
  EXPECT_NEAR(r.log.climatology, std::log(2.0), 1e-12);
  EXPECT_NEAR(r.brier.skill_climatology(), 1 - 0.16 / 0.5, 1e-12);
  ASSERT_EQ(r.outcomes.size(), 3u);
  EXPECT_EQ(r.outcomes[0].observed, 1);
  EXPECT_NEAR(r.outcomes[0].brier.model, (0.16 + 0) / 2, 1e-12);
  EXPECT_NEAR(r.outcomes[0].brier.coin, 0.25, 1e-12);
  EXPECT_DOUBLE_EQ(r.outcomes[0].auc.auc, 1.0);
  EXPECT_DOUBLE_EQ(r.anyone.auc, 1.0);
  ASSERT_TRUE(r.outcomes[0].national.has_value());
  EXPECT_NEAR(r.outcomes[0].national->mean, 0.6, 1e-12);
  EXPECT_EQ(r.outcomes[0].national->lo, 0);
  EXPECT_EQ(r.outcomes[0].national->hi, 1);
  EXPECT_TRUE(r.outcomes[0].national->inside);
  EXPECT_NEAR(r.outcomes[0].national->share_at_or_below, 1.0, 1e-12);
  // Files.
  std::ostringstream json;
  write_score_json(json, r);
  EXPECT_TRUE(contains(json.str(), "\"skill_vs_climatology\"")) << json.str();
  EXPECT_TRUE(contains(format_score_report(r), "2 CLPs scored"));
  const std::string svg = reliability_svg(r);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_TRUE(contains(svg, "Left Candidate"));
}

// --- The hex map ------------------------------------------------------------------------------

TEST(HexMap, ReadsTheShippedMapAndLaysOutOddRows) {
  const HexMap m = read_hexmap(std::string(LEADSIM_SOURCE_DIR) + "/scenarios/data/ge2015_hexmap.csv");
  EXPECT_EQ(m.cells.size(), 650u);
  EXPECT_GE(m.index("Islington North"), 0);
  // Every CLP of labour-2015 (Great Britain's 632) has a hexagon.
  const Scenario s = load_scenario(test::scenario_path("labour-2015.toml"));
  EXPECT_EQ(clps_on_map(s, m), int(s.clps.size()));
  // Odd rows sit half a hexagon to the right; rows go up (north) as r grows.
  EXPECT_NEAR(hex_centre(0, 1).x - hex_centre(0, 0).x, std::sqrt(3.0) / 2, 1e-12);
  EXPECT_NEAR(hex_centre(0, -1).x - hex_centre(0, 0).x, std::sqrt(3.0) / 2, 1e-12);
  EXPECT_LT(hex_centre(0, 1).y, hex_centre(0, 0).y);
  // Neighbours touch: centres of adjacent cells are sqrt(3) apart.
  const HexPoint a = hex_centre(2, 3), b = hex_centre(3, 4);  // odd row 3, up-right neighbour
  EXPECT_NEAR(std::hypot(a.x - b.x, a.y - b.y), std::sqrt(3.0), 1e-12);
  // Aberdeen (north) is drawn above Aberavon (Wales).
  EXPECT_LT(hex_centre(m.cells[size_t(m.index("Aberdeen North"))].q,
                       m.cells[size_t(m.index("Aberdeen North"))].r).y,
            hex_centre(m.cells[size_t(m.index("Aberavon"))].q,
                       m.cells[size_t(m.index("Aberavon"))].r).y);
}

TEST(HexMap, BadRowsAreLocated) {
  TempDir dir;
  const std::string bad = dir.write(
      "hex.csv", "name,q,r\nA,1,2\nB,x,2\nA,3,3\nC,1,2\nD,4,\n");
  const std::string msg = input_error([&] { read_hexmap(bad); });
  EXPECT_TRUE(contains(msg, bad + ":3:2: error: q is 'x', expected a whole number")) << msg;
  EXPECT_TRUE(contains(msg, bad + ":4:1: error: 'A' has a second row (first on line 2)")) << msg;
  EXPECT_TRUE(contains(msg, bad + ":5:2: error: cell (1, 2) is already taken (line 2)")) << msg;
  EXPECT_TRUE(contains(msg, bad + ":6:3: error: r is '', expected a whole number")) << msg;
  EXPECT_TRUE(contains(input_error([&] { read_hexmap(dir.write("n.csv", "name,q\nA,1\n")); }),
                       "needs columns 'name', 'q' and 'r'"));
  EXPECT_TRUE(contains(input_error([&] { read_hexmap(dir.write("e.csv", "name,q,r\n")); }),
                       "no rows"));
  EXPECT_TRUE(contains(input_error([&] { read_hexmap((dir / "missing.csv").string()); }),
                       "cannot open the hex map file"));
}

// --- `leadsim score`, end to end ---------------------------------------------------------------

struct Cli {
  int code = -1;
  std::string out, err;
};

Cli leadsim_cli(const std::string& args) {
  TempDir capture;
  const std::string cmd = std::string("'") + LEADSIM_BINARY + "' " + args + " >'" +
                          (capture / "o").string() + "' 2>'" + (capture / "e").string() +
                          "' </dev/null";
  const int status = std::system(cmd.c_str());
  Cli r;
  if (status != -1 && WIFEXITED(status)) r.code = WEXITSTATUS(status);
  r.out = read_file(capture / "o");
  r.err = read_file(capture / "e");
  return r;
}

std::string q(const std::string& s) { return "'" + s + "'"; }

TEST(ScoreCommand, BadOutcomeFilesExitTwoWithLocatedMessagesAndWriteNothing) {
  TempDir dir;
  const std::string toy = test::scenario_path("toy.toml");
  const std::string out = (dir / "out").string();
  struct Case {
    std::string file, text, message;
  };
  const std::vector<Case> cases = {
      {"unknown_clp.csv", "clp,nominated\nCLP 1,left\nCLP 17x,left\n",
       ":3:1: error: 'CLP 17x' is not a CLP of Toy contest (did you mean 'CLP 17'?)"},
      {"unknown_candidate.csv", "clp,nominated\nCLP 1,rihgt\n",
       ":2:2: error: 'rihgt' is neither a candidate of Toy contest (left, right) nor none (did you "
       "mean 'right'?)"},
      {"missing_column.csv", "clp,nation\nCLP 1,England\n",
       ":1:1: error: the observed outcomes file has no column 'nominated'"},
      {"empty.csv", "", ":1:1: error: the observed outcomes file is empty"},
  };
  for (const Case& c : cases) {
    const std::string path = dir.write(c.file, c.text);
    const Cli r = leadsim_cli("score " + q(toy) + " --observed " + q(path) + " --out " + q(out) +
                              " --runs 5 --quiet");
    EXPECT_EQ(r.code, 2) << c.file << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, path + c.message)) << c.file << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "out/score.json")) << c.file;
  }
  // An unknown map candidate, and --set with --from, are usage errors too.
  const std::string good = dir.write("good.csv", "clp,nominated\nCLP 1,left\n");
  const Cli mc = leadsim_cli("score " + q(toy) + " --observed " + q(good) + " --out " + q(out) +
                             " --runs 5 --map-candidate lft");
  EXPECT_EQ(mc.code, 2) << mc.err;
  EXPECT_TRUE(contains(mc.err, "'lft' is not a candidate")) << mc.err;
  const Cli ex = leadsim_cli("score " + q(toy) + " --observed " + q(good) + " --out " + q(out) +
                             " --from " + q(out) + " --set meetings.meet=0.5");
  EXPECT_EQ(ex.code, 2) << ex.err;
}

// A map for the toy's generated CLPs: CLP 1..20 on a 5 x 4 patch.
std::string toy_hexmap(const TempDir& dir) {
  std::string t = "name,q,r\n";
  for (int i = 0; i < 20; ++i) t += "CLP " + std::to_string(i + 1) + "," + std::to_string(i % 5) +
                                    "," + std::to_string(i / 5) + "\n";
  t += "Elsewhere,9,9\n";
  return dir.write("hex.csv", t);
}

TEST(ScoreCommand, WritesScoresAndPlotsAndFromAFolderGivesTheSameScores) {
  TempDir dir;
  const std::string toy = test::scenario_path("toy.toml");
  std::string observed = "clp,nominated\n";
  for (int i = 1; i <= 12; ++i)
    observed += "CLP " + std::to_string(i) + "," + (i % 3 == 0 ? "none" : i % 2 ? "left" : "right") + "\n";
  const std::string obs = dir.write("obs.csv", observed);
  const std::string hex = toy_hexmap(dir);
  const std::string out = (dir / "s").string();
  const Cli r = leadsim_cli("score " + q(toy) + " --observed " + q(obs) + " --out " + q(out) +
                            " --runs 60 --seed 4 --hexmap " + q(hex));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "12 CLPs scored; 8 of the scenario's 20 CLPs")) << r.out;
  EXPECT_TRUE(contains(r.out, "Brier")) << r.out;
  EXPECT_TRUE(contains(r.out, "National totals over the scored CLPs")) << r.out;
  for (const char* f : {"score.json", "reliability.svg", "map.svg", "runs.csv", "clps.csv",
                        "summary.json"})
    EXPECT_TRUE(std::filesystem::exists(dir / ("s/" + std::string(f)))) << f;
  const std::string json = read_file(dir / "s/score.json");
  EXPECT_TRUE(contains(json, "\"scored\": 12")) << json.substr(0, 500);
  EXPECT_TRUE(contains(json, "\"runs\": 60"));
  EXPECT_TRUE(contains(json, "\"seed\": 4"));
  EXPECT_TRUE(contains(json, "\"observed_sha256\": \"" + sha256_hex(read_file(obs)) + "\""));
  // One polygon per cell of the map (21), one panel per outcome in the reliability diagram (3).
  const std::string map = read_file(dir / "s/map.svg");
  size_t polygons = 0;
  for (size_t at = map.find("<polygon"); at != std::string::npos; at = map.find("<polygon", at + 1))
    ++polygons;
  EXPECT_EQ(polygons, 21u);
  EXPECT_TRUE(contains(map, "P(nominates Left Candidate)"));
  const std::string rel = read_file(dir / "s/reliability.svg");
  size_t panels = 0;
  for (size_t at = rel.find("class=\"panel\""); at != std::string::npos;
       at = rel.find("class=\"panel\"", at + 1))
    ++panels;
  EXPECT_EQ(panels, 3u);

  // The same run read back from its folder: the same scores (the national totals then count
  // every CLP of the run, said so).
  const std::string again = (dir / "again").string();
  const Cli f = leadsim_cli("score " + q(toy) + " --observed " + q(obs) + " --out " + q(again) +
                            " --from " + q(out) + " --hexmap " + q(hex) + " --map-candidate likely");
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_TRUE(contains(f.out, "not comparable")) << f.out;
  const std::string json2 = read_file(dir / "again/score.json");
  auto field = [](const std::string& j, const std::string& key) {
    const size_t at = j.find("\"brier\"");
    const size_t k = j.find("\"" + key + "\"", at);
    return j.substr(k, j.find('\n', k) - k);
  };
  EXPECT_EQ(field(json, "model"), field(json2, "model"));
  EXPECT_TRUE(contains(json2, "\"seed\": 4"));
  EXPECT_FALSE(std::filesystem::exists(dir / "again/runs.csv"));  // nothing re-run
}

}  // namespace
