// score.cpp: proper scores of the model's per-CLP probabilities against observed nominations
// (score.hpp), and the files `leadsim score` writes: score.json, the printed tables, and the
// reliability diagram and hex map as SVG text (no plotting library: the files are made without a
// display and without new dependencies).
#include "leadsim/score.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "leadsim/sha256.hpp"
#include "scenario_clps.hpp"  // clp_of_row
#include "leadsim/input_file.hpp"
#include "text.hpp"

namespace leadsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double clamp01(double p) { return std::min(1.0, std::max(0.0, p)); }

}  // namespace

// --- The statistics -------------------------------------------------------------------------

double brier_score(const std::vector<std::vector<double>>& p, const std::vector<int>& y) {
  if (p.empty()) return kNaN;
  double total = 0;
  for (size_t i = 0; i < p.size(); ++i)
    for (size_t k = 0; k < p[i].size(); ++k) {
      const double d = p[i][k] - (int(k) == y[i] ? 1.0 : 0.0);
      total += d * d;
    }
  return total / double(p.size());
}

double log_score(const std::vector<std::vector<double>>& p, const std::vector<int>& y) {
  if (p.empty()) return kNaN;
  double total = 0;
  for (size_t i = 0; i < p.size(); ++i) total -= std::log(p[i][size_t(y[i])]);
  return total / double(p.size());
}

double binary_brier(const std::vector<double>& p, const std::vector<int>& o) {
  if (p.empty()) return kNaN;
  double total = 0;
  for (size_t i = 0; i < p.size(); ++i) total += (p[i] - o[i]) * (p[i] - o[i]);
  return total / double(p.size());
}

double binary_log_score(const std::vector<double>& p, const std::vector<int>& o) {
  if (p.empty()) return kNaN;
  double total = 0;
  for (size_t i = 0; i < p.size(); ++i) total -= std::log(o[i] ? p[i] : 1 - p[i]);
  return total / double(p.size());
}

double skill(double score, double reference) {
  if (!std::isfinite(score) || !std::isfinite(reference)) return kNaN;
  return reference == 0 ? 0.0 : 1.0 - score / reference;
}

Auc area_under_curve(const std::vector<double>& score, const std::vector<int>& o) {
  std::vector<double> pos, neg;
  for (size_t i = 0; i < score.size(); ++i) (o[i] ? pos : neg).push_back(score[i]);
  Auc a;
  a.positives = int(pos.size());
  a.negatives = int(neg.size());
  if (pos.empty() || neg.empty()) {
    a.auc = a.se = kNaN;
    return a;
  }
  // DeLong's structural components: V10_i = P(positive i outranks a negative), V01_j = P(a
  // positive outranks negative j), both with ties counted half. Counted by sorting the negatives
  // (and positives) once: O(n log n).
  std::sort(neg.begin(), neg.end());
  std::vector<double> pos_sorted = pos;
  std::sort(pos_sorted.begin(), pos_sorted.end());
  auto placement = [](const std::vector<double>& sorted, double x) {
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), x);
    const auto hi = std::upper_bound(sorted.begin(), sorted.end(), x);
    return (double(lo - sorted.begin()) + 0.5 * double(hi - lo)) / double(sorted.size());
  };
  const double n1 = double(pos.size()), n0 = double(neg.size());
  std::vector<double> v10(pos.size()), v01(neg.size());
  for (size_t i = 0; i < pos.size(); ++i) v10[i] = placement(neg, pos[i]);
  for (size_t j = 0; j < neg.size(); ++j) v01[j] = 1.0 - placement(pos_sorted, neg[j]);
  a.auc = std::accumulate(v10.begin(), v10.end(), 0.0) / n1;
  if (pos.size() < 2 || neg.size() < 2) {
    a.se = kNaN;
    return a;
  }
  double s10 = 0, s01 = 0;
  for (double v : v10) s10 += (v - a.auc) * (v - a.auc);
  for (double v : v01) s01 += (v - a.auc) * (v - a.auc);
  s10 /= n1 - 1;
  s01 /= n0 - 1;
  a.se = std::sqrt(s10 / n1 + s01 / n0);
  return a;
}

double hanley_mcneil_se(double auc, int positives, int negatives) {
  if (positives < 1 || negatives < 1) return kNaN;
  const double a = auc, q1 = a / (2 - a), q2 = 2 * a * a / (1 + a);
  const double var = (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) /
                     (double(positives) * double(negatives));
  return std::sqrt(std::max(0.0, var));
}

std::vector<ReliabilityBin> reliability_table(const std::vector<double>& p,
                                              const std::vector<int>& o, int bins, double z) {
  std::vector<ReliabilityBin> out(size_t(std::max(1, bins)));
  std::vector<double> sum(out.size(), 0.0);
  for (size_t b = 0; b < out.size(); ++b) {
    out[b].lo = double(b) / double(out.size());
    out[b].hi = double(b + 1) / double(out.size());
  }
  for (size_t i = 0; i < p.size(); ++i) {
    const double x = clamp01(p[i]);
    const size_t b = std::min(out.size() - 1, size_t(x * double(out.size())));
    ++out[b].count;
    out[b].observed += o[i] ? 1 : 0;
    sum[b] += x;
  }
  for (size_t b = 0; b < out.size(); ++b) {
    ReliabilityBin& r = out[b];
    if (r.count == 0) {
      r.mean_predicted = kNaN;
      r.frequency = {kNaN, kNaN, kNaN};
    } else {
      r.mean_predicted = sum[b] / r.count;
      r.frequency = wilson(std::uint64_t(r.observed), std::uint64_t(r.count), z);
    }
  }
  return out;
}

// --- Observed outcomes and the forecast -------------------------------------------------------

