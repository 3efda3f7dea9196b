// End-to-end tests of the `leadsim` command: usage and exit codes (0 ok, 2 bad input or usage),
// diagnostics on broken scenarios (tests/broken/), output folders that are complete or untouched,
// the files `run` writes and their determinism, `count` (tests/data/), `meeting` and `keys`.
//
// Each test runs the built binary (LEADSIM_BINARY) through the shell, with stdout and stderr
// captured to files in a scratch folder under the system temp folder.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "leadsim/sha256.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = LEADSIM_SOURCE_DIR;
const std::string kBinary = LEADSIM_BINARY;
const std::string kToy = kSourceDir + "/scenarios/toy.toml";
const std::string kLabour = kSourceDir + "/scenarios/labour-2016.toml";
const std::string kBrokenDir = kSourceDir + "/tests/broken";

using leadsim::test::fields_of;
using leadsim::test::lines_of;
using leadsim::test::read_file;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

using leadsim::test::TempDir;

// Single quotes for the shell: 'it'\''s'.
std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct Result {
  int code = -1;  // exit status, or -1 if the command did not exit normally
  std::string out, err;
};

// Runs `leadsim args...` and captures its exit status, stdout and stderr. With `seconds`, the
// command is killed after that long (`timeout` exits 124): for inputs that once read for ever.
Result leadsim(const std::vector<std::string>& args, int seconds = 0) {
  TempDir capture;
  std::string cmd = (seconds > 0 ? "timeout " + std::to_string(seconds) + " " : std::string()) +
                    shell_quote(kBinary);
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  cmd += " >";
  cmd += shell_quote((capture / "stdout").string());
  cmd += " 2>";
  cmd += shell_quote((capture / "stderr").string());
  cmd += " </dev/null";
  const int status = std::system(cmd.c_str());
  Result r;
  if (status != -1 && WIFEXITED(status)) r.code = WEXITSTATUS(status);
  r.out = read_file(capture / "stdout");
  r.err = read_file(capture / "stderr");
  return r;
}

std::string describe(const Result& r) {
  return "exit " + std::to_string(r.code) + "\n--- stdout:\n" + r.out.substr(0, 2000) +
         "\n--- stderr:\n" + r.err.substr(0, 2000);
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  return std::size_t(std::find(header.begin(), header.end(), name) - header.begin());
}

// True if `err` has a "path:line:column: error:" diagnostic with line and column > 0.
bool has_located_error(const std::string& err, const std::string& path) {
  for (std::size_t at = err.find(path + ":"); at != std::string::npos;
       at = err.find(path + ":", at + 1)) {
    std::istringstream rest(err.substr(at + path.size() + 1));
    int line = 0, col = 0;
    char colon1 = 0, colon2 = 0;
    std::string word;
    if (rest >> line >> colon1 >> col >> colon2 >> word && colon1 == ':' && colon2 == ':' &&
        word == "error:" && line > 0 && col > 0)
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Usage and exit codes.

TEST(Usage, VersionPrintsNameAndExitsZero) {
  const Result r = leadsim({"--version"});
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(r.out.rfind("leadsim ", 0), 0u) << describe(r);
}

TEST(Usage, HelpExitsZeroAndListsCommands) {
  const Result r = leadsim({"--help"});
  EXPECT_EQ(r.code, 0) << describe(r);
  for (const char* cmd : {"run", "validate", "meeting", "keys"})
    EXPECT_TRUE(contains(r.out, cmd)) << cmd << "\n" << describe(r);
}

TEST(Usage, RunHelpExitsZeroAndListsOptions) {
  const Result r = leadsim({"run", "--help"});
  EXPECT_EQ(r.code, 0) << describe(r);
  for (const char* opt : {"--runs", "--seed", "--threads", "--out", "--set"})
    EXPECT_TRUE(contains(r.out, opt)) << opt << "\n" << describe(r);
}

TEST(Usage, UnknownOptionExitsTwo) {
  const Result r = leadsim({"run", kToy, "--no-such-option"});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "--no-such-option")) << describe(r);
}

