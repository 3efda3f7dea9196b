// Tests of the visualiser's panels with an ImGui context and no display (no window, no OpenGL):
// each view draws for a few frames from the toy scenario's results, with and without a pinned
// result, with the mouse over its charts (tooltips); the whole App runs frame by frame through
// every tab, pins, compares, inspects a meeting and exports CSV.
#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <thread>

#include "app.hpp"
#include "chart.hpp"
#include "fonts.hpp"
#include "panels.hpp"
#include "runner.hpp"
#include "leadsim/ensemble.hpp"
#include "leadsim/sweep.hpp"
#include "shown.hpp"
#include "support.hpp"

using namespace leadsim;
using namespace leadsim::viz;

namespace {

// An ImGui context with a built font atlas and a display size, as a backend would give.
class ImGuiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = {1280, 800};
    io.DeltaTime = 1.0f / 60;
    setup_fonts(1.0f);
    unsigned char* pixels;
    int w, h;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  void TearDown() override { ImGui::DestroyContext(); }

  // Draws `draw` inside a full-display window for `frames` frames.
  template <class F>
  void frames(int n, F draw) {
    for (int i = 0; i < n; ++i) {
      ImGui::NewFrame();
      drawn_plots().clear();
      ImGui::SetNextWindowPos({0, 0});
      ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
      ImGui::Begin("test", nullptr, ImGuiWindowFlags_NoDecoration);
      draw();
      ImGui::End();
      ImGui::Render();
      ASSERT_NE(ImGui::GetDrawData(), nullptr);
    }
  }
  // Frames with the mouse at the centre of each plot area the previous frame drew.
  template <class F>
  void hover_each_plot(F draw) {
    frames(1, draw);
    const auto plots = drawn_plots();
    for (const auto& p : plots) {
      ImGui::GetIO().MousePos = {(p.x0 + p.x1) / 2, (p.y0 + p.y1) / 2};
      frames(2, draw);
    }
    ImGui::GetIO().MousePos = {-FLT_MAX, -FLT_MAX};
  }
};

Results toy_results(const std::vector<std::string>& overrides = {}, std::uint64_t runs = 200) {
  Runner runner;
  runner.submit(std::make_shared<const Scenario>(test::toy(overrides)), overrides, {.runs = runs},
                true);
  Results view;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    runner.update(view, 0);
    if (view.complete) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(view.complete);
  return view;
}

std::vector<std::string> plot_titles() {
  std::vector<std::string> t;
  for (const auto& p : drawn_plots()) t.push_back(p.title);
  return t;
}

// Runs App frames until it has settled (runs done, facts and replays ready) or 60 s pass.
void settle(App& app, int extra_frames = 2) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int after = 0;
  while (std::chrono::steady_clock::now() < deadline && after < extra_frames) {
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
    if (app.settled()) ++after;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(app.settled());
}

void app_frames(App& app, int n) {
  for (int i = 0; i < n; ++i) {
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
  }
}

}  // namespace

TEST_F(ImGuiTest, OverviewChartsDrawWithAndWithoutAPinnedResult) {
  const Results upheld = toy_results();
  const Results overturned = toy_results({"eligibility.freeze_ruling=overturned"});
  frames(3, [&] { overview_panel(upheld, nullptr, {1000, 760}); });
  EXPECT_EQ(drawn_plots().size(), 6u);
  EXPECT_EQ(plot_titles()[0], "Who wins (200 runs)");
  hover_each_plot([&] { overview_panel(overturned, &upheld, {1000, 760}); });
  EXPECT_EQ(drawn_plots().size(), 6u);
  // Nothing yet: each chart says it is waiting, and still draws its frame.
  frames(2, [&] { overview_panel(Results{}, nullptr, {1000, 760}); });
  EXPECT_EQ(drawn_plots().size(), 6u);
}

