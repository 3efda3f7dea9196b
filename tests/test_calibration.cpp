// Tests for calibration.hpp: a calibration of the toy recovers a parameter from outcomes the
// model made at a known value; the same bytes whatever the threads; the spec's checks.
#include "leadsim/calibration.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "support.hpp"

namespace {

using leadsim::CalibrationResult;
using leadsim::CalibrationSpec;
using leadsim::InputError;
using leadsim::test::TempDir;

// A spec file in `dir` with `body` below its [calibration] settings.
std::string write_spec(const TempDir& dir, const std::string& body) {
  const std::string path = (dir / "calib.toml").string();
  std::ofstream(path) << body;
  return path;
}

const char* kMobilisationSpec = R"([calibration]
particles = 40
runs = 8
generations = 4
seed = 5

[calibration.parameters]
"factions.radical.mobilisation" = { prior = "log_uniform", min = 0.5, max = 6 }

[calibration.targets]
nominations_left = { observed = OBSERVED, scale = 0.5 }
)";

std::string with_observed(double x) {
  std::string s = kMobilisationSpec;
  s.replace(s.find("OBSERVED"), 8, std::to_string(x));
  return s;
}

// Synthetic data with a known truth: the toy's mean left nominations at mobilisation 2.5 (400
// runs), then calibrated from a wide prior. The posterior's 90% interval holds the truth, and it
// is far narrower than the prior's (0.5 to 6).
TEST(Calibration, RecoversAKnownMobilisation) {
  const auto truth = leadsim::test::toy({"factions.radical.mobilisation=2.5"});
  const auto runs = leadsim::test::run_many(truth, 400, 99);
  double observed = 0;
  for (const auto& r : runs) observed += double(r.nominations[0]) / double(runs.size());
  TempDir dir;
  CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, with_observed(observed)));
  const auto base = leadsim::test::toy();
  leadsim::check_calibration_spec(spec, base);
  const CalibrationResult r = leadsim::calibrate(base, spec, 2);
  ASSERT_EQ(r.abc.generations.size(), 4u);
  const auto& g = r.abc.generations.back();
  const double lo = leadsim::weighted_quantile(g, 0, 0.05), hi = leadsim::weighted_quantile(g, 0, 0.95);
  EXPECT_LE(lo, 2.5);
  EXPECT_GE(hi, 2.5);
  EXPECT_LT(hi - lo, 0.3 * (6 - 0.5));
  // A prior that holds the truth comfortably: no warning (calibration.hpp's rule).
  for (const auto& w : leadsim::calibration_warnings(spec, r)) ADD_FAILURE() << w.str();
  // Every candidate simulated is counted, also those of a last batch past the N accepted.
  std::uint64_t examined = 0;
  for (const auto& x : r.abc.generations) examined += x.proposed * spec.runs;
  EXPECT_GE(r.runs, examined);
  EXPECT_EQ(r.runs % spec.runs, 0u);
}

// A wrong prior range is reported, not silently fitted: synthetic data made by the model at a
// known mobilisation (2.5: the mean of 400 runs, made as a candidate's summary is), fitted with a
// prior that stops at 1.5. The posterior piles against 1.5 (seeds 1 to 8: 13% to 38% of the
// weight in the top 2% of the log range, against the rule's 10%), and the observed count is out
// of reach of the fitted model's predictive runs.
TEST(Calibration, WarnsWhenThePriorExcludesTheTruth) {
  TempDir dir;
  std::string text = with_observed(0);  // set below, once the model has made it
  text.replace(text.find("min = 0.5, max = 6"), 18, "min = 0.5, max = 1.5");
  text.replace(text.find("runs = 8"), 8, "runs = 4");
  text.replace(text.find("generations = 4"), 15, "generations = 5");
  const auto base = leadsim::test::toy();
  CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, text));
  leadsim::check_calibration_spec(spec, base);
  const double observed =
      leadsim::simulate_summaries(base, spec, {{2.5}}, {12345}, 400, 2).at(0).at(0);
  spec.targets[0].observed = observed;
  const CalibrationResult r = leadsim::calibrate(base, spec, 2);
  const auto warnings = leadsim::calibration_warnings(spec, r);
  ASSERT_EQ(warnings.size(), 2u);
  const auto& bound = warnings[0];
  EXPECT_EQ(bound.kind, leadsim::CalibrationWarning::Kind::prior_bound);
  EXPECT_TRUE(bound.upper);
  EXPECT_FALSE(bound.field_bound);
  EXPECT_EQ(bound.bound, 1.5);
  EXPECT_GE(bound.weight, leadsim::kBoundWeight);
  EXPECT_NE(bound.message.find("factions.radical.mobilisation: the posterior presses against the "
                               "prior's upper bound 1.5 ("), std::string::npos) << bound.message;
  EXPECT_NE(bound.message.find("widen the prior"), std::string::npos) << bound.message;
  // Located at the parameter's line of the spec (line 8).
  EXPECT_EQ(bound.str().find(spec.origin + ":8:"), 0u) << bound.str();
  const auto& check = warnings[1];
  EXPECT_EQ(check.kind, leadsim::CalibrationWarning::Kind::predictive_check);
  EXPECT_EQ(check.name, "nominations_left");
  EXPECT_GT(check.observed, check.q95);
  // calibration.json lists them.
  const std::string json = leadsim::calibration_json(base, spec, r);
  EXPECT_NE(json.find("\"kind\": \"prior_bound\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"kind\": \"predictive_check\""), std::string::npos) << json;
}

