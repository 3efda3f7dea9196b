// The CLPs: a scatter of each CLP's chance of nominating a candidate against what might explain
// it (members' support, the covariate, size, attendance, the make-up of its membership), a hex
// map of them (hexmap.hpp) when the scenario's CLPs are real constituencies, and a sortable,
// searchable table of every CLP.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>

#include "chart.hpp"
#include "panels.hpp"
#include "shown.hpp"

namespace leadsim::viz {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string pct(double v, int decimals = 1) { return format_value(v, Unit::percent, decimals); }
std::string fmt_lean(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.2f", x);
  return buf;
}


// "CLP 2" before "CLP 10": digits compare as numbers.
bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      const std::string na = a.substr(i, ie - i), nb = b.substr(j, je - j);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// The candidate a CLP most often nominates when it nominates, or -1 if it never did.
int likely_outcome(const ClpRow& row) { return row.likely; }

ImU32 outcome_colour(int outcome, float alpha = 1.0f) {
  return outcome < 0 ? none_colour(alpha) : candidate_colour(outcome, alpha);
}

int eligible_total(const ClpFacts* facts, int clp) {
  if (!facts || size_t(clp) >= facts->eligible_by_wave.size()) return -1;
  int n = 0;
  for (int x : facts->eligible_by_wave[size_t(clp)]) n += x;
  return n;
}

std::string covariate_name(const Scenario& s) {
  for (const auto& r : s.resolved)
    if (r.path == "clps.covariate") return r.value;
  return "covariate";
}

void clp_tooltip(const Scenario& s, const ClpRow& row, const ClpFacts* facts,
                 const char* hint = "click to select for the table and the meeting inspector") {
  ImGui::BeginTooltip();
  ImGui::Text("%s", row.name.c_str());
  ImGui::TextDisabled("%s%s%s; %s", row.nation.c_str(), row.region.empty() ? "" : ", ",
                      row.region.c_str(), row.has_mp ? "the party holds the seat" : "no party MP");
  ImGui::Separator();
  ImGui::Text("held a meeting in %s of runs", pct(row.p_met).c_str());
  for (size_t c = 0; c < row.p_nominate.size(); ++c)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(candidate_colour(int(c))), "nominated %s: %s",
                       s.candidates[c].name.c_str(), pct(row.p_nominate[c]).c_str());
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(none_colour()), "no nomination: %s",
                     pct(row.p_none).c_str());
  if (row.p_met > 0)
    ImGui::Text("attendance %.0f of %.0f eligible (%s), mean per meeting", row.mean_attendance,
                row.mean_eligible, pct(row.attendance_rate).c_str());
  if (facts && size_t(row.clp) < facts->support.size()) {
    std::string line = "members' first choices before meetings:";
    for (size_t c = 0; c < s.candidates.size(); ++c)
      line += " " + s.candidates[c].name + " " + pct(facts->support[size_t(row.clp)][c]);
    ImGui::TextUnformatted(line.c_str());
  }
  if (size_t(row.clp) < s.clps.size()) {
    const Clp& c = s.clps[size_t(row.clp)];
    if (c.lean_mean != 0 || c.lean_sd != 0)
      ImGui::Text("lasting lean %+.2f (90%% interval %+.2f to %+.2f; + leans left)", c.lean_mean,
                  c.lean_mean - 1.6449 * c.lean_sd, c.lean_mean + 1.6449 * c.lean_sd);
  }
  ImGui::TextDisabled("%s", hint);
  ImGui::EndTooltip();
}

}  // namespace

double scatter_x_value(const ClpRow& row, const ClpFacts* facts, int choice, int candidate) {
  switch (choice) {
    case kScatterSupport:
      if (!facts || size_t(row.clp) >= facts->support.size() || eligible_total(facts, row.clp) <= 0)
        return kNaN;  // no member may attend: no support to speak of
      return facts->support[size_t(row.clp)][size_t(candidate)];
    case kScatterCovariate:
      return row.covariate;
    case kScatterEligible: {
      const int n = eligible_total(facts, row.clp);
      return n >= 0 ? double(n) : kNaN;
    }
    case kScatterAttendance:
      return row.p_met > 0 ? row.attendance_rate : kNaN;
    default: {
      const int wave = choice - kScatterWaveShare;
      if (!facts || size_t(row.clp) >= facts->eligible_by_wave.size()) return kNaN;
      const auto& by_wave = facts->eligible_by_wave[size_t(row.clp)];
      const int total = eligible_total(facts, row.clp);
      if (wave < 0 || size_t(wave) >= by_wave.size() || total <= 0) return kNaN;
      return double(by_wave[size_t(wave)]) / double(total);
    }
  }
}

