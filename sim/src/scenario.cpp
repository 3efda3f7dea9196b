// scenario.cpp: reading a scenario file into a checked Scenario.
//
// The loader is a Reader walked over the TOML tree: each read names the key, its default, its
// domain and its documentation. That one call (1) checks the value and records a diagnostic if it
// is wrong, (2) records the value in force for the manifest, (3) documents the key for
// `leadsim keys`, and (4) marks the node as understood, so that anything left unmarked afterwards
// is an unknown key (reported with a did-you-mean).
#include "leadsim/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <toml++/toml.h>
#include <unordered_map>
#include <unordered_set>

#include "leadsim/random.hpp"
#include "leadsim/sha256.hpp"
#include "scenario_files.hpp"
#include "text.hpp"

namespace leadsim {

namespace fs = std::filesystem;

const char* section_id(Section s) {
  switch (s) {
    case Section::member: return "member";
    case Section::registered: return "registered";
    case Section::affiliated: return "affiliated";
    case Section::mp: return "mp";
  }
  return "?";
}

const char* targeting_id(Targeting t) {
  switch (t) {
    case Targeting::proportional: return "proportional";
    case Targeting::uniform: return "uniform";
    case Targeting::named: return "named";
    case Targeting::top_covariate: return "top_covariate";
    case Targeting::random_selected: return "random_selected";
  }
  return "?";
}

std::string Diagnostic::str() const {
  // A command-line override has no file; its "line" is an artefact of parsing the value.
  if (line > 0 && file.rfind("--set", 0) != 0) return fmt::format("{}:{}:{}: error: {}", file, line, column, message);
  return fmt::format("{}: error: {}", file, message);
}

static std::string join_diagnostics(const std::vector<Diagnostic>& d) {
  std::string s;
  for (const auto& x : d) s += x.str() + "\n";
  return s;
}

InputError::InputError(std::vector<Diagnostic> d)
    : std::runtime_error(join_diagnostics(d)), diagnostics_(std::move(d)) {}

int Scenario::candidate_index(const std::string& id) const {
  for (size_t i = 0; i < candidates.size(); ++i)
    if (candidates[i].id == id) return static_cast<int>(i);
  return -1;
}

int Scenario::clp_index(const std::string& n) const {
  for (size_t i = 0; i < clps.size(); ++i)
    if (clps[i].name == n) return static_cast<int>(i);
  return -1;
}

std::int64_t Scenario::agents() const {
  std::int64_t n = 0;
  for (const auto& w : waves) n += w.size;
  return n;
}

Day parse_day(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%d%c", &y, &m, &d, &tail) != 3)
    throw std::invalid_argument("expected a date YYYY-MM-DD, got '" + iso + "'");
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                  std::chrono::day{unsigned(d)}};
  if (!ymd.ok()) throw std::invalid_argument("no such date: '" + iso + "'");
  return static_cast<Day>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

double estimated_bytes(std::int64_t agents, int dims, int candidates) {
  // Population arrays (see population.hpp) plus synthesis scratch of the same size again.
  return 2.0 * double(agents) * (30.0 + 4.0 * (dims + 2 * candidates));
}

std::string format_day(Day d) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{d}}};
  return fmt::format("{:04d}-{:02d}-{:02d}", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()));
}

