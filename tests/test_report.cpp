// Tests of the report module (report.hpp): the manifest, output folders whose files appear whole
// or not at all (OutputDir), runs.csv as runs finish (RunsCsv), summary.json and clps.csv, the
// printed report of `leadsim run`, a count of given ballots as a table and as JSON, and the
// story of one CLP's meeting.
#include "leadsim/report.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "leadsim/ballot_file.hpp"
#include "leadsim/contest.hpp"
#include "leadsim/count.hpp"
#include "leadsim/meeting.hpp"
#include "leadsim/rulebook.hpp"
#include "support.hpp"

namespace leadsim {
namespace {

namespace fs = std::filesystem;

using test::data;
using test::fields_of;
using test::lines_of;
using test::read_file;
using test::TempDir;
using test::toy;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

std::string joined_column_names(const Scenario& s) {
  std::string names;
  for (const RunColumn& c : run_columns(s)) (names += names.empty() ? "" : ",") += c.name;
  return names;
}

EnsembleResult ensemble(const Scenario& s, std::uint64_t runs, std::uint64_t seed) {
  const Population pop = synthesise(s, seed);
  EnsembleOptions opt;
  opt.seed = seed;
  opt.runs = runs;
  opt.threads = 2;
  return run_ensemble(s, pop, opt);
}

// The line of `text` that starts (after indentation) with `start`, or "".
std::string line_starting(const std::string& text, const std::string& start) {
  for (const std::string& line : lines_of(text))
    if (line.find_first_not_of(' ') != std::string::npos &&
        line.compare(line.find_first_not_of(' '), start.size(), start) == 0)
      return line;
  return "";
}

// ---------------------------------------------------------------------------------------------
// The manifest.

TEST(Report, ManifestRecordsVersionSeedRunsAndAgents) {
  const Scenario s = toy();
  const Manifest m = make_manifest(s, 7, 50);
  EXPECT_FALSE(std::string(leadsim_version()).empty());
  EXPECT_EQ(m.version, leadsim_version());
  EXPECT_EQ(m.seed, 7u);
  EXPECT_EQ(m.runs, 50u);
  EXPECT_EQ(m.agents, s.agents());
  EXPECT_GT(m.agents, 0);
}

// ---------------------------------------------------------------------------------------------
// Output folders.

TEST(Report, OutputDirFilesAppearOnlyOnCommit) {
  TempDir tmp;
  const fs::path dir = tmp / "results" / "nested";  // created, parents too
  OutputDir out(dir);
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_TRUE(fs::is_empty(dir)) << "the write probe is removed";
  out.open("a.csv") << "x,y\n1,2\n";
  out.open("b.json") << "{}\n";
  EXPECT_FALSE(fs::exists(out.path("a.csv")));
  EXPECT_FALSE(fs::exists(out.path("b.json")));
  out.commit();
  EXPECT_EQ(read_file(out.path("a.csv")), "x,y\n1,2\n");
  EXPECT_EQ(read_file(out.path("b.json")), "{}\n");
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"a.csv", "b.json"})) << "no temporary files left";
}

TEST(Report, OutputDirNeverCommittedLeavesNothingAndKeepsOldFiles) {
  TempDir tmp;
  const fs::path dir = tmp / "results";
  fs::create_directories(dir);
  std::ofstream(dir / "runs.csv") << "old\n";
  {
    OutputDir out(dir);
    out.open("runs.csv") << "new\n";
    out.open("summary.json") << "{}\n";
  }  // not committed: as if the run was interrupted
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"runs.csv"}));
  EXPECT_EQ(read_file(dir / "runs.csv"), "old\n");
}

// Every name in a folder, hidden ones included.
std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

