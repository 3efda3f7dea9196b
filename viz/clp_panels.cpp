// The CLPs: a scatter of each CLP's chance of nominating a candidate against what might explain
// it (members' support, the covariate, size, attendance, the make-up of its membership), and a
// sortable, searchable table of every CLP.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "chart.hpp"
#include "panels.hpp"
#include "shown.hpp"

namespace leadsim::viz {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string pct(double v, int decimals = 1) { return format_value(v, Unit::percent, decimals); }


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

void clp_tooltip(const Scenario& s, const ClpRow& row, const ClpFacts* facts) {
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
  ImGui::TextDisabled("click to select for the table and the meeting inspector");
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
  clp_scatter(r, facts, v, {size.x, scatter_h});
  clp_table(
      r, facts, v,
      {size.x, std::max(100.0f, size.y - scatter_h - ImGui::GetFrameHeightWithSpacing() * 2)});
}

}  // namespace leadsim::viz
