// score.hpp: how good are the model's per-CLP probabilities? Proper scores of a forecast against
// observed CLP nominations (`leadsim score`, Python's leadsim.score).
//
// The forecast is the ensemble's Monte Carlo frequencies: over R runs, CLP c nominated outcome k
// (a candidate, or no nomination) in n_ck runs, so P_ck = n_ck / R. The scores:
//   - multi-category Brier score, mean over CLPs of sum_k (P_ck - o_ck)^2 (o_ck = 1 for the
//     observed outcome), on the raw frequencies;
//   - logarithmic score, mean over CLPs of -ln P~_cy (y the observed outcome), on frequencies
//     smoothed by the Krichevsky-Trofimov (Jeffreys) rule P~_ck = (n_ck + 1/2) / (R + K/2) for K
//     outcomes: the posterior mean of a Dirichlet(1/2, ..., 1/2) prior, so that an outcome the
//     runs never produced costs ln(2R + K) instead of infinity;
//   - per outcome, one against the rest: binary Brier and log scores, the AUC (Mann-Whitney, ties
//     half) with DeLong's standard error, and a reliability table (10 equal-width bins of P, each
//     bin's observed frequency with a Wilson 90% interval);
//   - the AUC of "nominates anyone" (1 - P_c,none) against "no nomination";
//   - national totals: the observed count of each outcome against the runs' distribution of it.
// Each score comes with its skill against baselines, 1 - score / baseline's score (above 0
// beats the baseline): climatology (each outcome's frequency in the observed data itself, so
// in-sample: it knows the national totals), uniform (1/K each) and, for the one-against-the-rest
// scores, a coin (0.5).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "leadsim/ensemble.hpp"
#include "leadsim/hexmap.hpp"
#include "leadsim/population.hpp"
#include "leadsim/report.hpp"  // OutputDir
#include "leadsim/scenario.hpp"
#include "leadsim/summary.hpp"

namespace leadsim {

// --- The statistics, on plain vectors -------------------------------------------------------

// Multi-category Brier score: mean over rows of sum_k (p[i][k] - [y[i] == k])^2.
double brier_score(const std::vector<std::vector<double>>& p, const std::vector<int>& y);
// Logarithmic score: mean over rows of -ln p[i][y[i]] (the caller smooths away zeros).
double log_score(const std::vector<std::vector<double>>& p, const std::vector<int>& y);
// The same for one binary event: mean (p - o)^2 and mean -ln(o ? p : 1 - p).
double binary_brier(const std::vector<double>& p, const std::vector<int>& o);
double binary_log_score(const std::vector<double>& p, const std::vector<int>& o);
// 1 - score / reference (0 when the reference is 0).
double skill(double score, double reference);

// The area under the ROC curve of `score` for telling o = 1 from o = 0: the Mann-Whitney
// probability that a positive outranks a negative, ties counted half. `se` is DeLong's (1988)
// standard error (structural components); NaN for both when a class is empty.
struct Auc {
  double auc = 0, se = 0;
  int positives = 0, negatives = 0;
};
Auc area_under_curve(const std::vector<double>& score, const std::vector<int>& o);
// Hanley and McNeil's (1982) standard error of an AUC from its value and the class sizes.
double hanley_mcneil_se(double auc, int positives, int negatives);

// One bin of a reliability table: predictions in [lo, hi) (the last bin includes 1).
struct ReliabilityBin {
  double lo = 0, hi = 0;
  int count = 0;
  double mean_predicted = 0;  // NaN when empty
  int observed = 0;           // events among them
  Proportion frequency;       // observed / count with its Wilson interval (NaN when empty)
};
// `bins` equal-width bins of p; the interval is Wilson's with normal quantile z (1.6449: 90%).
std::vector<ReliabilityBin> reliability_table(const std::vector<double>& p,
                                              const std::vector<int>& o, int bins = 10,
                                              double z = 1.6448536);

// --- Observed outcomes and the model's forecast ---------------------------------------------

// Outcome indices: 0..K-1 the scenario's candidates in order, K (= candidates.size()) none.
struct ObservedOutcomes {
  std::string file;
  std::string sha256;        // of the file's bytes
  std::vector<int> outcome;  // per CLP of the scenario: an outcome index, or -1 not in the file
  int scored = 0;            // CLPs with an outcome
};
// Reads a CSV with columns `clp` and `nominated` (other columns ignored); nominated is a
// candidate id or `none`. Throws InputError, every problem at file:line:column: a missing
// column, a name that is no CLP of the scenario (with did-you-mean), an unknown candidate id
// (with did-you-mean), a CLP given twice, no rows.
ObservedOutcomes read_observed_outcomes(const Scenario& s, const std::string& path);

// The model's per-CLP Monte Carlo counts: counts[c][k] runs (of `runs`) in which CLP c had
// outcome k (K + 1 outcomes, none last).
struct ClpForecast {
  std::uint64_t runs = 0;
  std::vector<std::vector<double>> counts;
};
ClpForecast forecast_from_summary(const Scenario& s, const Summary& summary);

// National totals per run: per_run[run][k] CLPs with outcome k, over `clps` CLPs described by
// `scope` ("the scored CLPs", "all CLPs of the run").
struct NationalDraws {
  std::string scope;
  int clps = 0;
  bool same_clps_as_scored = true;  // false: the totals are over other CLPs than the observed
  std::vector<std::vector<int>> per_run;
};
// A RunObserver that counts each run's outcomes over the CLPs where `mask` is true.
class NationalCounter : public RunObserver {
 public:
  NationalCounter(const Scenario& s, std::vector<bool> mask);
  void on_run(const RunResult& r) override;
  NationalDraws draws;

