// Sweeps through the library: spec parsing and every kind of bad input, the mapping of designs to
// values, determinism across threads, a point rerun alone, adaptive runs, the resumable folder
// (journal recovery), shards and their merge.
#include "leadsim/sweep.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "leadsim/design.hpp"
#include "leadsim/report.hpp"
#include "support.hpp"

namespace leadsim {
namespace {

namespace fs = std::filesystem;
using test::scenario_path;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Test folders under /tmp, removed when the test program ends.
struct TempDirs {
  std::vector<fs::path> made;
  ~TempDirs() {
    std::error_code ec;
    for (const auto& d : made) fs::remove_all(d, ec);
  }
};
TempDirs temp_dirs;

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / fmt::format("leadsim-test-sweep-{}-{}", name, ::getpid());
  fs::remove_all(d);
  fs::create_directories(d);
  temp_dirs.made.push_back(d);
  return d;
}

fs::path write_file(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name, std::ios::binary) << text;
  return dir / name;
}

// Everything a sweep produced, in memory.
struct Collect : SweepSink {
  const SweepSpec& spec;
  std::string points, runs;
  std::vector<PointResult> results;
  explicit Collect(const SweepSpec& s) : spec(s) {}
  void on_point(const SweepPoint& p, const PointResult& r) override {
    points += points_csv_row(spec, p, r.stats);
    runs += r.runs_rows;
    results.push_back(r);
  }
};

SweepSpec toy_spec(SweepDesign design = SweepDesign::latin, std::uint64_t points = 6, std::uint64_t runs = 8) {
  SweepSpec spec;
  spec.params = {parse_param_flag("meetings.attendance=0.02:0.1"),
                 parse_param_flag("eligibility.freeze_ruling=upheld,overturned")};
  spec.design = design;
  spec.points = points;
  spec.runs = runs;
  spec.levels = 3;
  return spec;
}

// The messages of the InputError `f` throws (fails if it throws none).
template <class F>
std::vector<Diagnostic> problems(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "no InputError";
  return {};
}
bool mentions(const std::vector<Diagnostic>& d, const std::string& text) {
  for (const auto& x : d)
    if (x.str().find(text) != std::string::npos) return true;
  return false;
}
std::string all(const std::vector<Diagnostic>& d) {
  std::string s;
  for (const auto& x : d) s += x.str() + "\n";
  return s;
}

// ------------------------------------------------------------------------------------------
// Specs.

TEST(SweepSpecFile, ReadsTheSweepTableInFileOrder) {
  const fs::path dir = temp_dir("spec");
  const fs::path f = write_file(dir, "spec.toml", R"(
[sweep]
design = "grid"
levels = 4
runs = 7
seed = 3
streams = "independent"
set = ["meetings.quorum=5"]
[sweep.parameters]
"meetings.speakers" = { min = 2, max = 8, levels = 3 }
eligibility.freeze_ruling = ["upheld", "overturned"]
"eligibility.member_ballot_freeze" = { min = 2019-01-01, max = 2020-01-31 }
"mps.support" = [{ left = 0.5, right = 0.5 }, { left = 0.3, right = 0.6, none = 0.1 }]
)");
  const SweepSpec spec = load_sweep_spec(f.string());
  EXPECT_EQ(spec.design, SweepDesign::grid);
  EXPECT_EQ(spec.levels, 4);
  EXPECT_EQ(spec.runs, 7u);
  EXPECT_EQ(spec.seed, 3u);
  EXPECT_EQ(spec.streams, StreamPolicy::independent);
  EXPECT_EQ(spec.set, std::vector<std::string>{"meetings.quorum=5"});
  ASSERT_EQ(spec.params.size(), 4u);
  EXPECT_EQ(spec.params[0].path, "meetings.speakers");
  EXPECT_TRUE(spec.params[0].is_range);
  EXPECT_EQ(spec.params[0].levels, 3);
  EXPECT_EQ(spec.params[1].path, "eligibility.freeze_ruling");  // nested tables flatten
  EXPECT_EQ(spec.params[1].values, (std::vector<std::string>{"\"upheld\"", "\"overturned\""}));
  EXPECT_TRUE(spec.params[2].range_of_dates);
  EXPECT_EQ(spec.params[3].values.size(), 2u);
  EXPECT_EQ(spec.params[0].where.line, 10);
}

