// target.cpp: `leadsim target` (target.hpp): the spec, the bisection with its sequential test,
// and the runs at each value.
#include "leadsim/target.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <chrono>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <toml++/toml.h>

#include "leadsim/fields.hpp"
#include "leadsim/population.hpp"
#include "leadsim/toml_text.hpp"
#include "spec_checks.hpp"
#include "text.hpp"

namespace leadsim {

std::string TargetOutcome::text() const {
  switch (kind) {
    case Kind::clp_nominates: return fmt::format("{} is nominated by {}", candidate, clp);
    case Kind::nominations_at_least:
      return fmt::format("{} wins at least {} CLP nominations", candidate, count);
    case Kind::wins: return fmt::format("{} wins the contest", candidate);
  }
  return "?";
}

namespace {

using detail::at_node;

bool is_whole(const Field& f) { return f.kind == FieldKind::whole; }

double rounded(const TargetSpec& spec, double v) {
  const Field* f = find_field(spec.parameter);
  return f && is_whole(*f) ? std::round(v) : v;
}

std::string value_text(const TargetSpec& spec, double v) {
  const Field* f = find_field(spec.parameter);
  if (f && is_whole(*f)) return fmt::format("{}", std::llround(v));
  return toml_number(v);
}

// As the report shows a value: to one decimal place finer than the spec's precision (the exact
// value, as --set takes it, is target.json's).
std::string shown_text(const TargetSpec& spec, double v) {
  const Field* f = find_field(spec.parameter);
  if ((f && is_whole(*f)) || !(spec.precision > 0)) return value_text(spec, v);
  const int decimals = std::clamp(int(std::ceil(-std::log10(spec.precision))) + 1, 0, 12);
  return fmt::format("{:.{}f}", v, decimals);
}

}  // namespace

TargetSpec load_target_spec(const std::string& file) {
  std::vector<Diagnostic> diags;
  static const std::set<std::string> keys{"parameter", "min", "max", "precision", "probability",
                                          "confidence", "runs", "max_runs", "seed", "set", "outcome"};
  const detail::SpecFile file_spec = detail::open_spec(file, "target spec", "target", keys, diags);
  TargetSpec spec;
  spec.origin = file;
  spec.sha256 = file_spec.sha256;
  const toml::table* t = &file_spec.table("target");
  auto real = [&](const char* key, double& out, bool required, double lo, double hi) {
    const toml::node* n = t->get(key);
    if (!n) {
      if (required) diags.push_back(at_node(*t, file, fmt::format("target.{} is required", key)));
      return;
    }
    const auto x = n->value<double>();
    if (!x || !std::isfinite(*x) || *x < lo || *x > hi)
      diags.push_back(at_node(*n, file, fmt::format("target.{} should be a finite number in [{}, {}]", key,
                                               lo, hi)));
    else
      out = *x;
  };
  auto whole = [&](const char* key, std::uint64_t& out, std::uint64_t lo, std::uint64_t hi) {
    const toml::node* n = t->get(key);
    if (!n) return;
    const auto x = n->value_exact<std::int64_t>();
    if (!x || *x < std::int64_t(lo) || std::uint64_t(*x) > hi)
      diags.push_back(at_node(*n, file, fmt::format("target.{} should be a whole number in [{}, {}]", key,
                                               lo, hi)));
    else
      out = std::uint64_t(*x);
  };
  if (auto p = (*t)["parameter"].value<std::string>()) {
    spec.parameter = *p;
    spec.where_parameter = at_node(*t->get("parameter"), file, "");
  } else {
    diags.push_back(at_node(*t, file, "target.parameter is required: the --set path of the parameter "
                                 "to search, e.g. \"waves.organised.size\""));
  }
  real("min", spec.min, true, -1e300, 1e300);
  real("max", spec.max, true, -1e300, 1e300);
  real("precision", spec.precision, false, 0, 1e300);
  real("probability", spec.probability, false, 1e-6, 1 - 1e-6);
  real("confidence", spec.confidence, false, 0.5, 0.9999);
  whole("runs", spec.runs, 1, 1000000);
  whole("max_runs", spec.max_runs, 1, 100000000);
  whole("seed", spec.seed, 0, std::uint64_t(INT64_MAX));
  if (spec.min >= spec.max) diags.push_back(at_node(*t, file, "target.min should be below target.max"));
  if (spec.max_runs < spec.runs) spec.max_runs = spec.runs;
  if (const toml::array* a = (*t)["set"].as_array())
    for (auto&& e : *a) {
      if (auto s = e.value<std::string>()) spec.set.push_back(*s);
      else diags.push_back(at_node(e, file, "target.set should hold \"path=value\" strings"));
    }
  const toml::table* o = (*t)["outcome"].as_table();
  if (!o) {
    diags.push_back(at_node(*t, file, "a target needs [target.outcome]: kind = \"clp_nominates\" (with "
                                 "candidate, clp), \"nominations_at_least\" (candidate, count) or "
                                 "\"wins\" (candidate)"));
  } else {
    spec.where_outcome = at_node(*o, file, "");
    const std::string kind = (*o)["kind"].value_or(std::string(""));
    if (kind == "clp_nominates") spec.outcome.kind = TargetOutcome::Kind::clp_nominates;
    else if (kind == "nominations_at_least") spec.outcome.kind = TargetOutcome::Kind::nominations_at_least;
    else if (kind == "wins") spec.outcome.kind = TargetOutcome::Kind::wins;
    else
      diags.push_back(at_node(o->get("kind") ? *o->get("kind") : static_cast<const toml::node&>(*o), file,
                         fmt::format("target.outcome.kind should be clp_nominates, "
                                     "nominations_at_least or wins{}",
                                     did_you_mean(kind, {"clp_nominates", "nominations_at_least", "wins"}))));
    spec.outcome.candidate = (*o)["candidate"].value_or(std::string(""));
    spec.outcome.clp = (*o)["clp"].value_or(std::string(""));
    spec.outcome.count = int((*o)["count"].value_or(std::int64_t(0)));
    if (spec.outcome.candidate.empty())
      diags.push_back(at_node(*o, file, "target.outcome.candidate is required (a candidate id)"));
    if (spec.outcome.kind == TargetOutcome::Kind::clp_nominates && spec.outcome.clp.empty())
      diags.push_back(at_node(*o, file, "target.outcome.clp is required for clp_nominates (a CLP's name)"));
    if (spec.outcome.kind == TargetOutcome::Kind::nominations_at_least && spec.outcome.count < 1)
      diags.push_back(at_node(*o, file, "target.outcome.count should be a whole number of nominations >= 1"));
  }
  if (spec.precision == 0) spec.precision = (spec.max - spec.min) / 64;
  if (!diags.empty()) throw InputError(diags);
  return spec;
}

void check_target_spec(TargetSpec& spec, const Scenario& base) {
  std::vector<Diagnostic> diags;
  auto fail = [&](const Diagnostic& where, std::string m) {
    Diagnostic d = where;
    d.message = std::move(m);
    diags.push_back(d);
  };
  std::vector<std::string> numeric;
  for (const Field& f : scenario_fields())
    if (f.kind == FieldKind::number || f.kind == FieldKind::probability || f.kind == FieldKind::whole)
      numeric.push_back(f.path);
  const Field* f = find_field(spec.parameter);
  if (!f) {
    fail(spec.where_parameter, fmt::format("unknown parameter '{}'{}", spec.parameter,
                                           did_you_mean(spec.parameter, numeric)));
  } else if (!(f->kind == FieldKind::number || f->kind == FieldKind::probability || is_whole(*f))) {
    fail(spec.where_parameter, fmt::format("'{}' is {}: a target searches a number", spec.parameter,
                                           f->type()));
  } else {
    for (double v : {spec.min, spec.max})
      detail::check_parameter_value(base, spec.set, spec.parameter, value_text(spec, v),
                                    spec.where_parameter, diags);
  }
  std::vector<std::string> ids;
  for (const Candidate& c : base.candidates) ids.push_back(c.id);
  if (base.candidate_index(spec.outcome.candidate) < 0)
    fail(spec.where_outcome, fmt::format("unknown candidate '{}'{}", spec.outcome.candidate,
                                         did_you_mean(spec.outcome.candidate, ids)));
  if (spec.outcome.kind == TargetOutcome::Kind::clp_nominates && base.clp_index(spec.outcome.clp) < 0) {
    std::vector<std::string> names;
    for (const Clp& c : base.clps) names.push_back(c.name);
    fail(spec.where_outcome, fmt::format("no CLP named '{}'{}", spec.outcome.clp,
                                         did_you_mean(spec.outcome.clp, names)));
  }
  if (!diags.empty()) throw InputError(diags);
}

bool outcome_met(const Scenario& s, const TargetOutcome& o, const RunResult& r) {
  const int c = s.candidate_index(o.candidate);
  switch (o.kind) {
    case TargetOutcome::Kind::clp_nominates:
      return r.clp_nominee[size_t(s.clp_index(o.clp))] == c;
    case TargetOutcome::Kind::nominations_at_least: return r.nominations[size_t(c)] >= o.count;
    case TargetOutcome::Kind::wins: return r.winner == c;
  }
  return false;
}

TargetResult solve_target(const TargetSpec& spec, const TargetEstimator& estimate,
                          const std::function<void(const TargetProbe&)>& on_probe,
                          const std::atomic<bool>* cancel) {
  const auto start = std::chrono::steady_clock::now();
  TargetResult out;
  const std::uint64_t looks = (spec.max_runs + spec.runs - 1) / spec.runs;
  const double alpha = (1 - spec.confidence) / double(looks);
  const double z = boost::math::quantile(boost::math::normal(0, 1), 1 - alpha / 2);
  auto cancelled = [&] { return cancel && cancel->load(); };
  // Decides one value; true if it counts as reaching the probability.
  auto decide = [&](double v) {
    TargetProbe p;
    p.value = v;
    while (p.runs < spec.max_runs && !cancelled()) {
      const std::uint64_t batch = std::min(spec.runs, spec.max_runs - p.runs);
      p.successes += estimate(v, p.runs, batch);
      p.runs += batch;
      p.p = wilson(p.successes, p.runs, z);
      if (p.p.lo > spec.probability) {
        p.verdict = TargetProbe::Verdict::reaches;
        break;
      }
      if (p.p.hi < spec.probability) {
        p.verdict = TargetProbe::Verdict::falls_short;
        break;
      }
    }
    out.runs += p.runs;
    if (p.verdict == TargetProbe::Verdict::undecided) out.undecided = true;
    out.probes.push_back(p);
    if (on_probe) on_probe(p);
    return p.verdict == TargetProbe::Verdict::reaches ||
           (p.verdict == TargetProbe::Verdict::undecided && p.p.p >= spec.probability);
  };
  auto finish = [&] {
    out.cancelled = cancelled();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
  };
  const double lo0 = rounded(spec, spec.min), hi0 = rounded(spec, spec.max);
  if (!decide(hi0)) {
    out.lo = out.hi = hi0;
    return finish();
  }
  out.found = true;
  if (cancelled()) return finish();
  if (decide(lo0)) {
    out.at_min = true;
    out.lo = out.hi = lo0;
    return finish();
  }
  double lo = lo0, hi = hi0;
  while (hi - lo > spec.precision && !cancelled()) {
    const double mid = rounded(spec, 0.5 * (lo + hi));
    if (mid <= lo || mid >= hi) break;  // whole numbers: adjacent
    if (decide(mid)) hi = mid;
    else lo = mid;
  }
  out.lo = lo;
  out.hi = hi;
  return finish();
}

TargetResult find_target(const Scenario& base, const TargetSpec& spec, int threads,
                         const std::function<void(const TargetProbe&)>& on_probe,
                         const std::atomic<bool>* cancel) {
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  // The value being decided: its scenario and population, kept while its batches run.
  double current = NAN;
  std::unique_ptr<Scenario> s;
  std::unique_ptr<Population> pop;
  std::vector<ContestWorkspace> spaces(static_cast<size_t>(threads));
  TargetEstimator estimate = [&](double v, std::uint64_t done, std::uint64_t runs) -> std::uint64_t {
    if (!(v == current)) {
      std::vector<std::string> o = spec.set;
      o.push_back(spec.parameter + "=" + value_text(spec, v));
      s = std::make_unique<Scenario>(load_scenario(base.file, o));
      pop = std::make_unique<Population>(synthesise(*s, spec.seed));
      current = v;
    }
    // Runs done .. done + runs - 1, the same indices and seed at every value.
    std::atomic<std::uint64_t> next{done}, hits{0};
    const std::uint64_t end = done + runs;
    auto work = [&](size_t w) {
      RunResult r;
      for (std::uint64_t i; (i = next++) < end;) {
        if (cancel && cancel->load()) return;
        run_contest(*s, *pop, spec.seed, i, spaces[w], r);
        hits += outcome_met(*s, spec.outcome, r) ? 1 : 0;
      }
    };
    std::vector<std::thread> pool;
    for (size_t w = 1; w < spaces.size(); ++w) pool.emplace_back(work, w);
    work(0);
    for (auto& t : pool) t.join();
    return hits.load();
  };
  return solve_target(spec, estimate, on_probe, cancel);
}

std::string target_json(const Scenario& base, const TargetSpec& spec, const TargetResult& r) {
  nlohmann::ordered_json j = detail::spec_output_json(base, spec.origin, spec.sha256);
  j["parameter"] = spec.parameter;
  j["outcome"] = spec.outcome.text();
  j["probability"] = spec.probability;
  j["confidence"] = spec.confidence;
  j["seed"] = spec.seed;
  j["found"] = r.found;
  j["at_min"] = r.at_min;
  j["answer"] = r.hi;
  j["interval"] = {r.lo, r.hi};
  j["undecided"] = r.undecided;
  j["runs"] = r.runs;
  j["seconds"] = r.seconds;
  nlohmann::ordered_json probes = nlohmann::ordered_json::array();
  for (const TargetProbe& p : r.probes)
    probes.push_back({{"value", p.value}, {"runs", p.runs}, {"successes", p.successes},
                      {"p", p.p.p}, {"lo", p.p.lo}, {"hi", p.p.hi},
                      {"verdict", p.verdict == TargetProbe::Verdict::reaches       ? "reaches"
                                  : p.verdict == TargetProbe::Verdict::falls_short ? "falls short"
                                                                                   : "undecided"}});
  j["probes"] = probes;
  return j.dump(2) + "\n";
}

std::string target_report(const TargetSpec& spec, const TargetResult& r) {
  std::string o = fmt::format("Target: the smallest {} in [{}, {}] at which P({}) >= {}\n\n",
                              spec.parameter, shown_text(spec, spec.min), shown_text(spec, spec.max),
                              spec.outcome.text(), spec.probability);
  o += "  value          runs   P       interval          verdict\n";
  for (const TargetProbe& p : r.probes)
    o += fmt::format("  {:<12}  {:>5}   {:.3f}   [{:.3f}, {:.3f}]   {}\n", shown_text(spec, p.value),
                     p.runs, p.p.p, p.p.lo, p.p.hi,
                     p.verdict == TargetProbe::Verdict::reaches       ? "reaches"
                     : p.verdict == TargetProbe::Verdict::falls_short ? "falls short"
                                                                      : "undecided (max_runs)");
  if (!r.found)
    o += fmt::format("\nNot reached: even {} = {} falls short.\n", spec.parameter,
                     shown_text(spec, spec.max));
  else if (r.at_min)
    o += fmt::format("\nAlready reached at the smallest value, {} = {}.\n", spec.parameter,
                     shown_text(spec, spec.min));
  else
    o += fmt::format("\nAnswer: {} = {} (between {} and {}: the first falls short, the second "
                     "reaches it){}.\n", spec.parameter, shown_text(spec, r.hi),
                     shown_text(spec, r.lo), shown_text(spec, r.hi),
                     r.undecided ? "; a value was left undecided at max_runs, so the bracket is "
                                   "less certain than the confidence says"
                                 : "");
  o += fmt::format("{} runs in {:.1f} s\n", r.runs, r.seconds);
  return o;
}

}  // namespace leadsim