TEST(Usage, UnknownCommandExitsTwo) {
  const Result r = leadsim({"frobnicate"});
  EXPECT_EQ(r.code, 2) << describe(r);
}

TEST(Usage, NoCommandExitsTwo) {
  const Result r = leadsim({});
  EXPECT_EQ(r.code, 2) << describe(r);
}

TEST(Usage, ZeroRunsIsAUsageError) {
  TempDir out;
  const Result r = leadsim({"run", kToy, "--runs", "0", "--out", (out / "o").string()});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_FALSE(fs::exists(out / "o" / "summary.json"));
}

// ---------------------------------------------------------------------------------------------
// validate and run on broken scenarios.

std::vector<std::string> broken_files() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kBrokenDir))
    if (e.path().extension() == ".toml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

class BrokenFile : public ::testing::TestWithParam<std::string> {};

TEST_P(BrokenFile, ValidateExitsTwoWithFileLineColumn) {
  const std::string& path = GetParam();
  const Result r = leadsim({"validate", path});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_TRUE(r.out.empty()) << describe(r);
  EXPECT_TRUE(has_located_error(r.err, path))
      << "expected '" << path << ":LINE:COLUMN: error: ...' on stderr\n" << describe(r);
}

TEST_P(BrokenFile, RunExitsTwoAndWritesNothing) {
  TempDir out;
  const fs::path dir = out / "results";
  const Result r = leadsim({"run", GetParam(), "--runs", "5", "--quiet", "--out", dir.string()});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_FALSE(r.err.empty()) << describe(r);
  for (const char* f : {"summary.json", "runs.csv", "clps.csv"})
    EXPECT_FALSE(fs::exists(dir / f)) << f;
  // Not even temporary files: the folder is absent or empty.
  EXPECT_TRUE(!fs::exists(dir) || fs::is_empty(dir));
}

INSTANTIATE_TEST_SUITE_P(AllFiles, BrokenFile, ::testing::ValuesIn(broken_files()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = fs::path(p.param).stem().string();
                           n.erase(std::remove(n.begin(), n.end(), '_'), n.end());
                           return n;
                         });

TEST(Validate, ExampleScenariosAreOk) {
  for (const std::string& path : {kToy, kLabour}) {
    const Result r = leadsim({"validate", path});
    EXPECT_EQ(r.code, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, ": ok")) << describe(r);
  }
}

TEST(Validate, MissingFileExitsTwo) {
  const Result r = leadsim({"validate", kBrokenDir + "/does_not_exist.toml"});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "does_not_exist.toml")) << describe(r);
}

TEST(Validate, BadOverrideExitsTwo) {
  const Result r = leadsim({"validate", kToy, "--set", "meetings.chair_bias=2"});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "meetings.chair_bias")) << describe(r);
}

// A keyed path whose id the scenario does not have: exit 2 naming the flag, the path and the ids
// there are, nothing written (it used to make a new entry; with defaults for its keys, silently).
TEST(Validate, OverrideOfAnEntryTheScenarioLacksExitsTwoNamingItsIds) {
  const Result v = leadsim({"validate", kLabour, "--set", "factions.lefty.x=0.1"});
  EXPECT_EQ(v.code, 2) << describe(v);
  EXPECT_TRUE(v.out.empty()) << describe(v);
  EXPECT_EQ(v.err, "--set factions.lefty.x: error: no faction 'lefty' in the scenario (its "
                   "factions: momentum, left, soft_left, moderate); to add one, give it whole: "
                   "factions.lefty={ ... }\n") << describe(v);
  TempDir tmp;
  const fs::path dir = tmp / "out";
  const Result r = leadsim({"run", kToy, "--runs", "2", "--quiet", "--out", dir.string(),
                            "--set", "affiliates.other.share=0"});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "--set affiliates.other.share: error: no affiliate 'other' in the "
                              "scenario (its affiliates: union)")) << describe(r);
  EXPECT_FALSE(fs::exists(dir));
  // A sweep's fixed --set goes through the same loader: refused before any point runs.
  const Result s = leadsim({"sweep", kToy, "--out", dir.string(), "--param",
                            "meetings.attendance=0.05:0.1", "--runs", "1", "--set",
                            "waves.neww.size=10"});
  EXPECT_EQ(s.code, 2) << describe(s);
  EXPECT_TRUE(contains(s.err, "--set waves.neww.size: error: no wave 'neww' in the scenario (its "
                              "waves: old, new, supporters, unions)")) << describe(s);
  EXPECT_FALSE(fs::exists(dir));
  // Given whole, a new entry is added on purpose.
  const Result ok = leadsim({"validate", kToy, "--set", "factions.centrist={ centre = [0.0, 0.5] }"});
  EXPECT_EQ(ok.code, 0) << describe(ok);
  EXPECT_TRUE(contains(ok.out, "3 factions")) << describe(ok);
}

