// Compare: a pinned result against the current one. The two are paired run by run (run i of
// each drew the same random numbers wherever the scenarios agree), so a difference is measured
// far more precisely than the two results' own intervals suggest.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "chart.hpp"
#include "panels.hpp"
#include "shown.hpp"

namespace leadsim::viz {

namespace {

// Parameters whose values differ between two scenarios: "path: old -> new".
std::vector<std::string> changed_parameters(const Scenario& pinned, const Scenario& current) {
  std::vector<std::string> out;
  std::map<std::string, std::string> before;
  for (const auto& r : pinned.resolved) before[r.path] = r.value;
  for (const auto& r : current.resolved) {
    auto it = before.find(r.path);
    if (it == before.end())
      out.push_back(r.path + ": (new) " + r.value);
    else if (it->second != r.value)
      out.push_back(r.path + ": " + it->second + " -> " + r.value);
  }
  std::map<std::string, bool> now;
  for (const auto& r : current.resolved) now[r.path] = true;
  for (const auto& r : pinned.resolved)
    if (!now.count(r.path)) out.push_back(r.path + ": " + r.value + " -> (removed)");
  return out;
}

std::string describe(const Results& r) {
  std::string s = r.scenario->name + ": " + format_value(double(r.count()), Unit::integer, 0) +
                  " runs, seed " + std::to_string(r.seed);
  if (!r.complete) s += r.cancelled ? " (cancelled)" : " (running)";
  return s;
}

// The differences measured in shares, as a forest plot around zero.
void difference_chart(const std::vector<Difference>& diffs, ImVec2 size) {
  Axis y{};
  std::vector<const Difference*> shown;
  // Shares only: P(win) moves in tens of points and would flatten the rest (it is in the table
  // and in the "Who wins" chart).
  for (const auto& d : diffs)
    if (d.unit == Unit::percent && d.what.rfind("P(win)", 0) != 0) {
      shown.push_back(&d);
      y.categories.push_back(d.what);
    }
  Range xr{0, 0};
  for (const auto* d : shown) xr = including(including(xr, d->diff.lo), d->diff.hi);
  const double half = std::max({std::abs(xr.lo), std::abs(xr.hi), 0.005});
  Chart c("diffs", "Shares: current - pinned (95%, paired by run)", size,
          Axis{padded({-half, half}, 0.08), Unit::percent_pt, "difference in percentage points"},
          y);
  c.vline(0, ImGui::GetColorU32(ImGuiCol_Text, 0.6f));
  int hovered = -1;
  for (size_t i = 0; i < shown.size(); ++i) {
    const Interval& iv = shown[i]->diff;
    const bool clear = iv.lo > 0 || iv.hi < 0;  // the interval excludes no difference
    const ImU32 colour = clear ? kMarkColour : ImGui::GetColorU32(ImGuiCol_Text);
    c.whisker_h(double(i) + 0.5, iv.lo, iv.hi, colour, 3);
    c.point(iv.estimate, double(i) + 0.5, 3.5f, colour);
    if (c.hovered() && c.mouse().y >= double(i) && c.mouse().y < double(i) + 1) hovered = int(i);
  }
  if (hovered >= 0) {
    const Difference& d = *shown[size_t(hovered)];
    ImGui::BeginTooltip();
    ImGui::Text("%s", d.what.c_str());
    ImGui::Text("pinned %s, current %s", format_value(d.pinned, Unit::percent, 2).c_str(),
                format_value(d.current, Unit::percent, 2).c_str());
    ImGui::Text("difference %s, 95%% interval [%s, %s], %llu paired runs",
                format_value(d.diff.estimate, Unit::percent_pt, 2).c_str(),
                format_value(d.diff.lo, Unit::percent_pt, 2).c_str(),
                format_value(d.diff.hi, Unit::percent_pt, 2).c_str(), (unsigned long long)d.pairs);
    ImGui::EndTooltip();
  }
}

}  // namespace

void compare_panel(const Results& current, const Results* pinned, ImVec2 size) {
  if (!pinned || !pinned->scenario) {
    ImGui::TextWrapped(
        "Nothing pinned yet. Pin the current result (the Pin button, or Ctrl+P), then change a "
        "parameter: for example set eligibility.freeze_ruling to overturned, or add to an "
        "entryist wave's size. The new runs are drawn over the pinned ones here and in the "
        "overview, with the differences and their 95%% intervals.");
    return;
  }
  if (!current.scenario || current.empty()) {
    ImGui::TextDisabled("waiting for runs");
    return;
  }
  const std::vector<Difference> diffs = differences(current, *pinned);
  ImGui::Text("Pinned:  %s", describe(*pinned).c_str());
  ImGui::Text("Current: %s", describe(current).c_str());
  const auto changed = changed_parameters(*pinned->scenario, *current.scenario);
  if (changed.empty()) {
    ImGui::TextDisabled("The same parameters: differences are zero when the seeds agree.");
  } else {
    std::string list;
    for (size_t i = 0; i < changed.size() && i < 6; ++i) list += (i ? ";  " : "") + changed[i];
    if (changed.size() > 6) list += ";  and " + std::to_string(changed.size() - 6) + " more";
    ImGui::TextWrapped("Changed: %s", list.c_str());
  }
  if (diffs.empty()) {
    ImGui::TextColored({0.8f, 0.2f, 0.2f, 1},
                       "The two results have different candidates: there is nothing to pair.");
    return;
  }
  ImGui::TextDisabled(
      pinned->seed == current.seed
          ? "Same seed: run i of each drew the same random numbers where the scenarios "
            "agree (common random numbers)."
          : "Different seeds: the runs are independent; the intervals are valid but wider.");
  ImGui::SameLine();
  help_marker(
      "Each difference is the mean over runs of (current run i) - (pinned run i), with a "
      "95% interval from the spread of those paired differences; for P(win), Newcombe's "
      "interval for paired proportions. Red: the interval excludes zero.");

  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float top = ImGui::GetCursorPosY();
  const float rows_h = size.y - (top - ImGui::GetCursorStartPos().y);
  const float chart_h = std::max(200.0f, rows_h * 0.45f);
  const float w3 = (size.x - 2 * gap) / 3;
  win_probability_chart(current, pinned, {w3, chart_h});
  ImGui::SameLine();
  final_share_chart(current, pinned, {w3, chart_h});
  ImGui::SameLine();
  nominations_chart(current, pinned, {w3, chart_h});

  const float lower_h = std::max(180.0f, rows_h - chart_h - gap * 2);
  difference_chart(diffs, {size.x * 0.45f - gap, lower_h});
  ImGui::SameLine();
  if (ImGui::BeginTable("differences", 4,
                        ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                            ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit,
                        {size.x * 0.55f, lower_h})) {
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("What");
    ImGui::TableSetupColumn("Pinned");
    ImGui::TableSetupColumn("Current");
    ImGui::TableSetupColumn("Difference [95% interval]; pt for shares");
    ImGui::TableHeadersRow();
    for (const auto& d : diffs) {
      shown_value("difference", d.what, "pinned", d.pinned);
      shown_value("difference", d.what, "current", d.current);
      shown_value("difference", d.what, "current - pinned", d.diff.estimate, d.diff.lo, d.diff.hi);
      const bool pct = d.unit == Unit::percent;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(d.what.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_value(d.pinned, d.unit, 1).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_value(d.current, d.unit, 1).c_str());
      ImGui::TableNextColumn();
      const bool clear = d.diff.lo > 0 || d.diff.hi < 0;
      // Shares in percentage points, the unit once: "+5.24 [+5.23, +5.26]".
      auto num = [&](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, pct ? "%+.2f" : "%+.1f", pct ? v * 100 : v);
        return std::string(
            std::abs(pct ? v * 100 : v) < (pct ? 0.005 : 0.05) ? (pct ? "0.00" : "0.0") : buf);
      };
      const std::string txt =
          num(d.diff.estimate) + " [" + num(d.diff.lo) + ", " + num(d.diff.hi) + "]";
      if (clear)
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kMarkColour), "%s", txt.c_str());
      else
        ImGui::TextUnformatted(txt.c_str());
    }
    ImGui::EndTable();
  }
}

}  // namespace leadsim::viz