// The rule itself, on posteriors made by hand: a flat posterior is not flagged, 10% of the
// weight in the outer 2% is, a bound that is also the field's own says it cannot be widened, an
// unbounded prior is never flagged, and a target is flagged when its observed value is outside
// the predictive runs' 5% to 95% range.
TEST(Calibration, WarningRule) {
  CalibrationSpec spec;
  leadsim::CalibrationParam p;
  p.path = "meetings.meet";
  p.prior.kind = leadsim::Prior::Kind::uniform;
  p.prior.a = p.prior.lo = 0.2;
  p.prior.b = p.prior.hi = 1.0;
  p.domain_lo = 0;
  p.domain_hi = 1;
  spec.params.push_back(p);
  auto posterior = [](const std::vector<double>& values) {
    CalibrationResult r;
    leadsim::Generation g;
    for (double v : values) {
      leadsim::Particle x;
      x.theta = {v};
      x.weight = 1.0 / double(values.size());
      g.particles.push_back(x);
    }
    r.abc.generations.push_back(g);
    return r;
  };
  std::vector<double> flat;
  for (int i = 0; i < 1000; ++i) flat.push_back(0.2 + 0.8 * (i + 0.5) / 1000);
  EXPECT_TRUE(leadsim::calibration_warnings(spec, posterior(flat)).empty());
  // 100 of 1000 moved into the top 2% (above 0.984), which held 20: 12%, flagged, at the
  // field's own bound 1.
  std::vector<double> pressed = flat;
  for (int i = 0; i < 100; ++i) pressed[size_t(i)] = 0.99;
  auto w = leadsim::calibration_warnings(spec, posterior(pressed));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_TRUE(w[0].upper);
  EXPECT_TRUE(w[0].field_bound);
  EXPECT_NEAR(w[0].weight, 0.12, 1e-9);
  EXPECT_NE(w[0].message.find("cannot be widened"), std::string::npos) << w[0].message;
  // 70 moved: 9%, below the rule's 10%, not flagged.
  std::vector<double> less = flat;
  for (int i = 0; i < 70; ++i) less[size_t(i)] = 0.99;
  EXPECT_TRUE(leadsim::calibration_warnings(spec, posterior(less)).empty());
  // The lower bound 0.2 is the prior's, not the field's: "widen the prior".
  std::vector<double> low = flat;
  for (int i = 0; i < 200; ++i) low[size_t(999 - i)] = 0.21;
  w = leadsim::calibration_warnings(spec, posterior(low));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_FALSE(w[0].upper);
  EXPECT_NE(w[0].message.find("prior's lower bound 0.2 (22% of weight in the bottom 2% of the "
                              "range): widen the prior"), std::string::npos) << w[0].message;
  // An unbounded (normal) prior has no range: never flagged.
  spec.params[0].prior.kind = leadsim::Prior::Kind::normal;
  spec.params[0].prior.lo = -INFINITY;
  spec.params[0].prior.hi = INFINITY;
  EXPECT_TRUE(leadsim::calibration_warnings(spec, posterior(low)).empty());
  // Targets: 20 predictive runs 1..20 (equal weights); 5% to 95% is [1, 20] (each end's 5% is
  // one run).
  leadsim::CalibrationTarget t;
  t.name = "nominations_left";
  spec.targets.push_back(t);
  CalibrationResult r = posterior({0.5});
  r.predictive = {{{}}};
  for (int i = 1; i <= 20; ++i) r.predictive[0][0].push_back(i);
  spec.targets[0].observed = 20;
  EXPECT_TRUE(leadsim::calibration_warnings(spec, r).empty());
  spec.targets[0].observed = 20.5;
  w = leadsim::calibration_warnings(spec, r);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].kind, leadsim::CalibrationWarning::Kind::predictive_check);
  EXPECT_NE(w[0].message.find("outside the posterior's 90% predictive interval [1, 20]"),
            std::string::npos) << w[0].message;
}

// A calibration of the toy small enough to run twice in a test: 16 particles, 3 generations,
// 4 runs each, fitted to 9 left nominations.
CalibrationSpec small_spec(const TempDir& dir) {
  CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, with_observed(9)));
  spec.abc.particles = 16;
  spec.abc.generations = 3;
  spec.runs = 4;
  return spec;
}

// Same bytes of every output whatever the thread count.
TEST(Calibration, SameOutputsWhateverTheThreads) {
  TempDir dir;
  CalibrationSpec spec = small_spec(dir);
  const auto base = leadsim::test::toy();
  leadsim::check_calibration_spec(spec, base);
  const CalibrationResult one = leadsim::calibrate(base, spec, 1);
  const CalibrationResult two = leadsim::calibrate(base, spec, 2);
  ASSERT_FALSE(one.abc.generations.empty());
  EXPECT_EQ(leadsim::particles_csv(spec, one.abc.generations),
            leadsim::particles_csv(spec, two.abc.generations));
  EXPECT_EQ(leadsim::calibrated_scenario("toy.toml", spec, one.abc.generations.back()),
            leadsim::calibrated_scenario("toy.toml", spec, two.abc.generations.back()));
}

