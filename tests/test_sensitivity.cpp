// Sobol indices (sensitivity.hpp): the estimators against analytic values (the Ishigami function
// and a linear additive model), the bootstrap intervals' coverage and determinism, reading a
// Saltelli sweep's points.csv (complete and incomplete samples, bad input located by file and
// line), and the `leadsim sensitivity` command end to end on a hand-made sweep folder.
//
// The Saltelli layout here matches the one `leadsim sweep` writes: AB_i is A with column i taken
// from B.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <numbers>
#include <sstream>

#include "leadsim/random.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/sensitivity.hpp"
#include "support.hpp"

namespace {

using leadsim::SobolIndices;
using leadsim::test::read_file;
using leadsim::test::TempDir;

constexpr double kPi = std::numbers::pi;

double ishigami(const double* x) {
  // a = 7, b = 0.1: Var = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.8446.
  return std::sin(x[0]) + 7 * std::sin(x[1]) * std::sin(x[1]) +
         0.1 * std::pow(x[2], 4) * std::sin(x[0]);
}
// Analytic indices of the Ishigami function with a = 7, b = 0.1 (inputs uniform on [-pi, pi]).
constexpr double kIshigamiS1[] = {0.3139, 0.4424, 0.0};
constexpr double kIshigamiST[] = {0.5576, 0.4424, 0.2437};

double linear(const double* x) { return 1 * x[0] + 2 * x[1] + 3 * x[2]; }
// Y = x1 + 2 x2 + 3 x3 with independent standard-uniform inputs: Var = (1 + 4 + 9)/12, each
// index (first = total, no interactions) = c_i^2 / 14.
constexpr double kLinearS[] = {1.0 / 14, 4.0 / 14, 9.0 / 14};

// A Saltelli sample of N base rows for a function of 3 inputs uniform on [lo, hi], evaluated.
struct Saltelli {
  Eigen::MatrixXd a, b;  // N x k inputs
  Eigen::VectorXd f_a, f_b;
  Eigen::MatrixXd f_ab;  // N x k
};
template <class F>
Saltelli saltelli(F f, int n, double lo, double hi, std::uint64_t seed) {
  const int k = 3;
  leadsim::Stream rng(seed);
  boost::random::uniform_real_distribution<double> u(lo, hi);
  Saltelli s;
  s.a.resize(n, k);
  s.b.resize(n, k);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < k; ++i) {
      s.a(j, i) = u(rng);
      s.b(j, i) = u(rng);
    }
  s.f_a.resize(n);
  s.f_b.resize(n);
  s.f_ab.resize(n, k);
  for (int j = 0; j < n; ++j) {
    double xa[3], xb[3];
    for (int i = 0; i < k; ++i) {
      xa[i] = s.a(j, i);
      xb[i] = s.b(j, i);
    }
    s.f_a[j] = f(xa);
    s.f_b[j] = f(xb);
    for (int i = 0; i < k; ++i) {
      double x[3] = {xa[0], xa[1], xa[2]};
      x[i] = xb[i];
      s.f_ab(j, i) = f(x);
    }
  }
  return s;
}

// The bootstrap's standard error of an index, from its 95% interval's half width.
double boot_se(const leadsim::SobolEstimate& e) { return (e.hi - e.lo) / (2 * 1.96); }

