// leadsim-bench: how fast the national contest runs on this machine.
//
//   leadsim-bench [SCENARIO] [--runs N] [--memory-runs M]
//
// Prints, for 1 and 2 threads: runs per second and ns per agent per run (thread-seconds divided
// by runs x agents); the time per stage; and the peak resident memory of a streaming ensemble of
// M runs (the engine keeps no per-run state, so it should not grow with M).
#include <fmt/format.h>
#include <sys/resource.h>

#include <cstring>
#include <string>

#include "leadsim/ensemble.hpp"
#include "leadsim/population.hpp"
#include "leadsim/scenario.hpp"

namespace {

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = "bench/national.toml";
  std::uint64_t runs = 200, memory_runs = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::stoull(argv[++i]);
    else if (!std::strcmp(argv[i], "--memory-runs") && i + 1 < argc) memory_runs = std::stoull(argv[++i]);
    else path = argv[i];
  }
  try {
    const leadsim::Scenario s = leadsim::load_scenario(path);
    const auto t0 = std::chrono::steady_clock::now();
    const leadsim::Population pop = leadsim::synthesise(s, 1);
    const double synth = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double agents = double(pop.size());
    fmt::print("scenario {}: {} agents, {} CLPs; population {:.1f} MB, synthesised in {:.2f} s\n",
               path, pop.size(), s.clps.size(), double(pop.bytes()) / 1e6, synth);
    for (int threads : {1, 2}) {
      leadsim::EnsembleOptions opt;
      opt.seed = 1;
      opt.runs = runs;
      opt.threads = threads;
      opt.profile = true;
      const auto r = leadsim::run_ensemble(s, pop, opt);
      const double per_s = double(runs) / r.seconds;
      const double ns = r.seconds * threads * 1e9 / (double(runs) * agents);
      fmt::print("threads={} runs={} seconds={:.2f} runs_per_s={:.1f} ns_per_agent_run={:.2f}\n",
                 threads, runs, r.seconds, per_s, ns);
      if (threads == 1) {
        double total = 0;
        for (double x : r.profile.seconds) total += x;
        for (int i = 0; i < leadsim::StageProfile::kStages; ++i)
          fmt::print("  stage {:<13} {:>6.2f} ms/run {:>5.1f}%\n", leadsim::StageProfile::kNames[i],
                     1e3 * r.profile.seconds[size_t(i)] / double(runs),
                     100 * r.profile.seconds[size_t(i)] / total);
      }
    }
    if (memory_runs > 0) {
      leadsim::EnsembleOptions opt;
      opt.runs = memory_runs;
      opt.threads = 2;
      const auto r = leadsim::run_ensemble(s, pop, opt);
      fmt::print("memory: runs={} seconds={:.1f} peak_rss_mb={:.1f}\n", memory_runs, r.seconds,
                 peak_rss_mb());
    } else {
      fmt::print("memory: peak_rss_mb={:.1f} (after {} runs; --memory-runs M for a long ensemble)\n",
                 peak_rss_mb(), 2 * runs);
    }
  } catch (const leadsim::InputError& e) {
    fmt::print(stderr, "{}", e.what());
    return 2;
  }
  return 0;
}
