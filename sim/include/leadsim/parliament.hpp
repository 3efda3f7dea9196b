// parliament.hpp: the parliamentary party as agents: MPs (and MEPs) with positions, tastes and
// loyalty, who nominate, vote in MPs' ballots, and form the MP section of an electoral college.
//
// Who they are: one MP per seat the party holds in the CLP file (or `mps.count` of them), plus
// `mps.extra_mps` without a seat in the file, plus `mps.meps` MEPs. Each belongs to a faction
// drawn from `mps.factions`, has an ideal point drawn around the faction's centre, a personal
// taste for each candidate, and a loyalty to the incumbent (exponential, mean `mps.loyalty`).
//
// What they think: MP i's utility for candidate c is
//     base_ic + noise_ic,   base_ic = alpha_c + valence_c - salience*|x_i - p_c|^2
//                                     + taste_ic + loyalty_i*[c is the incumbent]
// where noise_ic is Gumbel with scale `mps.noise`, redrawn every run (the campaign's news, whom
// they spoke to). An MP votes for, nominates, or ranks candidates by this utility, so when a
// candidate is eliminated in an MPs' ballot their supporters move to the candidates nearest them.
//
// Calibration: when `mps.support` gives the share of MPs who nominated each candidate (the
// published figure), the constants alpha_c are fitted (at synthesis, by the logit contraction
// alpha_c += noise * log(target_c / predicted_c)) so that the expected first choices match it;
// the "none" share is the probability an MP nominates nobody. Without it, alpha_c = 0.
#pragma once

#include "leadsim/eigen.hpp"
#include <cstdint>
#include <span>
#include <vector>

#include "leadsim/scenario.hpp"

namespace leadsim {

struct Parliament {
  std::vector<int> clp;              // per MP: the CLP they sit for, or -1 (extra MP or MEP)
  std::vector<std::uint8_t> mep;     // per MP: 1 for an MEP
  std::vector<std::uint8_t> faction;
  Eigen::MatrixXd base;              // MPs x candidates: enduring utility (see above)
  std::vector<double> alpha;         // per candidate: the calibrated constant
  int size() const { return int(clp.size()); }
  int meps() const;
};

// Draws the parliamentary party and calibrates it. Same scenario and seed, same MPs.
Parliament synthesise_parliament(const Scenario& s, std::uint64_t seed);

// One run's view of the MPs: utilities with this run's noise, and who nominates at all.
class MpRun {
 public:
  MpRun(const Scenario& s, const Parliament& p, std::uint64_t run_key);
  int size() const { return n_; }
  int clp(int mp) const { return p_->clp[size_t(mp)]; }
  bool is_mep(int mp) const { return p_->mep[size_t(mp)] != 0; }
  float utility(int mp, int c) const { return u_[size_t(mp) * size_t(k_) + size_t(c)]; }
  bool nominates(int mp) const { return nominates_[size_t(mp)] != 0; }
  // The MP's favourite among candidates with standing[c] (-1 if none stands).
  int best(int mp, const std::vector<bool>& standing) const;
  // The MP's ranking of the standing candidates, best first; returns its length.
  int ranking(int mp, const std::vector<bool>& standing, std::uint8_t* out) const;

 private:
  const Parliament* p_;
  int n_ = 0, k_ = 0;
  std::vector<float> u_;
  std::vector<std::uint8_t> nominates_;
};

// The simulated MPs' exhaustive ballot (rulebook.hpp: decide_mp_round for its rules).
struct MpBallotResult {
  std::vector<std::vector<int>> rounds;  // per round, per candidate: votes
  std::vector<int> out_round;            // per candidate: 1-based round after which it was
                                         // eliminated or withdrew; 0 if it reached the members
                                         // (or never stood)
  std::vector<bool> withdrew;            // per candidate
  bool runner_up_withdrew = false;
  bool by_lot = false;
};

// Runs the MPs' ballot among `standing`, updating it to the finalists (fewer if withdrawals or
// minimums leave fewer).
MpBallotResult run_mp_ballot(const Scenario& s, const MpRun& mps, std::vector<bool>& standing,
                             std::uint64_t run_key);

}  // namespace leadsim
