// sweep_spec.cpp: what to sweep, read and checked. A [sweep] table (in a scenario or a spec file)
// or --param flags become a SweepSpec; check_sweep_spec() then holds it against the base scenario
// (paths, kinds, domains, the points cap) so that a bad spec fails before any run, with
// file:line:column. Values are kept as the TOML text `--set` takes, so a point is reproduced by
// `leadsim run --set`.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "leadsim/design.hpp"
#include "leadsim/sweep.hpp"
#include "scenario_files.hpp"
#include "leadsim/fields.hpp"
#include "leadsim/number_text.hpp"
#include "leadsim/toml_input.hpp"
#include "leadsim/toml_text.hpp"
#include "sweep_detail.hpp"
#include "text.hpp"

namespace leadsim {

const char* design_id(SweepDesign d) {
  switch (d) {
    case SweepDesign::grid: return "grid";
    case SweepDesign::random: return "random";
    case SweepDesign::latin: return "latin";
    case SweepDesign::sobol: return "sobol";
  }
  return "?";
}

using namespace detail;

namespace {

Diagnostic located(const Diagnostic& where, std::string message) {
  Diagnostic d = where;
  d.message = std::move(message);
  return d;
}

Diagnostic place(const toml::node& n, const std::string& fallback) {
  const auto& src = n.source();
  return {src.path ? *src.path : fallback, int(src.begin.line), int(src.begin.column), ""};
}

// A TOML value as the text `--set` takes (tables inline, strings quoted).
std::string toml_text(const toml::node& n) {
  if (auto s = n.as_string()) return toml_string(s->get());
  if (auto t = n.as_table()) {
    std::string out = "{ ";
    bool first = true;
    for (auto&& [k, v] : *t) {
      out += (first ? "" : ", ") + toml_string(std::string(k.str())) + " = " + toml_text(v);
      first = false;
    }
    return out + (first ? "}" : " }");
  }
  if (auto a = n.as_array()) {
    std::string out = "[";
    for (size_t i = 0; i < a->size(); ++i) out += (i ? ", " : "") + toml_text((*a)[i]);
    return out + "]";
  }
  if (auto d = n.as_floating_point()) return fmt::format("{}", d->get());
  std::ostringstream os;
  n.visit([&](auto&& v) { os << v; });
  return os.str();
}


// A --param word as TOML: TOML if it parses as a value, else a bare word taken as a string
// (as --set does).
std::string word_to_toml(const std::string& word) {
  if (std::string bad = utf8_problem(word); !bad.empty())
    throw InputError({{"--param", 0, 0, fmt::format("the value {}", bad)}});
  if (auto deep = toml_nesting_problem("v = " + word, "--param"))
    throw InputError({{"--param", 0, 0, fmt::format("the value '{}' {}", word.substr(0, 40), deep->message)}});
  try {
    toml::table t = toml::parse("v = " + word);
    return toml_text(*t.get("v"));
  } catch (const toml::parse_error&) {
    return toml_string(word);
  }
}

// ------------------------------------------------------------------------------------------
// Reading a spec.

const std::vector<std::string> kSpecKeys = {"design", "points",   "levels",     "runs",
                                            "seed",   "saltelli", "streams",    "adaptive",
                                            "max_runs", "max_points", "set", "parameters"};
const std::vector<std::string> kParamKeys = {"min", "max", "levels", "values"};

bool is_param_table(const toml::table& t) {
  if (t.empty()) return false;
  for (auto&& [k, v] : t)
    if (std::find(kParamKeys.begin(), kParamKeys.end(), std::string(k.str())) == kParamKeys.end())
      return false;
  return true;
}

// [sweep.parameters] may hold "a.b" = {...} or nested tables a = { b = {...} }: flattened to
// dotted paths, in file order.
void collect_params(const toml::table& t, const std::string& prefix,
                    std::vector<std::pair<std::string, const toml::node*>>& out) {
  for (auto&& [k, v] : t) {
    const std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (auto sub = v.as_table(); sub && !is_param_table(*sub)) collect_params(*sub, path, out);
    else out.emplace_back(path, &v);
  }
}

bool read_bound(const toml::node& n, double& out, bool& is_date) {
  if (auto d = n.as_date()) {
    const toml::date& x = d->get();
    std::chrono::year_month_day ymd{std::chrono::year{x.year}, std::chrono::month{x.month},
                                    std::chrono::day{x.day}};
    out = double(std::chrono::sys_days{ymd}.time_since_epoch().count());
    is_date = true;
    return true;
  }
  if (n.is_number()) {
    out = *n.value<double>();
    is_date = false;
    return std::isfinite(out);
  }
  return false;
}

SweepParam read_param(const std::string& path, const toml::node& n, const std::string& file,
                      std::vector<Diagnostic>& diags) {
  SweepParam p;
  p.path = path;
  p.where = place(n, file);
  auto list = [&](const toml::array& a) {
    for (const auto& x : a) p.values.push_back(toml_text(x));
    if (p.values.empty()) diags.push_back(located(p.where, fmt::format("'{}': the list of values is empty", path)));
  };
  if (auto a = n.as_array()) {
    list(*a);
  } else if (auto t = n.as_table()) {
    if (auto v = t->get("values")) {
      if (auto values = v->as_array()) list(*values);
      else diags.push_back(located(place(*v, file), fmt::format("'{}.values' should be a list", path)));
      if (t->get("min") || t->get("max"))
        diags.push_back(located(p.where, fmt::format("'{}': give either min and max or values, not both", path)));
    } else {
      const toml::node* lo = t->get("min");
      const toml::node* hi = t->get("max");
      if (!lo || !hi) {
        diags.push_back(located(p.where, fmt::format("'{}' needs both min and max (or a list of values)", path)));
      } else {
        bool lo_date = false, hi_date = false;
        if (!read_bound(*lo, p.lo, lo_date))
          diags.push_back(located(place(*lo, file), fmt::format("'{}.min' should be a number or a date", path)));
        if (!read_bound(*hi, p.hi, hi_date))
          diags.push_back(located(place(*hi, file), fmt::format("'{}.max' should be a number or a date", path)));
        if (lo_date != hi_date)
          diags.push_back(located(p.where, fmt::format("'{}': min and max should both be numbers or both dates", path)));
        p.is_range = true;
        p.range_of_dates = lo_date;
      }
    }
    if (auto l = t->get("levels")) {
      if (auto i = l->as_integer(); i && i->get() >= 1 && i->get() <= 1000000) p.levels = int(i->get());
      else diags.push_back(located(place(*l, file), fmt::format("'{}.levels' should be a whole number >= 1", path)));
    }
  } else {
    diags.push_back(located(p.where, fmt::format("'{}' should be {{ min = .., max = .. }} or a list of "
                                                 "values, got {}", path, toml_text(n))));
  }
  return p;
}

std::uint64_t positive(const toml::node& n, const std::string& key, const std::string& file,
                       std::vector<Diagnostic>& diags, std::int64_t lo = 1) {
  if (auto i = n.as_integer(); i && i->get() >= lo) return std::uint64_t(i->get());
  diags.push_back(located(place(n, file), fmt::format("'sweep.{}' should be a whole number >= {}, got {}",
                                                      key, lo, toml_text(n))));
  return 0;
}

void apply_design_word(SweepSpec& spec, const std::string& word, const Diagnostic& where,
                       std::vector<Diagnostic>& diags) {
  if (word == "grid") spec.design = SweepDesign::grid;
  else if (word == "random") spec.design = SweepDesign::random;
  else if (word == "latin") spec.design = SweepDesign::latin;
  else if (word == "sobol") spec.design = SweepDesign::sobol;
  else if (word == "saltelli") {  // shorthand: Saltelli's layout over a Sobol base
    spec.design = SweepDesign::sobol;
    spec.saltelli = true;
  } else
    diags.push_back(located(where, fmt::format("design '{}' is not one of grid, random, latin, sobol, "
                                               "saltelli{}", word,
                                               did_you_mean(word, {"grid", "random", "latin", "sobol", "saltelli"}))));
}

void read_table(const toml::table& t, SweepSpec& spec, const std::string& file, const std::string& prefix,
                std::vector<Diagnostic>& diags) {
  for (auto&& [key, v] : t) {
    const std::string k(key.str());
    const Diagnostic at = place(v, file);
    if (std::find(kSpecKeys.begin(), kSpecKeys.end(), k) == kSpecKeys.end()) {
      diags.push_back(located(at, fmt::format("unknown key '{}{}'{}", prefix, k, did_you_mean(k, kSpecKeys))));
      continue;
    }
    spec.locations[k] = at;
    if (k == "design") {
      if (auto s = v.as_string()) apply_design_word(spec, s->get(), at, diags);
      else diags.push_back(located(at, "'sweep.design' should be a word: grid, random, latin, sobol"));
    } else if (k == "points") {
      spec.points = positive(v, k, file, diags);
    } else if (k == "levels") {
      spec.levels = int(std::min<std::uint64_t>(positive(v, k, file, diags, 2), 1000000));
    } else if (k == "runs") {
      spec.runs = positive(v, k, file, diags);
    } else if (k == "seed") {
      spec.seed = positive(v, k, file, diags, 0);
    } else if (k == "saltelli") {
      if (auto b = v.as_boolean()) spec.saltelli = b->get();
      else diags.push_back(located(at, "'sweep.saltelli' should be true or false"));
    } else if (k == "streams") {
      auto s = v.as_string();
      if (s && s->get() == "common") spec.streams = StreamPolicy::common;
      else if (s && s->get() == "independent") spec.streams = StreamPolicy::independent;
      else diags.push_back(located(at, "'sweep.streams' should be \"common\" or \"independent\""));
    } else if (k == "adaptive") {
      if (auto s = v.as_string()) {
        try {
          spec.adaptive = parse_adaptive(s->get(), at);
        } catch (const InputError& e) {
          diags.insert(diags.end(), e.diagnostics().begin(), e.diagnostics().end());
        }
      } else {
        diags.push_back(located(at, "'sweep.adaptive' should be a string like \"win:ID:0.05\""));
      }
    } else if (k == "max_runs") {
      spec.max_runs = positive(v, k, file, diags);
    } else if (k == "max_points") {
      spec.max_points = positive(v, k, file, diags);
    } else if (k == "set") {
      auto a = v.as_array();
      if (!a) {
        diags.push_back(located(at, "'sweep.set' should be a list of \"path=value\" strings"));
        continue;
      }
      spec.set.clear();
      for (const auto& x : *a) {
        if (auto s = x.as_string()) spec.set.push_back(s->get());
        else diags.push_back(located(place(x, file), "'sweep.set' should hold \"path=value\" strings"));
      }
    } else if (k == "parameters") {
      auto pt = v.as_table();
      if (!pt) {
        diags.push_back(located(at, "'sweep.parameters' should be a table of parameter paths"));
        continue;
      }
      std::vector<std::pair<std::string, const toml::node*>> found;
      collect_params(*pt, "", found);
      // toml++ keeps keys sorted; the columns follow the file.
      std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        const auto &x = a.second->source().begin, &y = b.second->source().begin;
        return std::tie(x.line, x.column) < std::tie(y.line, y.column);
      });
      spec.params.clear();
      for (const auto& [path, node] : found) spec.params.push_back(read_param(path, *node, file, diags));
    }
  }
}

}  // namespace

