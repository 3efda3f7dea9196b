// calibration.cpp: `leadsim calibrate` (calibration.hpp): the spec read and checked, ABC-SMC's
// simulator on the sweep engine, and the outputs.
#include "leadsim/calibration.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <toml++/toml.h>

#include "leadsim/fields.hpp"
#include "leadsim/input_file.hpp"
#include "leadsim/report.hpp"
#include "leadsim/random.hpp"
#include "leadsim/run_columns.hpp"
#include "leadsim/score.hpp"
#include "leadsim/sha256.hpp"
#include "leadsim/sweep.hpp"
#include "leadsim/toml_text.hpp"
#include "scenario_files.hpp"
#include "spec_checks.hpp"
#include "text.hpp"

namespace leadsim {

namespace {

using detail::at_node;

// A number from a TOML node (integers too), or an error there.
bool number_of(const toml::node* n, double& out) {
  if (!n) return false;
  if (auto d = n->value<double>()) {
    out = *d;
    return std::isfinite(out);
  }
  return false;
}

// A non-empty array of strings, appended to `out`; false if `n` is anything else.
bool string_array(const toml::node& n, std::vector<std::string>& out) {
  const toml::array* a = n.as_array();
  if (!a || a->empty()) return false;
  for (auto&& e : *a) {
    const auto v = e.value<std::string>();
    if (!v) return false;
    out.push_back(*v);
  }
  return true;
}

void read_prior(const toml::table& t, CalibrationParam& p, const std::string& file,
                std::vector<Diagnostic>& diags) {
  const std::string kind = t["prior"].value_or(std::string(""));
  auto need = [&](const char* key, double& out) {
    if (number_of(t.get(key), out)) return true;
    diags.push_back(at_node(t.get(key) ? *t.get(key) : static_cast<const toml::node&>(t), file,
                       fmt::format("parameter '{}': prior '{}' needs {} = <finite number>", p.path,
                                   kind, key)));
    return false;
  };
  static const std::set<std::string> known_keys{"prior", "min", "max", "mean", "sd", "alpha", "beta"};
  for (auto&& [k, v] : t)
    if (!known_keys.count(std::string(k.str())))
      diags.push_back(at_node(v, file, fmt::format("parameter '{}': unknown key '{}'{} (a prior takes "
                                              "prior, min, max, mean, sd, alpha, beta)", p.path,
                                              k.str(), did_you_mean(std::string(k.str()),
                                              {known_keys.begin(), known_keys.end()}))));
  Prior& pr = p.prior;
  pr.lo = -INFINITY;
  pr.hi = INFINITY;
  if (kind == "uniform" || kind == "log_uniform") {
    pr.kind = kind == "uniform" ? Prior::Kind::uniform : Prior::Kind::log_uniform;
    if (need("min", pr.a) && need("max", pr.b)) {
      if (!(pr.a < pr.b))
        diags.push_back(at_node(t, file, fmt::format("parameter '{}': min ({}) should be below max ({})",
                                                p.path, pr.a, pr.b)));
      else if (pr.kind == Prior::Kind::log_uniform && !(pr.a > 0))
        diags.push_back(at_node(t, file, fmt::format("parameter '{}': a log-uniform prior needs min > 0",
                                                p.path)));
      pr.lo = pr.a;
      pr.hi = pr.b;
    }
  } else if (kind == "normal") {
    pr.kind = Prior::Kind::normal;
    if (need("mean", pr.a) && need("sd", pr.b) && !(pr.b > 0))
      diags.push_back(at_node(t, file, fmt::format("parameter '{}': sd should be above 0", p.path)));
    double x;
    if (number_of(t.get("min"), x)) pr.lo = x;
    if (number_of(t.get("max"), x)) pr.hi = x;
  } else if (kind == "beta") {
    pr.kind = Prior::Kind::beta;
    if (need("alpha", pr.a) && need("beta", pr.b) && !(pr.a > 0 && pr.b > 0))
      diags.push_back(at_node(t, file, fmt::format("parameter '{}': alpha and beta should be above 0",
                                              p.path)));
    pr.lo = 0;
    pr.hi = 1;
    double x;
    if (number_of(t.get("min"), x)) pr.lo = x;
    if (number_of(t.get("max"), x)) pr.hi = x;
    if (!(pr.lo < pr.hi))
      diags.push_back(at_node(t, file, fmt::format("parameter '{}': min should be below max", p.path)));
  } else {
    diags.push_back(at_node(t.get("prior") ? *t.get("prior") : static_cast<const toml::node&>(t), file,
                       fmt::format("parameter '{}': prior should be one of uniform, log_uniform, "
                                   "normal, beta{}", p.path,
                                   did_you_mean(kind, {"uniform", "log_uniform", "normal", "beta"}))));
  }
}

}  // namespace

CalibrationSpec load_calibration_spec(const std::string& file) {
  std::vector<Diagnostic> diags;
  static const std::set<std::string> settings{"particles", "runs", "generations", "quantile",
                                              "min_acceptance", "final_tolerance", "seed",
                                              "max_candidates", "set", "population", "parameters",
                                              "targets", "outcomes"};
  const detail::SpecFile file_spec =
      detail::open_spec(file, "calibration spec", "calibration", settings, diags);
  CalibrationSpec spec;
  spec.origin = file;
  spec.sha256 = file_spec.sha256;
  const toml::table* cal = &file_spec.table("calibration");
  auto whole = [&](const char* key, std::uint64_t& out, std::uint64_t lo, std::uint64_t hi) {
    const toml::node* n = cal->get(key);
    if (!n) return;
    const auto v = n->value_exact<std::int64_t>();
    if (!v || *v < std::int64_t(lo) || std::uint64_t(*v) > hi)
      diags.push_back(at_node(*n, file, fmt::format("calibration.{} should be a whole number in [{}, {}]",
                                               key, lo, hi)));
    else
      out = std::uint64_t(*v);
  };
  auto real = [&](const char* key, double& out, double lo, double hi) {
    const toml::node* n = cal->get(key);
    if (!n) return;
    double x;
    if (!number_of(n, x) || x < lo || x > hi)
      diags.push_back(at_node(*n, file, fmt::format("calibration.{} should be a number in [{}, {}]",
                                               key, lo, hi)));
    else
      out = x;
  };
  std::uint64_t generations = std::uint64_t(spec.abc.generations);
  whole("particles", spec.abc.particles, 2, 1000000);
  whole("runs", spec.runs, 1, 1000000);
  whole("generations", generations, 1, 100);
  spec.abc.generations = int(generations);
  whole("seed", spec.abc.seed, 0, std::uint64_t(INT64_MAX));
  whole("max_candidates", spec.abc.max_candidates, 0, std::uint64_t(1) << 40);
  real("quantile", spec.abc.quantile, 0.01, 0.99);
  real("min_acceptance", spec.abc.min_acceptance, 0, 1);
  real("final_tolerance", spec.abc.final_tolerance, 0, 1e300);
  if (const toml::node* n = cal->get("population")) {
    const std::string v = n->value_or(std::string(""));
    if (v == "shared" || v == "per_candidate") spec.shared_population = v == "shared";
    else
      diags.push_back(at_node(*n, file, fmt::format("calibration.population should be \"shared\" (every "
                                               "candidate on one population) or \"per_candidate\"{}",
                                               did_you_mean(v, {"shared", "per_candidate"}))));
  }
  if (const toml::node* n = cal->get("set")) {
    const toml::array* a = n->as_array();
    if (!a) diags.push_back(at_node(*n, file, "calibration.set should be an array of \"path=value\" strings"));
    else
      for (auto&& e : *a) {
        if (auto s = e.value<std::string>()) spec.set.push_back(*s);
        else diags.push_back(at_node(e, file, "calibration.set should hold \"path=value\" strings"));
      }
  }
  const toml::table* params = (*cal)["parameters"].as_table();
  if (!params || params->empty())
    diags.push_back(at_node(*cal, file, "a calibration needs [calibration.parameters]: at least one "
                                   "free parameter with its prior"));
  else
    for (auto&& [k, v] : *params) {
      CalibrationParam p;
      p.path = std::string(k.str());
      p.where = at_node(v, file, "");
      if (const toml::table* t = v.as_table()) read_prior(*t, p, file, diags);
      else diags.push_back(at_node(v, file, fmt::format("parameter '{}' should be a table such as "
                                                   "{{ prior = \"uniform\", min = 0, max = 1 }}", p.path)));
      spec.params.push_back(std::move(p));
    }
  const toml::table* targets = (*cal)["targets"].as_table();
  const toml::table* outcomes = (*cal)["outcomes"].as_table();
  if (const toml::node* n = cal->get("outcomes"); n && !outcomes)
    diags.push_back(at_node(*n, file, "calibration.outcomes should be a table: [calibration.outcomes] "
                                 "with file = \"<CSV of clp,nominated>\""));
  if ((!targets || targets->empty()) && !outcomes)
    diags.push_back(at_node(*cal, file, "a calibration needs [calibration.targets] (at least one "
                                   "runs.csv column or CLP quantity with its observed value and "
                                   "scale) or [calibration.outcomes]"));
  if (targets)
    for (auto&& [k, v] : *targets) {
      CalibrationTarget t;
      t.name = std::string(k.str());
      t.where = at_node(v, file, "");
      const toml::table* tt = v.as_table();
      if (!tt || !number_of(tt->get("observed"), t.observed) || !number_of(tt->get("scale"), t.scale) ||
          !(t.scale > 0)) {
        diags.push_back(at_node(v, file, fmt::format("target '{}' should be {{ observed = <number>, "
                                                "scale = <number above 0> }}", t.name)));
      } else {
        t.source = (*tt)["source"].value_or(std::string(""));
        static const std::set<std::string> keys{"observed", "scale", "source", "clp", "quantity"};
        for (auto&& [tk, tv] : *tt)
          if (!keys.count(std::string(tk.str())))
            diags.push_back(at_node(tv, file, fmt::format("target '{}': unknown key '{}'{} (a target takes "
                                                     "observed, scale, source, and for a CLP target "
                                                     "clp, quantity)", t.name, tk.str(),
                                                     did_you_mean(std::string(tk.str()),
                                                                  {keys.begin(), keys.end()}))));
        const toml::node* clp = tt->get("clp");
        const toml::node* quantity = tt->get("quantity");
        if (clp) {
          bool ok = true;
          if (auto one = clp->value<std::string>()) t.clp_names.push_back(*one);
          else ok = string_array(*clp, t.clp_names);
          if (!ok || t.clp_names.empty())
            diags.push_back(at_node(*clp, file, fmt::format("target '{}': clp should be a CLP's name or "
                                                       "an array of CLP names", t.name)));
          if (!quantity || !quantity->value<std::string>())
            diags.push_back(at_node(quantity ? *quantity : v, file, fmt::format(
                "target '{}': a CLP target needs quantity = \"attendance\", \"eligible\", \"met\", "
                "\"votes_<candidate>\" or \"nominates_<candidate>\" (or \"nominates_none\")", t.name)));
          else
            t.quantity = *quantity->value<std::string>();
        } else if (quantity) {
          diags.push_back(at_node(*quantity, file, fmt::format("target '{}': quantity is for a CLP "
                                                          "target, which names its clp", t.name)));
        }
      }
      spec.targets.push_back(std::move(t));
    }
  if (outcomes) {
    CalibrationOutcomes o;
    o.where = at_node(*outcomes, file, "");
    static const std::set<std::string> keys{"file", "by", "bins", "outcomes", "groups", "scale", "source"};
    for (auto&& [k, v] : *outcomes)
      if (!keys.count(std::string(k.str())))
        diags.push_back(at_node(v, file, fmt::format("calibration.outcomes: unknown key '{}'{} (it takes "
                                                "file, by, bins, outcomes, groups, scale, source)", k.str(),
                                                did_you_mean(std::string(k.str()), {keys.begin(), keys.end()}))));
    if (auto f = (*outcomes)["file"].value<std::string>(); f && !f->empty())
      o.file = (std::filesystem::path(file).parent_path() / *f).lexically_normal().string();
    else
      diags.push_back(at_node(outcomes->get("file") ? *outcomes->get("file") : static_cast<const toml::node&>(*outcomes),
                              file, "calibration.outcomes needs file = \"<CSV with columns clp and "
                                    "nominated>\" (relative to this spec)"));
    if (const toml::node* n = outcomes->get("by")) {
      o.by = n->value_or(std::string(""));
      if (o.by != "region" && o.by != "nation" && o.by != "covariate" && o.by != "all")
        diags.push_back(at_node(*n, file, fmt::format("calibration.outcomes.by should be region, nation, "
                                                 "covariate or all{}",
                                                 did_you_mean(o.by, {"region", "nation", "covariate", "all"}))));
    }
    if (const toml::node* n = outcomes->get("bins")) {
      const auto b = n->value_exact<std::int64_t>();
      if (!b || *b < 1 || *b > 100)
        diags.push_back(at_node(*n, file, "calibration.outcomes.bins should be a whole number in [1, 100]"));
      else o.bins = int(*b);
    }
    if (const toml::node* n = outcomes->get("outcomes"); n && !string_array(*n, o.outcomes))
      diags.push_back(at_node(*n, file, "calibration.outcomes.outcomes should be an array of candidate "
                                   "ids and \"none\""));
    if (const toml::node* n = outcomes->get("groups"); n && !string_array(*n, o.groups))
      diags.push_back(at_node(*n, file, "calibration.outcomes.groups should be an array of group names "
                                   "(regions, nations, or covariate bands \"1\" to \"K\")"));
    if (const toml::node* n = outcomes->get("scale"))
      if (!number_of(n, o.scale) || !(o.scale > 0))
        diags.push_back(at_node(*n, file, "calibration.outcomes.scale should be a number above 0 (leave it "
                                     "out for each count's binomial sd)"));
    o.source = (*outcomes)["source"].value_or(std::string(""));
    spec.outcomes = std::move(o);
  }
  if (!diags.empty()) throw InputError(diags);
  return spec;
}

namespace {

// A CLP target's CLPs, quantity and candidate, each problem to `fail`.
void resolve_clp_target(CalibrationTarget& t, const Scenario& base,
                        const std::vector<std::string>& clp_names,
                        const std::vector<std::string>& candidate_ids,
                        const std::function<void(const std::string&)>& fail) {
  t.clps.clear();
  for (const std::string& n : t.clp_names) {
    const int c = base.clp_index(n);
    if (c < 0) fail(fmt::format("target '{}': '{}' is no CLP of this scenario{}", t.name, n,
                                did_you_mean(n, clp_names)));
    else if (std::find(t.clps.begin(), t.clps.end(), std::size_t(c)) != t.clps.end())
      fail(fmt::format("target '{}': CLP '{}' is named twice", t.name, n));
    else t.clps.push_back(std::size_t(c));
  }
  const std::string& q = t.quantity;
  auto candidate_of = [&](const std::string& id, bool none_allowed) {
    if (none_allowed && id == "none") return -1;
    const int i = base.candidate_index(id);
    if (i < 0) {
      std::vector<std::string> ids = candidate_ids;
      if (none_allowed) ids.push_back("none");
      fail(fmt::format("target '{}': '{}' is no candidate of this scenario{}", t.name, id,
                       did_you_mean(id, ids)));
    }
    return i;
  };
  if (q == "attendance") t.kind = ClpQuantity::attendance;
  else if (q == "eligible") t.kind = ClpQuantity::eligible;
  else if (q == "met") t.kind = ClpQuantity::met;
  else if (q.starts_with("votes_")) {
    t.kind = ClpQuantity::votes;
    t.candidate = candidate_of(q.substr(6), false);
  } else if (q.starts_with("nominates_")) {
    t.kind = ClpQuantity::nominates;
    t.candidate = candidate_of(q.substr(10), true);
  } else {
    std::vector<std::string> known{"attendance", "eligible", "met", "nominates_none"};
    for (const std::string& id : candidate_ids) {
      known.push_back("votes_" + id);
      known.push_back("nominates_" + id);
    }
    fail(fmt::format("target '{}': quantity '{}' should be attendance, eligible, met, votes_<candidate> "
                     "or nominates_<candidate or none>{}", t.name, q, did_you_mean(q, known)));
  }
}

// [calibration.outcomes]: reads the file and appends its targets (names taken so far in
// `names`), each problem to `diags`.
void add_outcome_targets(CalibrationSpec& spec, const Scenario& base,
                         const std::vector<std::string>& candidate_ids, std::set<std::string>& names,
                         std::vector<Diagnostic>& diags) {
  CalibrationOutcomes& o = *spec.outcomes;
  const int none = int(base.candidates.size());
  std::vector<int> wanted;
  if (o.outcomes.empty())
    for (int k = 0; k <= none; ++k) wanted.push_back(k);
  std::vector<std::string> ids = candidate_ids;
  ids.push_back("none");
  for (const std::string& id : o.outcomes) {
    const int k = id == "none" ? none : base.candidate_index(id);
    Diagnostic d = o.where;
    if (k < 0) d.message = fmt::format("calibration.outcomes: '{}' is no candidate of this scenario{}",
                                       id, did_you_mean(id, ids));
    else if (std::find(wanted.begin(), wanted.end(), k) != wanted.end())
      d.message = fmt::format("calibration.outcomes: '{}' is named twice", id);
    else wanted.push_back(k);
    if (!d.message.empty()) diags.push_back(d);
  }
  try {
    const ObservedOutcomes obs = read_observed_outcomes(base, o.file);
    o.sha256 = obs.sha256;
    // Each scored CLP's group, groups in order of first appearance (covariate bands in order),
    // each group's CLPs in index order.
    std::vector<std::string> group_names;
    std::vector<std::vector<std::size_t>> groups;
    auto add = [&](const std::string& g, std::size_t c) {
      auto it = std::find(group_names.begin(), group_names.end(), g);
      if (it == group_names.end()) {
        group_names.push_back(g);
        groups.emplace_back();
        it = group_names.end() - 1;
      }
      groups[size_t(it - group_names.begin())].push_back(c);
    };
    std::vector<std::size_t> scored;
    for (std::size_t c = 0; c < base.clps.size(); ++c)
      if (obs.outcome[c] >= 0) scored.push_back(c);
    if (o.by == "covariate") {
      // Equal-count bands of the covariate (ties kept together by the index as a tiebreak).
      std::vector<std::size_t> order = scored;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return base.clps[a].covariate < base.clps[b].covariate;
      });
      for (int b = 0; b < o.bins; ++b) group_names.push_back(fmt::format("{}", b + 1));
      groups.resize(size_t(o.bins));
      for (std::size_t i = 0; i < order.size(); ++i)
        groups[i * size_t(o.bins) / order.size()].push_back(order[i]);
      for (auto& g : groups) std::sort(g.begin(), g.end());
    } else {
      for (std::size_t c : scored)
        add(o.by == "region" ? base.regions[size_t(base.clps[c].region)]
            : o.by == "nation" ? base.clps[c].nation : std::string("all"), c);
    }
    auto slug = [](const std::string& g) {
      std::string out;
      for (char ch : g)
        out += std::isalnum(static_cast<unsigned char>(ch)) ? char(std::tolower(static_cast<unsigned char>(ch))) : '_';
      return out;
    };
    for (const std::string& g : o.groups)
      if (std::find(group_names.begin(), group_names.end(), g) == group_names.end()) {
        Diagnostic d = o.where;
        d.message = fmt::format("calibration.outcomes: no CLP of the file is in the {} group '{}'{}", o.by, g,
                                did_you_mean(g, group_names));
        diags.push_back(d);
      }
    for (size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].empty()) continue;
      if (!o.groups.empty() && std::find(o.groups.begin(), o.groups.end(), group_names[g]) == o.groups.end())
        continue;
      for (int k : wanted) {
        CalibrationTarget t;
        t.name = fmt::format("{}_{}_{}", o.by, slug(group_names[g]), k == none ? "none" : base.candidates[size_t(k)].id);
        t.from_outcomes = true;
        t.kind = ClpQuantity::nominates;
        t.candidate = k == none ? -1 : k;
        t.clps = groups[g];
        for (std::size_t c : t.clps)
          if (obs.outcome[c] == k) t.observed += 1;
        const double n = double(t.clps.size()), p = (t.observed + 0.5) / (n + 1);
        t.scale = o.scale > 0 ? o.scale : std::max(0.5, std::sqrt(n * p * (1 - p)));
        t.source = o.source.empty() ? o.file : o.source;
        t.where = o.where;
        if (!names.insert(t.name).second) {
          Diagnostic d = o.where;
          d.message = fmt::format("calibration.outcomes: its target '{}' has the name of a target the "
                                  "spec names", t.name);
          diags.push_back(d);
        }
        spec.targets.push_back(std::move(t));
      }
    }
  } catch (const InputError& e) {
    for (const Diagnostic& d : e.diagnostics()) diags.push_back(d);
  }
}

}  // namespace