TEST(Report, OutputDirWhoseSecondRenameFailsIsLeftAsItWas) {
  TempDir tmp;
  const fs::path dir = tmp / "results";
  fs::create_directories(dir);
  std::ofstream(dir / "a.csv") << "old a\n";
  std::ofstream(dir / "b.json") << "old b\n";
  {
    OutputDir out(dir);
    out.open("a.csv") << "new a\n";
    out.open("b.json") << "new b\n";
    out.open("c.txt") << "new c\n";
    int renames = 0;
    out.set_rename_for_testing([&](const fs::path& from, const fs::path& to, std::error_code& ec) {
      if (++renames == 2) ec = std::make_error_code(std::errc::io_error);  // the disk said no
      else fs::rename(from, to, ec);
    });
    try {
      out.commit();
      ADD_FAILURE() << "the commit did not report the failed rename";
    } catch (const InputError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u);
      EXPECT_EQ(e.diagnostics()[0].file, (dir / "b.json").string());
      EXPECT_TRUE(e.diagnostics()[0].message.find("nothing in the folder has changed") !=
                  std::string::npos) << e.diagnostics()[0].message;
    }
    EXPECT_EQ(renames, 2);
  }
  // a.csv had been renamed into place: it is the old one again; no c.txt; nothing hidden left.
  EXPECT_EQ(read_file(dir / "a.csv"), "old a\n");
  EXPECT_EQ(read_file(dir / "b.json"), "old b\n");
  EXPECT_EQ(names_in(dir), (std::set<std::string>{"a.csv", "b.json"}));
}

TEST(Report, OutputDirWhoseSecondRenameFailsRemovesTheNewFirstFile) {
  TempDir tmp;
  const fs::path dir = tmp / "results";
  {
    OutputDir out(dir);
    out.open("a.csv") << "new a\n";
    out.open("b.json") << "new b\n";
    int renames = 0;
    out.set_rename_for_testing([&](const fs::path& from, const fs::path& to, std::error_code& ec) {
      if (++renames == 2) ec = std::make_error_code(std::errc::no_space_on_device);
      else fs::rename(from, to, ec);
    });
    EXPECT_THROW(out.commit(), InputError);
  }
  EXPECT_TRUE(fs::is_empty(dir)) << "the first file had no old version: it is removed";
}

TEST(Report, OutputDirRefusesAFolderInTheWayBeforeAndAtTheCommit) {
  TempDir tmp;
  const fs::path dir = tmp / "results";
  fs::create_directories(dir / "summary.json" / "inside");
  std::ofstream(dir / "runs.csv") << "old\n";
  {
    OutputDir out(dir);
    out.open("runs.csv") << "new\n";
    try {
      out.open("summary.json");
      ADD_FAILURE() << "a folder in the way was not refused";
    } catch (const InputError& e) {
      EXPECT_EQ(e.diagnostics()[0].file, (dir / "summary.json").string());
      EXPECT_NE(e.diagnostics()[0].message.find("a folder is in the way"), std::string::npos)
          << e.diagnostics()[0].message;
    }
  }
  {
    OutputDir out(dir);
    out.open("runs.csv") << "new\n";
    out.open("clps.csv") << "new\n";
    fs::create_directories(dir / "clps.csv" / "inside");  // appears while the run goes on
    EXPECT_THROW(out.commit(), InputError);
  }
  EXPECT_EQ(read_file(dir / "runs.csv"), "old\n");
  EXPECT_EQ(names_in(dir), (std::set<std::string>{"clps.csv", "runs.csv", "summary.json"}));
}

// The hidden-file prefix of a process `pid` of this host, as OutputDir names them.
std::string prefix_of(long pid) {
  const std::string own = OutputDir::own_prefix();  // ".leadsim-<host>-<pid>."
  const std::string host_and_dash = own.substr(0, own.rfind('-', own.size() - 2) + 1);
  return host_and_dash + std::to_string(pid) + ".";
}

// A pid that no process has: a child that has exited and been reaped.
long dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return long(child);
}

TEST(Report, OutputDirSweepsWhatDeadProcessesLeft) {
  TempDir tmp;
  const fs::path dir = tmp / "results";
  fs::create_directories(dir);
  const std::string dead = prefix_of(dead_pid()), live = prefix_of(long(::getppid()));
  for (const std::string& name : {dead + "runs.csv.tmp", dead + "summary.json.tmp", dead + "probe",
                                  live + "runs.csv.tmp", std::string(".leadsim-otherhost-1.x.tmp")})
    std::ofstream(dir / name) << "left behind\n";
  std::ofstream(dir / "runs.csv") << "kept\n";
  {
    OutputDir out(dir);  // sweeps on opening
    EXPECT_EQ(names_in(dir), (std::set<std::string>{live + "runs.csv.tmp",
                                                    ".leadsim-otherhost-1.x.tmp", "runs.csv"}));
  }
  EXPECT_EQ(read_file(dir / "runs.csv"), "kept\n");
}

