// clp_identity.cpp: fitting each CLP's lasting lean and activity to its past nomination
// (clp_identity.hpp gives the model).
#include "leadsim/clp_identity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <ostream>

#include "leadsim/ensemble.hpp"
#include "leadsim/random.hpp"
#include "person_formulas.hpp"  // logistic
#include "scenario_clps.hpp"     // clp_of_row
#include "text.hpp"

namespace leadsim {

ObservedNominations read_observed_nominations(const Scenario& s, const std::string& path) {
  std::vector<Diagnostic> diags;
  CsvTable csv;
  if (!read_csv(path, "observed nominations file", csv, diags)) throw InputError(diags);
  const int c_clp = csv.column("clp"), c_nom = csv.column("nominated");
  if (c_clp < 0 || c_nom < 0)
    throw InputError({{path, 1, 1, "the observed nominations file needs columns 'clp' and 'nominated'"}});
  ObservedNominations out;
  out.outcome.assign(s.clps.size(), kUnobserved);
  std::vector<int> first_line(s.clps.size(), 0);
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    const std::string& who = csv.rows[r][size_t(c_nom)];
    const int clp = detail::clp_of_row(s, csv, r, c_clp, path, first_line, diags);
    if (clp == -1) ++out.unmatched_rows;
    if (clp < 0) continue;
    int k = who == "none" ? kNoNomination : s.candidate_index(who);
    if (who != "none" && k < 0) {
      std::vector<std::string> ids{"none"};
      for (const auto& c : s.candidates) ids.push_back(c.id);
      diags.push_back({path, csv.lines[r], 1,
                       fmt::format("'{}' is neither a candidate of {} nor none{}", who, s.name,
                                   did_you_mean(who, ids))});
      continue;
    }
    out.outcome[size_t(clp)] = k;
    ++out.matched;
  }
  if (!diags.empty()) throw InputError(diags);
  if (out.matched == 0)
    throw InputError({{path, 1, 1, fmt::format("no row names a CLP of {}", s.name)}});
  return out;
}

namespace {

// Counts each CLP's outcome at the lean value it held in each run.
class GridCounter : public RunObserver {
 public:
  GridCounter(std::vector<std::vector<std::vector<double>>>& counts, int offset, int grid)
      : counts_(counts), offset_(offset), grid_(grid) {}
  void on_run(const RunResult& r) override {
    const int none = int(counts_[0][0].size()) - 1;
    for (size_t c = 0; c < r.clp_nominee.size(); ++c) {
      const int g = int((c + size_t(offset_)) % size_t(grid_));
      const int k = r.clp_nominee[c] < 0 ? none : r.clp_nominee[c];
      counts_[c][size_t(g)][size_t(k)] += 1;
    }
  }

 private:
  std::vector<std::vector<std::vector<double>>>& counts_;
  int offset_, grid_;
};

// The activity prior as fixed nodes: an even grid over +-4 sd, weights from the normal density.
struct Nodes {
  std::vector<double> x, w;
};
Nodes normal_nodes(double sd, int n) {
  Nodes out;
  if (sd <= 0) return {{0.0}, {1.0}};
  double total = 0;
  for (int i = 0; i < n; ++i) {
    const double z = -4.0 + 8.0 * i / (n - 1);
    out.x.push_back(sd * z);
    out.w.push_back(std::exp(-0.5 * z * z));
    total += out.w.back();
  }
  for (double& w : out.w) w /= total;
  return out;
}

// Prior weights of the lean grid under N(0, tau^2) (tau = 0: all weight on the value nearest 0).
std::vector<double> lean_prior(const std::vector<double>& grid, double tau) {
  std::vector<double> w(grid.size(), 0.0);
  if (tau <= 0) {
    size_t best = 0;
    for (size_t g = 1; g < grid.size(); ++g)
      if (std::fabs(grid[g]) < std::fabs(grid[best])) best = g;
    w[best] = 1;
    return w;
  }
  double total = 0;
  for (size_t g = 0; g < grid.size(); ++g) total += w[g] = std::exp(-0.5 * grid[g] * grid[g] / (tau * tau));
  for (double& x : w) x /= total;
  return w;
}

}  // namespace