// Resumable: a calibration stopped after its first generation (the cancel flag raised from the
// checkpoint hook) and resumed from the checkpoint in its folder writes the same bytes as one
// never stopped; the folder refuses to start afresh over the unfinished checkpoint.
TEST(Calibration, ResumedFolderGivesTheSameBytes) {
  TempDir dir;
  CalibrationSpec spec = small_spec(dir);
  const auto base = leadsim::test::toy();
  leadsim::check_calibration_spec(spec, base);
  const std::string scenario = leadsim::test::scenario_path("toy.toml");
  auto complete = [&](const std::filesystem::path& out, bool resume, int stop_after) {
    leadsim::OutputDir od(out);
    leadsim::CalibrationFolder folder(out, base, spec, resume);
    std::atomic<bool> cancel{false};
    const CalibrationResult r = leadsim::calibrate(
        base, spec, 2,
        [&](const leadsim::CalibrationCheckpoint& c) {
          folder.save(c);
          if (int(c.generations.size()) == stop_after) cancel = true;
        },
        {}, &cancel, folder.resumed());
    if (r.abc.cancelled) return false;
    folder.finish(od, r, scenario);
    od.commit();
    return true;
  };
  const auto whole = dir / "whole", stopped = dir / "stopped";
  ASSERT_TRUE(complete(whole, false, -1));
  ASSERT_FALSE(complete(stopped, false, 1));
  EXPECT_FALSE(std::filesystem::exists(stopped / "posterior.csv"));
  EXPECT_THROW(leadsim::CalibrationFolder(stopped, base, spec, false), InputError);
  {
    // (The refusal above released its lock.) While one calibration holds the folder, a second
    // is refused at once.
    leadsim::CalibrationFolder peek(stopped, base, spec, true);
    ASSERT_NE(peek.resumed(), nullptr);
    EXPECT_EQ(peek.resumed()->generations.size(), 1u);
    EXPECT_FALSE(peek.resumed_finished());
    try {
      leadsim::CalibrationFolder second(stopped, base, spec, true);
      ADD_FAILURE() << "a second calibration into a held folder should be refused";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("another leadsim calibrate is writing to this folder"),
                std::string::npos) << e.what();
    }
  }
  ASSERT_TRUE(complete(stopped, true, -1));
  for (const char* f : {"posterior.csv", "particles.csv", "checks.csv", "calibration.json",
                        "calibrated.toml", "calibration.checkpoint"})
    EXPECT_TRUE(leadsim::test::read_file(whole / f) == leadsim::test::read_file(stopped / f)) << f;
  // A finished folder resumed: nothing left to fit, the same files again.
  ASSERT_TRUE(complete(stopped, true, -1));
  EXPECT_TRUE(leadsim::test::read_file(whole / "calibration.json") ==
              leadsim::test::read_file(stopped / "calibration.json"));
  // Also one that stopped because a generation could not be filled within the candidate budget
  // (that generation is in no checkpoint: resumed, it is tried again, and its runs are counted
  // once).
  spec.abc.max_candidates = 20;
  const auto budget = dir / "budget";
  ASSERT_TRUE(complete(budget, false, -1));
  const std::string first = leadsim::test::read_file(budget / "calibration.json");
  ASSERT_NE(first.find("\"stop_reason\": \"budget\""), std::string::npos) << first;
  ASSERT_TRUE(complete(budget, true, -1));
  EXPECT_EQ(leadsim::test::read_file(budget / "calibration.json"), first);
}

// Every problem of a spec, each located, in one error.
TEST(Calibration, SpecProblemsAreLocated) {
  TempDir dir;
  const std::string path = write_spec(dir, R"([calibration]
particles = 10
[calibration.parameters]
"meetings.atendance" = { prior = "uniform", min = 0.01, max = 0.2 }
"meetings.attendance" = { prior = "uniform", min = 0.01, max = 2 }
"factions.nobody.mobilisation" = { prior = "uniform", min = 1, max = 2 }
"meetings.quorum" = { prior = "gamma", min = 1, max = 2 }
[calibration.targets]
nominations_lef = { observed = 3, scale = 1 }
)");
  std::vector<leadsim::Diagnostic> d;
  try {
    CalibrationSpec spec = leadsim::load_calibration_spec(path);
    FAIL() << "the unknown prior should be refused on reading";
  } catch (const InputError& e) {
    d = e.diagnostics();
  }
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("prior should be one of"), std::string::npos);
  EXPECT_EQ(d[0].line, 7);

  const std::string fixed = write_spec(dir, R"([calibration]
particles = 10
[calibration.parameters]
"meetings.atendance" = { prior = "uniform", min = 0.01, max = 0.2 }
"meetings.attendance" = { prior = "uniform", min = 0.01, max = 2 }
"factions.nobody.mobilisation" = { prior = "uniform", min = 1, max = 2 }
[calibration.targets]
nominations_lef = { observed = 3, scale = 1 }
)");
  CalibrationSpec spec = leadsim::load_calibration_spec(fixed);
  try {
    leadsim::check_calibration_spec(spec, leadsim::test::toy());
    FAIL() << "the spec should be refused";
  } catch (const InputError& e) {
    d = e.diagnostics();
  }
  // One message per problem, each at its line (the spec's keys are read in TOML's order).
  ASSERT_EQ(d.size(), 4u);
  auto at_line = [&](int line) -> std::string {
    for (const auto& x : d)
      if (x.line == line) return x.message;
    return "(no message at line " + std::to_string(line) + ")";
  };
  EXPECT_NE(at_line(4).find("did you mean 'meetings.attendance'"), std::string::npos) << at_line(4);
  EXPECT_NE(at_line(5).find("outside the field's domain"), std::string::npos) << at_line(5);
  EXPECT_NE(at_line(6).find("no faction 'nobody' in the scenario (its factions: radical, moderate)"),
            std::string::npos)
      << at_line(6);
  EXPECT_NE(at_line(8).find("did you mean 'nominations_left'"), std::string::npos) << at_line(8);
}

}  // namespace