TEST(Report, OutputDirRollsBackACommitCutShortByAKill) {
  // The state a SIGKILL between the renames leaves: a.csv renamed in (its old copy kept),
  // b.json not yet (its temporary still there), c.txt renamed in with no old version.
  TempDir tmp;
  const fs::path dir = tmp / "results";
  fs::create_directories(dir);
  const std::string p = prefix_of(dead_pid());
  std::ofstream(dir / "a.csv") << "new a\n";
  std::ofstream(dir / (p + "a.csv.old")) << "old a\n";
  std::ofstream(dir / "b.json") << "old b\n";
  fs::create_hard_link(dir / "b.json", dir / (p + "b.json.old"));
  std::ofstream(dir / (p + "b.json.tmp")) << "new b\n";
  std::ofstream(dir / "c.txt") << "new c\n";
  std::ofstream(dir / (p + "commit")) << "a.csv\nb.json\nc.txt\n";
  EXPECT_EQ(sweep_output_leftovers(dir), 3);  // the journal, b.json's temporary and old copy
  EXPECT_EQ(read_file(dir / "a.csv"), "old a\n");
  EXPECT_EQ(read_file(dir / "b.json"), "old b\n");
  EXPECT_EQ(names_in(dir), (std::set<std::string>{"a.csv", "b.json"}));
}

TEST(Report, OutputDirThatCannotBeWrittenIsAnInputError) {
  TempDir tmp;
  std::ofstream(tmp / "plain") << "a file, not a folder\n";
  const fs::path dir = tmp / "plain" / "results";
  try {
    OutputDir out(dir);
    ADD_FAILURE() << "no error for " << dir;
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].file, dir.string());
    EXPECT_TRUE(contains(e.diagnostics()[0].message, "cannot write")) << e.diagnostics()[0].message;
  }
  EXPECT_EQ(read_file(tmp / "plain"), "a file, not a folder\n");
}

// ---------------------------------------------------------------------------------------------
// runs.csv.

TEST(Report, RunsCsvWritesTheSchemasHeaderThenOneRowPerRun) {
  const Scenario s = toy();
  std::ostringstream os;
  RunsCsv writer(s, os);
  EXPECT_EQ(os.str(), joined_column_names(s) + "\n") << "the header, on construction";
  std::vector<RunResult> runs = test::run_many(s, 3, 5);
  runs.push_back(runs[0]);
  runs.back().run = 99;
  runs.back().winner = -1;          // nobody elected
  runs.back().out_at_stage[1] = 0;  // "right" out at the first stage
  for (const RunResult& r : runs) writer.on_run(r);
  const std::vector<std::string> lines = lines_of(os.str());
  ASSERT_EQ(lines.size(), runs.size() + 1);
  const std::vector<std::string> header = fields_of(lines[0]);
  ASSERT_EQ(header.size(), run_columns(s).size());
  for (size_t i = 0; i < runs.size(); ++i) {
    const std::vector<std::string> f = fields_of(lines[i + 1]);
    ASSERT_EQ(f.size(), header.size()) << lines[i + 1];
    EXPECT_EQ(f[column(header, "run")], std::to_string(runs[i].run));  // in the order given
    const std::string winner =
        runs[i].winner < 0 ? "none" : s.candidates[size_t(runs[i].winner)].id;
    EXPECT_EQ(f[column(header, "winner")], winner);
    EXPECT_EQ(std::stod(f[column(header, "share_left")]), std::stod(fmt::format("{:.6f}", runs[i].share[0])));
  }
  const std::vector<std::string> last = fields_of(lines.back());
  EXPECT_EQ(last[column(header, "out_at_stage_right")], std::string(stage_id(s.rules.stages[0])));
}

// ---------------------------------------------------------------------------------------------
// summary.json and clps.csv.

