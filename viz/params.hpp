// params.hpp: a scenario's parameters as the visualiser edits them (no ImGui, unit-tested).
//
// The editor holds no copy of the scenario's values. A parameter is a path in the scenario
// ("meetings.chair_bias") with a TOML value in force (Scenario::resolved); editing it means
// writing an override "path=value" (what `leadsim run --set` takes) and reloading the scenario
// with load_scenario(file, overrides). This module describes each path for its widget (kind,
// range, unit, meaning, from the field table, fields.hpp), reads and writes TOML values, says which
// parameters change the synthesised population, and writes a scenario file for "save as".
//
// Sections:
//   WidgetKind, ParamSpec, describe()     what widget a parameter gets, its range and tooltip
//   parse_numbers(), ...                 TOML values in (out: leadsim/toml_text.hpp)
//   Shares, rebalance_shares()           share tables that must sum to 1
//   set_override(), ...                  the list of "path=value" overrides
//   scenario_file_text(), save_scenario()    "save as": include the original, then the overrides
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "leadsim/fields.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/toml_text.hpp"

namespace leadsim::viz {

// The widget a parameter gets.
enum class WidgetKind {
  probability,  // a number in a bounded range whose unit is a probability or share: a slider
  number,       // any other number: a drag box within its range (logarithmic if the range is wide)
  integer,      // sizes, counts: an integer input with steps
  date,         // YYYY-MM-DD
  boolean,      // a checkbox
  choice,       // one of a few words (e.g. the freeze-date ruling): a combo
  position,     // an array of numbers, one per policy dimension (candidates' positions)
  shares,       // a table of shares summing to 1 (faction mixes, MP support)
  text,         // anything else, edited as TOML text (names, region tables, CLP lists)
};

struct ParamSpec {
  std::string path;     // as --set takes it: "waves.old.activism"
  std::string key;      // the field table's path: "waves.<id>.activism"
  std::string section;  // first segment: "waves"
  std::string entity;   // id within a keyed table ("old"), else ""
  std::string name;     // the rest after section and entity: "activism", "turnout.member"
  std::string label;    // the field table's label, "Activism" (the raw name if undocumented)
  WidgetKind kind = WidgetKind::text;
  double lo = 0, hi = 1;                  // the allowed range (numbers, integers, positions)
  bool lo_open = false, hi_open = false;  // "(0, 10]": the end itself is not allowed
  bool logarithmic = false;               // range spans three orders of magnitude or more
  std::vector<std::string> choices;       // for choice
  std::string type, def, unit, meaning;   // from the field table, for the tooltip
  bool documented = false;                // false: no key matched (edited as text)
};

// Describes `path` from the scenario's field table (fields.hpp): its kind picks the widget, its
// domain the range. Keyed tables (candidates, factions, waves, affiliates) match
// "<section>.<id>.<field>" to their "<section>.<id>.<field>" row.
ParamSpec describe(const std::string& path);

// What a widget is labelled with: the field's label and its unit, "Attendance (probability)",
// "Cohort size (people)"; the label alone where the unit would say nothing new (no unit; a date,
// whose widget is a date; a label that names it already: "Speeches", not "Speeches (speeches)").
// People read this; the raw key is in the tooltip.
std::string widget_label(const ParamSpec& p);
// The same, qualified by the entity for a list of parameters from every table (the sweep's
// choice of parameter): "pre2015: Activism (multiplier)".
std::string qualified_label(const ParamSpec& p);

// TOML values. Written by the library's printers (leadsim/toml_text.hpp: toml_string, toml_key,
// toml_number, toml_numbers, toml_strings), the project's one TOML printer; read here.
std::optional<double> parse_number(const std::string& toml);  // integers and floats
std::optional<bool> parse_bool(const std::string& toml);
std::optional<std::string> parse_string(const std::string& toml);
std::optional<std::vector<double>> parse_numbers(const std::string& toml);  // [a, b, ...]
// What the parameter panel writes when text is typed into a text field showing `current` (the
// value in force): a string (shown without its quotes) becomes the typed text as a TOML string,
// quoted and escaped by toml_string, whatever it holds; any other value is TOML text as typed.
std::string text_edit_value(const std::string& current, const std::string& typed);
// A value as typed by a user (or given to --set) made into valid TOML: bare words become
// strings, exactly as the loader reads them.
std::string normalise_value(const std::string& value);

// A table of shares, in file order: { radical = 0.3, moderate = 0.7 }.
using Shares = std::vector<std::pair<std::string, double>>;
std::optional<Shares> parse_shares(const std::string& toml);
// "{ a = 0.3, b = 0.7 }" with each share rounded to 1e-6 and the sum exactly 1 (the loader
// accepts sums within 1e-6): the rounding remainder goes to the largest share.
std::string toml_shares(const Shares& shares);
// Sets share i to `value` (clamped to [0, 1]) and scales the others so the total stays 1
// (if the others are all zero, they share the remainder equally).
Shares rebalance_shares(Shares shares, std::size_t i, double value);

// Overrides: "path=value" strings, at most one per path, in the order first set.
std::string override_path(const std::string& spec);   // "a.b=1" -> "a.b"
std::string override_value(const std::string& spec);  // "a.b=1" -> "1"
std::vector<std::string> set_override(std::vector<std::string> list, const std::string& path,
                                      const std::string& value);
std::vector<std::string> remove_override(std::vector<std::string> list, const std::string& path);
std::optional<std::string> find_override(const std::vector<std::string>& list,
                                         const std::string& path);

// "Save as": a scenario file that includes `include_path` (written relative to the new file's
// folder when it can be) and sets each override, grouped under table headers. `leadsim run`
// and load_scenario() read it.
std::string scenario_file_text(const std::string& new_file, const std::string& original,
                               const std::vector<std::string>& overrides);
// Writes it (under a temporary name, then renamed). Throws std::runtime_error on failure.
void save_scenario(const std::string& new_file, const std::string& original,
                   const std::vector<std::string>& overrides);

}  // namespace leadsim::viz