ObservedOutcomes read_observed_outcomes(const Scenario& s, const std::string& path) {
  std::vector<Diagnostic> diags;
  CsvTable csv;
  if (!read_csv(path, "observed outcomes file", csv, diags)) throw InputError(diags);
  // A spreadsheet's byte-order mark before the first column's name is not part of the name.
  if (!csv.header.empty() && csv.header[0].rfind("\xEF\xBB\xBF", 0) == 0)
    csv.header[0] = csv.header[0].substr(3);
  if (csv.header.empty())
    throw InputError({{path, 1, 1, "the observed outcomes file is empty: expected a header "
                                   "'clp,nominated' and one row per CLP"}});
  const int c_clp = csv.column("clp"), c_nom = csv.column("nominated");
  if (c_clp < 0 || c_nom < 0) {
    std::vector<std::string> missing;
    if (c_clp < 0) missing.push_back("'clp'");
    if (c_nom < 0) missing.push_back("'nominated'");
    std::string header;
    for (const auto& h : csv.header) header += (header.empty() ? "" : ",") + h;
    throw InputError({{path, 1, 1,
                       fmt::format("the observed outcomes file has no column {} (its header is "
                                   "'{}'; expected columns clp,nominated)",
                                   fmt::join(missing, " or "), header)}});
  }
  ObservedOutcomes out;
  out.file = path;
  out.sha256 = sha256_hex(read_input_file(path, "observed outcomes file"));
  out.outcome.assign(s.clps.size(), -1);
  std::vector<std::string> clp_names, ids;
  for (const auto& c : s.clps) clp_names.push_back(c.name);
  for (const auto& c : s.candidates) ids.push_back(c.id);
  ids.push_back("none");
  const int none = int(s.candidates.size());
  std::vector<int> first_line(s.clps.size(), 0);
  // An unknown candidate id is reported once, at its first row, with the rows naming it.
  std::vector<std::pair<std::string, std::vector<int>>> unknown;
  std::vector<size_t> unknown_at;
  int unknown_rows = 0;
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    const std::string& name = csv.rows[r][size_t(c_clp)];
    const std::string who = trim(csv.rows[r][size_t(c_nom)]);
    const int clp = detail::clp_of_row(s, csv, r, c_clp, path, first_line, diags);
    if (clp == -1)
      diags.push_back({path, csv.lines[r], c_clp + 1,
                       fmt::format("'{}' is not a CLP of {}{}", name, s.name,
                                   did_you_mean(name, clp_names))});
    const int k = who == "none" ? none : s.candidate_index(who);
    if (k < 0) {
      auto it = std::find_if(unknown.begin(), unknown.end(),
                             [&](const auto& u) { return u.first == who; });
      if (it == unknown.end()) {
        unknown.push_back({who, {}});
        it = unknown.end() - 1;
        unknown_at.push_back(diags.size());
        diags.push_back({});  // filled in below, once the rows naming it are counted
      }
      it->second.push_back(csv.lines[r]);
    }
    if (clp < 0 || k < 0) continue;
    out.outcome[size_t(clp)] = k;
    ++out.scored;
  }
  for (const auto& u : unknown) unknown_rows += int(u.second.size());
  for (size_t i = 0; i < unknown.size(); ++i) {
    const auto& [who, lines] = unknown[i];
    std::string rows;
    if (lines.size() > 1) {
      std::vector<int> shown(lines.begin(), lines.begin() + std::min<std::ptrdiff_t>(5, std::ptrdiff_t(lines.size())));
      rows = fmt::format("; {} rows name it (lines {}{})", lines.size(), fmt::join(shown, ", "),
                         lines.size() > shown.size() ? ", ..." : "");
    }
    diags[unknown_at[i]] = {
        path, lines[0], c_nom + 1,
        fmt::format("'{}' is neither a candidate of {} ({}) nor none{}{}{}", who, s.name,
                    fmt::join(std::vector<std::string>(ids.begin(), ids.end() - 1), ", "),
                    did_you_mean(who, ids), rows,
                    2 * unknown_rows > int(csv.rows.size()) && i == 0
                        ? " (is the file from another contest than the scenario's?)"
                        : "")};
  }
  if (!diags.empty()) throw InputError(diags);
  if (out.scored == 0)
    throw InputError({{path, 1, 1, "the observed outcomes file has a header but no rows"}});
  return out;
}

ClpForecast forecast_from_summary(const Scenario& s, const Summary& summary) {
  ClpForecast f;
  f.runs = summary.runs;
  const size_t k = s.candidates.size();
  f.counts.assign(s.clps.size(), std::vector<double>(k + 1, 0.0));
  for (size_t c = 0; c < s.clps.size(); ++c) {
    std::uint64_t nominated = 0;
    for (size_t j = 0; j < k; ++j) {
      f.counts[c][j] = double(summary.clps[c].nominated[j]);
      nominated += summary.clps[c].nominated[j];
    }
    f.counts[c][k] = double(summary.runs - nominated);
  }
  return f;
}

NationalCounter::NationalCounter(const Scenario& s, std::vector<bool> mask)
    : mask_(std::move(mask)), outcomes_(int(s.candidates.size()) + 1) {
  draws.scope = "the scored CLPs";
  draws.clps = int(std::count(mask_.begin(), mask_.end(), true));
}

void NationalCounter::on_run(const RunResult& r) {
  std::vector<int> n(size_t(outcomes_), 0);
  for (size_t c = 0; c < r.clp_nominee.size() && c < mask_.size(); ++c)
    if (mask_[c]) ++n[r.clp_nominee[c] < 0 ? size_t(outcomes_ - 1) : size_t(r.clp_nominee[c])];
  draws.per_run.push_back(std::move(n));
}