void check_calibration_spec(CalibrationSpec& spec, const Scenario& base) {
  std::vector<Diagnostic> diags;
  std::vector<std::string> numeric_paths;
  for (const Field& f : scenario_fields())
    if (f.kind == FieldKind::number || f.kind == FieldKind::probability || f.kind == FieldKind::whole)
      numeric_paths.push_back(f.path);
  for (CalibrationParam& p : spec.params) {
    Diagnostic d = p.where;
    const Field* f = find_field(p.path);
    if (!f) {
      d.message = fmt::format("unknown parameter '{}'{}", p.path, did_you_mean(p.path, numeric_paths));
      diags.push_back(d);
      continue;
    }
    // A regional field is fitted one region's entry at a time (path.<region>).
    const bool entry = f->kind == FieldKind::regional && split(p.path, '.').size() > split(f->path, '.').size();
    if (!(f->kind == FieldKind::number || f->kind == FieldKind::probability ||
          f->kind == FieldKind::whole || entry)) {
      d.message = f->kind == FieldKind::regional
                      ? fmt::format("'{}' is {}: a calibration fits one region's entry of it, "
                                    "{}.<region>", p.path, f->type(), p.path)
                      : fmt::format("'{}' is {}: a calibration fits numbers, probabilities, whole "
                                    "numbers and a regional table's entries", p.path, f->type());
      diags.push_back(d);
      continue;
    }
    const double lo = f->kind == FieldKind::probability ? 0.0 : f->lo;
    const double hi = f->kind == FieldKind::probability ? 1.0 : f->hi;
    Prior& pr = p.prior;
    pr.integer = f->kind == FieldKind::whole;
    p.domain_lo = lo;
    p.domain_hi = hi;
    if (pr.kind == Prior::Kind::normal) {  // truncated to the field's domain
      pr.lo = std::max(pr.lo, lo);
      pr.hi = std::min(pr.hi, hi);
    }
    const bool outside = pr.lo < lo || pr.hi > hi || (f->lo_open && pr.lo <= lo);
    if (outside || !(pr.lo < pr.hi)) {
      d.message = fmt::format("the prior of '{}' covers [{}, {}], outside the field's domain {} "
                              "({})", p.path, pr.lo, pr.hi, f->type(), f->meaning);
      diags.push_back(d);
      continue;
    }
    // At a value inside the prior.
    const double probe = std::isfinite(pr.lo) && std::isfinite(pr.hi) ? 0.5 * (pr.lo + pr.hi) : pr.a;
    detail::check_parameter_value(base, spec.set, p.path, calibration_value_text(p, probe), p.where,
                                  diags);
  }
  // A check run again (the Python module checks, then the calibration does) starts from the
  // targets the file itself names.
  std::erase_if(spec.targets, [](const CalibrationTarget& t) { return t.from_outcomes; });
  std::vector<std::string> columns, clp_names, candidate_ids;
  for (const RunColumn& c : run_columns(base))
    if (c.field->type != ColumnType::text) columns.push_back(c.name);
  for (const Clp& c : base.clps) clp_names.push_back(c.name);
  for (const Candidate& c : base.candidates) candidate_ids.push_back(c.id);
  std::set<std::string> names;  // the spec's own (TOML keys, so distinct): an outcomes target may not take one
  for (CalibrationTarget& t : spec.targets) {
    auto fail = [&](const std::string& message) {
      Diagnostic d = t.where;
      d.message = message;
      diags.push_back(d);
    };
    names.insert(t.name);
    if (!t.is_clp()) {
      if (std::find(columns.begin(), columns.end(), t.name) == columns.end())
        fail(fmt::format("target '{}' is not a numeric runs.csv column of this scenario{} (a CLP "
                         "target names its clp and quantity)", t.name, did_you_mean(t.name, columns)));
      continue;
    }
    resolve_clp_target(t, base, clp_names, candidate_ids, fail);
  }
  if (spec.outcomes) add_outcome_targets(spec, base, candidate_ids, names, diags);
  if (!diags.empty()) throw InputError(diags);
}

