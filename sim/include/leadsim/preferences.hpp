// preferences.hpp: who belongs to which faction this run, and how much each person likes each
// candidate.
//
// The model (random utility with spatial voting):
//   CLP lean:  eta[c][f] = covariate_effect[f] * covariate[c] + region_lean[f][region(c)]
//                          + dispersion * z,   z ~ N(0,1) per CLP, faction and run
//   Faction:   P(faction f | CLP c, wave w) proportional to faction_mix[w][f] * exp(eta[c][f])
//   Position:  x_i = centre[f] + spread[f] * offset_i          (offset_i ~ N(0, I), per person)
//   Utility:   u_ic = valence_c + swing_c - salience * |x_i - position_c|^2 + taste_sd * taste_ic
//              (+ the local MP's endorsement, + momentum, + persuasion at a meeting)
//   swing_c ~ N(0, swing_sd) per run: the national uncertainty polls leave.
// A sincere voter ranks candidates by utility; a hostile one from least to most electable.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "leadsim/population.hpp"
#include "leadsim/random.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

inline constexpr int kMaxDims = 8;  // policy dimensions

class RunPreferences {
 public:
  // Draws this run's CLP leans and national swings from `run_key`.
  RunPreferences(const Scenario& s, std::uint64_t run_key);

  // Cumulative faction probabilities for people of wave w in CLP c, this run.
  const float* faction_row(int clp, int wave) const {
    return &cdf_[(size_t(clp) * size_t(waves_) + size_t(wave)) * size_t(factions_)];
  }
  // The faction a `politics` draw (field 0) picks from a row of cumulative probabilities.
  static int faction_in_row(const float* row, int factions, std::uint64_t politics) {
    const float u = field21(politics, 0);
    int f = 0;  // counted without branches: the faction is as unpredictable as a die
    for (int j = 0; j < factions - 1; ++j) f += u >= row[j];
    return f;
  }
  // Person i's faction this run, from field 0 of their `politics` draw.
  int faction_from(const Population& pop, std::size_t i, std::uint64_t politics) const {
    return faction_in_row(faction_row(pop.clp[i], pop.wave[i]), factions_, politics);
  }
  int faction(const Population& pop, std::size_t i) const {
    return faction_from(pop, i, draws_.politics(pop.uid[i]));
  }
  // This run's per-person random draws.
  const PersonDraws& draws() const { return draws_; }

  // Ideal point of person i in faction f (dims floats).
  void position(const Population& pop, std::size_t i, int f, float* out) const {
    const float* centre = &centre_[size_t(f) * size_t(dims_)];
    const float spread = spread_[size_t(f)];
    const float* offset = pop.offset.data() + i * size_t(dims_);
    for (int d = 0; d < dims_; ++d) out[d] = centre[d] + spread * offset[d];
  }
  // Utilities are kept up to a per-person constant: -salience * |x_i|^2 is the same for every
  // candidate, and nothing (ranking, preference gaps, persuasion) depends on it. What remains is
  // linear in the person's position, u_c = a_c + b_c . x_i + taste_sd * taste_ic, which costs
  // (1 + dims) multiply-adds per candidate.

  // Utility of each candidate (K floats) for someone at `pos` with person i's taste.
  void utilities_at(const Population& pop, std::size_t i, const float* pos, float* out) const {
    const float* taste = pop.taste.data() + i * size_t(k_);
    for (int c = 0; c < k_; ++c) {
      const float* x = &cand_pos_[size_t(c) * size_t(dims_)];
      float u = constant_[size_t(c)] + taste_sd_ * taste[c];
      for (int d = 0; d < dims_; ++d) u += 2 * salience_ * pos[d] * x[d];
      out[c] = u;
    }
  }
  // Utility of each candidate for person i in faction f (the same as utilities_at(position)).
  void utilities(const Population& pop, std::size_t i, int f, float* out) const {
    const float* taste = pop.taste.data() + i * size_t(k_);
    const float* offset = pop.offset.data() + i * size_t(dims_);
    const float* a = &faction_a_[size_t(f) * size_t(k_)];
    const float* b = &faction_b_[size_t(f) * size_t(k_) * size_t(dims_)];
    for (int c = 0; c < k_; ++c) {
      float u = a[c] + taste_sd_ * taste[c];
      for (int d = 0; d < dims_; ++d) u += b[c * dims_ + d] * offset[d];
      out[c] = u;
    }
  }

  // u_c1 - u_c0 for person i in faction f: all a two-candidate ranking needs, in registers.
  float margin(const Population& pop, std::size_t i, int f, int c0, int c1) const {
    const float* taste = pop.taste.data() + i * size_t(k_);
    const float* offset = pop.offset.data() + i * size_t(dims_);
    const float* a = &faction_a_[size_t(f) * size_t(k_)];
    const float* b0 = &faction_b_[(size_t(f) * size_t(k_) + size_t(c0)) * size_t(dims_)];
    const float* b1 = &faction_b_[(size_t(f) * size_t(k_) + size_t(c1)) * size_t(dims_)];
    float m = a[c1] - a[c0] + taste_sd_ * (taste[c1] - taste[c0]);
    for (int d = 0; d < dims_; ++d) m += (b1[d] - b0[d]) * offset[d];
    return m;
  }

  // Adds `shift[c]` to everyone's utility for candidate c (the campaign's momentum).
  void add_national_shift(const std::vector<float>& shift);

  int candidates() const { return k_; }
  int factions() const { return factions_; }
  int dims() const { return dims_; }
  float swing(int c) const { return swing_[size_t(c)]; }
  // P(faction f) for a person of wave w in CLP c, this run.
  double faction_probability(int clp, int wave, int f) const;

 private:
  int k_, dims_, factions_, waves_;
  std::vector<float> cand_pos_;        // K x dims
  std::vector<float> valence_, constant_;  // constant = valence + swing - salience*|x_c|^2
  std::vector<float> faction_a_, faction_b_;  // per faction and candidate: a, and b (dims)
  std::vector<float> centre_, spread_;     // per faction
  std::vector<float> cdf_;             // [clp][wave][faction] cumulative probabilities
  std::vector<float> swing_;
  float salience_, taste_sd_;
  PersonDraws draws_;
};

// Index of the candidate person i ranks first among `standing` (by utility, or for a hostile
// voter the least electable).
int first_choice(const Scenario& s, std::span<const float> utility, const std::vector<bool>& standing,
                 bool hostile);

}  // namespace leadsim