RunFolder read_run_folder(const Scenario& s, const std::string& dir) {
  namespace fs = std::filesystem;
  RunFolder f;
  const std::string summary = (fs::path(dir) / "summary.json").string();
  const std::string clps = (fs::path(dir) / "clps.csv").string();
  const std::string runs = (fs::path(dir) / "runs.csv").string();
  if (!fs::is_directory(dir))
    throw InputError({{dir, 0, 0, "--from: no such folder (a folder `leadsim run` wrote)"}});
  for (const auto& p : {summary, clps, runs})
    if (!fs::is_regular_file(p))
      throw InputError({{p, 0, 0, fmt::format("--from {}: no {} (a folder `leadsim run` wrote "
                                              "holds summary.json, clps.csv and runs.csv)",
                                              dir, fs::path(p).filename().string())}});
  try {
    const auto j = nlohmann::json::parse(read_input_file(summary, "run summary"));
    const auto& m = j.at("manifest");
    f.runs = m.at("runs").get<std::uint64_t>();
    f.seed = m.at("seed").get<std::uint64_t>();
    f.scenario = m.value("scenario", "");
    f.scenario_sha256 = m.value("scenario_sha256", "");
  } catch (const std::exception& e) {
    throw InputError({{summary, 0, 0, fmt::format("not a run's summary.json ({})", e.what())}});
  }
  if (f.runs == 0) throw InputError({{summary, 0, 0, "the run folder holds no runs"}});
  const size_t k = s.candidates.size();
  std::vector<Diagnostic> diags;
  // clps.csv: p_nominate_<id> per candidate and p_no_nomination, per CLP.
  {
    CsvTable csv;
    read_csv(clps, "clps.csv", csv, diags);
    std::vector<int> cols;
    for (const auto& c : s.candidates) cols.push_back(csv.column("p_nominate_" + c.id));
    cols.push_back(csv.column("p_no_nomination"));
    const int c_clp = csv.column("clp");
    std::vector<std::string> missing, present;
    for (size_t j = 0; j < cols.size(); ++j)
      if (cols[j] < 0)
        missing.push_back(j < k ? "p_nominate_" + s.candidates[j].id : "p_no_nomination");
    for (const auto& h : csv.header)
      if (h.rfind("p_nominate_", 0) == 0) present.push_back(h);
    if (!missing.empty())
      diags.push_back({clps, 1, 1,
                       fmt::format("no column {} for {}'s candidates: the run of another scenario? "
                                   "(it has {})",
                                   fmt::join(missing, ", "), s.name,
                                   present.empty() ? std::string("no p_nominate_ columns")
                                                   : fmt::format("{}", fmt::join(present, ", ")))});
    if (c_clp < 0) diags.push_back({clps, 1, 1, "no column clp"});
    if (!diags.empty()) throw InputError(diags);
    f.forecast.runs = f.runs;
    f.forecast.counts.assign(s.clps.size(), std::vector<double>(k + 1, -1.0));
    std::vector<int> first_line(s.clps.size(), 0);
    for (size_t r = 0; r < csv.rows.size(); ++r) {
      const int clp = detail::clp_of_row(s, csv, r, c_clp, clps, first_line, diags);
      if (clp == -1)
        diags.push_back({clps, csv.lines[r], 1,
                         fmt::format("'{}' is not a CLP of {} (was the run of another scenario?)",
                                     csv.rows[r][size_t(c_clp)], s.name)});
      if (clp < 0) continue;
      for (size_t j = 0; j <= k; ++j) {
        const std::string& text = csv.rows[r][size_t(cols[j])];
        char* end = nullptr;
        const double p = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !(p >= -1e-9 && p <= 1 + 1e-9)) {
          diags.push_back({clps, csv.lines[r], cols[j] + 1,
                           fmt::format("'{}' is not a probability", text)});
          continue;
        }
        // The frequencies are k / runs printed to four decimals: below 10,000 runs the nearest
        // whole number to p x runs is k itself; above, p x runs is k to within runs / 20,000.
        const double count = std::max(0.0, p) * double(f.runs);
        f.forecast.counts[size_t(clp)][j] = f.runs < 10000 ? std::round(count) : count;
      }
    }
    for (size_t c = 0; c < s.clps.size(); ++c)
      if (!first_line[c])
        diags.push_back({clps, 0, 0, fmt::format("no row for the scenario's CLP '{}' (was the run "
                                                 "of another scenario?)", s.clps[c].name)});
    if (!diags.empty()) throw InputError(diags);
  }
  // runs.csv: nominations_<id> per run, over every CLP of the run.
  {
    CsvTable csv;
    read_csv(runs, "runs.csv", csv, diags);
    std::vector<int> cols;
    for (const auto& c : s.candidates) {
      cols.push_back(csv.column("nominations_" + c.id));
      if (cols.back() < 0)
        diags.push_back({runs, 1, 1, fmt::format("no column nominations_{}", c.id)});
    }
    if (!diags.empty()) throw InputError(diags);
    f.national.scope = "all CLPs of the run";
    f.national.clps = int(s.clps.size());
    for (size_t r = 0; r < csv.rows.size(); ++r) {
      std::vector<int> n(k + 1, 0);
      int total = 0;
      for (size_t j = 0; j < k; ++j) {
        n[j] = std::atoi(csv.rows[r][size_t(cols[j])].c_str());
        total += n[j];
      }
      n[k] = int(s.clps.size()) - total;
      f.national.per_run.push_back(std::move(n));
    }
    if (f.national.per_run.size() != f.runs)
      throw InputError({{runs, 0, 0, fmt::format("{} rows, but summary.json says {} runs",
                                                  f.national.per_run.size(), f.runs)}});
  }
  return f;
}

// --- The scores -------------------------------------------------------------------------------

