// `leadsim sweep` as a program: killed with SIGKILL at several moments and resumed to the same
// bytes, shards merged to the same bytes, MPI ranks (2) to the same bytes and a rank that dies,
// a point reproduced by `leadsim run`, and bad input (exit 2, file:line, nothing written); stopped
// by SIGTERM and SIGHUP; the example specs in scenarios/sweeps/ run.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "child_process.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/sweep.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kToy = std::string(LEADSIM_SOURCE_DIR) + "/scenarios/toy.toml";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Dir {
  fs::path path;
  explicit Dir(const std::string& name)
      : path(fs::temp_directory_path() / fmt::format("leadsim-test-sweep-cli-{}-{}", name, ::getpid())) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

using leadsim::test::Result;
using leadsim::test::run;
using leadsim::test::spawn;
using leadsim::test::wait_for;

std::vector<std::string> sweep_args(const fs::path& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> a = {LEADSIM_BINARY, "sweep", kToy, "--out", dir.string(), "--quiet",
                                "--param", "meetings.attendance=0.02:0.1", "--param",
                                "eligibility.freeze_ruling=upheld,overturned", "--param",
                                "waves.new.size=4000:9000", "--design", "latin", "--points", "24",
                                "--runs", "25"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

void expect_same_files(const fs::path& a, const fs::path& b) {
  for (const char* name : {"points.csv", "runs.csv", "sweep.json"}) {
    ASSERT_TRUE(fs::exists(b / name)) << (b / name);
    EXPECT_TRUE(read(a / name) == read(b / name)) << name << " differs between " << a << " and " << b;
  }
}

std::uintmax_t size_or_zero(const fs::path& p) {
  std::error_code ec;
  const auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

TEST(SweepCommand, KilledAtSeveralMomentsAndResumedGivesTheSameBytes) {
  Dir d("kill");
  const fs::path ref = d.path / "ref", dir = d.path / "killed";
  ASSERT_EQ(run(sweep_args(ref), d.path).code, 0);
  // Kill -9 immediately (before the folder exists, or while it is created), then each time the
  // runs file has grown a little: mid-point, mid-write, between points; resume in between.
  int kills = 0;
  std::uintmax_t last = 0;
  for (int grow : {0, 1, 6000, 15000, 25000}) {
    const pid_t pid = spawn(sweep_args(dir, {"--resume"}), d.path / "o.txt", d.path / "e.txt");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    bool exited = false;
    while (grow > 0 && size_or_zero(dir / "runs.csv.partial") < last + std::uintmax_t(grow)) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (exited) break;
    ::kill(pid, SIGKILL);
    EXPECT_EQ(wait_for(pid), 128 + SIGKILL);
    ++kills;
    last = size_or_zero(dir / "runs.csv.partial");
  }
  EXPECT_GE(kills, 4);
  EXPECT_FALSE(fs::exists(dir / "points.csv")) << "the sweep finished before being killed: make it longer";
  const Result r = run(sweep_args(dir, {"--resume"}), d.path);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("resuming:"), std::string::npos) << r.err;
  expect_same_files(ref, dir);
  EXPECT_FALSE(fs::exists(dir / "sweep.journal"));
  EXPECT_FALSE(fs::exists(dir / "runs.csv.partial"));
  // Resuming a finished sweep does nothing.
  const Result again = run(sweep_args(dir, {"--resume"}), d.path);
  EXPECT_EQ(again.code, 0);
  EXPECT_NE(again.out.find("already complete"), std::string::npos);
}

TEST(SweepCommand, SigtermAndSighupStopItSavingWhatIsFinished) {
  for (int sig : {SIGTERM, SIGHUP}) {
    Dir d(sig == SIGTERM ? "sigterm" : "sighup");
    const fs::path dir = d.path / "sweep";
    // Long enough to be under way when the signal comes (24 points of 5000 runs).
    std::vector<std::string> args = sweep_args(dir);
    args.back() = "5000";
    const pid_t pid = spawn(args, d.path / "o.txt", d.path / "e.txt");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (size_or_zero(dir / "runs.csv.partial") == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_GT(size_or_zero(dir / "runs.csv.partial"), 0u) << read(d.path / "e.txt");
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "it died of the signal instead of stopping";
    EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
    const std::string err = read(d.path / "e.txt");
    EXPECT_NE(err.find(sig == SIGTERM ? "interrupted (SIGTERM)" : "interrupted (SIGHUP)"),
              std::string::npos) << err;
    EXPECT_NE(err.find("--resume to continue"), std::string::npos) << err;
    // What a resumable sweep keeps, and nothing else: no finished files, no stray temporaries.
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    for (const auto& n : names)
      EXPECT_TRUE(n == "points.csv.partial" || n == "runs.csv.partial" || n == "sweep.json.partial" ||
                  n == "sweep.journal") << n;
  }
}

TEST(SweepCommand, TheShippedExampleSpecsAreValidAndRun) {
  // Each example: its design size as its comments say, checked against the scenario its
  // comments name, then run tiny (2 runs, 2 base points, 2 levels) on the toy.
  const std::map<std::string, size_t> points = {
      {"attendance.toml", 9}, {"freeze-by-attendance.toml", 10}, {"meetings-sobol.toml", 448}};
  const std::string dir = std::string(LEADSIM_SOURCE_DIR) + "/scenarios/sweeps";
  const leadsim::Scenario labour =
      leadsim::load_scenario(std::string(LEADSIM_SOURCE_DIR) + "/scenarios/labour-2016.toml");
  std::set<std::string> seen;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    seen.insert(name);
    ASSERT_TRUE(points.count(name)) << name << ": a new example needs its expectation here";
    leadsim::SweepSpec spec = leadsim::load_sweep_spec(e.path().string());
    leadsim::check_sweep_spec(spec, labour);
    EXPECT_EQ(leadsim::design_points(spec).size(), points.at(name)) << name;
    Dir d("example-" + e.path().stem().string());
    const fs::path out = d.path / "out";
    const Result r = run({LEADSIM_BINARY, "sweep", kToy, "--spec", e.path().string(), "--runs", "2",
                          "--points", "2", "--levels", "2", "--quiet", "--out", out.string()},
                         d.path);
    ASSERT_EQ(r.code, 0) << name << "\n" << r.err;
    const std::string table = read(out / "points.csv");
    EXPECT_GT(std::count(table.begin(), table.end(), '\n'), 2) << name;
  }
  EXPECT_EQ(seen.size(), points.size());
}

TEST(SweepCommand, OneAndTwoThreadsAndShardsMergedGiveTheSameBytes) {
  Dir d("shards");
  const fs::path one = d.path / "one", two = d.path / "two";
  ASSERT_EQ(run(sweep_args(one, {"--threads", "1"}), d.path).code, 0);
  ASSERT_EQ(run(sweep_args(two, {"--threads", "2"}), d.path).code, 0);
  expect_same_files(one, two);
  for (int i = 1; i <= 3; ++i)
    ASSERT_EQ(run(sweep_args(d.path / fmt::format("s{}", i), {"--shard", fmt::format("{}/3", i)}), d.path).code, 0);
  const Result m = run({LEADSIM_BINARY, "sweep", "--merge", (d.path / "s2").string(), (d.path / "s3").string(),
                        (d.path / "s1").string(), "--out", (d.path / "merged").string()},
                       d.path);
  ASSERT_EQ(m.code, 0) << m.err;
  expect_same_files(one, d.path / "merged");
  const Result missing = run({LEADSIM_BINARY, "sweep", "--merge", (d.path / "s2").string(), "--out",
                              (d.path / "bad").string()},
                             d.path);
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("shard 1/3 is missing"), std::string::npos) << missing.err;
}

TEST(SweepCommand, APointIsReproducedByLeadsimRun) {
  Dir d("rerun");
  const fs::path dir = d.path / "sweep";
  ASSERT_EQ(run({LEADSIM_BINARY, "sweep", kToy, "--out", dir.string(), "-q", "--param",
                 "meetings.speakers=2,6", "--param", "waves.new.size=5000,7000", "--design", "grid",
                 "--runs", "12", "--seed", "9"},
                d.path)
                .code,
            0);
  // Point 2: speakers 6, new wave 5000. Its rows, without the point and parameter columns.
  std::istringstream rows(read(dir / "runs.csv"));
  std::string line, header, expected;
  std::getline(rows, header);
  const std::string prefix = "point,meetings.speakers,waves.new.size,";
  ASSERT_EQ(header.rfind(prefix, 0), 0u);
  expected = header.substr(prefix.size()) + "\n";
  while (std::getline(rows, line))
    if (line.rfind("2,6,5000,", 0) == 0) expected += line.substr(std::string("2,6,5000,").size()) + "\n";
  const fs::path alone = d.path / "alone";
  const Result r = run({LEADSIM_BINARY, "run", kToy, "--seed", "9", "--runs", "12", "--set", "meetings.speakers=6",
                        "--set", "waves.new.size=5000", "--out", alone.string(), "-q"},
                       d.path);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read(alone / "runs.csv"), expected);
}