TEST(SweepSpecFile, ScenarioWithASweepTableLoadsAndItsSpecIsRead) {
  const fs::path dir = temp_dir("scenario-table");
  const std::string toy = read(scenario_path("toy.toml"));
  const fs::path f = write_file(dir, "toy.toml", toy + "\n[sweep]\npoints = 4\n[sweep.parameters]\n"
                                                        "\"meetings.attendance\" = { min = 0.03, max = 0.05 }\n");
  const Scenario s = load_scenario(f.string());  // the loader accepts and ignores [sweep]
  EXPECT_EQ(s.name, "Toy contest");
  SweepSpec spec;
  read_sweep_spec(f.string(), spec, true);
  EXPECT_EQ(spec.points, 4u);
  ASSERT_EQ(spec.params.size(), 1u);
  // A scenario without [sweep] leaves the spec as it was.
  SweepSpec untouched = toy_spec();
  read_sweep_spec(scenario_path("toy.toml"), untouched, true);
  EXPECT_EQ(untouched.params.size(), 2u);
}

TEST(SweepSpecFile, ASweepTableInAnIncludedFileIsReadAndTheIncluderWins) {
  const fs::path dir = temp_dir("included-table");
  write_file(dir, "toy.toml", read(scenario_path("toy.toml")));
  write_file(dir, "base.toml", "include = \"toy.toml\"\n[sweep]\ndesign = \"grid\"\nruns = 7\n"
                               "[sweep.parameters]\n\"meetings.attendance\" = { min = 0.03, max = 0.05 }\n");
  const fs::path top = write_file(dir, "mine.toml", "include = \"base.toml\"\n[sweep]\nruns = 9\n");
  SweepSpec spec;
  read_sweep_spec(top.string(), spec, true);
  EXPECT_EQ(spec.design, SweepDesign::grid);  // from the included file
  EXPECT_EQ(spec.runs, 9u);        // the including file's own key wins
  ASSERT_EQ(spec.params.size(), 1u);
  EXPECT_EQ(spec.params[0].path, "meetings.attendance");
  // A problem in the included [sweep] names the included file and its line.
  write_file(dir, "bad-base.toml", "include = \"toy.toml\"\n[sweep]\nruns = 0\n");
  const fs::path bad = write_file(dir, "bad.toml", "include = \"bad-base.toml\"\n");
  const auto d = problems([&] {
    SweepSpec s2;
    read_sweep_spec(bad.string(), s2, true);
  });
  EXPECT_TRUE(mentions(d, "bad-base.toml:3:8: error: 'sweep.runs' should be a whole number >= 1")) << all(d);
}

TEST(SweepSpecFile, BadKeysAndValuesAreLocated) {
  const fs::path dir = temp_dir("bad-spec");
  const fs::path f = write_file(dir, "spec.toml", R"([sweep]
desgin = "grid"
design = "latinn"
runs = 0
streams = "mine"
adaptive = "wins:left:0.05"
[sweep.parameters]
"meetings.attendance" = { min = 0.1 }
"meetings.quorum" = 5
"meetings.speakers" = []
)");
  const auto d = problems([&] { load_sweep_spec(f.string()); });
  EXPECT_TRUE(mentions(d, "spec.toml:2:10: error: unknown key 'sweep.desgin' (did you mean 'design'?)")) << all(d);
  EXPECT_TRUE(mentions(d, "spec.toml:3:10: error: design 'latinn' is not one of")) << all(d);
  EXPECT_TRUE(mentions(d, "(did you mean 'latin'?)")) << all(d);
  EXPECT_TRUE(mentions(d, "spec.toml:4:8: error: 'sweep.runs' should be a whole number >= 1")) << all(d);
  EXPECT_TRUE(mentions(d, "spec.toml:5:11: error: 'sweep.streams'")) << all(d);
  EXPECT_TRUE(mentions(d, "spec.toml:6:12: error: adaptive output 'wins'")) << all(d);
  EXPECT_TRUE(mentions(d, "spec.toml:8:25: error: 'meetings.attendance' needs both min and max")) << all(d);
  EXPECT_TRUE(mentions(d, "spec.toml:9:21: error: 'meetings.quorum' should be")) << all(d);
  EXPECT_TRUE(mentions(d, "spec.toml:10:23: error: 'meetings.speakers': the list of values is empty")) << all(d);
}