std::string AdaptiveTarget::text() const {
  const char* out = output == Output::win ? "win" : output == Output::share ? "share" : "nominations";
  return fmt::format("{}:{}:{}", out, candidate, width);
}

AdaptiveTarget parse_adaptive(const std::string& text, const Diagnostic& where) {
  const std::vector<std::string> parts = split(text, ':');
  AdaptiveTarget t;
  std::vector<Diagnostic> diags;
  if (parts.size() != 3) {
    throw InputError({located(where, fmt::format("adaptive target '{}' should be OUTPUT:CANDIDATE:WIDTH, "
                                                 "e.g. win:left:0.05", text))});
  }
  const std::vector<std::string> outputs = {"win", "share", "nominations"};
  if (parts[0] == "win") t.output = AdaptiveTarget::Output::win;
  else if (parts[0] == "share") t.output = AdaptiveTarget::Output::share;
  else if (parts[0] == "nominations") t.output = AdaptiveTarget::Output::nominations;
  else
    diags.push_back(located(where, fmt::format("adaptive output '{}' is not one of win, share, nominations{}",
                                               parts[0], did_you_mean(parts[0], outputs))));
  t.candidate = parts[1];
  const std::optional<double> width = parse_real(parts[2]);
  t.width = width.value_or(0);
  if (!width || t.width <= 0)
    diags.push_back(located(where, fmt::format("adaptive width '{}' should be a positive number (the full "
                                               "width of the 95% interval)", parts[2])));
  if (!diags.empty()) throw InputError(diags);
  return t;
}