TEST(Sobol, IshigamiMatchesAnalyticIndices) {
  const Saltelli s = saltelli(ishigami, 20000, -kPi, kPi, 11);
  const SobolIndices r = leadsim::sobol_indices(s.f_a, s.f_b, s.f_ab, {.bootstrap = 300});
  EXPECT_NEAR(r.variance, 13.8446, 0.4);
  for (int i = 0; i < 3; ++i) {
    const auto& s1 = r.first[size_t(i)];
    const auto& st = r.total[size_t(i)];
    // Within 4 bootstrap standard errors of the truth, and the errors are small enough for the
    // check to mean something (N = 20000 gives standard errors of about 0.01).
    EXPECT_LT(boot_se(s1), 0.03) << i;
    EXPECT_LT(boot_se(st), 0.03) << i;
    EXPECT_NEAR(s1.value, kIshigamiS1[i], 4 * boot_se(s1)) << "S1 of x" << i + 1;
    EXPECT_NEAR(st.value, kIshigamiST[i], 4 * boot_se(st)) << "ST of x" << i + 1;
    EXPECT_LE(s1.lo, s1.value);
    EXPECT_GE(s1.hi, s1.value);
    EXPECT_LE(st.lo, st.value);
    EXPECT_GE(st.hi, st.value);
  }
  // Interactions: x1 and x3 act together (b x3^4 sin x1), x2 alone.
  EXPECT_GT(r.total[0].value - r.first[0].value, 0.15);
  EXPECT_LT(std::abs(r.total[1].value - r.first[1].value), 0.05);
}

TEST(Sobol, LinearAdditiveModelHasEqualFirstAndTotalIndices) {
  const Saltelli s = saltelli(linear, 5000, 0, 1, 5);
  const SobolIndices r = leadsim::sobol_indices(s.f_a, s.f_b, s.f_ab, {.bootstrap = 300});
  EXPECT_NEAR(r.variance, 14.0 / 12, 0.06);
  double sum_s1 = 0;
  for (int i = 0; i < 3; ++i) {
    const auto& s1 = r.first[size_t(i)];
    const auto& st = r.total[size_t(i)];
    EXPECT_NEAR(s1.value, kLinearS[i], 4 * boot_se(s1)) << i;
    EXPECT_NEAR(st.value, kLinearS[i], 4 * boot_se(st)) << i;
    sum_s1 += s1.value;
  }
  EXPECT_NEAR(sum_s1, 1.0, 0.06);  // an additive model: the first-order indices sum to 1
}

// Over many independent Ishigami samples, the 95% intervals should contain the truth about 95%
// of the time. With 60 replicates x 6 indices, a coverage below 85% would be a broken interval
// (percentile bootstrap intervals run a little narrow at small N, so not far above 95% either).
TEST(Sobol, IntervalsCoverTheTruth) {
  int covered = 0, total = 0;
  for (std::uint64_t rep = 0; rep < 60; ++rep) {
    const Saltelli s = saltelli(ishigami, 500, -kPi, kPi, 1000 + rep);
    const SobolIndices r =
        leadsim::sobol_indices(s.f_a, s.f_b, s.f_ab, {.bootstrap = 200, .seed = rep});
    for (int i = 0; i < 3; ++i) {
      covered += r.first[size_t(i)].lo <= kIshigamiS1[i] && kIshigamiS1[i] <= r.first[size_t(i)].hi;
      covered += r.total[size_t(i)].lo <= kIshigamiST[i] && kIshigamiST[i] <= r.total[size_t(i)].hi;
      total += 2;
    }
  }
  const double coverage = double(covered) / total;
  EXPECT_GT(coverage, 0.85);
  EXPECT_LE(coverage, 1.0);
}

TEST(Sobol, IntervalsNarrowWithMoreSamples) {
  const Saltelli small = saltelli(ishigami, 500, -kPi, kPi, 3);
  const Saltelli large = saltelli(ishigami, 8000, -kPi, kPi, 3);
  const auto rs = leadsim::sobol_indices(small.f_a, small.f_b, small.f_ab, {.bootstrap = 200});
  const auto rl = leadsim::sobol_indices(large.f_a, large.f_b, large.f_ab, {.bootstrap = 200});
  // 16 times the samples: about a quarter of the width.
  for (size_t i = 0; i < 3; ++i)
    EXPECT_LT(rl.total[i].hi - rl.total[i].lo, 0.5 * (rs.total[i].hi - rs.total[i].lo)) << i;
}

