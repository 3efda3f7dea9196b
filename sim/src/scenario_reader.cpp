// scenario_reader.cpp: typed, located reads out of a scenario's TOML tree (scenario_reader.hpp).
#include "scenario_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "leadsim/toml_text.hpp"
#include "text.hpp"

namespace leadsim::detail {

SourcePlace place_of(const toml::node& n) {
  const auto& src = n.source();
  SourcePlace p;
  p.file = src.path ? *src.path : std::string("<input>");
  p.line = static_cast<int>(src.begin.line);
  p.column = static_cast<int>(src.begin.column);
  return p;
}

std::string toml_repr(const toml::node& n) {
  std::ostringstream os;
  if (auto t = n.as_table()) os << toml::toml_formatter{*t, toml::format_flags::none};
  else n.visit([&](auto&& v) { os << v; });
  std::string s = os.str();
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

std::string finite_note(double v) {
  return std::isfinite(v) ? "" : ": it must be a finite number";
}

std::string range_text(double lo, double hi, bool lo_open) {
  const auto end = [](double x) { return std::isinf(x) ? std::string("inf") : fmt::format("{}", x); };
  return fmt::format("{}{}, {}]", lo_open ? "(" : "[", end(lo), end(hi));
}

std::string number_out_of_range(const std::string& path, double v, double lo, double hi,
                                bool lo_open, const std::string& unit) {
  return fmt::format("'{}' is {}, expected a{} number in {}{}", path, v,
                     std::isfinite(v) ? "" : " finite", range_text(lo, hi, lo_open),
                     unit.empty() ? "" : " (" + unit + ")");
}

std::string integer_out_of_range(const std::string& path, std::int64_t v, std::int64_t lo,
                                 std::int64_t hi, const std::string& unit) {
  return fmt::format("'{}' is {}, expected an integer in [{}, {}] ({})", path, v, lo, hi, unit);
}

SourcePlace place_in(const Scenario& s, const std::string& path) {
  for (std::string p = path; !p.empty();) {
    if (auto it = s.places.find(p); it != s.places.end()) return it->second;
    const auto dot = p.rfind('.');
    p = dot == std::string::npos ? std::string() : p.substr(0, dot);
  }
  if (auto it = s.places.find(""); it != s.places.end()) return it->second;
  return {s.file.empty() ? std::string("<scenario>") : s.file, 0, 0};
}

const toml::node* Reader::find(const Ctx& c, std::string_view key) {
  asked_[c.table].push_back(std::string(key));
  if (!c.table) return nullptr;
  const toml::node* n = c.table->get(key);
  if (n) seen_.insert(n);
  return n;
}

void Reader::resolve(const Ctx& c, std::string_view key, std::string value) {
  const std::string path = c.key_path(key);
  if (const toml::node* n = c.get(key)) places_[path] = place_of(*n);
  resolved_.push_back({path, std::move(value)});
}

void Reader::resolve_table(const Ctx& parent, std::string_view key) {
  const toml::node* n = parent.get(key);
  resolve(parent, key, n ? toml_repr(*n) : "{}");
}

Ctx Reader::table(const Ctx& c, std::string_view key) {
  Ctx sub;
  sub.path = c.key_path(key);
  sub.where = c.where;
  if (const toml::node* n = find(c, key)) {
    if (auto t = n->as_table()) {
      sub.table = t;
      sub.where = place_of(*n);
      places_[sub.path] = sub.where;
    } else {
      error_at(*n, fmt::format("'{}' should be a table", sub.path));
    }
  }
  return sub;
}

std::vector<std::pair<std::string, Ctx>> Reader::entries(const Ctx& c, std::string_view key) {
  Ctx parent = table(c, key);
  std::vector<std::tuple<int, int, std::string, Ctx>> out;
  if (parent.table) {
    for (auto&& [k, v] : *parent.table) {
      seen_.insert(&v);
      Ctx e;
      e.path = parent.key_path(k.str());
      e.where = place_of(v);
      if (auto t = v.as_table()) e.table = t;
      else {
        error_at(v, fmt::format("'{}' should be a table", e.path));
        continue;
      }
      // Ids name CSV columns, paths and rankings: checked here, where every keyed table is read.
      if (std::string why = id_problem(std::string(k.str())); !why.empty()) {
        error_at(v, fmt::format("the id {} in '{}' {}: an id is 1 to {} letters, digits, '_' or "
                                "'-' (it names CSV columns such as share_<id>, and --set paths)",
                                toml_string(std::string(k.str()).substr(0, 80)), parent.path, why,
                                kMaxIdLength));
        opaque_.insert(&v);  // its keys are not unknown: the entry itself is refused
        continue;
      }
      places_[e.path] = e.where;
      out.emplace_back(file_rank(e.where.file), e.where.line, std::string(k.str()), e);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  std::vector<std::pair<std::string, Ctx>> r;
  for (auto& [rank, line, name, ctx] : out) r.emplace_back(name, ctx);
  return r;
}

double Reader::number(const Ctx& c, std::string_view key, double def, double lo, double hi,
                      const std::string& unit, bool lo_open) {
  double v = def;
  if (const toml::node* n = find(c, key)) {
    if (auto x = n->value<double>(); x && n->is_number()) {
      v = *x;
      if (!in_domain(v, lo, hi, lo_open)) {
        error_at(*n, number_out_of_range(c.key_path(key), v, lo, hi, lo_open, unit));
        v = def;
      }
    } else {
      error_at(*n, fmt::format("'{}' should be a number ({}), got {}", c.key_path(key), unit,
                               toml_repr(*n)));
    }
  }
  resolve(c, key, toml_number(v));
  return v;
}

std::int64_t Reader::integer(const Ctx& c, std::string_view key, std::int64_t def,
                             std::int64_t lo, std::int64_t hi, const std::string& unit) {
  std::int64_t v = def;
  if (const toml::node* n = find(c, key)) {
    if (auto x = n->as_integer()) {
      v = x->get();
      if (v < lo || v > hi) {
        error_at(*n, integer_out_of_range(c.key_path(key), v, lo, hi, unit));
        v = def;
      }
    } else {
      error_at(*n, fmt::format("'{}' should be an integer ({}), got {}", c.key_path(key), unit,
                               toml_repr(*n)));
    }
  }
  resolve(c, key, fmt::format("{}", v));
  return v;
}

bool Reader::boolean(const Ctx& c, std::string_view key, bool def) {
  bool v = def;
  if (const toml::node* n = find(c, key)) {
    if (auto x = n->as_boolean()) v = x->get();
    else error_at(*n, fmt::format("'{}' should be true or false, got {}", c.key_path(key),
                                  toml_repr(*n)));
  }
  resolve(c, key, v ? "true" : "false");
  return v;
}

std::string Reader::text(const Ctx& c, std::string_view key, std::string def) {
  std::string v = std::move(def);
  if (const toml::node* n = find(c, key)) {
    if (auto x = n->as_string()) v = x->get();
    else error_at(*n, fmt::format("'{}' should be a string, got {}", c.key_path(key),
                                  toml_repr(*n)));
  }
  resolve(c, key, toml_string(v));
  return v;
}

int Reader::choice(const Ctx& c, std::string_view key, int def,
                   const std::vector<std::string>& words) {
  std::string names;
  for (const auto& w : words) names += (names.empty() ? "" : ", ") + w;
  int v = def;
  if (const toml::node* n = find(c, key)) {
    auto s = n->as_string();
    bool ok = false;
    if (s) {
      for (size_t i = 0; i < words.size(); ++i)
        if (words[i] == s->get()) { v = int(i); ok = true; }
    }
    if (!ok) {
      std::string got = s ? s->get() : toml_repr(*n);
      error_at(*n, fmt::format("'{}' is {}, expected one of: {}{}", c.key_path(key),
                               s ? "\"" + got + "\"" : got, names, did_you_mean(got, words)));
    }
  }
  resolve(c, key, toml_string(words[size_t(v)]));
  return v;
}

Day Reader::date(const Ctx& c, std::string_view key, std::optional<Day> def) {
  Day v = def.value_or(0);
  const toml::node* n = find(c, key);
  if (n) {
    if (auto d = n->as_date()) {
      const toml::date& x = d->get();
      std::chrono::year_month_day ymd{std::chrono::year{x.year}, std::chrono::month{x.month},
                                      std::chrono::day{x.day}};
      v = static_cast<Day>(std::chrono::sys_days{ymd}.time_since_epoch().count());
    } else if (auto s = n->as_string()) {
      try {
        v = parse_day(s->get());
      } catch (const std::invalid_argument& e) {
        error_at(*n, fmt::format("'{}': {}", c.key_path(key), e.what()));
      }
    } else {
      error_at(*n, fmt::format("'{}' should be a date (YYYY-MM-DD), got {}", c.key_path(key),
                               toml_repr(*n)));
    }
  } else if (!def) {
    error(c.where, fmt::format("missing required key '{}' (a date, YYYY-MM-DD)", c.key_path(key)));
  }
  resolve(c, key, format_day(v));
  return v;
}

Eigen::VectorXd Reader::vector(const Ctx& c, std::string_view key, int dims, double lo,
                               double hi) {
  Eigen::VectorXd v = Eigen::VectorXd::Zero(dims);
  if (const toml::node* n = find(c, key)) {
    const toml::array* a = n->as_array();
    if (!a || static_cast<int>(a->size()) != dims) {
      error_at(*n, fmt::format("'{}' should be an array of {} numbers (one per policy "
                               "dimension), got {}", c.key_path(key), dims, toml_repr(*n)));
    } else {
      for (int i = 0; i < dims; ++i) {
        auto x = (*a)[size_t(i)].value<double>();
        if (!x || !(*a)[size_t(i)].is_number() || !in_domain(*x, lo, hi)) {
          error_at((*a)[size_t(i)], fmt::format("'{}[{}]' should be a number in [{}, {}]{}",
                                                c.key_path(key), i, lo, hi,
                                                x ? finite_note(*x) : ""));
        } else {
          v[i] = *x;
        }
      }
    }
  }
  resolve(c, key, toml_numbers(std::vector<double>(v.data(), v.data() + v.size())));
  return v;
}

std::vector<double> Reader::shares(const Ctx& c, std::string_view key,
                                   const std::vector<std::string>& ids, const std::string& extra,
                                   bool required, const std::string& what) {
  size_t n_out = ids.size() + (extra.empty() ? 0 : 1);
  std::vector<double> v(n_out, 0.0);
  const toml::node* n = find(c, key);
  if (!n) {
    if (required) error(c.where, fmt::format("missing required key '{}' (shares by {})",
                                             c.key_path(key), what));
    for (size_t i = 0; i < ids.size(); ++i) v[i] = 1.0 / double(ids.size());
  } else if (const toml::table* t = n->as_table()) {
    opaque_.insert(n);
    double sum = 0;
    std::vector<std::string> known = ids;
    if (!extra.empty()) known.push_back(extra);
    for (auto&& [k, x] : *t) {
      auto it = std::find(known.begin(), known.end(), std::string(k.str()));
      if (it == known.end()) {
        error_at(x, fmt::format("'{}.{}': unknown {} '{}'{}", c.key_path(key), k.str(), what,
                                k.str(), did_you_mean(std::string(k.str()), known)));
        continue;
      }
      auto val = x.value<double>();
      if (!val || !x.is_number() || !in_domain(*val, 0, 1)) {
        error_at(x, fmt::format("'{}.{}' should be a share in [0, 1], got {}{}", c.key_path(key),
                                k.str(), toml_repr(x), val ? finite_note(*val) : ""));
        continue;
      }
      v[size_t(it - known.begin())] = *val;
      sum += *val;
    }
    if (!(std::abs(sum - 1.0) <= 1e-6))
      error_at(*n, fmt::format("'{}': shares sum to {:.6g}, expected 1", c.key_path(key), sum));
  } else {
    error_at(*n, fmt::format("'{}' should be a table of shares like {{ {} = 0.5, ... }}",
                             c.key_path(key), ids.empty() ? "x" : ids[0]));
  }
  std::string s = "{ ";
  for (size_t i = 0; i < n_out; ++i)
    s += fmt::format("{}{} = {}", i ? ", " : "", toml_key(i < ids.size() ? ids[i] : extra),
                     toml_number(v[i]));
  resolve(c, key, s + " }");
  return v;
}

std::vector<std::string> Reader::strings(const Ctx& c, std::string_view key,
                                         std::vector<const toml::node*>* nodes) {
  std::vector<std::string> out;
  if (const toml::node* n = find(c, key)) {
    if (const toml::array* a = n->as_array()) {
      for (const auto& x : *a) {
        if (auto s = x.as_string()) {
          out.push_back(s->get());
          if (nodes) nodes->push_back(&x);
        } else {
          error_at(x, fmt::format("'{}' should contain strings, got {}", c.key_path(key),
                                  toml_repr(x)));
        }
      }
    } else {
      error_at(*n, fmt::format("'{}' should be an array of strings", c.key_path(key)));
    }
  }
  resolve(c, key, toml_strings(out));
  return out;
}

std::vector<double> Reader::regional(const Ctx& c, std::string_view key,
                                     const std::vector<std::string>& regions, double def,
                                     double lo, double hi, const std::string& unit) {
  std::vector<double> out(regions.size(), def);
  if (const toml::node* n = find(c, key)) {
    opaque_.insert(n);
    if (const toml::table* t = n->as_table()) {
      for (auto&& [k, v] : *t) {
        auto it = std::find(regions.begin(), regions.end(), std::string(k.str()));
        auto x = v.value<double>();
        if (it == regions.end())
          error_at(v, fmt::format("'{}.{}': unknown region{}", c.key_path(key), k.str(),
                                  did_you_mean(std::string(k.str()), regions)));
        else if (!x || !v.is_number() || !in_domain(*x, lo, hi))
          error_at(v, fmt::format("'{}.{}' should be a number in [{}, {}] ({}){}", c.key_path(key),
                                  k.str(), lo, hi, unit, x ? finite_note(*x) : ""));
        else
          out[size_t(it - regions.begin())] = *x;
      }
    } else {
      error_at(*n, fmt::format("'{}' should be a table like {{ London = 1.0 }}", c.key_path(key)));
    }
  }
  resolve_table(c, key);
  return out;
}

void Reader::report_unknown(const toml::table& root, const std::string& path) {
  for (auto&& [k, v] : root) {
    std::string p = path.empty() ? std::string(k.str()) : path + "." + std::string(k.str());
    if (!seen_.count(&v)) {
      std::vector<std::string> known;
      if (auto it = asked_.find(&root); it != asked_.end()) known = it->second;
      error_at(v, fmt::format("unknown key '{}'{}", p, did_you_mean(std::string(k.str()), known)));
      continue;
    }
    if (opaque_.count(&v)) continue;
    if (auto t = v.as_table()) report_unknown(*t, p);
  }
}

int Reader::file_rank(const std::string& f) const {
  for (size_t i = 0; i < files_.size(); ++i)
    if (files_[i] == f) return int(i);
  return int(files_.size());
}

}  // namespace leadsim::detail
