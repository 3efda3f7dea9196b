// leadsim-sweep-bench: what a sweep costs beyond its runs, and how it scales with threads.
//
//   leadsim-sweep-bench [SCENARIO] [--points P] [--runs R] [--repeat K]
//
// In one process, alternating so that other work on the machine hits both sides alike, best of K:
//   - overhead: a sweep of P points x R runs whose points cost the same to run (a parameter over
//     a range too narrow to change the work) against one population and an ensemble of P*R runs
//     (what `leadsim run` does), both on 1 thread:
//     the extra time per point (loading its scenario, bookkeeping, formatting its rows) over the
//     time of its runs;
//   - threads: a sweep of P points x R runs (attendance and speakers varied) on 1 and 2 threads.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>

#include "leadsim/ensemble.hpp"
#include "leadsim/population.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/sweep.hpp"

namespace {

using namespace leadsim;

struct Discard : SweepSink {
  std::uint64_t bytes = 0;
  void on_point(const SweepPoint&, const PointResult& r) override { bytes += r.runs_rows.size(); }
};

template <class F>
double seconds(F f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = "scenarios/toy.toml";
  std::uint64_t points = 100, runs = 20;
  int repeat = 5;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--points") && i + 1 < argc) points = std::stoull(argv[++i]);
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::stoull(argv[++i]);
    else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = std::stoi(argv[++i]);
    else path = argv[i];
  }
  try {
    const Scenario base = load_scenario(path);
    auto make = [&](std::vector<std::string> params) {
      SweepSpec spec;
      for (const auto& p : params) spec.params.push_back(parse_param_flag(p));
      spec.design = SweepDesign::latin;
      spec.points = points;
      spec.runs = runs;
      check_sweep_spec(spec, base);
      return spec;
    };
    const SweepSpec flat = make({"campaign.swing_sd=0.05:0.0500001"});
    const SweepSpec varied = make({"meetings.attendance=0.02:0.1", "meetings.speakers=2:8"});
    auto sweep = [&](const SweepSpec& spec, int threads) {
      Discard sink;
      SweepOptions opt;
      opt.threads = threads;
      run_sweep(base, spec, opt, sink);
    };
    // As `leadsim run` does it: draw the population once, then the runs (a sweep whose
    // parameters leave the population alone draws it once too).
    auto ensemble = [&] {
      const Population drawn = synthesise(base, 1);
      EnsembleOptions opt;
      opt.runs = points * runs;
      opt.threads = 1;
      run_ensemble(base, drawn, opt);
    };
    double t_ens = 1e9, t_flat = 1e9, t1 = 1e9, t2 = 1e9;
    for (int k = 0; k < repeat; ++k) {
      t_ens = std::min(t_ens, seconds(ensemble));
      t_flat = std::min(t_flat, seconds([&] { sweep(flat, 1); }));
      t1 = std::min(t1, seconds([&] { sweep(varied, 1); }));
      t2 = std::min(t2, seconds([&] { sweep(varied, 2); }));
    }
    const double total = double(points * runs);
    fmt::print("scenario {}: {} points x {} runs; best of {}\n", path, points, runs, repeat);
    fmt::print("overhead: ensemble of {} runs {:.3f} s; sweep {:.3f} s; per point {:.3f} ms = {:.1f}% of its runs "
               "({:.3f} ms)\n",
               points * runs, t_ens, t_flat, 1e3 * (t_flat - t_ens) / double(points),
               100 * (t_flat - t_ens) / t_ens, 1e3 * t_ens / double(points));
    fmt::print("threads=1 seconds={:.3f} runs_per_s={:.0f}\n", t1, total / t1);
    fmt::print("threads=2 seconds={:.3f} runs_per_s={:.0f} speedup={:.2f}\n", t2, total / t2, t1 / t2);
  } catch (const InputError& e) {
    fmt::print(stderr, "{}", e.what());
    return 2;
  }
  return 0;
}