ScoreReport score_forecast(const Scenario& s, const ObservedOutcomes& obs, const ClpForecast& f,
                           const NationalDraws* national) {
  const size_t k = s.candidates.size(), m = k + 1;  // outcomes: candidates, then none
  ScoreReport r;
  r.contest = s.name;
  r.scenario = s.file;
  r.scenario_sha256 = s.sha256;
  r.observed_file = obs.file;
  r.observed_sha256 = obs.sha256;
  r.runs = f.runs;
  r.clps = int(s.clps.size());
  r.observed = obs.outcome;
  const double runs = double(std::max<std::uint64_t>(1, f.runs));
  // Raw frequencies (Brier, AUC, reliability) and smoothed ones (log score), scored CLPs only.
  std::vector<std::vector<double>> raw, smooth;
  std::vector<int> y;
  r.p.assign(s.clps.size(), std::vector<double>(m, 0.0));
  for (size_t c = 0; c < s.clps.size(); ++c) {
    for (size_t j = 0; j < m; ++j) r.p[c][j] = f.counts[c][j] / runs;
    if (obs.outcome[c] < 0) continue;
    raw.push_back(r.p[c]);
    std::vector<double> sm(m);
    for (size_t j = 0; j < m; ++j)
      sm[j] = (f.counts[c][j] + r.smoothing) / (runs + double(m) * r.smoothing);
    smooth.push_back(std::move(sm));
    y.push_back(obs.outcome[c]);
  }
  r.scored = int(y.size());
  const double n = double(std::max<size_t>(1, y.size()));
  std::vector<double> clim(m, 0.0);
  for (int v : y) clim[size_t(v)] += 1 / n;

  // Multi-category scores and their baselines.
  r.brier.model = brier_score(raw, y);
  r.log.model = log_score(smooth, y);
  r.brier.climatology = brier_score(std::vector<std::vector<double>>(y.size(), clim), y);
  r.log.climatology = log_score(std::vector<std::vector<double>>(y.size(), clim), y);
  r.brier.uniform = 1.0 - 1.0 / double(m);  // (1 - 1/m)^2 + (m - 1) / m^2
  r.log.uniform = std::log(double(m));
  r.brier.coin = r.log.coin = kNaN;

  // One outcome against the rest.
  for (size_t j = 0; j < m; ++j) {
    OutcomeScore o;
    o.id = j < k ? s.candidates[j].id : "none";
    o.name = j < k ? s.candidates[j].name : "no nomination";
    std::vector<double> p(y.size()), ps(y.size());
    std::vector<int> hit(y.size());
    for (size_t i = 0; i < y.size(); ++i) {
      p[i] = raw[i][j];
      ps[i] = smooth[i][j];
      hit[i] = y[i] == int(j);
      o.observed += hit[i];
    }
    o.climatology = clim[j];
    auto constant = [&](double q) { return std::vector<double>(y.size(), q); };
    o.brier = {binary_brier(p, hit), binary_brier(constant(clim[j]), hit),
               binary_brier(constant(1.0 / double(m)), hit), 0.25};
    o.log = {binary_log_score(ps, hit), binary_log_score(constant(clim[j]), hit),
             binary_log_score(constant(1.0 / double(m)), hit), std::log(2.0)};
    o.auc = area_under_curve(p, hit);
    o.reliability = reliability_table(p, hit);
    r.outcomes.push_back(std::move(o));
  }
  {
    std::vector<double> anyone(y.size());
    std::vector<int> nominated(y.size());
    for (size_t i = 0; i < y.size(); ++i) {
      anyone[i] = 1.0 - raw[i][k];
      nominated[i] = y[i] != int(k);
    }
    r.anyone = area_under_curve(anyone, nominated);
  }

  // National totals.
  if (national && !national->per_run.empty()) {
    r.national_scope = national->scope;
    r.national_comparable = national->same_clps_as_scored && national->clps == r.scored;
    const size_t R = national->per_run.size();
    for (size_t j = 0; j < m; ++j) {
      std::vector<int> v(R);
      for (size_t i = 0; i < R; ++i) v[i] = national->per_run[i][j];
      std::sort(v.begin(), v.end());
      NationalTotal t;
      t.observed = r.outcomes[j].observed;
      double sum = 0, sumsq = 0;
      for (int x : v) {
        sum += x;
        sumsq += double(x) * x;
      }
      t.mean = sum / double(R);
      t.sd = R > 1 ? std::sqrt(std::max(0.0, (sumsq - sum * sum / double(R)) / double(R - 1))) : 0;
      // Nearest-rank quantiles: the smallest value with at least 5% (95%) of runs at or below.
      auto q = [&](double p) {
        const size_t at = size_t(std::max(1.0, std::ceil(p * double(R)))) - 1;
        return v[std::min(at, R - 1)];
      };
      t.lo = q(0.05);
      t.hi = q(0.95);
      t.inside = t.lo <= t.observed && t.observed <= t.hi;
      t.share_at_or_below =
          double(std::upper_bound(v.begin(), v.end(), t.observed) - v.begin()) / double(R);
      r.outcomes[j].national = t;
    }
  }
  return r;
}

namespace {

// Passes each run to two observers, in run order.
class Both : public RunObserver {
 public:
  Both(RunObserver& a, RunObserver* b) : a_(a), b_(b) {}
  void on_run(const RunResult& r) override {
    a_.on_run(r);
    if (b_) b_->on_run(r);
  }

 private:
  RunObserver& a_;
  RunObserver* b_;
};

}  // namespace

ScoredEnsemble run_and_score(const Scenario& s, const Population& pop, const ObservedOutcomes& obs,
                             const EnsembleOptions& opt, RunObserver* also) {
  std::vector<bool> scored(s.clps.size());
  for (size_t c = 0; c < s.clps.size(); ++c) scored[c] = obs.outcome[c] >= 0;
  NationalCounter counter(s, scored);
  Both both(counter, also);
  EnsembleResult result = run_ensemble(s, pop, opt, &both);
  ScoreReport report = score_forecast(s, obs, forecast_from_summary(s, result.summary), &counter.draws);
  report.seed = opt.seed;
  return {std::move(result), std::move(report)};
}

void write_score_files(OutputDir& out, const ScoreReport& r, const Scenario& s, const HexMap* map,
                       int map_candidate) {
  write_score_json(out.open("score.json"), r);
  out.open("reliability.svg") << reliability_svg(r);
  if (map) out.open("map.svg") << map_svg(r, s, *map, map_candidate);
}

// --- score.json -------------------------------------------------------------------------------

namespace {

nlohmann::ordered_json baselined(const Baselined& b, bool with_coin) {
  nlohmann::ordered_json j;
  j["model"] = b.model;
  j["climatology"] = b.climatology;
  j["uniform"] = b.uniform;
  if (with_coin) j["coin"] = b.coin;
  j["skill_vs_climatology"] = b.skill_climatology();
  j["skill_vs_uniform"] = b.skill_uniform();
  if (with_coin) j["skill_vs_coin"] = b.skill_coin();
  return j;
}

nlohmann::ordered_json auc_json(const Auc& a) {
  return {{"auc", a.auc}, {"se_delong", a.se},
          {"se_hanley_mcneil", hanley_mcneil_se(a.auc, a.positives, a.negatives)},
          {"positives", a.positives}, {"negatives", a.negatives}};
}

}  // namespace