TEST(SweepCommand, BadInputExitsTwoWithPlacesAndWritesNothing) {
  Dir d("bad");
  const fs::path out = d.path / "out";
  auto expect_refused = [&](std::vector<std::string> args, const std::string& message) {
    const Result r = run(args, d.path);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << "wanted: " << message << "\ngot: " << r.err;
    EXPECT_FALSE(fs::exists(out)) << "something was written";
  };
  const std::string o = out.string();
  expect_refused({LEADSIM_BINARY, "sweep", kToy, "--out", o, "--param", "meetings.atendance=0:0.1", "--points", "4"},
                 "--param meetings.atendance: error: unknown parameter 'meetings.atendance' (did you mean "
                 "'meetings.attendance'?)");
  expect_refused({LEADSIM_BINARY, "sweep", kToy, "--out", o, "--param", "meetings.chair_bias=0:2", "--points", "4"},
                 "'meetings.chair_bias' = 2 is outside what the scenario accepts");
  expect_refused({LEADSIM_BINARY, "sweep", kToy, "--out", o, "--param", "meetings.meet=0:1:500", "--param",
                  "meetings.attendance=0:1:500", "--design", "grid"},
                 "the design has 250000 points, more than the cap of 100000");
  expect_refused({LEADSIM_BINARY, "sweep", kToy, "--out", o, "--param", "meetings.meet=0:1", "--points", "4",
                  "--runs", "0"},
                 "runs per point should be at least 1");
  expect_refused({LEADSIM_BINARY, "sweep", kToy, "--out", o, "--param", "meetings.meet=0:1", "--points", "4",
                  "--shard", "3/2"},
                 "should be i/n");
  expect_refused({LEADSIM_BINARY, "sweep", kToy, "--out", o, "--param", "meetings.meet=0:1", "--points", "4",
                  "--adaptive", "win:rihgt:0.1"},
                 "unknown candidate 'rihgt' (did you mean 'right'?)");
  const fs::path spec = d.path / "spec.toml";
  std::ofstream(spec) << "[sweep]\npoints = 4\n[sweep.parameters]\n\"meetings.attendance\" = { min = 0.5, max = 2 }\n";
  expect_refused({LEADSIM_BINARY, "sweep", kToy, "--out", o, "--spec", spec.string()},
                 spec.string() + ":4:25: error: 'meetings.attendance' = 2 is outside");

  // An unfinished sweep is neither overwritten nor resumed as another sweep.
  const pid_t pid = spawn(sweep_args(out), d.path / "o.txt", d.path / "e.txt");
  while (size_or_zero(out / "runs.csv.partial") < 3000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ::kill(pid, SIGKILL);
  wait_for(pid);
  Result r = run(sweep_args(out), d.path);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unfinished sweep: add --resume"), std::string::npos) << r.err;
  r = run(sweep_args(out, {"--resume", "--seed", "2"}), d.path);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot resume: the folder holds a different sweep: the sweep spec differs"), std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(out / "sweep.journal"));  // still resumable
}

#ifdef LEADSIM_HAVE_MPI
std::vector<std::string> mpirun(int ranks) {
  std::vector<std::string> a = {LEADSIM_MPIEXEC, "--oversubscribe", "-np", std::to_string(ranks)};
  if (::geteuid() == 0) a.push_back("--allow-run-as-root");
  return a;
}
std::vector<std::string> mpi_env() {
  return {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1", "OMPI_MCA_rmaps_base_oversubscribe=1"};
}

// The pid of rank `rank` of the job whose environment carries `mark`.
pid_t find_rank(const std::string& mark, int rank) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string env = read(e.path() / "environ");
    if (env.find(mark) == std::string::npos) continue;
    if (env.find(fmt::format("OMPI_COMM_WORLD_RANK={}", rank) + '\0') == std::string::npos) continue;
    return pid_t(std::stoi(e.path().filename().string()));
  }
  return 0;
}
#endif

