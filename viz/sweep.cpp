#include "sweep.hpp"

#include <imgui_stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>

#include "chart.hpp"
#include "leadsim/sweep.hpp"
#include "panels.hpp"
#include "shown.hpp"

namespace leadsim::viz {

Interval sweep_interval(const PointStats& s, int outcome, std::size_t c) {
  switch (outcome) {
    case 0: return {s.win[c].p, s.win[c].lo, s.win[c].hi};
    case 1: return {s.share[c].mean, s.share_spread[c].q05, s.share_spread[c].q95};
    case 2:
      return {s.nominations[c].mean, s.nominations_spread[c].q05, s.nominations_spread[c].q95};
    default: return {s.attendance.mean, s.attendance_spread.q05, s.attendance_spread.q95};
  }
}

Sweep::~Sweep() {
  cancel_ = true;
  if (thread_.joinable()) thread_.join();
}

void Sweep::start(const EditSession& e, SweepSettings s) {
  s.runs = std::clamp<std::uint64_t>(s.runs, 1, SweepSettings::kMaxRuns);
  cancel();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lk(mu_);
    points_.clear();
    candidates_.clear();
    for (const auto& c : e.scenario()->candidates) candidates_.push_back(c.name);
    last_ = s;
  }
  cancel_ = false;
  running_ = true;
  done_runs_ = 0;
  total_runs_ = 0;  // known once the values are
  thread_ = std::thread([this, base = e.scenario(), o = e.overrides(), s] { work(base, o, s); });
}

void Sweep::cancel() { cancel_ = true; }

std::vector<SweptValue> Sweep::points() const {
  std::lock_guard lk(mu_);
  return points_;
}

std::vector<std::string> Sweep::candidates() const {
  std::lock_guard lk(mu_);
  return candidates_;
}

SweepSettings Sweep::last() const {
  std::lock_guard lk(mu_);
  return last_;
}

double Sweep::progress() const {
  const double total = double(total_runs_);
  return total > 0 ? double(done_runs_) / total : 0;
}

void Sweep::add(SweptValue v) {
  std::lock_guard lk(mu_);
  auto at = std::upper_bound(points_.begin(), points_.end(), v.index,
                             [](std::size_t i, const SweptValue& p) { return i < p.index; });
  points_.insert(at, std::move(v));
}

namespace {

// Hands the engine's points on as they arrive.
struct ViewSink : SweepSink {
  std::function<void(const SweepPoint&, const PointResult&)> f;
  void on_point(const SweepPoint& p, const PointResult& r) override { f(p, r); }
};

std::string refusal(const std::exception& e) {
  if (const auto* ie = dynamic_cast<const InputError*>(&e); ie && !ie->diagnostics().empty())
    return ie->diagnostics().front().message;
  return e.what();
}

}  // namespace

void Sweep::work(std::shared_ptr<const Scenario> base, std::vector<std::string> overrides,
                 SweepSettings s) {
  // Below the UI thread, like the runner's workers; the engine's threads inherit it.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kWorkerNice);
  // The sweep as the library's: one parameter on a grid of `points` levels from `from` to `to`
  // (whole numbers for integers, repeats dropped), on top of the session's other overrides,
  // the sweep's seed at every point.
  SweepSpec spec;
  spec.design = SweepDesign::grid;
  spec.runs = s.runs;
  spec.seed = s.seed;
  spec.streams = StreamPolicy::common;
  spec.set = remove_override(overrides, s.path);
  SweepParam param;
  param.path = s.path;
  param.kind = param_kind(s.path);
  param.is_range = true;
  param.lo = s.from;
  param.hi = s.to;
  param.levels = std::max(1, s.points);
  spec.params = {param};
  const std::vector<SweepPoint> grid = design_points(spec);
  total_runs_ = s.runs * grid.size();

  // Each value checked by the loader first: one it refuses is a point with its message, and the
  // engine runs the grid's other values.
  param.is_range = false;
  std::vector<std::size_t> index;  // engine's point -> place in the grid
  for (const SweepPoint& g : grid) {
    if (cancel_) break;
    try {
      load_scenario(base->file, g.overrides(spec));
      param.values.push_back(g.values[0]);
      index.push_back(g.index);
    } catch (const std::exception& e) {
      add({g.index, std::stod(g.values[0]), refusal(e), {}});
      done_runs_ += s.runs;
    }
  }
  spec.params = {param};
  std::vector<bool> delivered(index.size(), false);
  ViewSink sink;
  sink.f = [&](const SweepPoint& p, const PointResult& r) {
    delivered[p.index] = true;
    add({index[p.index], std::stod(p.values[0]), "", r.stats});
  };
  SweepOptions opt;
  opt.threads = s.threads;
  opt.cancel = &cancel_;
  opt.progress = [this, refused = done_runs_.load()](const SweepProgress& p) {
    done_runs_ = refused + p.runs_done;
  };
  if (!index.empty() && !cancel_) {
    try {
      run_sweep(*base, spec, opt, sink);
    } catch (const std::exception& e) {
      // Not expected once every value has loaded; shown on the points it stopped.
      for (std::size_t d = 0; d < index.size(); ++d)
        if (!delivered[d]) add({index[d], std::stod(spec.params[0].values[d]), refusal(e), {}});
      done_runs_ = total_runs_.load();
    }
  }
  running_ = false;
}