std::string scatter_x_label(const Scenario& s, int choice, int candidate) {
  switch (choice) {
    case kScatterSupport:
      return "members backing " + candidate_label(s, candidate) +
             " before the meetings (% of eligible members)";
    case kScatterCovariate:
      return "CLP covariate " + covariate_name(s) + " (standardised: sd units)";
    case kScatterEligible:
      return "members eligible to attend (people)";
    case kScatterAttendance:
      return "attendance (% of eligible members, mean over meetings held)";
    default: {
      const int wave = choice - kScatterWaveShare;
      const std::string name = size_t(wave) < s.waves.size() ? s.waves[size_t(wave)].name : "?";
      return "eligible members from \"" + name + "\" (% of eligible)";
    }
  }
}

void clp_scatter(const Results& r, const ClpFacts* facts, ViewState& v, ImVec2 size) {
  if (!r.scenario || !r.summary || r.summary->runs == 0) {
    Chart c("scatter", "CLPs", size, Axis{{0, 1}, Unit::percent, ""},
            Axis{{0, 1}, Unit::percent, ""});
    c.message("waiting for runs");
    return;
  }
  const Scenario& s = *r.scenario;
  const int k = int(s.candidates.size());
  v.scatter_candidate = std::clamp(v.scatter_candidate, 0, std::max(0, k - 1));
  const std::vector<ClpRow> rows = clp_rows(r);
  std::vector<double> xs(rows.size()), ys(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    xs[i] = scatter_x_value(rows[i], facts, v.scatter_x, v.scatter_candidate);
    const double p = rows[i].p_nominate[size_t(v.scatter_candidate)];
    // Given a meeting: whether a CLP meets at all is a coin the scenario tosses (meetings.meet);
    // what the meeting decides is what the scatter is for. Or how the room voted.
    if (v.scatter_vote_share)
      ys[i] = rows[i].p_met > 0 ? rows[i].meeting_share[size_t(v.scatter_candidate)] : kNaN;
    else
      ys[i] = !v.scatter_given_met ? p : rows[i].p_met > 0 ? p / rows[i].p_met : kNaN;
    if (!std::isfinite(ys[i])) xs[i] = kNaN;
  }
  const bool x_share = v.scatter_x == kScatterSupport || v.scatter_x == kScatterAttendance ||
                       v.scatter_x >= kScatterWaveShare;
  Range xr = span_of(xs);
  if (x_share) xr = {std::max(0.0, xr.lo), std::min(1.0, xr.hi)};
  if (v.scatter_x == kScatterSupport) xr = including(including(xr, 0.45), 0.55);
  xr = padded(xr, 0.04);
  const Unit xu =
      x_share ? Unit::percent : (v.scatter_x == kScatterEligible ? Unit::integer : Unit::number);
  const std::string cand = candidate_label(s, v.scatter_candidate);
  Legend legend;
  for (int i = 0; i < k; ++i)
    legend.emplace_back("mostly nominates " + s.candidates[size_t(i)].name, candidate_colour(i));
  legend.emplace_back("never nominated", none_colour());
  const std::string ylabel =
      v.scatter_vote_share ? cand + "'s share of the meeting vote (first round, all meetings held)"
      : v.scatter_given_met ? "P(nominates " + cand + " | it held a meeting), share of its meetings"
                            : "P(nominates " + cand + "), share of runs";
  Chart c("scatter",
          v.scatter_vote_share ? "Each CLP: how its meetings voted for " + cand
                               : "Each CLP: how often it nominates " + cand,
          size,
          Axis{xr, xu, scatter_x_label(s, v.scatter_x, v.scatter_candidate)},
          Axis{{-0.02, 1.02}, Unit::percent, ylabel}, legend);
  if (v.scatter_x == kScatterSupport) c.vline(0.5, kMarkColour, "half the members", true);
  const float radius = std::max(2.5f, ImGui::GetFontSize() * 0.24f);
  int nearest = -1;
  float best = radius * radius * 9;
  const ImVec2 m = ImGui::GetIO().MousePos;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!std::isfinite(xs[i])) continue;
    shown_point("clp_scatter", rows[i].name, scatter_x_label(s, v.scatter_x, v.scatter_candidate),
                xs[i], ys[i]);
    c.point(xs[i], ys[i], radius, outcome_colour(likely_outcome(rows[i]), 0.75f));
    if (c.hovered()) {
      const ImVec2 p = c.at(xs[i], ys[i]);
      const float d = (p.x - m.x) * (p.x - m.x) + (p.y - m.y) * (p.y - m.y);
      if (d < best) {
        best = d;
        nearest = int(i);
      }
    }
  }
  if (v.selected_clp >= 0 && size_t(v.selected_clp) < rows.size() &&
      std::isfinite(xs[size_t(v.selected_clp)]))
    c.point(xs[size_t(v.selected_clp)], ys[size_t(v.selected_clp)], radius * 2.2f, 0,
            ImGui::GetColorU32(ImGuiCol_Text));
  bool waiting = true;
  for (double x : xs) waiting = waiting && !std::isfinite(x);
  if (waiting) c.message(facts ? "no values" : "computing members' support...");
  if (nearest >= 0) {
    clp_tooltip(s, rows[size_t(nearest)], facts);
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) v.selected_clp = rows[size_t(nearest)].clp;
  }
}

