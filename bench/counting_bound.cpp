// leadsim-counting-bound: the least an exact counting engine could cost on a scenario, measured
// on this machine beside what the per-agent engine costs (issue "draw counts, not people").
//
//   leadsim-counting-bound [SCENARIO] [--runs N]
//
// An exact counting final ballot replaces each person's draws by counts drawn per group of
// exchangeable people. In this model a person's vote depends on the run through their CLP's
// faction shares (each CLP's lasting lean and its per-run dispersion, blocs: drawn per CLP, per
// wave, per run), so no group can be larger than a (CLP, wave) segment, and within a segment the
// counts of F factions and their votes need at least F - 1 binomials to split the segment by
// faction and one binomial per faction for its votes (and more for turnout and vetting). This
// program draws exactly that lower bound, 2F - 1 binomials per segment per run with the segment's
// real size and plausible probabilities (Boost.Random's binomial, the library's generator),
// and times it against the per-agent engine's final ballot and meetings (the stage profile of
// run_ensemble on one thread). Meetings keep their attendees as individuals in any exact engine
// (persuasion moves each one), so their cost stays. It prints the bound on runs per second an
// exact counting engine could reach on two threads.
#include <fmt/format.h>

#include <boost/random/binomial_distribution.hpp>
#include <chrono>
#include <cstring>
#include <random>
#include <string>

#include "leadsim/ensemble.hpp"
#include "leadsim/population.hpp"
#include "leadsim/random.hpp"
#include "leadsim/scenario.hpp"

int main(int argc, char** argv) {
  std::string path = "bench/national.toml";
  std::uint64_t runs = 100;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::stoull(argv[++i]);
    else path = argv[i];
  }
  try {
    const leadsim::Scenario s = leadsim::load_scenario(path);
    const leadsim::Population pop = leadsim::synthesise(s, 1);
    const int factions = int(s.factions.size());
    std::vector<int> sizes;  // people per non-empty (CLP, wave) segment
    for (size_t g = 0; g + 1 < pop.segment_begin.size(); ++g)
      if (const int n = int(pop.segment_begin[g + 1] - pop.segment_begin[g]); n > 0) sizes.push_back(n);
    double mean = 0;
    for (int n : sizes) mean += n;
    mean /= double(sizes.size());

    // The bound: 2F - 1 binomials per segment per run (F - 1 to split by faction, F for votes),
    // with Boost's binomial and with libstdc++'s (the faster of the two is the bound).
    std::uint64_t sink = 0;  // the draws' sum, printed, so that nothing is optimised away
    auto bound_with = [&]<class Binomial>(Binomial) {
      leadsim::Stream g(leadsim::derive_key(7, leadsim::name_hash("counting-bound")));
      const auto t0 = std::chrono::steady_clock::now();
      for (std::uint64_t r = 0; r < runs; ++r)
        for (int n : sizes) {
          int left = n;
          for (int f = 0; f < factions - 1 && left > 0; ++f) {
            const double share = std::min(1.0, 1.0 / double(factions - f) * (0.5 + g.uniform()));
            const int in_f = Binomial(left, share)(g);
            sink += std::uint64_t(Binomial(in_f, 0.3 + 0.4 * g.uniform())(g));
            left -= in_f;
          }
          sink += std::uint64_t(Binomial(left, 0.3 + 0.4 * g.uniform())(g));
        }
      return 1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / double(runs);
    };
    const double boost_ms = bound_with(boost::random::binomial_distribution<int>(1, 0.5));
    const double std_ms = bound_with(std::binomial_distribution<int>(1, 0.5));
    const double bound_ms = std::min(boost_ms, std_ms);

    leadsim::EnsembleOptions opt;
    opt.seed = 1;
    opt.runs = runs;
    opt.threads = 1;
    opt.profile = true;
    const auto e = leadsim::run_ensemble(s, pop, opt);
    auto stage_ms = [&](const char* name) {
      for (int i = 0; i < leadsim::StageProfile::kStages; ++i)
        if (!std::strcmp(leadsim::StageProfile::kNames[i], name))
          return 1e3 * e.profile.seconds[size_t(i)] / double(runs);
      return 0.0;
    };
    const double run_ms = 1e3 * e.seconds / double(runs);
    const double ballot_ms = stage_ms("final_ballot"), meetings_ms = stage_ms("meetings");
    const double rest_ms = run_ms - ballot_ms - meetings_ms;
    // The best exact counting engine: the ballot at the bound, meetings and the rest unchanged.
    const double best_ms = bound_ms + meetings_ms + rest_ms;
    fmt::print("scenario {}: {} agents, {} factions, {} (CLP, wave) segments of {:.0f} people on average\n",
               path, pop.size(), factions, sizes.size(), mean);
    fmt::print("per-agent engine, 1 thread: {:.2f} ms/run: final ballot {:.2f}, meetings {:.2f}, the rest {:.2f}\n",
               run_ms, ballot_ms, meetings_ms, rest_ms);
    fmt::print("exact counting bound: {} binomials per segment per run = {:.0f} per run, {:.2f} ms/run "
               "(Boost {:.2f}, libstdc++ {:.2f}; final ballot {:.1f}x faster at best)\n",
               2 * factions - 1, double(sizes.size()) * (2 * factions - 1), bound_ms, boost_ms, std_ms,
               ballot_ms / bound_ms);
    fmt::print("best exact counting engine (ballot at the bound, meetings unchanged): {:.2f} ms/run, "
               "{:.1f}x the per-agent engine, about {:.0f} runs/s on 2 threads\n",
               best_ms, run_ms / best_ms, 2e3 / best_ms);
    // Generous: meetings free as well (their attendance draws thinned to nothing, their debates
    // too), only the ballot's bound and the other stages left.
    const double free_ms = bound_ms + rest_ms;
    fmt::print("... and with meetings costing nothing at all: {:.2f} ms/run, {:.1f}x, about {:.0f} runs/s on "
               "2 threads (checksum {})\n",
               free_ms, run_ms / free_ms, 2e3 / free_ms, sink % 1000);
  } catch (const leadsim::InputError& e) {
    fmt::print(stderr, "{}", e.what());
    return 2;
  }
  return 0;
}