namespace {

struct Place {
  std::string file;
  int line = 0, column = 0;
};

Place place_of(const toml::node& n) {
  const auto& src = n.source();
  Place p;
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

// A position in the tree being read: the table (may be null when absent), its dotted path, and
// the documentation path (with <id> in place of entry names).
struct Ctx {
  const toml::table* table = nullptr;
  std::string path;
  std::string doc;
  Place where;  // where the table starts (for "missing key" messages)

  std::string key_path(std::string_view key) const {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
  std::string doc_path(std::string_view key) const {
    return doc.empty() ? std::string(key) : doc + "." + std::string(key);
  }
};

class Reader {
 public:
  Reader(std::vector<Diagnostic>& diags, std::vector<ResolvedParam>& resolved,
         std::vector<KeyDoc>& docs)
      : diags_(diags), resolved_(resolved), docs_(docs) {}

  void error(const Place& p, std::string msg) {
    diags_.push_back({p.file, p.line, p.column, std::move(msg)});
  }
  void error_at(const toml::node& n, std::string msg) { error(place_of(n), std::move(msg)); }

  // Looks a key up and marks it understood. Returns null when absent.
  const toml::node* find(const Ctx& c, std::string_view key) {
    asked_[c.table].push_back(std::string(key));
    if (!c.table) return nullptr;
    const toml::node* n = c.table->get(key);
    if (n) seen_.insert(n);
    return n;
  }

  void document(const Ctx& c, std::string_view key, std::string type, std::string def,
                std::string unit, std::string meaning) {
    std::string p = c.doc_path(key);
    if (documented_.insert(p).second)
      docs_.push_back({p, std::move(type), std::move(def), std::move(unit), std::move(meaning)});
  }

  void resolve(const Ctx& c, std::string_view key, std::string value) {
    resolved_.push_back({c.key_path(key), std::move(value)});
  }

  // A sub-table (absent is fine: everything in it takes its default).
  Ctx table(const Ctx& c, std::string_view key, std::string_view doc_key = {}) {
    Ctx sub;
    sub.path = c.key_path(key);
    sub.doc = c.doc_path(doc_key.empty() ? key : doc_key);
    sub.where = c.where;
    if (const toml::node* n = find(c, key)) {
      if (auto t = n->as_table()) {
        sub.table = t;
        sub.where = place_of(*n);
      } else {
        error_at(*n, fmt::format("'{}' should be a table", sub.path));
      }
    }
    return sub;
  }

  // Entries of a keyed table such as [candidates.X], in file order.
  std::vector<std::pair<std::string, Ctx>> entries(const Ctx& c, std::string_view key,
                                                   std::string_view doc_key) {
    Ctx parent = table(c, key);
    std::vector<std::tuple<int, int, std::string, Ctx>> out;
    if (parent.table) {
      for (auto&& [k, v] : *parent.table) {
        seen_.insert(&v);
        Ctx e;
        e.path = parent.key_path(k.str());
        e.doc = std::string(doc_key);
        e.where = place_of(v);
        if (auto t = v.as_table()) e.table = t;
        else {
          error_at(v, fmt::format("'{}' should be a table", e.path));
          continue;
        }
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

  double number(const Ctx& c, std::string_view key, double def, double lo, double hi,
                std::string unit, std::string meaning, bool lo_open = false) {
    std::string range = lo_open ? fmt::format("({}, {}]", lo, fmt_bound(hi))
                                : fmt::format("[{}, {}]", lo, fmt_bound(hi));
    document(c, key, "number " + range, fmt::format("{}", def), unit, meaning);
    double v = def;
    if (const toml::node* n = find(c, key)) {
      if (auto x = n->value<double>(); x && n->is_number()) {
        v = *x;
        bool bad = !std::isfinite(v) || v > hi || (lo_open ? v <= lo : v < lo);
        if (bad) {
          error_at(*n, fmt::format("'{}' is {}, expected a number in {}{}", c.key_path(key), v,
                                   range, unit.empty() ? "" : " (" + unit + ")"));
          v = def;
        }
      } else {
        error_at(*n, fmt::format("'{}' should be a number ({}), got {}", c.key_path(key), unit,
                                 toml_repr(*n)));
      }
    }
    resolve(c, key, fmt::format("{}", v));
    return v;
  }

  double probability(const Ctx& c, std::string_view key, double def, std::string meaning) {
    return number(c, key, def, 0, 1, "probability", std::move(meaning));
  }

  std::int64_t integer(const Ctx& c, std::string_view key, std::int64_t def, std::int64_t lo,
                       std::int64_t hi, std::string unit, std::string meaning) {
    document(c, key, fmt::format("integer [{}, {}]", lo, hi), fmt::format("{}", def), unit,
             meaning);
    std::int64_t v = def;
    if (const toml::node* n = find(c, key)) {
      if (auto x = n->as_integer()) {
        v = x->get();
        if (v < lo || v > hi) {
          error_at(*n, fmt::format("'{}' is {}, expected an integer in [{}, {}] ({})",
                                   c.key_path(key), v, lo, hi, unit));
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

  bool boolean(const Ctx& c, std::string_view key, bool def, std::string meaning) {
    document(c, key, "bool", def ? "true" : "false", "", meaning);
    bool v = def;
    if (const toml::node* n = find(c, key)) {
      if (auto x = n->as_boolean()) v = x->get();
      else error_at(*n, fmt::format("'{}' should be true or false, got {}", c.key_path(key),
                                    toml_repr(*n)));
    }
    resolve(c, key, v ? "true" : "false");
    return v;
  }

  std::string text(const Ctx& c, std::string_view key, std::string def, std::string meaning) {
    document(c, key, "string", def.empty() ? "\"\"" : "\"" + def + "\"", "", meaning);
    std::string v = def;
    if (const toml::node* n = find(c, key)) {
      if (auto x = n->as_string()) v = x->get();
      else error_at(*n, fmt::format("'{}' should be a string, got {}", c.key_path(key),
                                    toml_repr(*n)));
    }
    resolve(c, key, "\"" + v + "\"");
    return v;
  }

  // One of a fixed set of words.
  template <class E>
  E choice(const Ctx& c, std::string_view key, E def,
           const std::vector<std::pair<std::string, E>>& options, std::string meaning) {
    std::string def_name, names;
    for (const auto& [n, e] : options) {
      if (e == def) def_name = n;
      names += (names.empty() ? "" : ", ") + n;
    }
    document(c, key, "one of: " + names, "\"" + def_name + "\"", "", meaning);
    E v = def;
    std::string vname = def_name;
    if (const toml::node* n = find(c, key)) {
      auto s = n->as_string();
      bool ok = false;
      if (s) {
        for (const auto& [name, e] : options)
          if (name == s->get()) { v = e; vname = name; ok = true; }
      }
      if (!ok) {
        std::vector<std::string> words;
        for (const auto& o : options) words.push_back(o.first);
        std::string got = s ? s->get() : toml_repr(*n);
        error_at(*n, fmt::format("'{}' is {}, expected one of: {}{}", c.key_path(key),
                                 s ? "\"" + got + "\"" : got, names,
                                 did_you_mean(got, words)));
      }
    }
    resolve(c, key, "\"" + vname + "\"");
    return v;
  }

  Day date(const Ctx& c, std::string_view key, std::optional<Day> def, std::string meaning) {
    document(c, key, "date", def ? format_day(*def) : "required", "date", meaning);
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

  // A fixed-length vector of numbers (a position in policy space).
  Eigen::VectorXd vector(const Ctx& c, std::string_view key, int dims, double lo, double hi,
                         std::string meaning) {
    document(c, key, fmt::format("array of numbers in [{}, {}], one per dimension", lo, hi),
             "zeros", "policy units", meaning);
    Eigen::VectorXd v = Eigen::VectorXd::Zero(dims);
    if (const toml::node* n = find(c, key)) {
      const toml::array* a = n->as_array();
      if (!a || static_cast<int>(a->size()) != dims) {
        error_at(*n, fmt::format("'{}' should be an array of {} numbers (one per policy "
                                 "dimension), got {}", c.key_path(key), dims, toml_repr(*n)));
      } else {
        for (int i = 0; i < dims; ++i) {
          auto x = (*a)[size_t(i)].value<double>();
          if (!x || !(*a)[size_t(i)].is_number() || *x < lo || *x > hi) {
            error_at((*a)[size_t(i)], fmt::format("'{}[{}]' should be a number in [{}, {}]",
                                                  c.key_path(key), i, lo, hi));
          } else {
            v[i] = *x;
          }
        }
      }
    }
    std::string s = "[";
    for (int i = 0; i < dims; ++i) s += (i ? ", " : "") + fmt::format("{}", v[i]);
    resolve(c, key, s + "]");
    return v;
  }

  // Shares over named things (factions, candidates...) that must sum to 1. `extra` names an
  // optional additional slot (e.g. "none") placed last.
  std::vector<double> shares(const Ctx& c, std::string_view key, const std::vector<std::string>& ids,
                             const std::string& extra, bool required, std::string what,
                             std::string meaning) {
    document(c, key, fmt::format("table of shares by {} id, summing to 1{}", what,
                                 extra.empty() ? "" : " (\"" + extra + "\" allowed)"),
             required ? "required" : "equal shares", "share", meaning);
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
        if (!val || !x.is_number() || *val < 0 || *val > 1) {
          error_at(x, fmt::format("'{}.{}' should be a share in [0, 1], got {}", c.key_path(key),
                                  k.str(), toml_repr(x)));
          continue;
        }
        v[size_t(it - known.begin())] = *val;
        sum += *val;
      }
      if (std::abs(sum - 1.0) > 1e-6)
        error_at(*n, fmt::format("'{}': shares sum to {:.6g}, expected 1", c.key_path(key), sum));
    } else {
      error_at(*n, fmt::format("'{}' should be a table of shares like {{ {} = 0.5, ... }}",
                               c.key_path(key), ids.empty() ? "x" : ids[0]));
    }
    std::string s = "{ ";
    for (size_t i = 0; i < n_out; ++i)
      s += fmt::format("{}{} = {}", i ? ", " : "", i < ids.size() ? ids[i] : extra, v[i]);
    resolve(c, key, s + " }");
    return v;
  }

  // A list of strings, each checked by `check` (returns an index or -1 with its own message).
  std::vector<std::string> strings(const Ctx& c, std::string_view key, std::string meaning,
                                   std::vector<const toml::node*>* nodes = nullptr) {
    document(c, key, "array of strings", "[]", "", meaning);
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
    std::string s = "[";
    for (size_t i = 0; i < out.size(); ++i) s += (i ? ", \"" : "\"") + out[i] + "\"";
    resolve(c, key, s + "]");
    return out;
  }

  // After reading: report every key in the tree that no read asked for.
  void report_unknown(const toml::table& root, const std::string& path = "") {
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

  void set_file_order(std::vector<std::string> files) { files_ = std::move(files); }

  // A table of numbers by region name ({ London = 0.4 }): one value per region, `def` where absent.
  std::vector<double> regional(const Ctx& c, std::string_view key,
                               const std::vector<std::string>& regions, double def, double lo,
                               double hi, std::string unit, std::string meaning) {
    document(c, key, fmt::format("table region -> number in [{}, {}]", lo, hi), "{}", unit, meaning);
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
          else if (!x || !v.is_number() || *x < lo || *x > hi)
            error_at(v, fmt::format("'{}.{}' should be a number in [{}, {}] ({})", c.key_path(key),
                                    k.str(), lo, hi, unit));
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

  // A node read as a whole by its caller: its children are not unknown keys.
  void mark_opaque(const toml::node* n) { opaque_.insert(n); }

  // Records a whole table's value in force (for tables read entry by entry).
  void resolve_table(const Ctx& parent, std::string_view key) {
    const toml::node* n = parent.table ? parent.table->get(key) : nullptr;
    resolve(parent, key, n ? toml_repr(*n) : "{}");
  }

 private:
  static std::string fmt_bound(double hi) {
    return std::isinf(hi) ? std::string("inf") : fmt::format("{}", hi);
  }
  int file_rank(const std::string& f) const {
    for (size_t i = 0; i < files_.size(); ++i)
      if (files_[i] == f) return int(i);
    return int(files_.size());
  }

  std::vector<Diagnostic>& diags_;
  std::vector<ResolvedParam>& resolved_;
  std::vector<KeyDoc>& docs_;
  std::unordered_set<const toml::node*> seen_, opaque_;
  std::unordered_map<const toml::table*, std::vector<std::string>> asked_;
  std::set<std::string> documented_;
  std::vector<std::string> files_;
};

// ---------------------------------------------------------------------------------------------
// Files: parsing, includes, overrides.

toml::table parse_toml_file(const std::string& path, std::vector<Diagnostic>& diags,
                            std::string& bytes) {
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) {
    diags.push_back({path, 0, 0, "is not a file (a scenario is a .toml file)"});
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.push_back({path, 0, 0, "cannot open the file (does it exist, and is it readable?)"});
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  bytes = ss.str();
  try {
    return toml::parse(bytes, path);
  } catch (const toml::parse_error& e) {
    diags.push_back({path, int(e.source().begin.line), int(e.source().begin.column),
                     "TOML syntax: " + std::string(e.description())});
    return {};
  }
}

// Overlays `top` onto `base`: tables merge key by key, anything else replaces. Nodes are moved,
// not copied: a copied toml++ node forgets where it came from, and messages need file:line.
void merge_into(toml::table& base, toml::table&& top) {
  for (auto&& [k, v] : top) {
    toml::node* existing = base.get(k.str());
    // An inline table is one value ({ a = 0.4, b = 0.6 }): it replaces, it does not merge.
    if (existing && existing->is_table() && v.is_table() && !v.as_table()->is_inline()) {
      merge_into(*existing->as_table(), std::move(*v.as_table()));
    } else {
      base.insert_or_assign(k, std::move(v));
    }
  }
}

// Loads a file and, recursively, what it includes (the file's own keys win).
toml::table load_with_includes(const std::string& path, std::vector<Diagnostic>& diags,
                               std::vector<std::string>& files, std::vector<std::string>& hashes,
                               int depth) {
  std::string bytes;
  toml::table t = parse_toml_file(path, diags, bytes);
  toml::table result;
  if (toml::node* inc = t.get("include")) {
    std::vector<const toml::node*> names;
    if (inc->is_string()) names.push_back(inc);
    else if (auto a = inc->as_array()) for (const auto& x : *a) names.push_back(&x);
    for (const toml::node* n : names) {
      auto s = n->as_string();
      if (!s) {
        diags.push_back({path, int(n->source().begin.line), int(n->source().begin.column),
                         "'include' should be a file name or an array of file names"});
        continue;
      }
      fs::path inc_path = fs::path(path).parent_path() / s->get();
      if (depth > 8) {
        diags.push_back({path, int(n->source().begin.line), int(n->source().begin.column),
                         "includes nest more than 8 deep (an include cycle?)"});
        continue;
      }
      if (!fs::exists(inc_path)) {
        diags.push_back({path, int(n->source().begin.line), int(n->source().begin.column),
                         fmt::format("included file '{}' does not exist", inc_path.string())});
        continue;
      }
      merge_into(result, load_with_includes(inc_path.string(), diags, files, hashes, depth + 1));
    }
    t.erase("include");
  }
  files.push_back(path);
  hashes.push_back(sha256_hex(bytes));
  merge_into(result, std::move(t));
  return result;
}

// Applies "a.b.c=value" to the tree.
void apply_override(toml::table& root, const std::string& spec, std::vector<Diagnostic>& diags) {
  auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    diags.push_back({"--set", 0, 0, fmt::format("'{}' should be path=value, e.g. "
                                                "meetings.chair_bias=0.3", spec)});
    return;
  }
  std::string path = trim(spec.substr(0, eq)), value = trim(spec.substr(eq + 1));
  std::string origin = "--set " + path;
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value, origin);
  } catch (const toml::parse_error&) {
    // A bare word is a string: --set rules.final_ballot.method=plurality.
    std::string quoted = "v = \"";
    for (char ch : value) quoted += (ch == '"' || ch == '\\') ? std::string("\\") + ch : std::string(1, ch);
    parsed = toml::parse(quoted + "\"", origin);
  }
  std::vector<std::string> parts = split(path, '.');
  toml::table* t = &root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    toml::node* n = t->get(parts[i]);
    if (!n) {
      t->insert_or_assign(parts[i], toml::table{});
      n = t->get(parts[i]);
    }
    if (!n->is_table()) {
      diags.push_back({"--set", 0, 0, fmt::format("'{}': '{}' is a value, not a table", path,
                                                  parts[i])});
      return;
    }
    t = n->as_table();
  }
  t->insert_or_assign(parts.back(), std::move(*parsed.get("v")));
}

// ---------------------------------------------------------------------------------------------
// CLPs.

void read_clps(Reader& r, const Ctx& root, const std::string& scenario_path, Scenario& s,
               std::vector<Diagnostic>& diags) {
  Ctx c = r.table(root, "clps");
  std::string file = r.text(c, "file", "", "CSV of constituencies (name, nation, region, numeric "
                                           "columns); path relative to the scenario file. Empty: "
                                           "generate `count` CLPs");
  auto nations = r.strings(c, "nations", "Keep only rows whose `nation` is listed (empty: all)");
  std::string weight = r.text(c, "weight", "equal", "Column giving each CLP's relative "
                                                    "membership size, or \"equal\"");
  double power = r.number(c, "weight_power", 1.0, 0, 4, "exponent",
                          "Relative size = column^power (above 1 concentrates members)");
  std::string covariate = r.text(c, "covariate", "none",
                                 "Numeric column (or \"lab_share\" = lab/valid_votes) used as the "
                                 "CLP covariate; standardised; \"none\" for zero");
  std::string winner_col = r.text(c, "held_column", "winner", "Column naming the seat's winner");
  std::string held_value = r.text(c, "held_value", "Lab", "Value of held_column meaning the "
                                                          "party holds the seat (it has an MP)");
  std::int64_t count = r.integer(c, "count", 40, 1, 5000, "CLPs",
                                 "Generated CLPs when no file is given");
  double size_sd = r.number(c, "size_sd", 0.5, 0, 3, "log units",
                            "Generated CLPs: sd of log relative size");
  double held_share = r.probability(c, "held_share", 0.4,
                                    "Generated CLPs: probability each has a party MP");

  std::vector<double> cov;
  if (file.empty()) {
    Stream g(name_hash("generated-clps"));
    s.regions = {"All"};
    for (std::int64_t i = 0; i < count; ++i) {
      Clp clp;
      clp.name = fmt::format("CLP {}", i + 1);
      clp.nation = "All";
      // Box-Muller from the fixed stream: the generated set is part of the scenario, not the run.
      double u1 = std::max(g.uniform(), 1e-12), u2 = g.uniform();
      double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
      double z2 = std::sqrt(-2 * std::log(u1)) * std::sin(2 * M_PI * u2);
      clp.weight = std::exp(size_sd * z);
      cov.push_back(z2);
      clp.labour_held = g.uniform() < held_share;
      s.clps.push_back(clp);
    }
  } else {
    // Relative to the file that names it (an including file may live elsewhere).
    std::string base = scenario_path;
    if (const toml::node* n = c.table ? c.table->get("file") : nullptr; n && n->source().path)
      base = *n->source().path;
    fs::path p = fs::path(base).parent_path() / file;
    CsvTable csv;
    if (!read_csv(p.string(), "CLP file", csv, diags)) return;
    auto col = [&](const std::string& name) -> int {
      auto it = std::find(csv.header.begin(), csv.header.end(), name);
      return it == csv.header.end() ? -1 : int(it - csv.header.begin());
    };
    int c_name = col("name"), c_nation = col("nation"), c_region = col("region");
    if (c_name < 0 || c_nation < 0 || c_region < 0) {
      diags.push_back({p.string(), 1, 1, "the CLP file needs columns name, nation and region"});
      return;
    }
    auto numeric_col = [&](const std::string& name, const char* what) -> int {
      if (name == "equal" || name == "none" || name == "lab_share") return -1;
      int i = col(name);
      if (i < 0)
        diags.push_back({p.string(), 1, 1, fmt::format("no column '{}' for {}{}", name, what,
                                                       did_you_mean(name, csv.header))});
      return i;
    };
    int c_weight = numeric_col(weight, "clps.weight");
    int c_cov = numeric_col(covariate, "clps.covariate");
    int c_lab = col("lab"), c_valid = col("valid_votes"), c_win = col(winner_col);
    if (covariate == "lab_share" && (c_lab < 0 || c_valid < 0))
      diags.push_back({p.string(), 1, 1, "covariate lab_share needs columns lab and valid_votes"});
    auto num = [&](size_t row, int column, double& out) {
      const std::string& f = csv.rows[row][size_t(column)];
      char* end = nullptr;
      out = std::strtod(f.c_str(), &end);
      if (f.empty() || *end != 0 || !std::isfinite(out) || out < 0) {
        diags.push_back({p.string(), csv.lines[row], 1,
                         fmt::format("column '{}' should be a non-negative number, got '{}'",
                                     csv.header[size_t(column)], f)});
        return false;
      }
      return true;
    };
    for (size_t i = 0; i < csv.rows.size(); ++i) {
      const auto& row = csv.rows[i];
      if (!nations.empty() &&
          std::find(nations.begin(), nations.end(), row[size_t(c_nation)]) == nations.end())
        continue;
      Clp clp;
      clp.name = row[size_t(c_name)];
      clp.nation = row[size_t(c_nation)];
      const std::string& region = row[size_t(c_region)];
      auto it = std::find(s.regions.begin(), s.regions.end(), region);
      if (it == s.regions.end()) {
        s.regions.push_back(region);
        it = s.regions.end() - 1;
      }
      clp.region = int(it - s.regions.begin());
      double w = 1, x = 0;
      if (c_weight >= 0 && !num(i, c_weight, w)) continue;
      if (weight == "lab_share") {
        double lab = 0, valid = 0;
        if (!num(i, c_lab, lab) || !num(i, c_valid, valid)) continue;
        w = valid > 0 ? lab / valid : 0;
      }
      clp.weight = std::pow(w, power);
      if (c_cov >= 0 && !num(i, c_cov, x)) continue;
      if (covariate == "lab_share" && c_lab >= 0 && c_valid >= 0) {
        double lab = 0, valid = 0;
        if (!num(i, c_lab, lab) || !num(i, c_valid, valid)) continue;
        x = valid > 0 ? lab / valid : 0;
      }
      cov.push_back(x);
      clp.labour_held = c_win >= 0 && row[size_t(c_win)] == held_value;
      s.clps.push_back(clp);
    }
    if (s.clps.empty())
      diags.push_back({p.string(), 0, 0, "no CLPs left after filtering by clps.nations"});
  }
  // Regional multipliers on size: the party's membership is not spread like its vote.
  const std::vector<double> region_weight =
      r.regional(c, "region_weight", s.regions, 1.0, 0, 100, "multiplier",
                 "Multiply the relative size of CLPs in a region (e.g. { London = 1.5 })");
  for (auto& clp : s.clps) clp.weight *= region_weight[size_t(clp.region)];
  // Standardise the covariate so effects are per standard deviation.
  if (!cov.empty()) {
    double mean = 0, var = 0;
    for (double x : cov) mean += x;
    mean /= double(cov.size());
    for (double x : cov) var += (x - mean) * (x - mean);
    double sd = std::sqrt(var / double(cov.size()));
    for (size_t i = 0; i < s.clps.size(); ++i)
      s.clps[i].covariate = covariate == "none" || sd == 0 ? 0.0 : (cov[i] - mean) / sd;
  }
  double total_weight = 0;
  for (const auto& clp : s.clps) total_weight += clp.weight;
  if (!s.clps.empty() && total_weight <= 0)
    diags.push_back({c.where.file, c.where.line, c.where.column,
                     "every CLP has zero weight: the members have nowhere to live"});
}

}  // namespace


// The number of MPs (and MEPs) the parliamentary party will have (parliament.cpp draws them).
static int parliament_size(const Scenario& s, bool with_meps) {
  int held = 0;
  for (const auto& c : s.clps) held += c.labour_held;
  const int mps = s.mps.count > 0 ? s.mps.count + s.mps.extra_mps : held + s.mps.extra_mps;
  return mps + (with_meps ? s.mps.meps : 0);
}

// [rules]: the rulebook (rulebook.hpp), read and checked for stages that cannot run in order.
static void read_rules(Reader& r, const Ctx& top, Scenario& s, const std::vector<std::string>&) {
  Ctx rc = r.table(top, "rules");
  Rulebook& rb = s.rules;
  const std::vector<std::pair<std::string, Stage>> kinds = {
      {"mp_nominations", Stage::mp_nominations},
      {"clp_nominations", Stage::clp_nominations},
      {"affiliate_nominations", Stage::affiliate_nominations},
      {"supporting_nominations", Stage::supporting_nominations},
      {"mp_ballot", Stage::mp_ballot},
      {"final_ballot", Stage::final_ballot}};
  std::vector<const toml::node*> nodes;
  const bool stages_given = rc.table && rc.table->get("stages");
  std::vector<std::string> names =
      r.strings(rc, "stages",
                "The contest's stages in the order they run: mp_nominations, clp_nominations, "
                "affiliate_nominations, supporting_nominations, mp_ballot, final_ballot (last). "
                "Default: mp_nominations, clp_nominations, affiliate_nominations, final_ballot",
                &nodes);
  const Place where = rc.table && rc.table->get("stages") ? place_of(*rc.table->get("stages"))
                                                          : rc.where;
  if (stages_given) {
    rb.stages.clear();
    std::vector<std::string> words;
    for (const auto& [n, k] : kinds) words.push_back(n);
    for (size_t i = 0; i < names.size(); ++i) {
      auto it = std::find_if(kinds.begin(), kinds.end(), [&](auto& k) { return k.first == names[i]; });
      if (it == kinds.end()) {
        r.error_at(*nodes[i], fmt::format("'rules.stages': unknown stage \"{}\", expected one of: "
                                          "mp_nominations, clp_nominations, "
                                          "affiliate_nominations, supporting_nominations, "
                                          "mp_ballot, final_ballot{}",
                                          names[i], did_you_mean(names[i], words)));
      } else if (rb.has(it->second)) {
        r.error_at(*nodes[i], fmt::format("'rules.stages': stage \"{}\" is listed twice", names[i]));
      } else {
        rb.stages.push_back(it->second);
      }
    }
  }

  Ctx mn = r.table(rc, "mp_nominations");
  MpNominationRules& mr = rb.mp_nominations;
  mr.threshold = r.number(mn, "threshold", 0.2, 0, 1, "share of MPs (+MEPs)",
                          "Nominations a candidate needs, as a share of the electorate", true);
  mr.threshold_count = int(r.integer(mn, "threshold_count", 0, 0, 2000, "nominations",
                                     "If > 0: nominations needed as a number (overrides "
                                     "threshold)"));
  mr.include_meps = r.boolean(mn, "include_meps", true, "MEPs nominate and count in the electorate");
  mr.incumbent_exempt = r.boolean(mn, "incumbent_exempt", true,
                                  "The incumbent stands without nominations");
  mr.max_per_mp = int(r.integer(mn, "max_per_mp", 1, 1, kMaxCandidates, "candidates",
                                "Candidates one MP may nominate (their top choices)"));

  Ctx sn = r.table(rc, "supporting_nominations");
  SupportingRules& sr = rb.supporting;
  sr.clp_share = r.number(sn, "clp_share", 0.05, 0, 1, "share of CLPs",
                          "Route 1: nominations from this share of CLPs (0 closes the route)");
  sr.affiliates = int(r.integer(sn, "affiliates", 3, 0, 100, "affiliates",
                                "Route 2: nominations from this many affiliates (0 closes it)"));
  sr.affiliate_unions = int(r.integer(sn, "affiliate_unions", 2, 0, 100, "unions",
                                      "Route 2: of which at least this many are unions"));
  sr.affiliate_share = r.probability(sn, "affiliate_share", 0.05,
                                     "Route 2: together covering this share of the affiliated "
                                     "membership");
  sr.incumbent_exempt = r.boolean(sn, "incumbent_exempt", true,
                                  "The incumbent needs no supporting nominations");

  Ctx mb = r.table(rc, "mp_ballot");
  MpBallotRules& br = rb.mp_ballot;
  r.document(mb, "minimum_votes", "array of integers", "[]", "MPs' votes",
             "Per round (first = round 1): candidates with fewer votes are eliminated");
  if (const toml::node* n = r.find(mb, "minimum_votes")) {
    const toml::array* a = n->as_array();
    if (!a) r.error_at(*n, "'rules.mp_ballot.minimum_votes' should be an array of integers, e.g. [17, 33]");
    for (size_t i = 0; a && i < a->size(); ++i) {
      auto x = (*a)[i].as_integer();
      if (!x || x->get() < 0)
        r.error_at((*a)[i], "'rules.mp_ballot.minimum_votes' should hold non-negative integers");
      else
        br.minimum_votes.push_back(int(x->get()));
    }
  }
  {
    std::string v = "[";
    for (size_t i = 0; i < br.minimum_votes.size(); ++i) v += (i ? ", " : "") + std::to_string(br.minimum_votes[i]);
    r.resolve(mb, "minimum_votes", v + "]");
  }
  br.withdraw_below = r.number(mb, "withdraw_below", 0.0, 0, 0.5, "share of votes",
                               "After a round, trailing candidates under this share may withdraw");
  br.withdraw_probability = r.probability(mb, "withdraw_probability", 1.0,
                                          "Probability a candidate under withdraw_below withdraws");
  br.finalists = int(r.integer(mb, "finalists", 2, 1, kMaxCandidates, "candidates",
                               "The MPs' rounds stop when this many remain"));
  br.runner_up_withdraws = r.probability(mb, "runner_up_withdraws", 0.0,
                                         "Probability the second finalist withdraws (the other "
                                         "is elected unopposed)");

  Ctx fb = r.table(rc, "final_ballot");
  FinalBallotRules& fr = rb.final_ballot;
  fr.method = r.choice<CountMethod>(fb, "method", CountMethod::alternative_vote,
                                    {{"alternative_vote", CountMethod::alternative_vote},
                                     {"plurality", CountMethod::plurality},
                                     {"two_round", CountMethod::two_round}},
                                    "Counting method of the final ballot");
  fr.tie = r.choice<TieRule>(fb, "tie_break", TieRule::backwards,
                             {{"backwards", TieRule::backwards}, {"lot", TieRule::lot}},
                             "A tie for last place: fewest votes in the latest earlier round "
                             "where they differed, then lots; or lots at once");
  r.document(fb, "college", "table section -> weight, summing to 1", "{} (one member one vote)",
             "share", "Electoral college: weight of each section (mp, member, registered, "
             "affiliated); each round combines the sections' percentages");
  if (const toml::node* n = r.find(fb, "college")) {
    r.mark_opaque(n);
    const toml::table* t = n->as_table();
    if (!t) {
      r.error_at(*n, "'rules.final_ballot.college' should be a table like "
                     "{ mp = 0.3333, member = 0.3333, affiliated = 0.3334 }");
    } else {
      fr.college = true;
      double sum = 0;
      std::vector<std::string> ids;
      for (int k = 0; k < kSections; ++k) ids.push_back(section_id(Section(k)));
      for (auto&& [key, v] : *t) {
        auto it = std::find(ids.begin(), ids.end(), std::string(key.str()));
        auto x = v.value<double>();
        if (it == ids.end()) {
          r.error_at(v, fmt::format("'rules.final_ballot.college.{}': unknown section, expected "
                                    "mp, member, registered or affiliated{}",
                                    key.str(), did_you_mean(std::string(key.str()), ids)));
        } else if (!x || !v.is_number() || *x < 0 || *x > 1) {
          r.error_at(v, fmt::format("'rules.final_ballot.college.{}' should be a weight in "
                                    "[0, 1], got {}", key.str(), toml_repr(v)));
        } else {
          fr.weight[size_t(it - ids.begin())] = *x;
          sum += *x;
        }
      }
      // Thirds cannot be written exactly: accept sums within 0.001 of 1 and rescale (write
      // 0.333333333333 for an exact third once rescaled).
      if (std::abs(sum - 1) > 1e-3)
        r.error_at(*n, fmt::format("'rules.final_ballot.college': weights sum to {:.6g}, "
                                   "expected 1", sum));
      else
        for (double& w : fr.weight) w /= sum;
    }
  }
  r.resolve_table(fb, "college");

  // Can the stages run in this order?
  auto pos = [&](Stage st) {
    auto it = std::find(rb.stages.begin(), rb.stages.end(), st);
    return it == rb.stages.end() ? -1 : int(it - rb.stages.begin());
  };
  if (pos(Stage::final_ballot) < 0)
    r.error(where, "'rules.stages' has no final_ballot: a contest must end in a ballot");
  else if (pos(Stage::final_ballot) != int(rb.stages.size()) - 1)
    r.error(where, "'rules.stages': final_ballot must be the last stage");
  const int sup = pos(Stage::supporting_nominations);
  if (sup >= 0) {
    if (sr.clp_share <= 0 && sr.affiliates <= 0)
      r.error(sn.where, "'rules.supporting_nominations': both routes are closed (clp_share = 0 "
                        "and affiliates = 0)");
    if (sr.clp_share > 0 && (pos(Stage::clp_nominations) < 0 || pos(Stage::clp_nominations) > sup))
      r.error(where, "'rules.stages': supporting_nominations counts CLP nominations, so "
                     "clp_nominations must come before it (or set clp_share = 0)");
    if (sr.affiliates > 0 &&
        (pos(Stage::affiliate_nominations) < 0 || pos(Stage::affiliate_nominations) > sup))
      r.error(where, "'rules.stages': supporting_nominations counts affiliates' nominations, so "
                     "affiliate_nominations must come before it (or set affiliates = 0)");
    if (sr.affiliate_unions > sr.affiliates)
      r.error(sn.where, fmt::format("'rules.supporting_nominations': affiliate_unions ({}) is more "
                                    "than affiliates ({})", sr.affiliate_unions, sr.affiliates));
  }
  if (pos(Stage::affiliate_nominations) >= 0 && s.affiliates.empty() && stages_given)
    r.error(where, "'rules.stages' has affiliate_nominations but the scenario has no "
                   "[affiliates.<id>]");
  const int electorate = parliament_size(s, mr.include_meps);
  if (pos(Stage::mp_nominations) >= 0 && mr.threshold_count > electorate)
    r.error(mn.where, fmt::format("'rules.mp_nominations.threshold_count' is {} but there are only "
                                  "{} MPs{}", mr.threshold_count, electorate,
                                  mr.include_meps ? " and MEPs" : ""));
  if (pos(Stage::mp_ballot) >= 0) {
    if (parliament_size(s, false) + s.mps.meps == 0)
      r.error(mb.where, "'rules.stages' has mp_ballot but the party has no MPs (no seats held, "
                        "mps.count, mps.extra_mps)");
    for (int m : br.minimum_votes)
      if (m > parliament_size(s, true))
        r.error(mb.where, fmt::format("'rules.mp_ballot.minimum_votes' has {} but there are only "
                                      "{} MPs", m, parliament_size(s, true)));
  }
  // The simulated final ballot takes at most kMaxBallotCandidates: more declared candidates need
  // an MPs' ballot that narrows the field to that many first.
  if (int(s.candidates.size()) > kMaxBallotCandidates &&
      !(pos(Stage::mp_ballot) >= 0 && br.finalists <= kMaxBallotCandidates))
    r.error(where, fmt::format("{} candidates, but at most {} can stand in the simulated final "
                               "ballot: add an mp_ballot stage with finalists <= {}",
                               s.candidates.size(), kMaxBallotCandidates, kMaxBallotCandidates));
  if (fr.college) {
    if (fr.weight[size_t(Section::mp)] > 0 && parliament_size(s, true) == 0)
      r.error(fb.where, "'rules.final_ballot.college' gives MPs a weight but the party has no MPs");
    for (int k = 0; k < kSections; ++k) {
      if (Section(k) == Section::mp || fr.weight[size_t(k)] <= 0) continue;
      bool any = false;
      for (const auto& w : s.waves) any = any || w.section == Section(k);
      if (!any)
        r.error(fb.where, fmt::format("'rules.final_ballot.college' gives the {} section a "
                                      "weight but no wave is in that section",
                                      section_id(Section(k))));
    }
  }
}

// -----------------------------------------------------------------------------------------------

static Scenario read_scenario(Reader& r, const toml::table& root, const std::string& path,
                              std::vector<Diagnostic>& diags) {
  Scenario s;
  s.file = path;
  Ctx top;
  top.table = &root;
  top.where = {path, 1, 1};

  Ctx contest = r.table(top, "contest");
  s.name = r.text(contest, "name", "unnamed contest", "Title shown in outputs");
  s.question = r.text(contest, "question", "", "The question the scenario answers");
  s.dims = int(r.integer(contest, "dimensions", 2, 1, 8, "axes",
                         "Dimensions of the policy space"));
  s.ballot_day = r.date(contest, "ballot_date", std::nullopt,
                        "Day the final ballot opens (eligibility is judged then)");

  // Candidates.
  std::vector<std::string> cand_ids;
  for (auto& [id, c] : r.entries(top, "candidates", "candidates.<id>")) {
    Candidate cand;
    cand.id = id;
    cand.name = r.text(c, "name", id, "Name shown in outputs");
    cand.position = r.vector(c, "position", s.dims, -5, 5, "Ideal point in policy space");
    cand.valence = r.number(c, "valence", 0, -5, 5, "utility",
                            "Non-policy appeal added to every voter's utility");
    cand.electability = r.probability(c, "electability", 0.5,
                                      "How electable the party judges the candidate; hostile "
                                      "voters rank from least to most electable");
    cand.incumbent = r.boolean(c, "incumbent", false, "The sitting leader");
    s.candidates.push_back(cand);
    cand_ids.push_back(id);
  }
  if (s.candidates.empty())
    r.error(top.where, "no candidates: add at least one [candidates.<id>] table");
  if (s.candidates.size() > size_t(kMaxCandidates))
    r.error(top.where, fmt::format("{} candidates; at most {} are supported",
                                   s.candidates.size(), kMaxCandidates));

  read_clps(r, top, path, s, diags);

  // Factions.
  std::vector<std::string> faction_ids;
  for (auto& [id, c] : r.entries(top, "factions", "factions.<id>")) {
    Faction f;
    f.id = id;
    f.name = r.text(c, "name", id, "Name shown in outputs");
    f.centre = r.vector(c, "centre", s.dims, -5, 5, "Mean ideal point of its people");
    f.spread = r.number(c, "spread", 0.3, 0, 5, "policy units",
                        "Sd of personal ideal points around the centre, per axis");
    f.mobilisation = r.number(c, "mobilisation", 1.0, 0, 20, "multiplier",
                              "Meeting attendance multiplier (organised factions bring out their "
                              "people)");
    f.covariate_effect = r.number(c, "covariate_effect", 0, -5, 5, "log-odds per sd",
                                  "How much more common the faction is in CLPs one sd higher on "
                                  "the covariate");
    f.region_lean = r.regional(c, "region_lean", s.regions, 0.0, -5, 5, "log-odds",
                               "Extra lean of the faction in CLPs of each region (e.g. "
                               "{ London = 0.4 })");
    s.factions.push_back(f);
    faction_ids.push_back(id);
  }
  if (s.factions.empty()) r.error(top.where, "no factions: add at least one [factions.<id>] table");

  Ctx pop = r.table(top, "population");
  s.clp_dispersion = r.number(pop, "dispersion", 0.5, 0, 5, "log-odds sd",
                              "Sd of each CLP's per-run lean towards each faction");
  s.max_agents = r.integer(pop, "max_agents", 20'000'000, 1, 2'000'000'000, "people",
                           "Refuse scenarios with more agents than this (memory guard)");

  // Affiliates (before waves: waves of affiliated supporters are split among them).
  for (auto& [id, c] : r.entries(top, "affiliates", "affiliates.<id>")) {
    Affiliate a;
    a.id = id;
    a.name = r.text(c, "name", id, "Name shown in outputs");
    a.share = r.probability(c, "share", 0, "Share of affiliated supporters who belong to it");
    a.is_union = r.boolean(c, "union", true, "A trade union (false: a socialist society)");
    a.method = r.choice<AffiliateMethod>(
        c, "method", AffiliateMethod::executive,
        {{"executive", AffiliateMethod::executive}, {"consultation", AffiliateMethod::consultation}},
        "How it decides its nomination");
    a.executive_lean = r.shares(c, "executive_lean", cand_ids, "none", false, "candidate",
                                "Executive: probability of nominating each candidate (or none)");
    a.consultation_turnout = r.probability(c, "consultation_turnout", 0.1,
                                           "Consultation: share of its supporters who take part");
    s.affiliates.push_back(a);
  }
  if (!s.affiliates.empty()) {
    double sum = 0;
    for (const auto& a : s.affiliates) sum += a.share;
    if (std::abs(sum - 1) > 1e-6)
      r.error(top.where, fmt::format("affiliates' shares sum to {:.6g}, expected 1", sum));
  }

  // Waves.
  for (auto& [id, c] : r.entries(top, "waves", "waves.<id>")) {
    Wave w;
    w.id = id;
    w.name = r.text(c, "name", id, "Name shown in outputs");
    w.section = r.choice<Section>(c, "section", Section::member,
                                  {{"member", Section::member},
                                   {"registered", Section::registered},
                                   {"affiliated", Section::affiliated}},
                                  "Which part of the selectorate the cohort belongs to");
    w.size = r.integer(c, "size", 0, 1, 100'000'000, "people", "People in the cohort");
    if (!c.table || !c.table->get("size"))
      r.error(c.where, fmt::format("missing required key '{}.size' (people in the cohort)", c.path));
    w.joined_from = r.date(c, "joined_from", std::nullopt, "First join date");
    w.joined_to = r.date(c, "joined_to", std::nullopt, "Last join date");
    if (w.joined_to < w.joined_from) {
      const toml::node* n = c.table ? c.table->get("joined_to") : nullptr;
      Place p = n ? place_of(*n) : c.where;
      r.error(p, fmt::format("'{}': joined_to {} is before joined_from {}", c.path,
                             format_day(w.joined_to), format_day(w.joined_from)));
    }
    w.faction_mix = r.shares(c, "factions", faction_ids, "", true, "faction",
                             "The cohort's faction mix nationally");
    w.activism = r.number(c, "activism", 1.0, 0, 50, "multiplier",
                          "Mean meeting-going propensity (1 = a typical member)");
    w.activism_shape = r.number(c, "activism_shape", 2.0, 0, 100, "gamma shape",
                                "Inequality of activism: lower = a few very active people", true);
    w.contactable = r.probability(c, "contactable", 0.97,
                                  "Probability the party holds current contact details");
    w.good_standing = r.probability(c, "good_standing", 1.0,
                                    "Probability of being in good standing (paid up, not "
                                    "suspended)");
    w.hostile = r.probability(c, "hostile", 0.0,
                              "Share who vote against the party's interest (for the least "
                              "electable candidate)");
    w.organised = r.boolean(c, "organised", false,
                            "Brought to meetings by organisers: attendance multiplied by "
                            "meetings.organised_turnout");
    w.targeting = r.choice<Targeting>(c, "target", Targeting::proportional,
                                      {{"proportional", Targeting::proportional},
                                       {"uniform", Targeting::uniform},
                                       {"named", Targeting::named},
                                       {"top_covariate", Targeting::top_covariate},
                                       {"random", Targeting::random_selected}},
                                      "Where the cohort lives: in proportion to CLP size, "
                                      "uniformly, or concentrated on targets");
    std::vector<const toml::node*> nodes;
    auto names = r.strings(c, "target_clps", "Named target CLPs (target = \"named\")", &nodes);
    for (size_t i = 0; i < names.size(); ++i) {
      int k = s.clp_index(names[i]);
      if (k < 0) {
        std::vector<std::string> all;
        for (const auto& clp : s.clps) all.push_back(clp.name);
        r.error_at(*nodes[i], fmt::format("'{}.target_clps': unknown CLP '{}'{}", c.path,
                                          names[i], did_you_mean(names[i], all)));
      } else {
        w.target_clps.push_back(k);
      }
    }
    w.target_count = int(r.integer(c, "target_count", 0, 0, 5000, "CLPs",
                                   "Targets chosen by covariate or at random"));
    w.target_share = r.probability(c, "target_share", 1.0,
                                   "Share of the cohort placed on its targets (the rest "
                                   "proportionally)");
    if (w.targeting == Targeting::named && w.target_clps.empty() && names.empty())
      r.error(c.where, fmt::format("'{}': target = \"named\" needs target_clps", c.path));
    if ((w.targeting == Targeting::top_covariate || w.targeting == Targeting::random_selected) &&
        (w.target_count < 1 || w.target_count > int(s.clps.size())))
      r.error(c.where, fmt::format("'{}': target_count must be between 1 and the number of "
                                   "CLPs ({})", c.path, s.clps.size()));
    s.waves.push_back(w);
  }
  if (s.waves.empty()) r.error(top.where, "no people: add at least one [waves.<id>] table");
  if (s.waves.size() > 250) r.error(top.where, "more than 250 waves");
  std::int64_t agents = s.agents();
  if (agents > s.max_agents) {
    const double bytes = estimated_bytes(agents, s.dims, int(s.candidates.size()));
    const toml::node* cap = pop.table ? pop.table->get("max_agents") : nullptr;
    r.error(cap ? place_of(*cap) : top.where,
            fmt::format("the scenario has {} agents, above population.max_agents = {}; it would "
                        "need about {} of memory (raise max_agents if the machine has it)",
                        agents, s.max_agents,
                        bytes >= 1e9 ? fmt::format("{:.1f} GB", bytes / 1e9)
                                     : fmt::format("{:.1f} MB", bytes / 1e6)));
  }
  for (const auto& w : s.waves)
    if (w.section == Section::affiliated && s.affiliates.empty()) {
      r.error(top.where, fmt::format("wave '{}' has affiliated supporters but there are no "
                                     "[affiliates.<id>] tables", w.id));
      break;
    }

  Ctx reg = r.table(top, "registration");
  s.registration.rejection = r.probability(reg, "rejection", 0.0,
                                           "Probability an ordinary registered-supporter "
                                           "application is rejected at vetting");
  s.registration.hostile_odds_ratio =
      r.number(reg, "hostile_odds_ratio", 1.0, 0, 1e6, "odds ratio",
               "Odds of rejecting a hostile applicant relative to an ordinary one");

  Ctx el = r.table(top, "eligibility");
  s.eligibility.member_ballot_freeze = r.date(el, "member_ballot_freeze", s.ballot_day,
                                              "Members who joined on or before may vote");
  s.eligibility.member_meeting_freeze = r.date(el, "member_meeting_freeze", s.ballot_day,
                                               "Members who joined on or before may take part "
                                               "in nomination meetings");
  s.eligibility.ruling = r.choice<FreezeRuling>(
      el, "freeze_ruling", FreezeRuling::upheld,
      {{"upheld", FreezeRuling::upheld}, {"overturned", FreezeRuling::overturned}},
      "The court ruling on the ballot freeze date");
  s.eligibility.overturned_ballot_cutoff =
      r.date(el, "overturned_cutoff", s.ballot_day,
             "If the freeze is overturned: members who joined on or before may vote");
  s.eligibility.affiliated_freeze = r.date(el, "affiliated_freeze", s.ballot_day,
                                           "Affiliated supporters must have joined by");
  s.eligibility.require_good_standing = r.boolean(el, "require_good_standing", true,
                                                  "Only members in good standing take part");

  Ctx mps = r.table(top, "mps");
  s.mps.count = int(r.integer(mps, "count", 0, 0, 2000, "MPs",
                              "MPs in the parliamentary party; 0: one per seat held in the CLP "
                              "file (plus extra_mps)"));
  s.mps.meps = int(r.integer(mps, "meps", 0, 0, 1000, "MEPs", "MEPs in the parliamentary party"));
  s.mps.extra_mps = int(r.integer(mps, "extra_mps", 0, 0, 1000, "MPs",
                                  "MPs not tied to a CLP in the file"));
  s.mps.factions = r.shares(mps, "factions", faction_ids, "", false, "faction",
                            "Share of MPs in each faction (their ideal points are drawn around "
                            "the faction's centre)");
  s.mps.loyalty = r.number(mps, "loyalty", 0.0, 0, 10, "utility",
                           "Mean utility bonus MPs give the incumbent (exponential across MPs)");
  s.mps.noise = r.number(mps, "noise", 0.3, 0, 10, "utility",
                         "Scale of each MP's per-run Gumbel utility noise", true);
  s.mps.support_given = mps.table && mps.table->get("support");
  s.mps.support = r.shares(mps, "support", cand_ids, "none", false, "candidate",
                           "Published share of MPs (and MEPs) nominating each candidate (or "
                           "none): MPs' first choices are calibrated to it");
  {
    Ctx e = r.table(mps, "endorsements");
    r.document(mps, "endorsements", "table CLP name -> candidate id", "{}", "",
               "Known choices of local MPs, e.g. { \"Holborn and St Pancras\" = \"smith\" }");
    r.resolve_table(mps, "endorsements");
    if (e.table) {
      std::vector<std::string> all;
      for (const auto& clp : s.clps) all.push_back(clp.name);
      for (auto&& [k, v] : *e.table) {
        r.find(e, k.str());
        int clp = s.clp_index(std::string(k.str()));
        auto cand = v.as_string();
        const bool none = cand && cand->get() == "none";  // a known abstention
        int ci = cand && !none ? s.candidate_index(cand->get()) : -1;
        if (clp < 0) {
          r.error_at(v, fmt::format("'{}': unknown CLP '{}'{}", e.path, k.str(),
                                    did_you_mean(std::string(k.str()), all)));
        } else if (!s.clps[size_t(clp)].labour_held) {
          r.error_at(v, fmt::format("'{}': '{}' has no party MP in the CLP file", e.path, k.str()));
        } else if (ci < 0 && !none) {
          r.error_at(v, fmt::format("'{}.\"{}\"': unknown candidate {}{}", e.path, k.str(),
                                    cand ? "'" + cand->get() + "'" : toml_repr(v),
                                    cand ? did_you_mean(cand->get(), cand_ids) : ""));
        } else {
          s.mps.endorsements.emplace_back(clp, ci);
        }
      }
    }
  }

  Ctx m = r.table(top, "meetings");
  MeetingRules& mr = s.meetings;
  mr.meet = r.probability(m, "meet", 0.55, "Probability a CLP holds a nomination meeting");
  mr.general_committee = r.probability(m, "general_committee", 0.0,
                                       "Probability a meeting is a General Committee of "
                                       "delegates rather than an all-member meeting");
  mr.lost_invitation = r.probability(m, "lost_invitation", 0.003,
                                     "Probability an invitation to a contactable member is lost");
  mr.attendance = r.probability(m, "attendance", 0.05,
                                "Base probability a typical invited member attends");
  mr.care = r.number(m, "care", 1.0, 0, 20, "per utility unit",
                     "Attendance rises by this factor per unit of preference strength");
  mr.organised_turnout = r.number(m, "organised_turnout", 2.0, 0, 50, "multiplier",
                                  "Attendance multiplier for people in organised waves (brought "
                                  "to the meeting by organisers)");
  mr.gc_size = int(r.integer(m, "gc_size", 40, 1, 1000, "delegates",
                             "Delegates on a General Committee"));
  mr.gc_attendance = r.probability(m, "gc_attendance", 0.8, "Probability a delegate attends");
  mr.gc_elected_by = r.date(m, "gc_elected_by", s.ballot_day,
                            "Delegates were elected from members who joined by this date");
  mr.quorum = int(r.integer(m, "quorum", 10, 0, 100000, "attendees",
                            "Fewer attendees than this: no nomination"));
  mr.speakers = int(r.integer(m, "speakers", 6, 0, 100, "speeches", "Speeches in the debate"));
  mr.chair_bias = r.probability(m, "chair_bias", 0.0,
                                "0: equal speakers per candidate; 1: every speech for the "
                                "chair's candidate");
  mr.tie_break = r.choice<TieBreak>(m, "tie_break", TieBreak::chair,
                                    {{"chair", TieBreak::chair}, {"lot", TieBreak::lot}},
                                    "A tied vote: the chair's casting vote, or lots");
  mr.persuasion = r.choice<PersuasionModel>(
      m, "persuasion", PersuasionModel::utility_shift,
      {{"utility_shift", PersuasionModel::utility_shift},
       {"bounded_confidence", PersuasionModel::bounded_confidence}},
      "How speeches move listeners");
  mr.speech_strength = r.number(m, "speech_strength", 0.15, 0, 10, "utility",
                                "Utility shift of a persuaded listener towards the speech's "
                                "candidate");
  mr.susceptibility = r.probability(m, "susceptibility", 0.3,
                                    "Probability a speech persuades a fully undecided listener");
  mr.undecided_scale = r.number(m, "undecided_scale", 0.2, 0, 10, "utility",
                                "Preference gap at which persuadability falls to 1/e", true);
  mr.confidence_bound = r.number(m, "confidence_bound", 0.6, 0, 20, "policy units",
                                 "Bounded confidence: listeners heed speakers within this "
                                 "distance");
  mr.convergence = r.probability(m, "convergence", 0.3,
                                 "Bounded confidence: share of the distance a listener moves");

  Ctx cm = r.table(top, "campaign");
  s.campaign.momentum = r.number(cm, "momentum", 0.0, -10, 10, "utility",
                                 "Shift per unit (share of CLP nominations - equal share)");
  s.campaign.affiliate_momentum = r.number(cm, "affiliate_momentum", 0.0, -10, 10, "utility",
                                           "Shift per unit (size-weighted share of affiliate "
                                           "nominations - equal share)");
  s.campaign.mp_endorsement = r.number(cm, "mp_endorsement", 0.0, -10, 10, "utility",
                                       "Shift towards the local MP's candidate, in meetings and "
                                       "the ballot");
  s.campaign.swing_sd = r.number(cm, "swing_sd", 0.05, 0, 10, "utility",
                                 "Sd of each candidate's national valence shock per run");
  s.campaign.taste_sd = r.number(cm, "taste_sd", 0.3, 0, 10, "utility",
                                 "Sd of personal non-policy taste for each candidate");
  s.campaign.salience = r.number(cm, "salience", 1.0, 0, 100, "utility per squared unit",
                                 "Weight of squared policy distance in utility");

  Ctx b = r.table(top, "ballot");
  Ctx bt = r.table(b, "turnout");
  for (int k = 0; k < kSections; ++k)
    s.ballot.turnout[k] = r.probability(bt, section_id(Section(k)), s.ballot.turnout[k],
                                        "Turnout of a typical eligible voter in this section");
  s.ballot.activism_elasticity = r.number(b, "activism_elasticity", 0.5, 0, 10,
                                          "log-odds per log activism",
                                          "How much more the active vote");
  read_rules(r, top, s, faction_ids);
  return s;
}

}  // namespace leadsim

namespace leadsim {

toml::table load_scenario_tree(const std::string& path, std::vector<Diagnostic>& diags) {
  std::vector<std::string> files, hashes;
  return load_with_includes(path, diags, files, hashes, 0);
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  std::vector<Diagnostic> diags;
  std::vector<std::string> files, hashes;
  toml::table root = load_with_includes(path, diags, files, hashes, 0);
  if (!diags.empty()) throw InputError(diags);  // syntax errors: the tree is not worth reading
  root.erase("sweep");  // a sweep's spec (sweep.hpp reads it): not part of the contest
  for (const auto& o : overrides) apply_override(root, o, diags);
  if (!diags.empty()) throw InputError(diags);

  std::vector<ResolvedParam> resolved;
  std::vector<KeyDoc> docs;
  Reader r(diags, resolved, docs);
  r.set_file_order(files);
  Scenario s = read_scenario(r, root, path, diags);
  r.report_unknown(root);
  if (!diags.empty()) {
    // In file order, so a reader can work down the file.
    std::stable_sort(diags.begin(), diags.end(), [&](const Diagnostic& a, const Diagnostic& b) {
      auto rank = [&](const Diagnostic& d) {
        auto it = std::find(files.begin(), files.end(), d.file);
        return std::tuple(it - files.begin(), d.line, d.column);
      };
      return rank(a) < rank(b);
    });
    throw InputError(diags);
  }
  s.resolved = std::move(resolved);
  s.sha256 = hashes.back();  // the main file is read last
  for (size_t i = 0; i + 1 < files.size(); ++i) s.included_files.emplace_back(files[i], hashes[i]);
  return s;
}

std::vector<KeyDoc> scenario_keys() {
  // One entry of every keyed table, so that the per-entry keys are documented too.
  static const char* kExample = R"(
[contest]
ballot_date = 2016-08-22
[candidates."<id>"]
[factions."<id>"]
[affiliates."<id>"]
share = 1.0
[waves."<id>"]
size = 1
joined_from = 2015-01-01
joined_to = 2015-12-31
factions = { "<id>" = 1.0 }
)";
  std::vector<Diagnostic> diags;
  std::vector<ResolvedParam> resolved;
  std::vector<KeyDoc> docs;
  Reader r(diags, resolved, docs);
  toml::table root = toml::parse(std::string_view(kExample), std::string_view("<keys>"));
  read_scenario(r, root, "<keys>", diags);
  return docs;
}

}  // namespace leadsim