TEST(Sobol, SameSeedSameIntervalsOtherSeedOtherIntervals) {
  const Saltelli s = saltelli(ishigami, 1000, -kPi, kPi, 9);
  const auto r1 = leadsim::sobol_indices(s.f_a, s.f_b, s.f_ab, {.bootstrap = 100, .seed = 4});
  const auto r2 = leadsim::sobol_indices(s.f_a, s.f_b, s.f_ab, {.bootstrap = 100, .seed = 4});
  const auto r3 = leadsim::sobol_indices(s.f_a, s.f_b, s.f_ab, {.bootstrap = 100, .seed = 5});
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r1.first[i].lo, r2.first[i].lo);
    EXPECT_EQ(r1.total[i].hi, r2.total[i].hi);
    EXPECT_EQ(r1.first[i].value, r3.first[i].value);  // the estimate does not resample
  }
  EXPECT_NE(r1.total[0].lo, r3.total[0].lo);
}

TEST(Sobol, NoBootstrapGivesPointIntervals) {
  const Saltelli s = saltelli(linear, 100, 0, 1, 2);
  const auto r = leadsim::sobol_indices(s.f_a, s.f_b, s.f_ab, {.bootstrap = 0});
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.first[i].lo, r.first[i].value);
    EXPECT_EQ(r.total[i].hi, r.total[i].value);
  }
}

TEST(Sobol, ConstantOutputHasNoIndices) {
  const Eigen::VectorXd c = Eigen::VectorXd::Constant(10, 3.0);
  const auto r = leadsim::sobol_indices(c, c, Eigen::MatrixXd::Constant(10, 2, 3.0));
  EXPECT_EQ(r.variance, 0);
  EXPECT_TRUE(std::isnan(r.first[0].value));
  EXPECT_TRUE(std::isnan(r.total[1].hi));
}

TEST(Sobol, RejectsMismatchedOrNonFiniteInput) {
  const Eigen::VectorXd a = Eigen::VectorXd::Ones(5);
  EXPECT_THROW(leadsim::sobol_indices(a, Eigen::VectorXd::Ones(4), Eigen::MatrixXd::Ones(5, 2)),
               std::invalid_argument);
  EXPECT_THROW(leadsim::sobol_indices(a, a, Eigen::MatrixXd::Ones(4, 2)), std::invalid_argument);
  EXPECT_THROW(leadsim::sobol_indices(a.head(1), a.head(1), Eigen::MatrixXd::Ones(1, 2)),
               std::invalid_argument);
  Eigen::VectorXd nan = a;
  nan[2] = std::nan("");
  EXPECT_THROW(leadsim::sobol_indices(nan, a, Eigen::MatrixXd::Ones(5, 2)), std::invalid_argument);
}

// ------------------------------------------------------------------------------------------------
// A sweep folder made by hand: the Ishigami function as if `leadsim sweep` had evaluated it.

const std::vector<std::string> kParams = {"meetings.attendance", "meetings.chair_bias",
                                          "campaign.momentum"};

// sweep.json as `leadsim sweep --design saltelli` writes it (the parts the reader uses).
std::string sweep_json(int n) {
  return "{\n  \"design\": {\"type\": \"saltelli\", \"base\": \"sobol\", \"samples\": " +
         std::to_string(n) + ", \"points\": " + std::to_string(5 * n) +
         "},\n  \"points\": " + std::to_string(5 * n) +
         ",\n  \"parameters\": [\n"
         "    {\"path\": \"meetings.attendance\", \"kind\": \"number\", \"min\": \"-3.14159\"},\n"
         "    {\"path\": \"meetings.chair_bias\", \"kind\": \"number\", \"min\": \"-3.14159\"},\n"
         "    {\"path\": \"campaign.momentum\", \"kind\": \"number\", \"min\": \"-3.14159\"}\n  "
         "]\n}\n";
}