TEST(Report, SummaryJsonHasTheManifestAndEveryCandidate) {
  const Scenario s = toy();
  const EnsembleResult r = ensemble(s, 20, 3);
  std::ostringstream os;
  write_summary_json(os, s, make_manifest(s, 3, 20), r.summary);
  const std::string json = os.str();
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.substr(json.size() - 2), "}\n");
  for (const std::string& key : std::vector<std::string>{
           "\"manifest\"", "\"leadsim_version\": \"" + std::string(leadsim_version()) + "\"",
        "\"scenario_sha256\": \"" + s.sha256 + "\"", "\"seed\": 3", "\"runs\": 20",
        "\"runs_requested\": 20", fmt::format("\"agents\": {}", s.agents()),
        "\"contest\": \"" + s.name + "\"", "\"win_probability\"", "\"final_share\"",
        "\"meetings\"", "\"turnout\""})
    EXPECT_TRUE(contains(json, key)) << key;
  for (const auto& c : s.candidates) {
    EXPECT_TRUE(contains(json, "\"id\": \"" + c.id + "\"")) << c.id;
    EXPECT_TRUE(contains(json, "\"name\": \"" + c.name + "\"")) << c.name;
  }
  // Every stage of the rulebook is listed by its id.
  for (Stage st : s.rules.stages)
    EXPECT_TRUE(contains(json, "\"" + std::string(stage_id(st)) + "\"")) << stage_id(st);
  // Toy has no MPs' ballot, so no MPs' ballot figures.
  EXPECT_FALSE(contains(json, "mp_ballot_round1_votes"));
}

TEST(Report, ClpsCsvHasItsHeaderAndOneRowPerClpInOrder) {
  Scenario s = toy();
  const EnsembleResult r = ensemble(s, 20, 4);
  s.clps[0].name = "Hampstead, \"Kilburn\"";  // needs quoting
  std::ostringstream os;
  write_clps_csv(os, s, r.summary);
  const std::vector<std::string> lines = lines_of(os.str());
  ASSERT_EQ(lines.size(), s.clps.size() + 1);
  EXPECT_EQ(lines[0],
            "clp,nation,region,mp,p_met,p_nominate_left,p_nominate_right,p_no_nomination,"
            "mean_attendance,mean_eligible,meeting_share_left,meeting_share_right,lean_mean,"
            "lean_lo,lean_hi,activity_mean");
  EXPECT_EQ(lines[1].rfind("\"Hampstead, \"\"Kilburn\"\"\",", 0), 0u) << lines[1];
  const std::vector<std::string> header = fields_of(lines[0]);
  for (size_t i = 0; i < s.clps.size(); ++i) {
    const std::vector<std::string> f = fields_of(lines[i + 1]);
    ASSERT_EQ(f.size(), header.size()) << lines[i + 1];
    EXPECT_EQ(f[0], s.clps[i].name);
    const double met = std::stod(f[column(header, "p_met")]);
    EXPECT_GE(met, 0.0);
    EXPECT_LE(met, 1.0);
    const double sum = std::stod(f[column(header, "p_nominate_left")]) +
                       std::stod(f[column(header, "p_nominate_right")]) +
                       std::stod(f[column(header, "p_no_nomination")]);
    EXPECT_NEAR(sum, 1.0, 1e-3) << lines[i + 1];
  }
}

// ---------------------------------------------------------------------------------------------
// The printed report.

TEST(Report, ReportNamesTheContestTheRunsAndEachCandidatesChance) {
  const Scenario s = toy();
  const EnsembleResult r = ensemble(s, 20, 3);
  const Manifest m = make_manifest(s, 3, 20);
  const std::string text = format_report(s, m, r);
  EXPECT_EQ(text.rfind(fmt::format("{}: 20 runs, seed 3, {} agents in {} CLPs", s.name, m.agents,
                                   s.clps.size()),
                       0),
            0u)
      << text;
  EXPECT_TRUE(contains(text, "Question: " + s.question)) << text;
  EXPECT_TRUE(contains(text, "Who wins")) << text;
  for (size_t c = 0; c < s.candidates.size(); ++c) {
    // Each candidate's line carries its win probability.
    const std::string line = line_starting(text, s.candidates[c].name);
    ASSERT_FALSE(line.empty()) << s.candidates[c].name << "\n" << text;
    EXPECT_TRUE(contains(line, fmt::format("{:.3f}", r.summary.win_probability(int(c)).p)))
        << line;
  }
  EXPECT_TRUE(contains(text, fmt::format("CLP nominations (of {} CLPs", s.clps.size()))) << text;
  EXPECT_TRUE(contains(text, "Turnout: member")) << text;
  EXPECT_TRUE(contains(text, "Counting rounds:")) << text;
  EXPECT_FALSE(contains(text, "MPs' ballot")) << "toy has no MPs' ballot\n" << text;
}

