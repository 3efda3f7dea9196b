// The meeting inspector: one CLP's nomination meeting in one run, stage by stage, from the
// MeetingStory the library fills when run_contest() is asked to narrate that CLP.
#include <algorithm>
#include <cctype>

#include "chart.hpp"
#include "leadsim/contest.hpp"
#include "leadsim/report.hpp"
#include "panels.hpp"
#include "shown.hpp"

namespace leadsim::viz {

namespace {

std::string pct(double v, int decimals = 1) { return format_value(v, Unit::percent, decimals); }


// A stacked bar of votes or preferences per candidate, with a caption before it.
void tally_bar(const char* id, const Scenario& s, const int* counts, size_t k, float width) {
  std::vector<Segment> segs;
  for (size_t c = 0; c < k; ++c) shown_value("meeting", id, s.candidates[c].name, counts[c]);
  for (size_t c = 0; c < k; ++c)
    segs.push_back({double(counts[c]), candidate_colour(int(c)),
                    s.candidates[c].name + " " + std::to_string(counts[c])});
  const int h = stacked_bar(id, segs, width, ImGui::GetFrameHeight());
  if (h >= 0) ImGui::SetTooltip("%s", segs[size_t(h)].label.c_str());
}

// A heading inside the story (ImGui 1.86 has no SeparatorText).
void section_title(const char* title) {
  ImGui::Spacing();
  ImGui::TextUnformatted(title);
  ImGui::Separator();
}

void count_row(const char* what, long long n, const char* note = "") {
  shown_value("meeting", "invitations", what, double(n));
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::Text("%lld", n);
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(what);
  if (*note) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", note);
  }
}

}  // namespace

MeetingInspection inspect_meeting(const Results& r, int clp, std::uint64_t run) {
  MeetingInspection m;
  m.job = r.job;
  m.seed = r.seed;
  m.run = run;
  m.clp = clp;
  m.scenario = r.scenario;
  if (!r.scenario || !r.population || clp < 0 || size_t(clp) >= r.scenario->clps.size()) return m;
  ContestWorkspace ws;
  RunResult out;
  run_contest(*r.scenario, *r.population, r.seed, run, ws, out, &m.story, clp);
  m.text = format_meeting_story(*r.scenario, clp, r.seed, run, m.story);
  return m;
}

