// preferences.hpp: who belongs to which faction this run, and how much each person likes each
// candidate.
//
// The model (random utility with spatial voting):
//   CLP lean:  eta[c][f] = covariate_effect[f] * covariate[c] + region_lean[f][region(c)]
//                          + dispersion * z,   z ~ N(0,1) per CLP, faction and run
//                          - centre[f][0] * L[c]  (the CLP's lasting lean, clp_identity.hpp)
//   Faction:   P(faction f | CLP c, wave w) proportional to faction_mix[w][f] * exp(eta[c][f])
//              (a General Committee delegate: exp(eta[c][f] + delegate_lean[f]))
//   Position:  x_i = centre[f] + spread[f] * offset_i          (offset_i ~ N(0, I), per person)
//   Utility:   u_ic = valence_c + swing_c - salience * |x_i - position_c|^2 + taste_sd * taste_ic
//              (+ the local MP's endorsement, + momentum, + persuasion at a meeting)
//   swing_c ~ N(0, swing_sd) per run: the national uncertainty polls leave;
//   valence_c includes electability_weight * electability_c.
//   The polls' error: the cohorts' mixes solve poll shares, so a poll's error is an error in a
//   mix. Per run, wave w (section s) weighs faction f by faction_mix[w][f] * exp(e_sf + e_wf),
//   e_sf ~ N(0, poll_error[s]) shared by the section's waves, e_wf ~ N(0, cohort_error).
// A sincere voter ranks candidates by utility; a hostile one from least to most electable.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "leadsim/population.hpp"
#include "leadsim/random.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

inline constexpr int kMaxDims = 8;      // policy dimensions
inline constexpr int kMaxFactions = 16;
inline constexpr int kBlock = 256;       // people per block in the vectorised loops

class RunPreferences {
 public:
  // Draws this run's CLP leans and national swings from `run_key`.
  RunPreferences(const Scenario& s, std::uint64_t run_key);

  // Cumulative faction probabilities for people of wave w in CLP c, this run.
  const float* faction_row(int clp, int wave) const {
    return &cdf_[(size_t(clp) * size_t(waves_) + size_t(wave)) * size_t(factions_)];
  }
  // The same for the General Committee delegates among them (their own lean added; the same
  // row as faction_row() when no faction has a delegate_lean).
  const float* delegate_row(int clp, int wave) const {
    const std::vector<float>& rows = delegate_cdf_.empty() ? cdf_ : delegate_cdf_;
    return &rows[(size_t(clp) * size_t(waves_) + size_t(wave)) * size_t(factions_)];
  }
  // The row for a person of wave w in CLP c with trait byte `traits`.
  const float* row_for(int clp, int wave, std::uint8_t traits) const {
    return (traits & kDelegate) ? delegate_row(clp, wave) : faction_row(clp, wave);
  }
  // The faction a uniform draw picks from a row of cumulative probabilities.
  static int faction_in_row(const float* row, int factions, float u) {
    int f = 0;  // counted without branches: the faction is as unpredictable as a die
    for (int j = 0; j < factions - 1; ++j) f += u >= row[j];
    return f;
  }
  // Person i's faction this run.
  int faction(const Population& pop, std::size_t i) const {
    return faction_in_row(row_for(pop.clp[i], pop.wave[i], pop.traits[i]), factions_,
                          PersonDraws::draw(draws_.faction, pop.uid[i]));
  }
  // This run's per-person random draws.
  const PersonDraws& draws() const { return draws_; }

  // Ideal point of person i in faction f (dims floats).
  void position(const Population& pop, std::size_t i, int f, float* out) const {
    for (int d = 0; d < dims_; ++d)
      out[d] = centre_[size_t(f * dims_ + d)] + spread_[size_t(f)] * pop.offset_row(d)[i];
  }

  // Utilities are kept up to a per-person constant: -salience * |x_i|^2 is the same for every
  // candidate, and nothing (ranking, preference gaps, persuasion) depends on it. What remains is
  // linear in the person's position x_i = centre_f + spread_f * offset_i:
  //   u_c = a_fc + spread_f * pull_ic + taste_sd * taste_ic,
  //   a_fc = valence_c + swing_c - salience*|x_c|^2 + 2*salience*centre_f.x_c  (per run),
  //   pull_ic = 2*salience*x_c.offset_i                                     (per person, fixed).

