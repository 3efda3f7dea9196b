// run_columns.hpp: the columns of one Monte Carlo run, written once: what `runs.csv` holds, what
// Python's leadsim.run() returns as arrays and what the visualiser keeps run by run.
//
//   RunField       one quantity of a run (a RunResult field, or one derived from fields): its
//                  array name, its runs.csv column name(s), type, axis, meaning and reader
//   run_fields()   every field, in runs.csv's order
//   run_field(id)  one field by its RunFieldId
//   run_columns()  a scenario's runs.csv columns: each field expanded per candidate and section
//   append_row()   one run's values of a field, in array order, onto a vector
//
// Why: the fields of RunResult used to be restated in the runs.csv writer, three times in the
// Python module and in the visualiser's run table, each with its own copy of how to read them
// (the attendance rate was computed three times). A new run output is now one row here plus
// the RunResult member it reads; runs.csv, Python and the visualiser pick it up.
//
// Layout. A field is per run, per candidate, per section, or per section and candidate. runs.csv
// is one row per run whose columns are, field by field in table order, the field's cells; a run
// of consecutive per-candidate fields is written candidate by candidate (share_A, first_A_*,
// nominations_A, ..., share_B, ...), as runs.csv always was. Arrays (Python, the visualiser) put
// one run's cells section-major: [section][candidate].
//
// Example:
//   for (const RunColumn& col : run_columns(scenario)) std::cout << col.name << "\n";
//   std::vector<double> share;                 // [run * candidates + c]
//   append_row(share, run_field(RunFieldId::share), result, scenario.candidates.size());
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "leadsim/contest.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

// How a field's cells are written in runs.csv.
enum class ColumnType {
  integer,  // a whole number
  real,     // a number, printed with 6 decimals
  boolean,  // 0 or 1
  text,     // an index printed as its label (ColumnLabels), -1 as "none"
};
const char* column_type_id(ColumnType t);  // "integer", "real", "bool", "text"

// What the index of a text field refers to.
enum class ColumnLabels { none, candidate, stage };  // candidate ids; ids of rules.stages

// What a field has one cell for, in each run.
enum class ColumnAxis { run, candidate, section, section_candidate };

// Every field, in the order of run_fields() (a test keeps the two in step).
enum class RunFieldId {
  run, winner, rounds, winner_by_lot, unopposed, mp_rounds,
  share, first_share, nominations, meeting_votes, mp_nominations, affiliate_nominations,
  on_ballot, eliminated_round, out_at_stage, mp_ballot_first, mp_out_round,
  meetings_held, meetings_quorate, meetings_general_committee, meeting_attendance,
  meeting_eligible, turnout, attendance_rate,
};

struct RunField {
  RunFieldId id;
  const char* name;    // as an array: leadsim.Result.<name>, RunTable::<name>
  const char* column;  // its runs.csv column: "share_{candidate}", "first_{candidate}_{section}";
                       // "" for a field runs.csv leaves out (derived from columns it has)
  ColumnType type;
  ColumnAxis axis;
  bool wide;           // integer: needs 64 bits (counts of people); else 32 bits do
  ColumnLabels labels; // text: what its index names
  const char* meaning;
  // The value of cell (candidate c, section sec); an argument the axis has not is 0. A real
  // field has `real`, every other type `integer` (booleans 0/1, text an index or -1).
  std::int64_t (*integer)(const RunResult& r, std::size_t c, std::size_t sec);
  double (*real)(const RunResult& r, std::size_t c, std::size_t sec);

  bool per_candidate() const {
    return axis == ColumnAxis::candidate || axis == ColumnAxis::section_candidate;
  }
  bool per_section() const {
    return axis == ColumnAxis::section || axis == ColumnAxis::section_candidate;
  }
  bool in_runs_csv() const { return *column != '\0'; }
};

std::span<const RunField> run_fields();  // every field, in runs.csv's order
const RunField& run_field(RunFieldId id);

// One column of a scenario's runs.csv.
struct RunColumn {
  std::string name;        // "share_left"
  const RunField* field;
  std::size_t candidate;   // the cell it holds (0 when the field is not per candidate)
  std::size_t section;     // (0 when the field is not per section)
};
// The scenario's runs.csv columns, in order (its header is their names joined by commas).
std::vector<RunColumn> run_columns(const Scenario& s);

// Appends the field's cells of run `r` to `out`, section-major ([section][candidate]), each as
// T (the visualiser keeps shares as float, Python as double).
template <class T>
void append_row(std::vector<T>& out, const RunField& f, const RunResult& r,
                std::size_t candidates) {
  const std::size_t sections = f.per_section() ? std::size_t(kSections) : 1;
  const std::size_t cands = f.per_candidate() ? candidates : 1;
  for (std::size_t sec = 0; sec < sections; ++sec)
    for (std::size_t c = 0; c < cands; ++c)
      out.push_back(f.real ? T(f.real(r, c, sec)) : T(f.integer(r, c, sec)));
}

}  // namespace leadsim