double target_value(const CalibrationTarget& t, const RunColumn* column, const RunResult& r,
                    std::size_t candidates) {
  if (column)
    return column->field->real ? column->field->real(r, column->candidate, column->section)
                               : double(column->field->integer(r, column->candidate, column->section));
  double sum = 0;
  for (std::size_t c : t.clps) switch (t.kind) {
      case ClpQuantity::attendance: sum += r.clp_attendance[c]; break;
      case ClpQuantity::eligible: sum += r.clp_eligible[c]; break;
      case ClpQuantity::met: sum += r.clp_met[c]; break;
      case ClpQuantity::votes: sum += r.clp_votes[c * candidates + size_t(t.candidate)]; break;
      case ClpQuantity::nominates: sum += r.clp_nominee[c] == t.candidate ? 1 : 0; break;
    }
  return sum;
}

std::string calibration_value_text(const CalibrationParam& p, double x) {
  if (p.prior.integer) return fmt::format("{}", std::llround(x));
  return toml_number(x);
}

std::vector<std::vector<std::vector<double>>> simulate_values(
    const Scenario& base, const CalibrationSpec& spec, const std::vector<std::vector<double>>& thetas,
    const std::vector<std::uint64_t>& seeds, std::uint64_t runs, int threads,
    const std::atomic<bool>* cancel, const std::function<void()>& on_run) {
  // The sweep the engine runs: the free parameters as its parameters, `runs` runs per point.
  SweepSpec sweep;
  for (const CalibrationParam& p : spec.params) {
    SweepParam sp;
    sp.path = p.path;
    sp.kind = p.prior.integer ? ParamKind::integer : ParamKind::number;
    sweep.params.push_back(sp);
  }
  sweep.runs = runs;
  sweep.set = spec.set;
  sweep.design = SweepDesign::random;
  // Each target's runs.csv column (nullptr: a CLP target), read from each run's result.
  const std::vector<RunColumn> columns = run_columns(base);
  std::vector<const RunColumn*> column_of;
  for (const CalibrationTarget& t : spec.targets) {
    const RunColumn* col = nullptr;
    if (!t.is_clp())
      for (const RunColumn& c : columns)
        if (c.name == t.name) col = &c;
    column_of.push_back(col);
  }
  // One population for every candidate (the spec's), or each its own (its point seed).
  const std::uint64_t population_seed = derive_key(spec.abc.seed, name_hash("calibration-population"));
  std::vector<SweepPoint> design(thetas.size());
  for (size_t i = 0; i < thetas.size(); ++i) {
    SweepPoint& pt = design[i];
    pt.index = i;
    for (size_t j = 0; j < spec.params.size(); ++j) {
      const std::string text = calibration_value_text(spec.params[j], thetas[i][j]);
      pt.values.push_back(text);
      pt.shown.push_back(text);
    }
    pt.seed = seeds[i];
    if (spec.shared_population) pt.population_seed = population_seed;
  }
  // values[point][target][run]: each run writes its own cells, so the workers need no lock.
  std::vector<std::vector<std::vector<double>>> values(
      thetas.size(), std::vector<std::vector<double>>(spec.targets.size(), std::vector<double>(runs)));
  const std::size_t candidates = base.candidates.size();
  std::mutex mu;
  std::vector<bool> got(thetas.size(), false);
  size_t handed = 0;
  compute_points(
      base, sweep, design, threads,
      [&]() -> std::optional<std::uint64_t> {
        std::lock_guard lk(mu);
        if (handed == design.size()) return std::nullopt;
        return handed++;
      },
      [&](PointResult&& r) {
        std::lock_guard lk(mu);
        got[size_t(r.point)] = true;
      },
      cancel,
      [&] {
        if (on_run) on_run();
      },
      [&](std::uint64_t point, std::uint64_t run, const RunResult& r) {
        for (size_t k = 0; k < spec.targets.size(); ++k)
          values[size_t(point)][k][size_t(run)] = target_value(spec.targets[k], column_of[k], r, candidates);
      });
  if (std::find(got.begin(), got.end(), false) != got.end()) return {};
  return values;
}

