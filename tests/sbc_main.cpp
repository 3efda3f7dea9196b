// sbc: simulation-based calibration of `leadsim calibrate` with many replicates (tests/sbc.hpp
// says what is checked and why). Too slow for CTest (tests/test_sbc.cpp runs a few); run by hand:
//   build/tests/sbc [--replicates R] [--parameters 1|2] [--particles N] [--runs M]
//                   [--generations G] [--quantile Q] [--observation-runs K] [--seed S] [--threads T]
//                   [--csv FILE]   (one row per replicate and parameter: truth, observed, rank, ...)
// Prints, per parameter, the coverage of the central 50% and 90% intervals against their 99%
// binomial acceptance regions, the truth's rank histogram (10 bins, chi-square against uniform),
// the mean rank, and a verdict: PASS when no interval under-covers and no tail holds too much of
// the rank (the strict side); over-coverage, ABC's expected conservatism, is reported, not failed.
#include <fmt/format.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <unistd.h>

#include "sbc.hpp"

namespace {

struct Args {
  std::uint64_t replicates = 200, particles = 100, runs = 1, observation_runs = 0, seed = 1;
  std::string csv;  // per-replicate rows, for a closer look
  int parameters = 1, generations = 5, threads = 0;
  double quantile = 0.5;
};

[[noreturn]] void usage(const char* why) {
  std::cerr << "sbc: " << why << "\n"
            << "usage: sbc [--replicates R] [--parameters 1|2] [--particles N] [--runs M] "
               "[--generations G] [--quantile Q] [--observation-runs K] [--seed S] [--threads T] [--csv FILE]\n";
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) usage(("no value after " + k).c_str());
    const char* v = argv[++i];
    if (k == "--csv") {
      a.csv = v;
      continue;
    }
    char* end = nullptr;
    const double x = std::strtod(v, &end);
    if (!end || *end || !(x >= 0)) usage(("not a number: " + k + " " + v).c_str());
    if (k == "--replicates") a.replicates = std::uint64_t(x);
    else if (k == "--parameters") a.parameters = int(x);
    else if (k == "--particles") a.particles = std::uint64_t(x);
    else if (k == "--runs") a.runs = std::uint64_t(x);
    else if (k == "--generations") a.generations = int(x);
    else if (k == "--quantile") a.quantile = x;
    else if (k == "--observation-runs") a.observation_runs = std::uint64_t(x);
    else if (k == "--seed") a.seed = std::uint64_t(x);
    else if (k == "--threads") a.threads = int(x);
    else usage(("unknown option " + k).c_str());
  }
  if (a.parameters < 1 || a.parameters > 2) usage("--parameters is 1 or 2");
  if (a.replicates < 1 || a.particles < 2 || a.runs < 1 || a.generations < 1) usage("a count is too small");
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / fmt::format("leadsim-sbc-{}", ::getpid());
  fs::create_directories(dir);
  const std::string spec_file = leadsim::sbc::write_spec((dir / "sbc.toml").string(), a.parameters,
                                                         a.particles, a.runs, a.generations, a.quantile);
  leadsim::CalibrationSpec spec = leadsim::load_calibration_spec(spec_file);
  const leadsim::Scenario base =
      leadsim::load_scenario(std::string(LEADSIM_SOURCE_DIR) + "/scenarios/toy.toml", spec.set);
  leadsim::check_calibration_spec(spec, base);
  fs::remove_all(dir);

  const auto start = std::chrono::steady_clock::now();
  const size_t d = spec.params.size();
  std::vector<std::uint64_t> in50(d, 0), in90(d, 0);
  std::vector<std::vector<double>> ranks(d);
  std::uint64_t runs = 0;
  std::ofstream csv;
  if (!a.csv.empty()) {
    csv.open(a.csv);
    csv << "replicate,parameter,truth,rank,in50,in90";
    for (const auto& t : spec.targets) csv << ",observed_" << t.name;
    csv << "\n";
  }
  for (std::uint64_t r = 0; r < a.replicates; ++r) {
    const leadsim::sbc::Replicate x =
        leadsim::sbc::replicate(base, spec, a.seed, r, a.threads, a.observation_runs);
    runs += x.runs;
    for (size_t j = 0; csv.is_open() && j < spec.params.size(); ++j) {
      csv << fmt::format("{},{},{:.9g},{:.9g},{},{}", r, spec.params[j].path, x.truth[j], x.rank[j],
                         int(x.in50[j]), int(x.in90[j]));
      for (double o : x.observed) csv << fmt::format(",{:.9g}", o);
      csv << "\n";
    }
    for (size_t j = 0; j < d; ++j) {
      in50[j] += x.in50[j];
      in90[j] += x.in90[j];
      ranks[j].push_back(x.rank[j]);
    }
    std::cerr << fmt::format("\rreplicate {}/{}", r + 1, a.replicates) << std::flush;
  }
  std::cerr << "\n";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const std::uint64_t R = a.replicates;
  std::cout << fmt::format(
      "SBC of leadsim calibrate on the toy (a fifth of its members): {} replicates, {} parameter{}, "
      "{} particles x {} run{}, {} generations, quantile {}, observation the mean of {} run{}\n"
      "{} runs in {:.0f} s\n\n",
      R, d, d == 1 ? "" : "s", a.particles, a.runs, a.runs == 1 ? "" : "s", a.generations, a.quantile,
      a.observation_runs ? a.observation_runs : a.runs,
      (a.observation_runs ? a.observation_runs : a.runs) == 1 ? "" : "s", runs, seconds);
  bool pass = true;
  const auto r50 = leadsim::sbc::binomial_region(R, 0.5), r90 = leadsim::sbc::binomial_region(R, 0.9);
  const auto tail = leadsim::sbc::binomial_region(R, 0.05);
  for (size_t j = 0; j < d; ++j) {
    std::vector<std::uint64_t> bins(10, 0);
    double mean = 0;
    std::uint64_t low = 0, high = 0;
    for (double u : ranks[j]) {
      ++bins[std::min<size_t>(9, size_t(u * 10))];
      mean += u / double(R);
      low += u < 0.05;
      high += u > 0.95;
    }
    double chi2 = 0;
    for (std::uint64_t b : bins) chi2 += (double(b) - double(R) / 10) * (double(b) - double(R) / 10) / (double(R) / 10);
    const double p_chi2 = boost::math::cdf(boost::math::complement(boost::math::chi_squared(9), chi2));
    const double z = (mean - 0.5) / std::sqrt(1.0 / (12.0 * double(R)));
    const bool ok = in50[j] >= r50.lo && in90[j] >= r90.lo && low <= tail.hi && high <= tail.hi;
    pass = pass && ok;
    std::cout << fmt::format(
        "{}\n"
        "  50% interval covers {}/{} = {:.1f}% (99% region for 50%: [{}, {}])\n"
        "  90% interval covers {}/{} = {:.1f}% (99% region for 90%: [{}, {}])\n"
        "  rank below 5%: {}, above 95%: {} (each at most {} at 99%)\n"
        "  rank histogram (10 bins): {}\n"
        "  chi-square {:.1f} on 9 df (p = {:.3g}); mean rank {:.3f} (z = {:.2f})\n"
        "  {}\n\n",
        spec.params[j].path, in50[j], R, 100.0 * double(in50[j]) / double(R), r50.lo, r50.hi, in90[j], R,
        100.0 * double(in90[j]) / double(R), r90.lo, r90.hi, low, high, tail.hi, fmt::join(bins, " "),
        chi2, p_chi2, mean, z,
        ok ? (in50[j] > r50.hi || in90[j] > r90.hi ? "PASS (over-covers: conservative, as ABC with a finite tolerance is)"
                                                   : "PASS")
           : "FAIL (under-covers, or a tail holds too much of the rank)");
  }
  std::cout << (pass ? "PASS\n" : "FAIL\n");
  return pass ? 0 : 1;
}