void clp_table(const Results& r, const ClpFacts* facts, ViewState& v, ImVec2 size) {
  if (!r.scenario || !r.summary) return;
  const Scenario& s = *r.scenario;
  const int k = int(s.candidates.size());
  const std::vector<ClpRow> rows = clp_rows(r);
  ImGui::SetNextItemWidth(std::min(size.x * 0.5f, ImGui::GetFontSize() * 22));
  ImGui::InputTextWithHint("##clpfilter", "search CLPs by name, region or nation", &v.clp_filter);
  ImGui::SameLine();
  ImGui::TextDisabled(
      "%zu CLPs; probabilities are shares of %llu runs; attendance and eligible are "
      "means over the meetings held",
      rows.size(), (unsigned long long)r.count());

  const bool with_support = facts && facts->support.size() == rows.size();
  // Columns: CLP, region, MP, P(meet), P(nominate c)..., P(none), attendance, eligible, rate,
  // then members' support per candidate.
  const int cols = 4 + k + 4 + (with_support ? k : 0);
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_ScrollX | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingFixedFit;
  const float height = std::max(ImGui::GetTextLineHeightWithSpacing() * 4,
                                size.y - ImGui::GetFrameHeightWithSpacing());
  if (!ImGui::BeginTable("clps", cols, flags, {size.x, height})) return;
  ImGui::TableSetupScrollFreeze(1, 1);
  ImGui::TableSetupColumn("CLP",
                          ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_WidthFixed,
                          ImGui::GetFontSize() * 13);
  ImGui::TableSetupColumn("Region");
  ImGui::TableSetupColumn("MP");
  ImGui::TableSetupColumn("P(meet)");
  for (int c = 0; c < k; ++c)
    ImGui::TableSetupColumn(("P(" + s.candidates[size_t(c)].name + ")").c_str());
  ImGui::TableSetupColumn("P(none)");
  ImGui::TableSetupColumn("Attendance");
  ImGui::TableSetupColumn("Eligible");
  ImGui::TableSetupColumn("Att. %");
  if (with_support)
    for (int c = 0; c < k; ++c)
      ImGui::TableSetupColumn(("Members for " + s.candidates[size_t(c)].name).c_str());
  ImGui::TableHeadersRow();

  // The rows shown: filtered, then sorted by the clicked column.
  std::vector<int> order;
  for (size_t i = 0; i < rows.size(); ++i)
    if (contains_ci(rows[i].name, v.clp_filter) || contains_ci(rows[i].region, v.clp_filter) ||
        contains_ci(rows[i].nation, v.clp_filter))
      order.push_back(int(i));
  auto key = [&](const ClpRow& row, int col) -> double {
    if (col == 2) return row.has_mp;
    if (col == 3) return row.p_met;
    if (col >= 4 && col < 4 + k) return row.p_nominate[size_t(col - 4)];
    const int rest = col - 4 - k;
    if (rest == 0) return row.p_none;
    if (rest == 1) return row.mean_attendance;
    if (rest == 2) return row.mean_eligible;
    if (rest == 3) return row.attendance_rate;
    if (rest >= 4 && with_support) return facts->support[size_t(row.clp)][size_t(rest - 4)];
    return 0;
  };
  if (const ImGuiTableSortSpecs* spec = ImGui::TableGetSortSpecs(); spec && spec->SpecsCount > 0) {
    const int col = spec->Specs[0].ColumnIndex;
    const bool desc = spec->Specs[0].SortDirection == ImGuiSortDirection_Descending;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      const ClpRow &ra = rows[size_t(a)], &rb = rows[size_t(b)];
      const ClpRow &x = desc ? rb : ra, &y = desc ? ra : rb;
      if (col == 0) return natural_less(x.name, y.name);
      if (col == 1)
        return x.region != y.region ? x.region < y.region : natural_less(x.name, y.name);
      return key(x, col) < key(y, col);
    });
  }
  if (Shown::get().recording()) {
    for (int i : order) {
      const ClpRow& row = rows[size_t(i)];
      shown_text("clp_table", row.name, "Region", row.region);
      shown_text("clp_table", row.name, "MP", row.has_mp ? "yes" : "no");
      shown_value("clp_table", row.name, "P(meet)", row.p_met);
      for (int c = 0; c < k; ++c)
        shown_value("clp_table", row.name, "P(" + s.candidates[size_t(c)].name + ")",
                    row.p_nominate[size_t(c)]);
      shown_value("clp_table", row.name, "P(none)", row.p_none);
      shown_value("clp_table", row.name, "Attendance", row.mean_attendance);
      shown_value("clp_table", row.name, "Eligible", row.mean_eligible);
      shown_value("clp_table", row.name, "Att. %", row.attendance_rate);
      if (with_support)
        for (int c = 0; c < k; ++c)
          shown_value("clp_table", row.name, "Members for " + s.candidates[size_t(c)].name,
                      facts->support[size_t(row.clp)][size_t(c)]);
    }
  }
  ImGuiListClipper clipper;
  clipper.Begin(int(order.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const ClpRow& row = rows[size_t(order[size_t(i)])];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(row.clp);
      const int outcome = likely_outcome(row);
      ImDrawList* dl = ImGui::GetWindowDrawList();
      const ImVec2 p = ImGui::GetCursorScreenPos();
      const float sw = ImGui::GetFontSize() * 0.6f;
      dl->AddRectFilled({p.x, p.y + sw * 0.35f}, {p.x + sw, p.y + sw * 1.35f},
                        outcome_colour(outcome));
      ImGui::SetCursorScreenPos({p.x + sw * 1.5f, p.y});
      if (ImGui::Selectable(row.name.c_str(), v.selected_clp == row.clp,
                            ImGuiSelectableFlags_SpanAllColumns))
        v.selected_clp = row.clp;
      if (ImGui::IsItemHovered()) clp_tooltip(s, row, facts);
      ImGui::PopID();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.region.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.has_mp ? "yes" : "");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(pct(row.p_met).c_str());
      for (int c = 0; c < k; ++c) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(pct(row.p_nominate[size_t(c)]).c_str());
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(pct(row.p_none).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", row.mean_attendance);
      ImGui::TableNextColumn();
      ImGui::Text("%.0f", row.mean_eligible);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(pct(row.attendance_rate).c_str());
      if (with_support)
        for (int c = 0; c < k; ++c) {
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(pct(facts->support[size_t(row.clp)][size_t(c)]).c_str());
        }
    }
  }
  ImGui::EndTable();
}