// ---------------------------------------------------------------------------------------------
// Hostile input (issue 15): each exits 2 with a message naming the input, promptly.

TEST(HostileInput, ASixtyKilobyteDeepHeaderExitsTwoNotACrash) {
  TempDir tmp;
  std::string text = "include = \"" + kToy + "\"\n[clps.region_weight";
  for (int i = 0; i < 100000; ++i) text += ".a";
  const std::string path = tmp.write("deep.toml", text + "]\nb = 1\n");
  const Result r = leadsim({"validate", path}, 60);
  EXPECT_EQ(r.code, 2) << describe(r);  // was a stack overflow: 139
  EXPECT_TRUE(contains(r.err, path + ":2:")) << describe(r);
  EXPECT_TRUE(contains(r.err, "nests more than 64 levels deep")) << describe(r);
}

TEST(HostileInput, ASelfIncludingFileGivesOneErrorPerInclude) {
  TempDir tmp;
  const std::string path = tmp.write("self.toml", "include = [\"self.toml\", \"self.toml\", \"self.toml\"]\n");
  const Result r = leadsim({"validate", path}, 60);
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_EQ(lines_of(r.err).size(), 3u) << describe(r);  // was 59,049
  EXPECT_TRUE(contains(r.err, path + ":1:12: error: include cycle")) << describe(r);
}

TEST(HostileInput, FifosAndDevicesWhereAFileIsExpectedExitTwo) {
  TempDir tmp;
  const std::string fifo = (tmp / "pipe").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const fs::path out = tmp / "out";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"validate", fifo}, fifo + ": error: cannot open the scenario: it is a FIFO"},
      {{"run", "/dev/zero", "--runs", "2", "--quiet", "--out", out.string()},
       "/dev/zero: error: cannot open the scenario: it is a device"},
      {{"count", kToy, fifo}, fifo + ": error: cannot open the ballot file: it is a FIFO"},
      {{"count", kToy, "/dev/urandom"}, "cannot open the ballot file: it is a device"},
      {{"sweep", kToy, "--spec", fifo, "--out", out.string()},
       fifo + ": error: cannot open the sweep spec: it is a FIFO"},
      {{"sweep", kToy, "--spec", "/dev/zero", "--out", out.string()},
       "cannot open the sweep spec: it is a device"},
      {{"sensitivity", tmp.path().string()}, "cannot read the sweep's description"},
  };
  for (const auto& [args, message] : cases) {
    const Result r = leadsim(args, 60);
    EXPECT_EQ(r.code, 2) << args[0] << "\n" << describe(r);
    EXPECT_TRUE(contains(r.err, message)) << args[0] << ": expected '" << message << "'\n" << describe(r);
  }
  EXPECT_FALSE(fs::exists(out / "runs.csv"));
}