namespace {

// The mean of each target over each point's runs (summed in run order): [point][target].
std::vector<std::vector<double>> run_means(const std::vector<std::vector<std::vector<double>>>& values) {
  std::vector<std::vector<double>> out;
  for (const auto& point : values) {
    // The mean of each target's column over the point's runs (summed in run order).
    std::vector<double> mean;
    for (const std::vector<double>& v : point) {
      double sum = 0;
      for (double x : v) sum += x;
      mean.push_back(sum / double(std::max<size_t>(v.size(), 1)));
    }
    out.push_back(std::move(mean));
  }
  return out;
}

}  // namespace

std::vector<std::vector<double>> simulate_summaries(const Scenario& base, const CalibrationSpec& spec,
                                                   const std::vector<std::vector<double>>& thetas,
                                                   const std::vector<std::uint64_t>& seeds,
                                                   std::uint64_t runs, int threads,
                                                   const std::atomic<bool>* cancel,
                                                   const std::function<void()>& on_run) {
  return run_means(simulate_values(base, spec, thetas, seeds, runs, threads, cancel, on_run));
}

CalibrationResult calibrate(const Scenario& base, const CalibrationSpec& spec, int threads,
                            const std::function<void(const CalibrationCheckpoint&)>& on_generation,
                            const std::function<void(const CalibrationProgress&)>& progress,
                            const std::atomic<bool>* cancel, const CalibrationCheckpoint* resume,
                            const CandidateRunner& runner) {
  const auto start = std::chrono::steady_clock::now();
  auto since = [](auto t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  CalibrationResult out;
  const std::uint64_t root = derive_key(spec.abc.seed, name_hash("calibration-runs"));
  std::mutex mu;
  std::uint64_t runs_done = 0;
  AbcProgress last;
  auto report = [&] {
    if (progress) progress({last, runs_done, since(start)});
  };
  // Where candidates run: this process's threads (each run counted as it ends), or `runner`
  // (MPI ranks: counted per batch, as results come back).
  auto values_of = [&](const std::vector<std::vector<double>>& thetas,
                       const std::vector<std::uint64_t>& seeds) {
    if (runner) {
      auto v = runner(thetas, seeds, spec.runs);
      runs_done += std::uint64_t(thetas.size()) * spec.runs;
      report();
      return v;
    }
    return simulate_values(base, spec, thetas, seeds, spec.runs, threads, cancel, [&] {
      {
        std::lock_guard lk(mu);
        ++runs_done;
      }
      report();
    });
  };

  BatchSimulator simulate = [&](const std::vector<std::vector<double>>& thetas, int generation,
                                const std::vector<std::uint64_t>& ids) {
    // Candidate c of generation t runs with the point seed derive(root, t, c).
    std::vector<std::uint64_t> seeds(thetas.size());
    for (size_t i = 0; i < thetas.size(); ++i)
      seeds[i] = derive_key(derive_key(root, std::uint64_t(generation)), ids[i]);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::vector<double>> summaries = run_means(values_of(thetas, seeds));
    out.simulation_seconds += since(t0);
    return summaries;
  };
  std::vector<Prior> priors;
  std::vector<double> observed, scale;
  for (const CalibrationParam& p : spec.params) priors.push_back(p.prior);
  for (const CalibrationTarget& t : spec.targets) {
    observed.push_back(t.observed);
    scale.push_back(t.scale);
  }
  // The checkpoint handed on after each generation: all so far, and every run spent on them
  // (runs of this call counted from 0: the progress line's speed is this call's).
  CalibrationCheckpoint so_far;
  if (resume) so_far = *resume;
  out.resumed_runs = so_far.runs;
  auto finished_generation = [&](const Generation& g, int) {
    so_far.generations.push_back(g);
    {
      std::lock_guard lk(mu);
      so_far.runs = out.resumed_runs + runs_done;
    }
    if (on_generation) on_generation(so_far);
  };
  out.abc = abc_smc(priors, observed, scale, spec.abc, simulate, finished_generation,
                    [&](const AbcProgress& p) {
                      last = p;
                      report();
                    },
                    cancel, resume ? resume->generations : std::vector<Generation>{});
  // The posterior-predictive check: each particle of the last generation run again, `runs`
  // fresh runs on streams of their own (not the candidates'), each run a contest the posterior
  // predicts. The particles' accepted summaries cannot serve: they were chosen for being within
  // the tolerance of the observed values, so they bracket them by construction.
  if (spec.predictive && !out.abc.cancelled && !out.abc.generations.empty()) {
    const Generation& g = out.abc.generations.back();
    const std::uint64_t ppc_root = derive_key(spec.abc.seed, name_hash("calibration-predictive"));
    std::vector<std::vector<double>> thetas;
    std::vector<std::uint64_t> seeds;
    for (size_t i = 0; i < g.particles.size(); ++i) {
      thetas.push_back(g.particles[i].theta);
      seeds.push_back(derive_key(ppc_root, std::uint64_t(i)));
    }
    const auto t0 = std::chrono::steady_clock::now();
    out.predictive = values_of(thetas, seeds);
    out.simulation_seconds += since(t0);
    if (out.predictive.size() < thetas.size()) {
      out.abc.cancelled = true;
      out.abc.stop_reason = "cancelled";
    }
  }
  out.runs = out.resumed_runs + runs_done;
  out.seconds = since(start);
  return out;
}

namespace {

std::string particle_header(const CalibrationSpec& spec) {
  std::string h = "particle";
  for (const CalibrationParam& p : spec.params) (h += ",") += p.path;
  h += ",weight,distance";
  for (const CalibrationTarget& t : spec.targets) (h += ",sim_") += t.name;
  return h + "\n";
}

std::string particle_rows(const CalibrationSpec& spec, const Generation& g, const std::string& prefix) {
  std::string out;
  for (size_t i = 0; i < g.particles.size(); ++i) {
    const Particle& p = g.particles[i];
    out += prefix;
    out += fmt::format("{}", i);
    for (size_t j = 0; j < spec.params.size(); ++j)
      (out += ",") += calibration_value_text(spec.params[j], p.theta[j]);
    out += fmt::format(",{:.9g},{:.9g}", p.weight, p.distance);
    for (double s : p.summary) out += fmt::format(",{:.9g}", s);
    out += "\n";
  }
  return out;
}

// Target k's posterior-predictive runs, each weighted by its particle's weight over its runs.
std::vector<std::pair<double, double>> predictive_draws(const CalibrationResult& r, size_t k) {
  std::vector<std::pair<double, double>> vw;
  const Generation& g = r.abc.generations.back();
  for (size_t i = 0; i < g.particles.size() && i < r.predictive.size(); ++i) {
    const std::vector<double>& v = r.predictive[i][k];
    for (double x : v) vw.emplace_back(x, g.particles[i].weight / double(v.size()));
  }
  return vw;
}

struct PredictiveInterval {
  double mean = 0, q05 = NAN, q95 = NAN;
};
PredictiveInterval predictive_interval(const CalibrationResult& r, size_t k) {
  std::vector<std::pair<double, double>> vw = predictive_draws(r, k);
  PredictiveInterval out;
  for (const auto& [v, w] : vw) out.mean += w * v;
  out.q05 = weighted_quantile(vw, 0.05);
  out.q95 = weighted_quantile(std::move(vw), 0.95);
  return out;
}

}  // namespace

std::string CalibrationWarning::str() const {
  if (where.line > 0) return fmt::format("{}:{}:{}: warning: {}", where.file, where.line, where.column, message);
  return fmt::format("{}: warning: {}", where.file.empty() ? "leadsim calibrate" : where.file, message);
}

std::vector<CalibrationWarning> calibration_warnings(const CalibrationSpec& spec, const CalibrationResult& r) {
  std::vector<CalibrationWarning> out;
  if (r.abc.generations.empty() || r.abc.generations.back().particles.empty()) return out;
  const Generation& g = r.abc.generations.back();
  for (size_t p = 0; p < spec.params.size(); ++p) {
    const CalibrationParam& cp = spec.params[p];
    for (const bool upper : {false, true}) {
      const double w = weight_near_bound(g, p, cp.prior, upper, kBoundZone);
      if (!(w >= kBoundWeight)) continue;  // NaN (an unbounded support) is never flagged
      CalibrationWarning x;
      x.kind = CalibrationWarning::Kind::prior_bound;
      x.name = cp.path;
      x.upper = upper;
      x.bound = upper ? cp.prior.hi : cp.prior.lo;
      x.field_bound = x.bound == (upper ? cp.domain_hi : cp.domain_lo);
      x.weight = w;
      const std::string zone = fmt::format(
          "{:.0f}% of weight in the {} {:.0f}% of the range{}", 100 * w, upper ? "top" : "bottom",
          100 * kBoundZone, cp.prior.kind == Prior::Kind::log_uniform ? " on its log scale" : "");
      const std::string bound = calibration_value_text(cp, x.bound);
      if (x.field_bound)
        x.message = fmt::format("{}: the posterior presses against the {} bound {}, which is also the "
                                "field's own ({}): it cannot be widened, so the targets want what this "
                                "parameter cannot give (another free parameter, or the model)",
                                cp.path, upper ? "upper" : "lower", bound, zone);
      else
        x.message = fmt::format("{}: the posterior presses against the prior's {} bound {} ({}): "
                                "widen the prior", cp.path, upper ? "upper" : "lower", bound, zone);
      x.where = cp.where;
      x.where.message = x.message;
      out.push_back(std::move(x));
    }
  }
  const std::vector<TargetCheck> checks =
      r.predictive.empty() ? std::vector<TargetCheck>{} : predictive_checks(spec, r);  // none: cancelled
  for (size_t k = 0; k < checks.size(); ++k) {
    const CalibrationTarget& t = spec.targets[k];
    if (checks[k].inside) continue;
    const double lo = checks[k].q05, hi = checks[k].q95;
    CalibrationWarning x;
    x.kind = CalibrationWarning::Kind::predictive_check;
    x.name = t.name;
    x.observed = t.observed;
    x.q05 = lo;
    x.q95 = hi;
    x.message = fmt::format("{}: the observed {} is outside the posterior's 90% predictive interval "
                            "[{:.4g}, {:.4g}] (fresh runs of the posterior's particles): the fitted "
                            "model does not reproduce it; check the target and its scale, or widen "
                            "the priors", t.name, toml_number(t.observed), lo, hi);
    x.where = t.where;
    x.where.message = x.message;
    out.push_back(std::move(x));
  }
  return out;
}

std::string posterior_csv(const CalibrationSpec& spec, const Generation& g) {
  return particle_header(spec) + particle_rows(spec, g, "");
}

std::string particles_csv(const CalibrationSpec& spec, const std::vector<Generation>& gens) {
  std::string out = "generation,";
  out += particle_header(spec);
  for (size_t t = 0; t < gens.size(); ++t) out += particle_rows(spec, gens[t], fmt::format("{},", t));
  return out;
}

std::vector<TargetCheck> predictive_checks(const CalibrationSpec& spec, const CalibrationResult& r) {
  std::vector<TargetCheck> out;
  for (size_t k = 0; k < spec.targets.size(); ++k) {
    const PredictiveInterval pi = predictive_interval(r, k);
    const CalibrationTarget& t = spec.targets[k];
    out.push_back({t.name, t.observed, t.scale, pi.mean, pi.q05, pi.q95,
                   t.observed >= pi.q05 && t.observed <= pi.q95});
  }
  return out;
}

std::string checks_csv(const CalibrationSpec& spec, const CalibrationResult& r) {
  std::string out = "target,observed,scale,predictive_mean,q05,q95,inside\n";
  for (const TargetCheck& c : predictive_checks(spec, r))
    out += fmt::format("{},{},{},{:.6g},{:.6g},{:.6g},{}\n", c.name, toml_number(c.observed),
                       toml_number(c.scale), c.mean, c.q05, c.q95, c.inside ? 1 : 0);
  return out;
}

std::string calibration_json(const Scenario& base, const CalibrationSpec& spec,
                             const CalibrationResult& r) {
  nlohmann::ordered_json j = detail::spec_output_json(base, spec.origin, spec.sha256);
  j["set"] = spec.set;
  if (spec.outcomes)
    j["outcomes"] = {{"file", spec.outcomes->file}, {"sha256", spec.outcomes->sha256},
                     {"by", spec.outcomes->by}};
  j["population"] = spec.shared_population ? "shared" : "per_candidate";
  j["particles"] = spec.abc.particles;
  j["runs_per_particle"] = spec.runs;
  j["quantile"] = spec.abc.quantile;
  j["seed"] = spec.abc.seed;
  j["stop_reason"] = r.abc.stop_reason;
  j["runs"] = r.runs;
  nlohmann::ordered_json gens = nlohmann::ordered_json::array();
  for (size_t t = 0; t < r.abc.generations.size(); ++t) {
    const Generation& g = r.abc.generations[t];
    gens.push_back({{"generation", t},
                    {"tolerance", std::isfinite(g.tolerance) ? nlohmann::ordered_json(g.tolerance)
                                                             : nlohmann::ordered_json("inf")},
                    {"accepted", g.particles.size()},
                    {"proposed", g.proposed},
                    {"refused_outside_prior", g.refused},
                    {"acceptance_rate", g.acceptance()},
                    {"effective_sample_size", g.ess}});
  }
  j["generations"] = gens;
  if (!r.abc.generations.empty()) {
    const Generation& g = r.abc.generations.back();
    nlohmann::ordered_json post = nlohmann::ordered_json::array();
    for (size_t p = 0; p < spec.params.size(); ++p)
      post.push_back({{"path", spec.params[p].path},
                      {"prior", spec.params[p].prior.kind_id()},
                      {"mean", weighted_mean(g, p)},
                      {"q05", weighted_quantile(g, p, 0.05)},
                      {"median", weighted_quantile(g, p, 0.5)},
                      {"q95", weighted_quantile(g, p, 0.95)}});
    j["posterior"] = post;
  }
  nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
  if (!r.abc.generations.empty())
    for (const CalibrationWarning& w : calibration_warnings(spec, r)) {
      if (w.kind == CalibrationWarning::Kind::prior_bound)
        warnings.push_back({{"kind", "prior_bound"},
                            {"parameter", w.name},
                            {"bound", w.upper ? "upper" : "lower"},
                            {"value", w.bound},
                            {"field_bound", w.field_bound},
                            {"weight_near_bound", w.weight},
                            {"zone", kBoundZone},
                            {"message", w.message}});
      else
        warnings.push_back({{"kind", "predictive_check"},
                            {"target", w.name},
                            {"observed", w.observed},
                            {"q05", w.q05},
                            {"q95", w.q95},
                            {"message", w.message}});
    }
  j["warnings"] = warnings;
  return j.dump(2) + "\n";
}

std::string calibrated_scenario(const std::string& scenario_path, const CalibrationSpec& spec,
                                const Generation& g) {
  // Runs can draw from the posterior when every parameter acts within a run; one that changes
  // the synthesised population (shared by an ensemble's runs) is set to its posterior mean.
  bool draws = true;
  for (const CalibrationParam& p : spec.params) {
    const Field* f = find_field(p.path);
    draws = draws && f && !(f->affects & affects_population);
  }
  std::string out = fmt::format(
      "# Calibrated by `leadsim calibrate` with {} (sha256 {}).\n"
      "# The parameters below are CALIBRATED (posterior weighted mean and 90% interval) to:\n",
      spec.origin, spec.sha256.substr(0, 12));
  size_t from_outcomes = 0;
  for (const CalibrationTarget& t : spec.targets)
    if (t.from_outcomes) ++from_outcomes;
    else
      out += fmt::format("#   {} = {} (scale {}){}\n", t.name, toml_number(t.observed),
                         toml_number(t.scale), t.source.empty() ? "" : "  source: " + t.source);
  if (from_outcomes)
    out += fmt::format("#   {} counts of CLP nominations by {} in {} (checks.csv lists them){}\n", from_outcomes,
                       spec.outcomes->by, spec.outcomes->file,
                       spec.outcomes->source.empty() ? "" : "  source: " + spec.outcomes->source);
  if (draws)
    out += "# Each run draws a particle of posterior.csv by weight and plays with its values, so\n"
           "# every figure of `leadsim run` carries the parameters' uncertainty.\n";
  else
    out += "# A parameter changes the synthesised population, which an ensemble's runs share, so\n"
           "# the runs play the posterior means: the parameters' uncertainty is not carried.\n";
  ((out += "include = ") += toml_string(scenario_path)) += "\n";
  for (const std::string& s : spec.set) ((out += "# set by the spec: ") += s) += "\n";
  if (draws) out += "contest.posterior = \"posterior.csv\"\n";
  // Each parameter as a dotted key at the top level (TOML allows dotted keys there), so that no
  // table header is needed.
  for (size_t p = 0; p < spec.params.size(); ++p) {
    const std::vector<std::string> parts = split(spec.params[p].path, '.');
    std::string key;
    for (const std::string& part : parts) {
      if (!key.empty()) key += '.';
      key += toml_key(part);
    }
    out += fmt::format("{}{} = {}   # CALIBRATED: 90% [{}, {}]\n", draws ? "# mean: " : "", key,
                       calibration_value_text(spec.params[p], weighted_mean(g, p)),
                       calibration_value_text(spec.params[p], weighted_quantile(g, p, 0.05)),
                       calibration_value_text(spec.params[p], weighted_quantile(g, p, 0.95)));
  }
  return out;
}

void write_calibration_folder(OutputDir& out, const Scenario& base, const CalibrationSpec& spec,
                              const CalibrationResult& r, const std::string& scenario_file) {
  const Generation& g = r.abc.generations.back();
  out.open("posterior.csv") << posterior_csv(spec, g);
  out.open("particles.csv") << particles_csv(spec, r.abc.generations);
  out.open("checks.csv") << checks_csv(spec, r);
  out.open("calibration.json") << calibration_json(base, spec, r);
  namespace fs = std::filesystem;
  const std::string include =
      fs::relative(fs::absolute(scenario_file), fs::absolute(out.path("calibrated.toml").parent_path())).generic_string();
  out.open("calibrated.toml") << calibrated_scenario(include, spec, g);
}

// ------------------------------------------------------------------------------------------
// The checkpoint and the resumable folder.

namespace {

using ojson = nlohmann::ordered_json;
constexpr const char* kCheckpointFormat = "leadsim calibration checkpoint 1";

// A double as a C99 hexadecimal float ("0x1.8p+1", "inf", "nan"): exact, and read back by
// strtod, whereas JSON numbers have no infinity (generation 0's tolerance) and no NaN.
std::string exact(double x) { return fmt::format("{:a}", x); }
double inexact(const ojson& j) {
  if (!j.is_string()) throw std::invalid_argument("a number should be a hexadecimal float string");
  const std::string& t = j.get_ref<const std::string&>();
  char* end = nullptr;
  const double x = std::strtod(t.c_str(), &end);
  if (t.empty() || *end) throw std::invalid_argument("'" + t + "' is not a hexadecimal float");
  return x;
}

// What identifies a calibration, as the checkpoint records it (added to j): a resume must match
// each.
void add_identity(ojson& j, const Scenario& base, const CalibrationSpec& spec) {
  j["spec_sha256"] = spec.sha256;
  j["scenario_sha256"] = base.sha256;
  ojson inc = ojson::array();
  for (const auto& [file, hash] : base.included_files) inc.push_back(hash);
  j["included_sha256"] = inc;
  j["outcomes_sha256"] = spec.outcomes ? spec.outcomes->sha256 : std::string();
  j["set"] = spec.set;
  j["leadsim_version"] = leadsim_version();
  j["git_commit"] = LEADSIM_GIT_COMMIT;
}

}  // namespace

std::string calibration_checkpoint_text(const Scenario& base, const CalibrationSpec& spec,
                                        const CalibrationCheckpoint& c, bool finished) {
  ojson j;
  j["format"] = kCheckpointFormat;
  j["scenario"] = base.file;  // for the reader; a resume may name the same file by another path
  j["spec"] = spec.origin;
  add_identity(j, base, spec);
  j["finished"] = finished;
  j["runs"] = c.runs;
  ojson gens = ojson::array();
  for (const Generation& g : c.generations) {
    ojson particles = ojson::array();
    for (const Particle& p : g.particles) {
      ojson theta = ojson::array(), summary = ojson::array();
      for (double x : p.theta) theta.push_back(exact(x));
      for (double x : p.summary) summary.push_back(exact(x));
      particles.push_back({{"candidate", p.candidate}, {"weight", exact(p.weight)},
                           {"distance", exact(p.distance)}, {"theta", theta}, {"summary", summary}});
    }
    gens.push_back({{"tolerance", exact(g.tolerance)}, {"proposed", g.proposed}, {"refused", g.refused},
                    {"ess", exact(g.ess)}, {"particles", particles}});
  }
  j["generations"] = gens;
  return j.dump(1) + "\n";
}

CalibrationCheckpoint parse_calibration_checkpoint(const std::string& text, const std::string& file,
                                                   const Scenario& base, const CalibrationSpec& spec,
                                                   bool* finished) {
  auto damaged = [&](const std::string& why) {
    return InputError({{file, 0, 0, fmt::format("the calibration checkpoint is damaged ({}): remove it "
                                                "to start the calibration again", why)}});
  };
  const ojson j = ojson::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw damaged("not JSON");
  if (j.value("format", std::string()) != kCheckpointFormat)
    throw damaged("not a checkpoint of this leadsim's format");
  // The same calibration? Each part of its identity, in words.
  ojson want;
  add_identity(want, base, spec);
  static const std::vector<std::pair<const char*, const char*>> parts = {
      {"spec_sha256", "the calibration spec"},
      {"scenario_sha256", "the scenario file"},
      {"included_sha256", "a file the scenario includes"},
      {"outcomes_sha256", "the outcomes file of [calibration.outcomes]"},
      {"set", "the --set overrides"},
      {"leadsim_version", "the leadsim version"},
      {"git_commit", "the leadsim build (git commit)"}};
  for (const auto& [key, what] : parts) {
    const ojson there = j.contains(key) ? j[key] : ojson();
    if (there != want[key])
      throw InputError({{file, 0, 0,
                         fmt::format("cannot resume: the folder holds the checkpoint of another calibration: "
                                     "{} differs ({} there, {} now). Resume with the same scenario, spec and "
                                     "--set, or choose another --out",
                                     what, there.dump(), want[key].dump())}});
  }
  CalibrationCheckpoint c;
  try {
    c.runs = j.at("runs").get<std::uint64_t>();
    if (finished) *finished = j.at("finished").get<bool>();
    for (const ojson& g : j.at("generations")) {
      Generation x;
      x.tolerance = inexact(g.at("tolerance"));
      x.proposed = g.at("proposed").get<std::uint64_t>();
      x.refused = g.at("refused").get<std::uint64_t>();
      x.ess = inexact(g.at("ess"));
      for (const ojson& p : g.at("particles")) {
        Particle q;
        q.candidate = p.at("candidate").get<std::uint64_t>();
        q.weight = inexact(p.at("weight"));
        q.distance = inexact(p.at("distance"));
        for (const ojson& v : p.at("theta")) q.theta.push_back(inexact(v));
        for (const ojson& v : p.at("summary")) q.summary.push_back(inexact(v));
        if (q.theta.size() != spec.params.size() || q.summary.size() != spec.targets.size())
          throw std::invalid_argument("a particle of another size");
        x.particles.push_back(std::move(q));
      }
      if (x.particles.size() != spec.abc.particles) throw std::invalid_argument("a generation of another size");
      c.generations.push_back(std::move(x));
    }
    if (c.generations.size() > size_t(spec.abc.generations)) throw std::invalid_argument("too many generations");
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw damaged(e.what());
  }
  return c;
}

namespace {

void sync_path(const std::filesystem::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

CalibrationFolder::CalibrationFolder(std::filesystem::path dir, const Scenario& base,
                                     const CalibrationSpec& spec, bool resume)
    : dir_(std::move(dir)), base_(&base), spec_(&spec) {
  namespace fs = std::filesystem;
  // The folder exists (the caller's OutputDir made it); locked for as long as this object lives.
  lock_.fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock_.fd < 0)
    throw InputError({{dir_.string(), 0, 0, fmt::format("cannot open the output folder: {}", std::strerror(errno))}});
  if (::flock(lock_.fd, LOCK_EX | LOCK_NB) != 0) {
    throw InputError({{dir_.string(), 0, 0, "another leadsim calibrate is writing to this folder (wait for "
                                            "it, or choose another --out)"}});
  }
  const fs::path file = dir_ / kFile;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(file, ec))) return;  // nothing to resume: start afresh
  std::vector<Diagnostic> diags;
  const std::optional<std::string> text = read_input_file(file.string(), "calibration checkpoint", diags);
  if (!text) throw InputError(diags);
  bool finished = false;
  if (!resume) {
    // Only whether it is finished matters here: a finished calibration may be run again afresh
    // (its files are replaced when the new one finishes); an unfinished one is not thrown away.
    const ojson j = ojson::parse(*text, nullptr, false);
    finished = !j.is_discarded() && j.is_object() && j.value("finished", false);
    if (!finished)
      throw InputError({{file.string(), 0, 0,
                         "the folder holds an unfinished calibration: add --resume to continue it, or "
                         "remove this file to start again"}});
    return;
  }
  checkpoint_ = parse_calibration_checkpoint(*text, file.string(), base, spec, &finished);
  saved_runs_ = checkpoint_.runs;
  resumed_ = true;
  resumed_finished_ = finished;
}