void write_score_json(std::ostream& out, const ScoreReport& r) {
  nlohmann::ordered_json j;
  j["contest"] = r.contest;
  j["scenario"] = r.scenario;
  j["scenario_sha256"] = r.scenario_sha256;
  j["observed"] = r.observed_file;
  j["observed_sha256"] = r.observed_sha256;
  j["runs"] = r.runs;
  j["seed"] = r.seed;
  j["clps"] = r.clps;
  j["scored"] = r.scored;
  j["not_scored"] = r.clps - r.scored;
  j["probabilities"] =
      "P = k / runs: each outcome's Monte Carlo frequency over the runs (Brier, AUC, reliability)";
  j["log_score_smoothing"] = fmt::format(
      "Krichevsky-Trofimov: (k + {0}) / (runs + K * {0}) with K = {1} outcomes (the posterior "
      "mean under a Dirichlet({0}) prior), for the log score only",
      r.smoothing, r.outcomes.size());
  j["baselines"] = {
      {"climatology", "each outcome's frequency among the scored CLPs' observed outcomes "
                      "(in-sample: it knows the national totals)"},
      {"uniform", fmt::format("1/{} for each outcome", r.outcomes.size())},
      {"coin", "0.5 for each outcome, one against the rest (binary scores only)"}};
  j["brier"] = baselined(r.brier, false);
  j["log"] = baselined(r.log, false);
  j["auc_anyone_vs_none"] = auc_json(r.anyone);
  j["national_scope"] = r.national_scope;
  j["national_comparable"] = r.national_comparable;
  auto& outs = j["outcomes"];
  outs = nlohmann::ordered_json::array();
  for (const OutcomeScore& o : r.outcomes) {
    nlohmann::ordered_json x;
    x["id"] = o.id;
    x["name"] = o.name;
    x["observed"] = o.observed;
    x["climatology"] = o.climatology;
    x["brier"] = baselined(o.brier, true);
    x["log"] = baselined(o.log, true);
    x["auc"] = auc_json(o.auc);
    auto& rel = x["reliability"];
    rel = nlohmann::ordered_json::array();
    for (const ReliabilityBin& b : o.reliability)
      rel.push_back({{"lo", b.lo}, {"hi", b.hi}, {"count", b.count},
                     {"mean_predicted", b.mean_predicted}, {"observed", b.observed},
                     {"frequency", b.frequency.p}, {"wilson90_lo", b.frequency.lo},
                     {"wilson90_hi", b.frequency.hi}});
    if (o.national)
      x["national"] = {{"observed", o.national->observed}, {"mean", o.national->mean},
                       {"sd", o.national->sd}, {"q05", o.national->lo}, {"q95", o.national->hi},
                       {"inside_90", o.national->inside},
                       {"share_of_runs_at_or_below", o.national->share_at_or_below}};
    outs.push_back(std::move(x));
  }
  out << j.dump(2) << "\n";
}

// --- The printed tables -----------------------------------------------------------------------

namespace {

std::string signed3(double x) { return std::isfinite(x) ? fmt::format("{:+.3f}", x) : "    -"; }
std::string fixed3(double x) { return std::isfinite(x) ? fmt::format("{:.3f}", x) : "-"; }

}  // namespace

std::string format_score_report(const ScoreReport& r) {
  size_t w = 16;
  for (const auto& o : r.outcomes) w = std::max(w, o.name.size() + 2);
  std::string s;
  s += fmt::format("{}: the model's per-CLP probabilities ({} runs, seed {}) against {}\n",
                   r.contest, r.runs, r.seed, r.observed_file);
  s += fmt::format("{} CLPs scored; {} of the scenario's {} CLPs have no observed outcome and are "
                   "not scored.\n",
                   r.scored, r.clps - r.scored, r.clps);
  std::string seen;
  for (const auto& o : r.outcomes)
    seen += fmt::format("{}{} {}", seen.empty() ? "" : ", ", o.name, o.observed);
  s += "Observed: " + seen + "\n";
  s += fmt::format(
      "P is each outcome's frequency over the {} runs; the log score smooths it to (k + 0.5) / "
      "(runs + {} x 0.5).\n",
      r.runs, r.outcomes.size());

  s += fmt::format("\nProper scores, all outcomes at once (lower is better; skill = 1 - score / "
                   "baseline's: above 0 beats it)\n");
  s += fmt::format("  {:<12}{:>8}   {:>12} {:>7}   {:>12} {:>7}\n", "", "model", "climatology",
                   "skill", fmt::format("uniform 1/{}", r.outcomes.size()), "skill");
  for (const auto& [name, b] :
       {std::pair<const char*, const Baselined&>{"Brier", r.brier}, {"log score", r.log}})
    s += fmt::format("  {:<12}{:>8}   {:>12} {:>7}   {:>12} {:>7}\n", name, fixed3(b.model),
                     fixed3(b.climatology), signed3(b.skill_climatology()), fixed3(b.uniform),
                     signed3(b.skill_uniform()));
  s += "  (climatology: each outcome's share of the observed outcomes, in-sample)\n";

  s += fmt::format("\nOne outcome against the rest: Brier and log score with skill against "
                   "climatology / uniform / coin (0.5); AUC with DeLong's SE\n");
  s += fmt::format("  {:<{}}{:>5} {:>7} {:>7} {:>7} {:>7}   {:>7} {:>7} {:>7} {:>7}   {:>14}\n",
                   "outcome", w, "obs", "Brier", "clim", "unif", "coin", "log", "clim", "unif",
                   "coin", "AUC (SE)");
  for (const auto& o : r.outcomes)
    s += fmt::format(
        "  {:<{}}{:>5} {:>7} {:>7} {:>7} {:>7}   {:>7} {:>7} {:>7} {:>7}   {:>14}\n", o.name, w,
        o.observed, fixed3(o.brier.model), signed3(o.brier.skill_climatology()),
        signed3(o.brier.skill_uniform()), signed3(o.brier.skill_coin()), fixed3(o.log.model),
        signed3(o.log.skill_climatology()), signed3(o.log.skill_uniform()),
        signed3(o.log.skill_coin()),
        std::isfinite(o.auc.auc) ? fmt::format("{:.3f} ({:.3f})", o.auc.auc, o.auc.se) : "-");
  s += fmt::format("  {:<{}}{:>5}   AUC of P(nominates anyone) for telling the CLPs that "
                   "nominated from those that did not: {}\n",
                   "anyone vs none", w, r.scored - r.outcomes.back().observed,
                   std::isfinite(r.anyone.auc)
                       ? fmt::format("{:.3f} ({:.3f})", r.anyone.auc, r.anyone.se)
                       : "-");

  if (!r.national_scope.empty()) {
    s += fmt::format("\nNational totals over {}: observed against the runs (mean, 90% range)\n",
                     r.national_scope);
    if (!r.national_comparable)
      s += fmt::format(
          "  (the runs' totals count every CLP of the run, the observed only the {} scored: not "
          "comparable; score without --from for totals over the scored CLPs)\n",
          r.scored);
    s += fmt::format("  {:<{}}{:>9} {:>9} {:>12}  {:>8}  {:>14}\n", "outcome", w, "observed",
                     "mean", "90% range", "inside", "runs <= obs");
    for (const auto& o : r.outcomes) {
      if (!o.national) continue;
      const NationalTotal& t = *o.national;
      s += fmt::format("  {:<{}}{:>9} {:>9.1f} {:>12}  {:>8}  {:>13.1f}%\n", o.name, w, t.observed,
                       t.mean, fmt::format("[{}, {}]", t.lo, t.hi),
                       r.national_comparable ? (t.inside ? "yes" : "NO") : "-",
                       100 * t.share_at_or_below);
    }
  }

  s += "\nReliability: CLPs binned by predicted P; observed frequency with a Wilson 90% interval "
       "(calibrated: mean P inside it)\n";
  for (const auto& o : r.outcomes) {
    s += fmt::format("  {}\n", o.name);
    s += fmt::format("    {:<11}{:>6} {:>8} {:>9}  {:<16}\n", "P", "CLPs", "mean P", "observed",
                     "90% interval");
    for (const auto& b : o.reliability) {
      if (b.count == 0) continue;
      const bool in = b.mean_predicted >= b.frequency.lo && b.mean_predicted <= b.frequency.hi;
      s += fmt::format("    {:<11}{:>6} {:>8.3f} {:>9.3f}  [{:.3f}, {:.3f}]{}\n",
                       fmt::format("[{:.1f}, {:.1f}{}", b.lo, b.hi, b.hi >= 1 ? "]" : ")"),
                       b.count, b.mean_predicted, b.frequency.p, b.frequency.lo, b.frequency.hi,
                       in ? "" : "  outside");
    }
  }
  return s;
}