TEST(Report, ReportOfAnMpsBallotHasItsTableAndNoClpNominations) {
  const Scenario s = toy({"candidates.centre={ position = [0.0, 0.0] }", "mps.extra_mps=40",
                          "mps.support={ left = 0.3, right = 0.5, centre = 0.2 }",
                          "rules.stages=[\"mp_ballot\", \"final_ballot\"]"});
  const EnsembleResult r = ensemble(s, 10, 1);
  const std::string text = format_report(s, make_manifest(s, 1, 10), r);
  EXPECT_TRUE(contains(text, "MPs' ballot")) << text;
  EXPECT_FALSE(contains(text, "CLP nominations")) << text;
  ASSERT_EQ(s.candidates.size(), 3u);
  for (const auto& c : s.candidates) EXPECT_TRUE(contains(text, c.name)) << c.name << "\n" << text;
}

// ---------------------------------------------------------------------------------------------
// A count of given ballots (`leadsim count`).

TEST(Report, CountColumnsAlignWhateverTheWidthOfTheNumbers) {
  // Votes of 1 to 6 digits and percentages of one and two digits: every row's votes end, and
  // its percentages end, in the same columns (a one-digit percentage shifted its votes left).
  TempDir dir;
  const Scenario s = load_scenario(data("labour-2015-rules.toml"));
  const std::string ballots = dir.write(
      "b.csv", "count,ranking\n251417,corbyn>burnham\n80462,burnham>cooper\n71928,cooper>burnham\n"
               "7,kendall>cooper\n");
  const CountRules rules = s.rules.final_ballot.count_rules();
  const CountResult r = count_ballots(read_ballot_file(ballots, s), rules,
                                      std::vector<bool>(s.candidates.size(), true), 1);
  const std::string text = format_count(s, rules, r);
  std::set<size_t> percent_ends, vote_ends;
  for (const auto& c : s.candidates) {
    const std::string line = line_starting(text, c.name);
    ASSERT_FALSE(line.empty()) << c.name << "\n" << text;
    const size_t pct = line.find('%');
    ASSERT_NE(pct, std::string::npos) << line;
    percent_ends.insert(pct);
    const size_t digits_end = line.find_last_of("0123456789", line.rfind(' ', pct));
    vote_ends.insert(digits_end);
  }
  EXPECT_EQ(percent_ends.size(), 1u) << text;
  EXPECT_EQ(vote_ends.size(), 1u) << text;
  const std::string header = line_starting(text, "Round 1");
  EXPECT_EQ(header.find("Round 1") + 7, *percent_ends.begin() + 1) << "the heading ends over the %\n" << text;
}

TEST(Report, CountTableShowsEachRoundEachCandidateAndTheWinner) {
  const Scenario s = load_scenario(data("labour-2010-rules.toml"));
  const CountRules rules = s.rules.final_ballot.count_rules();
  const CountResult r = count_ballots(read_ballot_file(data("labour-2010-ballots.csv"), s), rules,
                                      std::vector<bool>(s.candidates.size(), true), 1);
  const std::string text = format_count(s, rules, r);
  EXPECT_EQ(text.rfind(s.name + ": alternative_vote, electoral college (", 0), 0u) << text;
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(contains(text, fmt::format("Round {}", i))) << text;
  EXPECT_FALSE(contains(text, "Round 5")) << text;
  for (const auto& c : s.candidates) EXPECT_TRUE(contains(text, c.name)) << c.name << "\n" << text;
  // Eliminated in order: Abbott, Burnham, Balls.
  const std::string eliminated = line_starting(text, "eliminated");
  const size_t abbott = eliminated.find("abbott"), burnham = eliminated.find("burnham"),
               balls = eliminated.find("balls");
  ASSERT_NE(balls, std::string::npos) << eliminated;
  EXPECT_LT(abbott, burnham);
  EXPECT_LT(burnham, balls);
  EXPECT_TRUE(contains(text, "mp section (weight")) << text;
  EXPECT_TRUE(contains(text, "\nWinner: Ed Miliband after 4 rounds\n")) << text;
}

