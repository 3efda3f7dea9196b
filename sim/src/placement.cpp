// placement.cpp: the placement question (placement.hpp): the spec, the cost curves measured one
// ensemble per level, their isotonic fit, the exact allocation and its held-out gain.
#include "leadsim/placement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <toml++/toml.h>

#include "leadsim/csv.hpp"
#include "leadsim/ensemble.hpp"
#include "leadsim/population.hpp"
#include "scenario_files.hpp"
#include "spec_checks.hpp"
#include "text.hpp"

namespace leadsim {

using detail::at_node;

bool is_placement_spec(const std::string& file) {
  std::vector<Diagnostic> diags;
  std::string bytes;
  try {
    const toml::table root = detail::parse_toml_file(file, diags, bytes, "spec");
    return diags.empty() && root["placement"].is_table();
  } catch (const InputError&) {
    return false;
  }
}

PlacementSpec load_placement_spec(const std::string& file) {
  std::vector<Diagnostic> diags;
  static const std::set<std::string> keys{"wave", "candidate", "budget", "step", "max_per_clp",
                                          "runs", "seed", "clps", "set"};
  const detail::SpecFile file_spec = detail::open_spec(file, "placement spec", "placement", keys, diags);
  PlacementSpec spec;
  spec.origin = file;
  spec.sha256 = file_spec.sha256;
  const toml::table* t = &file_spec.table("placement");
  auto text = [&](const char* key, std::string& out, Diagnostic& where, const char* what) {
    const toml::node* n = t->get(key);
    if (n && n->value<std::string>()) {
      out = *n->value<std::string>();
      where = at_node(*n, file, "");
    } else {
      diags.push_back(at_node(n ? *n : static_cast<const toml::node&>(*t), file,
                              fmt::format("placement.{} is required: {}", key, what)));
    }
  };
  auto whole = [&](const char* key, auto& out, std::int64_t lo, std::int64_t hi, bool required) {
    const toml::node* n = t->get(key);
    if (!n) {
      if (required) diags.push_back(at_node(*t, file, fmt::format("placement.{} is required", key)));
      return;
    }
    const auto x = n->value_exact<std::int64_t>();
    if (!x || *x < lo || *x > hi)
      diags.push_back(at_node(*n, file, fmt::format("placement.{} should be a whole number in [{}, {}]",
                                                    key, lo, hi)));
    else
      out = static_cast<std::remove_reference_t<decltype(out)>>(*x);
  };
  auto strings = [&](const char* key, std::vector<std::string>& out, const char* what) {
    const toml::node* n = t->get(key);
    if (!n) return;
    const toml::array* a = n->as_array();
    if (!a) {
      diags.push_back(at_node(*n, file, fmt::format("placement.{} should be an array of {}", key, what)));
      return;
    }
    for (auto&& e : *a) {
      if (auto s = e.value<std::string>()) out.push_back(*s);
      else diags.push_back(at_node(e, file, fmt::format("placement.{} should hold {}", key, what)));
    }
  };
  text("wave", spec.wave, spec.where_wave, "the id of the member wave whose people are placed");
  text("candidate", spec.candidate, spec.where_candidate, "the id of the candidate to win nominations for");
  whole("budget", spec.budget, 1, 100'000'000, true);
  whole("step", spec.step, 1, 1'000'000, false);
  whole("max_per_clp", spec.max_per_clp, 1, 10'000'000, false);
  whole("runs", spec.runs, 10, 1'000'000, false);
  whole("seed", spec.seed, 0, INT64_MAX, false);
  strings("clps", spec.clps, "CLP names");
  strings("set", spec.set, "\"path=value\" strings");
  if (const toml::node* n = t->get("clps")) spec.where_clps = at_node(*n, file, "");
  if (spec.max_per_clp < spec.step)
    diags.push_back(at_node(*t, file, "placement.max_per_clp should be at least placement.step"));
  else if (spec.max_per_clp / spec.step > 64)
    diags.push_back(at_node(*t, file, fmt::format("placement.max_per_clp / placement.step is {}: at most 64 "
                                                  "levels (each an ensemble of runs)",
                                                  spec.max_per_clp / spec.step)));
  if (!diags.empty()) throw InputError(diags);
  return spec;
}

void check_placement_spec(const PlacementSpec& spec, const Scenario& base) {
  std::vector<Diagnostic> diags;
  auto fail = [&](const Diagnostic& where, std::string m) {
    Diagnostic d = where;
    d.message = std::move(m);
    diags.push_back(d);
  };
  std::vector<std::string> waves, candidates, names;
  for (const Wave& w : base.waves) waves.push_back(w.id);
  for (const Candidate& c : base.candidates) candidates.push_back(c.id);
  for (const Clp& c : base.clps) names.push_back(c.name);
  const auto w = std::find_if(base.waves.begin(), base.waves.end(),
                              [&](const Wave& x) { return x.id == spec.wave; });
  if (w == base.waves.end())
    fail(spec.where_wave, fmt::format("no wave '{}' in the scenario{}", spec.wave, did_you_mean(spec.wave, waves)));
  else if (w->section != Section::member)
    fail(spec.where_wave, fmt::format("wave '{}' is not of members: only members take part in CLP meetings",
                                      spec.wave));
  else if (w->joined_from > base.eligibility.member_meeting_freeze)
    fail(spec.where_wave, fmt::format("every member of wave '{}' joins after the meeting freeze ({}), so "
                                      "none may take part in a CLP meeting: move its join dates (set)",
                                      spec.wave, format_day(base.eligibility.member_meeting_freeze)));
  if (base.candidate_index(spec.candidate) < 0)
    fail(spec.where_candidate, fmt::format("unknown candidate '{}'{}", spec.candidate,
                                           did_you_mean(spec.candidate, candidates)));
  std::set<std::string> seen;
  for (const std::string& n : spec.clps) {
    if (base.clp_index(n) < 0) fail(spec.where_clps, fmt::format("no CLP named '{}'{}", n, did_you_mean(n, names)));
    else if (!seen.insert(n).second) fail(spec.where_clps, fmt::format("CLP '{}' is named twice", n));
  }
  if (!diags.empty()) throw InputError(diags);
}

std::vector<double> isotonic_increasing(const std::vector<double>& y, const std::vector<double>& w) {
  // Blocks of pooled neighbours, each with its weighted mean; a new value that falls below the
  // last block's mean merges with it, and merging continues leftwards while order is violated.
  std::vector<double> mean, weight;
  std::vector<size_t> count;
  for (size_t i = 0; i < y.size(); ++i) {
    mean.push_back(y[i]);
    weight.push_back(w[i]);
    count.push_back(1);
    while (mean.size() > 1 && mean[mean.size() - 2] > mean.back()) {
      const size_t b = mean.size() - 1;
      const double total = weight[b - 1] + weight[b];
      mean[b - 1] = total > 0 ? (mean[b - 1] * weight[b - 1] + mean[b] * weight[b]) / total
                              : 0.5 * (mean[b - 1] + mean[b]);
      weight[b - 1] = total;
      count[b - 1] += count[b];
      mean.pop_back();
      weight.pop_back();
      count.pop_back();
    }
  }
  std::vector<double> out;
  for (size_t b = 0; b < mean.size(); ++b) out.insert(out.end(), count[b], mean[b]);
  return out;
}

std::vector<int> allocate_budget(const std::vector<std::vector<std::int64_t>>& cost,
                                 const std::vector<std::vector<double>>& gain, std::int64_t budget) {
  const size_t n = cost.size();
  std::vector<int> choice(n, 0);
  if (budget <= 0 || n == 0) return choice;
  // The budget in units (one joiner each up to 20,000; coarser beyond, costs rounded up).
  const std::int64_t unit = std::max<std::int64_t>(1, (budget + 19'999) / 20'000);
  const std::int64_t b_max = budget / unit;
  auto units = [&](std::int64_t c) { return (c + unit - 1) / unit; };
  // best[b]: the largest gain of the items so far within b units; pick[c][b]: item c's option.
  std::vector<double> best(size_t(b_max + 1), 0.0), next(size_t(b_max + 1));
  std::vector<std::vector<std::uint8_t>> pick(n, std::vector<std::uint8_t>(size_t(b_max + 1), 0));
  for (size_t c = 0; c < n; ++c) {
    for (std::int64_t b = 0; b <= b_max; ++b) {
      double top = best[size_t(b)];  // option 0: nothing spent here
      std::uint8_t arg = 0;
      for (size_t l = 1; l < cost[c].size(); ++l) {
        const std::int64_t u = units(cost[c][l]);
        if (u > b) continue;
        const double v = best[size_t(b - u)] + gain[c][l];
        if (v > top + 1e-12) {  // strictly better: among equal gains the cheaper option stays
          top = v;
          arg = std::uint8_t(l);
        }
      }
      next[size_t(b)] = top;
      pick[c][size_t(b)] = arg;
    }
    std::swap(best, next);
  }
  std::int64_t b = b_max;
  for (size_t c = n; c-- > 0;) {
    choice[c] = pick[c][size_t(b)];
    b -= units(cost[c][size_t(choice[c])]);
  }
  return choice;
}

namespace {

// Counts, per candidate CLP, the runs in which it nominated the candidate: the first `fit` runs
// in `wins`, the rest per run in `held_out` ([run - fit][CLP], 1 if it nominated); and, when
// `all_wins` is given (the level without joiners), the fitting runs' wins of every CLP.
class NominationCounter : public RunObserver {
 public:
  NominationCounter(const std::vector<int>& clps, int candidate, std::uint64_t fit,
                    std::vector<std::uint64_t>& wins, std::vector<std::vector<std::uint8_t>>& held_out,
                    std::vector<std::uint64_t>* all_wins)
      : clps_(clps), candidate_(candidate), fit_(fit), wins_(wins), held_out_(held_out), all_wins_(all_wins) {}
  void on_run(const RunResult& r) override {
    const bool fitting = r.run < fit_;
    if (!fitting) held_out_.emplace_back(clps_.size(), 0);
    for (size_t j = 0; j < clps_.size(); ++j) {
      const bool won = r.clp_nominee[size_t(clps_[j])] == candidate_;
      if (fitting) wins_[j] += won;
      else held_out_.back()[j] = won;
    }
    if (fitting && all_wins_)
      for (size_t c = 0; c < r.clp_nominee.size(); ++c) (*all_wins_)[c] += r.clp_nominee[c] == candidate_;
  }

 private:
  const std::vector<int>& clps_;
  int candidate_;
  std::uint64_t fit_;
  std::vector<std::uint64_t>& wins_;
  std::vector<std::vector<std::uint8_t>>& held_out_;
  std::vector<std::uint64_t>* all_wins_;
};

}  // namespace

PlacementResult place_joiners(const Scenario& base, const PlacementSpec& spec, int threads,
                              const std::function<void(int, int)>& progress,
                              const std::atomic<bool>* cancel) {
  const auto start = std::chrono::steady_clock::now();
  PlacementResult out;
  out.runs_per_level = spec.runs;
  const Scenario s0 = load_scenario(base.file, spec.set);
  const int wave = int(std::find_if(s0.waves.begin(), s0.waves.end(),
                                    [&](const Wave& w) { return w.id == spec.wave; }) -
                       s0.waves.begin());
  const int candidate = s0.candidate_index(spec.candidate);
  std::vector<int> targets;
  for (const std::string& n : spec.clps) targets.push_back(s0.clp_index(n));
  if (targets.empty()) {
    targets.resize(s0.clps.size());
    std::iota(targets.begin(), targets.end(), 0);
  }
  std::sort(targets.begin(), targets.end());
  for (std::int64_t k = 0; k <= spec.max_per_clp; k += spec.step) out.levels.push_back(k);
  const size_t levels = out.levels.size(), n = targets.size();
  out.curves.resize(n);
  for (size_t j = 0; j < n; ++j) {
    out.curves[j].clp = targets[j];
    out.curves[j].joiners.assign(levels, 0);
    out.curves[j].wins.assign(levels, 0);
    out.curves[j].held_out_wins.assign(levels, 0);
  }
  // held_out[level][run][CLP]: kept whole, so the allocation's gain can be measured per run.
  std::vector<std::vector<std::vector<std::uint8_t>>> held_out(levels);
  std::vector<std::uint64_t> all_wins(s0.clps.size(), 0);
  for (size_t l = 0; l < levels; ++l) {
    if (progress) progress(int(l), int(levels));
    // The wave placed k per candidate CLP on average: named targets, all of it on them. Its own
    // size and targets in the scenario are replaced (a level of 0 has none of its people).
    Scenario s = s0;
    Wave& w = s.waves[size_t(wave)];
    w.size = out.levels[l] * std::int64_t(n);
    w.targeting = Targeting::named;
    w.target_clps = targets;
    w.target_share = 1.0;
    const Population pop = synthesise(s, spec.seed);
    for (size_t j = 0; j < n; ++j) {
      const size_t seg = size_t(targets[j]) * pop.waves + size_t(wave);
      out.curves[j].joiners[l] = std::int64_t(pop.segment_begin[seg + 1] - pop.segment_begin[seg]);
    }
    std::vector<std::uint64_t> wins(n, 0);
    NominationCounter counter(targets, candidate, spec.runs, wins, held_out[l], l == 0 ? &all_wins : nullptr);
    const EnsembleResult e = run_ensemble(s, pop, {.seed = spec.seed, .runs = 2 * spec.runs,
                                                   .threads = threads, .cancel = cancel}, &counter);
    out.runs += e.summary.runs;
    if (e.cancelled || (cancel && cancel->load())) {
      out.cancelled = true;
      return out;
    }
    for (size_t j = 0; j < n; ++j) {
      out.curves[j].wins[l] = wins[j];
      for (const auto& run : held_out[l]) out.curves[j].held_out_wins[l] += run[j];
    }
    if (l == 0)  // every CLP of the scenario, targets or not: the nominations without joiners
      for (std::uint64_t x : all_wins) out.expected_before += double(x) / double(spec.runs);
  }
  if (progress) progress(int(levels), int(levels));
  // Step 2: each curve non-decreasing; step 3: the allocation.
  std::vector<std::vector<std::int64_t>> cost(n);
  std::vector<std::vector<double>> gain(n);
  const std::vector<double> equal(levels, double(spec.runs));
  for (size_t j = 0; j < n; ++j) {
    PlacementCurve& c = out.curves[j];
    std::vector<double> raw(levels);
    for (size_t l = 0; l < levels; ++l) raw[l] = double(c.wins[l]) / double(spec.runs);
    c.p = isotonic_increasing(raw, equal);
    cost[j] = c.joiners;
    cost[j][0] = 0;
    for (size_t l = 0; l < levels; ++l) gain[j].push_back(c.p[l] - c.p[0]);
  }
  const std::vector<int> pick = allocate_budget(cost, gain, spec.budget);
  const double held = double(spec.runs);
  for (size_t j = 0; j < n; ++j) {
    if (pick[j] == 0) continue;
    const PlacementCurve& c = out.curves[j];
    const size_t l = size_t(pick[j]);
    out.chosen.push_back({c.clp, c.joiners[l], c.p[0], c.p[l],
                          double(c.held_out_wins[0]) / held, double(c.held_out_wins[l]) / held});
    out.spent += c.joiners[l];
    out.fitted_gain += c.p[l] - c.p[0];
  }
  // The held-out gain per run: nominations won with the placement (each chosen CLP at its level's
  // population, the same run index: common random numbers) less those without.
  std::vector<double> per_run(size_t(spec.runs), 0.0);
  for (size_t j = 0; j < n; ++j)
    if (pick[j] != 0)
      for (size_t r = 0; r < per_run.size(); ++r)
        per_run[r] += double(held_out[size_t(pick[j])][r][j]) - double(held_out[0][r][j]);
  double mean = 0, m2 = 0;
  for (size_t r = 0; r < per_run.size(); ++r) {  // Welford
    const double d = per_run[r] - mean;
    mean += d / double(r + 1);
    m2 += d * (per_run[r] - mean);
  }
  out.held_out_gain = mean;
  out.held_out_se = per_run.size() > 1 ? std::sqrt(m2 / double(per_run.size() - 1) / double(per_run.size())) : 0;
  std::sort(out.chosen.begin(), out.chosen.end(), [](const PlacementChoice& a, const PlacementChoice& b) {
    const double ga = a.p_after - a.p_before, gb = b.p_after - b.p_before;
    return ga != gb ? ga > gb : a.clp < b.clp;
  });
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::string placement_json(const Scenario& base, const PlacementSpec& spec, const PlacementResult& r) {
  nlohmann::ordered_json j = detail::spec_output_json(base, spec.origin, spec.sha256);
  j["wave"] = spec.wave;
  j["candidate"] = spec.candidate;
  j["budget"] = spec.budget;
  j["spent"] = r.spent;
  j["levels"] = r.levels;
  j["runs_per_level"] = spec.runs;
  j["held_out_runs_per_level"] = spec.runs;
  j["seed"] = spec.seed;
  j["candidate_clps"] = r.curves.size();
  j["expected_nominations_before"] = r.expected_before;
  j["fitted_gain"] = r.fitted_gain;
  j["held_out_gain"] = r.held_out_gain;
  j["held_out_gain_se"] = r.held_out_se;
  nlohmann::ordered_json chosen = nlohmann::ordered_json::array();
  for (const PlacementChoice& c : r.chosen)
    chosen.push_back({{"clp", base.clps[size_t(c.clp)].name}, {"joiners", c.joiners},
                      {"p_before", c.p_before}, {"p_after", c.p_after},
                      {"held_out_p_before", c.held_out_before}, {"held_out_p_after", c.held_out_after}});
  j["chosen"] = chosen;
  j["runs"] = r.runs;
  j["seconds"] = r.seconds;
  return j.dump(2) + "\n";
}

std::string placement_csv(const Scenario& base, const PlacementResult& r) {
  std::string o = "clp,joiners,p_before,p_after,gain,held_out_p_before,held_out_p_after,held_out_gain\n";
  for (const PlacementChoice& c : r.chosen)
    o += fmt::format("{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}\n", csv_field(base.clps[size_t(c.clp)].name),
                     c.joiners, c.p_before, c.p_after, c.p_after - c.p_before, c.held_out_before,
                     c.held_out_after, c.held_out_after - c.held_out_before);
  return o;
}

std::string placement_curves_csv(const Scenario& base, const PlacementResult& r) {
  std::string o = "clp,level,joiners,runs,wins,p_raw,p_isotonic,held_out_wins\n";
  for (const PlacementCurve& c : r.curves)
    for (size_t l = 0; l < c.wins.size(); ++l) {
      const std::uint64_t runs = r.runs_per_level;
      o += fmt::format("{},{},{},{},{},{:.6g},{:.6g},{}\n", csv_field(base.clps[size_t(c.clp)].name),
                       r.levels[l], c.joiners[l], runs, c.wins[l], double(c.wins[l]) / double(runs),
                       c.p[l], c.held_out_wins[l]);
    }
  return o;
}

std::string placement_report(const Scenario& base, const PlacementSpec& spec, const PlacementResult& r) {
  const std::string& who = base.candidates[size_t(base.candidate_index(spec.candidate))].name;
  std::string o = fmt::format("Placement: {} joiners of wave '{}' placed to win the most CLP nominations for {}\n",
                              spec.budget, spec.wave, who);
  o += fmt::format("Cost curves: {} CLPs x {} levels (0 to {} joiners per CLP, step {}), {} runs each "
                   "and {} held out\n\n",
                   r.curves.size(), r.levels.size(), spec.max_per_clp, spec.step, spec.runs, spec.runs);
  o += fmt::format("Expected nominations for {}: {:.1f} without joiners; the placement adds {:.1f} on the "
                   "fitted curves, {:.1f} +- {:.1f} on the held-out runs (the honest figure: the fitted one "
                   "flatters the CLPs it chose)\n",
                   who, r.expected_before, r.fitted_gain, r.held_out_gain, r.held_out_se);
  o += fmt::format("{} joiners in {} CLPs:\n\n", r.spent, r.chosen.size());
  o += fmt::format("  {:<40} {:>8}  {:>8}  {:>8}  {:>6}  {:>8}\n", "CLP (largest gain first)", "joiners",
                   "P before", "P after", "gain", "held out");
  constexpr size_t kShown = 30;  // the rest are in placement.csv
  for (size_t i = 0; i < r.chosen.size() && i < kShown; ++i) {
    const PlacementChoice& c = r.chosen[i];
    o += fmt::format("  {:<40} {:>8}  {:>8.2f}  {:>8.2f}  {:>+6.2f}  {:>+8.2f}\n", base.clps[size_t(c.clp)].name,
                     c.joiners, c.p_before, c.p_after, c.p_after - c.p_before,
                     c.held_out_after - c.held_out_before);
  }
  if (r.chosen.size() > kShown)
    o += fmt::format("  ... and {} more CLPs (placement.csv lists every one)\n", r.chosen.size() - kShown);
  o += fmt::format("\n{} runs in {:.1f} s\n", r.runs, r.seconds);
  return o;
}

}  // namespace leadsim