TEST(HostileInput, NumericFlagsRefuseWrapAroundHexAndSigns) {
  TempDir tmp;
  const std::string out = (tmp / "out").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", kToy, "--seed", "99999999999999999999999", "--out", out},
       "--seed: '99999999999999999999999' is not a decimal whole number in [0, 18446744073709551615]"},
      {{"run", kToy, "--seed", "-1", "--out", out}, "--seed: '-1' is not a decimal whole number"},
      {{"run", kToy, "--runs", "0x10", "--out", out},
       "--runs: '0x10' is not a decimal whole number in [1, 100000000]"},
      {{"run", kToy, "--runs", "-5", "--out", out}, "--runs: '-5' is not a decimal whole number"},
      {{"run", kToy, "--threads", "+2", "--out", out}, "--threads: '+2' is not a decimal whole number"},
      {{"meeting", kToy, "--clp", "CLP 3", "--run", "-1"}, "--run: '-1' is not a decimal whole number"},
      {{"count", kToy, kToy, "--seed", "1e3"}, "--seed: '1e3' is not a decimal whole number"},
      {{"sweep", kToy, "--out", out, "--points", "0x40"}, "--points: '0x40' is not a decimal whole number"},
      {{"sensitivity", out, "--confidence", "nan"}, "--confidence: 'nan' is not a finite decimal number"},
      {{"validate", kToy, "--set", "contest.ballot_date=\"67552-09-01\""},
       "expected a date YYYY-MM-DD (a year from 1000 to 9999), got '67552-09-01'"},
      {{"validate", kToy, "--set", "candidates.left.position=[nan, 0]"},
       "'candidates.left.position[0]' should be a number in [-5, 5]: it must be a finite number"},
  };
  for (const auto& [args, message] : cases) {
    const Result r = leadsim(args, 60);
    EXPECT_EQ(r.code, 2) << args[1] << "\n" << describe(r);
    EXPECT_TRUE(contains(r.err, message)) << "expected '" << message << "'\n" << describe(r);
  }
  EXPECT_FALSE(fs::exists(out));
  // The largest seed is a seed, not an error.
  const Result ok = leadsim({"run", kToy, "--runs", "2", "--seed", "18446744073709551615", "--quiet",
                             "--out", out});
  EXPECT_EQ(ok.code, 0) << describe(ok);
}

TEST(HostileInput, BallotCountsThatWouldOverflowExitTwo) {
  TempDir tmp;
  const std::string ballots = tmp.write(
      "b.csv", "section,count,ranking\nmember,1e308,left>right\nmember,1e308,left>right\n");
  const Result r = leadsim({"count", kToy, ballots}, 60);
  EXPECT_EQ(r.code, 2) << describe(r);  // was exit 0 and "inf -nan%"
  EXPECT_TRUE(contains(r.err, ballots + ":2:2: error: 'count' should be a decimal number of voters "
                                        "in [0, 1e+12], got '1e308'")) << describe(r);
}

// ---------------------------------------------------------------------------------------------
// What the fuzzers found (fuzz/, README "Checking"): each exits 2 with its message.

TEST(FuzzFinding, SetAndParamValuesThatAreNotUtf8ExitTwo) {
  // Was "internal error: Encountered invalid utf-8 sequence" (exit 1): a value that is not TOML
  // is quoted as a string, and toml++ refused the quoted bytes.
  TempDir tmp;
  const std::string out = (tmp / "out").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"validate", kToy, "--set", "contest.name=a\xff b"},
       "--set contest.name: error: the value is not UTF-8 text (byte 2)"},
      {{"validate", kToy, "--set", "contest.name=\"\xc0\xaf\""},
       "--set contest.name: error: the value is not UTF-8 text (byte 2)"},
      {{"validate", kToy, "--set", "contest.name=ab\xe2\x82"},
       "--set contest.name: error: the value is not UTF-8 text (byte 3)"},
      {{"validate", kToy, "--set", "contest.name=\xed\xa0\x80"},  // a surrogate
       "--set contest.name: error: the value is not UTF-8 text (byte 1)"},
      {{"sweep", kToy, "--out", out, "--param", "contest.name=x,\xf5\x80\x80\x80"},
       "--param: error: the value is not UTF-8 text (byte 1)"},
  };
  for (const auto& [args, message] : cases) {
    const Result r = leadsim(args, 60);
    EXPECT_EQ(r.code, 2) << args[3] << "\n" << describe(r);
    EXPECT_TRUE(contains(r.err, message)) << "expected '" << message << "'\n" << describe(r);
  }
  EXPECT_FALSE(fs::exists(out));
  // Unicode that is UTF-8 is text like any other.
  const Result ok = leadsim({"validate", kToy, "--set", "contest.name=Caf\xc3\xa9 \xf0\x9f\x97\xb3"});
  EXPECT_EQ(ok.code, 0) << describe(ok);
}

