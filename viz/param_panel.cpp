// The parameter panel: every parameter of the scenario, generated from Scenario::resolved and
// described by the field table (fields.hpp). A widget shows the value in force and, when moved, sets an
// override through the EditSession; a value the loader refuses is shown refused, with its reason.
#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cmath>

#include "panels.hpp"

namespace leadsim::viz {

namespace {

const ImVec4 kRefusedColour{0.85f, 0.15f, 0.1f, 1};
const ImVec4 kChangedColour{0.0f, 0.45f, 0.75f, 1};


const char* section_title(const std::string& section) {
  static const std::map<std::string, const char*> titles = {
      {"contest", "Contest"},
      {"candidates", "Candidates"},
      {"factions", "Factions"},
      {"clps", "CLPs"},
      {"population", "Population"},
      {"waves", "Waves: joining cohorts"},
      {"registration", "Registration: vetting"},
      {"eligibility", "Eligibility: freeze dates, the ruling"},
      {"mps", "MPs and MEPs: the parliamentary party"},
      {"meetings", "CLP nomination meetings"},
      {"affiliates", "Affiliates"},
      {"campaign", "Campaign"},
      {"ballot", "Final ballot: turnout"},
      {"rules", "Rules: stages, thresholds, the count"},
  };
  auto it = titles.find(section);
  return it == titles.end() ? section.c_str() : it->second;
}

// "Jeremy Corbyn (corbyn)" for an entity of a keyed table, from its name parameter.
std::string entity_title(const EditSession& e, const std::string& section, const std::string& id) {
  const auto name = parse_string(e.value(section + "." + id + ".name"));
  return name && *name != id ? *name + " (" + id + ")" : id;
}

// Display names for the keys of a share table: factions or candidates by id, and "none".
std::string share_key_label(const Scenario& s, const std::string& key) {
  if (key == "none") return "none";
  for (const auto& f : s.factions)
    if (f.id == key) return f.name;
  for (const auto& c : s.candidates)
    if (c.id == key) return c.name;
  return key;
}

// The parameter's tooltip (parameter_tooltip: its key, meaning, unit...) for the item just drawn,
// when hovered. Its name column and its widget both show it: the widget is where the pointer is
// when a person wonders what a slider moves.
void hover_tooltip(const EditSession& e, const ParamSpec& p) {
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
  ImGui::TextUnformatted(parameter_tooltip(p, e.file_value(p.path)).c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

// A text field edited in place: the typed text lives in the ViewState until Enter or focus loss.
bool text_field(ViewState& v, const std::string& path, const std::string& current,
                std::string& out) {
  const bool mine = v.editing_path == path;
  std::string buf = mine ? v.editing_text : current;
  bool commit = ImGui::InputText("##text", &buf, ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemActivated()) {
    v.editing_path = path;
    v.editing_text = current;
  }
  if (v.editing_path == path && ImGui::IsItemActive()) v.editing_text = buf;
  if (ImGui::IsItemDeactivatedAfterEdit()) commit = true;
  if (ImGui::IsItemDeactivated() && v.editing_path == path) v.editing_path.clear();
  if (commit) out = buf;
  return commit && buf != current;
}

// The widget for one parameter. Returns the new TOML value when the user changed it.
std::optional<std::string> widget(EditSession& e, const ParamSpec& p, ViewState& v) {
  const std::string& value = e.value(p.path);
  ImGui::SetNextItemWidth(-FLT_MIN);
  switch (p.kind) {
    case WidgetKind::probability:
    case WidgetKind::number: {
      double x = parse_number(value).value_or(0);
      const double lo = p.lo, hi = p.hi;
      bool changed;
      if (p.kind == WidgetKind::probability) {
        changed = ImGui::SliderScalar("##v", ImGuiDataType_Double, &x, &lo, &hi, "%.4f");
      } else {
        const float speed = float(std::max((hi - lo) / 1000, 1e-4));
        changed = ImGui::DragScalar("##v", ImGuiDataType_Double, &x, speed, &lo, &hi, "%.4g",
                                    p.logarithmic ? ImGuiSliderFlags_Logarithmic : 0);
      }
      if (changed) return toml_number(x);
      return std::nullopt;
    }
    case WidgetKind::integer: {
      std::int64_t n = std::int64_t(std::llround(parse_number(value).value_or(0)));
      // Steps in the value's own order of magnitude: 1 for a quorum, 1,000 for a wave of 200,000.
      const std::int64_t step = std::int64_t(std::pow(
          10.0, std::max(0.0, std::floor(std::log10(double(std::max<std::int64_t>(1, n)))) - 2)));
      const std::int64_t fast = step * 10;
      if (ImGui::InputScalar("##v", ImGuiDataType_S64, &n, &step, &fast, "%lld",
                             ImGuiInputTextFlags_EnterReturnsTrue))
        return std::to_string(n);
      return std::nullopt;
    }
    case WidgetKind::boolean: {
      bool b = parse_bool(value).value_or(false);
      if (ImGui::Checkbox("##v", &b)) return std::string(b ? "true" : "false");
      return std::nullopt;
    }
    case WidgetKind::choice: {
      const std::string cur = parse_string(value).value_or(value);
      std::optional<std::string> out;
      if (ImGui::BeginCombo("##v", cur.c_str())) {
        for (const auto& c : p.choices)
          if (ImGui::Selectable(c.c_str(), c == cur) && c != cur) out = toml_string(c);
        ImGui::EndCombo();
      }
      return out;
    }
    case WidgetKind::date: {
      // A date field with day steps: freeze dates are explored a week or a day at a time.
      const float button = ImGui::GetFrameHeight();
      ImGui::SetNextItemWidth(std::max(60.0f, ImGui::GetContentRegionAvail().x - 2 * (button + 4)));
      std::string typed;
      std::optional<std::string> out;
      if (text_field(v, p.path, value, typed)) out = typed;
      hover_tooltip(e, p);  // the day buttons after it have tooltips of their own
      ImGui::SameLine(0, 4);
      try {
        const Day d = parse_day(value);
        if (ImGui::Button("-", {button, 0}))
          out = format_day(d - (ImGui::GetIO().KeyShift ? 7 : 1));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("a day earlier (shift: a week)");
        ImGui::SameLine(0, 4);
        if (ImGui::Button("+", {button, 0}))
          out = format_day(d + (ImGui::GetIO().KeyShift ? 7 : 1));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("a day later (shift: a week)");
      } catch (const std::exception&) {
      }
      return out;
    }
    case WidgetKind::position: {
      std::vector<double> x = parse_numbers(value).value_or(std::vector<double>{});
      if (x.empty()) return std::nullopt;
      const double lo = p.lo, hi = p.hi;
      if (ImGui::DragScalarN("##v", ImGuiDataType_Double, x.data(), int(x.size()), 0.01f, &lo, &hi,
                             "%.2f"))
        return toml_numbers(x);
      return std::nullopt;
    }
    case WidgetKind::shares: {
      const auto shares = parse_shares(value);
      if (!shares) break;
      std::optional<std::string> out;
      const Scenario& s = *e.scenario();
      for (size_t i = 0; i < shares->size(); ++i) {
        ImGui::PushID(int(i));
        double x = (*shares)[i].second;
        const double lo = 0, hi = 1;
        const std::string label = share_key_label(s, (*shares)[i].first);
        ImGui::SetNextItemWidth(std::max(60.0f, ImGui::GetContentRegionAvail().x * 0.62f));
        if (ImGui::SliderScalar(label.c_str(), ImGuiDataType_Double, &x, &lo, &hi, "%.3f"))
          out = toml_shares(rebalance_shares(*shares, i, x));
        hover_tooltip(e, p);
        ImGui::PopID();
      }
      if (shares->size() > 1) ImGui::TextDisabled("moving one share rescales the others");
      return out;
    }
    case WidgetKind::text:
      break;
  }
  // Text: a quoted string is edited without its quotes; anything else as TOML.
  const auto str = parse_string(value);
  std::string typed;
  if (text_field(v, p.path, str ? *str : value, typed)) return text_edit_value(value, typed);
  return std::nullopt;
}

// One parameter: its label and unit (with reset when changed) and its widget, then a refusal if
// any. A long label wraps within its column rather than being cut.
void parameter_row(EditSession& e, const ParamSpec& p, ViewState& v) {
  ImGui::PushID(p.path.c_str());
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  const bool changed = e.is_overridden(p.path);
  ImGui::AlignTextToFramePadding();
  if (changed) ImGui::PushStyleColor(ImGuiCol_Text, kChangedColour);
  ImGui::TextWrapped("%s", widget_label(p).c_str());
  if (changed) ImGui::PopStyleColor();
  hover_tooltip(e, p);
  if (changed) {
    ImGui::SameLine();
    if (ImGui::SmallButton("reset")) e.reset(p.path);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("back to the file's value: %s", e.file_value(p.path).c_str());
  }
  ImGui::TableNextColumn();
  if (auto nv = widget(e, p, v)) e.set(p.path, *nv);
  const auto& drawn = e.scenario()->posterior_drawn;
  if (std::find(drawn.begin(), drawn.end(), p.path) != drawn.end()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("each run draws this from the posterior (contest.posterior = %s): the value "
                       "here is not what the runs play, and moving it changes nothing",
                       e.scenario()->posterior.c_str());
    ImGui::PopStyleColor();
  }
  // Shares and dates show it on their own items (several sliders; a field before its buttons).
  if (p.kind != WidgetKind::shares && p.kind != WidgetKind::date) hover_tooltip(e, p);
  if (const auto* why = e.refusal(p.path)) {
    ImGui::PushStyleColor(ImGuiCol_Text, kRefusedColour);
    for (const auto& line : *why) ImGui::TextWrapped("refused: %s", line.c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::SmallButton("ok")) e.clear_refusal(p.path);
  }
  ImGui::PopID();
}

}  // namespace

std::string parameter_tooltip(const ParamSpec& p, const std::string& file_value) {
  // The key first: it is what the scenario file, --set, sweeps and Python call the parameter.
  std::string t = p.path + "   (leadsim run --set " + p.path + "=...)";
  if (!p.meaning.empty()) t += "\n" + p.meaning;
  if (!p.unit.empty()) t += "\nUnit: " + p.unit;
  if (!p.type.empty()) t += "\nType: " + p.type;
  if (!p.def.empty()) t += "\nDefault: " + p.def;
  if (!file_value.empty()) t += "\nIn the file: " + file_value;
  return t;
}

bool parameter_panel(EditSession& e, ViewState& v) {
  if (!e.is_open()) {
    ImGui::TextDisabled("No scenario open.");
    return false;
  }
  const std::uint64_t before = e.version();
  const Scenario& s = *e.scenario();
  ImGui::TextWrapped("%s", s.name.c_str());
  if (!s.question.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", s.question.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::TextDisabled("%s: %s agents, %zu CLPs", e.path().c_str(),
                      format_value(double(s.agents()), Unit::integer, 0).c_str(), s.clps.size());

  if (!e.overrides().empty()) {
    ImGui::Text("Changed from the file (%zu):", e.overrides().size());
    ImGui::SameLine();
    if (ImGui::SmallButton("reset all")) e.reset_all();
    const std::vector<std::string> list = e.overrides();  // a reset below edits the list
    for (const auto& o : list) {
      ImGui::PushID(o.c_str());
      if (ImGui::SmallButton("x")) e.reset(override_path(o));
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("back to the file's value");
      ImGui::SameLine();
      ImGui::TextColored(kChangedColour, "%s", o.c_str());
      ImGui::PopID();
    }
  }
  ImGui::SetNextItemWidth(-FLT_MIN);
  ImGui::InputTextWithHint("##paramfilter", "search parameters (name, key or meaning)",
                           &v.param_filter);
  ImGui::Separator();

  // Groups of consecutive parameters with the same section and entity, in file order.
  struct Group {
    std::string section, entity;
    std::vector<const ParamSpec*> params;
  };
  std::vector<Group> groups;
  for (const ParamSpec& p : e.params()) {
    if (!v.param_filter.empty() && !contains_ci(p.label, v.param_filter) &&
        !contains_ci(p.path, v.param_filter) && !contains_ci(p.meaning, v.param_filter))
      continue;
    if (groups.empty() || groups.back().section != p.section || groups.back().entity != p.entity)
      groups.push_back({p.section, p.entity, {}});
    groups.back().params.push_back(&p);
  }
  const bool filtering = !v.param_filter.empty();
  ImGui::BeginChild("params");
  const float name_w = std::min(ImGui::GetContentRegionAvail().x * 0.5f, ImGui::GetFontSize() * 12);
  auto table = [&](const Group& g) {
    if (!ImGui::BeginTable("rows", 2, ImGuiTableFlags_SizingStretchProp)) return;
    ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthFixed, name_w);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    for (const ParamSpec* p : g.params) parameter_row(e, *p, v);
    ImGui::EndTable();
  };
  for (size_t i = 0; i < groups.size();) {
    const std::string section = groups[i].section;
    size_t end = i;
    while (end < groups.size() && groups[end].section == section) ++end;
    if (filtering) ImGui::SetNextItemOpen(true);
    const bool open_default = section == "meetings" || section == "eligibility";
    ImGui::PushID(section.c_str());
    if (ImGui::CollapsingHeader(section_title(section),
                                open_default ? ImGuiTreeNodeFlags_DefaultOpen : 0)) {
      for (size_t g = i; g < end; ++g) {
        ImGui::PushID(int(g));
        if (groups[g].entity.empty()) {
          table(groups[g]);
        } else {
          if (filtering) ImGui::SetNextItemOpen(true);
          if (ImGui::TreeNode(entity_title(e, section, groups[g].entity).c_str())) {
            table(groups[g]);
            ImGui::TreePop();
          }
        }
        ImGui::PopID();
      }
    }
    ImGui::PopID();
    i = end;
  }
  if (groups.empty()) ImGui::TextDisabled("no parameter matches");
  ImGui::EndChild();
  return e.version() != before;
}

}  // namespace leadsim::viz
