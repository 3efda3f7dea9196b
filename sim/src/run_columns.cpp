// run_columns.cpp: the table of run fields (run_columns.hpp) and its expansion into runs.csv's
// columns.
#include "leadsim/run_columns.hpp"

#include <stdexcept>
#include <string_view>

namespace leadsim {

namespace {

using R = const RunResult&;
using Z = std::size_t;

constexpr auto I = ColumnType::integer;
constexpr auto X = ColumnType::real;
constexpr auto B = ColumnType::boolean;
constexpr auto T = ColumnType::text;
constexpr auto run_axis = ColumnAxis::run;
constexpr auto cand = ColumnAxis::candidate;
constexpr auto sect = ColumnAxis::section;
constexpr auto sect_cand = ColumnAxis::section_candidate;
constexpr auto no_labels = ColumnLabels::none;

// clang-format off
const RunField kFields[] = {
    {RunFieldId::run, "run", "run", I, run_axis, true, no_labels,
     "run index (0-based; the run's random streams derive from it and the seed)",
     [](R r, Z, Z) { return std::int64_t(r.run); }, nullptr},
    {RunFieldId::winner, "winner", "winner", T, run_axis, false, ColumnLabels::candidate,
     "the winner (index into the candidates); -1 / none: nobody on the ballot",
     [](R r, Z, Z) { return std::int64_t(r.winner); }, nullptr},
    {RunFieldId::rounds, "rounds", "rounds", I, run_axis, false, no_labels,
     "counting rounds of the final ballot (0: no ballot held)",
     [](R r, Z, Z) { return std::int64_t(r.rounds); }, nullptr},
    {RunFieldId::winner_by_lot, "winner_by_lot", "winner_by_lot", B, run_axis, false, no_labels,
     "the count ended in a tie broken by lot",
     [](R r, Z, Z) { return std::int64_t(r.winner_by_lot); }, nullptr},
    {RunFieldId::unopposed, "unopposed", "unopposed", B, run_axis, false, no_labels,
     "one candidate was left before the final ballot, elected without one",
     [](R r, Z, Z) { return std::int64_t(r.unopposed); }, nullptr},
    {RunFieldId::mp_rounds, "mp_rounds", "mp_rounds", I, run_axis, false, no_labels,
     "rounds of the MPs' ballot (rulebooks with an mp_ballot stage)",
     [](R r, Z, Z) { return std::int64_t(r.mp_rounds); }, nullptr},

    {RunFieldId::share, "share", "share_{candidate}", X, cand, false, no_labels,
     "share of the final round's votes",
     nullptr, [](R r, Z c, Z) { return r.share[c]; }},
    {RunFieldId::first_share, "first_share", "first_{candidate}_{section}", X, sect_cand, false,
     no_labels, "first-preference share of the votes cast in each section",
     nullptr, [](R r, Z c, Z sec) { return r.first_share[sec][c]; }},
    {RunFieldId::nominations, "nominations", "nominations_{candidate}", I, cand, false, no_labels,
     "CLP nominations",
     [](R r, Z c, Z) { return std::int64_t(r.nominations[c]); }, nullptr},
    {RunFieldId::meeting_votes, "meeting_votes", "meeting_votes_{candidate}", I, cand, true,
     no_labels, "first-round votes in all CLP meetings",
     [](R r, Z c, Z) { return std::int64_t(r.meeting_votes[c]); }, nullptr},
    {RunFieldId::mp_nominations, "mp_nominations", "mp_nominations_{candidate}", I, cand, false,
     no_labels, "MP (and MEP) nominations",
     [](R r, Z c, Z) { return std::int64_t(r.mp_nominations[c]); }, nullptr},
    {RunFieldId::affiliate_nominations, "affiliate_nominations", "affiliate_nominations_{candidate}",
     I, cand, false, no_labels, "affiliates' nominations",
     [](R r, Z c, Z) { return std::int64_t(r.affiliate_nominations[c]); }, nullptr},
    {RunFieldId::on_ballot, "on_ballot", "on_ballot_{candidate}", B, cand, false, no_labels,
     "reached the final ballot (had enough MP nominations, or was exempt), or was elected unopposed",
     [](R r, Z c, Z) { return std::int64_t(r.on_ballot[c]); }, nullptr},
    {RunFieldId::eliminated_round, "eliminated_round", "eliminated_round_{candidate}", I, cand,
     false, no_labels, "0-based round of the final count it was eliminated in, -1 if never",
     [](R r, Z c, Z) { return std::int64_t(r.eliminated_round[c]); }, nullptr},
    {RunFieldId::out_at_stage, "out_at_stage", "out_at_stage_{candidate}", T, cand, false,
     ColumnLabels::stage,
     "the stage that removed the candidate (index into the rulebook's stages), -1 / none if it "
     "reached the end",
     [](R r, Z c, Z) { return std::int64_t(r.out_at_stage[c]); }, nullptr},
    {RunFieldId::mp_ballot_first, "mp_ballot_first", "mp_ballot_votes_{candidate}", I, cand,
     false, no_labels, "MPs' votes in round 1 of an MPs' ballot",
     [](R r, Z c, Z) { return std::int64_t(r.mp_ballot_first[c]); }, nullptr},
    {RunFieldId::mp_out_round, "mp_out_round", "mp_out_round_{candidate}", I, cand, false,
     no_labels, "1-based MPs' ballot round the candidate went out in, 0 if not",
     [](R r, Z c, Z) { return std::int64_t(r.mp_out_round[c]); }, nullptr},

    {RunFieldId::meetings_held, "meetings_held", "meetings_held", I, run_axis, false, no_labels,
     "CLPs that held a nomination meeting",
     [](R r, Z, Z) { return std::int64_t(r.meetings_held); }, nullptr},
    {RunFieldId::meetings_quorate, "meetings_quorate", "meetings_quorate", I, run_axis, false,
     no_labels, "meetings that reached their quorum",
     [](R r, Z, Z) { return std::int64_t(r.meetings_quorate); }, nullptr},
    {RunFieldId::meetings_general_committee, "meetings_general_committee",
     "meetings_general_committee", I, run_axis, false, no_labels,
     "meetings held as General Committees of delegates",
     [](R r, Z, Z) { return std::int64_t(r.meetings_general_committee); }, nullptr},
    {RunFieldId::meeting_attendance, "meeting_attendance", "meeting_attendance", I, run_axis, true,
     no_labels, "people at all meetings",
     [](R r, Z, Z) { return std::int64_t(r.meeting_attendance); }, nullptr},
    {RunFieldId::meeting_eligible, "meeting_eligible", "meeting_eligible", I, run_axis, true,
     no_labels, "people eligible to attend the meetings held",
     [](R r, Z, Z) { return std::int64_t(r.meeting_eligible); }, nullptr},
    {RunFieldId::turnout, "turnout", "turnout_{section}", X, sect, false, no_labels,
     "share of eligible voters who voted in the final ballot",
     nullptr, [](R r, Z, Z sec) { return r.turnout(int(sec)); }},
    {RunFieldId::attendance_rate, "attendance_rate", "", X, run_axis, false, no_labels,
     "meeting_attendance / meeting_eligible (0 when no meeting was held)",
     nullptr, [](R r, Z, Z) { return r.attendance_rate(); }},
};
// clang-format on

// "first_{candidate}_{section}" with its placeholders filled.
std::string expand(std::string_view pattern, std::string_view candidate, std::string_view section) {
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern.substr(i, 11) == "{candidate}") {
      out += candidate;
      i += 11;
    } else if (pattern.substr(i, 9) == "{section}") {
      out += section;
      i += 9;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

}  // namespace

const char* column_type_id(ColumnType t) {
  switch (t) {
    case ColumnType::integer: return "integer";
    case ColumnType::real: return "real";
    case ColumnType::boolean: return "bool";
    case ColumnType::text: return "text";
  }
  return "?";
}

std::span<const RunField> run_fields() { return kFields; }

const RunField& run_field(RunFieldId id) {
  const RunField& f = kFields[size_t(id)];
  if (f.id != id) throw std::logic_error("run_columns.cpp: kFields is out of RunFieldId's order");
  return f;
}

std::vector<RunColumn> run_columns(const Scenario& s) {
  std::vector<RunColumn> cols;
  // One field's cells for candidate c (all sections of it, when it is per section).
  auto add = [&](const RunField& f, size_t c) {
    const std::string_view cid = f.per_candidate() ? std::string_view(s.candidates[c].id) : "";
    const size_t sections = f.per_section() ? size_t(kSections) : 1;
    for (size_t sec = 0; sec < sections; ++sec)
      cols.push_back({expand(f.column, cid, f.per_section() ? section_id(Section(sec)) : ""), &f,
                      c, sec});
  };
  const std::span<const RunField> fields = run_fields();
  for (size_t i = 0; i < fields.size();) {
    if (!fields[i].in_runs_csv()) {
      ++i;
      continue;
    }
    if (!fields[i].per_candidate()) {
      add(fields[i++], 0);
      continue;
    }
    // A run of per-candidate fields: candidate by candidate.
    size_t end = i;
    while (end < fields.size() && fields[end].in_runs_csv() && fields[end].per_candidate()) ++end;
    for (size_t c = 0; c < s.candidates.size(); ++c)
      for (size_t j = i; j < end; ++j) add(fields[j], c);
    i = end;
  }
  return cols;
}

}  // namespace leadsim
