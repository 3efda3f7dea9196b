// uncertainty.cpp: the spread of a result by source (uncertainty.hpp).
#include "leadsim/uncertainty.hpp"

#include <algorithm>

namespace leadsim {

namespace {

void no_swing(Scenario& s) { s.campaign.swing_sd = 0; }

void no_poll_error(Scenario& s) {
  for (double& sd : s.campaign.poll_error) sd = 0;
  s.campaign.cohort_error = 0;
}

void no_clp_draws(Scenario& s) {
  s.clp_dispersion = 0;
  for (Clp& c : s.clps) c.lean_sd = c.activity_sd = 0;
}

void no_blocs(Scenario& s) {
  for (Faction& f : s.factions) f.bloc_sd = 0;
  for (Wave& w : s.waves) w.bloc_sd = 0;
}

SpreadOf spread_of(const Summary& summary, int c) {
  const CandidateSummary& x = summary.candidates[size_t(c)];
  const double share_sd = x.share.sd(), nominations_sd = x.nominations.sd();
  return {share_sd * share_sd, nominations_sd * nominations_sd, summary.win_probability(c).p};
}

double part(double all, double without) {
  return all > 0 ? std::max(0.0, 1.0 - without / all) : 0.0;
}

}  // namespace

std::vector<UncertaintySource> uncertainty_sources(const Scenario& s) {
  std::vector<UncertaintySource> out;
  if (s.campaign.swing_sd > 0) out.push_back({"swing", "national swing", no_swing});
  bool polls = s.campaign.cohort_error > 0;
  for (double sd : s.campaign.poll_error) polls |= sd > 0;
  if (polls)
    out.push_back({"polls", "polls' error by section, cohort",
                   no_poll_error});
  bool clps = s.clp_dispersion > 0;
  for (const Clp& c : s.clps) clps |= c.lean_sd > 0 || c.activity_sd > 0;
  if (clps)
    out.push_back({"clps", "CLPs' leans and activity", no_clp_draws});
  bool blocs = false;
  for (const Faction& f : s.factions) blocs |= f.bloc_sd > 0;
  for (const Wave& w : s.waves) blocs |= w.organised && w.bloc_sd > 0;
  if (blocs) out.push_back({"blocs", "blocs' turnout", no_blocs});
  return out;
}

void switch_off_uncertainty(Scenario& s) {
  for (const UncertaintySource& source : uncertainty_sources(s)) source.switch_off(s);
}

UncertaintyDecomposition decompose_uncertainty(const Scenario& s, const Population& pop,
                                               const EnsembleOptions& opt,
                                               const EnsembleResult& full, int candidate) {
  UncertaintyDecomposition d;
  d.candidate = candidate;
  if (d.candidate < 0) {
    d.candidate = 0;
    for (int c = 1; c < int(s.candidates.size()); ++c)
      if (full.summary.candidates[size_t(c)].wins > full.summary.candidates[size_t(d.candidate)].wins)
        d.candidate = c;
  }
  d.all = spread_of(full.summary, d.candidate);
  for (const UncertaintySource& source : uncertainty_sources(s)) {
    // None of these sds is read when the population is drawn (they are per run), so the
    // population is shared.
    Scenario off = s;
    source.switch_off(off);
    const EnsembleResult r = run_ensemble(off, pop, opt);
    UncertaintyRow row{source.id, source.name, spread_of(r.summary, d.candidate), 0, 0};
    row.share_part = part(d.all.share_variance, row.without.share_variance);
    row.nominations_part = part(d.all.nominations_variance, row.without.nominations_variance);
    d.rows.push_back(row);
  }
  return d;
}

}  // namespace leadsim