void read_sweep_spec(const std::string& file, SweepSpec& spec, bool scenario_file) {
  std::vector<Diagnostic> diags;
  toml::table root;
  if (scenario_file) {
    // A scenario's [sweep] may come from a file it includes, like any other table.
    root = load_scenario_tree(file, diags);
    if (!diags.empty()) throw InputError(diags);
  } else {
    std::string bytes;
    root = detail::parse_toml_file(file, diags, bytes, "sweep spec");
    if (!diags.empty()) throw InputError(diags);
  }
  const toml::node* sweep = root.get("sweep");
  if (sweep && !sweep->is_table())
    throw InputError({located(place(*sweep, file), "'sweep' should be a table")});
  if (sweep || !scenario_file) spec.origin = file;
  if (sweep) read_table(*sweep->as_table(), spec, file, "sweep.", diags);
  else if (!scenario_file) read_table(root, spec, file, "", diags);
  if (!diags.empty()) throw InputError(diags);
}

SweepSpec load_sweep_spec(const std::string& file) {
  SweepSpec spec;
  read_sweep_spec(file, spec, false);
  return spec;
}

SweepParam parse_param_flag(const std::string& text) {
  const size_t eq = text.find('=');
  SweepParam p;
  p.where = {"--param " + (eq == std::string::npos ? text : trim(text.substr(0, eq))), 0, 0, ""};
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw InputError({located(p.where, fmt::format("'{}' should be path=lo:hi, path=lo:hi:levels or "
                                                   "path=v1,v2,..., e.g. meetings.attendance=0.02:0.1", text))});
  p.path = trim(text.substr(0, eq));
  const std::string spec = trim(text.substr(eq + 1));
  if (spec.find(',') == std::string::npos && spec.find(':') != std::string::npos) {
    const std::vector<std::string> parts = split(spec, ':');
    auto bound = [&](const std::string& w, bool& is_date) -> double {
      if (const std::optional<double> x = parse_real(w)) {
        is_date = false;
        return *x;
      }
      try {
        is_date = true;
        return double(parse_day(w));
      } catch (const std::invalid_argument&) {
        throw InputError({located(p.where, fmt::format("'{}' in '{}' should be a number or a date "
                                                       "(YYYY-MM-DD)", w, text))});
      }
    };
    if (parts.size() < 2 || parts.size() > 3)
      throw InputError({located(p.where, fmt::format("'{}': a range is lo:hi or lo:hi:levels", text))});
    bool lo_date = false, hi_date = false;
    p.lo = bound(trim(parts[0]), lo_date);
    p.hi = bound(trim(parts[1]), hi_date);
    if (lo_date != hi_date)
      throw InputError({located(p.where, fmt::format("'{}': both ends should be numbers or both dates", text))});
    p.is_range = true;
    p.range_of_dates = lo_date;
    if (parts.size() == 3) {
      const std::optional<std::int64_t> l = parse_whole(trim(parts[2]), 1, 1000000);
      if (!l)
        throw InputError({located(p.where, fmt::format("'{}': levels should be a whole number in [1, 1000000]", text))});
      p.levels = int(*l);
    }
    return p;
  }
  for (const std::string& w : split(spec, ',')) {
    const std::string v = trim(w);
    if (v.empty()) throw InputError({located(p.where, fmt::format("'{}': an empty value in the list", text))});
    p.values.push_back(word_to_toml(v));
  }
  return p;
}