TEST(SweepParamFlag, RangesListsAndDates) {
  const SweepParam a = parse_param_flag("meetings.attendance=0.02:0.1");
  EXPECT_TRUE(a.is_range);
  EXPECT_EQ(a.lo, 0.02);
  EXPECT_EQ(a.hi, 0.1);
  const SweepParam b = parse_param_flag("meetings.speakers=2:8:4");
  EXPECT_EQ(b.levels, 4);
  const SweepParam c = parse_param_flag("eligibility.freeze_ruling=upheld,overturned");
  EXPECT_EQ(c.values, (std::vector<std::string>{"\"upheld\"", "\"overturned\""}));
  const SweepParam d = parse_param_flag("eligibility.member_ballot_freeze=2019-01-01:2020-01-31");
  EXPECT_TRUE(d.range_of_dates);
  EXPECT_EQ(d.hi - d.lo, 395);
  const SweepParam e = parse_param_flag("meetings.quorum=5,10");
  EXPECT_EQ(e.values, (std::vector<std::string>{"5", "10"}));
  EXPECT_TRUE(mentions(problems([] { parse_param_flag("meetings.attendance"); }), "should be path=lo:hi"));
  EXPECT_TRUE(mentions(problems([] { parse_param_flag("x=1:2:3:4"); }), "lo:hi or lo:hi:levels"));
  EXPECT_TRUE(mentions(problems([] { parse_param_flag("x=a:b"); }), "should be a number or a date"));
  EXPECT_TRUE(mentions(problems([] { parse_param_flag("x=1:2:0"); }), "levels should be"));
}

TEST(SweepCheck, EveryBadInputIsReported) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec();
  spec.params = {parse_param_flag("meetings.atendance=0.02:0.1"),      // typo
                 parse_param_flag("meetings.chair_bias=0.5:1.5"),      // probability beyond 1
                 parse_param_flag("eligibility.freeze_ruling=0:1"),    // range of words
                 parse_param_flag("meetings.speakers=8:2"),            // reversed
                 parse_param_flag("ballot.turnout.member=0.5,1.2"),    // a listed value outside
                 parse_param_flag("meetings.quorum=2.5:7"),            // integer with a fraction
                 parse_param_flag("eligibility.member_ballot_freeze=1:2"),  // date given numbers
                 parse_param_flag("meetings.meet=0.2:0.3"),
                 parse_param_flag("meetings.meet=0.2:0.3")};          // twice
  spec.runs = 0;
  spec.adaptive = parse_adaptive("win:lefty:0.05");
  const auto d = problems([&] { check_sweep_spec(spec, base); });
  EXPECT_TRUE(mentions(d, "unknown parameter 'meetings.atendance' (did you mean 'meetings.attendance'?)")) << all(d);
  EXPECT_TRUE(mentions(d, "'meetings.chair_bias' = 1.5 is outside what the scenario accepts")) << all(d);
  EXPECT_TRUE(mentions(d, "expected a number in [0, 1]")) << all(d);
  EXPECT_TRUE(mentions(d, "give a list of values, not a range")) << all(d);
  EXPECT_TRUE(mentions(d, "'meetings.speakers': min 8 is above max 2")) << all(d);
  EXPECT_TRUE(mentions(d, "'ballot.turnout.member' = 1.2 is outside")) << all(d);
  EXPECT_TRUE(mentions(d, "its range should be whole numbers")) << all(d);
  EXPECT_TRUE(mentions(d, "its range should be dates")) << all(d);
  EXPECT_TRUE(mentions(d, "'meetings.meet' is swept twice")) << all(d);
  EXPECT_TRUE(mentions(d, "runs per point should be at least 1")) << all(d);
  EXPECT_TRUE(mentions(d, "unknown candidate 'lefty' (did you mean 'left'?)")) << all(d);
  EXPECT_TRUE(mentions(d, "--param meetings.atendance: error:")) << all(d);
}

