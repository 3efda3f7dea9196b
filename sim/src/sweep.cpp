// sweep.cpp: sweep specs, designs mapped to parameter values, the (point, run) engine, the
// resumable folder writer and the shard merger. See sweep.hpp for the contracts.
#include "leadsim/sweep.hpp"
#include "leadsim/fields.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <future>
#include <list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <sstream>
#include <thread>
#include <toml++/toml.h>
#include <unordered_map>

#include "leadsim/contest.hpp"
#include "leadsim/design.hpp"
#include "leadsim/population.hpp"
#include "leadsim/random.hpp"
#include "leadsim/report.hpp"
#include "leadsim/sha256.hpp"
#include "scenario_files.hpp"
#include "text.hpp"

namespace leadsim {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

const char* design_id(SweepDesign d) {
  switch (d) {
    case SweepDesign::grid: return "grid";
    case SweepDesign::random: return "random";
    case SweepDesign::latin: return "latin";
    case SweepDesign::sobol: return "sobol";
  }
  return "?";
}

namespace {

constexpr double kZ95 = 1.959964;

Diagnostic located(const Diagnostic& where, std::string message) {
  Diagnostic d = where;
  d.message = std::move(message);
  return d;
}

Diagnostic place(const toml::node& n, const std::string& fallback) {
  const auto& src = n.source();
  return {src.path ? *src.path : fallback, int(src.begin.line), int(src.begin.column), ""};
}

std::string quote_toml(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

// A TOML value as the text `--set` takes (tables inline, strings quoted).
std::string toml_text(const toml::node& n) {
  if (auto s = n.as_string()) return quote_toml(s->get());
  if (auto t = n.as_table()) {
    std::string out = "{ ";
    bool first = true;
    for (auto&& [k, v] : *t) {
      out += (first ? "" : ", ") + quote_toml(std::string(k.str())) + " = " + toml_text(v);
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

// What a CSV shows for a value: words without their quotes.
std::string shown_text(const std::string& toml_value) {
  try {
    toml::table t = toml::parse("v = " + toml_value);
    if (auto s = t.get("v")->as_string()) return s->get();
  } catch (const toml::parse_error&) {
  }
  return toml_value;
}

// A --param word as TOML: TOML if it parses as a value, else a bare word taken as a string
// (as --set does).
std::string word_to_toml(const std::string& word) {
  try {
    toml::table t = toml::parse("v = " + word);
    return toml_text(*t.get("v"));
  } catch (const toml::parse_error&) {
    return quote_toml(word);
  }
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string format_number(double x) { return fmt::format("{}", x); }

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
  char* end = nullptr;
  t.width = std::strtod(parts[2].c_str(), &end);
  if (parts[2].empty() || *end || !std::isfinite(t.width) || t.width <= 0)
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
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError({{file, 0, 0, "cannot open the file (does it exist, and is it readable?)"}});
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      root = toml::parse(ss.str(), file);
    } catch (const toml::parse_error& e) {
      throw InputError({{file, int(e.source().begin.line), int(e.source().begin.column),
                         "TOML syntax: " + std::string(e.description())}});
    }
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
      char* end = nullptr;
      const double x = std::strtod(w.c_str(), &end);
      if (!w.empty() && !*end && std::isfinite(x)) {
        is_date = false;
        return x;
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
      char* end = nullptr;
      const long l = std::strtol(parts[2].c_str(), &end, 10);
      if (parts[2].empty() || *end || l < 1 || l > 1000000)
        throw InputError({located(p.where, fmt::format("'{}': levels should be a whole number >= 1", text))});
      p.levels = int(l);
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
// Values of a parameter.

namespace {

struct Value {
  std::string toml, shown;
};

Value number_value(const SweepParam& p, double x) {
  if (p.kind == ParamKind::date) {
    const std::string d = format_day(Day(std::llround(x)));
    return {d, d};
  }
  if (p.kind == ParamKind::integer) {
    const std::string s = fmt::format("{}", std::llround(x));
    return {s, s};
  }
  const std::string s = format_number(x);
  return {s, s};
}

// The grid levels of one parameter.
std::vector<Value> grid_levels(const SweepParam& p, int default_levels) {
  std::vector<Value> out;
  if (!p.is_range) {
    for (const auto& v : p.values) out.push_back({v, shown_text(v)});
    return out;
  }
  const int levels = p.lo == p.hi ? 1 : (p.levels ? p.levels : default_levels);
  for (int i = 0; i < levels; ++i) {
    const double x = i == levels - 1 ? p.hi : p.lo + (p.hi - p.lo) * double(i) / double(levels - 1);
    Value v = number_value(p, levels == 1 ? p.lo : x);
    // Whole-number parameters: levels that round to the same value are one level.
    if (out.empty() || out.back().toml != v.toml) out.push_back(std::move(v));
  }
  return out;
}

// A coordinate u in [0, 1) as a value.
Value unit_value(const SweepParam& p, double u) {
  if (!p.is_range) {
    const size_t n = p.values.size();
    const size_t i = std::min(n - 1, size_t(u * double(n)));
    return {p.values[i], shown_text(p.values[i])};
  }
  if (p.kind == ParamKind::number) return number_value(p, p.lo + u * (p.hi - p.lo));
  // Whole numbers (and days): each of lo..hi gets an equal share of [0, 1).
  const double x = std::min(p.hi, std::floor(p.lo + u * (p.hi - p.lo + 1)));
  return number_value(p, x);
}

// A Saltelli layout over a Sobol base starts at the power of two >= N (and >= 2): the sequence's
// first points have equal halves (the origin, then 0.5 everywhere), which would make A_j = B_j.
std::uint64_t sobol_skip(const SweepSpec& spec) {
  if (!spec.saltelli) return 0;
  std::uint64_t skip = 2;
  while (skip < spec.points) skip *= 2;
  return skip;
}

std::uint64_t point_seed(const SweepSpec& spec, const std::vector<std::string>& values) {
  if (spec.streams == StreamPolicy::common) return spec.seed;
  // From the values, not the index: the same point gets the same stream in any design.
  std::string key;
  for (size_t i = 0; i < values.size(); ++i) key += spec.params[i].path + "=" + values[i] + "\n";
  return derive_key(spec.seed, name_hash(key));
}

}  // namespace

std::vector<std::string> SweepPoint::overrides(const SweepSpec& spec) const {
  std::vector<std::string> o = spec.set;
  for (size_t i = 0; i < values.size(); ++i) o.push_back(spec.params[i].path + "=" + values[i]);
  return o;
}

std::uint64_t design_size(const SweepSpec& spec) {
  if (spec.design == SweepDesign::grid) {
    std::vector<std::size_t> levels;
    for (const auto& p : spec.params) levels.push_back(grid_levels(p, spec.levels).size());
    return grid_size(levels);
  }
  if (spec.saltelli) {
    const std::uint64_t per = std::uint64_t(spec.params.size()) + 2;
    return spec.points > std::numeric_limits<std::uint64_t>::max() / per ? std::numeric_limits<std::uint64_t>::max()
                                                                      : spec.points * per;
  }
  return spec.points;
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
    p.kind = !field                                ? ParamKind::other
             : field->kind == FieldKind::number ||
                       field->kind == FieldKind::probability ? ParamKind::number
             : field->kind == FieldKind::whole   ? ParamKind::integer
             : field->kind == FieldKind::date    ? ParamKind::date
                                                 : ParamKind::other;
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

std::vector<SweepPoint> design_points(const SweepSpec& spec) {
  const int k = int(spec.params.size());
  std::vector<SweepPoint> out;
  auto finish = [&](SweepPoint& pt) {
    pt.index = out.size();
    pt.seed = point_seed(spec, pt.values);
    out.push_back(std::move(pt));
  };
  if (spec.design == SweepDesign::grid) {
    std::vector<std::vector<Value>> levels;
    std::vector<std::size_t> counts;
    for (const auto& p : spec.params) {
      levels.push_back(grid_levels(p, spec.levels));
      counts.push_back(levels.back().size());
    }
    for (const auto& idx : grid_design(counts)) {
      SweepPoint pt;
      for (int i = 0; i < k; ++i) {
        pt.values.push_back(levels[size_t(i)][idx[size_t(i)]].toml);
        pt.shown.push_back(levels[size_t(i)][idx[size_t(i)]].shown);
      }
      finish(pt);
    }
    return out;
  }
  const int dims = spec.saltelli ? 2 * k : k;
  DesignMatrix base = spec.design == SweepDesign::random  ? random_design(spec.points, dims, spec.seed)
                      : spec.design == SweepDesign::latin ? latin_hypercube(spec.points, dims, spec.seed)
                                                          : sobol_design(spec.points, dims, sobol_skip(spec));
  auto add = [&](const std::vector<double>& u, std::int64_t sample, int matrix) {
    SweepPoint pt;
    pt.saltelli_sample = sample;
    pt.saltelli_matrix = matrix;
    for (int i = 0; i < k; ++i) {
      Value v = unit_value(spec.params[size_t(i)], u[size_t(i)]);
      pt.values.push_back(std::move(v.toml));
      pt.shown.push_back(std::move(v.shown));
    }
    finish(pt);
  };
  if (spec.saltelli) {
    for (const SaltelliRow& row : saltelli_design(base, k)) add(row.u, std::int64_t(row.sample), row.matrix);
  } else {
    for (const auto& u : base) add(u, -1, -1);
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// CSV layouts.

std::string points_csv_header(const Scenario& base, const SweepSpec& spec) {
  std::string h = "point";
  if (spec.saltelli) h += ",saltelli_sample,saltelli_matrix";
  for (const auto& p : spec.params) (h += ',') += csv_field(p.path);
  h += ",seed";
  for (const auto& c : base.candidates) {
    h += fmt::format(",win_{0},win_{0}_lo,win_{0}_hi", c.id);
    h += fmt::format(",share_{0},share_{0}_se,share_{0}_lo,share_{0}_hi", c.id);
    h += fmt::format(",nominations_{0},nominations_{0}_se,nominations_{0}_lo,nominations_{0}_hi", c.id);
  }
  return h + ",runs\n";
}

std::string points_csv_row(const SweepSpec& spec, const SweepPoint& point, const PointStats& s) {
  std::string row = std::to_string(point.index);
  if (spec.saltelli)
    row += fmt::format(",{},{}", point.saltelli_sample, saltelli_matrix_name(point.saltelli_matrix));
  for (const auto& v : point.shown) (row += ',') += csv_field(v);
  row += fmt::format(",{}", point.seed);
  for (size_t c = 0; c < s.win.size(); ++c) {
    row += fmt::format(",{:.6f},{:.6f},{:.6f}", s.win[c].p, s.win[c].lo, s.win[c].hi);
    for (const MeanEstimate* e : {&s.share[c], &s.nominations[c]})
      row += fmt::format(",{:.6f},{:.6f},{:.6f},{:.6f}", e->mean, e->se, e->lo, e->hi);
  }
  return row + fmt::format(",{}\n", s.runs);
}

std::string runs_csv_header(const Scenario& base, const SweepSpec& spec) {
  std::ostringstream os;
  RunsCsv header(base, os);  // the run command's own columns
  std::string h = "point";
  for (const auto& p : spec.params) (h += ',') += csv_field(p.path);
  return (h += ',') += os.str();
}

// ------------------------------------------------------------------------------------------
// Serialising finished points.

namespace {

template <class T>
void put(std::string& out, const T& x) {
  out.append(reinterpret_cast<const char*>(&x), sizeof(T));
}
template <class T>
T take(std::string_view& in) {
  if (in.size() < sizeof(T)) throw std::runtime_error("a serialised point is truncated");
  T x;
  std::memcpy(&x, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
  return x;
}

}  // namespace

std::string serialize(const PointResult& r) {
  std::string out;
  put(out, r.point);
  put(out, r.stats.runs);
  put(out, std::uint64_t(r.stats.win.size()));
  for (size_t c = 0; c < r.stats.win.size(); ++c) {
    put(out, r.stats.win[c]);
    put(out, r.stats.share[c]);
    put(out, r.stats.nominations[c]);
  }
  put(out, std::uint64_t(r.runs_rows.size()));
  out += r.runs_rows;
  return out;
}

PointResult deserialize_point(std::string_view in) {
  PointResult r;
  r.point = take<std::uint64_t>(in);
  r.stats.runs = take<std::uint64_t>(in);
  const auto k = take<std::uint64_t>(in);
  if (k > 10000) throw std::runtime_error("a serialised point is damaged");
  for (std::uint64_t c = 0; c < k; ++c) {
    r.stats.win.push_back(take<Proportion>(in));
    r.stats.share.push_back(take<MeanEstimate>(in));
    r.stats.nominations.push_back(take<MeanEstimate>(in));
  }
  const auto n = take<std::uint64_t>(in);
  if (in.size() != n) throw std::runtime_error("a serialised point has the wrong length");
  r.runs_rows.assign(in.data(), in.size());
  return r;
}

// ------------------------------------------------------------------------------------------
// The engine.

namespace {

// What points.csv needs, summed in run order (as Summary sums, so the figures match it).
struct PointAccumulator {
  std::uint64_t runs = 0;
  std::vector<std::uint64_t> wins;
  std::vector<double> share_sum, share_sq, nom_sum, nom_sq;

  explicit PointAccumulator(size_t k) : wins(k), share_sum(k), share_sq(k), nom_sum(k), nom_sq(k) {}
  void add(const RunResult& r) {
    ++runs;
    for (size_t c = 0; c < wins.size(); ++c) {
      wins[c] += r.winner == int(c);
      share_sum[c] += r.share[c];
      share_sq[c] += r.share[c] * r.share[c];
      const double n = r.nominations[c];
      nom_sum[c] += n;
      nom_sq[c] += n * n;
    }
  }
  MeanEstimate mean(double sum, double sq) const {
    const double n = double(runs), m = runs ? sum / n : 0.0;
    const double var = runs > 1 ? std::max(0.0, (sq - n * m * m) / (n - 1)) : 0.0;
    const double se = runs ? std::sqrt(var / n) : 0.0;
    return {m, se, m - kZ95 * se, m + kZ95 * se};
  }
  PointStats stats() const {
    PointStats s;
    s.runs = runs;
    for (size_t c = 0; c < wins.size(); ++c) {
      s.win.push_back(wilson(wins[c], runs));
      s.share.push_back(mean(share_sum[c], share_sq[c]));
      s.nominations.push_back(mean(nom_sum[c], nom_sq[c]));
    }
    return s;
  }
  double width(const AdaptiveTarget& t, int c) const {
    const size_t i = size_t(c);
    switch (t.output) {
      case AdaptiveTarget::Output::win: {
        const Proportion p = wilson(wins[i], runs);
        return p.hi - p.lo;
      }
      case AdaptiveTarget::Output::share: {
        const MeanEstimate e = mean(share_sum[i], share_sq[i]);
        return e.hi - e.lo;
      }
      case AdaptiveTarget::Output::nominations: {
        const MeanEstimate e = mean(nom_sum[i], nom_sq[i]);
        return e.hi - e.lo;
      }
    }
    return 0;
  }
};

using PopulationFuture = std::shared_future<std::shared_ptr<const Population>>;

// Threads take (point, run) pairs: the earliest point with runs left first, else prepare a
// fetched point (load its scenario, find or draw its population), else fetch the next point.
// Runs of a point are summed in run order through a small reorder buffer, so every byte is the
// same whatever the threads.
class Engine {
 public:
  Engine(const Scenario& base, const SweepSpec& spec, const std::vector<SweepPoint>& design,
         int threads, const std::function<std::optional<std::uint64_t>()>& next,
         const std::function<void(PointResult&&)>& done, const std::atomic<bool>* cancel,
         const std::function<void()>& on_run)
      : base_(base), spec_(spec), design_(design), next_(next), done_(done), cancel_(cancel),
        on_run_(on_run) {
    threads_ = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    // Enough points in flight that a thread preparing one (loading its scenario, perhaps drawing
    // its population) never leaves the others without runs, yet memory stays bounded.
    max_active_ = size_t(2 * threads_ + 2);
    if (spec.adaptive) adaptive_candidate_ = base.candidate_index(spec.adaptive->candidate);
  }

  void run() {
    std::vector<std::thread> pool;
    for (int t = 1; t < threads_; ++t) pool.emplace_back([this] { work(); });
    work();
    for (auto& th : pool) th.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  struct Finished {
    RunResult result;
    std::string row;
  };
  struct Active {
    std::uint64_t serial = 0;
    const SweepPoint* point = nullptr;
    enum class State { fresh, preparing, ready } state = State::fresh;
    std::unique_ptr<Scenario> scenario;
    std::shared_ptr<const Population> pop;
    std::string prefix;  // "point,values...," for each runs.csv row
    std::uint64_t target = 0, issued = 0, added = 0;
    std::map<std::uint64_t, Finished> pending;  // finished out of order
    std::unique_ptr<PointAccumulator> acc;
    std::string rows;
  };

  bool stopped() const { return failed_ || (cancel_ && cancel_->load(std::memory_order_relaxed)); }

  void fail(std::exception_ptr e) {
    std::lock_guard lk(mu_);
    if (!error_) error_ = e;
    failed_ = true;
    cv_.notify_all();
  }

  // Loads the point's scenario and finds or draws its population (outside the lock).
  void prepare(Active& a) {
    const SweepPoint& pt = *a.point;
    std::unique_ptr<Scenario> s;
    try {
      s = std::make_unique<Scenario>(load_scenario(base_.file, pt.overrides(spec_)));
    } catch (const InputError& e) {
      std::string values;
      for (size_t i = 0; i < pt.values.size(); ++i)
        values += (i ? ", " : "") + spec_.params[i].path + "=" + pt.shown[i];
      std::vector<Diagnostic> d;
      for (const auto& x : e.diagnostics())
        d.push_back({x.file, x.line, x.column,
                     fmt::format("point {} ({}) is refused: {}", pt.index, values, x.message)});
      throw InputError(d);
    }
    const std::string sig = population_signature(*s, pt.seed);
    PopulationFuture fut;
    std::promise<std::shared_ptr<const Population>> promise;
    bool mine = false;
    {
      std::lock_guard lk(mu_);
      auto it = std::find_if(cache_.begin(), cache_.end(), [&](const auto& c) { return c.first == sig; });
      if (it != cache_.end()) {
        fut = it->second;
      } else {
        fut = promise.get_future().share();
        cache_.emplace_back(sig, fut);
        // Two populations kept: enough for designs that alternate, bounded for national ones.
        if (cache_.size() > 2) cache_.pop_front();
        mine = true;
      }
    }
    if (mine) {
      try {
        promise.set_value(std::make_shared<const Population>(synthesise(*s, pt.seed)));
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    }
    a.pop = fut.get();
    a.prefix = std::to_string(pt.index);
    for (const auto& v : pt.shown) (a.prefix += ',') += csv_field(v);
    a.prefix += ',';
    a.acc = std::make_unique<PointAccumulator>(s->candidates.size());
    a.scenario = std::move(s);
  }

  void work() {
    try {
      ContestWorkspace ws;
      std::ostringstream os;
      std::unique_ptr<RunsCsv> writer;
      std::uint64_t writer_for = 0;
      std::unique_lock lk(mu_);
      for (;;) {
        if (stopped()) break;
        Active* a = nullptr;
        for (auto& x : active_)
          if (x.state == Active::State::ready && x.issued < x.target) {
            a = &x;
            break;
          }
        if (!a) {
          Active* fresh = nullptr;
          for (auto& x : active_)
            if (x.state == Active::State::fresh) {
              fresh = &x;
              break;
            }
          if (fresh) {
            fresh->state = Active::State::preparing;
            lk.unlock();
            prepare(*fresh);
            lk.lock();
            fresh->state = Active::State::ready;
            cv_.notify_all();
            continue;
          }
          if (!source_done_ && !fetching_ && active_.size() < max_active_) {
            fetching_ = true;
            lk.unlock();
            std::optional<std::uint64_t> p;
            try {
              p = next_();
            } catch (...) {
              lk.lock();
              fetching_ = false;
              throw;
            }
            lk.lock();
            fetching_ = false;
            if (!p) {
              source_done_ = true;
            } else {
              if (*p >= design_.size()) throw std::out_of_range("sweep point index out of range");
              Active& x = active_.emplace_back();
              x.serial = ++serial_;
              x.point = &design_[size_t(*p)];
              x.target = spec_.runs;
            }
            cv_.notify_all();
            continue;
          }
          if (source_done_ && active_.empty()) break;
          cv_.wait(lk);
          continue;
        }
        const std::uint64_t run = a->issued++;
        lk.unlock();
        Finished f;
        run_contest(*a->scenario, *a->pop, a->point->seed, run, ws, f.result);
        // The run command's own row writer (report.hpp), kept per thread while the point lasts.
        if (!writer || writer_for != a->serial) {
          writer = std::make_unique<RunsCsv>(*a->scenario, os);
          writer_for = a->serial;
        }
        os.str("");
        writer->on_run(f.result);
        f.row = a->prefix + os.str();
        lk.lock();
        a->pending.emplace(run, std::move(f));
        for (auto it = a->pending.begin(); it != a->pending.end() && it->first == a->added;
             it = a->pending.erase(it)) {
          a->acc->add(it->second.result);
          a->rows += it->second.row;
          ++a->added;
        }
        if (on_run_) on_run_();
        if (a->added == a->target) {
          // Adaptive: the decision after each batch depends only on the runs so far, in order,
          // so the number of runs is the same whatever the threads.
          const bool more = spec_.adaptive && a->target < spec_.adaptive_cap() &&
                            !(a->acc->width(*spec_.adaptive, adaptive_candidate_) < spec_.adaptive->width);
          if (more) {
            a->target = std::min(a->target + spec_.runs, spec_.adaptive_cap());
          } else {
            PointResult r{a->point->index, a->acc->stats(), std::move(a->rows)};
            active_.remove_if([&](const Active& x) { return &x == a; });
            lk.unlock();
            done_(std::move(r));
            lk.lock();
          }
        }
        cv_.notify_all();
      }
      cv_.notify_all();
    } catch (...) {
      fail(std::current_exception());
    }
  }

  const Scenario& base_;
  const SweepSpec& spec_;
  const std::vector<SweepPoint>& design_;
  const std::function<std::optional<std::uint64_t>()>& next_;
  const std::function<void(PointResult&&)>& done_;
  const std::atomic<bool>* cancel_;
  const std::function<void()>& on_run_;
  int threads_ = 1;
  size_t max_active_ = 4;
  int adaptive_candidate_ = -1;

  std::mutex mu_;
  std::condition_variable cv_;
  std::list<Active> active_;
  std::list<std::pair<std::string, PopulationFuture>> cache_;
  std::uint64_t serial_ = 0;
  bool source_done_ = false, fetching_ = false;
  std::atomic<bool> failed_{false};
  std::exception_ptr error_;
};

}  // namespace

bool compute_points(const Scenario& base, const SweepSpec& spec, const std::vector<SweepPoint>& design,
                    int threads, const std::function<std::optional<std::uint64_t>()>& next,
                    const std::function<void(PointResult&&)>& done, const std::atomic<bool>* cancel,
                    const std::function<void()>& on_run) {
  Engine e(base, spec, design, threads, next, done, cancel, on_run);
  e.run();
  return !(cancel && cancel->load());
}

bool run_sweep(const Scenario& base, const SweepSpec& spec, const SweepOptions& opt, SweepSink& sink) {
  const std::vector<SweepPoint> design = design_points(spec);
  std::vector<std::uint64_t> order = opt.points;
  if (order.empty()) {
    order.resize(design.size());
    std::iota(order.begin(), order.end(), std::uint64_t(0));
  }
  std::unordered_map<std::uint64_t, size_t> position;
  for (size_t i = 0; i < order.size(); ++i) position[order[i]] = i;

  const auto start = std::chrono::steady_clock::now();
  std::mutex mu;
  size_t handed = 0, delivered = 0;
  std::map<size_t, PointResult> waiting;  // finished ahead of an earlier point
  std::atomic<std::uint64_t> runs_done{0};
  std::mutex progress_mu;
  auto report = [&] {
    if (!opt.progress) return;
    std::lock_guard lk(progress_mu);
    SweepProgress p;
    {
      std::lock_guard l2(mu);
      p.points_done = delivered;
    }
    p.points_total = order.size();
    p.runs_done = runs_done.load();
    p.runs_expected = std::max<std::uint64_t>(p.runs_done, order.size() * spec.runs);
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    opt.progress(p);
  };
  const std::function<std::optional<std::uint64_t>()> next = [&]() -> std::optional<std::uint64_t> {
    std::lock_guard lk(mu);
    if (handed == order.size()) return std::nullopt;
    return order[handed++];
  };
  const std::function<void(PointResult&&)> done = [&](PointResult&& r) {
    {
      std::lock_guard lk(mu);
      waiting.emplace(position.at(r.point), std::move(r));
      // The sink writes under the lock: points reach it one at a time, in order.
      for (auto it = waiting.begin(); it != waiting.end() && it->first == delivered; it = waiting.erase(it)) {
        sink.on_point(design[size_t(it->second.point)], it->second);
        ++delivered;
      }
    }
    report();
  };
  const std::function<void()> on_run = [&] {
    ++runs_done;
    report();
  };
  compute_points(base, spec, design, opt.threads, next, done, opt.cancel, on_run);
  return delivered == order.size();
}

PointResult run_point(const Scenario& base, const SweepSpec& spec, const SweepPoint& point, int threads) {
  std::vector<SweepPoint> design(size_t(point.index) + 1);
  design[size_t(point.index)] = point;
  bool given = false;
  PointResult out;
  compute_points(
      base, spec, design, threads,
      [&]() -> std::optional<std::uint64_t> {
        if (given) return std::nullopt;
        given = true;
        return point.index;
      },
      [&](PointResult&& r) { out = std::move(r); });
  return out;
}

// ------------------------------------------------------------------------------------------
// Shards and the manifest.

Shard parse_shard(const std::string& text) {
  const std::vector<std::string> parts = split(text, '/');
  char *e1 = nullptr, *e2 = nullptr;
  Shard s;
  if (parts.size() == 2) {
    s.index = std::strtoull(parts[0].c_str(), &e1, 10);
    s.count = std::strtoull(parts[1].c_str(), &e2, 10);
  }
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty() || *e1 || *e2 || s.count < 1 ||
      s.index < 1 || s.index > s.count)
    throw InputError({{"--shard", 0, 0, fmt::format("'{}' should be i/n with 1 <= i <= n, e.g. 2/8", text)}});
  return s;
}

std::vector<std::uint64_t> shard_points(std::uint64_t total, Shard shard) {
  // Round robin rather than blocks: neighbouring points often cost alike (a grid's slow
  // parameter), so dealing them out evens the shards' work.
  std::vector<std::uint64_t> out;
  for (std::uint64_t p = shard.index - 1; p < total; p += shard.count) out.push_back(p);
  return out;
}

namespace {

json spec_object(const SweepSpec& spec) {
  json j;
  j["design"] = design_id(spec.design);
  if (spec.design == SweepDesign::grid) j["levels"] = spec.levels;
  else j["points"] = spec.points;
  j["saltelli"] = spec.saltelli;
  j["runs"] = spec.runs;
  j["seed"] = spec.seed;
  j["streams"] = spec.streams == StreamPolicy::common ? "common" : "independent";
  if (spec.adaptive) {
    j["adaptive"] = spec.adaptive->text();
    j["max_runs"] = spec.adaptive_cap();
  }
  j["set"] = spec.set;
  json params = json::array();
  for (const auto& p : spec.params) {
    json x;
    x["path"] = p.path;
    if (p.is_range) {
      if (p.range_of_dates) {
        x["min"] = format_day(Day(p.lo));
        x["max"] = format_day(Day(p.hi));
      } else {
        x["min"] = p.lo;
        x["max"] = p.hi;
      }
      if (p.levels) x["levels"] = p.levels;
    } else {
      json values = json::array();
      for (const auto& v : p.values) values.push_back(v);
      x["values"] = values;
    }
    params.push_back(x);
  }
  j["parameters"] = params;
  return j;
}

const char* kind_id(ParamKind k) {
  switch (k) {
    case ParamKind::number: return "number";
    case ParamKind::integer: return "integer";
    case ParamKind::date: return "date";
    case ParamKind::other: return "values";
  }
  return "?";
}

}  // namespace

std::string spec_sha256(const SweepSpec& spec) { return sha256_hex(spec_object(spec).dump()); }

std::string sweep_json(const Scenario& base, const SweepSpec& spec, Shard shard) {
  json j;
  j["leadsim_version"] = leadsim_version();
  j["git_commit"] = LEADSIM_GIT_COMMIT;
  j["scenario"] = base.file;
  j["scenario_sha256"] = base.sha256;
  j["included_files"] = json::array();
  for (const auto& [file, hash] : base.included_files)
    j["included_files"].push_back({{"file", file}, {"sha256", hash}});
  j["spec"] = spec_object(spec);
  j["spec_sha256"] = spec_sha256(spec);
  json design;
  // A Saltelli sweep's design is "saltelli" (over a sobol or latin base): what the sensitivity
  // command looks for.
  design["type"] = spec.saltelli ? "saltelli" : design_id(spec.design);
  if (spec.saltelli) {
    design["base"] = design_id(spec.design);
    design["samples"] = spec.points;
    if (spec.design == SweepDesign::sobol) design["sobol_skip"] = sobol_skip(spec);
  }
  if (spec.design == SweepDesign::grid) design["levels"] = spec.levels;
  design["points"] = design_size(spec);
  j["design"] = design;
  j["points"] = design_size(spec);
  j["runs"] = spec.runs;
  j["seed"] = spec.seed;
  j["streams"] = spec.streams == StreamPolicy::common ? "common" : "independent";
  j["random_streams"] = spec.streams == StreamPolicy::common
                            ? "every point: population synthesise(point scenario, seed), run r keyed by "
                              "run_key(seed, r) (common random numbers)"
                            : "point seed = derive_key(seed, name_hash(\"path=value\\n\"...)); population "
                              "and runs as `leadsim run --seed <point seed>`";
  json params = json::array();
  for (const auto& p : spec.params) {
    json x;
    x["path"] = p.path;
    x["kind"] = kind_id(p.kind);
    if (p.is_range) {
      x["min"] = number_value(p, p.lo).shown;
      x["max"] = number_value(p, p.hi).shown;
      if (spec.design == SweepDesign::grid) x["levels"] = grid_levels(p, spec.levels).size();
    } else {
      json values = json::array();
      for (const auto& v : p.values) values.push_back(shown_text(v));
      x["values"] = values;
    }
    params.push_back(x);
  }
  j["parameters"] = params;
  if (spec.adaptive) j["adaptive"] = {{"target", spec.adaptive->text()}, {"batch", spec.runs},
                                      {"max_runs", spec.adaptive_cap()}};
  if (!shard.whole()) j["shard"] = {{"index", shard.index}, {"count", shard.count}};
  return j.dump(2) + "\n";
}

// ------------------------------------------------------------------------------------------
// The resumable folder.

namespace {

constexpr char kMagic[8] = {'L', 'S', 'W', 'E', 'E', 'P', 'J', '1'};

// FNV-1a, 64-bit, running over a file's bytes: cheap beside the simulation, and enough to tell
// a file's finished part from one the system lost in a crash.
struct RunningHash {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  }
};

struct JournalRecord {
  char magic[8];
  std::uint64_t seq, done, points_bytes, runs_bytes, points_hash, runs_hash, check;
  std::uint64_t compute_check() const {
    RunningHash h;
    h.add(std::string_view(reinterpret_cast<const char*>(this), offsetof(JournalRecord, check)));
    return h.h;
  }
};
static_assert(sizeof(JournalRecord) == 64);

void write_all(int fd, std::string_view data, const fs::path& what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(fmt::format("writing {} failed: {}", what.string(), std::strerror(errno)));
    data.remove_prefix(size_t(n));
  }
}

void sync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Hash of the first `bytes` of a file; false if it is shorter.
bool hash_prefix(const fs::path& file, std::uint64_t bytes, std::uint64_t& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  RunningHash h;
  std::vector<char> buf(1 << 20);
  std::uint64_t left = bytes;
  while (left) {
    const size_t want = size_t(std::min<std::uint64_t>(left, buf.size()));
    in.read(buf.data(), std::streamsize(want));
    if (size_t(in.gcount()) != want) return false;
    h.add(std::string_view(buf.data(), want));
    left -= want;
  }
  out = h.h;
  return true;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What differs between two sweep.json texts, in words ("" when they describe the same sweep;
// the scenario's path may differ, its contents may not).
std::string sweep_difference(const std::string& a, const std::string& b) {
  json x = json::parse(a, nullptr, false), y = json::parse(b, nullptr, false);
  if (x.is_discarded()) return "its sweep.json is damaged";
  x.erase("scenario");
  y.erase("scenario");
  if (x == y) return "";
  auto str = [](const json& j, const char* k) { return j.contains(k) ? j[k].dump() : std::string("none"); };
  for (const auto& [key, what] :
       std::vector<std::pair<const char*, const char*>>{{"spec_sha256", "the sweep spec"},
                                                        {"scenario_sha256", "the scenario file"},
                                                        {"included_files", "a file the scenario includes"},
                                                        {"shard", "the shard"},
                                                        {"leadsim_version", "the leadsim version"},
                                                        {"git_commit", "the leadsim build (git commit)"}})
    if (str(x, key) != str(y, key))
      return fmt::format("{} differs ({} there, {} now)", what, str(x, key), str(y, key));
  return "its description differs";
}

}  // namespace

struct SweepFolder::Impl {
  fs::path points_partial, runs_partial, json_partial, journal_path;
  int points_fd = -1, runs_fd = -1, journal_fd = -1;
  bool created_journal = false;
  JournalRecord rec{};
  RunningHash points_hash, runs_hash;
  std::chrono::steady_clock::time_point last_sync = std::chrono::steady_clock::now();
  std::string json_text, points_header, runs_header;
  const SweepSpec* spec = nullptr;

  ~Impl() {
    for (int fd : {points_fd, runs_fd, journal_fd})
      if (fd >= 0) ::close(fd);
  }

  void write_record() {
    ++rec.seq;
    std::memcpy(rec.magic, kMagic, sizeof(kMagic));
    rec.points_hash = points_hash.h;
    rec.runs_hash = runs_hash.h;
    rec.check = rec.compute_check();
    // Two slots, alternately: a record torn by a crash leaves the previous one whole.
    const off_t at = off_t((rec.seq % 2) * sizeof(JournalRecord));
    if (::pwrite(journal_fd, &rec, sizeof(rec), at) != ssize_t(sizeof(rec)))
      throw std::runtime_error(fmt::format("writing {} failed: {}", journal_path.string(), std::strerror(errno)));
  }

  // Data first, then the record that points at it: a crash of the machine (not just the
  // process) can then lose only the last few points, which the hashes detect. A killed process
  // loses nothing it wrote: its writes are in the page cache.
  void sync(bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_sync < std::chrono::seconds(2)) return;
    ::fdatasync(points_fd);
    ::fdatasync(runs_fd);
    ::fdatasync(journal_fd);
    last_sync = now;
  }

  int open_file(const fs::path& p, bool truncate) {
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
    if (fd < 0) throw InputError({{p.string(), 0, 0, fmt::format("cannot write the file: {}", std::strerror(errno))}});
    return fd;
  }

  void start_fresh() {
    {
      const int fd = open_file(json_partial, true);
      write_all(fd, json_text, json_partial);
      ::fsync(fd);
      ::close(fd);
    }
    if (points_fd >= 0) ::close(points_fd);
    if (runs_fd >= 0) ::close(runs_fd);
    points_fd = open_file(points_partial, true);
    runs_fd = open_file(runs_partial, true);
    write_all(points_fd, points_header, points_partial);
    write_all(runs_fd, runs_header, runs_partial);
    points_hash = {};
    runs_hash = {};
    points_hash.add(points_header);
    runs_hash.add(runs_header);
    rec = {};
    rec.points_bytes = points_header.size();
    rec.runs_bytes = runs_header.size();
    sync(true);
    write_record();
    ::fdatasync(journal_fd);
    sync_dir(journal_path.parent_path());
  }

  // The newest journal record whose files are intact; false if none is.
  bool recover() {
    JournalRecord slots[2]{};
    const ssize_t n = ::pread(journal_fd, slots, sizeof(slots), 0);
    std::vector<JournalRecord> valid;
    for (int i = 0; i < 2; ++i)
      if (n >= ssize_t((i + 1) * sizeof(JournalRecord)) && !std::memcmp(slots[i].magic, kMagic, 8) &&
          slots[i].check == slots[i].compute_check())
        valid.push_back(slots[i]);
    std::sort(valid.begin(), valid.end(), [](const auto& a, const auto& b) { return a.seq > b.seq; });
    for (const JournalRecord& r : valid) {
      std::uint64_t hp = 0, hr = 0;
      if (!hash_prefix(points_partial, r.points_bytes, hp) || hp != r.points_hash) continue;
      if (!hash_prefix(runs_partial, r.runs_bytes, hr) || hr != r.runs_hash) continue;
      rec = r;
      points_hash.h = hp;
      runs_hash.h = hr;
      points_fd = open_file(points_partial, false);
      runs_fd = open_file(runs_partial, false);
      // Whatever follows the record's lengths was written after it: a point not finished.
      if (::ftruncate(points_fd, off_t(r.points_bytes)) || ::ftruncate(runs_fd, off_t(r.runs_bytes)))
        throw std::runtime_error("cannot truncate the partial files");
      ::lseek(points_fd, 0, SEEK_END);
      ::lseek(runs_fd, 0, SEEK_END);
      return true;
    }
    return false;
  }
};

SweepFolder::SweepFolder(fs::path dir, const Scenario& base, const SweepSpec& spec, Shard shard, bool resume)
    : dir_(std::move(dir)), impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.spec = &spec;
  tasks_ = shard_points(design_size(spec), shard);
  m.json_text = sweep_json(base, spec, shard);
  m.points_header = points_csv_header(base, spec);
  m.runs_header = runs_csv_header(base, spec);
  m.points_partial = dir_ / "points.csv.partial";
  m.runs_partial = dir_ / "runs.csv.partial";
  m.json_partial = dir_ / "sweep.json.partial";
  m.journal_path = dir_ / "sweep.journal";

  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_))
    throw InputError({{dir_.string(), 0, 0, "cannot create the output folder (does its parent exist, and "
                                            "do you have permission?)"}});
  const bool had_journal = fs::exists(m.journal_path);
  m.journal_fd = ::open(m.journal_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (m.journal_fd < 0)
    throw InputError({{dir_.string(), 0, 0, fmt::format("cannot write to the output folder: {}", std::strerror(errno))}});
  m.created_journal = !had_journal;
  auto fail = [&](std::string msg) {
    if (m.created_journal) fs::remove(m.journal_path, ec);
    throw InputError({{dir_.string(), 0, 0, std::move(msg)}});
  };
  if (::flock(m.journal_fd, LOCK_EX | LOCK_NB) != 0)
    fail("another leadsim sweep is writing to this folder (wait for it, or choose another --out)");
  struct stat st {};
  ::fstat(m.journal_fd, &st);
  const bool unfinished = had_journal && st.st_size > 0;

  if (unfinished) {
    if (!resume)
      fail("the folder holds an unfinished sweep: add --resume to continue it, or remove the folder "
           "to start again");
    // A finish() interrupted between its renames: put the finished files back.
    for (const auto& [partial, final_name] : {std::pair{m.points_partial, dir_ / "points.csv"},
                                              std::pair{m.runs_partial, dir_ / "runs.csv"},
                                              std::pair{m.json_partial, dir_ / "sweep.json"}})
      if (!fs::exists(partial) && fs::exists(final_name)) fs::rename(final_name, partial, ec);
    if (!fs::exists(m.json_partial)) {
      // The sweep never got past its first write: nothing to keep.
      m.start_fresh();
      return;
    }
    const std::string why = sweep_difference(read_text(m.json_partial), m.json_text);
    if (!why.empty())
      throw InputError({{(dir_ / "sweep.json.partial").string(), 0, 0,
                         fmt::format("cannot resume: the folder holds a different sweep: {}. Resume with "
                                     "the same scenario, spec and seed, or choose another --out", why)}});
    m.json_text = read_text(m.json_partial);  // keep the bytes written first
    if (!m.recover()) {
      std::fprintf(stderr, "%s: the unfinished sweep's files are damaged (a system crash?); starting it again\n",
                   dir_.c_str());
      m.start_fresh();
      return;
    }
    done_ = m.rec.done;
    if (done_ > tasks_.size()) throw InputError({{m.journal_path.string(), 0, 0, "the journal is damaged"}});
    return;
  }
  if (resume && fs::exists(dir_ / "sweep.json") && fs::exists(dir_ / "points.csv") &&
      fs::exists(dir_ / "runs.csv")) {
    const std::string why = sweep_difference(read_text(dir_ / "sweep.json"), m.json_text);
    if (!why.empty())
      fail(fmt::format("cannot resume: the folder holds a different, finished sweep: {}", why));
    fs::remove(m.journal_path, ec);
    already_complete_ = true;
    done_ = tasks_.size();
    return;
  }
  m.start_fresh();
}

SweepFolder::~SweepFolder() = default;

std::vector<std::uint64_t> SweepFolder::remaining() const {
  return {tasks_.begin() + std::ptrdiff_t(done_), tasks_.end()};
}

void SweepFolder::on_point(const SweepPoint& point, const PointResult& result) {
  Impl& m = *impl_;
  if (already_complete_ || done_ >= tasks_.size() || tasks_[done_] != point.index)
    throw std::logic_error(fmt::format("sweep point {} arrived out of order", point.index));
  const std::string row = points_csv_row(*m.spec, point, result.stats);
  write_all(m.points_fd, row, m.points_partial);
  write_all(m.runs_fd, result.runs_rows, m.runs_partial);
  m.points_hash.add(row);
  m.runs_hash.add(result.runs_rows);
  m.rec.points_bytes += row.size();
  m.rec.runs_bytes += result.runs_rows.size();
  m.rec.done = ++done_;
  m.sync(false);
  m.write_record();
}

void SweepFolder::finish() {
  if (already_complete_) return;
  if (!complete()) throw std::logic_error("finish() before every point is done");
  Impl& m = *impl_;
  m.sync(true);
  // `leadsim sensitivity`'s table describes the sweep this folder held until now: it would be
  // stale beside the new points.csv.
  std::error_code ec;
  fs::remove(dir_ / "sensitivity.csv", ec);
  fs::rename(m.points_partial, dir_ / "points.csv");
  fs::rename(m.runs_partial, dir_ / "runs.csv");
  fs::rename(m.json_partial, dir_ / "sweep.json");
  sync_dir(dir_);
  fs::remove(m.journal_path);
  sync_dir(dir_);
  already_complete_ = true;
}

void SweepFolder::abandon() {
  Impl& m = *impl_;
  std::error_code ec;
  for (const auto& p : {m.points_partial, m.runs_partial, m.json_partial, m.journal_path}) fs::remove(p, ec);
}

// ------------------------------------------------------------------------------------------
// Merging shards.

namespace {

// The point a CSV row belongs to (its first field).
std::uint64_t row_point(const std::string& line) { return std::strtoull(line.c_str(), nullptr, 10); }

}  // namespace

void merge_sweeps(const std::vector<fs::path>& shards, const fs::path& out) {
  std::vector<Diagnostic> diags;
  struct Part {
    fs::path dir;
    std::uint64_t index = 0;
    std::ifstream points, runs;
    std::string lookahead;  // next runs.csv row not yet written
    bool has_lookahead = false;
  };
  if (shards.empty()) throw InputError({{"--merge", 0, 0, "no shard folders given"}});
  std::vector<std::unique_ptr<Part>> parts;
  std::string common;  // sweep.json without its shard
  std::uint64_t count = 0, total = 0;
  for (const auto& dir : shards) {
    const fs::path json_file = dir / "sweep.json";
    if (fs::exists(dir / "sweep.journal") || !fs::exists(json_file) || !fs::exists(dir / "points.csv") ||
        !fs::exists(dir / "runs.csv")) {
      diags.push_back({dir.string(), 0, 0, "not a finished sweep folder (it needs sweep.json, points.csv and "
                                           "runs.csv, and no sweep.journal: resume it first)"});
      continue;
    }
    json j = json::parse(read_text(json_file), nullptr, false);
    if (j.is_discarded() || !j.contains("points")) {
      diags.push_back({json_file.string(), 0, 0, "not a sweep's description (damaged?)"});
      continue;
    }
    auto p = std::make_unique<Part>();
    p->dir = dir;
    std::uint64_t n = 1;
    if (j.contains("shard")) {
      p->index = j["shard"]["index"].get<std::uint64_t>();
      n = j["shard"]["count"].get<std::uint64_t>();
      j.erase("shard");
    } else {
      p->index = 1;
    }
    const std::string text = j.dump(2) + "\n";
    if (common.empty()) {
      common = text;
      count = n;
      total = j["points"].get<std::uint64_t>();
    } else if (text != common || n != count) {
      const std::string why = sweep_difference(common, text);
      diags.push_back({json_file.string(), 0, 0, fmt::format("a shard of a different sweep than {}: {}",
                                                             parts.front()->dir.string(),
                                                             why.empty() ? "the shard counts differ" : why)});
      continue;
    }
    parts.push_back(std::move(p));
  }
  if (!diags.empty()) throw InputError(diags);
  std::vector<Part*> by_index(size_t(count), nullptr);
  for (auto& p : parts) {
    if (p->index < 1 || p->index > count || by_index[size_t(p->index - 1)])
      diags.push_back({p->dir.string(), 0, 0, fmt::format("shard {}/{} given twice", p->index, count)});
    else
      by_index[size_t(p->index - 1)] = p.get();
  }
  for (std::uint64_t i = 0; i < count; ++i)
    if (!by_index[size_t(i)]) diags.push_back({"--merge", 0, 0, fmt::format("shard {}/{} is missing", i + 1, count)});
  if (!diags.empty()) throw InputError(diags);

  OutputDir dest(out);  // the merged files appear whole or not at all
  std::ostream& points = dest.open("points.csv");
  std::ostream& runs = dest.open("runs.csv");
  std::string header_points, header_runs, line;
  for (size_t i = 0; i < by_index.size(); ++i) {
    Part& p = *by_index[i];
    p.points.open(p.dir / "points.csv", std::ios::binary);
    p.runs.open(p.dir / "runs.csv", std::ios::binary);
    std::string hp, hr;
    std::getline(p.points, hp);
    std::getline(p.runs, hr);
    if (i == 0) {
      header_points = hp;
      header_runs = hr;
      points << hp << "\n";
      runs << hr << "\n";
    } else if (hp != header_points || hr != header_runs) {
      throw InputError({{p.dir.string(), 0, 0, "its CSV columns differ from the first shard's"}});
    }
  }
  auto damaged = [](const Part& p, std::uint64_t point) {
    return InputError({{p.dir.string(), 0, 0, fmt::format("point {} is missing or out of place (the "
                                                          "folder was edited?)", point)}});
  };
  for (std::uint64_t point = 0; point < total; ++point) {
    Part& p = *by_index[size_t(point % count)];
    if (!std::getline(p.points, line) || row_point(line) != point) throw damaged(p, point);
    points << line << "\n";
    for (;;) {
      if (!p.has_lookahead) {
        if (!std::getline(p.runs, p.lookahead)) break;
        p.has_lookahead = true;
      }
      if (row_point(p.lookahead) != point) break;
      runs << p.lookahead << "\n";
      p.has_lookahead = false;
    }
  }
  for (auto* p : by_index)
    if (std::getline(p->points, line) || p->has_lookahead || std::getline(p->runs, line))
      throw InputError({{p->dir.string(), 0, 0, "it has rows beyond the sweep's points"}});
  dest.open("sweep.json") << common;
  dest.commit();
}

}  // namespace leadsim
