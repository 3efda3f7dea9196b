// Tests of the visualiser's real window, run headless under xvfb-run (Debian's xvfb with Mesa's
// software OpenGL): the screenshot exists, has the window's size, and its plot areas are not
// blank; a missing display and a bad scenario are reported clearly with exit code 2.
#include <gtest/gtest.h>
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

using leadsim::test::read_file;
using leadsim::test::TempDir;

bool have_xvfb() { return std::system("command -v xvfb-run > /dev/null 2>&1") == 0; }

// Runs a shell command; returns its exit status (or -1).
int shell(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string viz_under_xvfb(const std::string& args) {
  return "xvfb-run -a -s \"-screen 0 1280x800x24\" " + std::string(LEADSIM_VIZ_BINARY) + " " + args;
}

struct Plot {
  int x0, y0, x1, y1;
  std::string title;
};

std::vector<Plot> read_plots(const std::string& path) {
  std::vector<Plot> out;
  std::ifstream in(path);
  Plot p;
  while (in >> p.x0 >> p.y0 >> p.x1 >> p.y1 && std::getline(in >> std::ws, p.title))
    out.push_back(p);
  return out;
}

// Inside a plot area: the variance of the grey level, and the share of pixels in a data colour
// (saturated: the candidates' palette), which blank areas, grids and text do not have.
struct Ink {
  double variance = 0, coloured = 0;
};
Ink ink(const unsigned char* rgb, int width, const Plot& p) {
  double sum = 0, sumsq = 0, n = 0, coloured = 0;
  for (int y = p.y0 + 2; y < p.y1 - 2; ++y)
    for (int x = p.x0 + 2; x < p.x1 - 2; ++x) {
      const unsigned char* px = rgb + (size_t(y) * size_t(width) + size_t(x)) * 3;
      const double grey = (px[0] + px[1] + px[2]) / 3.0;
      sum += grey;
      sumsq += grey * grey;
      n += 1;
      const int hi = std::max({px[0], px[1], px[2]}), lo = std::min({px[0], px[1], px[2]});
      coloured += hi - lo > 60;
    }
  if (n == 0) return {};
  const double mean = sum / n;
  return {sumsq / n - mean * mean, coloured / n};
}

// Runs the window headless and checks its screenshot; returns the plot areas found.
std::vector<Plot> screenshot_ok(const std::string& args, const TempDir& dir,
                                const std::string& name, size_t min_plots) {
  const std::string png = (dir / name).string();
  const std::string log = (dir / (name + ".log")).string();
  const int code = shell(viz_under_xvfb(args + " --screenshot " + png) + " > " + log + " 2>&1");
  EXPECT_EQ(code, 0) << read_file(log);
  int w = 0, h = 0, channels = 0;
  unsigned char* rgb = stbi_load(png.c_str(), &w, &h, &channels, 3);
  if (!rgb) {
    ADD_FAILURE() << "no PNG at " << png << ": " << read_file(log);
    return {};
  }
  EXPECT_EQ(w, 1280);  // the window's size
  EXPECT_EQ(h, 800);
  const std::vector<Plot> plots = read_plots(png + ".plots");
  EXPECT_GE(plots.size(), min_plots);
  for (const auto& p : plots) {
    EXPECT_GT(p.x1 - p.x0, 50) << p.title;
    EXPECT_GT(p.y1 - p.y0, 50) << p.title;
    EXPECT_LE(p.x1, w);
    EXPECT_LE(p.y1, h);
    const Ink k = ink(rgb, w, p);
    EXPECT_GT(k.variance, 50) << p.title << ": blank";
    EXPECT_GT(k.coloured, 0.003) << p.title << ": no data drawn";
  }
  stbi_image_free(rgb);
  return plots;
}

}  // namespace

TEST(VizWindow, ScreenshotOfTheOverviewHasItsChartsDrawn) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (apt-get install xvfb xauth)";
  TempDir dir;
  const auto plots = screenshot_ok(
      leadsim::test::scenario_path("toy.toml") + " --runs 50 --frames 5", dir, "overview.png", 6);
  std::vector<std::string> titles;
  for (const auto& p : plots) titles.push_back(p.title);
  EXPECT_EQ(titles.at(0), "Who wins (50 runs)");
}

TEST(VizWindow, ScreenshotsOfTheOtherTabs) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  const std::string toy = leadsim::test::scenario_path("toy.toml") + " --runs 60 --frames 5";
  screenshot_ok(toy + " --tab compare --then eligibility.freeze_ruling=overturned", dir,
                "compare.png", 4);
  screenshot_ok(toy + " --tab clps --clp \"CLP 3\"", dir, "clps.png", 1);
  screenshot_ok(toy + " --tab meeting --clp \"CLP 3\" --run 2", dir, "meeting.png", 0);
}

TEST(VizWindow, NoDisplayIsAClearMessageAndExitCode2) {
  TempDir dir;
  const std::string log = (dir / "log").string();
  const int code = shell("env -u DISPLAY -u WAYLAND_DISPLAY " + std::string(LEADSIM_VIZ_BINARY) +
                         " " + leadsim::test::scenario_path("toy.toml") + " > " + log + " 2>&1");
  EXPECT_EQ(code, 2);
  const std::string text = read_file(log);
  EXPECT_NE(text.find("no display"), std::string::npos) << text;
  EXPECT_NE(text.find("xvfb-run"), std::string::npos) << text;
}

TEST(VizWindow, ABadScenarioPrintsWhatValidatePrintsAndExits2) {
  TempDir dir;
  const std::string bad = std::string(LEADSIM_SOURCE_DIR) + "/tests/broken/many_problems.toml";
  const std::string viz_log = (dir / "viz").string(), validate_log = (dir / "validate").string();
  EXPECT_EQ(shell(std::string(LEADSIM_VIZ_BINARY) + " " + bad + " 2> " + viz_log), 2);
  EXPECT_EQ(shell(std::string(LEADSIM_BINARY) + " validate " + bad + " 2> " + validate_log), 2);
  // Every message the visualiser prints is one `leadsim validate` prints, and it prints them all.
  const std::string viz = read_file(viz_log), validate = read_file(validate_log);
  EXPECT_FALSE(viz.empty());
  std::istringstream lines(viz);
  int errors = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(validate.find(line), std::string::npos) << line;
    errors += line.find("error:") != std::string::npos;
  }
  int validate_errors = 0;
  for (size_t p = validate.find("error:"); p != std::string::npos;
       p = validate.find("error:", p + 1))
    ++validate_errors;
  EXPECT_EQ(errors, validate_errors);
  EXPECT_GT(errors, 1);
}