TEST_F(ImGuiTest, OverviewReportsWhatItShows) {
  const Results r = toy_results();
  Shown::get().start();
  frames(1, [&] { overview_panel(r, nullptr, {1000, 760}); });
  Shown::get().stop();
  int win = 0, share_bins = 0, first = 0, turnout = 0;
  double share_total = 0;
  for (const auto& rec : Shown::get().records()) {
    if (rec.view == "win_probability") {
      ++win;
      EXPECT_LE(rec.lo, rec.value);
      EXPECT_GE(rec.hi, rec.value);
    }
    if (rec.view == "final_share" && rec.series == "Left Candidate") {
      ++share_bins;
      share_total += rec.value;
    }
    first += rec.view == "first_preferences";
    turnout += rec.view == "turnout";
  }
  EXPECT_EQ(win, 2);
  EXPECT_GT(share_bins, 5);
  EXPECT_NEAR(share_total, 1.0, 0.02);  // the bins shown hold (nearly) every run
  EXPECT_EQ(first, 6);                  // 2 candidates x 3 sections
  EXPECT_EQ(turnout, 3);
  const std::string csv = Shown::get().csv();
  EXPECT_EQ(csv.rfind("view,series,item,x,x_hi,value,lo,hi,text\n", 0), 0u);
  EXPECT_NE(csv.find("win_probability,Left Candidate,P(win),"), std::string::npos);
}

TEST_F(ImGuiTest, ClpScatterAndTable) {
  const Results r = toy_results();
  ClpFacts facts;
  facts.job = r.job;
  facts.eligible_by_wave = eligible_by_wave(*r.scenario, *r.population);
  facts.support = member_support(*r.scenario, *r.population, r.seed, 2);
  ViewState v;
  for (int x = 0; x < kScatterWaveShare + 2; ++x) {
    v.scatter_x = x;
    frames(2, [&] { clp_panel(r, &facts, v, {1000, 760}); });
    EXPECT_EQ(drawn_plots().size(), 1u);
  }
  // The meeting-vote y axis: every CLP that met is a point at its candidate's pooled share.
  v.scatter_x = kScatterCovariate;
  v.scatter_vote_share = true;
  Shown::get().start();
  frames(1, [&] { clp_panel(r, &facts, v, {1000, 760}); });
  Shown::get().stop();
  const auto vote_rows = clp_rows(r);
  int points = 0;
  for (const auto& rec : Shown::get().records()) {
    if (rec.view != "clp_scatter") continue;
    ++points;
    for (const auto& row : vote_rows)
      if (row.name == rec.series) {
        EXPECT_DOUBLE_EQ(rec.value, row.meeting_share[0]) << row.name;
      }
  }
  int met = 0;
  for (const auto& row : vote_rows) met += row.p_met > 0;
  EXPECT_EQ(points, met);
  v.scatter_vote_share = false;
  // Without the facts yet: the scatter waits for members' support, the table still lists CLPs.
  v.scatter_x = kScatterSupport;
  frames(2, [&] { clp_panel(r, nullptr, v, {1000, 760}); });
  // Hovering the scatter and clicking a point selects that CLP.
  v.scatter_x = kScatterCovariate;
  hover_each_plot([&] { clp_panel(r, &facts, v, {1000, 760}); });
  const auto rows = clp_rows(r);
  Shown::get().start();
  frames(1, [&] { clp_panel(r, &facts, v, {1000, 760}); });
  Shown::get().stop();
  int scatter = 0, table = 0;
  for (const auto& rec : Shown::get().records()) {
    scatter += rec.view == "clp_scatter";
    table += rec.view == "clp_table" && rec.item == "P(meet)";
  }
  EXPECT_EQ(scatter, 20);
  EXPECT_EQ(table, 20);
  // A search narrows the table.
  v.clp_filter = "CLP 1";
  Shown::get().start();
  frames(1, [&] { clp_panel(r, &facts, v, {1000, 760}); });
  Shown::get().stop();
  table = 0;
  for (const auto& rec : Shown::get().records())
    table += rec.view == "clp_table" && rec.item == "P(meet)";
  EXPECT_GT(table, 0);
  EXPECT_LT(table, 20);
  EXPECT_EQ(scatter_x_value(rows[0], &facts, kScatterCovariate, 0), rows[0].covariate);
  EXPECT_NEAR(scatter_x_value(rows[0], &facts, kScatterSupport, 0) +
                  scatter_x_value(rows[0], &facts, kScatterSupport, 1),
              1.0, 1e-9);
  EXPECT_TRUE(std::isnan(scatter_x_value(rows[0], nullptr, kScatterSupport, 0)));
}