  // Utility of each candidate (K floats) for someone at `pos` with person i's taste.
  void utilities_at(const Population& pop, std::size_t i, const float* pos, float* out) const {
    float base[kMaxCandidates];
    utility_base(pop, i, base);
    utilities_from_base(base, pos, out);
  }
  // utilities_at() in two steps, for someone whose position moves (bounded confidence): the part
  // that does not depend on the position (K floats), once; then the utilities at a position from
  // it, reading nothing of the population. Together bit for bit utilities_at().
  void utility_base(const Population& pop, std::size_t i, float* base) const {
    for (int c = 0; c < k_; ++c) base[c] = constant_[size_t(c)] + taste_sd_ * pop.taste_of(c, i);
  }
  void utilities_from_base(const float* base, const float* pos, float* out) const {
    for (int c = 0; c < k_; ++c) {
      float u = base[c];
      for (int d = 0; d < dims_; ++d) u += 2 * salience_ * pos[d] * cand_pos_[size_t(c * dims_ + d)];
      out[c] = u;
    }
  }
  // What utilities_from_base() multiplies a position by: 2 * salience, and the candidates'
  // positions (K x dims), for loops that keep them in registers (the same arithmetic).
  float position_weight() const { return 2 * salience_; }
  const float* candidate_positions() const { return cand_pos_.data(); }
  // Utility of each candidate for person i in faction f (equal to utilities_at(position) up to
  // rounding; bit for bit equal to block_utility()).
  void utilities(const Population& pop, std::size_t i, int f, float* out) const;
  // The factors that turn the stored fixed-point pull and taste into utility: spread_f *
  // pull_step_c and taste_sd * kTasteStep. The steps are powers of two, so (spread * step) * q
  // is spread * (step * q) exactly, whichever way a loop groups it.
  float pull_coef(const Population& pop, int f, int c) const {
    return spread_[size_t(f)] * pop.pull_step[size_t(c)];
  }
  float taste_coef() const { return taste_sd_ * kTasteStep; }

  // Vectorised: utility of candidate c for people [first, first+n) whose factions are `faction`
  // (n <= kBlock), written to out[0..n).
  void block_utility(const Population& pop, std::size_t first, int n, const std::int32_t* faction,
                     int c, float* out) const;
  // Vectorised: factions of people [first, first+n), all of wave w in CLP clp (delegates by
  // delegate_row()).
  void block_factions(const Population& pop, std::size_t first, int n, int clp, int wave,
                      std::int32_t* out) const;

  // Adds `shift[c]` to everyone's utility for candidate c (the campaign's momentum).
  void add_national_shift(const std::vector<float>& shift);

  int candidates() const { return k_; }
  int factions() const { return factions_; }
  float faction_constant(int f, int c) const { return a(f, c); }  // a_fc above
  // This run's poll and cohort error of wave w's mix: the log-odds shock on faction f's weight.
  double mix_shock(int w, int f) const {
    return mix_shock_.empty() ? 0.0 : mix_shock_[size_t(w) * size_t(factions_) + size_t(f)];
  }
  float spread(int f) const { return spread_[size_t(f)]; }
  float taste_sd() const { return taste_sd_; }
  int dims() const { return dims_; }
  float swing(int c) const { return swing_[size_t(c)]; }
  // This run's draw of CLP c's lasting activity (log-odds added to P(meets); 0 without identity).
  double activity(int clp) const { return activity_.empty() ? 0.0 : activity_[size_t(clp)]; }
  // This run's draw of CLP c's lasting lean (log-odds per unit of policy axis 1, leftwards; 0
  // without identity).
  double lean(int clp) const { return lean_.empty() ? 0.0 : lean_[size_t(clp)]; }
  // P(faction f) for a person of wave w in CLP c, this run (of a delegate: delegate_row()).
  double faction_probability(int clp, int wave, int f, bool delegate = false) const;
  // This run's bloc draws (mean 1; exactly 1 without bloc_sd): the multiplier on the meeting
  // attendance of faction f's people in CLP c, and on that of organised wave w's people there.
  float faction_bloc(int clp, int f) const {
    return faction_bloc_.empty() ? 1.0f : faction_bloc_[size_t(clp) * size_t(factions_) + size_t(f)];
  }
  float wave_bloc(int clp, int w) const {
    return wave_bloc_.empty() ? 1.0f : wave_bloc_[size_t(clp) * size_t(waves_) + size_t(w)];
  }

 private:
  float a(int f, int c) const { return faction_a_[size_t(f * k_ + c)]; }

  int k_, dims_, factions_, waves_;
  std::vector<float> cand_pos_;               // K x dims
  std::vector<float> constant_;               // valence + swing - salience*|x_c|^2 (+ shifts)
  std::vector<float> faction_a_;              // per faction and candidate
  std::vector<double> mix_shock_;             // [wave][faction]: poll and cohort error (empty: 0)
  std::vector<float> centre_, spread_;        // per faction
  std::vector<float> cdf_;                    // [clp][wave][faction] cumulative probabilities
  std::vector<float> delegate_cdf_;           // the same for delegates (empty: as cdf_)
  std::vector<float> faction_bloc_;           // [clp][faction] (empty: all 1)
  std::vector<float> wave_bloc_;              // [clp][wave] (empty: all 1)
  std::vector<float> swing_;
  std::vector<double> activity_;              // per CLP, this run (empty: no identity)
  std::vector<double> lean_;                  // per CLP, this run (empty: no identity)
  float salience_, taste_sd_;
  PersonDraws draws_;
};

// Index of the candidate person i ranks first among `standing` (by utility, or for a hostile
// voter the least electable).
int first_choice(const Scenario& s, std::span<const float> utility, const std::vector<bool>& standing,
                 bool hostile);

}  // namespace leadsim