TEST(Report, CountTableOneMemberOneVoteAndNoCandidates) {
  const Scenario s = toy();  // candidates "Left Candidate" and "Right Candidate"
  BallotSet b(2);
  b.add(std::vector<std::uint8_t>{0}, 3);
  b.add(std::vector<std::uint8_t>{1}, 1);
  const CountResult r = count_ballots(b, CountMethod::plurality, {true, true}, 1);
  const std::string text = format_count(s, CountMethod::plurality, r);
  EXPECT_EQ(text.rfind(s.name + ": plurality, one member one vote, ties for last: backwards\n", 0), 0u)
      << text;
  EXPECT_TRUE(contains(line_starting(text, "Left Candidate"), "3  75.0%")) << text;  // percentages in a fixed width (100.0%)
  EXPECT_TRUE(contains(line_starting(text, "Right Candidate"), "1  25.0%")) << text;
  EXPECT_TRUE(contains(text, "\nWinner: Left Candidate after 1 round\n")) << text;
  const CountResult none = count_ballots(b, CountMethod::plurality, {false, false}, 1);
  EXPECT_TRUE(contains(format_count(s, CountMethod::plurality, none), "No candidate stood: no count."));
}

TEST(Report, CountJsonHasTheRulesEachRoundAndTheWinner) {
  const Scenario s = load_scenario(data("labour-2015-rules.toml"));
  const CountRules rules = s.rules.final_ballot.count_rules();
  const CountResult r = count_ballots(read_ballot_file(data("labour-2015-first-round.csv"), s),
                                      rules, std::vector<bool>(s.candidates.size(), true), 1);
  ASSERT_EQ(r.rounds.size(), 1u);
  const std::string json = count_json(s, rules, r);
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.substr(json.size() - 2), "}\n");
  for (const std::string& key : std::vector<std::string>{
           "\"contest\": \"" + s.name + "\"", std::string("\"method\": \"alternative_vote\""),
        std::string("\"corbyn\": 251417"), std::string("\"winner\": \"corbyn\""),
        std::string("\"winner_by_lot\": false")})
    EXPECT_TRUE(contains(json, key)) << key << "\n" << json;
  size_t rounds = 0;
  for (size_t at = json.find("\"exhausted\""); at != std::string::npos;
       at = json.find("\"exhausted\"", at + 1))
    ++rounds;
  EXPECT_EQ(rounds, r.rounds.size());
}

// ---------------------------------------------------------------------------------------------
// The story of a meeting (`leadsim meeting`).

TEST(Report, MeetingStoryOfAMeetingNotHeld) {
  const Scenario s = toy();
  const int clp = s.clp_index("CLP 3");
  MeetingStory story;
  story.mp_endorsement = 1;
  story.result.met = false;
  EXPECT_EQ(format_meeting_story(s, clp, 5, 9, story),
            "CLP 3 (seed 5, run 9): " + s.name +
                "\nThe local MP nominated and endorses Right Candidate.\n"
                "The CLP did not hold a nomination meeting this run.\n");
}

TEST(Report, MeetingStoryTellsTheInvitationsTheSpeechesAndTheVote) {
  const Scenario s = toy({"meetings.meet=1"});  // every CLP meets
  const Population pop = synthesise(s, 1);
  const int clp = s.clp_index("CLP 3");
  ContestWorkspace ws;
  RunResult r;
  MeetingStory story;
  run_contest(s, pop, 1, 0, ws, r, &story, clp);
  ASSERT_TRUE(story.result.met);
  const std::string text = format_meeting_story(s, clp, 1, 0, story);
  EXPECT_EQ(text.rfind("CLP 3 (seed 1, run 0): " + s.name + "\n", 0), 0u) << text;
  EXPECT_TRUE(contains(text, "Invitations\n")) << text;
  EXPECT_TRUE(contains(text, fmt::format("{:>7}  members of the CLP", story.members))) << text;
  EXPECT_TRUE(contains(text, fmt::format("{:>7}  attended", story.result.attended))) << text;
  for (const auto& f : s.factions) EXPECT_TRUE(contains(text, f.name)) << f.name << "\n" << text;
  ASSERT_GT(story.result.attended, 0);
  EXPECT_TRUE(contains(text, fmt::format("Speeches ({}):", story.speeches.size()))) << text;
  EXPECT_TRUE(contains(text, "The vote\n")) << text;
  if (story.result.quorate) {
    ASSERT_GE(story.result.nominee, 0);
    EXPECT_EQ(story.result.nominee, r.clp_nominee[size_t(clp)]);
    EXPECT_TRUE(contains(text, "Outcome: " + s.candidates[size_t(story.result.nominee)].name +
                                   " nominated"))
        << text;
  } else {
    EXPECT_TRUE(contains(text, "below the quorum")) << text;
  }
}

}  // namespace
}  // namespace leadsim