TEST(SweepCommand, TwoMpiRanksGiveTheSingleProcessBytes) {
#ifndef LEADSIM_HAVE_MPI
  GTEST_SKIP() << "built without MPI";
#else
  Dir d("mpi");
  const fs::path ref = d.path / "ref", dir = d.path / "mpi";
  ASSERT_EQ(run(sweep_args(ref), d.path).code, 0);
  std::vector<std::string> args = mpirun(2);
  for (const auto& a : sweep_args(dir)) args.push_back(a);
  const Result r = run(args, d.path, mpi_env());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 MPI ranks"), std::string::npos) << r.out;
  expect_same_files(ref, dir);
#endif
}

TEST(SweepCommand, AnMpiRankThatDiesStopsTheSweepResumably) {
#ifndef LEADSIM_HAVE_MPI
  GTEST_SKIP() << "built without MPI";
#else
  Dir d("mpi-death");
  const fs::path ref = d.path / "ref", dir = d.path / "mpi";
  ASSERT_EQ(run(sweep_args(ref), d.path).code, 0);
  std::vector<std::string> args = mpirun(2);
  for (const auto& a : sweep_args(dir)) args.push_back(a);
  const std::string mark = fmt::format("LEADSIM_TEST_MARK={}", ::getpid());
  std::vector<std::string> env = mpi_env();
  env.push_back(mark);
  const pid_t job = spawn(args, d.path / "o.txt", d.path / "e.txt", env);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline && size_or_zero(dir / "runs.csv.partial") < 8000)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const pid_t victim = find_rank(mark, 1);
  ASSERT_NE(victim, 0) << "rank 1 not found";
  ::kill(victim, SIGKILL);
  const int code = wait_for(job);
  EXPECT_NE(code, 0);
  EXPECT_FALSE(fs::exists(dir / "points.csv")) << "the sweep finished before the rank died";
  EXPECT_TRUE(fs::exists(dir / "sweep.journal"));
  const std::string err = read(d.path / "e.txt");
  EXPECT_TRUE(err.find("rank 1") != std::string::npos || err.find("--resume") != std::string::npos) << err;
  // Resume on 2 ranks again: the same bytes as the uninterrupted single process.
  std::vector<std::string> again = mpirun(2);
  for (const auto& x : sweep_args(dir, {"--resume"})) again.push_back(x);
  const Result r = run(again, d.path, mpi_env());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  expect_same_files(ref, dir);