// points.csv rows for samples [0, n): A, B, AB1..AB3 per sample, outputs y (Ishigami), a
// constant column, a text column and an interval bound. `skip_last` leaves out the last rows
// (a sweep still running).
std::string points_csv(const Saltelli& s, int n, int skip_last = 0) {
  std::ostringstream out;
  out << "point,saltelli_sample,saltelli_matrix,meetings.attendance,meetings.chair_bias,"
         "campaign.momentum,runs,y,y_lo,constant,label\n";
  int point = 0, rows = 0;
  const int total_rows = n * 5 - skip_last;
  for (int j = 0; j < n; ++j) {
    for (int m = 0; m < 5 && rows < total_rows; ++m, ++rows) {
      Eigen::RowVectorXd x = m == 1 ? s.b.row(j) : s.a.row(j);
      if (m >= 2) x[m - 2] = s.b(j, m - 2);
      const double y = m == 0 ? s.f_a[j] : m == 1 ? s.f_b[j] : s.f_ab(j, m - 2);
      const std::string name = m == 0 ? "A" : m == 1 ? "B" : "AB" + std::to_string(m - 1);
      out << fmt::format("{},{},{},{:.17g},{:.17g},{:.17g},100,{:.17g},{:.17g},7,x\n", point++, j,
                         name, x[0], x[1], x[2], y, y - 1);
    }
  }
  return out.str();
}

TEST(SaltelliSweep, ReadsTheOutputsAndMatchesTheDirectComputation) {
  TempDir dir;
  const Saltelli s = saltelli(ishigami, 400, -kPi, kPi, 21);
  dir.write("sweep.json", sweep_json(400));
  dir.write("points.csv", points_csv(s, 400));
  const leadsim::SaltelliTable t = leadsim::read_saltelli_sweep(dir.path());
  EXPECT_EQ(t.parameters, kParams);
  // Default outputs: numeric, varying, not an interval bound or bookkeeping.
  EXPECT_EQ(t.outputs, std::vector<std::string>{"y"});
  ASSERT_EQ(t.samples.size(), 400u);
  EXPECT_EQ(t.samples_seen, 400);
  EXPECT_EQ(t.samples_expected, 400);
  const auto direct = leadsim::sobol_indices(s.f_a, s.f_b, s.f_ab, {.bootstrap = 50});
  const auto read = leadsim::sensitivity(t, {.bootstrap = 50});
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(read[0].first[i].value, direct.first[i].value, 1e-12);
    EXPECT_NEAR(read[0].total[i].value, direct.total[i].value, 1e-12);
  }
}

// A sweep still running has only points.csv.partial and sweep.json.partial.
TEST(SaltelliSweep, ReadsThePartialFilesOfARunningSweep) {
  TempDir dir;
  const Saltelli s = saltelli(ishigami, 40, -kPi, kPi, 6);
  dir.write("sweep.json.partial", sweep_json(50));
  dir.write("points.csv.partial", points_csv(s, 40));
  const leadsim::SaltelliTable t = leadsim::read_saltelli_sweep(dir.path());
  EXPECT_EQ(t.points_file.filename(), "points.csv.partial");
  EXPECT_EQ(t.samples.size(), 40u);
  EXPECT_EQ(t.samples_expected, 50);
}

TEST(SaltelliSweep, RowOrderDoesNotMatter) {
  TempDir a, b;
  const Saltelli s = saltelli(ishigami, 50, -kPi, kPi, 2);
  const std::string csv = points_csv(s, 50);
  // Reverse the data rows: points finish in any order under dynamic load balancing.
  std::vector<std::string> lines;
  std::istringstream in(csv);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::string reversed = lines[0] + "\n";
  for (size_t i = lines.size() - 1; i >= 1; --i) reversed += lines[i] + "\n";
  a.write("sweep.json", sweep_json(50));
  a.write("points.csv", csv);
  b.write("sweep.json", sweep_json(50));
  b.write("points.csv", reversed);
  const auto ra = leadsim::sensitivity(leadsim::read_saltelli_sweep(a.path()));
  const auto rb = leadsim::sensitivity(leadsim::read_saltelli_sweep(b.path()));
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(ra[0].total[i].value, rb[0].total[i].value);
    EXPECT_EQ(ra[0].total[i].lo, rb[0].total[i].lo);
  }
}

