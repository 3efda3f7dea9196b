// app.hpp: the visualiser's state and its frame, independent of the window (no GLFW, no OpenGL).
//
// The App holds what is being explored (an EditSession: scenario file + overrides), the
// background runs (Runner) and the results shown (Results), a pinned result for comparison, the
// views' selections (ViewState), and small jobs run off the UI thread (per-CLP facts for the
// scatter, meeting replays for the inspector). frame() draws one frame between ImGui::NewFrame()
// and ImGui::Render(); main.cpp owns the window and calls it. Tests call it without a window.
//
// Layout (fixed, filling the window): a menu bar; on the left the scenario and its parameters;
// on the right the run controls and progress, then tabs: Overview, CLPs, Compare, Meeting, Sweep.
//
// Keyboard: F5 run, Esc cancel, Ctrl+P pin, Ctrl+S save as, Ctrl+O open, Ctrl+E export CSV,
// F12 export PNG, F1 help.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "edit.hpp"
#include "panels.hpp"
#include "results.hpp"
#include "runner.hpp"
#include "sweep.hpp"

namespace leadsim::viz {

enum class Tab { overview, clps, compare, meeting, sweep };
const char* tab_name(Tab t);  // "overview", ...
std::optional<Tab> tab_from_name(const std::string& name);

struct AppOptions {
  std::string scenario;                // path of the scenario file
  std::vector<std::string> overrides;  // "path=value", as --set
  RunSettings settings;
  double debounce_seconds = 0.15;  // a parameter change restarts the runs after this
};

class App {
 public:
  // Opens the scenario and starts its runs. Throws InputError if it does not load.
  explicit App(AppOptions options);
  ~App();

  // One frame of the whole UI, filling the display (ImGui::GetIO().DisplaySize).
  void frame();

  // --- for main.cpp and tests ---
  EditSession& edit() { return edit_; }
  const Results& results() const { return view_; }
  const Results* pinned() const { return pinned_ ? &*pinned_ : nullptr; }
  Runner::Status run_status() const { return runner_.status(); }
  // The scenario as edited now runs afresh even if it was run before (for measurements).
  void forget_kept_runs() { runner_.forget(results_key(*edit_.scenario(), settings_)); }
  // The current job has finished and every run is shown (and the scatter's facts are ready).
  bool settled() const;
  void run_now();  // restart the runs at once (F5)
  void cancel();   // stop the runs (Esc)
  void pin();      // pin the current result for comparison (Ctrl+P)
  void unpin();
  void select_tab(Tab t) { requested_tab_ = t; }
  // Starts a sweep of the scenario as edited (the Sweep tab's Start button does the same).
  void start_sweep(const SweepSettings& s) {
    sweep_.form = s;
    sweep_.start(edit_, s);
  }
  const Sweep& sweep() const { return sweep_; }
  int& sweep_outcome() { return sweep_.outcome; }
  Tab tab() const { return tab_; }
  ViewState& views() { return views_; }
  // Opens another scenario; on failure keeps the current one and shows the loader's messages.
  bool open(const std::string& path);
  // Exports: what the current tab shows as CSV (written after the next frame), the window as
  // PNG (main.cpp captures it after rendering; see take_png_request()).
  void export_csv(const std::string& path);
  void export_png(const std::string& path);
  std::optional<std::string> take_png_request();  // main: capture the frame just rendered
  void png_written(const std::string& path, const std::string& error);  // main: the outcome
  bool quit_requested() const { return quit_; }
  const std::string& message() const { return message_; }
  // Seconds from a parameter change to the first picture and to the first 1,000-run picture
  // of the job it started (negative: not yet).
  struct Latency {
    std::uint64_t job = 0;
    double first_picture = -1, thousand_runs = -1;
  };
  Latency latency() const { return latency_; }

 private:
  void poll();
  void shortcuts();
  void menu_bar();
  void run_bar();
  void popups();
  void left_panel(float width, float height);
  void right_panel(float width, float height);
  void start_jobs();
  void say(std::string m);

  AppOptions options_;
  EditSession edit_;
  Runner runner_;
  Results view_;
  std::optional<Results> pinned_;
  ViewState views_;
  RunSettings settings_;  // as edited in the run bar
  std::uint64_t submitted_version_ = 0;
  RunSettings submitted_settings_;

  Tab tab_ = Tab::overview;
  std::optional<Tab> requested_tab_;

  // Off the UI thread: facts for the scatter (per job), a meeting replay (per CLP and run).
  std::future<ClpFacts> facts_job_;
  std::uint64_t facts_for_ = 0;
  std::optional<ClpFacts> facts_;
  std::future<MeetingInspection> meeting_job_;
  std::optional<MeetingInspection> meeting_;
  bool meeting_wanted_ = false;

  Sweep sweep_;

  // Popups and messages.
  bool open_popup_ = false, save_popup_ = false, csv_popup_ = false, png_popup_ = false,
       help_popup_ = false;
  std::string path_input_;
  std::vector<std::string> scenario_files_;
  std::vector<std::string> load_errors_;  // the loader's messages for a file that failed to open
  std::string load_errors_file_;
  std::string message_;
  std::optional<std::string> csv_pending_, png_pending_;
  bool quit_ = false;

  Latency latency_;
};

}  // namespace leadsim::viz