TEST(SweepCheck, DesignLimits) {
  const Scenario base = test::toy();
  SweepSpec none = toy_spec();
  none.params.clear();
  EXPECT_TRUE(mentions(problems([&] { check_sweep_spec(none, base); }), "no parameters to sweep"));

  SweepSpec big = toy_spec(SweepDesign::grid);
  big.params = {parse_param_flag("meetings.attendance=0.01:0.1:1000"), parse_param_flag("meetings.meet=0.1:0.9:1000")};
  EXPECT_TRUE(mentions(problems([&] { check_sweep_spec(big, base); }),
                       "the design has 1000000 points, more than the cap of 100000"));
  big.max_points = 2000000;
  EXPECT_NO_THROW(check_sweep_spec(big, base));

  SweepSpec pointless = toy_spec(SweepDesign::sobol, 0);
  EXPECT_TRUE(mentions(problems([&] { check_sweep_spec(pointless, base); }), "the sobol design needs a number of points"));

  SweepSpec salt = toy_spec(SweepDesign::random);
  salt.saltelli = true;
  EXPECT_TRUE(mentions(problems([&] { check_sweep_spec(salt, base); }), "needs a sobol or latin base design"));

  SweepSpec wide = toy_spec(SweepDesign::sobol, 4);
  wide.saltelli = true;
  for (int i = 0; i < 30; ++i) wide.params.push_back(parse_param_flag(fmt::format("meetings.meet={}", 0.01 * (i + 1))));
  const auto d = problems([&] { check_sweep_spec(wide, base); });
  EXPECT_TRUE(mentions(d, "the Sobol sequence here has 53 dimensions")) << all(d);
}

// ------------------------------------------------------------------------------------------
// Points.

TEST(SweepPoints, GridValuesIntegersDatesAndWords) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::grid);
  spec.params = {parse_param_flag("meetings.speakers=2:5:3"),
                 parse_param_flag("eligibility.member_ballot_freeze=2020-01-01:2020-01-31:2"),
                 parse_param_flag("eligibility.freeze_ruling=upheld,overturned")};
  check_sweep_spec(spec, base);
  EXPECT_EQ(spec.params[0].kind, ParamKind::integer);
  EXPECT_EQ(spec.params[1].kind, ParamKind::date);
  EXPECT_EQ(spec.params[2].kind, ParamKind::other);
  const auto pts = design_points(spec);
  ASSERT_EQ(pts.size(), 3u * 2 * 2);
  EXPECT_EQ(pts[0].values, (std::vector<std::string>{"2", "2020-01-01", "\"upheld\""}));
  EXPECT_EQ(pts[0].shown, (std::vector<std::string>{"2", "2020-01-01", "upheld"}));
  EXPECT_EQ(pts[1].shown[2], "overturned");
  EXPECT_EQ(pts[2].shown[1], "2020-01-31");
  EXPECT_EQ(pts[4].shown[0], "4");  // 3.5 rounds to 4
  EXPECT_EQ(pts[11].shown, (std::vector<std::string>{"5", "2020-01-31", "overturned"}));
  EXPECT_EQ(design_size(spec), 12u);
}

TEST(SweepPoints, SpaceFillingDesignsMapIntoTheRanges) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::latin, 40);
  spec.params.push_back(parse_param_flag("meetings.speakers=1:4"));
  check_sweep_spec(spec, base);
  const auto pts = design_points(spec);
  ASSERT_EQ(pts.size(), 40u);
  std::map<std::string, int> speakers, ruling;
  for (const auto& p : pts) {
    const double a = std::stod(p.values[0]);
    EXPECT_GE(a, 0.02);
    EXPECT_LT(a, 0.1);
    ++ruling[p.shown[1]];
    ++speakers[p.shown[2]];
  }
  // Latin strata: each whole number and each word gets its equal share exactly.
  EXPECT_EQ(ruling["upheld"], 20);
  EXPECT_EQ(ruling["overturned"], 20);
  for (const char* k : {"1", "2", "3", "4"}) EXPECT_EQ(speakers[k], 10) << k;
  for (const auto& p : pts) EXPECT_EQ(p.seed, 1u);  // common random numbers
}