// The CLP map, on the toy's 20 generated CLPs laid on a small hex map of their own (and one cell
// that is no CLP): every CLP coloured by the value chosen, and a click on a hexagon selects its
// CLP and asks for its meeting.
TEST_F(ImGuiTest, ClpMapColoursEveryClpAndAClickOpensItsMeeting) {
  const Results r = toy_results();
  test::TempDir dir;
  std::string csv = "name,q,r\n";
  for (int i = 0; i < 20; ++i)
    csv += "CLP " + std::to_string(i + 1) + "," + std::to_string(i % 5) + "," +
           std::to_string(i / 5) + "\n";
  csv += "Elsewhere,7,0\n";
  ViewState v;
  v.hexmap_file = dir.write("hex.csv", csv);
  ASSERT_NE(clp_hexmap(r, v), nullptr);
  const auto rows = clp_rows(r);
  for (int colour : {kMapNominates, kMapMeets, kMapLean}) {
    v.map_colour = colour;
    frames(1, [&] { clp_panel(r, nullptr, v, {1000, 760}); });
    Shown::get().start();
    frames(1, [&] { clp_panel(r, nullptr, v, {1000, 760}); });
    Shown::get().stop();
    int cells = 0;
    for (const auto& rec : Shown::get().records()) {
      if (rec.view != "clp_map") continue;
      ++cells;
      const ClpRow& row = rows[size_t(r.scenario->clp_index(rec.series))];
      EXPECT_DOUBLE_EQ(rec.value, colour == kMapNominates ? row.p_nominate[0]
                                  : colour == kMapMeets   ? row.p_met
                                                          : 0.0)  // the toy has no identity
          << rec.series;
    }
    EXPECT_EQ(cells, 20);
    EXPECT_EQ(drawn_plots().size(), 2u);  // the scatter and the map
  }
  // Click the middle of CLP 7's hexagon (q 1, r 1).
  const HexMap map = read_hexmap(v.hexmap_file);
  const HexBounds b = hex_bounds(map);
  const PlotArea area = drawn_plots().back();
  ASSERT_EQ(area.title.rfind("CLP map", 0), 0u);
  const float scale = (area.x1 - area.x0) / float(b.x1 - b.x0);
  const HexPoint c = hex_centre(1, 1);
  ImGui::GetIO().MousePos = {area.x0 + float(c.x - b.x0) * scale, area.y0 + float(c.y - b.y0) * scale};
  frames(1, [&] { clp_panel(r, nullptr, v, {1000, 760}); });
  EXPECT_FALSE(v.open_meeting);
  ImGui::GetIO().MouseDown[0] = true;
  frames(1, [&] { clp_panel(r, nullptr, v, {1000, 760}); });
  ImGui::GetIO().MouseDown[0] = false;
  frames(1, [&] { clp_panel(r, nullptr, v, {1000, 760}); });
  EXPECT_EQ(v.selected_clp, r.scenario->clp_index("CLP 7"));
  EXPECT_TRUE(v.open_meeting);
  ImGui::GetIO().MousePos = {-FLT_MAX, -FLT_MAX};
  // Without a map for its CLPs (the toy's default: the GB map has none of them), no map.
  ViewState plain;
  EXPECT_EQ(clp_hexmap(r, plain), nullptr);
  frames(1, [&] { clp_panel(r, nullptr, plain, {1000, 760}); });
  EXPECT_EQ(drawn_plots().size(), 1u);
}