namespace {

// A posterior.csv with the given particles of "factions.radical.mobilisation" beside a scenario
// that includes the toy and draws from it; returns the scenario's path.
std::string posterior_scenario(const TempDir& dir, const std::vector<std::pair<double, double>>& vw,
                               const std::string& column = "factions.radical.mobilisation") {
  std::ofstream csv((dir / "posterior.csv").string());
  csv << "particle," << column << ",weight,distance\n";
  for (size_t i = 0; i < vw.size(); ++i) csv << i << "," << vw[i].first << "," << vw[i].second << ",0\n";
  csv.close();
  const std::string path = (dir / "calibrated.toml").string();
  std::ofstream(path) << "include = \"" << leadsim::test::scenario_path("toy.toml") << "\"\n"
                      << "contest.posterior = \"posterior.csv\"\n";
  return path;
}

// One particle of weight 1 plays exactly as --set with its value: the same runs, bit for bit.
TEST(Posterior, OneParticleIsTheSetValue) {
  TempDir dir;
  const auto drawn = leadsim::load_scenario(posterior_scenario(dir, {{3.5, 1.0}}));
  const auto set = leadsim::test::toy({"factions.radical.mobilisation=3.5"});
  ASSERT_EQ(drawn.posterior_scenarios.size(), 1u);
  const auto a = leadsim::test::run_many(drawn, 50, 4), b = leadsim::test::run_many(set, 50, 4);
  for (size_t r = 0; r < a.size(); ++r) {
    EXPECT_EQ(a[r].nominations, b[r].nominations);
    EXPECT_EQ(a[r].share, b[r].share);
  }
}

// Runs draw particles by weight (a binomial test at 4 sd), and the draw is the run's alone.
TEST(Posterior, RunsDrawParticlesByWeight) {
  TempDir dir;
  const auto s = leadsim::load_scenario(posterior_scenario(dir, {{0.6, 3.0}, {6.0, 1.0}}));
  ASSERT_EQ(s.posterior_scenarios.size(), 2u);
  const int n = 4000;
  int second = 0;
  for (int r = 0; r < n; ++r) second += s.posterior_particle(7, std::uint64_t(r)) == 1;
  EXPECT_NEAR(double(second) / n, 0.25, 4 * std::sqrt(0.25 * 0.75 / n));
  // The draw is the run's and the seed's: another seed draws another sequence, and the
  // scenario a run plays is the particle drawn for it.
  int differ = 0;
  for (int r = 0; r < 200; ++r)
    differ += s.posterior_particle(7, std::uint64_t(r)) != s.posterior_particle(8, std::uint64_t(r));
  EXPECT_GT(differ, 20);
  for (std::uint64_t r = 0; r < 20; ++r)
    EXPECT_EQ(&s.for_run(7, r), s.posterior_scenarios[size_t(s.posterior_particle(7, r))].get());
  // Each particle holds its values.
  const auto& low = *s.posterior_scenarios[0];
  const auto& high = *s.posterior_scenarios[1];
  auto radical = [](const leadsim::Scenario& x) {
    for (const auto& f : x.factions)
      if (f.id == "radical") return f.mobilisation;
    return -1.0;
  };
  EXPECT_EQ(radical(low), 0.6);
  EXPECT_EQ(radical(high), 6.0);
  EXPECT_EQ(radical(s), 1.5);  // the scenario itself keeps its own value
}

// A parameter that changes the population cannot be drawn per run: refused, at the header.
TEST(Posterior, RefusesPopulationParameters) {
  TempDir dir;
  try {
    leadsim::load_scenario(posterior_scenario(dir, {{0.1, 1.0}}, "candidates.left.valence"));
    FAIL() << "a population parameter should be refused";
  } catch (const InputError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_NE(e.diagnostics()[0].message.find("changes the synthesised population"),
              std::string::npos);
    EXPECT_EQ(e.diagnostics()[0].line, 1);
  }
}

// contest.posterior_parameters takes some of a posterior's columns: the others are neither
// applied nor held to the scenario (here one the posterior may not hold, a population
// parameter), and a name that is no column is refused where it is written, with a did-you-mean.
TEST(Posterior, TakesOnlyTheNamedParameters) {
  TempDir dir;
  std::ofstream((dir / "posterior.csv").string())
      << "particle,factions.radical.mobilisation,candidates.left.valence,weight,distance\n"
      << "0,0.6,0.3,1,0\n1,6.0,0.4,1,0\n";
  const std::string path = (dir / "calibrated.toml").string();
  auto write = [&](const std::string& names) {
    std::ofstream(path) << "include = \"" << leadsim::test::scenario_path("toy.toml") << "\"\n"
                        << "contest.posterior = \"posterior.csv\"\n"
                        << "contest.posterior_parameters = " << names << "\n";
  };
  write("[\"factions.radical.mobilisation\"]");
  const auto s = leadsim::load_scenario(path);
  ASSERT_EQ(s.posterior_scenarios.size(), 2u);
  const auto& high = *s.posterior_scenarios[1];
  EXPECT_EQ(high.factions[0].mobilisation, 6.0);
  EXPECT_EQ(high.candidates[0].valence, s.candidates[0].valence);  // not taken
  // What the runs draw (the visualiser says so beside those parameters).
  EXPECT_EQ(s.posterior_drawn, std::vector<std::string>{"factions.radical.mobilisation"});
  EXPECT_TRUE(high.posterior_drawn.empty());
  write("[]");  // all columns: the population parameter is refused
  EXPECT_THROW(leadsim::load_scenario(path), InputError);
  write("[\"factions.radical.mobilsation\"]");
  try {
    leadsim::load_scenario(path);
    FAIL() << "an unknown column should be refused";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].file, path);
    EXPECT_EQ(e.diagnostics()[0].line, 3);
    EXPECT_NE(e.diagnostics()[0].message.find("did you mean 'factions.radical.mobilisation'"),
              std::string::npos) << e.diagnostics()[0].message;
  }
}

}  // namespace