TEST(SweepPoints, SaltelliLayoutAndIndependentStreams) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::sobol, 4);
  spec.saltelli = true;
  spec.streams = StreamPolicy::independent;
  check_sweep_spec(spec, base);
  const auto pts = design_points(spec);
  ASSERT_EQ(pts.size(), 4u * 4);
  EXPECT_EQ(pts[5].saltelli_sample, 1);
  EXPECT_EQ(pts[5].saltelli_matrix, 1);  // B
  // AB1 takes parameter 1 from B, the rest from A.
  EXPECT_EQ(pts[6].values[0], pts[5].values[0]);
  EXPECT_EQ(pts[6].values[1], pts[4].values[1]);
  EXPECT_EQ(pts[7].values[0], pts[4].values[0]);
  EXPECT_EQ(pts[7].values[1], pts[5].values[1]);
  // Seeds follow the values: equal values, equal seeds; different values, different seeds.
  std::map<std::vector<std::string>, std::uint64_t> seen;
  for (const auto& p : pts) {
    auto [it, fresh] = seen.emplace(p.values, p.seed);
    EXPECT_EQ(it->second, p.seed);
  }
  EXPECT_NE(pts[8].seed, pts[9].seed);
  // The Sobol base skips its first points, where A and B coincide (the origin, then all 0.5).
  for (size_t j = 0; j < pts.size(); j += 4) EXPECT_NE(pts[j].values, pts[j + 1].values) << "sample " << j / 4;
  const std::string header = points_csv_header(base, spec);
  EXPECT_EQ(header.rfind("point,saltelli_sample,saltelli_matrix,meetings.attendance,eligibility.freeze_ruling,seed,win_left,", 0), 0u) << header;
}

// ------------------------------------------------------------------------------------------
// Running.

TEST(SweepRun, SameBytesWithOneOrTwoThreadsAndAPointAloneMatches) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::grid);
  spec.params.push_back(parse_param_flag("waves.new.size=4000,9000"));  // redraws the population
  spec.runs = 6;
  check_sweep_spec(spec, base);
  std::vector<std::string> outputs;
  for (int threads : {1, 2, 3}) {
    Collect c(spec);
    SweepOptions opt;
    opt.threads = threads;
    ASSERT_TRUE(run_sweep(base, spec, opt, c));
    outputs.push_back(c.points + c.runs);
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_EQ(outputs[0], outputs[2]);

  Collect full(spec);
  run_sweep(base, spec, {}, full);
  const auto pts = design_points(spec);
  for (size_t p : {size_t(0), size_t(5), pts.size() - 1}) {
    const PointResult alone = run_point(base, spec, pts[p], 2);
    EXPECT_EQ(alone.runs_rows, full.results[p].runs_rows) << "point " << p;
    EXPECT_EQ(points_csv_row(spec, pts[p], alone.stats), points_csv_row(spec, pts[p], full.results[p].stats));
  }
  // A subset, in the order asked.
  Collect some(spec);
  SweepOptions opt;
  opt.points = {7, 2};
  run_sweep(base, spec, opt, some);
  EXPECT_EQ(some.results[0].runs_rows, full.results[7].runs_rows);
  EXPECT_EQ(some.results[1].runs_rows, full.results[2].runs_rows);
}

TEST(SweepRun, AStatsRowAgreesWithTheEnsembleSummary) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::grid);
  spec.params = {parse_param_flag("meetings.attendance=0.04")};
  spec.runs = 30;
  check_sweep_spec(spec, base);
  const PointResult r = run_point(base, spec, design_points(spec)[0]);
  const Scenario s = load_scenario(base.file, {"meetings.attendance=0.04"});
  const Population pop = synthesise(s, 1);
  EnsembleOptions eo;
  eo.runs = 30;
  const EnsembleResult e = run_ensemble(s, pop, eo);
  for (int c = 0; c < 2; ++c) {
    EXPECT_EQ(r.stats.win[size_t(c)].p, e.summary.win_probability(c).p);
    EXPECT_EQ(r.stats.win[size_t(c)].lo, e.summary.win_probability(c).lo);
    EXPECT_DOUBLE_EQ(r.stats.share[size_t(c)].mean, e.summary.candidates[size_t(c)].share.mean());
    EXPECT_NEAR(r.stats.share[size_t(c)].se, e.summary.candidates[size_t(c)].share.sd() / std::sqrt(30.0), 1e-12);
    EXPECT_DOUBLE_EQ(r.stats.nominations[size_t(c)].mean, e.summary.candidates[size_t(c)].nominations.mean());
  }
  EXPECT_EQ(r.stats.runs, 30u);
}

