// abc.cpp: ABC-SMC (abc.hpp): priors, the generations, the kernel and the weights.
#include "leadsim/abc.hpp"

#include <algorithm>
#include <boost/random/beta_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>

#include "leadsim/eigen.hpp"
#include "leadsim/random.hpp"

namespace leadsim {

bool Prior::contains(double x) const { return std::isfinite(x) && x >= lo && x <= hi; }

double Prior::to_working(double x) const { return kind == Kind::log_uniform ? std::log(x) : x; }
double Prior::from_working(double z) const { return kind == Kind::log_uniform ? std::exp(z) : z; }

double Prior::log_density_working(double z) const {
  const double x = from_working(z);
  if (!contains(x)) return -std::numeric_limits<double>::infinity();
  switch (kind) {
    case Kind::uniform:
    case Kind::log_uniform: return 0;  // flat on the working scale (log scale for log-uniform)
    case Kind::normal: return -0.5 * ((x - a) / b) * ((x - a) / b);
    case Kind::beta: {
      // The ends themselves (density 0 or infinite) are nudged inside: they have probability 0.
      const double t = std::clamp((x - lo) / (hi - lo), 1e-300, 1 - 1e-16);
      return (a - 1) * std::log(t) + (b - 1) * std::log1p(-t);
    }
  }
  return 0;
}

double Prior::sample(std::uint64_t key) const {
  Stream g(key);
  switch (kind) {
    case Kind::uniform: return lo + g.uniform() * (hi - lo);
    case Kind::log_uniform: return std::exp(std::log(lo) + g.uniform() * (std::log(hi) - std::log(lo)));
    case Kind::normal: {
      boost::random::normal_distribution<double> n(a, b);
      for (int tries = 0; tries < 100000; ++tries) {
        const double x = n(g);
        if (contains(x)) return x;
      }
      throw std::invalid_argument("a normal prior with almost no mass inside its field's range");
    }
    case Kind::beta: {
      boost::random::beta_distribution<double> d(a, b);
      return lo + d(g) * (hi - lo);
    }
  }
  return lo;
}

const char* Prior::kind_id() const {
  switch (kind) {
    case Kind::uniform: return "uniform";
    case Kind::log_uniform: return "log_uniform";
    case Kind::normal: return "normal";
    case Kind::beta: return "beta";
  }
  return "?";
}

double abc_distance(const std::vector<double>& s, const std::vector<double>& observed,
                    const std::vector<double>& scale) {
  double d2 = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double e = (s[i] - observed[i]) / scale[i];
    d2 += e * e;
  }
  return std::isfinite(d2) ? std::sqrt(d2) : std::numeric_limits<double>::infinity();
}

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The normal perturbation kernel on the working scale: covariance twice the weighted covariance
// of the previous generation (a small ridge keeps it positive definite when a parameter has
// collapsed to one value).
struct Kernel {
  Eigen::MatrixXd chol;       // lower Cholesky factor of the covariance
  Eigen::MatrixXd precision;  // its inverse
  double log_norm = 0;        // -0.5 * log det(2 pi Sigma)

  Kernel(const std::vector<Eigen::VectorXd>& z, const std::vector<double>& w) {
    const Eigen::Index d = z[0].size();
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    for (size_t i = 0; i < z.size(); ++i) mean += w[i] * z[i];
    Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(d, d);
    for (size_t i = 0; i < z.size(); ++i) cov += w[i] * (z[i] - mean) * (z[i] - mean).transpose();
    cov *= 2.0;
    for (Eigen::Index j = 0; j < d; ++j) cov(j, j) += 1e-12 * (1.0 + std::abs(mean(j)) * std::abs(mean(j)));
    Eigen::LLT<Eigen::MatrixXd> llt(cov);
    chol = llt.matrixL();
    precision = llt.solve(Eigen::MatrixXd::Identity(d, d));
    double logdet = 0;
    for (Eigen::Index j = 0; j < d; ++j) logdet += 2 * std::log(chol(j, j));
    log_norm = -0.5 * (double(d) * std::log(2 * M_PI) + logdet);
  }
  double log_density(const Eigen::VectorXd& x, const Eigen::VectorXd& centre) const {
    const Eigen::VectorXd e = x - centre;
    return log_norm - 0.5 * e.dot(precision * e);
  }
};

double effective_sample_size(const std::vector<Particle>& ps) {
  double s = 0;
  for (const Particle& p : ps) s += p.weight * p.weight;
  return s > 0 ? 1.0 / s : 0;
}