bool meeting_panel(const Results& r, const MeetingInspection* m, bool busy, ViewState& v,
                   ImVec2 size) {
  if (!r.scenario || !r.population) {
    ImGui::TextDisabled("waiting for a scenario and its population");
    return false;
  }
  const Scenario& s = *r.scenario;
  bool changed = false;
  if (v.selected_clp < 0 || size_t(v.selected_clp) >= s.clps.size()) {
    v.selected_clp = 0;
    changed = true;
  }

  // The pickers: CLP (searchable) and run.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("CLP");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
  if (ImGui::BeginCombo("##clp", s.clps[size_t(v.selected_clp)].name.c_str(),
                        ImGuiComboFlags_HeightLarge)) {
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::InputTextWithHint("##find", "search", &v.inspect_filter);
    for (size_t c = 0; c < s.clps.size(); ++c) {
      if (!contains_ci(s.clps[c].name, v.inspect_filter)) continue;
      if (ImGui::Selectable(s.clps[c].name.c_str(), int(c) == v.selected_clp)) {
        v.selected_clp = int(c);
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::TextUnformatted("run");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  std::uint64_t run = v.inspect_run;
  const std::uint64_t one = 1;
  if (ImGui::InputScalar("##run", ImGuiDataType_U64, &run, &one, &one, "%llu")) {
    v.inspect_run = run;
    changed = true;
  }
  ImGui::SameLine();
  help_marker(
      "The meeting of this CLP in this Monte Carlo run, replayed with the same random "
      "numbers as the run itself (as `leadsim meeting` tells it). Select a CLP here, in the "
      "CLP table or by clicking a point of the scatter.");
  if (busy) {
    ImGui::SameLine();
    ImGui::TextDisabled("replaying...");
  }
  if (!m || m->clp != v.selected_clp || m->run != v.inspect_run || m->job != r.job ||
      !m->scenario) {
    if (!busy) ImGui::TextDisabled("replaying the meeting...");
    return changed;
  }

  const MeetingStory& st = m->story;
  const MeetingResult& res = st.result;
  const size_t k = s.candidates.size();
  auto cand = [&](int c) {
    return c >= 0 && size_t(c) < k ? s.candidates[size_t(c)].name : std::string("nobody");
  };

  ImGui::BeginChild("story", size, false);
  const bool gc = res.format == MeetingFormat::general_committee;
  ImGui::Text("%s, run %llu (seed %llu)", s.clps[size_t(m->clp)].name.c_str(),
              (unsigned long long)m->run, (unsigned long long)m->seed);
  if (st.mp_endorsement >= 0)
    ImGui::Text("The local MP nominated and endorses %s.", cand(st.mp_endorsement).c_str());
  // Why it met (or not), as `leadsim meeting` says it: one wrapped line per sentence.
  {
    const std::string why = describe_convening(s, m->clp, st);
    for (size_t a = 0, b; a < why.size(); a = b + 1) {
      b = why.find('\n', a);
      if (b == std::string::npos) b = why.size();
      ImGui::TextWrapped("%s", why.substr(a, b - a).c_str());
    }
  }
  if (!res.met) {
    ImGui::TextWrapped(
        "The CLP did not hold a nomination meeting in this run (meetings.meet = %s).",
        format_value(s.meetings.meet, Unit::number, 2).c_str());
    ImGui::EndChild();
    return changed;
  }
  ImGui::Text("Format: %s.", gc ? "General Committee (delegates only)" : "all-member meeting");

  // Two columns: the invitations and who came (the wider tables) on the left, the debate and
  // the vote on the right.
  const float avail_w = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x;
  float col_w = avail_w * 0.55f;
  ImGui::BeginGroup();
  section_title("1. Invitations");
  if (ImGui::BeginTable("invitations", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg,
                        {col_w, 0})) {
    count_row("members of the CLP", st.members);
    count_row("joined after the meeting freeze date: not eligible", st.past_freeze,
              format_day(s.eligibility.member_meeting_freeze).c_str());
    if (st.not_in_good_standing)
      count_row("not in good standing: not eligible", st.not_in_good_standing);
    if (gc) count_row("eligible but not delegates", st.not_delegates);
    count_row("eligible", res.eligible);
    count_row("not invited: contact details out of date", st.not_contactable);
    count_row("not invited: invitation lost", st.invitation_lost);
    count_row("invited", res.invited);
    count_row(
        "attended", res.attended,
        (pct(res.eligible ? double(res.attended) / res.eligible : 0.0) + " of eligible" +
         (st.hostile_attendees ? ", " + std::to_string(st.hostile_attendees) + " hostile" : ""))
            .c_str());
    ImGui::EndTable();
  }
  {
    const int stayed = std::max(0, res.invited - res.attended);
    const int h = stacked_bar("funnel",
                              {{double(st.not_contactable), none_colour(0.6f), "no contact"},
                               {double(st.invitation_lost), kMarkColour, "lost"},
                               {double(stayed), none_colour(0.35f), "stayed away"},
                               {double(res.attended), candidate_colour(4), "attended"}},
                              col_w, ImGui::GetFrameHeight());
    const char* what[] = {"eligible, no current contact details", "invitation lost",
                          "invited, did not come", "attended"};
    if (h >= 0) ImGui::SetTooltip("%s", what[h]);
  }

  section_title("2. Who came, by cohort and faction (attended / invited)");
  const int nf = int(s.factions.size());
  int member_waves = 0;
  for (const auto& w : s.waves) member_waves += w.section == Section::member;
  if (ImGui::BeginTable(
          "cohorts", nf + 2,
          ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollX,
          {col_w, ImGui::GetTextLineHeightWithSpacing() * float(member_waves + 2)})) {
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("Cohort");
    for (const auto& f : s.factions) ImGui::TableSetupColumn(f.name.c_str());
    ImGui::TableSetupColumn("Rate");
    ImGui::TableHeadersRow();
    for (size_t w = 0; w < s.waves.size() && w < st.attended_by.size(); ++w) {
      if (s.waves[w].section != Section::member) continue;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.waves[w].name.c_str());
      int a = 0, i = 0;
      for (int f = 0; f < nf; ++f) {
        ImGui::TableNextColumn();
        a += st.attended_by[w][size_t(f)];
        i += st.invited_by[w][size_t(f)];
        shown_value("meeting", s.waves[w].name, s.factions[size_t(f)].name + ": invited",
                    st.invited_by[w][size_t(f)]);
        shown_value("meeting", s.waves[w].name, s.factions[size_t(f)].name + ": attended",
                    st.attended_by[w][size_t(f)]);
        if (st.invited_by[w][size_t(f)] == 0)
          ImGui::TextDisabled("-");
        else
          ImGui::Text("%d / %d", st.attended_by[w][size_t(f)], st.invited_by[w][size_t(f)]);
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(i ? pct(double(a) / i).c_str() : "-");
    }
    ImGui::EndTable();
  }
  ImGui::EndGroup();

  ImGui::SameLine();
  col_w = avail_w * 0.45f;
  ImGui::BeginGroup();
  section_title("3. The debate");
  if (res.attended == 0) {
    ImGui::TextUnformatted("Nobody came: no nomination.");
  } else {
    if (st.chair_wave >= 0 && st.chair_faction >= 0)
      ImGui::TextWrapped(
          "The chair (%s, %s) backs %s%s.", s.waves[size_t(st.chair_wave)].name.c_str(),
          s.factions[size_t(st.chair_faction)].name.c_str(), cand(st.chair_candidate).c_str(),
          s.meetings.chair_bias > 0 ? " and gives that side more speeches" : "");
    if (st.preferred_before.size() >= k) {
      ImGui::TextUnformatted("First choices on arrival");
      tally_bar("first choices on arrival", s, st.preferred_before.data(), k, col_w);
    }
    ImGui::Text("Speeches (%zu), in order:", st.speeches.size());
    if (!st.speeches.empty() &&
        ImGui::BeginTable(
            "speeches", 4,
            ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerH,
            {col_w, 0})) {
      ImGui::TableSetupColumn("#");
      ImGui::TableSetupColumn("For");
      ImGui::TableSetupColumn("Speaker: cohort, faction", ImGuiTableColumnFlags_WidthStretch);
      ImGui::TableSetupColumn("Moved");
      ImGui::TableHeadersRow();
      for (size_t i = 0; i < st.speeches.size(); ++i) {
        const auto& sp = st.speeches[i];
        shown_value("meeting", "speech " + std::to_string(i + 1) + " for " + cand(sp.candidate),
                    "listeners moved", sp.persuaded);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%zu", i + 1);
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(candidate_colour(sp.candidate)), "%s",
                           cand(sp.candidate).c_str());
        ImGui::TableNextColumn();
        ImGui::Text(
            "%s, %s", sp.speaker_wave >= 0 ? s.waves[size_t(sp.speaker_wave)].name.c_str() : "?",
            sp.speaker_faction >= 0 ? s.factions[size_t(sp.speaker_faction)].name.c_str() : "?");
        ImGui::TableNextColumn();
        ImGui::Text("%d", sp.persuaded);
      }
      ImGui::EndTable();
    }
    if (st.preferred_after.size() >= k) {
      ImGui::Text("First choices after the debate (%d changed their mind)", st.changed_mind);
      tally_bar("first choices after the debate", s, st.preferred_after.data(), k, col_w);
    }
  }
  section_title("4. The vote");
  if (res.attended > 0 && !res.quorate) {
    ImGui::Text("%d attended, below the quorum of %d: no nomination.", res.attended,
                s.meetings.quorum);
  } else {
    for (size_t round = 0; round < st.rounds.size(); ++round) {
      ImGui::Text("Round %zu", round + 1);
      if (round < st.eliminated.size() && st.eliminated[round] >= 0) {
        ImGui::SameLine();
        ImGui::TextDisabled("(%s eliminated)", cand(st.eliminated[round]).c_str());
      }
      ImGui::PushID(int(round));
      tally_bar(("round " + std::to_string(round + 1)).c_str(), s, st.rounds[round].data(), k,
                col_w);
      ImGui::PopID();
    }
    if (res.attended > 0)
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(candidate_colour(res.nominee)),
                         "Outcome: %s nominated%s.", cand(res.nominee).c_str(),
                         st.decided_by_tie_break ? (s.meetings.tie_break == TieBreak::chair
                                                        ? " on the chair's casting vote"
                                                        : " by lot")
                                                 : "");
  }
  ImGui::EndGroup();

  if (ImGui::CollapsingHeader("As text (what `leadsim meeting` prints)"))
    ImGui::TextUnformatted(m->text.c_str());
  ImGui::EndChild();
  return changed;
}

}  // namespace leadsim::viz