 private:
  std::vector<bool> mask_;
  int outcomes_;
};

// A run folder as `leadsim run` (or `leadsim score`) wrote it: the seed and runs from
// summary.json, the per-CLP frequencies from clps.csv (the counts are the nearest whole numbers
// to p x runs, exact below 10,000 runs given clps.csv's four decimals), the national totals over all its CLPs from runs.csv's
// nominations_<id> columns. Throws InputError when the folder's files are missing, or name other
// candidates or CLPs than the scenario.
struct RunFolder {
  std::uint64_t runs = 0, seed = 0;
  std::string scenario, scenario_sha256;  // as summary.json's manifest gives them
  ClpForecast forecast;
  NationalDraws national;
};
RunFolder read_run_folder(const Scenario& s, const std::string& dir);

// --- The scores ----------------------------------------------------------------------------

struct Baselined {
  double model = 0, climatology = 0, uniform = 0;
  double coin = 0;  // one-against-the-rest scores only (0.5); NaN for the multi-category ones
  double skill_climatology() const { return skill(model, climatology); }
  double skill_uniform() const { return skill(model, uniform); }
  double skill_coin() const { return skill(model, coin); }
};

struct NationalTotal {
  int observed = 0;
  double mean = 0, sd = 0;
  int lo = 0, hi = 0;         // 5% and 95% quantiles over runs (the 90% range)
  bool inside = false;        // lo <= observed <= hi
  double share_at_or_below = 0;  // share of runs with a count <= observed
};

struct OutcomeScore {
  std::string id, name;    // candidate id and name; "none", "no nomination"
  int observed = 0;        // scored CLPs with this outcome
  double climatology = 0;  // observed / scored
  Baselined brier, log;    // one against the rest
  Auc auc;
  std::vector<ReliabilityBin> reliability;
  std::optional<NationalTotal> national;
};

struct ScoreReport {
  std::string contest, scenario, scenario_sha256;
  std::string observed_file, observed_sha256;
  std::uint64_t runs = 0, seed = 0;
  int clps = 0, scored = 0;
  double smoothing = 0.5;  // the pseudo-count of the log score's smoothing
  Baselined brier, log;    // multi-category
  std::vector<OutcomeScore> outcomes;  // candidates in order, then none
  Auc anyone;                          // nominates anyone vs no nomination
  std::string national_scope;
  bool national_comparable = true;
  // Per CLP of the scenario (scored or not): the model's raw probabilities [clp][outcome] and
  // the observed outcome (-1 not scored), for the map.
  std::vector<std::vector<double>> p;
  std::vector<int> observed;
};

ScoreReport score_forecast(const Scenario& s, const ObservedOutcomes& obs, const ClpForecast& f,
                           const NationalDraws* national);

// Runs the ensemble and scores it, as `leadsim score` does without --from: the per-CLP
// frequencies from the runs' summary, the national totals over the scored CLPs. `also`, if
// given, sees every run too (runs.csv). The report's seed is opt.seed.
struct ScoredEnsemble {
  EnsembleResult result;
  ScoreReport report;
};
ScoredEnsemble run_and_score(const Scenario& s, const Population& pop, const ObservedOutcomes& obs,
                             const EnsembleOptions& opt, RunObserver* also = nullptr);

// Opens score.json, reliability.svg and, with a map, map.svg in `out` (the caller commits):
// `map_candidate` as map_svg()'s `candidate`.
void write_score_files(OutputDir& out, const ScoreReport& r, const Scenario& s, const HexMap* map,
                       int map_candidate);

// score.json: everything above, with the scenario, runs, seed and the outcomes file's SHA-256.
void write_score_json(std::ostream& out, const ScoreReport& r);
// The tables `leadsim score` prints.
std::string format_score_report(const ScoreReport& r);

// reliability.svg: one panel per outcome, predicted P against observed frequency, the diagonal,
// points sized by count with their Wilson intervals.
std::string reliability_svg(const ScoreReport& r);
// map.svg: the hex map, each scored CLP's hexagon coloured by P(nominates `candidate`) (an
// outcome index; K: P(no nomination)), or by its most likely outcome with the probability as
// strength when `candidate` < 0; the observed nominee marked; cells of CLPs not scored grey.
std::string map_svg(const ScoreReport& r, const Scenario& s, const HexMap& map, int candidate);

}  // namespace leadsim