TEST(SweepRun, AdaptiveStopsWhenNarrowAndIsDeterministic) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::grid);
  spec.params = {parse_param_flag("meetings.attendance=0.02,0.08")};
  spec.runs = 10;
  spec.adaptive = parse_adaptive("share:left:0.01");
  spec.max_runs = 400;
  check_sweep_spec(spec, base);
  std::string first;
  for (int threads : {1, 2}) {
    Collect c(spec);
    SweepOptions opt;
    opt.threads = threads;
    run_sweep(base, spec, opt, c);
    for (const auto& r : c.results) {
      const auto& e = r.stats.share[0];
      EXPECT_EQ(r.stats.runs % 10, 0u);
      if (r.stats.runs < 400) {
        EXPECT_LT(e.hi - e.lo, 0.01);  // stopped because narrow ...
        // ... and not a batch later than needed: the interval one batch earlier was too wide.
        SweepSpec fixed = spec;
        fixed.adaptive.reset();
        fixed.runs = r.stats.runs - 10;
        if (fixed.runs > 0) {
          const auto pts = design_points(spec);
          const PointResult earlier = run_point(base, fixed, pts[size_t(r.point)]);
          EXPECT_GE(earlier.stats.share[0].hi - earlier.stats.share[0].lo, 0.01);
        }
      }
      EXPECT_GT(r.stats.runs, 10u);
    }
    if (first.empty()) first = c.points + c.runs;
    else EXPECT_EQ(first, c.points + c.runs);
  }
  // A target it cannot reach stops at the cap.
  spec.adaptive = parse_adaptive("win:left:0.0001");
  spec.max_runs = 30;
  Collect capped(spec);
  run_sweep(base, spec, {}, capped);
  for (const auto& r : capped.results) EXPECT_EQ(r.stats.runs, 30u);
}

TEST(SweepRun, PointsTheLoaderRefusesMidWayAreInputErrors) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::grid);
  // Each end is fine with the other date as the scenario has it, but not every combination:
  // a wave cannot stop joining before it starts.
  spec.params = {parse_param_flag("waves.new.joined_from=2020-01-01:2020-06-30:2"),
                 parse_param_flag("waves.new.joined_to=2020-01-02:2020-06-30:2")};
  check_sweep_spec(spec, base);
  Collect c(spec);
  const auto d = problems([&] { run_sweep(base, spec, {}, c); });
  EXPECT_TRUE(mentions(d, "point 2 (waves.new.joined_from=2020-06-30, waves.new.joined_to=2020-01-02) is refused")) << all(d);
}

TEST(SweepRun, SerialisedPointsRoundTrip) {
  PointResult r;
  r.point = 17;
  r.stats.runs = 3;
  r.stats.win = {{0.5, 0.1, 0.9}};
  r.stats.share = {{0.6, 0.01, 0.58, 0.62}};
  r.stats.nominations = {{5, 1, 3, 7}};
  r.stats.share_spread = {{0.51, 0.69}};
  r.stats.nominations_spread = {{2, 9}};
  r.stats.attendance = {0.04, 0.001, 0.038, 0.042};
  r.stats.attendance_spread = {0.035, 0.045};
  r.runs_rows = "17,a,b\n17,c,d\n";
  const PointResult back = deserialize_point(serialize(r));
  EXPECT_EQ(back.point, 17u);
  EXPECT_EQ(back.stats.win[0].hi, 0.9);
  EXPECT_EQ(back.stats.share[0].lo, 0.58);
  ASSERT_EQ(back.stats.share_spread.size(), 1u);
  EXPECT_EQ(back.stats.share_spread[0].q95, 0.69);
  EXPECT_EQ(back.stats.nominations_spread[0].q05, 2);
  EXPECT_EQ(back.stats.attendance.hi, 0.042);
  EXPECT_EQ(back.stats.attendance_spread.q05, 0.035);
  EXPECT_EQ(back.runs_rows, r.runs_rows);
  EXPECT_THROW(deserialize_point(serialize(r).substr(0, 20)), std::runtime_error);
}

