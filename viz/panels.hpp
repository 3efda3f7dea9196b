// panels.hpp: the visualiser's views, each a function of plain state drawn with ImGui.
//
// Immediate mode: a panel reads the results (and edits the EditSession or the ViewState it is
// given) and draws; it keeps nothing of its own. Every panel runs without a window or an OpenGL
// context (tests/test_viz_panels.cpp draws each for a few frames with a bare ImGui context).
//
// Views, and where they live:
//   overview.cpp     win probability with 95% intervals, final-share histogram with the 50% line,
//                    CLP nominations over runs, first preferences by section, meeting
//                    attendance, turnout, the summary table
//   clp_panels.cpp   the CLP scatter (coloured by most likely nominee, hover for details), the
//                    hex map of the CLPs (when the scenario's CLPs are on one; click opens the
//                    meeting) and the sortable, searchable CLP table
//   compare.cpp      the pinned result against the current one: overlays and paired differences
//   inspector.cpp    one CLP's meeting in one run, step by step (leadsim::MeetingStory)
//   param_panel.cpp  the scenario's parameters, generated from its structure
//   sweep.cpp        one parameter swept over a range, with bands
// Overlays: the overview charts draw the pinned result (if any) as outlines or dark ticks.
#pragma once

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "edit.hpp"
#include "leadsim/hexmap.hpp"
#include "leadsim/meeting.hpp"
#include "results.hpp"

namespace leadsim::viz {

// Whether `hay` contains `needle`, ignoring case (the search boxes of the CLP table, the
// meeting inspector's CLP picker and the parameter panel).
inline bool contains_ci(const std::string& hay, const std::string& needle) {
  if (needle.empty()) return true;
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         }) != hay.end();
}

// What the views remember between frames: selections, sort orders, filters. Owned by the app.
struct ViewState {
  // CLP scatter: what goes on x (ScatterX), for which candidate.
  int scatter_x = 0;
  int scatter_candidate = 0;
  bool scatter_given_met = true;  // y: P(nominates | meeting held), not P(nominates)
  bool scatter_vote_share = false;  // y: the candidate's share of the meeting vote instead
  // CLP map: what colours it (ClpMapColour), for which candidate; the hex map file (empty:
  // data/ge2015_hexmap.csv beside the scenario), loaded once per file; set by a click on the
  // map: open the selected CLP's meeting in the inspector (the app switches tab and clears it).
  int map_colour = 0;
  int map_candidate = 0;
  std::string hexmap_file;
  std::shared_ptr<const HexMap> hexmap;
  std::string hexmap_loaded;  // the file `hexmap` was read from (or tried)
  std::string hexmap_error;   // why it could not be read
  bool open_meeting = false;
  // CLP table: the search text; the selected CLP (also the inspector's), -1 none.
  std::string clp_filter;
  int selected_clp = -1;
  // Meeting inspector: the run to inspect.
  std::uint64_t inspect_run = 0;
  std::string inspect_filter;
  // Parameter panel: the search text, and the text being typed into a text or date field.
  std::string param_filter;
  std::string editing_path;
  std::string editing_text;
};

// Per-CLP facts the scatter and table use besides the results, computed off the UI thread for
// each job (see App): eligible members by wave, and members' support before the meetings.
struct ClpFacts {
  std::uint64_t job = 0;
  std::vector<std::vector<int>> eligible_by_wave;  // [clp][wave]
  std::vector<std::vector<double>> support;        // [clp][candidate]
};

// --- overview.cpp -------------------------------------------------------------------------
void win_probability_chart(const Results& r, const Results* pinned, ImVec2 size);
void final_share_chart(const Results& r, const Results* pinned, ImVec2 size);
void nominations_chart(const Results& r, const Results* pinned, ImVec2 size);
void first_preferences_chart(const Results& r, const Results* pinned, ImVec2 size);
void attendance_chart(const Results& r, const Results* pinned, ImVec2 size);
void turnout_chart(const Results& r, const Results* pinned, ImVec2 size);
void summary_table(const Results& r);
// The six charts in a grid filling `size`, then the summary table.
void overview_panel(const Results& r, const Results* pinned, ImVec2 size);

// --- clp_panels.cpp -----------------------------------------------------------------------
// Choices for the scatter's x axis; waves' shares follow as kScatterWaveShare + wave index.
enum ScatterX {
  kScatterSupport = 0,
  kScatterCovariate,
  kScatterEligible,
  kScatterAttendance,
  kScatterWaveShare
};
// x value of CLP row `row` for the choice (NaN when the facts it needs are not there yet).
double scatter_x_value(const ClpRow& row, const ClpFacts* facts, int choice, int candidate);
std::string scatter_x_label(const Scenario& s, int choice, int candidate);
void clp_scatter(const Results& r, const ClpFacts* facts, ViewState& v, ImVec2 size);
void clp_table(const Results& r, const ClpFacts* facts, ViewState& v, ImVec2 size);
// The CLP map's colourings.
enum ClpMapColour { kMapNominates = 0, kMapMeets, kMapLean };
// The hex map for the results' scenario (v.hexmap_file, else the default beside the scenario),
// read once per file into v.hexmap; null when there is none or none of its cells is a CLP.
const HexMap* clp_hexmap(const Results& r, ViewState& v);
// The map: one hexagon per constituency coloured by P(nominates X), P(meets) or the CLP's
// lasting lean; hover for the CLP; click selects it and asks for its meeting (v.open_meeting).
void clp_map(const Results& r, const ClpFacts* facts, ViewState& v, ImVec2 size);
void clp_panel(const Results& r, const ClpFacts* facts, ViewState& v, ImVec2 size);

// --- compare.cpp --------------------------------------------------------------------------
void compare_panel(const Results& current, const Results* pinned, ImVec2 size);

// --- inspector.cpp ------------------------------------------------------------------------
// One meeting, told: what run_contest() wrote into a MeetingStory for CLP `clp` in run `run`.
struct MeetingInspection {
  std::uint64_t job = 0, seed = 1, run = 0;
  int clp = -1;
  std::shared_ptr<const Scenario> scenario;
  MeetingStory story;
  std::string text;  // leadsim::format_meeting_story(), as `leadsim meeting` prints it
};
// Runs one contest and narrates the meeting (about one run's time: 15 ms for labour-2016).
MeetingInspection inspect_meeting(const Results& r, int clp, std::uint64_t run);
// Draws the inspector. Returns true when the user picked another CLP or run (v.selected_clp,
// v.inspect_run changed): the caller starts a new inspection.
bool meeting_panel(const Results& r, const MeetingInspection* m, bool busy, ViewState& v,
                   ImVec2 size);

// --- param_panel.cpp ----------------------------------------------------------------------
// The scenario's parameters, grouped by section and entity, with widgets by kind; an edit the
// loader refuses shows its reason under the widget. Returns true if the scenario changed.
bool parameter_panel(EditSession& edit, ViewState& v);
// The tooltip text of a parameter: meaning, unit, range, default, path.
std::string parameter_tooltip(const ParamSpec& p, const std::string& file_value);

// --- sweep.cpp (declared in sweep.hpp) ----------------------------------------------------

// Shared helpers.
std::string candidate_label(const Scenario& s, int c);  // "Jeremy Corbyn"
void help_marker(const char* text);                     // a "(?)" with a tooltip

}  // namespace leadsim::viz
