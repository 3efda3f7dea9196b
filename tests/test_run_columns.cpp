// Tests of the run-column schema (run_columns.hpp): runs.csv's header is the schema's names,
// pinned for the toy scenario so that a dropped or renamed column fails; every per-run field of
// RunResult reaches a column; the table is in RunFieldId's order; array rows are section-major.
#include "leadsim/run_columns.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <sstream>

#include "leadsim/report.hpp"
#include "support.hpp"

namespace leadsim {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out(1);
  for (char ch : line) {
    if (ch == ',')
      out.emplace_back();
    else if (ch != '\n')
      out.back() += ch;
  }
  return out;
}

// runs.csv of the given results: header, then one line per run.
std::vector<std::string> csv_lines(const Scenario& s, const std::vector<RunResult>& runs) {
  std::ostringstream os;
  RunsCsv writer(s, os);
  for (const auto& r : runs) writer.on_run(r);
  std::vector<std::string> lines;
  std::istringstream in(os.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(RunColumns, ToyHeaderIsPinned) {
  // Written out in full: a column dropped, renamed or moved by a change to the table fails here.
  const std::string expected =
      "run,winner,rounds,winner_by_lot,unopposed,mp_rounds,share_left,first_left_member,"
      "first_left_registered,first_left_affiliated,first_left_mp,nominations_left,"
      "meeting_votes_left,mp_nominations_left,affiliate_nominations_left,on_ballot_left,"
      "eliminated_round_left,out_at_stage_left,mp_ballot_votes_left,mp_out_round_left,"
      "share_right,first_right_member,first_right_registered,first_right_affiliated,"
      "first_right_mp,nominations_right,meeting_votes_right,mp_nominations_right,"
      "affiliate_nominations_right,on_ballot_right,eliminated_round_right,"
      "out_at_stage_right,mp_ballot_votes_right,mp_out_round_right,meetings_held,"
      "meetings_quorate,meetings_general_committee,meeting_attendance,meeting_eligible,"
      "turnout_member,turnout_registered,turnout_affiliated,turnout_mp";
  const Scenario s = test::toy();
  EXPECT_EQ(csv_lines(s, {})[0], expected);
}

TEST(RunColumns, HeaderIsTheSchemasNames) {
  for (const char* file : {"toy.toml", "labour-2016.toml", "conservative-2019.toml"}) {
    const Scenario s = load_scenario(test::scenario_path(file));
    std::string names;
    for (const RunColumn& c : run_columns(s)) (names += names.empty() ? "" : ",") += c.name;
    EXPECT_EQ(csv_lines(s, {})[0], names) << file;
    // Every field runs.csv has is there, once per candidate and section it is per.
    const size_t k = s.candidates.size();
    size_t cells = 0;
    for (const RunField& f : run_fields())
      if (f.in_runs_csv())
        cells += (f.per_candidate() ? k : 1) * (f.per_section() ? size_t(kSections) : 1);
    EXPECT_EQ(run_columns(s).size(), cells) << file;
  }
}

TEST(RunColumns, TableIsInRunFieldIdOrder) {
  const auto fields = run_fields();
  std::set<std::string> names;
  for (size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(int(fields[i].id), int(i)) << fields[i].name;
    EXPECT_EQ(&run_field(fields[i].id), &fields[i]);
    EXPECT_TRUE(names.insert(fields[i].name).second) << "two fields named " << fields[i].name;
    // A real field reads a double; every other type an integer.
    EXPECT_EQ(fields[i].real != nullptr, fields[i].type == ColumnType::real) << fields[i].name;
    EXPECT_EQ(fields[i].integer != nullptr, fields[i].type != ColumnType::real) << fields[i].name;
    EXPECT_EQ(fields[i].labels != ColumnLabels::none, fields[i].type == ColumnType::text)
        << fields[i].name;
    EXPECT_GT(std::string(fields[i].meaning).size(), 10u) << fields[i].name;
  }
  EXPECT_EQ(std::string(run_fields().back().name), "attendance_rate");
}

// Changing any per-run member of a RunResult changes runs.csv, in the column named for it. (The
// per-CLP members, clp_*, are summed into clps.csv by Summary instead.)
TEST(RunColumns, EveryRunResultFieldReachesAColumn) {
  const Scenario s = test::toy();
  const RunResult base = test::run_many(s, 1, 3, 1)[0];
  ASSERT_EQ(base.winner, 1);  // "right" wins run 0 of seed 3; the edits below assume it
  struct Edit {
    const char* member;
    std::function<void(RunResult&)> change;
    const char* column;  // a column that must change
  };
  const std::vector<Edit> edits = {
      {"run", [](RunResult& r) { r.run = 12345; }, "run"},
      {"winner", [](RunResult& r) { r.winner = 0; }, "winner"},
      {"winner_by_lot", [](RunResult& r) { r.winner_by_lot = !r.winner_by_lot; }, "winner_by_lot"},
      {"unopposed", [](RunResult& r) { r.unopposed = !r.unopposed; }, "unopposed"},
      {"on_ballot", [](RunResult& r) { r.on_ballot[1] = !r.on_ballot[1]; }, "on_ballot_right"},
      {"out_at_stage", [](RunResult& r) { r.out_at_stage[0] = 0; }, "out_at_stage_left"},
      {"mp_nominations", [](RunResult& r) { r.mp_nominations[0] += 7; }, "mp_nominations_left"},
      {"mp_ballot_first", [](RunResult& r) { r.mp_ballot_first[1] += 7; },
       "mp_ballot_votes_right"},
      {"mp_out_round", [](RunResult& r) { r.mp_out_round[0] += 2; }, "mp_out_round_left"},
      {"mp_rounds", [](RunResult& r) { r.mp_rounds += 3; }, "mp_rounds"},
      {"share", [](RunResult& r) { r.share[0] += 0.125; }, "share_left"},
      {"first_share", [](RunResult& r) { r.first_share[1][1] += 0.125; },
       "first_right_registered"},
      {"nominations", [](RunResult& r) { r.nominations[1] += 4; }, "nominations_right"},
      {"meeting_votes", [](RunResult& r) { r.meeting_votes[0] += 99; }, "meeting_votes_left"},
      {"affiliate_nominations", [](RunResult& r) { r.affiliate_nominations[1] += 2; },
       "affiliate_nominations_right"},
      {"eliminated_round", [](RunResult& r) { r.eliminated_round[0] = 5; },
       "eliminated_round_left"},
      {"rounds", [](RunResult& r) { r.rounds += 2; }, "rounds"},
      {"meetings_held", [](RunResult& r) { r.meetings_held += 1; }, "meetings_held"},
      {"meetings_quorate", [](RunResult& r) { r.meetings_quorate += 1; }, "meetings_quorate"},
      {"meetings_general_committee", [](RunResult& r) { r.meetings_general_committee += 1; },
       "meetings_general_committee"},
      {"meeting_attendance", [](RunResult& r) { r.meeting_attendance += 10; },
       "meeting_attendance"},
      {"meeting_eligible", [](RunResult& r) { r.meeting_eligible += 10; }, "meeting_eligible"},
      {"ballot_eligible", [](RunResult& r) { r.ballot_eligible[0] *= 2; }, "turnout_member"},
      {"ballot_voted", [](RunResult& r) { r.ballot_voted[2] /= 2; }, "turnout_affiliated"},
  };
  const std::vector<std::string> header = split(csv_lines(s, {})[0]);
  const std::vector<std::string> before = split(csv_lines(s, {base})[1]);
  ASSERT_EQ(before.size(), header.size());
  for (const Edit& e : edits) {
    RunResult r = base;
    e.change(r);
    const std::vector<std::string> after = split(csv_lines(s, {r})[1]);
    ASSERT_EQ(after.size(), header.size()) << e.member;
    std::set<std::string> changed;
    for (size_t i = 0; i < header.size(); ++i)
      if (after[i] != before[i]) changed.insert(header[i]);
    EXPECT_TRUE(changed.count(e.column)) << e.member << " does not reach " << e.column;
  }
}

TEST(RunColumns, CellsAreWhatTheReadersSay) {
  const Scenario s = test::toy();
  const std::vector<RunResult> runs = test::run_many(s, 5, 2, 1);
  const std::vector<std::string> lines = csv_lines(s, runs);
  const std::vector<RunColumn> cols = run_columns(s);
  for (size_t i = 0; i < runs.size(); ++i) {
    const std::vector<std::string> cells = split(lines[i + 1]);
    ASSERT_EQ(cells.size(), cols.size());
    for (size_t j = 0; j < cols.size(); ++j) {
      const RunField& f = *cols[j].field;
      if (f.type == ColumnType::real)
        EXPECT_NEAR(std::stod(cells[j]), f.real(runs[i], cols[j].candidate, cols[j].section), 5e-7)
            << cols[j].name;
      else if (f.type == ColumnType::text)
        EXPECT_EQ(cells[j] == "none", f.integer(runs[i], cols[j].candidate, cols[j].section) < 0)
            << cols[j].name;
      else
        EXPECT_EQ(std::stoll(cells[j]), f.integer(runs[i], cols[j].candidate, cols[j].section))
            << cols[j].name;
    }
    // The winner's text is its candidate id.
    if (runs[i].winner >= 0) {
      EXPECT_EQ(cells[1], s.candidates[size_t(runs[i].winner)].id);
    }
  }
}

TEST(RunColumns, ArrayRowsAreSectionMajor) {
  const Scenario s = test::toy();
  const RunResult r = test::run_many(s, 1, 4, 1)[0];
  std::vector<double> first;
  append_row(first, run_field(RunFieldId::first_share), r, 2);
  ASSERT_EQ(first.size(), size_t(kSections) * 2);
  for (size_t sec = 0; sec < size_t(kSections); ++sec)
    for (size_t c = 0; c < 2; ++c) EXPECT_EQ(first[sec * 2 + c], r.first_share[sec][c]);
  std::vector<float> rate;
  append_row(rate, run_field(RunFieldId::attendance_rate), r, 2);
  ASSERT_EQ(rate.size(), 1u);
  EXPECT_EQ(rate[0], float(double(r.meeting_attendance) / double(r.meeting_eligible)));
  std::vector<std::int8_t> winner;
  append_row(winner, run_field(RunFieldId::winner), r, 2);
  EXPECT_EQ(winner, std::vector<std::int8_t>{std::int8_t(r.winner)});
}

}  // namespace
}  // namespace leadsim