namespace {

// The shipped calibration spec is valid against its scenario, and its committed output loads as
// a scenario whose runs draw from the posterior.
TEST(Calibration, ShippedCalibrationIsValid) {
  CalibrationSpec spec = leadsim::load_calibration_spec(
      leadsim::test::scenario_path("calibrations/labour-2015.toml"));
  const auto base = leadsim::load_scenario(leadsim::test::scenario_path("labour-2015.toml"));
  EXPECT_NO_THROW(leadsim::check_calibration_spec(spec, base));
  const auto fitted = leadsim::load_scenario(
      leadsim::test::scenario_path("calibrations/labour-2015-fit/calibrated.toml"));
  EXPECT_EQ(fitted.posterior_scenarios.size(), spec.abc.particles);
}

}  // namespace

// ---- CLP targets and outcome files -------------------------------------------------------

namespace {

using leadsim::CalibrationResult;
using leadsim::CalibrationSpec;
using leadsim::InputError;
using leadsim::test::TempDir;

// The toy's CLP names ("CLP 1" ... "CLP 20"), every one.
std::string all_toy_clps() {
  std::string a = "[";
  for (int i = 1; i <= 20; ++i) a += fmt::format("{}\"CLP {}\"", i > 1 ? ", " : "", i);
  return a + "]";
}

// A CLP target is its quantity summed over its CLPs, run by run: every CLP's nominations of the
// left equal the runs.csv column nominations_left; the left's, the right's and no nomination add
// up to the 20 CLPs; a room is 0 where no meeting was held and never above those entitled to it;
// a CLP's votes at its meeting are at most its room.
TEST(Calibration, ClpTargetsSumTheirClpsQuantities) {
  TempDir dir;
  const std::string all = all_toy_clps();
  const std::string text = fmt::format(R"([calibration]
particles = 4
runs = 30
[calibration.parameters]
"meetings.attendance" = {{ prior = "uniform", min = 0.05, max = 0.2 }}
[calibration.targets]
nominations_left = {{ observed = 9, scale = 1 }}
left = {{ clp = {0}, quantity = "nominates_left", observed = 9, scale = 1 }}
right = {{ clp = {0}, quantity = "nominates_right", observed = 9, scale = 1 }}
none = {{ clp = {0}, quantity = "nominates_none", observed = 2, scale = 1 }}
room = {{ clp = "CLP 3", quantity = "attendance", observed = 30, scale = 5 }}
entitled = {{ clp = "CLP 3", quantity = "eligible", observed = 300, scale = 50 }}
met = {{ clp = "CLP 3", quantity = "met", observed = 1, scale = 0.5 }}
votes = {{ clp = ["CLP 3"], quantity = "votes_left", observed = 15, scale = 5 }}
)", all);
  CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, text));
  const auto base = leadsim::test::toy();
  leadsim::check_calibration_spec(spec, base);
  ASSERT_EQ(spec.targets.size(), 8u);
  // Targets are kept in key order (TOML tables are unordered): find each by name.
  auto at = [&](const std::string& name) {
    for (size_t k = 0; k < spec.targets.size(); ++k)
      if (spec.targets[k].name == name) return k;
    ADD_FAILURE() << "no target " << name;
    return size_t(0);
  };
  const size_t column = at("nominations_left"), left = at("left"), right = at("right"), none = at("none"),
               room_k = at("room"), entitled = at("entitled"), met = at("met"), votes = at("votes");
  EXPECT_FALSE(spec.targets[column].is_clp());
  EXPECT_EQ(spec.targets[left].clps.size(), 20u);
  EXPECT_EQ(spec.targets[none].candidate, -1);
  EXPECT_EQ(spec.targets[room_k].clps, std::vector<std::size_t>{2});
  const auto v = leadsim::simulate_values(base, spec, {{0.1}}, {77}, 30, 2).at(0);
  int held = 0;
  for (size_t r = 0; r < 30; ++r) {
    EXPECT_EQ(v[left][r], v[column][r]) << "run " << r;
    EXPECT_EQ(v[left][r] + v[right][r] + v[none][r], 20) << "run " << r;
    EXPECT_TRUE(v[met][r] == 0 || v[met][r] == 1);
    if (v[met][r] == 0) {
      EXPECT_EQ(v[room_k][r], 0);
    }
    EXPECT_LE(v[room_k][r], v[entitled][r]);
    EXPECT_LE(v[votes][r], v[room_k][r]);
    held += int(v[met][r]);
  }
  // The toy's CLPs meet with P = 0.8: CLP 3 held a meeting in some runs and not in others, and
  // its room was not empty when it did.
  EXPECT_GT(held, 15);
  EXPECT_LT(held, 30);
  double room = 0;
  for (size_t r = 0; r < 30; ++r) room += v[room_k][r];
  EXPECT_GT(room, 0);
}