// --- SVG ---------------------------------------------------------------------------------------

namespace {

// Okabe and Ito's colour-blind-safe palette, as the visualiser's candidates; grey for none.
const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#E69F00",
                                "#56B4E9", "#CC79A7", "#F0E442"};
std::string outcome_colour(size_t j, size_t candidates) {
  return j >= candidates ? "#808080" : kPalette[j % (sizeof kPalette / sizeof kPalette[0])];
}

std::string esc(const std::string& t) {
  std::string o;
  for (char c : t) {
    if (c == '&') o += "&amp;";
    else if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '"') o += "&quot;";
    else o += c;
  }
  return o;
}

std::string svg_open(double w, double h) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
      "viewBox=\"0 0 {0:.0f} {1:.0f}\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
      "<rect width=\"{0:.0f}\" height=\"{1:.0f}\" fill=\"white\"/>\n",
      w, h);
}

std::string text(double x, double y, const std::string& t, double size = 12,
                 const char* anchor = "start", const char* extra = "") {
  return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{:.0f}\" text-anchor=\"{}\"{}>{}"
                     "</text>\n",
                     x, y, size, anchor, extra, esc(t));
}

// sRGB hex <-> components, and a blend of two colours.
struct Rgb {
  double r, g, b;
};
Rgb parse_hex(const std::string& h) {
  auto v = [&](int i) { return double(std::stoi(h.substr(size_t(1 + 2 * i), 2), nullptr, 16)); };
  return {v(0), v(1), v(2)};
}
std::string hex(Rgb c) {
  auto b = [](double x) { return int(std::lround(std::clamp(x, 0.0, 255.0))); };
  return fmt::format("#{:02x}{:02x}{:02x}", b(c.r), b(c.g), b(c.b));
}
Rgb mix(Rgb a, Rgb b, double t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

// The map's ramp for a probability: near-white, through the colour, to its dark shade. Lightness
// falls steadily with P, so it reads in grey too.
std::string ramp(double p, const std::string& colour) {
  const Rgb light{247, 247, 247}, mid = parse_hex(colour), dark = mix(mid, {0, 0, 0}, 0.55);
  p = clamp01(p);
  return hex(p < 0.6 ? mix(light, mid, p / 0.6) : mix(mid, dark, (p - 0.6) / 0.4));
}

}  // namespace