// ------------------------------------------------------------------------------------------
// Checking a spec against the scenario.

namespace {


}  // namespace

ParamKind param_kind(const std::string& path) {
  const Field* field = find_field(path);
  if (!field) return ParamKind::other;
  switch (field->kind) {
    case FieldKind::number:
    case FieldKind::probability: return ParamKind::number;
    case FieldKind::whole: return ParamKind::integer;
    case FieldKind::date: return ParamKind::date;
    default: return ParamKind::other;
  }
}

void check_sweep_spec(SweepSpec& spec, const Scenario& base) {
  std::vector<Diagnostic> diags;
  auto where = [&](const std::string& key) {
    auto it = spec.locations.find(key);
    return it != spec.locations.end() ? it->second
                                      : Diagnostic{spec.origin.empty() ? "--" + key : spec.origin, 0, 0, ""};
  };
  if (spec.params.empty())
    diags.push_back(located(where("parameters"), "no parameters to sweep: add a [sweep.parameters] table "
                                                 "or --param path=lo:hi"));
  std::vector<std::string> known;
  for (const auto& r : base.resolved) known.push_back(r.path);
  const std::set<std::string> known_set(known.begin(), known.end());
  std::set<std::string> seen;
  for (SweepParam& p : spec.params) {
    if (!seen.insert(p.path).second) {
      diags.push_back(located(p.where, fmt::format("'{}' is swept twice", p.path)));
      continue;
    }
    if (!known_set.count(p.path)) {
      diags.push_back(located(p.where, fmt::format("unknown parameter '{}'{}", p.path, did_you_mean(p.path, known))));
      continue;
    }
    const Field* field = find_field(p.path);
    const std::string type = field ? field->type() : "";
    p.kind = param_kind(p.path);
    std::vector<std::string> trial;  // values the loader must accept
    if (p.is_range) {
      if (p.kind == ParamKind::other) {
        diags.push_back(located(p.where, fmt::format("'{}' is {}: give a list of values, not a range", p.path,
                                                     type.empty() ? "not a number" : type)));
        continue;
      }
      if ((p.kind == ParamKind::date) != p.range_of_dates) {
        diags.push_back(located(p.where, fmt::format("'{}' is a {}: its range should be {}", p.path, type,
                                                     p.kind == ParamKind::date ? "dates" : "numbers")));
        continue;
      }
      if (p.lo > p.hi) {
        diags.push_back(located(p.where, fmt::format("'{}': min {} is above max {}", p.path,
                                                     number_value(p, p.lo).shown, number_value(p, p.hi).shown)));
        continue;
      }
      if (p.kind == ParamKind::integer && (p.lo != std::floor(p.lo) || p.hi != std::floor(p.hi))) {
        diags.push_back(located(p.where, fmt::format("'{}' is an integer: its range should be whole numbers", p.path)));
        continue;
      }
      if (spec.design == SweepDesign::grid && p.lo < p.hi && (p.levels ? p.levels : spec.levels) < 2) {
        diags.push_back(located(p.where, fmt::format("'{}': a grid over a range needs at least 2 levels", p.path)));
        continue;
      }
      // The domain is an interval, so its ends decide.
      trial = {number_value(p, p.lo).toml, number_value(p, p.hi).toml};
    } else {
      trial = p.values;
    }
    for (const std::string& v : trial) {
      std::vector<std::string> o = spec.set;
      o.push_back(p.path + "=" + v);
      try {
        load_scenario(base.file, o);
      } catch (const InputError& e) {
        for (const auto& d : e.diagnostics())
          diags.push_back(located(p.where, fmt::format("'{}' = {} is outside what the scenario accepts: {}",
                                                       p.path, shown_text(v), d.message)));
      }
    }
  }
  if (spec.runs < 1) diags.push_back(located(where("runs"), "runs per point should be at least 1"));
  if (spec.design != SweepDesign::grid && spec.points < 1)
    diags.push_back(located(where("points"), fmt::format("the {} design needs a number of points (points = N, "
                                                         "or --points N)", design_id(spec.design))));
  if (spec.saltelli && spec.design != SweepDesign::sobol && spec.design != SweepDesign::latin)
    diags.push_back(located(where("saltelli"), fmt::format("a Saltelli layout needs a sobol or latin base "
                                                           "design, not {}", design_id(spec.design))));
  const std::uint64_t k = spec.params.size();
  if (spec.design == SweepDesign::sobol && (spec.saltelli ? 2 * k : k) > std::uint64_t(kSobolMaxDims))
    diags.push_back(located(where("design"), fmt::format("the Sobol sequence here has {} dimensions; {} parameters "
                                                         "need {}", kSobolMaxDims, k, spec.saltelli ? 2 * k : k)));
  if (spec.adaptive) {
    if (base.candidate_index(spec.adaptive->candidate) < 0) {
      std::vector<std::string> ids;
      for (const auto& c : base.candidates) ids.push_back(c.id);
      diags.push_back(located(where("adaptive"), fmt::format("adaptive target: unknown candidate '{}'{}",
                                                             spec.adaptive->candidate,
                                                             did_you_mean(spec.adaptive->candidate, ids))));
    }
    if (spec.adaptive_cap() < spec.runs)
      diags.push_back(located(where("max_runs"), fmt::format("max_runs ({}) is below runs per batch ({})",
                                                             spec.adaptive_cap(), spec.runs)));
  }
  if (diags.empty()) {
    const std::uint64_t n = design_size(spec);
    if (n > spec.max_points)
      diags.push_back(located(where(spec.design == SweepDesign::grid ? "parameters" : "points"),
                              fmt::format("the design has {} points, more than the cap of {} (raise it "
                                          "with max_points or --max-points if you mean it)",
                                          n == std::numeric_limits<std::uint64_t>::max() ? std::string("over 2^64")
                                                                                     : std::to_string(n),
                                          spec.max_points)));
  }
  if (!diags.empty()) throw InputError(diags);
}

}  // namespace leadsim
