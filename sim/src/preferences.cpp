#include "leadsim/preferences.hpp"

#include <boost/random/normal_distribution.hpp>
#include <cmath>

#include "block.hpp"
#include "leadsim/random.hpp"
#include "person_formulas.hpp"

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
    swing_.push_back(float(s.campaign.swing_sd * normal(swing)));
    constant_.push_back(float(c.valence + swing_.back() - s.campaign.salience * c.position.squaredNorm() +
                              s.campaign.electability_weight * c.electability));
  }
  // Position x = centre + spread * offset, so a_fc = constant_c + 2 s centre_f.x_c (see header).
  for (const auto& f : s.factions) {
    for (int d = 0; d < dims_; ++d) centre_.push_back(float(f.centre[d]));
    spread_.push_back(float(f.spread));
    for (int c = 0; c < k_; ++c) {
      const Eigen::VectorXd& x = s.candidates[size_t(c)].position;
      faction_a_.push_back(float(constant_[size_t(c)] + 2 * s.campaign.salience * f.centre.dot(x)));
    }
  }
  // The polls' error (see header): per run, a log-odds shock on each faction's weight in each
  // wave's mix, from its section and its own; on streams of their own, drawn only when an sd is
  // set, so that a scenario without them draws what it drew before.
  bool poll_error = s.campaign.cohort_error > 0;
  for (double sd : s.campaign.poll_error) poll_error |= sd > 0;
  std::vector<double> mix(s.waves.size() * size_t(factions_));
  for (int w = 0; w < waves_; ++w)
    for (int f = 0; f < factions_; ++f) mix[size_t(w * factions_ + f)] = s.waves[size_t(w)].faction_mix[size_t(f)];
  if (poll_error) {
    Stream poll(derive_key(run_key, name_hash("poll-error")));
    Stream cohort(derive_key(run_key, name_hash("cohort-error")));
    std::vector<double> section(size_t(kSections) * size_t(factions_));
    for (int sec = 0; sec < kSections; ++sec)
      for (int f = 0; f < factions_; ++f)
        section[size_t(sec * factions_ + f)] = s.campaign.poll_error[sec] * normal(poll);
    mix_shock_.resize(mix.size());
    for (int w = 0; w < waves_; ++w)
      for (int f = 0; f < factions_; ++f) {
        const size_t j = size_t(w * factions_ + f);
        mix_shock_[j] = section[size_t(int(s.waves[size_t(w)].section) * factions_ + f)] +
                        s.campaign.cohort_error * normal(cohort);
        mix[j] *= std::exp(mix_shock_[j]);
      }
  }
  Stream lean(derive_key(run_key, name_hash("clp-lean")));
  const size_t n_clps = s.clps.size();
  // Each CLP's lasting traits, drawn from their uncertainty (clp_identity.hpp); a stream of its
  // own, so a scenario without an identity file draws exactly what it drew before.
  bool has_identity = false;
  for (const Clp& clp : s.clps)
    has_identity |= clp.lean_mean != 0 || clp.lean_sd != 0 || clp.activity_mean != 0 || clp.activity_sd != 0;
  lean_.assign(has_identity ? n_clps : 0, 0.0);
  if (has_identity) {
    Stream identity(derive_key(run_key, name_hash("clp-identity")));
    activity_.resize(n_clps);
    for (size_t c = 0; c < n_clps; ++c) {
      const Clp& clp = s.clps[c];
      lean_[c] = clp.lean_mean + clp.lean_sd * normal(identity);
      activity_[c] = clp.activity_mean + clp.activity_sd * normal(identity);
    }
  }
  // Delegates' rows exist only where some faction leans among them, so that a scenario without
  // delegate_lean computes exactly what it did before.
  bool delegates_lean = false;
  for (const Faction& f : s.factions) delegates_lean |= f.delegate_lean != 0;
  const size_t row_floats = n_clps * size_t(waves_) * size_t(factions_);
  cdf_.resize(row_floats);
  if (delegates_lean) delegate_cdf_.resize(row_floats);
  std::vector<double> eta(static_cast<size_t>(factions_)), e(static_cast<size_t>(factions_));
  // Cumulative rows of P(f) proportional to faction_mix[w][f] * e[f], for every wave of CLP c.
  auto fill_rows = [&](std::vector<float>& rows, size_t c) {
    for (int w = 0; w < waves_; ++w) {
      float* row = &rows[(c * size_t(waves_) + size_t(w)) * size_t(factions_)];
      double total = 0;
      const double* m = &mix[size_t(w) * size_t(factions_)];
      for (int f = 0; f < factions_; ++f) total += m[f] * e[size_t(f)];
      double acc = 0;
      for (int f = 0; f < factions_; ++f) {
        acc += m[f] * e[size_t(f)] / total;
        row[f] = float(acc);
      }
      row[factions_ - 1] = 1.0f;  // guard against rounding: the last faction takes the remainder
    }
  };
  for (size_t c = 0; c < n_clps; ++c) {
    const Clp& clp = s.clps[c];
    for (int f = 0; f < factions_; ++f) {
      const Faction& fa = s.factions[size_t(f)];
      eta[size_t(f)] = fa.covariate_effect * clp.covariate + fa.region_lean[size_t(clp.region)] +
                       s.clp_dispersion * normal(lean);
      if (has_identity) eta[size_t(f)] -= fa.centre[0] * lean_[c];  // leftwards: centre < 0 gains
    }
    for (int f = 0; f < factions_; ++f) e[size_t(f)] = std::exp(eta[size_t(f)]);  // once per CLP
    fill_rows(cdf_, c);
    if (delegates_lean) {
      for (int f = 0; f < factions_; ++f)
        e[size_t(f)] = std::exp(eta[size_t(f)] + s.factions[size_t(f)].delegate_lean);
      fill_rows(delegate_cdf_, c);
    }
  }
  // Blocs: log-normal multipliers with mean 1, exp(sd z - sd^2 / 2), one per CLP and faction (or
  // organised wave), each on a stream of its own so that adding one changes no other draw.
  auto draw_blocs = [&](std::vector<float>& out, const char* stream, int per_clp, auto sd_of) {
    bool any = false;
    for (int j = 0; j < per_clp; ++j) any |= sd_of(j) > 0;
    if (!any) return;
    out.assign(n_clps * size_t(per_clp), 1.0f);
    Stream g(derive_key(run_key, name_hash(stream)));
    for (size_t c = 0; c < n_clps; ++c)
      for (int j = 0; j < per_clp; ++j) {
        const double sd = sd_of(j);
        const double z = normal(g);  // drawn for every entry, so that one sd changes one column
        if (sd > 0) out[c * size_t(per_clp) + size_t(j)] = float(std::exp(sd * z - 0.5 * sd * sd));
      }
  };
  draw_blocs(faction_bloc_, "bloc-faction", factions_,
             [&](int f) { return s.factions[size_t(f)].bloc_sd; });
  draw_blocs(wave_bloc_, "bloc-wave", waves_, [&](int w) {
    const Wave& wave = s.waves[size_t(w)];
    return wave.organised ? wave.bloc_sd : 0.0;
  });
}

