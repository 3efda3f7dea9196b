#include "app.hpp"

#include <imgui_stdlib.h>

#include <algorithm>
#include <cfloat>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "chart.hpp"
#include "fonts.hpp"
#include "shown.hpp"

namespace fs = std::filesystem;

namespace leadsim::viz {

namespace {

// Key codes. Dear ImGui 1.86 indexes io.KeysDown by the platform backend's codes, which for GLFW
// are these (main.cpp checks them against GLFW's own constants).
constexpr int kKeyEscape = 256, kKeyF1 = 290, kKeyF5 = 294, kKeyF12 = 301;
constexpr int kKeyE = 'E', kKeyO = 'O', kKeyP = 'P', kKeyQ = 'Q', kKeyS = 'S';
constexpr int kKey1 = '1';

constexpr Tab kTabs[] = {Tab::overview, Tab::clps, Tab::compare, Tab::meeting, Tab::sweep};

// Each tab's name (command line, file names) and title (the tab bar), in kTabs' order.
struct TabWords {
  const char* name;
  const char* title;
};
constexpr TabWords kTabWords[] = {{"overview", "Overview"},
                                  {"clps", "CLPs"},
                                  {"compare", "Compare"},
                                  {"meeting", "Meeting inspector"},
                                  {"sweep", "Sweep"}};
static_assert(std::size(kTabWords) == std::size(kTabs));

const TabWords& words(Tab t) {
  for (size_t i = 0; i < std::size(kTabs); ++i)
    if (kTabs[i] == t) return kTabWords[i];
  return kTabWords[0];  // every Tab is listed (the static_assert above)
}

const char* tab_title(Tab t) { return words(t).title; }

template <class T>
bool ready(const std::future<T>& f) {
  return f.valid() && f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

std::string runs_text(std::uint64_t n) { return format_value(double(n), Unit::integer, 0); }

}  // namespace

const char* tab_name(Tab t) { return words(t).name; }

std::optional<Tab> tab_from_name(const std::string& name) {
  for (Tab t : kTabs)
    if (name == tab_name(t)) return t;
  return std::nullopt;
}

App::App(AppOptions options) : options_(std::move(options)), runner_(options_.debounce_seconds) {
  edit_.open(options_.scenario, options_.overrides);  // throws InputError
  settings_ = options_.settings;
  runner_.submit(edit_.scenario(), edit_.overrides(), settings_, true);
  submitted_version_ = edit_.version();
  submitted_settings_ = settings_;
}

App::~App() {
  runner_.cancel();
  sweep_.cancel();
  // Futures from std::async wait for their tasks in their destructors.
}

void App::say(std::string m) { message_ = std::move(m); }

void App::run_now() {
  runner_.submit(edit_.scenario(), edit_.overrides(), settings_, true);
  submitted_version_ = edit_.version();
  submitted_settings_ = settings_;
}

void App::cancel() { runner_.cancel(); }

void App::pin() {
  if (view_.empty()) {
    say("nothing to pin yet: wait for the first runs");
    return;
  }
  pinned_ = view_;
  say("pinned " + runs_text(view_.count()) + " runs; change a parameter to compare (Compare tab)");
}

void App::unpin() {
  pinned_.reset();
  say("unpinned");
}

bool App::open(const std::string& path) {
  try {
    edit_.open(path);
  } catch (const InputError& e) {
    load_errors_ = diagnostic_lines(e);
    load_errors_file_ = path;
    return false;
  }
  load_errors_.clear();
  views_.selected_clp = -1;
  views_.inspect_run = 0;
  views_.scatter_candidate = 0;
  run_now();
  say("opened " + path);
  return true;
}

void App::export_csv(const std::string& path) { csv_pending_ = path; }
void App::export_png(const std::string& path) { png_pending_ = path; }

std::optional<std::string> App::take_png_request() {
  auto p = png_pending_;
  png_pending_.reset();
  return p;
}

void App::png_written(const std::string& path, const std::string& error) {
  say(error.empty() ? "wrote " + path : "could not write " + path + ": " + error);
}

bool App::settled() const {
  const Runner::Status st = runner_.status();
  if (st.phase != Runner::Phase::done || st.job != view_.job || !view_.complete) return false;
  if (tab_ == Tab::clps && (!facts_ || facts_->job != view_.job)) return false;
  if (tab_ == Tab::meeting &&
      (!meeting_ || meeting_->job != view_.job || meeting_->clp != views_.selected_clp ||
       meeting_->run != views_.inspect_run))
    return false;
  if (tab_ == Tab::sweep && sweep_.running()) return false;
  return true;
}

void App::poll() {
  runner_.update(view_);
  // A parameter or a run setting changed: restart the runs (the runner debounces).
  if (edit_.version() != submitted_version_ || !(settings_ == submitted_settings_)) {
    runner_.submit(edit_.scenario(), edit_.overrides(), settings_, false);
    submitted_version_ = edit_.version();
    submitted_settings_ = settings_;
  }
  // Latency of the current job: from the edit that asked for it to its pictures.
  const Runner::Status st = runner_.status();
  if (view_.job == st.job && view_.job != 0) {
    if (latency_.job != st.job) latency_ = Latency{st.job};
    const double since =
        std::chrono::duration<double>(Runner::Clock::now() - st.requested_at).count();
    if (latency_.first_picture < 0 && view_.count() > 0) latency_.first_picture = since;
    if (latency_.thousand_runs < 0 &&
        view_.count() >= std::min<std::uint64_t>(1000, view_.runs_requested))
      latency_.thousand_runs = since;
  }
}

void App::start_jobs() {
  // Facts for the scatter and table: only when the CLPs tab needs them (they cost a few runs'
  // worth of work for a big scenario).
  if (ready(facts_job_)) facts_ = facts_job_.get();
  if (tab_ == Tab::clps && view_.population && !facts_job_.valid() && facts_for_ != view_.job) {
    facts_for_ = view_.job;
    facts_job_ = std::async(std::launch::async, [s = view_.scenario, pop = view_.population,
                                                 seed = view_.seed, job = view_.job] {
      ClpFacts f;
      f.job = job;
      f.eligible_by_wave = eligible_by_wave(*s, *pop);
      f.support = member_support(*s, *pop, seed, 4);
      return f;
    });
  }
  // The meeting inspector's replay.
  if (ready(meeting_job_)) meeting_ = meeting_job_.get();
  const bool stale = !meeting_ || meeting_->job != view_.job ||
                     meeting_->clp != views_.selected_clp || meeting_->run != views_.inspect_run;
  if (tab_ == Tab::meeting && view_.population && views_.selected_clp >= 0 && stale &&
      !meeting_job_.valid()) {
    Results light;  // what the replay needs, without the summary
    light.job = view_.job;
    light.scenario = view_.scenario;
    light.population = view_.population;
    light.seed = view_.seed;
    meeting_job_ = std::async(std::launch::async,
                              [light, clp = views_.selected_clp, run = views_.inspect_run] {
                                return inspect_meeting(light, clp, run);
                              });
  }
}

void App::shortcuts() {
  const ImGuiIO& io = ImGui::GetIO();
  const bool popup = ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId);
  if (ImGui::IsKeyPressed(kKeyF5, false)) run_now();
  if (ImGui::IsKeyPressed(kKeyEscape, false) && !io.WantTextInput && !popup) cancel();
  if (ImGui::IsKeyPressed(kKeyF1, false)) help_popup_ = true;
  if (ImGui::IsKeyPressed(kKeyF12, false)) png_popup_ = true;
  if (io.KeyCtrl) {
    if (ImGui::IsKeyPressed(kKeyP, false)) pin();
    if (ImGui::IsKeyPressed(kKeyS, false)) save_popup_ = true;
    if (ImGui::IsKeyPressed(kKeyO, false)) open_popup_ = true;
    if (ImGui::IsKeyPressed(kKeyE, false)) csv_popup_ = true;
    if (ImGui::IsKeyPressed(kKeyQ, false)) quit_ = true;
    for (int i = 0; i < 5; ++i)
      if (ImGui::IsKeyPressed(kKey1 + i, false)) requested_tab_ = kTabs[i];
  }
}

void App::menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open scenario...", "Ctrl+O")) open_popup_ = true;
    if (ImGui::MenuItem("Save as...", "Ctrl+S")) save_popup_ = true;
    if (ImGui::MenuItem("Reset all changes", nullptr, false, !edit_.overrides().empty()))
      edit_.reset_all();
    ImGui::Separator();
    if (ImGui::MenuItem("Export CSV of this tab...", "Ctrl+E")) csv_popup_ = true;
    if (ImGui::MenuItem("Export PNG of the window...", "F12")) png_popup_ = true;
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit_ = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Runs")) {
    if (ImGui::MenuItem("Run now", "F5")) run_now();
    if (ImGui::MenuItem("Cancel", "Esc")) cancel();
    ImGui::Separator();
    if (ImGui::MenuItem("Pin the current result", "Ctrl+P", false, !view_.empty())) pin();
    if (ImGui::MenuItem("Unpin", nullptr, false, pinned_.has_value())) unpin();
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    for (int i = 0; i < 5; ++i) {
      const std::string key = "Ctrl+" + std::to_string(i + 1);
      if (ImGui::MenuItem(tab_title(kTabs[i]), key.c_str(), tab_ == kTabs[i]))
        requested_tab_ = kTabs[i];
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("Views and keys", "F1")) help_popup_ = true;
    ImGui::EndMenu();
  }
  ImGui::EndMenuBar();
}

