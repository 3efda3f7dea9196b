// parliament.cpp: drawing and calibrating the MPs, their per-run utilities, and their ballot.
#include "leadsim/parliament.hpp"

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>

#include "leadsim/random.hpp"
#include "leadsim/rulebook.hpp"

namespace leadsim {

int Parliament::meps() const {
  int n = 0;
  for (auto m : mep) n += m;
  return n;
}

namespace {

// The seats whose MPs are in the parliamentary party: every held seat, or, when mps.count is
// smaller, `count` of them chosen by a fixed hash of the seat's name (a stable, unbiased pick).
std::vector<int> seated_mps(const Scenario& s) {
  std::vector<int> held;
  for (size_t c = 0; c < s.clps.size(); ++c)
    if (s.clps[c].labour_held) held.push_back(int(c));
  if (s.mps.count > 0 && size_t(s.mps.count) < held.size()) {
    std::stable_sort(held.begin(), held.end(), [&](int a, int b) {
      return mix64(name_hash(s.clps[size_t(a)].name)) < mix64(name_hash(s.clps[size_t(b)].name));
    });
    held.resize(size_t(s.mps.count));
    std::sort(held.begin(), held.end());
  }
  return held;
}

// Fits alpha so that the mean over MPs of the logit choice probabilities (scale `noise`) equals
// `target`. The contraction converges for any positive targets (it is the BLP inversion).
std::vector<double> calibrate(const Eigen::MatrixXd& v, const std::vector<double>& target,
                              double noise) {
  const int n = int(v.rows()), k = int(v.cols());
  std::vector<double> alpha(static_cast<size_t>(k), 0.0);
  std::vector<double> predicted(static_cast<size_t>(k), 0.0);
  if (n == 0 || noise <= 0) return alpha;
  std::vector<double> p(static_cast<size_t>(k), 0.0);
  for (int iter = 0; iter < 2000; ++iter) {
    std::fill(predicted.begin(), predicted.end(), 0.0);
    for (int i = 0; i < n; ++i) {
      double top = -INFINITY, sum = 0;
      for (int c = 0; c < k; ++c) top = std::max(top, (alpha[size_t(c)] + v(i, c)) / noise);
      for (int c = 0; c < k; ++c) sum += p[size_t(c)] = std::exp((alpha[size_t(c)] + v(i, c)) / noise - top);
      for (int c = 0; c < k; ++c) predicted[size_t(c)] += p[size_t(c)] / sum / n;
    }
    double worst = 0;
    for (int c = 0; c < k; ++c) {
      const double step = noise * std::log(target[size_t(c)] / predicted[size_t(c)]);
      alpha[size_t(c)] += step;
      worst = std::max(worst, std::abs(step));
    }
    if (worst < 1e-9) break;
  }
  // Only differences matter: centre them so the numbers in manifests are readable.
  double mean = 0;
  for (double a : alpha) mean += a / k;
  for (double& a : alpha) a -= mean;
  return alpha;
}

}  // namespace

Parliament synthesise_parliament(const Scenario& s, std::uint64_t seed) {
  Parliament p;
  const int k = int(s.candidates.size()), dims = s.dims;
  for (int c : seated_mps(s)) {
    p.clp.push_back(c);
    p.mep.push_back(0);
  }
  const int seated = int(p.clp.size());
  const int extra = s.mps.count > seated ? s.mps.count - seated + s.mps.extra_mps : s.mps.extra_mps;
  for (int i = 0; i < extra; ++i) {
    p.clp.push_back(-1);
    p.mep.push_back(0);
  }
  for (int i = 0; i < s.mps.meps; ++i) {
    p.clp.push_back(-1);
    p.mep.push_back(1);
  }
  const int n = p.size();
  Stream g(derive_key(derive_key(seed, name_hash("population")), name_hash("parliament")));
  boost::random::normal_distribution<double> normal(0, 1);
  boost::random::exponential_distribution<double> expo(1.0);
  std::vector<double> cdf;
  double acc = 0;
  for (double x : s.mps.factions) cdf.push_back(acc += x);
  Eigen::MatrixXd v(n, k);
  p.faction.resize(size_t(n));
  Eigen::VectorXd x(dims);
  for (int i = 0; i < n; ++i) {
    const double u = g.uniform() * acc;
    int f = 0;
    while (f + 1 < int(cdf.size()) && u >= cdf[size_t(f)]) ++f;
    p.faction[size_t(i)] = std::uint8_t(f);
    const Faction& fac = s.factions[size_t(f)];
    for (int d = 0; d < dims; ++d) x[d] = fac.centre[d] + fac.spread * normal(g);
    const double loyalty = s.mps.loyalty * expo(g);
    for (int c = 0; c < k; ++c) {
      const Candidate& cand = s.candidates[size_t(c)];
      v(i, c) = cand.valence - s.campaign.salience * (x - cand.position).squaredNorm() +
                s.campaign.taste_sd * normal(g) + (cand.incumbent ? loyalty : 0.0);
    }
  }
  p.alpha.assign(size_t(k), 0.0);
  if (s.mps.support_given) {
    // Target first choices among those who nominate (the last slot of support is "none").
    std::vector<double> target(static_cast<size_t>(k));
    double sum = 0;
    for (int c = 0; c < k; ++c) sum += target[size_t(c)] = std::max(s.mps.support[size_t(c)], 1e-4);
    for (double& t : target) t /= sum;
    p.alpha = calibrate(v, target, s.mps.noise);
  }
  p.base = v;
  for (int c = 0; c < k; ++c) p.base.col(c).array() += p.alpha[size_t(c)];
  return p;
}

MpRun::MpRun(const Scenario& s, const Parliament& p, std::uint64_t run_key)
    : p_(&p), n_(p.size()), k_(int(s.candidates.size())) {
  u_.resize(size_t(n_) * size_t(k_));
  nominates_.resize(size_t(n_));
  Stream g(derive_key(run_key, name_hash("mps")));
  const double none = s.mps.support_given ? s.mps.support.back() : 0.0;
  const double scale = s.mps.noise;
  for (int i = 0; i < n_; ++i) {
    nominates_[size_t(i)] = g.uniform() >= none;
    for (int c = 0; c < k_; ++c) {
      // Gumbel(0, scale) by inversion; the clamp keeps log(0) out.
      const double e = -std::log(std::max(g.uniform(), 1e-300));
      u_[size_t(i) * size_t(k_) + size_t(c)] = float(p.base(i, c) - scale * std::log(e));
    }
  }
}

int MpRun::best(int mp, const std::vector<bool>& standing) const {
  int b = -1;
  for (int c = 0; c < k_; ++c)
    if (standing[size_t(c)] && (b < 0 || utility(mp, c) > utility(mp, b))) b = c;
  return b;
}

int MpRun::ranking(int mp, const std::vector<bool>& standing, std::uint8_t* out) const {
  int m = 0;
  for (int c = 0; c < k_; ++c)
    if (standing[size_t(c)]) out[m++] = std::uint8_t(c);
  // Insertion sort, best first (stable: equal utilities keep candidate order).
  for (int a = 1; a < m; ++a)
    for (int q = a; q > 0 && utility(mp, out[q]) > utility(mp, out[q - 1]); --q)
      std::swap(out[q], out[q - 1]);
  return m;
}

MpBallotResult run_mp_ballot(const Scenario& s, const MpRun& mps, std::vector<bool>& standing,
                             std::uint64_t run_key) {
  const int k = int(s.candidates.size());
  const MpBallotRules& rules = s.rules.mp_ballot;
  MpBallotResult r;
  r.out_round.assign(size_t(k), 0);
  r.withdrew.assign(size_t(k), false);
  const std::uint64_t tie_seed = derive_key(run_key, name_hash("mp-ballot-lots"));
  auto left = [&] { return int(std::count(standing.begin(), standing.end(), true)); };
  for (int round = 0; left() > rules.finalists; ++round) {
    std::vector<int> votes(size_t(k), 0);
    for (int i = 0; i < mps.size(); ++i) {
      const int c = mps.best(i, standing);
      if (c >= 0) ++votes[size_t(c)];
    }
    r.rounds.push_back(votes);
    const MpRoundDecision d = decide_mp_round(rules, round, r.rounds, standing, tie_seed);
    r.by_lot = r.by_lot || d.by_lot;
    for (int c : d.eliminated) {
      standing[size_t(c)] = false;
      r.out_round[size_t(c)] = round + 1;
    }
    for (int c : d.withdrawn) {
      standing[size_t(c)] = false;
      r.out_round[size_t(c)] = round + 1;
      r.withdrew[size_t(c)] = true;
    }
  }
  if (left() == 2 && rules.runner_up_withdraws > 0 && !r.rounds.empty()) {
    Stream g(derive_key(run_key, name_hash("runner-up")));
    if (g.uniform() < rules.runner_up_withdraws) {
      // The finalist with fewer votes in the last round withdraws.
      const auto& last = r.rounds.back();
      int a = -1, b = -1;
      for (int c = 0; c < k; ++c)
        if (standing[size_t(c)]) (a < 0 ? a : b) = c;
      const int loser = last[size_t(b)] < last[size_t(a)] ? b : a;
      standing[size_t(loser)] = false;
      r.withdrew[size_t(loser)] = true;
      r.out_round[size_t(loser)] = int(r.rounds.size());
      r.runner_up_withdrew = true;
    }
  }
  return r;
}

}  // namespace leadsim