TEST_F(ImGuiTest, CompareViewShowsPairedDifferences) {
  const Results upheld = toy_results();
  const Results overturned = toy_results({"eligibility.freeze_ruling=overturned"});
  frames(2, [&] { compare_panel(overturned, nullptr, {1000, 760}); });  // nothing pinned: a hint
  EXPECT_TRUE(drawn_plots().empty());
  hover_each_plot([&] { compare_panel(overturned, &upheld, {1000, 760}); });
  EXPECT_EQ(drawn_plots().size(), 4u);  // three overlays and the differences
  Shown::get().start();
  frames(1, [&] { compare_panel(overturned, &upheld, {1000, 760}); });
  Shown::get().stop();
  bool found = false;
  for (const auto& rec : Shown::get().records())
    if (rec.view == "difference" && rec.series == "Final share Left Candidate" &&
        rec.item == "current - pinned") {
      found = true;
      EXPECT_GT(rec.lo, 0);  // new members are radicals: the left candidate gains
    }
  EXPECT_TRUE(found);
}

TEST_F(ImGuiTest, MeetingInspectorTellsTheMeeting) {
  const Results r = toy_results();
  ViewState v;
  v.selected_clp = 3;
  v.inspect_run = 5;
  const MeetingInspection m = inspect_meeting(r, 3, 5);
  EXPECT_EQ(m.clp, 3);
  EXPECT_FALSE(m.text.empty());
  EXPECT_EQ(m.story.result.met, m.text.find("did not hold") == std::string::npos);
  frames(3, [&] { meeting_panel(r, &m, false, v, {1000, 700}); });
  // Not yet replayed: it says so.
  frames(2, [&] { meeting_panel(r, nullptr, true, v, {1000, 700}); });
  // Every CLP in a few runs, including ones that did not meet.
  for (int clp = 0; clp < 20; ++clp)
    for (std::uint64_t run : {0ull, 1ull}) {
      v.selected_clp = clp;
      v.inspect_run = run;
      const MeetingInspection mi = inspect_meeting(r, clp, run);
      frames(1, [&] { meeting_panel(r, &mi, false, v, {1000, 700}); });
    }
}

TEST_F(ImGuiTest, ParameterPanelListsEveryParameter) {
  EditSession e;
  e.open(test::scenario_path("toy.toml"));
  ViewState v;
  frames(3, [&] { parameter_panel(e, v); });
  v.param_filter = "chair";
  frames(2, [&] { parameter_panel(e, v); });
  ASSERT_TRUE(e.set("meetings.chair_bias", "0.4"));
  EXPECT_FALSE(e.set("meetings.attendance", "1.5"));  // refused: shown under its widget
  v.param_filter.clear();
  frames(3, [&] { parameter_panel(e, v); });
  // The tooltip names the raw key (what --set, sweeps and the file call it) and the meaning.
  const std::string tip = parameter_tooltip(*e.spec("meetings.chair_bias"), "0");
  EXPECT_EQ(tip.rfind("meetings.chair_bias   (leadsim run --set meetings.chair_bias=...)", 0), 0u)
      << tip;
  EXPECT_NE(tip.find(find_field("meetings.chair_bias")->meaning), std::string::npos) << tip;
  EXPECT_NE(tip.find("Unit: probability"), std::string::npos) << tip;
}