// ---------------------------------------------------------------------------------------------
// Stop signals: SIGINT, SIGTERM and SIGHUP stop `run` cleanly; a SIGKILL's leftovers are swept.

// Starts `leadsim args...` with stderr in `err`; returns its pid.
pid_t spawn_leadsim(const std::vector<std::string>& args, const fs::path& err) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(e, 2);
    std::vector<char*> argv{const_cast<char*>(kBinary.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Exit code, or minus the signal that ended it (so that dying of SIGTERM, -15, is not taken for
// stopping cleanly on it and exiting with 143).
int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// True once the run into `dir` is under way: its hidden temporary runs.csv exists.
bool wait_for_temporary(const fs::path& dir, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    for (const auto& n : names_in(dir))
      if (n.rfind(".leadsim-", 0) == 0 && contains(n, ".runs.csv.tmp")) return true;
    ::usleep(50'000);
  }
  return false;
}

// A run that would take hours, into a folder holding an earlier run's runs.csv.
std::vector<std::string> long_run(const fs::path& dir) {
  return {"run", kToy, "--runs", "100000000", "--threads", "1", "--quiet", "--out", dir.string()};
}

class StopSignal : public ::testing::TestWithParam<int> {};

TEST_P(StopSignal, StopsARunCleanlyWritingNothing) {
  const int sig = GetParam();
  TempDir tmp;
  const fs::path dir = tmp / "out";
  fs::create_directories(dir);
  std::ofstream(dir / "runs.csv") << "an earlier run\n";
  const pid_t pid = spawn_leadsim(long_run(dir), tmp / "err");
  ASSERT_TRUE(wait_for_temporary(dir, 60)) << read_file(tmp / "err");
  ::kill(pid, sig);
  EXPECT_EQ(wait_exit(pid), 128 + sig) << "exited cleanly with 128 + the signal\n"
                                        << read_file(tmp / "err");
  const std::string name = sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "SIGINT";
  EXPECT_TRUE(contains(read_file(tmp / "err"), "interrupted (" + name + "): no output written"))
      << read_file(tmp / "err");
  EXPECT_EQ(names_in(dir), (std::set<std::string>{"runs.csv"})) << "nothing new, no temporary files";
  EXPECT_EQ(read_file(dir / "runs.csv"), "an earlier run\n");
}

INSTANTIATE_TEST_SUITE_P(Signals, StopSignal, ::testing::Values(SIGTERM, SIGHUP, SIGINT),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return std::string(p.param == SIGTERM  ? "SIGTERM"
                                              : p.param == SIGHUP ? "SIGHUP"
                                                                  : "SIGINT");
                         });

TEST(StopSignalKill, WhatASigkilledRunLeavesIsSweptByTheNextRun) {
  TempDir tmp;
  const fs::path dir = tmp / "out";
  fs::create_directories(dir);
  const pid_t pid = spawn_leadsim(long_run(dir), tmp / "err");
  ASSERT_TRUE(wait_for_temporary(dir, 60)) << read_file(tmp / "err");
  ::kill(pid, SIGKILL);
  EXPECT_EQ(wait_exit(pid), -SIGKILL);
  EXPECT_FALSE(names_in(dir).empty()) << "a SIGKILL leaves its temporary files";
  const Result r = leadsim({"run", kToy, "--runs", "5", "--quiet", "--out", dir.string()}, 120);
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(names_in(dir), (std::set<std::string>{"clps.csv", "runs.csv", "summary.json"}));
}

TEST(RunOutput, AFolderInTheWayOfAnOutputExitsTwoBeforeRunningAndChangesNothing) {
  TempDir tmp;
  const fs::path dir = tmp / "out";
  fs::create_directories(dir / "clps.csv" / "keep");
  std::ofstream(dir / "runs.csv") << "an earlier run\n";
  const Result r = leadsim({"run", kToy, "--runs", "5", "--quiet", "--out", dir.string()}, 120);
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, (dir / "clps.csv").string() + ": error: a folder is in the way of the "
                                                            "output file 'clps.csv'")) << describe(r);
  EXPECT_EQ(read_file(dir / "runs.csv"), "an earlier run\n");
  EXPECT_EQ(names_in(dir), (std::set<std::string>{"clps.csv", "runs.csv"}));
}

