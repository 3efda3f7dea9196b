#include "leadsim/summary.hpp"

#include <algorithm>
#include <cmath>

namespace leadsim {

Distribution::Distribution(double lo, double hi, int bins)
    : lo_(lo), hi_(hi), bins_(size_t(bins), 0), counts_((hi - lo) / bins == 1.0) {}

void Distribution::add(double x) {
  const double t = (x - lo_) / (hi_ - lo_) * double(bins_.size());
  const size_t b = size_t(std::clamp(t, 0.0, double(bins_.size() - 1)));
  ++bins_[b];
  ++n_;
  sum_ += x;
  sumsq_ += x * x;
}

double Distribution::mean() const { return n_ ? sum_ / double(n_) : 0.0; }

double Distribution::sd() const {
  if (n_ < 2) return 0.0;
  const double m = mean();
  return std::sqrt(std::max(0.0, (sumsq_ - double(n_) * m * m) / double(n_ - 1)));
}

double Distribution::quantile(double q) const {
  if (n_ == 0) return 0.0;
  const double target = q * double(n_);
  double acc = 0;
  const double width = (hi_ - lo_) / double(bins_.size());
  for (size_t b = 0; b < bins_.size(); ++b) {
    if (bins_[b] == 0) continue;
    if (acc + double(bins_[b]) >= target) {
      if (counts_) return lo_ + double(b);
      const double within = (target - acc) / double(bins_[b]);
      return lo_ + (double(b) + within) * width;
    }
    acc += double(bins_[b]);
  }
  return hi_;
}

Proportion wilson(std::uint64_t successes, std::uint64_t n, double z) {
  if (n == 0) return {0, 0, 1};
  const double p = double(successes) / double(n), nn = double(n);
  const double denom = 1 + z * z / nn;
  const double centre = (p + z * z / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
  return {p, std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Summary::Summary(const Scenario& s)
    : rounds(size_t(kMaxCandidates + 1), 0),
      meetings_held(0, double(s.clps.size()) + 1, int(s.clps.size()) + 1),
      attendance_rate(0, 1, 10000) {
  const int n_clps = int(s.clps.size());
  const size_t k = s.candidates.size();
  candidates.resize(k);
  for (auto& c : candidates) {
    // Integer-valued counts get one bin per value, so their quantiles are exact.
    c.nominations = Distribution(0, n_clps + 1, n_clps + 1);
    c.mp_nominations = Distribution(0, 2001, 2001);
    c.affiliate_nominations = Distribution(0, double(s.affiliates.size()) + 1,
                                           int(s.affiliates.size()) + 1);
    c.eliminated_in_round.assign(size_t(kMaxCandidates), 0);
    c.out_at_stage.assign(s.rules.stages.size(), 0);
    c.mp_ballot_first = Distribution(0, 2001, 2001);
    c.mp_out_round.assign(size_t(kMaxCandidates + 1), 0);
  }
  clps.resize(size_t(n_clps));
  for (auto& c : clps) {
    c.nominated.assign(k, 0);
    c.votes.assign(k, 0);
  }
}

double ClpSummary::meeting_share(size_t c) const {
  std::int64_t total = 0;
  for (auto v : votes) total += v;
  return total > 0 ? double(votes[c]) / double(total) : 0.0;
}

void Summary::add(const RunResult& r) {
  ++runs;
  if (r.winner < 0) ++no_valid_nominations;
  decided_by_lot += r.winner_by_lot;
  unopposed += r.unopposed;
  rounds[size_t(std::min(r.rounds, kMaxCandidates))]++;
  for (size_t c = 0; c < candidates.size(); ++c) {
    CandidateSummary& cs = candidates[c];
    cs.wins += r.winner == int(c);
    cs.on_ballot += r.on_ballot[c];
    cs.share.add(r.share[c]);
    for (int sec = 0; sec < kSections; ++sec) cs.first_share[size_t(sec)].add(r.first_share[size_t(sec)][c]);
    cs.nominations.add(r.nominations[c]);
    cs.mp_nominations.add(r.mp_nominations[c]);
    cs.affiliate_nominations.add(r.affiliate_nominations[c]);
    cs.meeting_votes += double(r.meeting_votes[c]);
    if (r.eliminated_round[c] >= 0) cs.eliminated_in_round[size_t(r.eliminated_round[c])]++;
    if (r.out_at_stage[c] >= 0) cs.out_at_stage[size_t(r.out_at_stage[c])]++;
    cs.mp_ballot_first.add(r.mp_ballot_first[c]);
    cs.mp_out_round[size_t(std::min(r.mp_out_round[c], kMaxCandidates))]++;
  }
  for (size_t c = 0; c < clps.size(); ++c) {
    if (!r.clp_met[c]) continue;
    ClpSummary& cs = clps[c];
    ++cs.met;
    cs.attendance += r.clp_attendance[c];
    cs.eligible += r.clp_eligible[c];
    if (r.clp_nominee[c] >= 0) cs.nominated[size_t(r.clp_nominee[c])]++;
    for (size_t j = 0; j < cs.votes.size(); ++j) cs.votes[j] += r.clp_votes[c * cs.votes.size() + j];
  }
  meetings_held.add(r.meetings_held);
  attendance_rate.add(r.attendance_rate());
  for (int sec = 0; sec < kSections; ++sec) turnout[size_t(sec)].add(r.turnout(sec));
}

}  // namespace leadsim