void normalise(std::vector<Particle>& ps, const std::vector<double>& log_w) {
  const double top = *std::max_element(log_w.begin(), log_w.end());
  double total = 0;
  for (size_t i = 0; i < ps.size(); ++i) total += (ps[i].weight = std::exp(log_w[i] - top));
  for (Particle& p : ps) p.weight /= total;
}

}  // namespace

double weighted_quantile(std::vector<std::pair<double, double>> vw, double q) {
  if (vw.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(vw.begin(), vw.end());
  double c = 0;
  if (q <= 0.5) {
    for (const auto& [v, w] : vw) {
      c += w;
      if (c >= q - 1e-12) return v;
    }
    return vw.back().first;
  }
  for (auto it = vw.rbegin(); it != vw.rend(); ++it) {
    c += it->second;
    if (c >= 1 - q - 1e-12) return it->first;
  }
  return vw.front().first;
}

double weighted_mean(const Generation& g, size_t p) {
  double m = 0;
  for (const Particle& x : g.particles) m += x.weight * x.theta[p];
  return m;
}

double weighted_quantile(const Generation& g, size_t p, double q) {
  std::vector<std::pair<double, double>> vw;
  for (const Particle& x : g.particles) vw.emplace_back(x.theta[p], x.weight);
  return weighted_quantile(std::move(vw), q);
}

double weight_near_bound(const Generation& g, size_t p, const Prior& prior, bool upper,
                         double fraction) {
  if (!std::isfinite(prior.lo) || !std::isfinite(prior.hi)) return std::numeric_limits<double>::quiet_NaN();
  const double lo = prior.to_working(prior.lo), hi = prior.to_working(prior.hi);
  const double width = fraction * (hi - lo);
  double w = 0;
  for (const Particle& x : g.particles) {
    const double z = prior.to_working(x.theta[p]);
    if (upper ? z >= hi - width : z <= lo + width) w += x.weight;
  }
  return w;
}

AbcResult abc_smc(const std::vector<Prior>& priors, const std::vector<double>& observed,
                  const std::vector<double>& scale, const AbcOptions& opt,
                  const BatchSimulator& simulate,
                  const std::function<void(const Generation&, int)>& on_generation,
                  const std::function<void(const AbcProgress&)>& progress,
                  const std::atomic<bool>* cancel, std::vector<Generation> resume) {
  if (priors.empty()) throw std::invalid_argument("ABC needs at least one parameter");
  if (observed.empty() || observed.size() != scale.size())
    throw std::invalid_argument("ABC needs targets, each with a scale");
  if (opt.particles == 0 || opt.generations < 1) throw std::invalid_argument("ABC needs particles");
  const size_t d = priors.size();
  const std::uint64_t n = opt.particles;
  const std::uint64_t batch = opt.batch ? opt.batch : n;
  const std::uint64_t cap = opt.max_candidates ? opt.max_candidates : 50 * n;
  const std::uint64_t root = derive_key(opt.seed, name_hash("abc"));
  AbcResult out;
  auto cancelled = [&] { return cancel && cancel->load(); };
  // Whether the calibration stops after finished generation t (its stop reason, or "").
  auto stop_after = [&](const Generation& done, int t) -> std::string {
    if (t + 1 == opt.generations) return "generations";
    if (t > 0 && done.acceptance() < opt.min_acceptance) return "acceptance";
    if (opt.final_tolerance > 0 && done.tolerance <= opt.final_tolerance) return "tolerance";
    return "";
  };
  // Resumed: the finished generations as they were. Nothing of a generation carries over to the
  // next but its particles (each candidate has its own stream), so going on from them gives what
  // the uninterrupted calibration gave. Should the last of them have been the end, it is now.
  if (resume.size() > size_t(opt.generations))
    throw std::invalid_argument("ABC resumed with more generations than it runs");
  for (const Generation& g : resume)
    if (g.particles.size() != n) throw std::invalid_argument("ABC resumed with a generation of another size");
  out.generations = std::move(resume);
  for (int t = 0; t < int(out.generations.size()); ++t)
    if (std::string why = stop_after(out.generations[size_t(t)], t); !why.empty()) {
      if (size_t(t + 1) != out.generations.size())
        throw std::invalid_argument("ABC resumed with generations past its stop");
      out.stop_reason = why;
      return out;
    }

  for (int t = int(out.generations.size()); t < opt.generations; ++t) {
    const std::uint64_t gen_key = derive_key(root, std::uint64_t(t));
    Generation g;
    const Generation* prev = t > 0 ? &out.generations.back() : nullptr;
    if (prev) {
      std::vector<std::pair<double, double>> dw;
      for (const Particle& p : prev->particles) dw.emplace_back(p.distance, p.weight);
      g.tolerance = weighted_quantile(std::move(dw), opt.quantile);
    } else {
      g.tolerance = kInfinity;
    }
    // The previous generation on the working scale, its kernel and cumulative weights.
    std::vector<Eigen::VectorXd> z_prev;
    std::vector<double> w_prev, cumulative;
    std::unique_ptr<Kernel> kernel;
    if (prev) {
      for (const Particle& p : prev->particles) {
        Eigen::VectorXd z(d);
        for (size_t j = 0; j < d; ++j) z(Eigen::Index(j)) = priors[j].to_working(p.theta[j]);
        z_prev.push_back(std::move(z));
        w_prev.push_back(p.weight);
      }
      kernel = std::make_unique<Kernel>(z_prev, w_prev);
      cumulative.resize(w_prev.size());
      std::partial_sum(w_prev.begin(), w_prev.end(), cumulative.begin());
    }
    std::vector<double> log_w;
    std::uint64_t next = 0;  // the next candidate index
    while (g.particles.size() < n && next < cap) {
      // A batch of candidates, each from its own stream; those outside the support are refused.
      std::vector<std::vector<double>> thetas;
      std::vector<std::uint64_t> ids;
      std::vector<Eigen::VectorXd> zs;
      const std::uint64_t want = prev ? batch : n;
      for (std::uint64_t c = 0; c < want && next < cap; ++c, ++next) {
        const std::uint64_t key = derive_key(gen_key, next);
        std::vector<double> theta(d);
        Eigen::VectorXd z(d);
        if (!prev) {
          for (size_t j = 0; j < d; ++j) {
            theta[j] = priors[j].sample(derive_key(key, j));
            z(Eigen::Index(j)) = priors[j].to_working(theta[j]);
          }
        } else {
          Stream s(key);
          const double u = s.uniform() * cumulative.back();
          const size_t parent = size_t(std::upper_bound(cumulative.begin(), cumulative.end(), u) -
                                       cumulative.begin());
          boost::random::normal_distribution<double> normal(0, 1);
          Eigen::VectorXd e(d);
          for (size_t j = 0; j < d; ++j) e(Eigen::Index(j)) = normal(s);
          z = z_prev[std::min(parent, z_prev.size() - 1)] + kernel->chol * e;
          bool inside = true;
          for (size_t j = 0; j < d; ++j) {
            theta[j] = priors[j].from_working(z(Eigen::Index(j)));
            inside = inside && priors[j].contains(theta[j]);
          }
          if (!inside) {
            ++g.refused;
            continue;
          }
        }
        thetas.push_back(std::move(theta));
        ids.push_back(next);
        zs.push_back(std::move(z));
      }
      if (thetas.empty()) continue;
      const std::vector<std::vector<double>> summaries = simulate(thetas, t, ids);
      if (summaries.size() < thetas.size() || cancelled()) {
        out.cancelled = true;
        out.stop_reason = "cancelled";
        return out;
      }
      for (size_t i = 0; i < thetas.size() && g.particles.size() < n; ++i) {
        ++g.proposed;
        const double dist = abc_distance(summaries[i], observed, scale);
        if (!(dist <= g.tolerance)) continue;
        Particle p;
        p.theta = thetas[i];
        p.distance = dist;
        p.summary = summaries[i];
        p.candidate = ids[i];
        double lw = 0;
        for (size_t j = 0; j < d; ++j) lw += priors[j].log_density_working(zs[i](Eigen::Index(j)));
        if (prev) {
          // log sum_j w_j K(z | z_j), by log-sum-exp.
          double top = -kInfinity;
          std::vector<double> terms(z_prev.size());
          for (size_t k = 0; k < z_prev.size(); ++k) {
            terms[k] = std::log(w_prev[k]) + kernel->log_density(zs[i], z_prev[k]);
            top = std::max(top, terms[k]);
          }
          double s = 0;
          for (double x : terms) s += std::exp(x - top);
          lw -= top + std::log(s);
        }
        log_w.push_back(lw);
        g.particles.push_back(std::move(p));
      }
      if (progress) progress({t, g.tolerance, g.particles.size(), g.proposed, n});
    }
    if (g.particles.size() < n) {
      // The candidate cap was reached first: the previous generation is the answer.
      if (t == 0) throw std::invalid_argument("ABC could not fill its first generation");
      out.stop_reason = "budget";
      return out;
    }
    normalise(g.particles, log_w);
    g.ess = effective_sample_size(g.particles);
    out.generations.push_back(std::move(g));
    const Generation& done = out.generations.back();
    if (on_generation) on_generation(done, t);
    if (std::string why = stop_after(done, t); !why.empty()) {
      out.stop_reason = why;
      break;
    }
  }
  return out;
}

}  // namespace leadsim