// ---------------------------------------------------------------------------------------------
// Output folders that cannot be written.

TEST(RunOutput, FolderUnderARegularFileExitsTwo) {
  TempDir tmp;
  std::ofstream(tmp / "plain") << "not a folder\n";
  const fs::path dir = tmp / "plain" / "results";
  const Result r = leadsim({"run", kToy, "--runs", "5", "--quiet", "--out", dir.string()});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, dir.string())) << describe(r);
  EXPECT_TRUE(contains(r.err, "cannot write")) << describe(r);
}

TEST(RunOutput, OutPathThatIsARegularFileExitsTwoAndKeepsTheFile) {
  TempDir tmp;
  std::ofstream(tmp / "plain") << "not a folder\n";
  const Result r = leadsim({"run", kToy, "--runs", "5", "--quiet", "--out", (tmp / "plain").string()});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_FALSE(r.err.empty()) << describe(r);
  EXPECT_EQ(read_file(tmp / "plain"), "not a folder\n");
}

// ---------------------------------------------------------------------------------------------
// A real run of the toy scenario (50 runs), done once per configuration for the tests below.

class ToyRun : public ::testing::Test {
 protected:
  static constexpr int kRuns = 50;

  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>();
    seed1_threads1_ = run_toy("seed1-t1", "1", "1");
    seed1_threads2_ = run_toy("seed1-t2", "1", "2");
    seed2_threads1_ = run_toy("seed2-t1", "2", "1");
  }
  static void TearDownTestSuite() { tmp_.reset(); }

  static Result run_toy(const std::string& name, const std::string& seed,
                        const std::string& threads) {
    return leadsim({"run", kToy, "--runs", std::to_string(kRuns), "--seed", seed, "--threads",
                    threads, "--quiet", "--out", dir(name).string()});
  }
  static fs::path dir(const std::string& name) { return *tmp_ / name; }

  static std::unique_ptr<TempDir> tmp_;
  static Result seed1_threads1_, seed1_threads2_, seed2_threads1_;
};

std::unique_ptr<TempDir> ToyRun::tmp_;
Result ToyRun::seed1_threads1_, ToyRun::seed1_threads2_, ToyRun::seed2_threads1_;

TEST_F(ToyRun, ExitsZeroAndWritesTheThreeFiles) {
  for (const Result* r : {&seed1_threads1_, &seed1_threads2_, &seed2_threads1_})
    EXPECT_EQ(r->code, 0) << describe(*r);
  for (const char* f : {"summary.json", "runs.csv", "clps.csv"})
    EXPECT_TRUE(fs::is_regular_file(dir("seed1-t1") / f)) << f;
  EXPECT_TRUE(contains(seed1_threads1_.out, "Who wins")) << describe(seed1_threads1_);
}

// Files are written under temporary names and renamed: none may be left behind.
TEST_F(ToyRun, LeavesNoTemporaryFiles) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir("seed1-t1")))
    names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"clps.csv", "runs.csv", "summary.json"}));
}

TEST_F(ToyRun, SummaryJsonHasManifestAndResults) {
  const std::string json = read_file(dir("seed1-t1") / "summary.json");
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.substr(json.size() - 2), "}\n");
  for (const char* key : {"\"manifest\"", "\"scenario_sha256\"", "\"win_probability\"",
                          "\"agents\": 24000", "\"runs\": 50", "\"seed\": 1",
                          "\"meetings.chair_bias\""})
    EXPECT_TRUE(contains(json, key)) << key;
  // The hash is of the scenario file's bytes, so a reader can tell which file made the numbers.
  EXPECT_TRUE(contains(json, "\"scenario_sha256\": \"" + leadsim::sha256_hex(read_file(kToy)) + "\""));
}