// Every candidate plays on one population (the spec's), unless population = "per_candidate":
// the people entitled to attend CLP 3's meeting (all CLPs meet) are the population's, so two
// candidates with other seeds see the same numbers, run for run; redrawn, they differ.
TEST(Calibration, CandidatesShareOnePopulation) {
  TempDir dir;
  const std::string body = R"([calibration]
particles = 4
runs = 5
set = ["meetings.meet=1"]
POPULATION
[calibration.parameters]
"meetings.attendance" = { prior = "uniform", min = 0.05, max = 0.2 }
[calibration.targets]
entitled = { clp = "CLP 3", quantity = "eligible", observed = 300, scale = 50 }
)";
  auto eligible = [&](const std::string& population) {
    std::string text = body;
    text.replace(text.find("POPULATION"), 10, population);
    CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, text));
    const auto base = leadsim::test::toy(spec.set);
    leadsim::check_calibration_spec(spec, base);
    return leadsim::simulate_values(base, spec, {{0.1}, {0.1}}, {1, 2}, 5, 2);
  };
  const auto shared = eligible("");
  EXPECT_EQ(shared[0][0], shared[1][0]);
  EXPECT_GT(shared[0][0][0], 0);
  const auto redrawn = eligible("population = \"per_candidate\"");
  EXPECT_NE(redrawn[0][0], redrawn[1][0]);
}

// An outcomes file becomes one target per group and outcome, observed in the file, simulated
// over the same CLPs; its scale the binomial sd of the count, sqrt(n p (1 - p)) with
// p = (k + 1/2) / (n + 1), at least 1/2.
TEST(Calibration, OutcomesFileBecomesGroupCounts) {
  TempDir dir;
  {
    std::ofstream csv(dir / "outcomes.csv");
    csv << "clp,nominated\n";
    for (int i = 1; i <= 12; ++i) csv << "CLP " << i << "," << (i <= 7 ? "left" : i <= 10 ? "right" : "none") << "\n";
  }
  const std::string text = R"([calibration]
particles = 4
[calibration.parameters]
"meetings.attendance" = { prior = "uniform", min = 0.05, max = 0.2 }
[calibration.outcomes]
file = "outcomes.csv"
by = "all"
source = "made up"
)";
  CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, text));
  const auto base = leadsim::test::toy();
  leadsim::check_calibration_spec(spec, base);
  leadsim::check_calibration_spec(spec, base);  // a second check adds nothing twice
  ASSERT_EQ(spec.targets.size(), 3u);
  EXPECT_EQ(spec.targets[0].name, "all_all_left");
  EXPECT_EQ(spec.targets[1].name, "all_all_right");
  EXPECT_EQ(spec.targets[2].name, "all_all_none");
  EXPECT_EQ(spec.targets[0].observed, 7);
  EXPECT_EQ(spec.targets[1].observed, 3);
  EXPECT_EQ(spec.targets[2].observed, 2);
  EXPECT_EQ(spec.targets[0].clps.size(), 12u);  // the file's CLPs only
  const double p = 7.5 / 13;
  EXPECT_DOUBLE_EQ(spec.targets[0].scale, std::sqrt(12 * p * (1 - p)));
  EXPECT_EQ(spec.targets[0].source, "made up");
  EXPECT_FALSE(spec.outcomes->sha256.empty());
  // Simulated: the left's count over the 12 CLPs is at most the national one.
  std::string t2 = text;
  t2 += "[calibration.targets]\nnominations_left = { observed = 9, scale = 1 }\n";
  spec = leadsim::load_calibration_spec(write_spec(dir, t2));
  leadsim::check_calibration_spec(spec, base);
  ASSERT_EQ(spec.targets.size(), 4u);
  const auto v = leadsim::simulate_values(base, spec, {{0.1}}, {3}, 20, 2).at(0);
  for (size_t r = 0; r < 20; ++r) {
    EXPECT_LE(v[1][r], v[0][r]);
    EXPECT_EQ(v[1][r] + v[2][r] + v[3][r], 12);
  }
  // Groups kept by name; a name no CLP of the file is in is refused, with a did-you-mean.
  std::string t4 = text;
  t4.replace(t4.find("by = \"all\""), 10, "by = \"nation\"\ngroups = [\"All\"]");
  spec = leadsim::load_calibration_spec(write_spec(dir, t4));
  leadsim::check_calibration_spec(spec, base);
  ASSERT_EQ(spec.targets.size(), 3u);
  EXPECT_EQ(spec.targets[0].name, "nation_all_left");
  t4.replace(t4.find("[\"All\"]"), 7, "[\"Al\"]");
  spec = leadsim::load_calibration_spec(write_spec(dir, t4));
  try {
    leadsim::check_calibration_spec(spec, base);
    ADD_FAILURE() << "an unknown group should be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no CLP of the file is in the nation group 'Al' (did you mean 'All'"),
              std::string::npos) << e.what();
  }
  // Covariate bands: equal counts, lowest covariate first (the toy's generated CLPs given their
  // drawn covariate).
  std::string t3 = text;
  t3.replace(t3.find("by = \"all\""), 10, "by = \"covariate\"\nbins = 3\noutcomes = [\"left\"]");
  spec = leadsim::load_calibration_spec(write_spec(dir, t3));
  const auto with_covariate = leadsim::test::toy({"clps.covariate=\"lab_share\""});
  leadsim::check_calibration_spec(spec, with_covariate);
  ASSERT_EQ(spec.targets.size(), 3u);
  EXPECT_EQ(spec.targets[0].name, "covariate_1_left");
  double last = -INFINITY;
  for (const auto& t : spec.targets) {
    EXPECT_EQ(t.clps.size(), 4u);
    double lo = INFINITY;
    for (std::size_t c : t.clps) lo = std::min(lo, with_covariate.clps[c].covariate);
    EXPECT_GT(lo, last);
    for (std::size_t c : t.clps) last = std::max(last, with_covariate.clps[c].covariate);
  }
}