TEST(SaltelliSweep, UsesCompleteSamplesOfARunningSweep) {
  TempDir dir;
  const Saltelli s = saltelli(ishigami, 100, -kPi, kPi, 4);
  dir.write("sweep.json", sweep_json(100));
  // Seven rows short: sample 98 has A, B and AB1 only, and sample 99 nothing; then sample 99's
  // A row, and a half-written row (no newline yet).
  std::string csv = points_csv(s, 100, 7);
  csv += "495,99,A,0.1,0.2,0.3,100,1.5,0.5,7,x\n";
  csv += "496,99,B,0.1";
  dir.write("points.csv", csv);
  const leadsim::SaltelliTable t = leadsim::read_saltelli_sweep(dir.path());
  EXPECT_EQ(t.samples.size(), 98u);
  EXPECT_EQ(t.samples_seen, 100);
  EXPECT_EQ(t.samples.back(), 97);
  const std::string report = leadsim::format_sensitivity(t, leadsim::sensitivity(t), {});
  EXPECT_NE(report.find("98 complete Saltelli samples (2 incomplete left out) of 100 planned"),
            std::string::npos)
      << report;
}

// Runs `body`, expecting an InputError whose first diagnostic is in `file` at `line` and whose
// message contains `words`.
template <class F>
void expect_input_error(F body, const std::string& file_suffix, int line,
                        const std::string& words) {
  try {
    body();
    ADD_FAILURE() << "no error; expected: " << words;
  } catch (const leadsim::InputError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    const auto& d = e.diagnostics()[0];
    EXPECT_TRUE(
        d.file.size() >= file_suffix.size() &&
        d.file.compare(d.file.size() - file_suffix.size(), file_suffix.size(), file_suffix) == 0)
        << d.str();
    EXPECT_EQ(d.line, line) << d.str();
    EXPECT_NE(d.message.find(words), std::string::npos) << d.str();
  }
}

TEST(SaltelliSweep, BadInputIsLocated) {
  const Saltelli s = saltelli(ishigami, 10, -kPi, kPi, 4);
  const std::string good = points_csv(s, 10);
  auto with = [&](const std::string& json, const std::string& csv) {
    auto dir = std::make_shared<TempDir>();
    if (!json.empty()) dir->write("sweep.json", json);
    if (!csv.empty()) dir->write("points.csv", csv);
    return dir;
  };
  {
    auto d = with("", good);
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path()); }, "sweep.json", 0,
                       "cannot read");
  }
  {
    auto d = with(sweep_json(10), "");
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path()); }, "points.csv", 0,
                       "cannot read");
  }
  expect_input_error([&] { leadsim::read_saltelli_sweep("/nonexistent/sweep"); }, "sweep", 0,
                     "no such folder");
  {
    auto d =
        with(R"({"design": {"type": "latin", "points": 64}, "parameters": [{"path": "a"}]})", good);
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path()); }, "sweep.json", 0,
                       "the sweep's design is 'latin', not a Saltelli layout");
  }
  {
    auto d = with(sweep_json(10), "point,meetings.attendance,y\n0,0.1,3\n");
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path()); }, "points.csv", 1,
                       "not a Saltelli design");
  }
  {
    auto d = with(sweep_json(10), good);
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path(), {"yy"}); }, "points.csv", 1,
                       "no output column 'yy' (did you mean 'y'?)");
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path(), {"meetings.chair_bias"}); },
                       "points.csv", 1, "is a parameter");
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path(), {"label"}); }, "points.csv", 2,
                       "output 'label' is 'x', expected a finite number");
  }
  {
    std::string csv = good;
    csv.replace(csv.find(",AB2,"), 5, ",AB7,");  // sample 0's AB2 row: line 5
    auto d = with(sweep_json(10), csv);
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path()); }, "points.csv", 5,
                       "saltelli_matrix is 'AB7', expected A, B or AB1..AB3");
  }
  {
    std::string csv = good;
    const size_t second = csv.find('\n', csv.find('\n') + 1) + 1;  // line 3: sample 0's B
    csv.replace(csv.find(",B,", second), 3, ",A,");
    auto d = with(sweep_json(10), csv);
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path()); }, "points.csv", 3,
                       "sample 0 has a second A row (the first is on line 2)");
  }
  {
    auto d = with(sweep_json(10), good + "50,10,A,1,2\n60,10,B,1,2,3,100,4,3,7,x\n");
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path()); }, "points.csv", 52,
                       "5 fields, the header has 11");
  }
  {
    auto d = with(sweep_json(10), good.substr(0, good.find('\n') + 1));
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path()); }, "points.csv", 0,
                       "0 complete Saltelli samples");
  }
  {
    std::string json = sweep_json(10);
    json.replace(json.find("campaign.momentum"), 17, "campaign.momentun");
    auto d = with(json, good);
    expect_input_error([&] { leadsim::read_saltelli_sweep(d->path()); }, "points.csv", 1,
                       "no column for parameter 'campaign.momentun' named in sweep.json (did "
                       "you mean 'campaign.momentum'?)");
  }
}