namespace {

ImU32 lerp_colour(ImU32 a, ImU32 b, float t) {
  const ImVec4 x = ImGui::ColorConvertU32ToFloat4(a), y = ImGui::ColorConvertU32ToFloat4(b);
  t = std::clamp(t, 0.0f, 1.0f);
  return ImGui::ColorConvertFloat4ToU32(
      {x.x + (y.x - x.x) * t, x.y + (y.y - x.y) * t, x.z + (y.z - x.z) * t, 1.0f});
}

// A probability as the map shows it (as map.svg does): near-white, through the colour, to its
// dark shade; lightness falls steadily with p.
ImU32 map_ramp(double p, ImU32 colour) {
  const ImU32 light = IM_COL32(247, 247, 247, 255), dark = lerp_colour(colour, IM_COL32_BLACK, 0.55f);
  const float x = float(std::clamp(p, 0.0, 1.0));
  return x < 0.6f ? lerp_colour(light, colour, x / 0.6f) : lerp_colour(colour, dark, (x - 0.6f) / 0.4f);
}

// A lean, diverging about 0: red leftwards (+), blue rightwards (-), white at 0, full at +-range.
ImU32 lean_colour(double lean, double range) {
  const float t = float(std::clamp(lean / range, -1.0, 1.0));
  return t >= 0 ? lerp_colour(IM_COL32(247, 247, 247, 255), IM_COL32(178, 24, 43, 255), t)
                : lerp_colour(IM_COL32(247, 247, 247, 255), IM_COL32(33, 102, 172, 255), -t);
}

constexpr ImU32 kMeetsColour = IM_COL32(106, 81, 163, 255);

}  // namespace