TEST_F(ImGuiTest, TheAppRunsEveryTabWithoutAWindow) {
  AppOptions o;
  o.scenario = test::scenario_path("toy.toml");
  o.settings.runs = 100;
  o.debounce_seconds = 0.05;
  App app(o);
  settle(app);
  EXPECT_EQ(app.results().count(), 100u);
  EXPECT_EQ(drawn_plots().size(), 6u);

  // Pin, change the ruling as the combo would, and compare.
  app.pin();
  ASSERT_TRUE(app.edit().set("eligibility.freeze_ruling", "overturned"));
  app.select_tab(Tab::compare);
  app_frames(app, 1);
  settle(app);
  EXPECT_NE(app.results().job, app.pinned()->job);
  EXPECT_EQ(app.tab(), Tab::compare);
  EXPECT_EQ(drawn_plots().size(), 4u);

  app.select_tab(Tab::clps);
  app_frames(app, 1);
  settle(app);
  EXPECT_EQ(drawn_plots().size(), 1u);
  // A click on the CLP map asks for the CLP's meeting: the app opens the inspector.
  app.views().open_meeting = true;
  app_frames(app, 1);
  settle(app);
  EXPECT_EQ(app.tab(), Tab::meeting);
  EXPECT_FALSE(app.views().open_meeting);

  app.views().selected_clp = 2;
  app.views().inspect_run = 7;
  app.select_tab(Tab::meeting);
  app_frames(app, 1);
  settle(app);

  app.select_tab(Tab::sweep);
  app_frames(app, 3);

  // Export what the compare tab shows.
  test::TempDir dir;
  app.select_tab(Tab::compare);
  app_frames(app, 2);
  const std::string csv = (dir / "compare.csv").string();
  app.export_csv(csv);
  app_frames(app, 1);
  const std::string text = test::read_file(csv);
  EXPECT_NE(text.find("difference,P(win) Left Candidate,current - pinned"), std::string::npos)
      << text.substr(0, 500);
  EXPECT_NE(app.message().find("wrote"), std::string::npos);
  // A PNG needs the window: the App only passes the request on.
  app.export_png((dir / "x.png").string());
  EXPECT_EQ(app.take_png_request(), (dir / "x.png").string());
  EXPECT_EQ(app.take_png_request(), std::nullopt);
}

TEST_F(ImGuiTest, AFileThatDoesNotLoadKeepsThePreviousScenario) {
  AppOptions o;
  o.scenario = test::scenario_path("toy.toml");
  o.settings.runs = 20;
  App app(o);
  settle(app);
  const auto before = app.edit().scenario();
  EXPECT_FALSE(app.open(std::string(LEADSIM_SOURCE_DIR) + "/tests/broken/many_problems.toml"));
  EXPECT_EQ(app.edit().scenario(), before);
  app_frames(app, 3);  // the messages show in a popup
  EXPECT_TRUE(app.open(test::scenario_path("toy.toml")));
  EXPECT_NE(app.edit().scenario(), before);
}

TEST(VizApp, ABadScenarioThrowsTheLoadersMessages) {
  AppOptions o;
  o.scenario = std::string(LEADSIM_SOURCE_DIR) + "/tests/broken/many_problems.toml";
  EXPECT_THROW(App{o}, InputError);
}

TEST(VizApp, TabNames) {
  for (Tab t : {Tab::overview, Tab::clps, Tab::compare, Tab::meeting, Tab::sweep})
    EXPECT_EQ(tab_from_name(tab_name(t)), t);
  EXPECT_EQ(tab_from_name("nonsense"), std::nullopt);
}