std::string reliability_svg(const ScoreReport& r) {
  const size_t m = r.outcomes.size(), k = m - 1;
  // Panels three to a row, then one more slot for the key.
  const size_t cols = std::min<size_t>(m + 1, 3), rows = (m + 1 + cols - 1) / cols;
  const double plot = 250, left = 60, top = 84, gap_x = 50, gap_y = 80;
  const double W = left + double(cols) * (plot + gap_x) + 10;
  const double H = top + double(rows) * (plot + gap_y) + 40;
  std::string s = svg_open(W, H);
  s += text(left, 26, fmt::format("Reliability: {} ({} CLPs scored, {} runs)", r.contest,
                                  r.scored, r.runs), 17, "start", " font-weight=\"bold\"");
  s += text(left, 46,
            "Per outcome, one against the rest: the scored CLPs binned by the model's P (tenths of "
            "[0, 1]);", 11, "start", " fill=\"#444\"");
  s += text(left, 60,
            "a calibrated forecast keeps the dots on the dashed diagonal, within their bars.", 11,
            "start", " fill=\"#444\"");
  int max_count = 1;
  for (const auto& o : r.outcomes)
    for (const auto& b : o.reliability) max_count = std::max(max_count, b.count);
  auto radius_of = [&](int count) { return 2.5 + 11 * std::sqrt(double(count) / max_count); };
  for (size_t j = 0; j < m; ++j) {
    const OutcomeScore& o = r.outcomes[j];
    const double x0 = left + double(j % cols) * (plot + gap_x);
    const double y0 = top + double(j / cols) * (plot + gap_y) + 20;
    auto X = [&](double p) { return x0 + p * plot; };
    auto Y = [&](double p) { return y0 + (1 - p) * plot; };
    const std::string colour = outcome_colour(j, k);
    s += fmt::format("<g class=\"panel\" id=\"{}\">\n", esc(o.id));
    s += text(x0, y0 - 8,
              fmt::format("{}: observed in {} of {} CLPs", o.name, o.observed, r.scored), 13, "start",
              " font-weight=\"bold\"");
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                     "fill=\"#fafafa\" stroke=\"#999\"/>\n",
                     x0, y0, plot, plot);
    for (int t = 0; t <= 5; ++t) {
      const double v = t / 5.0;
      s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
                       "stroke=\"#e4e4e4\"/>\n",
                       X(v), Y(0), X(v), Y(1));
      s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
                       "stroke=\"#e4e4e4\"/>\n",
                       X(0), Y(v), X(1), Y(v));
      s += text(X(v), Y(0) + 14, fmt::format("{:.1f}", v), 10, "middle");
      s += text(X(0) - 5, Y(v) + 3, fmt::format("{:.1f}", v), 10, "end");
    }
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#555\" "
                     "stroke-dasharray=\"5,4\"/>\n",
                     X(0), Y(0), X(1), Y(1));
    s += text(x0 + plot / 2, Y(0) + 30, "predicted P (mean in bin)", 11, "middle");
    s += fmt::format("<text x=\"{0:.1f}\" y=\"{1:.1f}\" font-size=\"11\" text-anchor=\"middle\" "
                     "transform=\"rotate(-90 {0:.1f} {1:.1f})\">observed frequency</text>\n",
                     x0 - 36, y0 + plot / 2);
    for (const auto& b : o.reliability) {
      if (b.count == 0) continue;
      const double cx = X(b.mean_predicted), cy = Y(b.frequency.p);
      const double radius = radius_of(b.count);
      s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\" "
                       "fill-opacity=\"0.75\" stroke=\"white\"><title>P in [{:.1f}, {:.1f}): {} "
                       "CLPs, mean P {:.3f}, observed {:.3f} [{:.3f}, {:.3f}]</title></circle>\n",
                       cx, cy, radius, colour, b.lo, b.hi, b.count, b.mean_predicted,
                       b.frequency.p, b.frequency.lo, b.frequency.hi);
      // The interval over the dot, with caps, so that a large dot does not hide it.
      s += fmt::format("<path d=\"M{0:.1f},{1:.1f}V{2:.1f}M{3:.1f},{1:.1f}H{4:.1f}M{3:.1f},{2:.1f}"
                       "H{4:.1f}\" stroke=\"#222\" stroke-width=\"1.2\" fill=\"none\"/>\n",
                       cx, Y(b.frequency.lo), Y(b.frequency.hi), cx - 3, cx + 3);
    }
    s += text(x0 + 6, y0 + 16,
              fmt::format("Brier {:.3f}, AUC {}", o.brier.model,
                          std::isfinite(o.auc.auc) ? fmt::format("{:.2f}", o.auc.auc) : "-"),
              11, "start", " fill=\"#333\"");
    s += "</g>\n";
  }
  // The key, in the slot after the last panel.
  {
    const double x0 = left + double(m % cols) * (plot + gap_x) + 10;
    double y = top + double(m / cols) * (plot + gap_y) + 30;
    s += text(x0, y, "How to read it", 13, "start", " font-weight=\"bold\"");
    y += 26;
    for (int n : {std::max(1, max_count / 20), std::max(1, max_count / 4), max_count}) {
      s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"#999\" "
                       "fill-opacity=\"0.75\"/>\n", x0 + 14, y - 4, radius_of(n));
      s += text(x0 + 34, y, fmt::format("{} CLPs in the bin", n), 11);
      y += 2 * radius_of(n) + 8;
    }
    s += fmt::format("<path d=\"M{0:.1f},{1:.1f}V{2:.1f}M{3:.1f},{1:.1f}H{4:.1f}M{3:.1f},{2:.1f}"
                     "H{4:.1f}\" stroke=\"#222\" stroke-width=\"1.2\" fill=\"none\"/>\n",
                     x0 + 14, y - 14, y + 4, x0 + 11, x0 + 17);
    s += text(x0 + 34, y, "Wilson 90% interval of the", 11);
    s += text(x0 + 34, y + 13, "observed frequency", 11);
    y += 36;
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#555\" "
                     "stroke-dasharray=\"5,4\"/>\n", x0, y - 4, x0 + 28, y - 4);
    s += text(x0 + 34, y, "perfect calibration", 11);
    y += 24;
    s += text(x0, y, fmt::format("P: share of {} runs", r.runs), 11, "start", " fill=\"#444\"");
    s += text(x0, y + 14, fmt::format("all outcomes: Brier {:.3f}, skill {:+.3f}", r.brier.model,
                                      r.brier.skill_climatology()), 11, "start", " fill=\"#444\"");
    s += text(x0, y + 28, "against climatology (in-sample)", 11, "start", " fill=\"#444\"");
  }
  s += "</svg>\n";
  return s;
}

