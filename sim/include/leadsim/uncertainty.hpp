// uncertainty.hpp: which share of a result's spread comes from which source of uncertainty.
//
// Every run draws all of a scenario's uncertainty at once: the national swing, the polls' error
// by section and cohort, each CLP's lean and activity, the blocs, and every person's own draws
// (faction, attendance, turnout). decompose_uncertainty() runs the ensemble again with one source
// switched off at a time (its sds set to 0), with the same seed and population (common random
// numbers), and reports for a candidate the variance across runs of their final share and of
// their CLP nominations, and their P(win), with and without each source. The share of the
// variance a source accounts for is its removal effect, 1 - Var(without) / Var(all); sources
// interact, so the shares need not sum to 1, and what no listed source explains is the people's
// own draws (and the interactions).
#pragma once

#include <string>
#include <vector>

#include "leadsim/ensemble.hpp"
#include "leadsim/population.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

struct UncertaintySource {
  std::string id, name;
  void (*switch_off)(Scenario&);
};

// The sources the scenario has (some sd > 0), in a fixed order.
std::vector<UncertaintySource> uncertainty_sources(const Scenario& s);
// Every source switched off: each run's shared draws at their means (what organisers read a
// CLP's room from, population.hpp's tippable targets).
void switch_off_uncertainty(Scenario& s);

struct SpreadOf {
  double share_variance = 0;        // of the candidate's final-round share, across runs
  double nominations_variance = 0;  // of their CLP nominations
  double win_probability = 0;
};

struct UncertaintyRow {
  std::string id, name;
  SpreadOf without;          // the ensemble with this source switched off
  double share_part = 0;     // 1 - Var(share without) / Var(share), at least 0
  double nominations_part = 0;
};

struct UncertaintyDecomposition {
  int candidate = -1;        // whose spread is decomposed
  SpreadOf all;              // every source on
  std::vector<UncertaintyRow> rows;
};

// Decomposes the spread of `candidate`'s outcomes (-1: the candidate most often winning in
// `full`, the ensemble already run with every source on).
UncertaintyDecomposition decompose_uncertainty(const Scenario& s, const Population& pop,
                                               const EnsembleOptions& opt,
                                               const EnsembleResult& full, int candidate = -1);

}  // namespace leadsim