#endif
}

// `leadsim calibrate` under mpirun: rank 0 runs the ABC, every batch of candidates is shared out
// over the ranks; the folder is the single process's, byte for byte (calibration.json apart from
// its timings), and bad input is reported once, exit 2, on every rank.
TEST(CalibrateCommand, ThreeMpiRanksGiveTheSingleProcessBytes) {
#ifndef LEADSIM_HAVE_MPI
  GTEST_SKIP() << "built without MPI";
#else
  Dir d("calibrate-mpi");
  const fs::path spec = d.path / "spec.toml", ref = d.path / "ref", dir = d.path / "mpi";
  std::ofstream(spec) << R"([calibration]
particles = 12
runs = 3
generations = 3
seed = 5
[calibration.parameters]
"factions.radical.mobilisation" = { prior = "log_uniform", min = 0.5, max = 6 }
"meetings.meet" = { prior = "uniform", min = 0.4, max = 0.95 }
[calibration.targets]
nominations_left = { observed = 10, scale = 1 }
nominations_right = { observed = 4, scale = 1 }
)";
  auto args = [&](const fs::path& out) {
    return std::vector<std::string>{LEADSIM_BINARY, "calibrate", kToy, "--spec", spec.string(), "--out", out.string(), "-q"};
  };
  ASSERT_EQ(run(args(ref), d.path).code, 0);
  std::vector<std::string> mpi = mpirun(3);
  for (const auto& a : args(dir)) mpi.push_back(a);
  const Result r = run(mpi, d.path, mpi_env());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (const char* name : {"posterior.csv", "particles.csv", "checks.csv", "calibrated.toml"}) {
    ASSERT_TRUE(fs::exists(dir / name)) << name;
    EXPECT_TRUE(read(ref / name) == read(dir / name)) << name << " differs under MPI";
  }
  // calibration.json: the same but for the lines that time the work.
  auto untimed = [&](const fs::path& p) {
    std::istringstream in(read(p));
    std::string line, out;
    while (std::getline(in, line))
      if (line.find("seconds") == std::string::npos && line.find("per_second") == std::string::npos &&
          line.find("machinery_share") == std::string::npos)
        out += line + "\n";
    return out;
  };
  EXPECT_EQ(untimed(ref / "calibration.json"), untimed(dir / "calibration.json"));
  // Bad input: one report, exit 2, nothing written.
  std::ofstream(spec, std::ios::app) << "bogus = 1\n";
  const fs::path bad = d.path / "bad";
  std::vector<std::string> again = mpirun(2);
  for (const auto& a : args(bad)) again.push_back(a);
  const Result e = run(again, d.path, mpi_env());
  EXPECT_EQ(e.code, 2) << e.out << e.err;
  EXPECT_FALSE(fs::exists(bad));
#endif
}

}  // namespace