// ------------------------------------------------------------------------------------------
// The folder.

TEST(SweepFolderTest, WritesFinishesAndRecoversFromATornTail) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::latin, 5, 4);
  check_sweep_spec(spec, base);
  const fs::path ref = temp_dir("folder-ref"), dir = temp_dir("folder");
  {
    SweepFolder f(ref, base, spec, {}, false);
    run_sweep(base, spec, {}, f);
    f.finish();
  }
  EXPECT_FALSE(fs::exists(ref / "sweep.journal"));
  EXPECT_EQ(read(ref / "points.csv").rfind(points_csv_header(base, spec), 0), 0u);
  {
    // Two points done, then garbage after them (a point being written when the process died).
    SweepFolder f(dir, base, spec, {}, false);
    SweepOptions opt;
    opt.points = {0, 1};
    run_sweep(base, spec, opt, f);
    EXPECT_EQ(f.done(), 2u);
    std::ofstream(dir / "runs.csv.partial", std::ios::app) << "2,0.03,upheld,0,left,half a ro";
    std::ofstream(dir / "points.csv.partial", std::ios::app) << "2,0.0";
  }
  {
    // Without --resume: refused, and nothing is touched.
    const auto d = problems([&] { SweepFolder f(dir, base, spec, {}, false); });
    EXPECT_TRUE(mentions(d, "the folder holds an unfinished sweep: add --resume")) << all(d);
  }
  {
    SweepFolder f(dir, base, spec, {}, true);
    EXPECT_EQ(f.done(), 2u);
    EXPECT_EQ(f.remaining(), (std::vector<std::uint64_t>{2, 3, 4}));
    SweepOptions opt;
    opt.points = f.remaining();
    run_sweep(base, spec, opt, f);
    f.finish();
  }
  for (const char* name : {"points.csv", "runs.csv", "sweep.json"}) EXPECT_EQ(read(dir / name), read(ref / name)) << name;
  {
    SweepFolder again(dir, base, spec, {}, true);
    EXPECT_TRUE(again.already_complete());
  }
  // A damaged finished part (lost by a system crash) is detected: the sweep starts over.
  fs::remove_all(dir);
  {
    SweepFolder f(dir, base, spec, {}, false);
    SweepOptions opt;
    opt.points = {0, 1, 2};
    run_sweep(base, spec, opt, f);
  }
  {
    std::fstream damage(dir / "runs.csv.partial", std::ios::in | std::ios::out | std::ios::binary);
    damage.seekp(400);
    damage.put('#');
  }
  {
    SweepFolder f(dir, base, spec, {}, true);
    EXPECT_EQ(f.done(), 0u);
    SweepOptions opt;
    opt.points = f.remaining();
    run_sweep(base, spec, opt, f);
    f.finish();
  }
  for (const char* name : {"points.csv", "runs.csv", "sweep.json"}) EXPECT_EQ(read(dir / name), read(ref / name)) << name;
}

TEST(SweepFolderTest, ANewSweepInAFolderDropsTheOldSensitivityTable) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::latin, 3, 2);
  check_sweep_spec(spec, base);
  const fs::path dir = temp_dir("stale-sensitivity");
  {
    SweepFolder f(dir, base, spec, {}, false);
    run_sweep(base, spec, {}, f);
    f.finish();
  }
  std::ofstream(dir / "sensitivity.csv") << "output,parameter,first_order\n";
  {
    SweepFolder same(dir, base, spec, {}, true);  // the same sweep, finished: the table stands
    EXPECT_TRUE(same.already_complete());
  }
  EXPECT_TRUE(fs::exists(dir / "sensitivity.csv"));
  SweepSpec other = spec;
  other.runs = 3;
  {
    // Another sweep, killed after one point: the old table still matches the old points.csv.
    SweepFolder f(dir, base, other, {}, false);
    SweepOptions opt;
    opt.points = {0};
    run_sweep(base, other, opt, f);
  }
  EXPECT_TRUE(fs::exists(dir / "sensitivity.csv"));
  {
    SweepFolder f(dir, base, other, {}, true);
    SweepOptions opt;
    opt.points = f.remaining();
    run_sweep(base, other, opt, f);
    f.finish();
  }
  EXPECT_FALSE(fs::exists(dir / "sensitivity.csv"));  // it described the sweep replaced
  EXPECT_TRUE(fs::exists(dir / "points.csv"));
}