IdentityFit fit_clp_identity(const Scenario& past, const Population& pop,
                             const ObservedNominations& observed, const IdentityFitOptions& opt) {
  const int G = std::max(3, opt.grid);
  const int K = int(past.candidates.size());
  const size_t n = past.clps.size();
  IdentityFit fit;
  fit.activity_sd = opt.activity_sd;
  for (int g = 0; g < G; ++g) fit.grid.push_back(-opt.lean_range + 2 * opt.lean_range * g / (G - 1));

  // P_sim(outcome | meets, lean): every CLP meets; in the runs of offset o, CLP c sits at grid
  // value (c + o) mod G, so each run holds every lean at once and the nation as a whole stays
  // balanced (its swing and momentum are those of a typical run).
  std::vector<std::vector<std::vector<double>>> counts(
      n, std::vector<std::vector<double>>(size_t(G), std::vector<double>(size_t(K + 1), 0.0)));
  for (int o = 0; o < G; ++o) {
    Scenario s = past;
    s.meetings.meet = 1.0;
    for (size_t c = 0; c < n; ++c) {
      Clp& clp = s.clps[c];
      clp.lean_mean = fit.grid[(c + size_t(o)) % size_t(G)];
      clp.lean_sd = clp.activity_mean = clp.activity_sd = 0;
    }
    GridCounter counter(counts, o, G);
    EnsembleOptions eo;
    eo.seed = derive_key(opt.seed, std::uint64_t(o) + 1);
    eo.runs = std::uint64_t(opt.runs_per_grid);
    eo.threads = opt.threads;
    run_ensemble(s, pop, eo, &counter);
    fit.runs += eo.runs;
  }
  // Smoothed: neighbouring lean values weighted 1-2-1 (the likelihood is smooth in the lean; the
  // simulation's frequencies are not), then half a count per outcome so none is exactly zero.
  // like[c][g][k] = P_sim(outcome k | meets, lean grid[g]) for CLP c, k = candidates then none.
  std::vector<std::vector<std::vector<double>>> like(
      n, std::vector<std::vector<double>>(size_t(G), std::vector<double>(size_t(K + 1))));
  for (size_t c = 0; c < n; ++c)
    for (int g = 0; g < G; ++g) {
      std::vector<double> sm(size_t(K + 1), 0.0);
      double total = 0;
      for (int d = -1; d <= 1; ++d) {
        const int h = std::clamp(g + d, 0, G - 1);
        const double w = d == 0 ? 2 : 1;
        for (int k = 0; k <= K; ++k) sm[size_t(k)] += w * counts[c][size_t(h)][size_t(k)];
      }
      for (int k = 0; k <= K; ++k) total += sm[size_t(k)] += 0.5;
      for (int k = 0; k <= K; ++k) like[c][size_t(g)][size_t(k)] = sm[size_t(k)] / total;
    }

  const Nodes act = normal_nodes(opt.activity_sd, 41);
  std::vector<double> meet_at(act.x.size());  // p(A) at each activity node, for a given a0
  auto set_a0 = [&](double a0) {
    double m = 0;
    for (size_t h = 0; h < act.x.size(); ++h) m += act.w[h] * (meet_at[h] = person::logistic(a0 + act.x[h]));
    return m;  // E_A[p(A)]
  };
  // E_L[P_sim(y_c | meets, L)] under N(0, tau^2), per observed CLP: its outcome's and none's.
  std::vector<double> mix_y(n), mix_none(n);
  auto set_tau = [&](double tau) {
    const std::vector<double> prior = lean_prior(fit.grid, tau);
    for (size_t c = 0; c < n; ++c) {
      const int y = observed.outcome[c];
      if (y == kUnobserved) continue;
      mix_y[c] = mix_none[c] = 0;
      for (int g = 0; g < G; ++g) {
        mix_y[c] += prior[size_t(g)] * like[c][size_t(g)][size_t(y == kNoNomination ? K : y)];
        mix_none[c] += prior[size_t(g)] * like[c][size_t(g)][size_t(K)];
      }
    }
  };
  auto loglik = [&](double m) {  // m = E_A[p(A)]; the mixes of the current tau
    double ll = 0;
    for (size_t c = 0; c < n; ++c) {
      const int y = observed.outcome[c];
      if (y == kUnobserved) continue;
      ll += y == kNoNomination ? std::log(1 - m + m * mix_none[c]) : std::log(m * mix_y[c]);
    }
    return ll;
  };
  // Marginal maximum likelihood on a grid of tau and a0 (two parameters: a grid is exact enough
  // and cannot be trapped by a local optimum). tau = 0, the first row, is the model with no
  // lasting lean.
  double best = -std::numeric_limits<double>::infinity();
  fit.log_likelihood_tau0 = best;
  for (int i = 0; i <= 60; ++i) {
    const double tau = 0.05 * i;
    set_tau(tau);
    for (int j = 0; j <= 160; ++j) {
      const double a0 = -4.0 + 0.05 * j;
      const double ll = loglik(set_a0(a0));
      if (i == 0) fit.log_likelihood_tau0 = std::max(fit.log_likelihood_tau0, ll);
      if (ll > best) best = ll, fit.tau = tau, fit.a0 = a0;
    }
  }
  fit.log_likelihood = best;

  // Posterior per CLP on the (lean, activity) grid.
  const std::vector<double> prior = lean_prior(fit.grid, fit.tau);
  set_a0(fit.a0);
  fit.clps.resize(n);
  for (size_t c = 0; c < n; ++c) {
    ClpPosterior& post = fit.clps[c];
    const int y = post.observed = observed.outcome[c];
    double z = 0, l1 = 0, l2 = 0, a1 = 0, a2 = 0;
    for (int g = 0; g < G; ++g)
      for (size_t h = 0; h < act.x.size(); ++h) {
        const double p = meet_at[h];
        const double* lk = like[c][size_t(g)].data();
        const double l = y == kNoNomination ? 1 - p + p * lk[K] : y == kUnobserved ? 1 : p * lk[y];
        const double w = prior[size_t(g)] * act.w[h] * l;
        z += w;
        l1 += w * fit.grid[size_t(g)], l2 += w * fit.grid[size_t(g)] * fit.grid[size_t(g)];
        a1 += w * act.x[h], a2 += w * act.x[h] * act.x[h];
      }
    post.lean_mean = l1 / z;
    post.lean_sd = std::sqrt(std::max(0.0, l2 / z - post.lean_mean * post.lean_mean));
    post.activity_mean = a1 / z;
    post.activity_sd = std::sqrt(std::max(0.0, a2 / z - post.activity_mean * post.activity_mean));
  }
  return fit;
}

void write_identity_csv(std::ostream& out, const Scenario& past, const IdentityFit& fit) {
  out << "clp,observed,lean_mean,lean_sd,activity_mean,activity_sd\n";
  for (size_t c = 0; c < past.clps.size(); ++c) {
    const ClpPosterior& p = fit.clps[c];
    const std::string name = csv_field(past.clps[c].name);
    const std::string obs = p.observed == kUnobserved     ? ""
                            : p.observed == kNoNomination ? "none"
                                                          : past.candidates[size_t(p.observed)].id;
    out << fmt::format("{},{},{:.4f},{:.4f},{:.4f},{:.4f}\n", name, obs, p.lean_mean, p.lean_sd,
                       p.activity_mean, p.activity_sd);
  }
}

}  // namespace leadsim
