#include "leadsim/preferences.hpp"

#include <boost/random/normal_distribution.hpp>
#include <cmath>

#include "leadsim/random.hpp"

namespace leadsim {

RunPreferences::RunPreferences(const Scenario& s, std::uint64_t run_key)
    : k_(int(s.candidates.size())),
      dims_(s.dims),
      factions_(int(s.factions.size())),
      waves_(int(s.waves.size())),
      salience_(float(s.campaign.salience)),
      taste_sd_(float(s.campaign.taste_sd)),
      draws_(run_key) {
  boost::random::normal_distribution<double> normal(0.0, 1.0);
  Stream swing(derive_key(run_key, name_hash("swing")));
  for (const auto& c : s.candidates) {
    for (int d = 0; d < dims_; ++d) cand_pos_.push_back(float(c.position[d]));
    valence_.push_back(float(c.valence));
    swing_.push_back(float(s.campaign.swing_sd * normal(swing)));
    constant_.push_back(float(c.valence + swing_.back() - s.campaign.salience * c.position.squaredNorm()));
  }
  // Position x = centre + spread * offset, so a_c = constant_c + 2 s centre.x_c and
  // b_c = 2 s spread x_c.
  for (const auto& f : s.factions) {
    for (int d = 0; d < dims_; ++d) centre_.push_back(float(f.centre[d]));
    spread_.push_back(float(f.spread));
    for (int c = 0; c < k_; ++c) {
      const Eigen::VectorXd& x = s.candidates[size_t(c)].position;
      faction_a_.push_back(float(constant_[size_t(c)] + 2 * s.campaign.salience * f.centre.dot(x)));
      for (int d = 0; d < dims_; ++d)
        faction_b_.push_back(float(2 * s.campaign.salience * f.spread * x[d]));
    }
  }
  Stream lean(derive_key(run_key, name_hash("clp-lean")));
  const size_t n_clps = s.clps.size();
  cdf_.resize(n_clps * size_t(waves_) * size_t(factions_));
  std::vector<double> eta(static_cast<size_t>(factions_));
  for (size_t c = 0; c < n_clps; ++c) {
    const Clp& clp = s.clps[c];
    for (int f = 0; f < factions_; ++f) {
      const Faction& fa = s.factions[size_t(f)];
      eta[size_t(f)] = fa.covariate_effect * clp.covariate + fa.region_lean[size_t(clp.region)] +
                       s.clp_dispersion * normal(lean);
    }
    for (int w = 0; w < waves_; ++w) {
      float* row = &cdf_[(c * size_t(waves_) + size_t(w)) * size_t(factions_)];
      double total = 0;
      for (int f = 0; f < factions_; ++f)
        total += s.waves[size_t(w)].faction_mix[size_t(f)] * std::exp(eta[size_t(f)]);
      double acc = 0;
      for (int f = 0; f < factions_; ++f) {
        acc += s.waves[size_t(w)].faction_mix[size_t(f)] * std::exp(eta[size_t(f)]) / total;
        row[f] = float(acc);
      }
      row[factions_ - 1] = 1.0f;  // guard against rounding: the last faction takes the remainder
    }
  }
}

void RunPreferences::add_national_shift(const std::vector<float>& shift) {
  for (int c = 0; c < k_; ++c) {
    constant_[size_t(c)] += shift[size_t(c)];
    for (int f = 0; f < factions_; ++f) faction_a_[size_t(f * k_ + c)] += shift[size_t(c)];
  }
}

double RunPreferences::faction_probability(int clp, int wave, int f) const {
  const float* row = &cdf_[(size_t(clp) * size_t(waves_) + size_t(wave)) * size_t(factions_)];
  return row[f] - (f > 0 ? row[f - 1] : 0.0f);
}

int first_choice(const Scenario& s, std::span<const float> utility, const std::vector<bool>& standing,
                 bool hostile) {
  int best = -1;
  for (int c = 0; c < int(utility.size()); ++c) {
    if (!standing[size_t(c)]) continue;
    if (best < 0) {
      best = c;
    } else if (hostile) {
      if (s.candidates[size_t(c)].electability < s.candidates[size_t(best)].electability) best = c;
    } else if (utility[size_t(c)] > utility[size_t(best)]) {
      best = c;
    }
  }
  return best;
}

}  // namespace leadsim