void RunPreferences::add_national_shift(const std::vector<float>& shift) {
  for (int c = 0; c < k_; ++c) {
    constant_[size_t(c)] += shift[size_t(c)];
    for (int f = 0; f < factions_; ++f) faction_a_[size_t(f * k_ + c)] += shift[size_t(c)];
  }
}

void RunPreferences::block_factions(const Population& pop, std::size_t first, int n, int clp,
                                    int wave, std::int32_t* out) const {
  const float* row = faction_row(clp, wave);
  const float* delegates = delegate_row(clp, wave);
  const std::uint32_t* uid = pop.uid.data() + first;
  const std::uint8_t* traits = pop.traits.data() + first;
  const std::uint32_t key = draws_.faction;
  alignas(32) float u[kBlock];
  for (int j = 0; j < n; ++j) {
    u[j] = unit24(mix32(uid[j] ^ key));
    out[j] = 0;
  }
  // The same count as faction_in_row() over row_for(), one threshold at a time so that each pass
  // vectorises (a delegate's threshold is a blend).
  for (int q = 0; q < factions_ - 1; ++q) {
    const float threshold = row[q], delegate_threshold = delegates[q];
    for (int j = 0; j < n; ++j)
      out[j] += u[j] >= person::faction_threshold(traits[j], threshold, delegate_threshold) ? 1 : 0;
  }
}

void RunPreferences::utilities(const Population& pop, std::size_t i, int f, float* out) const {
  for (int c = 0; c < k_; ++c)
    out[c] = person::utility(a(f, c), pull_coef(pop, f, c), pop.pull_row(c)[i], taste_coef(),
                             pop.taste_row(c)[i]);
}

void RunPreferences::block_utility(const Population& pop, std::size_t first, int n,
                                   const std::int32_t* faction, int c, float* out) const {
  // The per-faction constants are selected with blends (no gathers); then the utility.
  alignas(32) float coef[kBlock];
  for (int j = 0; j < n; ++j) {
    out[j] = a(0, c);
    coef[j] = pull_coef(pop, 0, c);
  }
  for (int f = 1; f < factions_; ++f) {
    blend_where(out, faction, f, a(f, c), n);
    blend_where(coef, faction, f, pull_coef(pop, f, c), n);
  }
  const std::int16_t* pull = pop.pull_row(c) + first;
  const std::int16_t* taste = pop.taste_row(c) + first;
  const float tc = taste_coef();
  for (int j = 0; j < n; ++j) out[j] = person::utility(out[j], coef[j], pull[j], tc, taste[j]);
}

double RunPreferences::faction_probability(int clp, int wave, int f, bool delegate) const {
  const float* row = delegate ? delegate_row(clp, wave) : faction_row(clp, wave);
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
