// leadsim-viz: explore a leadership contest interactively. The window and the loop live here
// (GLFW, OpenGL 3.3, Dear ImGui's backends, PNG capture); everything else is in the App.
//
//   leadsim-viz [SCENARIO] [--set path=value]... [--runs N] [--seed S] [--threads T]
//
// Headless use (tests, screenshots, measurements), e.g. under xvfb-run:
//   leadsim-viz scenarios/toy.toml --runs 50 --frames 5 --screenshot out.png
// runs the real window until the runs are done, draws K more frames, writes the window as PNG
// (and out.png.plots: where each chart's plot area is) and exits 0.
//   --tab clps|compare|meeting|sweep   the tab to show     --clp NAME, --run R   what to inspect
//   --then path=value                 pin the first result, apply the edit, wait for its runs
//   --sweep path=FROM:TO[:OUTCOME]    sweep the parameter (9 points of --runs runs each);
//                                     OUTCOME: win, share, nominations or attendance
//   --measure path=value              apply the edit as a widget would; print the time to the
//                                     first picture and to 1,000 runs, and the frame rate meanwhile
//                                     (pointer moving; then the change back, nobody at the window;
//                                     then the edit again, answered from the kept job)
//
// LEADSIM_VIZ_TIMING=1 prints where frame time goes (UI, OpenGL calls, buffer swap) every 60
// frames.
//
// Exit codes: 0 success, 2 bad input or no display, 1 internal error.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "app.hpp"
#include "chart.hpp"
#include "fonts.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using leadsim::viz::App;

// app.cpp uses GLFW's key codes without including GLFW: keep them honest.
static_assert(GLFW_KEY_ESCAPE == 256 && GLFW_KEY_F1 == 290 && GLFW_KEY_F5 == 294 &&
              GLFW_KEY_F12 == 301 && GLFW_KEY_S == 'S' && GLFW_KEY_1 == '1');

struct Options {
  std::string scenario = "scenarios/labour-2016.toml";
  std::vector<std::string> set;
  leadsim::viz::RunSettings settings;
  std::string size;
  float scale = 0;  // 0: the monitor's content scale
  int frames = -1;  // headless: frames to draw after the runs are done
  std::string screenshot, tab, clp, measure;
  std::uint64_t run = 0;
  std::vector<std::string> then;
  std::string sweep;  // path=from:to
};

std::string glfw_error;
void on_glfw_error(int, const char* description) { glfw_error = description; }

// The frame just rendered (back buffer) as a PNG, top row first; and beside it, the plot areas
// the frame drew ("x0 y0 x1 y1 title" per line, in pixels) so a test can check they are not blank.
std::string write_png(GLFWwindow* window, const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window, &w, &h);
  if (w <= 0 || h <= 0) return "the window has no size";
  std::vector<unsigned char> pixels(size_t(w) * size_t(h) * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  // OpenGL's rows run bottom to top.
  const size_t row = size_t(w) * 3;
  for (int y = 0; y < h / 2; ++y)
    std::swap_ranges(pixels.begin() + std::ptrdiff_t(size_t(y) * row),
                     pixels.begin() + std::ptrdiff_t(size_t(y + 1) * row),
                     pixels.begin() + std::ptrdiff_t(size_t(h - 1 - y) * row));
  if (!stbi_write_png(path.c_str(), w, h, 3, pixels.data(), int(row)))
    return "stbi_write_png failed";
  std::ofstream plots(path + ".plots");
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  for (const auto& p : leadsim::viz::drawn_plots())
    plots << int(p.x0 * fb.x) << ' ' << int(p.y0 * fb.y) << ' ' << int(p.x1 * fb.x) << ' '
          << int(p.y1 * fb.y) << ' ' << p.title << '\n';
  return plots ? "" : "cannot write " + path + ".plots";
}

// The window's background, behind every panel.
constexpr float kBackground[3] = {0.98f, 0.98f, 0.98f};