// The outcomes file is part of what a resume must match: a checkpoint made with one file is
// refused once the file says something else, naming it.
TEST(Calibration, ResumeRefusesAChangedOutcomesFile) {
  TempDir dir;
  auto write_outcomes = [&](const char* first) {
    std::ofstream csv(dir / "outcomes.csv");
    csv << "clp,nominated\nCLP 1," << first << "\nCLP 2,right\nCLP 3,none\n";
  };
  write_outcomes("left");
  const std::string text = R"([calibration]
particles = 4
runs = 1
generations = 2
[calibration.parameters]
"meetings.attendance" = { prior = "uniform", min = 0.05, max = 0.2 }
[calibration.outcomes]
file = "outcomes.csv"
by = "all"
)";
  const auto base = leadsim::test::toy();
  CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, text));
  leadsim::check_calibration_spec(spec, base);
  const auto out = dir / "cal";
  {
    leadsim::OutputDir od(out);
    leadsim::CalibrationFolder folder(out, base, spec, false);
    std::atomic<bool> cancel{false};
    const CalibrationResult r = leadsim::calibrate(
        base, spec, 2,
        [&](const leadsim::CalibrationCheckpoint& c) {
          folder.save(c);
          cancel = true;  // stop after the first generation: an unfinished checkpoint
        },
        {}, &cancel);
    ASSERT_TRUE(r.abc.cancelled);
  }
  EXPECT_NO_THROW(leadsim::CalibrationFolder(out, base, spec, true));
  write_outcomes("right");
  CalibrationSpec changed = leadsim::load_calibration_spec(write_spec(dir, text));
  leadsim::check_calibration_spec(changed, base);
  try {
    leadsim::CalibrationFolder folder(out, base, changed, true);
    ADD_FAILURE() << "a resume with another outcomes file should be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the outcomes file of [calibration.outcomes]"), std::string::npos)
        << e.what();
  }
}

// Synthetic data with a known truth, through per-CLP outcomes alone: each CLP's nomination in one
// contest the model played at P(meet) = 0.5 (200 CLPs), written as an outcomes file; calibrated
// from a prior on [0.05, 0.95], the 90% interval holds 0.5 and is far narrower than the prior (a
// binomial count of 200 CLPs pins P(meet) to about +-0.05).
TEST(Calibration, RecoversMeetingsFromPerClpOutcomes) {
  TempDir dir;
  // Many small CLPs, each meeting able to nominate (no quorum), so that a CLP's "none" mostly
  // says it did not meet.
  const std::vector<std::string> set{"clps.count=200", "meetings.quorum=0"};
  const auto truth = leadsim::test::toy({"clps.count=200", "meetings.quorum=0", "meetings.meet=0.5"});
  const auto run = leadsim::test::run_many(truth, 1, 2024).at(0);
  {
    std::ofstream csv(dir / "outcomes.csv");
    csv << "clp,nominated\n";
    for (size_t c = 0; c < truth.clps.size(); ++c)
      csv << truth.clps[c].name << ","
          << (run.clp_nominee[c] < 0 ? std::string("none") : truth.candidates[size_t(run.clp_nominee[c])].id)
          << "\n";
  }
  const std::string text = R"([calibration]
particles = 40
runs = 1
generations = 8
seed = 9
set = ["clps.count=200", "meetings.quorum=0"]
[calibration.parameters]
"meetings.meet" = { prior = "uniform", min = 0.05, max = 0.95 }
[calibration.outcomes]
file = "outcomes.csv"
by = "all"
outcomes = ["none"]
)";
  CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, text));
  const auto base = leadsim::test::toy(set);
  leadsim::check_calibration_spec(spec, base);
  const CalibrationResult r = leadsim::calibrate(base, spec, 2);
  const auto& g = r.abc.generations.back();
  const double lo = leadsim::weighted_quantile(g, 0, 0.05), hi = leadsim::weighted_quantile(g, 0, 0.95);
  EXPECT_LE(lo, 0.5);
  EXPECT_GE(hi, 0.5);
  EXPECT_LT(hi - lo, 0.25 * 0.9) << "observed " << spec.targets[0].observed << ", 90% [" << lo << ", " << hi << "]";
}