void sweep_panel(Sweep& sweep, const EditSession& e, const RunSettings& settings, ImVec2 size) {
  if (!e.is_open()) return;
  SweepSettings& f = sweep.form;
  // Numeric parameters only.
  std::vector<const ParamSpec*> numeric;
  for (const auto& p : e.params())
    if (p.kind == WidgetKind::probability || p.kind == WidgetKind::number ||
        p.kind == WidgetKind::integer)
      numeric.push_back(&p);
  auto suggest_range = [&](const ParamSpec& p) {
    const double v = parse_number(e.value(p.path)).value_or(p.lo);
    if (v > 0) {
      f.from = std::max(p.lo, v / 2);
      f.to = std::min(p.hi, v * 2);
    } else {
      f.from = p.lo;
      f.to = std::min(p.hi, p.lo + std::min(1.0, (p.hi - p.lo) / 2));
    }
  };
  if (f.path.empty() || !e.spec(f.path)) {
    f.path = e.spec("meetings.attendance") ? "meetings.attendance"
                                           : (numeric.empty() ? "" : numeric[0]->path);
    if (const ParamSpec* p = e.spec(f.path)) suggest_range(*p);
  }
  const ParamSpec* spec = e.spec(f.path);

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Sweep");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
  if (ImGui::BeginCombo("##param", spec ? qualified_label(*spec).c_str() : f.path.c_str(),
                        ImGuiComboFlags_HeightLarge)) {
    for (const ParamSpec* p : numeric) {
      // Labelled for people, told apart by the path (two entities' labels may be alike).
      if (ImGui::Selectable((qualified_label(*p) + "##" + p->path).c_str(), p->path == f.path)) {
        f.path = p->path;
        suggest_range(*p);
      }
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", parameter_tooltip(*p, e.file_value(p->path)).c_str());
    }
    ImGui::EndCombo();
  }
  if (spec && ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", parameter_tooltip(*spec, e.file_value(f.path)).c_str());
  ImGui::SameLine();
  ImGui::TextUnformatted("from");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  ImGui::InputDouble("##from", &f.from, 0, 0, "%.4g");
  ImGui::SameLine();
  ImGui::TextUnformatted("to");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  ImGui::InputDouble("##to", &f.to, 0, 0, "%.4g");
  ImGui::SameLine();
  if (sweep.running()) {
    if (ImGui::Button("Stop sweep")) sweep.cancel();
    ImGui::SameLine();
    ImGui::ProgressBar(float(sweep.progress()), {ImGui::GetFontSize() * 8, 0});
  } else if (ImGui::Button("Start sweep") && spec) {
    f.seed = settings.seed;
    f.threads = settings.threads;
    sweep.start(e, f);
  }
  ImGui::SameLine();
  help_marker(
      "Runs the scenario as it is now (with your changes) at each value of one parameter, "
      "all with the same seed, so the curve's steps are the parameter's effect. It runs "
      "alongside the main runs and shares the cores with them.");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  ImGui::SliderInt("points", &f.points, 2, 25);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  const std::uint64_t step = 50, fast = 500;
  ImGui::InputScalar("runs each", ImGuiDataType_U64, &f.runs, &step, &fast, "%llu");
  f.runs = std::clamp<std::uint64_t>(f.runs, 10, SweepSettings::kMaxRuns);
  ImGui::SameLine();
  const char* outcomes[] = {"P(win), 95% interval", "final-round share, 90% of runs",
                            "CLP nominations, 90% of runs", "meeting attendance, 90% of runs"};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
  ImGui::Combo("outcome", &sweep.outcome, outcomes, 4);

  const std::vector<SweptValue> pts = sweep.points();
  const std::vector<std::string> names = sweep.candidates();
  const SweepSettings last = sweep.last();
  const ParamSpec* lspec = e.spec(last.path);
  Range xr{std::min(last.from, last.to), std::max(last.from, last.to)};
  if (!(xr.span() > 0)) xr = padded(xr, 0.5);
  const Unit yu = sweep.outcome == 2 ? Unit::number : Unit::percent;
  Range yr{1e300, -1e300};
  for (const auto& p : pts) {
    if (!p.error.empty()) continue;
    for (size_t c = 0; c < names.size(); ++c) {
      const Interval iv = sweep_interval(p.stats, sweep.outcome, c);
      yr = including(including(yr, iv.lo), iv.hi);
    }
  }
  if (yr.lo > yr.hi) yr = {0, 1};
  if (sweep.outcome == 0) yr = {0, 1};
  yr = padded(yr, 0.05);
  // Labelled for people; the title names the key too.
  const std::string shown = lspec ? qualified_label(*lspec) : last.path;
  const float h = std::max(200.0f, size.y - ImGui::GetFrameHeightWithSpacing() * 3);
  Legend legend;
  if (sweep.outcome != 3)
    for (size_t ci = 0; ci < names.size(); ++ci)
      legend.emplace_back(names[ci], candidate_colour(int(ci)));
  Chart c("sweep",
          pts.empty() ? std::string("Sweep: choose a parameter and a range, then start")
                      : "Outcome against " + shown + " (" + last.path + "; " +
                            std::to_string(last.runs) + " runs per point, seed " +
                            std::to_string(last.seed) + ")",
          {size.x, h}, Axis{xr, Unit::number, shown}, Axis{yr, yu, outcomes[sweep.outcome]},
          legend);
  const size_t series = sweep.outcome == 3 ? 1 : names.size();
  for (size_t ci = 0; ci < series; ++ci) {
    std::vector<double> xs, mid, lo, hi;
    for (const auto& p : pts) {
      if (!p.error.empty()) continue;
      const Interval iv = sweep_interval(p.stats, sweep.outcome, ci);
      xs.push_back(p.value);
      mid.push_back(iv.estimate);
      lo.push_back(iv.lo);
      hi.push_back(iv.hi);
      if (Shown::get().recording())
        Shown::get().add({"sweep", sweep.outcome == 3 ? "attendance" : names[ci],
                          outcomes[sweep.outcome], p.value, ShownRecord::kNone, iv.estimate, iv.lo,
                          iv.hi, last.path});
    }
    const ImU32 col = sweep.outcome == 3 ? candidate_colour(4) : candidate_colour(int(ci));
    c.band(xs, lo, hi, (col & ~IM_COL32_A_MASK) | (60u << IM_COL32_A_SHIFT));
    c.polyline(xs, mid, col, 2.0f);
    for (size_t i = 0; i < xs.size(); ++i) c.point(xs[i], mid[i], 3, col);
  }
  if (sweep.outcome == 0 || sweep.outcome == 1) c.hline(0.5, kMarkColour);
  if (const ParamSpec* cur = e.spec(last.path)) {
    if (auto v = parse_number(e.value(cur->path)); v && xr.contains(*v))
      c.vline(*v, ImGui::GetColorU32(ImGuiCol_Text, 0.5f), "current value");
  }
  for (const auto& p : pts)
    if (!p.error.empty()) c.text(p.value, yr.lo, "x", kMarkColour, {0.5f, 1});
  if (c.hovered() && !pts.empty()) {
    const double mx = c.mouse().x;
    const SweptValue* best = &pts[0];
    for (const auto& p : pts)
      if (std::abs(p.value - mx) < std::abs(best->value - mx)) best = &p;
    ImGui::BeginTooltip();
    ImGui::Text("%s = %g", shown.c_str(), best->value);
    if (!best->error.empty()) {
      ImGui::Text("refused: %s", best->error.c_str());
    } else {
      const PointStats& st = best->stats;
      for (size_t ci = 0; ci < names.size() && ci < st.win.size(); ++ci)
        ImGui::Text("%s: P(win) %s [%s, %s]; share %s; nominations %.1f", names[ci].c_str(),
                    format_value(st.win[ci].p, Unit::percent, 1).c_str(),
                    format_value(st.win[ci].lo, Unit::percent, 1).c_str(),
                    format_value(st.win[ci].hi, Unit::percent, 1).c_str(),
                    format_value(st.share[ci].mean, Unit::percent, 1).c_str(),
                    st.nominations[ci].mean);
      ImGui::Text("attendance %s", format_value(st.attendance.mean, Unit::percent, 2).c_str());
    }
    ImGui::EndTooltip();
  }
}

}  // namespace leadsim::viz
