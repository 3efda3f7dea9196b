// Tests for calibration.hpp: a calibration of the toy recovers a parameter from outcomes the
// model made at a known value; the same bytes whatever the threads; the spec's checks.
#include "leadsim/calibration.hpp"

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
// prior that stops at 1.5. The posterior piles against 1.5 (seeds 1 to 8: 15% to 24% of the
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
  // Targets: 20 predictive runs 1..20 (equal weights); 5% to 95% is [1, 19].
  leadsim::CalibrationTarget t;
  t.column = "nominations_left";
  spec.targets.push_back(t);
  CalibrationResult r = posterior({0.5});
  r.predictive = {{{}}};
  for (int i = 1; i <= 20; ++i) r.predictive[0][0].push_back(i);
  spec.targets[0].observed = 19;
  EXPECT_TRUE(leadsim::calibration_warnings(spec, r).empty());
  spec.targets[0].observed = 19.5;
  w = leadsim::calibration_warnings(spec, r);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].kind, leadsim::CalibrationWarning::Kind::predictive_check);
  EXPECT_NE(w[0].message.find("outside the posterior's 90% predictive interval [1, 19]"),
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
    leadsim::CalibrationFolder peek(stopped, base, spec, true);
    ASSERT_NE(peek.resumed(), nullptr);
    EXPECT_EQ(peek.resumed()->generations.size(), 1u);
    EXPECT_FALSE(peek.resumed_finished());
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