void App::run_bar() {
  const Runner::Status st = runner_.status();
  const bool busy = st.phase == Runner::Phase::running || st.phase == Runner::Phase::waiting ||
                    st.phase == Runner::Phase::synthesising;
  if (ImGui::Button("Run (F5)")) run_now();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("restart the runs now");
  ImGui::SameLine();
  ImGui::BeginDisabled(!busy);
  if (ImGui::Button("Cancel (Esc)")) cancel();
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(view_.empty());
  if (ImGui::Button(pinned_ ? "Pin again (Ctrl+P)" : "Pin (Ctrl+P)")) pin();
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("keep the current result to compare the next ones against");
  if (pinned_) {
    ImGui::SameLine();
    if (ImGui::Button("Unpin")) unpin();
  }
  ImGui::SameLine();
  ImGui::TextDisabled("|");
  ImGui::SameLine();
  const float field = ImGui::GetFontSize() * 6.5f;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Runs");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(field);
  std::uint64_t runs = settings_.runs;
  const std::uint64_t r_step = 100, r_fast = 1000;
  if (ImGui::InputScalar("##runs", ImGuiDataType_U64, &runs, &r_step, &r_fast, "%llu",
                         ImGuiInputTextFlags_EnterReturnsTrue))
    settings_.runs = std::clamp<std::uint64_t>(runs, 1, 10'000'000);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Monte Carlo runs per result (Enter to apply)");
  ImGui::SameLine();
  ImGui::TextUnformatted("Seed");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(field * 0.8f);
  std::uint64_t seed = settings_.seed;
  const std::uint64_t one = 1;
  if (ImGui::InputScalar("##seed", ImGuiDataType_U64, &seed, &one, &one, "%llu",
                         ImGuiInputTextFlags_EnterReturnsTrue))
    settings_.seed = seed;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("master seed: the population and every run derive from it");
  ImGui::SameLine();
  ImGui::TextUnformatted("Threads");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(field * 0.7f);
  int threads = settings_.threads;
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  if (ImGui::SliderInt("##threads", &threads, 0, cores, threads == 0 ? "all" : "%d"))
    settings_.threads = threads;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("worker threads for the runs (0: all %d cores)", cores);

  // Progress.
  double fraction = 0;
  std::string overlay;
  switch (st.phase) {
    case Runner::Phase::idle:
      overlay = "idle";
      break;
    case Runner::Phase::waiting:
      overlay = "parameters changed: starting...";
      break;
    case Runner::Phase::synthesising:
      overlay = "drawing the population...";
      break;
    case Runner::Phase::running:
      fraction = st.total ? double(st.done) / double(st.total) : 0;
      overlay = runs_text(st.done) + " / " + runs_text(st.total) + " runs, " +
                format_value(st.runs_per_second, Unit::number, 0) + " runs/s";
      break;
    case Runner::Phase::done:
      fraction = 1;
      overlay = st.kept ? "done: " + runs_text(st.done) + " runs (kept)"
                        : "done: " + runs_text(st.done) + " runs in " +
                              format_value(st.seconds, Unit::number, 1) + " s (" +
                              format_value(st.runs_per_second, Unit::number, 0) + " runs/s)";
      break;
    case Runner::Phase::cancelled:
      fraction = st.total ? double(st.done) / double(st.total) : 0;
      overlay = "cancelled after " + runs_text(st.done) + " runs";
      break;
    case Runner::Phase::failed:
      overlay = "failed: " + st.error;
      break;
  }
  ImGui::ProgressBar(float(fraction), {-FLT_MIN, 0}, overlay.c_str());

  // One line of context: what is shown, how fast it came, the UI's own frame rate.
  std::string line;
  if (st.job != view_.job && busy && !view_.empty())
    line = "Parameters changed: showing the previous result until the new runs arrive. ";
  if (latency_.job == view_.job && latency_.first_picture >= 0) {
    line +=
        "Change to first picture " + format_value(latency_.first_picture, Unit::number, 2) + " s";
    if (latency_.thousand_runs >= 0)
      line += ", to " + runs_text(std::min<std::uint64_t>(1000, view_.runs_requested)) + " runs " +
              format_value(latency_.thousand_runs, Unit::number, 1) + " s";
    line += st.kept                ? " (kept from when these parameters were last run)"
            : st.population_reused ? " (population reused)"
                                   : " (population drawn in " +
                                         format_value(st.synthesis_seconds, Unit::number, 2) + " s)";
    line += ". ";
  }
  line += "UI " + format_value(double(ImGui::GetIO().Framerate), Unit::number, 0) + " fps.";
  if (pinned_) line += " Pinned: " + runs_text(pinned_->count()) + " runs.";
  ImGui::TextDisabled("%s", line.c_str());
}