// Bad CLP targets and outcomes, each located with a did-you-mean where one helps.
TEST(Calibration, ClpTargetProblemsAreLocated) {
  TempDir dir;
  {
    std::ofstream csv(dir / "outcomes.csv");
    csv << "clp,nominated\nCLP 1,left\nCLP 33,left\nCLP 2,lefty\n";
  }
  const std::string text = R"([calibration]
[calibration.parameters]
"meetings.attendance" = { prior = "uniform", min = 0.05, max = 0.2 }
[calibration.targets]
a = { clp = "CLP 21", quantity = "met", observed = 1, scale = 1 }
b = { clp = "CLP 2", quantity = "vote_left", observed = 1, scale = 1 }
c = { clp = "CLP 2", quantity = "nominates_lefty", observed = 1, scale = 1 }
winner = { observed = 1, scale = 1 }
e = { clp = ["CLP 2", "CLP 2"], quantity = "met", observed = 1, scale = 1 }
[calibration.outcomes]
file = "outcomes.csv"
outcomes = ["left", "rihgt"]
)";
  CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, text));
  std::string all;
  try {
    leadsim::check_calibration_spec(spec, leadsim::test::toy());
    FAIL() << "should be refused";
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) all += d.str() + "\n";
  }
  for (const char* says : {"calib.toml:5:", "'CLP 21' is no CLP of this scenario (did you mean 'CLP 1'",
                           "calib.toml:6:", "quantity 'vote_left' should be", "did you mean 'votes_left'",
                           "calib.toml:7:", "'lefty' is no candidate", "calib.toml:8:",
                           "'winner' is not a numeric runs.csv column", "calib.toml:9:",
                           "CLP 'CLP 2' is named twice", "'rihgt' is no candidate of this scenario (did you mean 'right'",
                           "outcomes.csv:3:", "CLP 33", "outcomes.csv:4:", "lefty"})
    EXPECT_NE(all.find(says), std::string::npos) << says << "\n" << all;
  // Problems the file alone shows: the loader.
  auto load_error = [&](const std::string& body) {
    try {
      leadsim::load_calibration_spec(write_spec(dir, body));
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string head = "[calibration]\n[calibration.parameters]\n\"meetings.attendance\" = { prior = "
                           "\"uniform\", min = 0.05, max = 0.2 }\n";
  EXPECT_NE(load_error(head + "[calibration.targets]\nd = { quantity = \"met\", observed = 1, scale = 1 }\n")
                .find("quantity is for a CLP target"), std::string::npos);
  EXPECT_NE(load_error(head + "[calibration.targets]\nd = { clp = \"CLP 1\", observed = 1, scale = 1 }\n")
                .find("a CLP target needs quantity"), std::string::npos);
  EXPECT_NE(load_error(head + "[calibration.outcomes]\nfile = \"x.csv\"\nby = \"regoin\"\n").find("did you mean 'region'"),
            std::string::npos);
  EXPECT_NE(load_error(head + "[calibration.outcomes]\nby = \"region\"\n").find("needs file"), std::string::npos);
  EXPECT_NE(load_error(head + "[calibration.outcomes]\nfile = \"x.csv\"\nbins = 0\n").find("bins should be"),
            std::string::npos);
  EXPECT_NE(load_error("[calibration]\npopulation = \"each\"\n" + head.substr(14)).find("calibration.population should be"),
            std::string::npos);
  EXPECT_NE(load_error("[calibration]\n[calibration.parameters]\n\"meetings.attendance\" = { prior = \"uniform\", "
                       "min = 0.05, max = 0.2 }\n").find("[calibration.outcomes]"), std::string::npos);
}

// One region's entry of a regional table is a parameter (its field's domain, checked by the
// loader for the region's name); the table itself is not.
TEST(Calibration, RegionalEntryIsAParameter) {
  TempDir dir;
  auto check = [&](const std::string& path) {
    const std::string text = "[calibration]\n[calibration.parameters]\n\"" + path +
                             "\" = { prior = \"normal\", mean = 0, sd = 1 }\n[calibration.targets]\n"
                             "nominations_left = { observed = 9, scale = 1 }\n";
    CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, text));
    try {
      leadsim::check_calibration_spec(spec, leadsim::test::toy());
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    // Truncated to the field's domain, [-5, 5].
    EXPECT_EQ(spec.params[0].prior.lo, -5);
    EXPECT_EQ(spec.params[0].prior.hi, 5);
    return std::string();
  };
  EXPECT_EQ(check("factions.radical.region_lean.All"), "");
  EXPECT_NE(check("factions.radical.region_lean.Nowhere").find("unknown region"), std::string::npos);
  EXPECT_NE(check("factions.radical.region_lean.All.x").find("unknown parameter"), std::string::npos);
  EXPECT_NE(check("factions.radical.region_lean").find("a calibration fits one region's entry of it, "
                                                       "factions.radical.region_lean.<region>"),
            std::string::npos);
  // The toy's candidates see it: a strong lean of the radicals in every CLP (its one region)
  // moves the left's nominations.
  const std::string text = "[calibration]\n[calibration.parameters]\n\"factions.radical.region_lean.All\" = "
                           "{ prior = \"normal\", mean = 0, sd = 1 }\n[calibration.targets]\n"
                           "nominations_left = { observed = 9, scale = 1 }\n";
  CalibrationSpec spec = leadsim::load_calibration_spec(write_spec(dir, text));
  const auto base = leadsim::test::toy();
  leadsim::check_calibration_spec(spec, base);
  const auto m = leadsim::simulate_summaries(base, spec, {{-2}, {2}}, {1, 1}, 40, 2);
  EXPECT_GT(m[1][0], m[0][0] + 3) << m[0][0] << " " << m[1][0];
}

}  // namespace