void style_for_analysts(float scale) {
  ImGui::StyleColorsLight();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.FrameRounding = 3;
  s.GrabRounding = 3;
  s.ChildRounding = 3;
  s.FrameBorderSize = 1;
  // Windows draw no background of their own: the frame is cleared to this colour (kBackground),
  // and with software OpenGL every full-window quad costs milliseconds a frame.
  s.Colors[ImGuiCol_WindowBg] = {kBackground[0], kBackground[1], kBackground[2], 0};
  s.Colors[ImGuiCol_ChildBg] = {1, 1, 1, 0};
  leadsim::viz::setup_fonts(scale);
}

int run(const Options& o) {
  // The scenario first: a bad file is reported (as `leadsim validate` does) before any window.
  leadsim::viz::AppOptions ao;
  ao.scenario = o.scenario;
  ao.overrides = o.set;
  ao.settings = o.settings;
  std::unique_ptr<App> app;
  try {
    app = std::make_unique<App>(ao);
  } catch (const leadsim::InputError& e) {
    for (const auto& line : leadsim::viz::diagnostic_lines(e)) std::cerr << line << "\n";
    return 2;
  }

  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    std::cerr << "leadsim-viz: no display" << (glfw_error.empty() ? "" : " (" + glfw_error + ")")
              << ".\nIt needs a graphical display: run it on a desktop session, or without one "
                 "under a virtual display:\n  xvfb-run -a -s \"-screen 0 1280x800x24\" leadsim-viz "
              << o.scenario << " --frames 5 --screenshot out.png\n";
    return 2;
  }
  const bool headless = o.frames >= 0 || !o.screenshot.empty() || !o.measure.empty();
  int width = headless ? 1280 : 1440, height = headless ? 800 : 900;
  if (!o.size.empty() && std::sscanf(o.size.c_str(), "%dx%d", &width, &height) != 2) {
    std::cerr << "leadsim-viz: --size should be WIDTHxHEIGHT, e.g. 1280x800\n";
    glfwTerminate();
    return 2;
  }
  if (!headless) {
    // A sensible first size: most of the screen, at most 1600x1000.
    if (const GLFWvidmode* mode = glfwGetVideoMode(glfwGetPrimaryMonitor())) {
      width = std::min(width, int(mode->width * 0.9));
      height = std::min(height, int(mode->height * 0.9));
    }
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  const std::string title = "leadsim-viz: " + app->edit().scenario()->name;
  GLFWwindow* window = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
  if (!window) {
    std::cerr << "leadsim-viz: cannot open an OpenGL 3.3 window (" << glfw_error
              << "). Under xvfb-run, Mesa's software OpenGL (libgl1-mesa-dri) provides it.\n";
    glfwTerminate();
    return 2;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);

  float scale = o.scale;
  if (scale <= 0) {
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(window, &xs, &ys);
    scale = std::max(xs, ys);
  }
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed: nothing to remember
  style_for_analysts(scale);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  if (auto t = leadsim::viz::tab_from_name(o.tab.empty() ? "overview" : o.tab)) {
    app->select_tab(*t);
  } else {
    std::cerr << "leadsim-viz: unknown --tab '" << o.tab
              << "' (overview, clps, compare, meeting, sweep)\n";
    return 2;
  }
  if (!o.clp.empty()) {
    const int c = app->edit().scenario()->clp_index(o.clp);
    if (c < 0) {
      std::cerr << "leadsim-viz: no CLP named '" << o.clp << "'\n";
      return 2;
    }
    app->views().selected_clp = c;
  }
  app->views().inspect_run = o.run;

  // Headless script: wait for the runs; optionally pin and edit (--then) or measure (--measure);
  // then draw `frames` frames and take the screenshot.
  enum class Step {
    first_runs, then_runs, measure_busy, measure_idle, measure_kept, final_frames, done
  };
  Step step = Step::first_runs;
  int frames_left = std::max(0, o.frames);
  int exit_code = 0;
  std::vector<double> frame_seconds;  // while measuring
  std::string measure_path, measure_value;
  if (!o.measure.empty()) {
    const auto eq = o.measure.find('=');
    measure_path = o.measure.substr(0, eq);
    measure_value = eq == std::string::npos ? "" : o.measure.substr(eq + 1);
  }
  auto apply = [&](const std::string& path, const std::string& value) {
    if (app->edit().set(path, value)) return true;
    std::cerr << "leadsim-viz: the edit " << path << "=" << value << " was refused";
    if (const auto* why = app->edit().refusal(path))
      for (const auto& l : *why) std::cerr << ": " << l;
    std::cerr << "\n";
    return false;
  };
  // Makes the measured edit, then times frames from scratch in step `next` (a refused edit ends
  // the script with exit code 2).
  auto measure_edit = [&](Step next) {
    if (!apply(measure_path, measure_value)) {
      exit_code = 2;
      step = Step::done;
      return;
    }
    frame_seconds.clear();
    step = next;
  };
  // The current job has finished and was started by an edit made after `since_job`.
  auto new_job_done = [&](std::uint64_t since_job) {
    return app->settled() && app->results().job == app->run_status().job &&
           app->results().job > since_job;
  };
  std::uint64_t job_before_edit = 0;
  auto report = [&](const char* mode) {
    double worst = 0, total = 0;
    for (double f : frame_seconds) {
      worst = std::max(worst, f);
      total += f;
    }
    std::vector<double> sorted = frame_seconds;
    std::sort(sorted.begin(), sorted.end());
    const double p95 = sorted.empty() ? 0 : sorted[size_t(0.95 * double(sorted.size() - 1))];
    const auto st = app->run_status();
    const auto lat = app->latency();
    std::printf(
        "measure (%s): %s on %s, %llu runs, %s\n"
        "  parameter change -> first picture: %.2f s; -> %llu-run picture: %.2f s (%.0f runs/s)\n"
        "  frames meanwhile: %zu, mean %.1f fps, 95th-percentile frame %.1f ms (%.0f fps), worst "
        "%.1f ms\n",
        mode, o.measure.c_str(), o.scenario.c_str(), (unsigned long long)st.total,
        st.kept                ? "answered from a kept job"
        : st.population_reused ? "population reused"
                               : "population redrawn",
        lat.first_picture,
        (unsigned long long)std::min<std::uint64_t>(1000, st.total), lat.thousand_runs,
        st.runs_per_second, frame_seconds.size(),
        total > 0 ? double(frame_seconds.size()) / total : 0.0, p95 * 1000, p95 > 0 ? 1 / p95 : 0.0,
        worst * 1000);
    std::fflush(stdout);
  };

  // Pacing. While the user interacts (input in the last second), draw up to 60 frames a second
  // (40 while runs stream: see the end of the loop). Otherwise draw when an event comes or every
  // 100 ms while runs stream (the results change at most ten times a second), and every 250 ms
  // when everything is settled: the cores go to the runs, and any input still gets a frame at once.
  Clock::time_point last_input = Clock::now() - std::chrono::seconds(10);
  ImVec2 last_mouse{-FLT_MAX, -FLT_MAX};
  Clock::time_point last = Clock::now();
  int sweep_frame = 0;
  while (!glfwWindowShouldClose(window) && !app->quit_requested() && step != Step::done) {
    const bool interacting = Clock::now() - last_input < std::chrono::seconds(1);
    const bool idle_pacing =
        !headless || step == Step::measure_idle || step == Step::measure_kept;
    if (idle_pacing && !interacting)
      glfwWaitEventsTimeout(app->settled() ? 0.25 : 0.1);
    else
      glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    if (headless) {
      // No pointer, so no tooltip or hover highlight lands in a screenshot by chance; while
      // measuring a busy user, the pointer sweeps across the charts (hover work every frame).
      io.MousePos = {-FLT_MAX, -FLT_MAX};
      if (step == Step::measure_busy) {
        const float t = float(sweep_frame++ % 240) / 240.0f;
        io.MousePos = {io.DisplaySize.x * (0.3f + 0.68f * t),
                       io.DisplaySize.y * (t < 0.5f ? 0.3f : 0.7f)};
      }
    }
    bool input = io.MousePos.x != last_mouse.x || io.MousePos.y != last_mouse.y ||
                 io.MouseWheel != 0 || io.InputQueueCharacters.Size > 0;
    for (bool down : io.MouseDown) input = input || down;
    for (bool down : io.KeysDown) input = input || down;
    last_mouse = io.MousePos;
    if (input && io.MousePos.x > -FLT_MAX) last_input = Clock::now();
    ImGui::NewFrame();
    const auto t_frame = Clock::now();
    app->frame();
    ImGui::Render();
    const auto t_render = Clock::now();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(kBackground[0], kBackground[1], kBackground[2], 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (auto png = app->take_png_request()) app->png_written(*png, write_png(window, *png));

    if (headless) {
      switch (step) {
        case Step::first_runs:
          if (!app->settled()) break;
          job_before_edit = app->results().job;
          if (!o.then.empty()) {
            app->pin();
            for (const auto& e : o.then) {
              const auto eq = e.find('=');
              if (eq == std::string::npos || !apply(e.substr(0, eq), e.substr(eq + 1)))
                exit_code = 2;
            }
            step = exit_code ? Step::done : Step::then_runs;
          } else if (!o.sweep.empty()) {
            leadsim::viz::SweepSettings sw;
            const auto eq = o.sweep.find('='), colon = o.sweep.find(':');
            if (eq == std::string::npos || colon == std::string::npos || colon < eq) {
              std::cerr << "leadsim-viz: --sweep should be path=FROM:TO, e.g. "
                           "meetings.attendance=0.02:0.1\n";
              exit_code = 2;
              step = Step::done;
              break;
            }
            sw.path = o.sweep.substr(0, eq);
            sw.from = std::atof(o.sweep.substr(eq + 1, colon - eq - 1).c_str());
            sw.to = std::atof(o.sweep.substr(colon + 1).c_str());
            // An optional third field names the outcome drawn: win, share, nominations, attendance.
            const auto colon2 = o.sweep.find(':', colon + 1);
            if (colon2 != std::string::npos) {
              const std::string what = o.sweep.substr(colon2 + 1);
              int outcome = 0;
              for (const char* name : {"win", "share", "nominations", "attendance"}) {
                if (what == name) app->sweep_outcome() = outcome;
                ++outcome;
              }
            }
            sw.runs = o.settings.runs;
            sw.seed = o.settings.seed;
            sw.threads = o.settings.threads;
            app->start_sweep(sw);
            step = Step::then_runs;
          } else if (!o.measure.empty()) {
            // First as a busy user would see it: the pointer moving over the charts throughout.
            measure_edit(Step::measure_busy);
          } else {
            step = Step::final_frames;
          }
          break;
        case Step::then_runs:
          if (o.sweep.empty() ? new_job_done(job_before_edit)
                              : !app->sweep().running() && app->settled())
            step = Step::final_frames;
          break;
        case Step::measure_busy:
          if (!new_job_done(job_before_edit)) break;
          report("pointer moving over the charts");
          // Then the same change back, with nobody at the window: computed afresh, not taken
          // from the jobs the runner keeps.
          job_before_edit = app->results().job;
          app->edit().reset(measure_path);
          app->forget_kept_runs();
          frame_seconds.clear();
          last_input = Clock::now() - std::chrono::seconds(10);
          step = Step::measure_idle;
          break;
        case Step::measure_idle:
          if (!new_job_done(job_before_edit)) break;
          report("nobody at the window; change back");
          // Last, the first change again: a scenario seen before, answered from the kept job.
          job_before_edit = app->results().job;
          measure_edit(Step::measure_kept);
          break;
        case Step::measure_kept:
          if (!new_job_done(job_before_edit)) break;
          report("nobody at the window; the first change again, kept from before");
          step = Step::final_frames;
          break;
        case Step::final_frames:
          if (frames_left-- <= 0) {
            if (!o.screenshot.empty()) {
              const std::string err = write_png(window, o.screenshot);
              if (!err.empty()) {
                std::cerr << "leadsim-viz: " << err << "\n";
                exit_code = 1;
              }
            }
            step = Step::done;
          }
          break;
        case Step::done:
          break;
      }
    }
    const auto t_gl = Clock::now();
    glfwSwapBuffers(window);
    if (std::getenv("LEADSIM_VIZ_TIMING")) {
      static int n = 0;
      static double ui = 0, gl = 0, sw = 0;
      const auto t_swap = Clock::now();
      ui += std::chrono::duration<double>(t_render - t_frame).count();
      gl += std::chrono::duration<double>(t_gl - t_render).count();
      sw += std::chrono::duration<double>(t_swap - t_gl).count();
      if (++n % 60 == 0) {
        std::fprintf(stderr, "frame: ui %.1f ms, gl %.1f ms, swap %.1f ms\n", ui / 60 * 1e3,
                     gl / 60 * 1e3, sw / 60 * 1e3);
        ui = gl = sw = 0;
      }
    }

    // At most 60 frames a second (Xvfb has no vertical sync to pace us), and 40 while runs
    // stream: the results change at most ten times a second, and every frame beyond what the
    // hand needs takes a core from the runs (with software OpenGL, a frame costs milliseconds).
    const double period = app->settled() ? 1.0 / 60 : 1.0 / 40;
    const auto now = Clock::now();
    const double spent = std::chrono::duration<double>(now - last).count();
    if (spent < period)
      std::this_thread::sleep_for(std::chrono::duration<double>(period - spent));
    const auto after = Clock::now();
    if (step == Step::measure_busy || step == Step::measure_idle || step == Step::measure_kept)
      frame_seconds.push_back(std::chrono::duration<double>(after - last).count());
    last = after;
  }

  app.reset();  // stops the runs before the window goes
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"leadsim-viz: explore a party leadership contest interactively"};
  Options o;
  cli.add_option("scenario", o.scenario, "Scenario file")->capture_default_str();
  cli.add_option("--set", o.set, "Override a parameter: path=value (repeatable)");
  cli.add_option("--runs,-n", o.settings.runs, "Monte Carlo runs per result")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t(1), std::uint64_t(10'000'000)));
  cli.add_option("--seed,-s", o.settings.seed, "Master seed")->capture_default_str();
  cli.add_option("--threads,-t", o.settings.threads, "Worker threads (0: all cores)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  cli.add_option("--size", o.size, "Window size, WIDTHxHEIGHT");
  cli.add_option("--scale", o.scale, "Interface scale (default: the monitor's content scale)");
  cli.add_option("--frames", o.frames,
                 "Headless: frames to draw once the runs are done, then exit");
  cli.add_option("--screenshot", o.screenshot, "Headless: write the window as PNG, then exit");
  cli.add_option("--tab", o.tab, "Tab to show: overview, clps, compare, meeting, sweep");
  cli.add_option("--clp", o.clp, "CLP to select (scatter, table, meeting inspector)");
  cli.add_option("--run", o.run, "Run to inspect in the meeting inspector");
  cli.add_option("--then", o.then,
                 "Headless: pin the first result, then apply path=value (repeatable)");
  cli.add_option(
      "--sweep", o.sweep,
      "Headless: sweep path=FROM:TO[:win|share|nominations|attendance] (9 points, --runs each)");
  cli.add_option(
      "--measure", o.measure,
      "Headless: apply path=value once the runs are done and report latency and frame rate");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "leadsim-viz: internal error: " << e.what() << "\n";
    return 1;
  }
}