TEST(SweepFolderTest, ResumingAnotherSweepIsRefused) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::latin, 4, 3);
  check_sweep_spec(spec, base);
  const fs::path dir = temp_dir("mismatch");
  {
    SweepFolder f(dir, base, spec, {}, false);
    SweepOptions opt;
    opt.points = {0};
    run_sweep(base, spec, opt, f);
  }
  SweepSpec other = spec;
  other.runs = 4;
  auto d = problems([&] { SweepFolder f(dir, base, other, {}, true); });
  EXPECT_TRUE(mentions(d, "cannot resume: the folder holds a different sweep: the sweep spec differs")) << all(d);
  SweepSpec reseeded = spec;
  reseeded.seed = 2;
  d = problems([&] { SweepFolder f(dir, base, reseeded, {}, true); });
  EXPECT_TRUE(mentions(d, "cannot resume")) << all(d);
  d = problems([&] { SweepFolder f(dir, base, spec, Shard{1, 2}, true); });
  EXPECT_TRUE(mentions(d, "the shard differs")) << all(d);
  // Another scenario file (same spec): refused too.
  const fs::path copy = write_file(temp_dir("other-scenario"), "toy.toml",
                                   read(scenario_path("toy.toml")) + "\n# edited\n");
  const Scenario edited = load_scenario(copy.string());
  d = problems([&] { SweepFolder f(dir, edited, spec, {}, true); });
  EXPECT_TRUE(mentions(d, "the scenario file differs")) << all(d);
  // The same sweep resumes.
  SweepFolder f(dir, base, spec, {}, true);
  EXPECT_EQ(f.done(), 1u);
}

TEST(SweepFolderTest, ShardsMergeToTheSingleSweepsBytes) {
  const Scenario base = test::toy();
  SweepSpec spec = toy_spec(SweepDesign::sobol, 7, 3);
  check_sweep_spec(spec, base);
  const fs::path root = temp_dir("shards");
  {
    SweepFolder f(root / "whole", base, spec, {}, false);
    run_sweep(base, spec, {}, f);
    f.finish();
  }
  std::vector<fs::path> parts;
  for (std::uint64_t i : {3u, 1u, 2u}) {  // any order
    const Shard shard{i, 3};
    const fs::path d = root / fmt::format("part{}", i);
    SweepFolder f(d, base, spec, shard, false);
    EXPECT_EQ(f.total(), shard_points(7, shard).size());
    SweepOptions opt;
    opt.points = f.remaining();
    run_sweep(base, spec, opt, f);
    f.finish();
    parts.push_back(d);
  }
  EXPECT_EQ(shard_points(7, {2, 3}), (std::vector<std::uint64_t>{1, 4}));
  merge_sweeps(parts, root / "merged");
  for (const char* name : {"points.csv", "runs.csv", "sweep.json"})
    EXPECT_EQ(read(root / "merged" / name), read(root / "whole" / name)) << name;

  auto d = problems([&] { merge_sweeps({parts[0], parts[1]}, root / "bad"); });
  EXPECT_TRUE(mentions(d, "shard 2/3 is missing")) << all(d);
  d = problems([&] { merge_sweeps({parts[0], parts[0], parts[1]}, root / "bad"); });
  EXPECT_TRUE(mentions(d, "given twice")) << all(d);
  d = problems([&] { merge_sweeps({parts[0], parts[1], root / "whole"}, root / "bad"); });
  EXPECT_TRUE(mentions(d, "a shard of a different sweep")) << all(d);
  EXPECT_FALSE(fs::exists(root / "bad" / "points.csv"));
  EXPECT_TRUE(mentions(problems([] { parse_shard("0/3"); }), "should be i/n"));
  EXPECT_TRUE(mentions(problems([] { parse_shard("4/3"); }), "should be i/n"));
  EXPECT_TRUE(mentions(problems([] { parse_shard("x"); }), "should be i/n"));
}

}  // namespace
}  // namespace leadsim
