// summary.hpp: streaming aggregation of Monte Carlo runs.
//
// Summary::add() takes runs one at a time, in run order, and keeps only fixed-size accumulators
// (counts, sums and fine histograms), so memory does not grow with the number of runs.
// Quantiles come from the histograms (resolution 1e-4 for shares; exact for counts).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "leadsim/contest.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

// A fixed-range histogram with mean, sd and quantiles. With bins of width 1 it holds counts
// (CLP nominations, say), and its quantiles are exact observed values:
// quantile(q) = the smallest value v with P(X <= v) >= q.
class Distribution {
 public:
  Distribution(double lo = 0, double hi = 1, int bins = 10000);
  void add(double x);
  std::uint64_t count() const { return n_; }
  double mean() const;
  double sd() const;
  double quantile(double q) const;  // interpolated within the bin, or exact for counts
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  const std::vector<std::uint64_t>& bins() const { return bins_; }

 private:
  double lo_, hi_;
  std::vector<std::uint64_t> bins_;
  bool counts_;  // unit-width bins: integer values
  std::uint64_t n_ = 0;
  double sum_ = 0, sumsq_ = 0;
};

// A proportion with its Wilson score interval.
struct Proportion {
  double p = 0, lo = 0, hi = 0;
};
Proportion wilson(std::uint64_t successes, std::uint64_t n, double z = 1.959964);

struct CandidateSummary {
  std::uint64_t wins = 0;
  std::uint64_t on_ballot = 0;
  Distribution share;                                 // final-round share
  std::array<Distribution, kSections> first_share;   // first preferences per section
  Distribution nominations;                          // CLP nominations per run
  Distribution mp_nominations;
  Distribution affiliate_nominations;
  double meeting_votes = 0;                          // summed over runs
  std::vector<std::uint64_t> eliminated_in_round;    // count of runs, by round
  std::vector<std::uint64_t> out_at_stage;           // runs, by the rulebook stage that removed it
  Distribution mp_ballot_first;                      // MPs' votes in round 1 of an MPs' ballot
  std::vector<std::uint64_t> mp_out_round;           // runs, by MPs' round it went out in (0: never)
};

struct ClpSummary {
  std::vector<std::uint64_t> nominated;  // per candidate: runs in which the CLP nominated it
  std::uint64_t met = 0;                 // runs in which it met
  std::int64_t attendance = 0, eligible = 0;  // summed over runs in which it met
  std::vector<std::int64_t> votes;       // per candidate: first-round meeting votes, summed
  double meeting_share(size_t c) const;  // c's share of all those votes (0 if none)
};

class Summary {
 public:
  explicit Summary(const Scenario& s);
  void add(const RunResult& r);  // runs must arrive in run order for byte-identical sums

  std::uint64_t runs = 0;
  std::uint64_t no_valid_nominations = 0;  // runs with nobody on the ballot
  std::uint64_t decided_by_lot = 0;
  std::uint64_t unopposed = 0;             // runs with one candidate left: no ballot held
  std::vector<CandidateSummary> candidates;
  std::vector<ClpSummary> clps;
  std::vector<std::uint64_t> rounds;          // runs by number of counting rounds
  Distribution meetings_held, attendance_rate;  // attendance / eligible over all meetings
  std::array<Distribution, kSections> turnout;

  Proportion win_probability(int c) const { return wilson(candidates[size_t(c)].wins, runs); }
};

}  // namespace leadsim