TEST_F(ToyRun, RunsCsvHasHeaderAndOneRowPerRun) {
  const std::vector<std::string> lines = lines_of(read_file(dir("seed1-t1") / "runs.csv"));
  ASSERT_EQ(lines.size(), std::size_t(kRuns) + 1);
  const std::vector<std::string> header = fields_of(lines[0]);
  for (const char* col : {"run", "winner", "share_left", "first_left_member", "nominations_left",
                          "meeting_votes_left", "share_right"})
    EXPECT_LT(column(header, col), header.size()) << "no column " << col << " in " << lines[0];
  const std::size_t run_col = column(header, "run"), winner_col = column(header, "winner");
  ASSERT_LT(run_col, header.size());
  ASSERT_LT(winner_col, header.size());
  std::set<std::string> runs;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = fields_of(lines[i]);
    ASSERT_EQ(f.size(), header.size()) << "row " << i << ": " << lines[i];
    runs.insert(f[run_col]);
    EXPECT_TRUE(f[winner_col] == "left" || f[winner_col] == "right" || f[winner_col] == "none")
        << lines[i];
  }
  std::set<std::string> expected;
  for (int i = 0; i < kRuns; ++i) expected.insert(std::to_string(i));
  EXPECT_EQ(runs, expected);  // every run index once
}

TEST_F(ToyRun, ClpsCsvHasOneRowPerClp) {
  const std::vector<std::string> lines = lines_of(read_file(dir("seed1-t1") / "clps.csv"));
  ASSERT_EQ(lines.size(), 21u);
  const std::vector<std::string> header = fields_of(lines[0]);
  for (const char* col : {"clp", "p_nominate_left", "p_nominate_right", "p_no_nomination",
                          "mean_attendance", "mean_eligible", "lean_mean", "lean_lo", "lean_hi",
                          "activity_mean"})
    ASSERT_LT(column(header, col), header.size()) << "no column " << col << " in " << lines[0];
  std::set<std::string> clps;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = fields_of(lines[i]);
    ASSERT_EQ(f.size(), header.size()) << lines[i];
    clps.insert(f[column(header, "clp")]);
    // Each CLP nominates one candidate or nobody: the three probabilities sum to 1.
    const double sum = std::stod(f[column(header, "p_nominate_left")]) +
                       std::stod(f[column(header, "p_nominate_right")]) +
                       std::stod(f[column(header, "p_no_nomination")]);
    EXPECT_NEAR(sum, 1.0, 1e-3) << lines[i];
  }
  std::set<std::string> expected;
  for (int i = 1; i <= 20; ++i) expected.insert("CLP " + std::to_string(i));
  EXPECT_EQ(clps, expected);
}

TEST_F(ToyRun, SameSeedIsByteIdenticalAcrossThreadCounts) {
  for (const char* f : {"runs.csv", "summary.json", "clps.csv"}) {
    const std::string one = read_file(dir("seed1-t1") / f), two = read_file(dir("seed1-t2") / f);
    EXPECT_FALSE(one.empty()) << f;
    EXPECT_TRUE(one == two) << f << " differs between --threads 1 and --threads 2";
  }
}

TEST_F(ToyRun, DifferentSeedGivesDifferentRuns) {
  const std::string a = read_file(dir("seed1-t1") / "runs.csv");
  const std::string b = read_file(dir("seed2-t1") / "runs.csv");
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(lines_of(a)[0], lines_of(b)[0]);  // same header
  EXPECT_NE(a, b);
}

// ---------------------------------------------------------------------------------------------
// count: ballots from a file (tests/data/), counted under a rulebook.

namespace test = leadsim::test;
using leadsim::test::data;

// Runs a shell command; returns its exit code and what it printed (stdout and stderr).
std::pair<int, std::string> run_command(const std::string& cmd) {
  test::TempDir dir;
  const std::string out = (dir / "out.txt").string();
  const int status = std::system((cmd + " > " + out + " 2>&1").c_str());
  return {WEXITSTATUS(status), test::read_file(out)};
}