const HexMap* clp_hexmap(const Results& r, ViewState& v) {
  if (!r.scenario) return nullptr;
  const std::string file =
      v.hexmap_file.empty() ? default_hexmap_path(r.scenario->file) : v.hexmap_file;
  if (file != v.hexmap_loaded) {
    v.hexmap_loaded = file;
    v.hexmap.reset();
    v.hexmap_error.clear();
    if (std::filesystem::exists(file)) {
      try {
        v.hexmap = std::make_shared<const HexMap>(read_hexmap(file));
      } catch (const InputError& e) {
        v.hexmap_error = e.diagnostics().empty() ? e.what() : e.diagnostics()[0].str();
      }
    }
  }
  if (!v.hexmap || clps_on_map(*r.scenario, *v.hexmap) == 0) return nullptr;
  return v.hexmap.get();
}

void clp_map(const Results& r, const ClpFacts* facts, ViewState& v, ImVec2 size) {
  const HexMap* map = clp_hexmap(r, v);
  if (!map || !r.scenario || !r.summary || r.summary->runs == 0) return;
  const Scenario& s = *r.scenario;
  const int k = int(s.candidates.size());
  v.map_candidate = std::clamp(v.map_candidate, 0, std::max(0, k - 1));
  v.map_colour = std::clamp(v.map_colour, 0, int(kMapLean));
  const std::vector<ClpRow> rows = clp_rows(r);

  // Controls: what colours the map.
  const float top = ImGui::GetCursorScreenPos().y;
  ImGui::BeginGroup();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Map:");
  ImGui::SameLine();
  const char* colourings[] = {"P(nominates ...)", "P(meets)", "lasting lean"};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  ImGui::Combo("##mapcolour", &v.map_colour, colourings, 3);
  if (v.map_colour == kMapNominates) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    if (ImGui::BeginCombo("##mapcand", candidate_label(s, v.map_candidate).c_str())) {
      for (int c = 0; c < k; ++c)
        if (ImGui::Selectable(s.candidates[size_t(c)].name.c_str(), c == v.map_candidate))
          v.map_candidate = c;
      ImGui::EndCombo();
    }
  }
  ImGui::SameLine();
  help_marker(
      "One hexagon per constituency (ODI Leeds hex map): a small urban seat is as visible as a "
      "large rural one. Colour: the share of runs in which the CLP nominated the candidate, held "
      "a meeting, or its lasting lean (from a past contest, [clps] identity; red leans left). "
      "Hatched grey: not a CLP of this scenario. Hover for the CLP; click to open its meeting in "
      "the meeting inspector.");

  // What each CLP's colour stands for.
  double lean_range = 0.5;
  for (const auto& c : s.clps) lean_range = std::max(lean_range, std::abs(c.lean_mean));
  bool any_lean = false;
  for (const auto& c : s.clps) any_lean = any_lean || c.lean_mean != 0;
  auto value_of = [&](const ClpRow& row) {
    if (v.map_colour == kMapMeets) return row.p_met;
    if (v.map_colour == kMapLean) return s.clps[size_t(row.clp)].lean_mean;
    return row.p_nominate[size_t(v.map_candidate)];
  };
  auto colour_of = [&](double x) {
    if (v.map_colour == kMapMeets) return map_ramp(x, kMeetsColour);
    if (v.map_colour == kMapLean) return lean_colour(x, lean_range);
    return map_ramp(x, candidate_colour(v.map_candidate));
  };
  const std::string what = v.map_colour == kMapMeets ? "P(meets)"
                           : v.map_colour == kMapLean
                               ? "lasting lean (+ leans left)"
                               : "P(nominates " + candidate_label(s, v.map_candidate) + ")";

  // Fit the map into what is left, leaving a line for the legend.
  const float legend_h = ImGui::GetTextLineHeightWithSpacing() * 3.2f;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float avail_w = std::max(50.0f, size.x),
              avail_h = std::max(50.0f, size.y - (origin.y - top) - legend_h);
  const HexBounds b = hex_bounds(*map);
  const float scale = std::min(avail_w / float(b.x1 - b.x0), avail_h / float(b.y1 - b.y0));
  const ImVec2 offset{origin.x + (avail_w - scale * float(b.x1 - b.x0)) / 2, origin.y};
  auto to_screen = [&](HexPoint p) {
    return ImVec2{offset.x + float(p.x - b.x0) * scale, offset.y + float(p.y - b.y0) * scale};
  };
  ImGui::InvisibleButton("##map", {avail_w, scale * float(b.y1 - b.y0)});
  drawn_plots().push_back({"CLP map: " + what, offset.x, offset.y,
                           offset.x + scale * float(b.x1 - b.x0), offset.y + scale * float(b.y1 - b.y0)});
  const bool hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 m = ImGui::GetIO().MousePos;
  int nearest = -1;
  float best = scale * scale;  // within a hexagon's circumradius
  int selected_cell = -1;
  for (size_t i = 0; i < map->cells.size(); ++i) {
    const HexCell& cell = map->cells[i];
    const int clp = s.clp_index(cell.name);
    const HexPoint centre = hex_centre(cell.q, cell.r);
    const ImVec2 c = to_screen(centre);
    std::array<ImVec2, 6> pts;
    const auto corners = hex_corners(centre, 0.94);
    for (size_t j = 0; j < 6; ++j) pts[j] = to_screen(corners[j]);
    ImU32 fill = IM_COL32(225, 225, 225, 255);
    if (clp >= 0 && size_t(clp) < rows.size()) {
      const double x = value_of(rows[size_t(clp)]);
      fill = colour_of(x);
      shown_value("clp_map", cell.name, what, x);
      if (clp == v.selected_clp) selected_cell = int(i);
      const float d = (c.x - m.x) * (c.x - m.x) + (c.y - m.y) * (c.y - m.y);
      if (hovered && d < best) {
        best = d;
        nearest = clp;
      }
    }
    dl->AddConvexPolyFilled(pts.data(), 6, fill);
    if (clp < 0)  // not a CLP of the scenario: hatched
      dl->AddLine(pts[4], pts[1], IM_COL32(180, 180, 180, 255), 1.0f);
  }
  if (selected_cell >= 0) {
    const HexCell& cell = map->cells[size_t(selected_cell)];
    const auto corners = hex_corners(hex_centre(cell.q, cell.r), 1.0);
    std::array<ImVec2, 6> pts;
    for (size_t j = 0; j < 6; ++j) pts[j] = to_screen(corners[j]);
    dl->AddPolyline(pts.data(), 6, ImGui::GetColorU32(ImGuiCol_Text), ImDrawFlags_Closed, 2.5f);
  }
  if (nearest >= 0) {
    clp_tooltip(s, rows[size_t(nearest)], facts, "click to open its meeting in the meeting inspector");
    if (clicked) {
      v.selected_clp = nearest;
      v.open_meeting = true;
    }
  }

  // The legend: a colour bar with its ends, and what is hatched.
  const ImVec2 lp = ImGui::GetCursorScreenPos();
  const float bar_w = std::min(avail_w * 0.6f, ImGui::GetFontSize() * 14), bar_h = ImGui::GetFontSize() * 0.8f;
  const double lo = v.map_colour == kMapLean ? -lean_range : 0, hi = v.map_colour == kMapLean ? lean_range : 1;
  for (int i = 0; i < 40; ++i) {
    const double x = lo + (hi - lo) * (i + 0.5) / 40;
    dl->AddRectFilled({lp.x + bar_w * float(i) / 40, lp.y}, {lp.x + bar_w * float(i + 1) / 40 + 0.5f, lp.y + bar_h},
                      colour_of(x));
  }
  dl->AddRect(lp, {lp.x + bar_w, lp.y + bar_h}, ImGui::GetColorU32(ImGuiCol_Border));
  ImGui::Dummy({bar_w, bar_h});
  ImGui::TextDisabled("%s", what.c_str());
  ImGui::TextDisabled("%s to %s%s", v.map_colour == kMapLean ? fmt_lean(lo).c_str() : "0%",
                      v.map_colour == kMapLean ? fmt_lean(hi).c_str() : "100%",
                      v.map_colour == kMapLean && !any_lean ? " (no [clps] identity: all 0)"
                      : v.map_colour == kMapLean              ? " (log-odds per axis unit)"
                                                              : "");
  ImGui::EndGroup();
}