TEST(SaltelliSweep, CsvHasOneRowPerOutputAndParameter) {
  TempDir dir;
  const Saltelli s = saltelli(ishigami, 30, -kPi, kPi, 8);
  dir.write("sweep.json", sweep_json(30));
  dir.write("points.csv", points_csv(s, 30));
  const auto t = leadsim::read_saltelli_sweep(dir.path(), {"y", "y_lo"});
  const leadsim::SobolOptions opt{.bootstrap = 20};
  std::ostringstream csv;
  leadsim::write_sensitivity_csv(csv, t, leadsim::sensitivity(t, opt), opt);
  const std::string text = csv.str();
  EXPECT_EQ(text.rfind("output,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi,variance,samples,", 0), 0u);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 2 * 3);
  EXPECT_NE(text.find("\ny_lo,campaign.momentum,"), std::string::npos);
}

// An output's intervals do not depend on which other outputs are analysed with it.
TEST(SaltelliSweep, OutputStreamsAreKeyedByName) {
  TempDir dir;
  const Saltelli s = saltelli(ishigami, 60, -kPi, kPi, 8);
  dir.write("sweep.json", sweep_json(60));
  dir.write("points.csv", points_csv(s, 60));
  const auto one = leadsim::sensitivity(leadsim::read_saltelli_sweep(dir.path(), {"y"}));
  const auto two = leadsim::sensitivity(leadsim::read_saltelli_sweep(dir.path(), {"y_lo", "y"}));
  EXPECT_EQ(one[0].total[1].lo, two[1].total[1].lo);
}

// ------------------------------------------------------------------------------------------------
// The command

struct Shell {
  int code = -1;
  std::string out, err;
};
Shell leadsim_cmd(const std::string& args) {
  TempDir capture;
  const std::string cmd = std::string(LEADSIM_BINARY) + " " + args + " >" +
                          (capture / "out").string() + " 2>" + (capture / "err").string() +
                          " </dev/null";
  const int status = std::system(cmd.c_str());
  Shell r;
  if (status != -1 && WIFEXITED(status)) r.code = WEXITSTATUS(status);
  r.out = read_file(capture / "out");
  r.err = read_file(capture / "err");
  return r;
}