TEST(CountCommand, PrintsTheRoundsAndJsonAndRejectsBadInput) {
  const std::string bin = LEADSIM_BINARY;
  const auto [code, table] = run_command(bin + " count " + data("labour-2010-rules.toml") + " " +
                                         data("labour-2010-ballots.csv"));
  EXPECT_EQ(code, 0);
  EXPECT_NE(table.find("Winner: Ed Miliband after 4 rounds"), std::string::npos) << table;
  EXPECT_NE(table.find("50.65%"), std::string::npos) << table;
  const auto [jcode, json] = run_command(bin + " count --json " + data("labour-2015-rules.toml") +
                                         " " + data("labour-2015-first-round.csv"));
  EXPECT_EQ(jcode, 0);
  EXPECT_NE(json.find("\"winner\": \"corbyn\""), std::string::npos) << json;
  test::TempDir dir;
  const std::string bad = dir.write("bad.csv", "ranking\nnobody\n");
  const auto [ecode, err] = run_command(bin + " count " + data("labour-2015-rules.toml") + " " + bad);
  EXPECT_EQ(ecode, 2);
  EXPECT_NE(err.find("bad.csv:2:1: error: unknown candidate 'nobody'"), std::string::npos) << err;
}

// ---------------------------------------------------------------------------------------------
// meeting and keys.

TEST(Meeting, ToldForAToyClp) {
  const Result r = leadsim({"meeting", kToy, "--clp", "CLP 3"});
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "CLP 3")) << describe(r);
  const bool met = contains(r.out, "attended") && contains(r.out, "The vote");
  const bool did_not_meet = contains(r.out, "did not hold a nomination meeting");
  EXPECT_TRUE(met || did_not_meet) << describe(r);
}

TEST(Meeting, AttendanceTableColumnsAreApartAndAligned) {
  // Long faction names ran together in the heading ("Momentum left Corbyn-supporting left").
  const std::vector<std::string> names = {"--set", "factions.radical.name=Corbyn-supporting left",
                                          "--set", "factions.moderate.name=Momentum left"};
  std::string table;
  for (int clp = 1; clp <= 20 && table.empty(); ++clp) {
    std::vector<std::string> args = {"meeting", kToy, "--clp", "CLP " + std::to_string(clp)};
    args.insert(args.end(), names.begin(), names.end());
    const Result r = leadsim(args);
    ASSERT_EQ(r.code, 0) << describe(r);
    const size_t at = r.out.find("Who attended");
    if (at != std::string::npos) table = r.out.substr(at, r.out.find("\n\n", at) - at);
  }
  ASSERT_FALSE(table.empty()) << "no toy CLP met in run 0";
  const std::vector<std::string> lines = lines_of(table);
  ASSERT_GE(lines.size(), 3u) << table;
  const std::string& head = lines[1];
  const size_t a_end = head.find("Corbyn-supporting left") + 22, b = head.find("Momentum left");
  ASSERT_NE(b, std::string::npos) << table;
  EXPECT_GE(b - a_end, 3u) << "at least three spaces between headings\n" << table;
  // Each row's cells end where their heading ends.
  for (size_t i = 2; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].size(), head.size()) << table;
    EXPECT_EQ(lines[i].find_last_not_of(' ', a_end - 1), a_end - 1) << lines[i] << "\n" << table;
  }
}

TEST(Meeting, UnknownClpExitsTwo) {
  const Result r = leadsim({"meeting", kToy, "--clp", "CLP 99"});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "no CLP named 'CLP 99'")) << describe(r);
}

TEST(Keys, ListsChairBiasWithItsMeaning) {
  const Result r = leadsim({"keys"});
  EXPECT_EQ(r.code, 0) << describe(r);
  bool found = false;
  for (const auto& line : lines_of(r.out))
    if (line.rfind("meetings.chair_bias\t", 0) == 0) {
      found = true;
      EXPECT_TRUE(contains(line, "chair")) << line;
    }
  EXPECT_TRUE(found) << describe(r);
}

}  // namespace
