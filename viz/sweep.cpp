#include "sweep.hpp"

#include <imgui_stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "chart.hpp"
#include "leadsim/ensemble.hpp"
#include "panels.hpp"
#include "shown.hpp"

namespace leadsim::viz {

std::vector<double> sweep_values(double from, double to, int points, bool integer) {
  std::vector<double> out;
  points = std::max(1, points);
  for (int i = 0; i < points; ++i) {
    double v = points == 1 ? from : from + (to - from) * double(i) / double(points - 1);
    if (integer) v = std::round(v);
    if (out.empty() || v != out.back()) out.push_back(v);
  }
  return out;
}

Sweep::~Sweep() {
  cancel_ = true;
  if (thread_.joinable()) thread_.join();
}

void Sweep::start(const EditSession& e, const SweepSettings& s) {
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
  total_runs_ = s.runs * sweep_values(s.from, s.to, s.points, false).size();
  thread_ = std::thread([this, file = e.path(), o = e.overrides(), s] { work(file, o, s); });
}

void Sweep::cancel() { cancel_ = true; }

std::vector<SweepPoint> Sweep::points() const {
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

void Sweep::work(std::string file, std::vector<std::string> overrides, SweepSettings s) {
  // Below the UI thread, like the runner's workers.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kWorkerNice);
  const ParamSpec spec = describe(s.path);
  const bool integer = spec.kind == WidgetKind::integer;
  std::shared_ptr<const Population> pop;
  std::string pop_key;
  for (double v : sweep_values(s.from, s.to, s.points, integer)) {
    if (cancel_) break;
    SweepPoint pt;
    pt.value = v;
    const std::string value = integer ? std::to_string(std::llround(v)) : toml_number(v);
    try {
      const Scenario sc = load_scenario(file, set_override(overrides, s.path, value));
      const std::string key = population_signature(sc, s.seed);
      if (!pop || key != pop_key) {
        pop = std::make_shared<const Population>(synthesise(sc, s.seed));
        pop_key = key;
      }
      EnsembleOptions opt;
      opt.seed = s.seed;
      opt.runs = s.runs;
      opt.threads = s.threads;
      opt.cancel = &cancel_;
      const std::uint64_t before = done_runs_;
      opt.progress = [this, before](std::uint64_t done, std::uint64_t) {
        done_runs_ = before + done;
      };
      const EnsembleResult r = run_ensemble(sc, *pop, opt);
      if (r.cancelled) break;
      const Summary& sum = r.summary;
      pt.runs = sum.runs;
      for (size_t c = 0; c < sc.candidates.size(); ++c) {
        const CandidateSummary& cs = sum.candidates[c];
        pt.win.push_back(wilson_interval(cs.wins, sum.runs));
        pt.share.push_back({cs.share.mean(), cs.share.quantile(0.05), cs.share.quantile(0.95)});
        pt.nominations.push_back(
            {cs.nominations.mean(), cs.nominations.quantile(0.05), cs.nominations.quantile(0.95)});
      }
      pt.attendance = {sum.attendance_rate.mean(), sum.attendance_rate.quantile(0.05),
                       sum.attendance_rate.quantile(0.95)};
    } catch (const InputError& e) {
      pt.error = e.diagnostics().empty() ? e.what() : e.diagnostics().front().message;
      done_runs_ += s.runs;
    } catch (const std::exception& e) {
      pt.error = e.what();
      done_runs_ += s.runs;
    }
    std::lock_guard lk(mu_);
    points_.push_back(std::move(pt));
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
  if (ImGui::BeginCombo("##param", f.path.c_str(), ImGuiComboFlags_HeightLarge)) {
    for (const ParamSpec* p : numeric)
      if (ImGui::Selectable(p->path.c_str(), p->path == f.path)) {
        f.path = p->path;
        suggest_range(*p);
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
  f.runs = std::clamp<std::uint64_t>(f.runs, 10, 1'000'000);
  ImGui::SameLine();
  const char* outcomes[] = {"P(win), 95% interval", "final-round share, 90% of runs",
                            "CLP nominations, 90% of runs", "meeting attendance, 90% of runs"};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
  ImGui::Combo("outcome", &sweep.outcome, outcomes, 4);

  const std::vector<SweepPoint> pts = sweep.points();
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
      const Interval iv = sweep.outcome == 0   ? p.win[c]
                          : sweep.outcome == 1 ? p.share[c]
                          : sweep.outcome == 2 ? p.nominations[c]
                                               : p.attendance;
      yr = including(including(yr, iv.lo), iv.hi);
    }
  }
  if (yr.lo > yr.hi) yr = {0, 1};
  if (sweep.outcome == 0) yr = {0, 1};
  yr = padded(yr, 0.05);
  const std::string xlabel =
      last.path + (lspec && !lspec->unit.empty() ? " (" + lspec->unit + ")" : "");
  const float h = std::max(200.0f, size.y - ImGui::GetFrameHeightWithSpacing() * 3);
  Legend legend;
  if (sweep.outcome != 3)
    for (size_t ci = 0; ci < names.size(); ++ci)
      legend.emplace_back(names[ci], candidate_colour(int(ci)));
  Chart c("sweep",
          pts.empty() ? std::string("Sweep: choose a parameter and a range, then start")
                      : "Outcome against " + last.path + " (" + std::to_string(last.runs) +
                            " runs per point, seed " + std::to_string(last.seed) + ")",
          {size.x, h}, Axis{xr, Unit::number, xlabel}, Axis{yr, yu, outcomes[sweep.outcome]},
          legend);
  const size_t series = sweep.outcome == 3 ? 1 : names.size();
  for (size_t ci = 0; ci < series; ++ci) {
    std::vector<double> xs, mid, lo, hi;
    for (const auto& p : pts) {
      if (!p.error.empty()) continue;
      const Interval iv = sweep.outcome == 0   ? p.win[ci]
                          : sweep.outcome == 1 ? p.share[ci]
                          : sweep.outcome == 2 ? p.nominations[ci]
                                               : p.attendance;
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
    const SweepPoint* best = &pts[0];
    for (const auto& p : pts)
      if (std::abs(p.value - mx) < std::abs(best->value - mx)) best = &p;
    ImGui::BeginTooltip();
    ImGui::Text("%s = %g", last.path.c_str(), best->value);
    if (!best->error.empty()) {
      ImGui::Text("refused: %s", best->error.c_str());
    } else {
      for (size_t ci = 0; ci < names.size(); ++ci)
        ImGui::Text("%s: P(win) %s [%s, %s]; share %s; nominations %.1f", names[ci].c_str(),
                    format_value(best->win[ci].estimate, Unit::percent, 1).c_str(),
                    format_value(best->win[ci].lo, Unit::percent, 1).c_str(),
                    format_value(best->win[ci].hi, Unit::percent, 1).c_str(),
                    format_value(best->share[ci].estimate, Unit::percent, 1).c_str(),
                    best->nominations[ci].estimate);
      ImGui::Text("attendance %s",
                  format_value(best->attendance.estimate, Unit::percent, 2).c_str());
    }
    ImGui::EndTooltip();
  }
}

}  // namespace leadsim::viz