TEST(SensitivityCommand, PrintsSortedTableAndWritesCsv) {
  TempDir dir;
  const Saltelli s = saltelli(ishigami, 2000, -kPi, kPi, 31);
  dir.write("sweep.json", sweep_json(2000));
  dir.write("points.csv", points_csv(s, 2000));
  const Shell r = leadsim_cmd("sensitivity " + dir.path().string() + " --bootstrap 200 --seed 3");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // Sorted by ST: attendance (x1, 0.56), chair_bias (x2, 0.44), momentum (x3, 0.24).
  const size_t p1 = r.out.find("  meetings.attendance "), p2 = r.out.find("  meetings.chair_bias "),
               p3 = r.out.find("  campaign.momentum ");
  ASSERT_NE(p1, std::string::npos) << r.out;
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, p3);
  EXPECT_NE(r.out.find("2000 complete Saltelli samples"), std::string::npos) << r.out;
  const std::string csv = read_file(dir / "sensitivity.csv");
  EXPECT_NE(csv.find("\ny,meetings.attendance,"), std::string::npos) << csv;
  // Nothing left under a temporary name.
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  // Same seed: the same file.
  const Shell again =
      leadsim_cmd("sensitivity " + dir.path().string() + " --bootstrap 200 --seed 3");
  ASSERT_EQ(again.code, 0);
  EXPECT_EQ(read_file(dir / "sensitivity.csv"), csv);
}

TEST(SensitivityCommand, BadInputExitsWithTwoAndNamesTheFile) {
  TempDir dir;
  const Saltelli s = saltelli(ishigami, 20, -kPi, kPi, 31);
  dir.write("sweep.json", sweep_json(20));
  dir.write("points.csv", points_csv(s, 20));
  const Shell unknown = leadsim_cmd("sensitivity " + dir.path().string() + " --output why");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("points.csv:1:1: error: no output column 'why' (did you mean 'y'?)"),
            std::string::npos)
      << unknown.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "sensitivity.csv"));
  const Shell missing = leadsim_cmd("sensitivity " + (dir / "nope").string());
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("no such folder"), std::string::npos) << missing.err;
  const Shell usage = leadsim_cmd("sensitivity");
  EXPECT_EQ(usage.code, 2);
}

// End to end: a small Saltelli sweep of the toy scenario by `leadsim sweep`, then the command.
// Meeting frequency drives CLP nominations far more than the chair's bias does.
TEST(SensitivityCommand, AnalysesASaltelliSweepOfTheToyScenario) {
  TempDir dir;
  const std::string toy = std::string(LEADSIM_SOURCE_DIR) + "/scenarios/toy.toml";
  const std::string out = (dir / "sweep").string();
  const Shell sweep = leadsim_cmd("sweep " + toy + " --out " + out +
                                  " -q --design saltelli --points 16 --runs 10"
                                  " --param meetings.meet=0.2:1 --param meetings.chair_bias=0:1");
  ASSERT_EQ(sweep.code, 0) << sweep.out << sweep.err;
  const Shell r = leadsim_cmd("sensitivity " + out + " --output nominations_right,share_right");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 parameters, 16 complete Saltelli samples"), std::string::npos) << r.out;
  const std::string csv = read_file(std::filesystem::path(out) / "sensitivity.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 2) << csv;
  const auto t = leadsim::read_saltelli_sweep(out, {"nominations_right"});
  EXPECT_EQ(t.parameters, (std::vector<std::string>{"meetings.meet", "meetings.chair_bias"}));
  const auto s = leadsim::sensitivity(t, {.bootstrap = 200});
  EXPECT_GT(s[0].total[0].value, 0.5);
  EXPECT_GT(s[0].total[0].value, s[0].total[1].hi);

  // A sweep without the Saltelli layout is refused, naming sweep.json.
  const std::string latin = (dir / "latin").string();
  ASSERT_EQ(leadsim_cmd("sweep " + toy + " --out " + latin +
                        " -q --design latin --points 4 --runs 2 --param meetings.meet=0.2:1")
                .code,
            0);
  const Shell refused = leadsim_cmd("sensitivity " + latin);
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("sweep.json: error: the sweep's design is 'latin', not a Saltelli"),
            std::string::npos)
      << refused.err;
}

}  // namespace