namespace {

// Waits (at most a minute) for a sweep to finish.
void wait_for(const Sweep& sweep) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (sweep.running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace

TEST(VizSweep, ValuesAndAFewPoints) {
  EditSession e;
  e.open(test::scenario_path("toy.toml"));
  Sweep sweep;
  SweepSettings s;
  s.path = "meetings.attendance";
  s.from = 0.02;
  s.to = 0.2;
  s.points = 3;
  s.runs = 40;
  sweep.start(e, s);
  wait_for(sweep);
  const auto pts = sweep.points();
  ASSERT_EQ(pts.size(), 3u);
  for (size_t i = 0; i < pts.size(); ++i) {
    const auto& p = pts[i];
    EXPECT_TRUE(p.error.empty()) << p.error;
    EXPECT_EQ(p.index, i);
    EXPECT_EQ(p.stats.runs, 40u);
    ASSERT_EQ(p.stats.win.size(), 2u);
    ASSERT_EQ(p.stats.share_spread.size(), 2u);
  }
  EXPECT_EQ(pts[0].value, 0.02);
  EXPECT_NEAR(pts[1].value, 0.11, 1e-12);
  EXPECT_EQ(pts[2].value, 0.2);
  EXPECT_LT(pts[0].stats.attendance.mean, pts[2].stats.attendance.mean);  // more attend when more do
  EXPECT_DOUBLE_EQ(sweep.progress(), 1.0);
  // An out-of-range value is a refused point, not a failure.
  s.from = 0.5;
  s.to = 1.5;
  s.points = 2;
  sweep.start(e, s);
  wait_for(sweep);
  ASSERT_EQ(sweep.points().size(), 2u);
  EXPECT_TRUE(sweep.points()[0].error.empty());
  EXPECT_FALSE(sweep.points()[1].error.empty());
  EXPECT_EQ(sweep.points()[1].value, 1.5);
  // Whole numbers: levels that round alike are one point.
  s.path = "meetings.speakers";
  s.from = 1;
  s.to = 3;
  s.points = 5;
  s.runs = 10;
  sweep.start(e, s);
  wait_for(sweep);
  std::vector<double> values;
  for (const auto& p : sweep.points()) values.push_back(p.value);
  EXPECT_EQ(values, (std::vector<double>{1, 2, 3}));
  EXPECT_DOUBLE_EQ(sweep.progress(), 1.0);
}

namespace {

// Every figure of a point, as its bytes (the MPI wire carries all of PointStats).
std::string bytes_of(const PointStats& s) { return serialize(PointResult{0, s, ""}); }

}  // namespace

TEST(VizSweep, ThePointsAreTheLibraryEnginesForTheSameSpec) {
  EditSession e;
  e.open(test::scenario_path("toy.toml"));
  ASSERT_TRUE(e.set("meetings.chair_bias", "0.5"));     // the session's overrides apply
  ASSERT_TRUE(e.set("meetings.attendance", "0.07"));    // ... but not to the swept parameter
  SweepSettings s;
  s.path = "meetings.attendance";
  s.from = 0.03;
  s.to = 0.15;
  s.points = 4;
  s.runs = 30;
  s.seed = 7;
  s.threads = 3;
  Sweep sweep;
  sweep.start(e, s);
  wait_for(sweep);
  const auto pts = sweep.points();
  ASSERT_EQ(pts.size(), 4u);

  // The same sweep written as a spec by hand, each point computed alone by run_point.
  SweepSpec spec;
  spec.design = SweepDesign::grid;
  spec.runs = 30;
  spec.seed = 7;
  spec.set = {"meetings.chair_bias=0.5"};
  spec.params = {parse_param_flag("meetings.attendance=0.03:0.15:4")};  // as `--param` gives it
  const Scenario base = load_scenario(test::scenario_path("toy.toml"), spec.set);
  check_sweep_spec(spec, base);
  const auto design = design_points(spec);
  ASSERT_EQ(design.size(), pts.size());
  for (size_t i = 0; i < design.size(); ++i) {
    EXPECT_EQ(design[i].seed, 7u);  // common random numbers: the sweep's seed at every point
    const PointResult alone = run_point(base, spec, design[i], 2);
    EXPECT_TRUE(pts[i].error.empty()) << pts[i].error;
    EXPECT_DOUBLE_EQ(pts[i].value, std::stod(design[i].values[0]));
    EXPECT_EQ(pts[i].stats.runs, alone.stats.runs);
    EXPECT_EQ(pts[i].stats.win[0].p, alone.stats.win[0].p);
    EXPECT_EQ(pts[i].stats.attendance_spread.q95, alone.stats.attendance_spread.q95);
    EXPECT_EQ(bytes_of(pts[i].stats), bytes_of(alone.stats)) << "point " << i;
  }
}

TEST(VizSweep, RunSpreadsAreTheQuantilesOfTheRuns) {
  // A point's 5% and 95% against the runs of run_ensemble at the same scenario and seed.
  SweepSpec spec;
  spec.design = SweepDesign::grid;
  spec.runs = 300;
  spec.seed = 5;
  SweepParam p;
  p.path = "meetings.attendance";
  p.values = {"0.06"};
  spec.params = {p};
  const Scenario base = test::toy();
  check_sweep_spec(spec, base);
  const PointStats st = run_point(base, spec, design_points(spec).at(0), 2).stats;

  const Scenario sc = test::toy({"meetings.attendance=0.06"});
  const Population pop = synthesise(sc, 5);
  struct Keep : RunObserver {
    std::vector<RunResult> runs;
    void on_run(const RunResult& r) override { runs.push_back(r); }
  } keep;
  const EnsembleResult ens = run_ensemble(sc, pop, {.seed = 5, .runs = 300, .threads = 2}, &keep);
  ASSERT_EQ(keep.runs.size(), 300u);
  ASSERT_EQ(st.runs, 300u);

  // The empirical quantile: the smallest observed x with at least q of the runs at or below it.
  auto quantile = [](std::vector<double> x, double q) {
    std::sort(x.begin(), x.end());
    const double target = q * double(x.size());
    size_t i = 0;
    while (double(i + 1) < target) ++i;
    return x[i];
  };
  const size_t k = sc.candidates.size();
  ASSERT_EQ(st.share_spread.size(), k);
  ASSERT_EQ(st.nominations_spread.size(), k);
  for (size_t c = 0; c < k; ++c) {
    std::vector<double> share, noms;
    for (const auto& r : keep.runs) {
      share.push_back(r.share[c]);
      noms.push_back(double(r.nominations[c]));
    }
    // Counts exactly; shares to the histogram's bin (1e-4).
    EXPECT_EQ(st.nominations_spread[c].q05, quantile(noms, 0.05));
    EXPECT_EQ(st.nominations_spread[c].q95, quantile(noms, 0.95));
    EXPECT_NEAR(st.share_spread[c].q05, quantile(share, 0.05), 1e-4);
    EXPECT_NEAR(st.share_spread[c].q95, quantile(share, 0.95), 1e-4);
    EXPECT_LT(st.nominations_spread[c].q05, st.nominations_spread[c].q95);
    // And they are what the run view's Summary says.
    const CandidateSummary& cs = ens.summary.candidates[c];
    EXPECT_EQ(st.share_spread[c].q05, cs.share.quantile(0.05));
    EXPECT_EQ(st.share_spread[c].q95, cs.share.quantile(0.95));
    EXPECT_EQ(st.nominations_spread[c].q95, cs.nominations.quantile(0.95));
    EXPECT_DOUBLE_EQ(st.share[c].mean, cs.share.mean());
  }
  std::vector<double> att;
  double sum = 0;
  for (const auto& r : keep.runs) {
    att.push_back(r.attendance_rate());
    sum += r.attendance_rate();
  }
  EXPECT_DOUBLE_EQ(st.attendance.mean, sum / 300);
  EXPECT_GT(st.attendance.se, 0);
  EXPECT_NEAR(st.attendance.hi - st.attendance.mean, 1.959964 * st.attendance.se, 1e-12);
  EXPECT_NEAR(st.attendance_spread.q05, quantile(att, 0.05), 1e-4);
  EXPECT_NEAR(st.attendance_spread.q95, quantile(att, 0.95), 1e-4);
  EXPECT_LT(st.attendance_spread.q05, st.attendance_spread.q95);
  EXPECT_EQ(st.attendance_spread.q95, ens.summary.attendance_rate.quantile(0.95));
}