CalibrationFolder::Lock::~Lock() {
  if (fd >= 0) ::close(fd);  // releases the lock
}

void CalibrationFolder::save(const CalibrationCheckpoint& c) {
  namespace fs = std::filesystem;
  saved_runs_ = c.runs;
  // Whole or not at all: written under a temporary name (OutputDir's, so that one left by a
  // SIGKILL is swept by the next command on the folder), flushed to disk, renamed over the old.
  const fs::path tmp = dir_ / (OutputDir::own_prefix() + kFile + ".tmp"), file = dir_ / kFile;
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << calibration_checkpoint_text(*base_, *spec_, c, false);
    f.flush();
    if (!f)
      throw InputError({{tmp.string(), 0, 0, "writing the calibration checkpoint failed (is the disk full?)"}});
  }
  sync_path(tmp, O_RDONLY);
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError({{file.string(), 0, 0, fmt::format("cannot put the checkpoint in place: {}", ec.message())}});
  }
  sync_path(dir_, O_RDONLY | O_DIRECTORY);
}

void CalibrationFolder::finish(OutputDir& out, const CalibrationResult& r,
                               const std::string& scenario_file) const {
  write_calibration_folder(out, *base_, *spec_, r, scenario_file);
  // The runs as of the last generation saved, not r.runs: a resume from this checkpoint runs
  // again what came after it (the predictive check, and a generation the candidate budget could
  // not fill), and counts those runs again.
  const CalibrationCheckpoint c{r.abc.generations, saved_runs_};
  out.open(kFile) << calibration_checkpoint_text(*base_, *spec_, c, true);
}

}  // namespace leadsim