std::string map_svg(const ScoreReport& r, const Scenario& s, const HexMap& map, int candidate) {
  const size_t m = r.outcomes.size(), k = m - 1;
  const bool likely = candidate < 0;
  const size_t x = likely ? 0 : std::min(size_t(candidate), k);
  const HexBounds b = hex_bounds(map);
  const double size = 11.0;  // circumradius in pixels
  const double left = 20, top = 78, legend_w = 330;
  const double map_w = (b.x1 - b.x0) * size, map_h = (b.y1 - b.y0) * size;
  const double W = left + map_w + 30 + legend_w, H = std::max(top + map_h + 30, 620.0);
  auto px = [&](HexPoint p) { return HexPoint{left + (p.x - b.x0) * size, top + (p.y - b.y0) * size}; };
  const std::string what = likely ? "the most likely outcome"
                                  : x < k ? "P(nominates " + r.outcomes[x].name + ")"
                                          : std::string("P(no nomination)");
  std::string sv = svg_open(W, H);
  sv += text(left, 28, fmt::format("{}: {} per CLP", r.contest, what), 18, "start",
             " font-weight=\"bold\"");
  sv += text(left, 50,
             fmt::format("model: {} runs, seed {}; marks: the observed outcomes in {} ({} CLPs "
                         "scored)", r.runs, r.seed,
                         std::filesystem::path(r.observed_file).filename().string(), r.scored),
             12, "start", " fill=\"#444\"");
  // Cells not scored: hatched grey, unlike any probability's colour.
  sv += "<defs><pattern id=\"unscored\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" "
        "patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"#e6e6e6\"/>"
        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"#b3b3b3\" stroke-width=\"1.5\"/>"
        "</pattern></defs>\n";
  // Cells: the scenario's CLP for each.
  std::vector<int> clp_of_cell(map.cells.size(), -1);
  for (size_t i = 0; i < map.cells.size(); ++i) clp_of_cell[i] = s.clp_index(map.cells[i].name);
  std::string marks;
  for (size_t i = 0; i < map.cells.size(); ++i) {
    const HexCell& cell = map.cells[i];
    const HexPoint c = px(hex_centre(cell.q, cell.r));
    const auto corners = hex_corners(c, size * 0.97);
    std::string pts;
    for (const auto& p : corners) pts += fmt::format("{:.1f},{:.1f} ", p.x, p.y);
    pts.pop_back();
    const int clp = clp_of_cell[i];
    const int seen = clp >= 0 ? r.observed[size_t(clp)] : -1;
    std::string fill = "url(#unscored)", tip = cell.name;
    if (clp < 0) {
      tip += ": not a CLP of the scenario";
    } else if (seen < 0) {
      tip += ": no observed outcome, not scored";
    } else {
      const auto& p = r.p[size_t(clp)];
      if (likely) {
        const size_t best = size_t(std::max_element(p.begin(), p.end()) - p.begin());
        // Strength from the share of the most likely outcome: 1/m (a toss-up) to 1 (certain).
        const double t = std::clamp((p[best] - 1.0 / double(m)) / (1 - 1.0 / double(m)), 0.0, 1.0);
        fill = hex(mix({247, 247, 247}, parse_hex(outcome_colour(best, k)), 0.2 + 0.8 * t));
      } else {
        fill = ramp(p[x], outcome_colour(x, k));
      }
      tip += ":";
      for (size_t j = 0; j < m; ++j)
        tip += fmt::format(" P({}) {:.2f}{}", r.outcomes[j].id, p[j], j + 1 < m ? "," : ";");
      tip += " observed " + r.outcomes[size_t(seen)].id;
      // The observed outcome: on a candidate's map, a black dot where it was nominated and a
      // ring where another candidate was; on the most-likely map, a dot in the nominee's colour.
      if (likely) {
        if (seen < int(k))
          marks += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\" "
                               "stroke=\"black\" stroke-width=\"0.8\"/>\n",
                               c.x, c.y, size * 0.36, outcome_colour(size_t(seen), k));
      } else if (seen == int(x)) {
        marks += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"black\" "
                             "stroke=\"white\" stroke-width=\"0.7\"/>\n",
                             c.x, c.y, size * 0.36);
      } else if (seen < int(k)) {
        marks += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"none\" "
                             "stroke=\"#222\" stroke-width=\"1\"/>\n",
                             c.x, c.y, size * 0.3);
      }
    }
    sv += fmt::format("<polygon points=\"{}\" fill=\"{}\" stroke=\"white\" stroke-width=\"0.6\">"
                      "<title>{}</title></polygon>\n",
                      pts, fill, esc(tip));
  }
  sv += marks;

  // The legend.
  const double lx = left + map_w + 30;
  double ly = top + 10;
  if (!likely) {
    sv += text(lx, ly, what, 13, "start", " font-weight=\"bold\"");
    double lo = 1, hi = 0;
    for (size_t c = 0; c < r.p.size(); ++c)
      if (r.observed[c] >= 0) {
        lo = std::min(lo, r.p[c][x]);
        hi = std::max(hi, r.p[c][x]);
      }
    sv += text(lx, ly + 16, "the fill: share of runs", 11, "start", " fill=\"#444\"");
    sv += text(lx, ly + 30, fmt::format("(the scored CLPs range from {:.2f} to {:.2f})", lo, hi),
               11, "start", " fill=\"#444\"");
    ly += 42;
    const double bar_w = 220, bar_h = 16;
    for (int i = 0; i < 50; ++i)
      sv += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.0f}\" "
                        "fill=\"{}\"/>\n",
                        lx + bar_w * i / 50.0, ly, bar_w / 50.0 + 0.3, bar_h,
                        ramp((i + 0.5) / 50.0, outcome_colour(x, k)));
    sv += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.0f}\" height=\"{:.0f}\" "
                      "fill=\"none\" stroke=\"#888\"/>\n",
                      lx, ly, bar_w, bar_h);
    for (int t = 0; t <= 4; ++t)
      sv += text(lx + bar_w * t / 4.0, ly + bar_h + 14, fmt::format("{:.2f}", t / 4.0), 10,
                 "middle");
    ly += bar_h + 40;
    sv += text(lx, ly, "observed", 13, "start", " font-weight=\"bold\"");
    ly += 20;
    sv += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"black\"/>\n", lx + 8, ly - 4);
    sv += text(lx + 20, ly, x < k ? "nominated " + r.outcomes[x].name : "no nomination", 12);
    ly += 20;
    if (x < k) {
      sv += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.3\" fill=\"none\" "
                        "stroke=\"#222\"/>\n", lx + 8, ly - 4);
      sv += text(lx + 20, ly, "nominated another candidate", 12);
      ly += 20;
      sv += text(lx + 20, ly, "no mark: no nomination", 12);
      ly += 20;
    }
  } else {
    sv += text(lx, ly, "most likely outcome (fill)", 13, "start", " font-weight=\"bold\"");
    sv += text(lx, ly + 16, "paler: a closer call", 11, "start", " fill=\"#444\"");
    ly += 34;
    for (size_t j = 0; j < m; ++j) {
      sv += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"14\" fill=\"{}\"/>\n",
                        lx, ly - 11, outcome_colour(j, k));
      if (j < k)
        sv += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\" stroke=\"black\" "
                          "stroke-width=\"0.8\"/>\n", lx + 30, ly - 4, outcome_colour(j, k));
      sv += text(lx + 44, ly, r.outcomes[j].name, 12);
      ly += 20;
    }
    sv += text(lx, ly, "fill: the model's most likely outcome;", 11, "start", " fill=\"#444\"");
    sv += text(lx, ly + 14, "dot: the observed nominee (no dot: none)", 11, "start", " fill=\"#444\"");
    ly += 14;
    ly += 22;
  }
  ly += 10;
  sv += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"14\" "
                    "fill=\"url(#unscored)\"/>\n", lx, ly - 11);
  sv += text(lx + 20, ly, "not scored: no observed outcome", 12);
  sv += text(lx + 20, ly + 14, "(or not a CLP of the scenario)", 11, "start", " fill=\"#444\"");
  ly += 44;
  if (!likely && x < m) {
    const OutcomeScore& o = r.outcomes[x];
    sv += text(lx, ly, "how well P separates them", 13, "start", " font-weight=\"bold\"");
    ly += 18;
    sv += text(lx, ly, fmt::format("AUC {:.3f} (SE {:.3f})", o.auc.auc, o.auc.se), 12);
    ly += 18;
    sv += text(lx, ly, fmt::format("Brier {:.3f}, skill {:+.3f} vs climatology", o.brier.model,
                                   o.brier.skill_climatology()), 12);
    ly += 18;
  }
  sv += text(lx, ly, fmt::format("all outcomes: Brier skill {:+.3f} vs climatology",
                                 r.brier.skill_climatology()), 12);
  ly += 18;
  sv += text(lx, ly, "(climatology is in-sample)", 11, "start", " fill=\"#444\"");
  ly += 28;
  sv += text(lx, ly, "One hexagon per constituency: ODI Leeds", 10, "start", " fill=\"#666\"");
  sv += text(lx, ly + 13, "hex map (scenarios/data/ge2015_hexmap.csv)", 10, "start",
             " fill=\"#666\"");
  sv += "</svg>\n";
  return sv;
}

}  // namespace leadsim