void App::left_panel(float width, float height) {
  ImGui::BeginChild("left", {width, height}, true);
  if (ImGui::Button("Open...")) open_popup_ = true;
  ImGui::SameLine();
  if (ImGui::Button("Save as...")) save_popup_ = true;
  ImGui::SameLine();
  ImGui::BeginDisabled(edit_.overrides().empty());
  if (ImGui::Button("Reset to file")) edit_.reset_all();
  ImGui::EndDisabled();
  ImGui::Separator();
  parameter_panel(edit_, views_);
  ImGui::EndChild();
}

void App::right_panel(float width, float height) {
  ImGui::BeginChild("right", {width, height}, false);
  run_bar();
  if (ImGui::BeginTabBar("tabs")) {
    for (Tab t : kTabs) {
      const ImGuiTabItemFlags flags = requested_tab_ == t ? ImGuiTabItemFlags_SetSelected : 0;
      if (!ImGui::BeginTabItem(tab_title(t), nullptr, flags)) continue;
      tab_ = t;
      const ImVec2 avail = ImGui::GetContentRegionAvail();
      const ImVec2 size{avail.x, avail.y - ImGui::GetTextLineHeightWithSpacing()};
      ImGui::BeginChild("tab", size, false);
      const ImVec2 inner = ImGui::GetContentRegionAvail();
      switch (t) {
        case Tab::overview:
          overview_panel(view_, pinned(), inner);
          break;
        case Tab::clps:
          clp_panel(view_, facts_ && facts_->job == view_.job ? &*facts_ : nullptr, views_, inner);
          break;
        case Tab::compare:
          compare_panel(view_, pinned(), inner);
          break;
        case Tab::meeting:
          meeting_panel(view_, meeting_ ? &*meeting_ : nullptr, meeting_job_.valid(), views_,
                        {inner.x, inner.y - ImGui::GetFrameHeightWithSpacing()});
          break;
        case Tab::sweep:
          sweep_panel(sweep_, edit_, settings_, inner);
          break;
      }
      ImGui::EndChild();
      ImGui::TextDisabled("%s", message_.c_str());
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  requested_tab_.reset();
  // A click on the CLP map opens that CLP's meeting (it is already the selected CLP).
  if (views_.open_meeting) {
    views_.open_meeting = false;
    requested_tab_ = Tab::meeting;
  }
  ImGui::EndChild();
}

void App::popups() {
  const ImVec2 centre{ImGui::GetIO().DisplaySize.x * 0.5f, ImGui::GetIO().DisplaySize.y * 0.5f};
  auto request = [&](bool& flag, const char* id) {
    if (flag) {
      ImGui::OpenPopup(id);
      flag = false;
      return true;
    }
    return false;
  };
  auto centred = [&] { ImGui::SetNextWindowPos(centre, ImGuiCond_Appearing, {0.5f, 0.5f}); };
  const float wide = ImGui::GetFontSize() * 34;

  if (request(open_popup_, "Open scenario")) {
    scenario_files_.clear();
    std::set<std::string> seen;
    for (const fs::path& dir : {fs::path(edit_.path()).parent_path(), fs::path("scenarios")}) {
      std::error_code ec;
      for (const auto& entry : fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec))
        if (entry.path().extension() == ".toml" &&
            seen.insert(fs::weakly_canonical(entry.path(), ec).string()).second)
          scenario_files_.push_back(entry.path().string());
    }
    std::sort(scenario_files_.begin(), scenario_files_.end());
    path_input_ = edit_.path();
  }
  centred();
  if (ImGui::BeginPopupModal("Open scenario", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("Scenarios found:");
    ImGui::BeginChild("files", {wide, ImGui::GetTextLineHeightWithSpacing() * 10}, true);
    for (const auto& f : scenario_files_)
      if (ImGui::Selectable(f.c_str(), f == path_input_, ImGuiSelectableFlags_AllowDoubleClick)) {
        path_input_ = f;
        if (ImGui::IsMouseDoubleClicked(0) && open(path_input_)) ImGui::CloseCurrentPopup();
      }
    ImGui::EndChild();
    ImGui::SetNextItemWidth(wide);
    ImGui::InputText("##path", &path_input_);
    if (ImGui::Button("Open") && open(path_input_)) ImGui::CloseCurrentPopup();
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  if (!load_errors_.empty()) ImGui::OpenPopup("Scenario did not load");
  centred();
  if (ImGui::BeginPopupModal("Scenario did not load", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("%s did not load; the previous scenario stays open.", load_errors_file_.c_str());
    ImGui::TextUnformatted("What `leadsim validate` says:");
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{0.8f, 0.15f, 0.1f, 1});
    for (const auto& l : load_errors_) ImGui::TextUnformatted(l.c_str());
    ImGui::PopStyleColor();
    if (ImGui::Button("OK")) {
      load_errors_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }

  if (request(save_popup_, "Save scenario as")) {
    const fs::path p(edit_.path());
    path_input_ = (p.parent_path() / (p.stem().string() + "-variant.toml")).string();
  }
  centred();
  if (ImGui::BeginPopupModal("Save scenario as", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextWrapped("A new file that includes %s and sets the %zu parameter(s) you changed:",
                       edit_.path().c_str(), edit_.overrides().size());
    for (const auto& o : edit_.overrides()) ImGui::BulletText("%s", o.c_str());
    ImGui::SetNextItemWidth(wide);
    ImGui::InputText("##path", &path_input_);
    if (fs::exists(path_input_)) ImGui::TextDisabled("(exists: it will be replaced)");
    if (ImGui::Button("Save")) {
      try {
        edit_.save_as(path_input_);
        load_scenario(path_input_);  // what `leadsim run` will do with it
        say("saved " + path_input_ + ": run it with `leadsim run " + path_input_ + "`");
        ImGui::CloseCurrentPopup();
      } catch (const InputError& e) {
        say("saved " + path_input_ + ", but it does not load: " + diagnostic_lines(e).front());
      } catch (const std::exception& e) {
        say(std::string("could not save: ") + e.what());
      }
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  if (request(csv_popup_, "Export CSV"))
    path_input_ = std::string("leadsim-viz-") + tab_name(tab_) + ".csv";
  centred();
  if (ImGui::BeginPopupModal("Export CSV", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextWrapped(
        "Every number the %s tab shows, one per line (view, series, item, x, value, "
        "interval):",
        tab_title(tab_));
    ImGui::SetNextItemWidth(wide);
    ImGui::InputText("##path", &path_input_);
    if (ImGui::Button("Export")) {
      export_csv(path_input_);
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  if (request(png_popup_, "Export PNG")) path_input_ = "leadsim-viz.png";
  centred();
  if (ImGui::BeginPopupModal("Export PNG", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("A picture of the whole window (taken once this dialog has closed):");
    ImGui::SetNextItemWidth(wide);
    ImGui::InputText("##path", &path_input_);
    if (ImGui::Button("Export")) {
      export_png(path_input_);
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  request(help_popup_, "Views and keys");
  centred();
  if (ImGui::BeginPopupModal("Views and keys", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::PushTextWrapPos(wide);
    ImGui::TextUnformatted(
        "Left: the scenario's parameters. Move one and the runs restart (after 0.3 s of calm); a "
        "value the scenario loader refuses is shown refused, with its reason. Hover a parameter "
        "for its key (what --set takes), meaning and unit. 'Save as' writes a scenario file `leadsim run` accepts.\n\n"
        "Overview: who wins (95% intervals), final-round shares, CLP nominations, first "
        "preferences "
        "by section, meeting attendance, turnout.\nCLPs: each CLP's chance of nominating a "
        "candidate "
        "against members' support and more; the sortable table.\nCompare: pin a result, change a "
        "parameter, read the paired differences.\nMeeting inspector: one CLP's meeting in one "
        "run.\n"
        "Sweep: one parameter over a range.\n\n"
        "Keys: F5 run now, Esc cancel, Ctrl+P pin, Ctrl+S save as, Ctrl+O open, Ctrl+E export CSV, "
        "F12 export PNG, Ctrl+1..5 tabs, Ctrl+Q quit.");
    ImGui::PopTextWrapPos();
    if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
}

void App::frame() {
  drawn_plots().clear();
  const bool recording = csv_pending_.has_value();
  if (recording) Shown::get().start();

  poll();
  start_jobs();
  shortcuts();

  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos({0, 0});
  ImGui::SetNextWindowSize(io.DisplaySize);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_MenuBar | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                 ImGuiWindowFlags_NoBackground;
  // No background: the renderer clears to the window colour, and with a software OpenGL every
  // full-window fill costs a few milliseconds a frame.
  ImGui::Begin("leadsim-viz", nullptr, flags);
  menu_bar();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float scale = fonts().scale;
  const float left = std::clamp(avail.x * 0.27f, 300.0f * scale, 480.0f * scale);
  left_panel(left, avail.y);
  ImGui::SameLine();
  right_panel(ImGui::GetContentRegionAvail().x, avail.y);
  ImGui::End();
  popups();

  if (recording) {
    Shown::get().stop();
    const std::string path = *csv_pending_;
    csv_pending_.reset();
    std::ofstream out(path, std::ios::binary);
    out << Shown::get().csv();
    say(out ? "wrote " + path + " (" + std::to_string(Shown::get().records().size()) + " values)"
            : "could not write " + path);
  }
}

}  // namespace leadsim::viz