void clp_panel(const Results& r, const ClpFacts* facts, ViewState& v, ImVec2 size) {
  if (r.scenario) {
    const Scenario& s = *r.scenario;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Scatter: P(nominates");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::BeginCombo("##cand", candidate_label(s, v.scatter_candidate).c_str())) {
      for (int c = 0; c < int(s.candidates.size()); ++c)
        if (ImGui::Selectable(s.candidates[size_t(c)].name.c_str(), c == v.scatter_candidate))
          v.scatter_candidate = c;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::TextUnformatted(") against");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
    const int choices = kScatterWaveShare + int(s.waves.size());
    auto short_label = [&](int ch) {
      switch (ch) {
        case kScatterSupport:
          return std::string("members' support before the meetings");
        case kScatterCovariate:
          return "the CLP covariate (" + covariate_name(s) + ")";
        case kScatterEligible:
          return std::string("eligible members");
        case kScatterAttendance:
          return std::string("attendance rate");
        default:
          return "share of eligible members from " + s.waves[size_t(ch - kScatterWaveShare)].name;
      }
    };
    if (ImGui::BeginCombo("##x", short_label(v.scatter_x).c_str())) {
      for (int ch = 0; ch < choices; ++ch) {
        if (ch >= kScatterWaveShare &&
            s.waves[size_t(ch - kScatterWaveShare)].section != Section::member)
          continue;  // only members attend meetings
        if (ImGui::Selectable(short_label(ch).c_str(), ch == v.scatter_x)) v.scatter_x = ch;
      }
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::Checkbox("given a meeting", &v.scatter_given_met);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "up the page: the share of the CLP's meetings that nominated the candidate "
          "(on), or of all runs (off; a CLP meets in only some runs)");
    ImGui::SameLine();
    ImGui::Checkbox("y: meeting vote share", &v.scatter_vote_share);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Plot the candidate's share of the first-round meeting vote (all meetings "
                        "held, all runs) instead of how often the CLP nominates them");
    ImGui::SameLine();
    help_marker(
        "Each point is a CLP. Up the page: the share of its meetings (or of all runs) in "
        "which it nominated the candidate. Colour: the candidate it nominates most often. Members' "
        "support: the share of members eligible to attend whose first "
        "choice is the candidate before any meeting (their factions drawn as in the first "
        "runs, without the local MP's endorsement or momentum). Points off the trend are "
        "CLPs where who turns up, and the debate, decide. Click a point to select it.");
  }
  const float scatter_h = std::max(200.0f, (size.y - ImGui::GetFrameHeightWithSpacing()) * 0.55f);
  // Beside the scatter, the map of the CLPs when they are on one (real constituencies).
  if (clp_hexmap(r, v) && r.summary && r.summary->runs > 0) {
    const float map_w = std::min(size.x * 0.42f, scatter_h * 0.95f);
    clp_scatter(r, facts, v, {size.x - map_w - ImGui::GetStyle().ItemSpacing.x, scatter_h});
    ImGui::SameLine();
    clp_map(r, facts, v, {map_w, scatter_h});
  } else {
    clp_scatter(r, facts, v, {size.x, scatter_h});
  }
  clp_table(
      r, facts, v,
      {size.x, std::max(100.0f, size.y - scatter_h - ImGui::GetFrameHeightWithSpacing() * 2)});
}

}  // namespace leadsim::viz
