// scenario_rows.cpp: reading, checking and describing the field table's rows
// (scenario_fields.hpp): one function per kind, for every struct.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "leadsim/toml_text.hpp"
#include "scenario_fields.hpp"
#include "text.hpp"

namespace leadsim::detail {

// ---------------------------------------------------------------------------------------------
// Reading, checking and describing rows.

std::vector<std::string> Known::ids_of(const std::string& what) const {
  if (what == "faction") return factions;
  if (what == "candidate") return candidates;
  if (what == "CLP") return clps;
  return {};
}

namespace {

template <class T, class S>
T& at(S& obj, const Member<S>& m) {
  if (auto p = std::get_if<T S::*>(&m)) return obj.**p;
  if constexpr (std::is_same_v<T, double>)
    if (auto f = std::get_if<double& (*)(S&)>(&m)) return (*f)(obj);
  throw std::logic_error("scenario field table: a row's member does not match its kind");
}

// An integer member of either width, as int64.
template <class S>
std::int64_t whole_of(const S& obj, const Member<S>& m) {
  if (auto p = std::get_if<int S::*>(&m)) return obj.**p;
  return obj.*std::get<std::int64_t S::*>(m);
}
template <class S>
void set_whole(S& obj, const Member<S>& m, std::int64_t v) {
  if (auto p = std::get_if<int S::*>(&m)) obj.**p = int(v);
  else obj.*std::get<std::int64_t S::*>(m) = v;
}

template <class S>
double lo_of(const Row<S>& row) {
  return row.kind == FieldKind::probability ? 0.0 : row.lo;
}
template <class S>
double hi_of(const Row<S>& row) {
  return row.kind == FieldKind::probability ? 1.0 : row.hi;
}
template <class S>
std::string unit_of(const Row<S>& row) {
  switch (row.kind) {
    case FieldKind::probability: return "probability";
    case FieldKind::date: return "date";
    case FieldKind::vector: return "policy units";
    case FieldKind::shares: return "share";
    default: return row.unit;
  }
}

// A word member as the index of its word in row.words, and back.
template <class S>
int word_index(const S& obj, const Row<S>& row) {
  const int v = std::get<WordRef<S>>(row.member).get(obj);
  if (row.values.empty()) return v;
  auto it = std::find(row.values.begin(), row.values.end(), v);
  return it == row.values.end() ? -1 : int(it - row.values.begin());
}
template <class S>
void set_word(S& obj, const Row<S>& row, int index) {
  std::get<WordRef<S>>(row.member).set(obj, row.values.empty() ? index : row.values[size_t(index)]);
}

std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = char(s[0] - 'A' + 'a');
  return s;
}

// The sub-table a dotted key lives in ("turnout.member" -> [ballot.turnout]), made once per
// read_rows so that a bad sub-table is reported once.
struct SubTables {
  std::map<std::string, Ctx> made;
  Ctx descend(Reader& r, const Ctx& c, std::string_view& key) {
    Ctx at = c;
    for (auto dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.')) {
      const std::string path = at.key_path(key.substr(0, dot));
      auto it = made.find(path);
      if (it == made.end()) it = made.emplace(path, r.table(at, key.substr(0, dot))).first;
      at = it->second;
      key = key.substr(dot + 1);
    }
    return at;
  }
};

template <class S>
void read_row(Reader& r, const Ctx& c, S& obj, const Row<S>& row, Known& k) {
  std::string_view key = row.key;
  const bool required = row.def == Default::required;
  switch (row.kind) {
    case FieldKind::number:
    case FieldKind::probability: {
      double& m = at<double>(obj, row.member);
      m = r.number(c, key, m, lo_of(row), hi_of(row), unit_of(row), row.lo_open);
      break;
    }
    case FieldKind::whole: {
      const std::int64_t v = r.integer(c, key, whole_of(obj, row.member), std::int64_t(row.lo),
                                       std::int64_t(row.hi), unit_of(row));
      set_whole(obj, row.member, v);
      if (required && !c.get(key))
        r.error(c.where, fmt::format("missing required key '{}' ({})", c.key_path(key),
                                     lower_first(row.meaning)));
      break;
    }
    case FieldKind::boolean: {
      bool& m = at<bool>(obj, row.member);
      m = r.boolean(c, key, m);
      break;
    }
    case FieldKind::text: {
      std::string& m = at<std::string>(obj, row.member);
      m = r.text(c, key, row.def == Default::entry_id ? k.id : m);
      break;
    }
    case FieldKind::word: {
      set_word(obj, row, r.choice(c, key, word_index(obj, row), row.words));
      break;
    }
    case FieldKind::date: {
      int& m = at<int>(obj, row.member);
      std::optional<Day> def = m;
      if (required) def.reset();
      if (row.def == Default::ballot_day) def = k.s->ballot_day;
      m = r.date(c, key, def);
      break;
    }
    case FieldKind::vector:
      at<Eigen::VectorXd>(obj, row.member) = r.vector(c, key, k.s->dims, row.lo, row.hi);
      break;
    case FieldKind::shares:
      at<std::vector<double>>(obj, row.member) =
          r.shares(c, key, k.ids_of(row.of), row.extra, required, row.of);
      break;
    case FieldKind::regional:
      at<std::vector<double>>(obj, row.member) =
          r.regional(c, key, k.s->regions, row.fill, row.lo, row.hi, unit_of(row));
      break;
    case FieldKind::texts:
      at<std::vector<std::string>>(obj, row.member) = r.strings(c, key);
      break;
    case FieldKind::references: {
      // Names of things read before (CLPs), kept as their indices.
      std::vector<const toml::node*> nodes;
      const std::vector<std::string> names = r.strings(c, key, &nodes);
      const std::vector<std::string> known = k.ids_of(row.of);
      auto& out = at<std::vector<int>>(obj, row.member);
      for (size_t i = 0; i < names.size(); ++i) {
        auto it = std::find(known.begin(), known.end(), names[i]);
        if (it == known.end())
          r.error_at(*nodes[i], fmt::format("'{}': unknown {} '{}'{}", c.key_path(key), row.of,
                                            names[i], did_you_mean(names[i], known)));
        else
          out.push_back(int(it - known.begin()));
      }
      break;
    }
    case FieldKind::wholes: {
      auto& out = at<std::vector<int>>(obj, row.member);
      if (const toml::node* n = r.find(c, key)) {
        const toml::array* a = n->as_array();
        if (!a)
          r.error_at(*n, fmt::format("'{}' should be an array of integers, e.g. [17, 33]",
                                     c.key_path(key)));
        for (size_t i = 0; a && i < a->size(); ++i) {
          auto x = (*a)[i].as_integer();
          if (!x || x->get() < 0)
            r.error_at((*a)[i], fmt::format("'{}' should hold non-negative integers",
                                            c.key_path(key)));
          else
            out.push_back(int(x->get()));
        }
      }
      std::string v = "[";
      for (size_t i = 0; i < out.size(); ++i) v += (i ? ", " : "") + std::to_string(out[i]);
      r.resolve(c, key, v + "]");
      break;
    }
    case FieldKind::table:
    case FieldKind::weights:
      break;  // read by their own functions
  }
}

}  // namespace

template <class S>
void read_rows(Reader& r, const Ctx& c, S& obj, const std::vector<Row<S>>& rows, Known& k) {
  SubTables subs;
  for (const Row<S>& row : rows) {
    std::string_view key = row.key;
    const Ctx at = subs.descend(r, c, key);
    Row<S> local = row;
    local.key = row.key + (key.data() - row.key);  // the last part of a dotted key
    if (row.read) row.read(r, at, obj, local, k);
    else read_row(r, at, obj, local, k);
  }
}

// ---------------------------------------------------------------------------------------------
// Checking values (for a Scenario built in code; the reader checks the same domains as it reads).

template <class S>
void check_rows(const S& cobj, const std::vector<Row<S>>& rows, const std::string& path,
                const Known& k, std::vector<Diagnostic>& out, const Scenario& s) {
  S& obj = const_cast<S&>(cobj);  // read only: the accessors of array members take S&
  for (const Row<S>& row : rows) {
    const std::string p = path + "." + row.key;
    auto bad = [&](std::string msg) { out.push_back(Diagnostic::at(place_in(s, p), std::move(msg))); };
    const std::string unit = unit_of(row);
    switch (row.kind) {
      case FieldKind::number:
      case FieldKind::probability: {
        const double v = at<double>(obj, row.member);
        const double lo = lo_of(row), hi = hi_of(row);
        if (!in_domain(v, lo, hi, row.lo_open))
          bad(number_out_of_range(p, v, lo, hi, row.lo_open, unit));
        break;
      }
      case FieldKind::whole: {
        const std::int64_t v = whole_of(obj, row.member);
        if (v < std::int64_t(row.lo) || v > std::int64_t(row.hi))
          bad(integer_out_of_range(p, v, std::int64_t(row.lo), std::int64_t(row.hi), unit));
        break;
      }
      case FieldKind::word: {
        const int v = word_index(obj, row);
        if (v < 0 || v >= int(row.words.size()))
          bad(fmt::format("'{}' is not one of its words", p));
        break;
      }
      case FieldKind::vector: {
        const Eigen::VectorXd& v = at<Eigen::VectorXd>(obj, row.member);
        if (v.size() != s.dims)
          bad(fmt::format("'{}' should be an array of {} numbers (one per policy dimension), "
                          "got {}", p, s.dims, v.size()));
        for (Eigen::Index i = 0; i < v.size(); ++i)
          if (!in_domain(v[i], row.lo, row.hi))
            bad(fmt::format("'{}[{}]' should be a number in [{}, {}]{}", p, i, row.lo, row.hi,
                            finite_note(v[i])));
        break;
      }
      case FieldKind::shares: {
        const auto& v = at<std::vector<double>>(obj, row.member);
        const size_t n = k.ids_of(row.of).size() + (std::string(row.extra).empty() ? 0 : 1);
        double sum = 0;
        bool ok = v.size() == n;
        for (double x : v) {
          ok = ok && in_domain(x, 0, 1);
          sum += x;
        }
        if (v.size() != n)
          bad(fmt::format("'{}' should hold {} shares (one per {}{}), got {}", p, n, row.of,
                          std::string(row.extra).empty() ? "" : " and " + std::string(row.extra),
                          v.size()));
        else if (!ok)
          bad(fmt::format("'{}' should hold shares in [0, 1]", p));
        else if (!(std::abs(sum - 1.0) <= 1e-6))
          bad(fmt::format("'{}': shares sum to {:.6g}, expected 1", p, sum));
        break;
      }
      case FieldKind::regional: {
        const auto& v = at<std::vector<double>>(obj, row.member);
        if (v.size() != s.regions.size())
          bad(fmt::format("'{}' should hold one value per region ({}), got {}", p,
                          s.regions.size(), v.size()));
        for (size_t i = 0; i < v.size(); ++i)
          if (!in_domain(v[i], row.lo, row.hi))
            bad(fmt::format("'{}.{}' should be a number in [{}, {}] ({}){}", p,
                            i < s.regions.size() ? s.regions[i] : std::to_string(i), row.lo,
                            row.hi, unit, finite_note(v[i])));
        break;
      }
      case FieldKind::references: {
        const auto n = int(k.ids_of(row.of).size());
        for (int x : at<std::vector<int>>(obj, row.member))
          if (x < 0 || x >= n) bad(fmt::format("'{}': no {} number {}", p, row.of, x));
        break;
      }
      case FieldKind::wholes:
        for (int x : at<std::vector<int>>(obj, row.member))
          if (x < 0) bad(fmt::format("'{}' should hold non-negative integers", p));
        break;
      default:
        break;  // booleans, texts, dates: any value is in the domain
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Describing rows (the public Field list).

namespace {

template <class S>
std::string default_text(const Row<S>& row) {
  if (row.def_text) return row.def_text;
  if (row.def == Default::required) return "required";
  if (row.def == Default::ballot_day) return "contest.ballot_date";
  if (row.def == Default::entry_id) return "\"<id>\"";
  if (row.def == Default::equal_shares) return "equal shares";
  static S d{};  // the defaults are the members' initialisers
  switch (row.kind) {
    case FieldKind::number:
    case FieldKind::probability: return toml_number(at<double>(d, row.member));
    case FieldKind::whole: return fmt::format("{}", whole_of(d, row.member));
    case FieldKind::boolean: return at<bool>(d, row.member) ? "true" : "false";
    case FieldKind::text: return toml_string(at<std::string>(d, row.member));
    case FieldKind::word:
      return toml_string(row.words[size_t(word_index(d, row))]);
    case FieldKind::date: return format_day(at<int>(d, row.member));
    case FieldKind::vector: return "zeros";
    case FieldKind::regional: return "{}";
    case FieldKind::texts:
    case FieldKind::wholes:
    case FieldKind::references: return "[]";
    default: return "{}";
  }
}

template <class S>
void describe(const std::string& prefix, const std::vector<Row<S>>& rows,
              std::vector<Field>& out) {
  for (const Row<S>& row : rows) {
    Field f;
    f.path = prefix + "." + row.key;
    f.label = row.label ? row.label : "";
    f.kind = row.kind;
    f.lo = lo_of(row);
    f.hi = hi_of(row);
    f.lo_open = row.lo_open;
    f.words = row.words;
    f.of = row.of;
    f.extra = row.extra;
    f.unit = unit_of(row);
    f.meaning = row.meaning;
    f.def = default_text(row);
    f.affects = row.affects;
    out.push_back(std::move(f));
  }
}

}  // namespace

}  // namespace leadsim::detail

namespace leadsim {

const std::vector<Field>& scenario_fields() {
  using namespace detail;
  static const std::vector<Field> fields = [] {
    std::vector<Field> f;
    describe("contest", contest_rows(), f);
    describe("candidates.<id>", candidate_rows(), f);
    describe("clps", clp_rows(), f);
    describe("clps", clp_region_rows(), f);
    describe("factions.<id>", faction_rows(), f);
    describe("population", population_rows(), f);
    describe("affiliates.<id>", affiliate_rows(), f);
    describe("waves.<id>", wave_rows(), f);
    describe("registration", registration_rows(), f);
    describe("eligibility", eligibility_rows(), f);
    describe("mps", mp_rows(), f);
    describe("meetings", meeting_rows(), f);
    describe("campaign", campaign_rows(), f);
    describe("ballot", ballot_rows(), f);
    describe("rules", rule_rows(), f);
    describe("rules.mp_nominations", mp_nomination_rows(), f);
    describe("rules.supporting_nominations", supporting_rows(), f);
    describe("rules.mp_ballot", mp_ballot_rows(), f);
    describe("rules.final_ballot", final_ballot_rows(), f);
    return f;
  }();
  return fields;
}

namespace {

// The field whose path pattern `path` matches part for part ("<id>" matching any id).
const Field* field_of_pattern(std::string_view path) {
  const std::vector<std::string> parts = split(std::string(path), '.');
  for (const Field& f : scenario_fields()) {
    const std::vector<std::string> fp = split(f.path, '.');
    if (fp.size() != parts.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < fp.size() && ok; ++i) ok = fp[i] == "<id>" || fp[i] == parts[i];
    if (ok) return &f;
  }
  return nullptr;
}

}  // namespace

const Field* find_field(std::string_view path) {
  if (const Field* f = field_of_pattern(path)) return f;
  // One region's entry of a regional table: the table's path and one part more.
  if (const size_t dot = path.rfind('.'); dot != std::string_view::npos)
    if (const Field* table = field_of_pattern(path.substr(0, dot)); table && table->kind == FieldKind::regional)
      return table;
  return nullptr;
}

std::string affects_text(std::uint8_t affects) {
  std::string s;
  for (auto [bit, name] : {std::pair{affects_population, "population"}, {affects_runs, "runs"},
                           {affects_rules, "rules"}, {affects_output, "output"}})
    if (affects & bit) s += (s.empty() ? "" : ", ") + std::string(name);
  return s;
}

std::string_view field_kind_id(FieldKind k) {
  switch (k) {
    case FieldKind::number: return "number";
    case FieldKind::probability: return "probability";
    case FieldKind::whole: return "whole";
    case FieldKind::boolean: return "boolean";
    case FieldKind::date: return "date";
    case FieldKind::text: return "text";
    case FieldKind::word: return "word";
    case FieldKind::shares: return "shares";
    case FieldKind::vector: return "vector";
    case FieldKind::regional: return "regional";
    case FieldKind::texts: return "texts";
    case FieldKind::wholes: return "wholes";
    case FieldKind::references: return "references";
    case FieldKind::table: return "table";
    case FieldKind::weights: return "weights";
  }
  return "?";
}

std::string Field::type() const {
  const std::string range = detail::range_text(lo, hi, lo_open);
  switch (kind) {
    case FieldKind::number:
    case FieldKind::probability: return "number " + range;
    case FieldKind::whole: return "integer " + range;
    case FieldKind::boolean: return "bool";
    case FieldKind::date: return "date";
    case FieldKind::text: return "string";
    case FieldKind::word: {
      std::string s = "one of: ";
      for (size_t i = 0; i < words.size(); ++i) s += (i ? ", " : "") + words[i];
      return s;
    }
    case FieldKind::shares:
      return fmt::format("table of shares by {} id, summing to 1{}", of,
                         extra.empty() ? "" : " (\"" + extra + "\" allowed)");
    case FieldKind::vector: return "array of numbers in " + range + ", one per dimension";
    case FieldKind::regional: return "table region -> number in " + range;
    case FieldKind::texts:
    case FieldKind::references: return "array of strings";
    case FieldKind::wholes: return "array of integers";
    case FieldKind::table: return "table " + of + " id";
    case FieldKind::weights: return "table section -> weight, summing to 1";
  }
  return "?";
}

bool Field::scalar() const {
  return kind == FieldKind::number || kind == FieldKind::probability || kind == FieldKind::whole ||
         kind == FieldKind::date;
}

}  // namespace leadsim

// The structs the loader reads (scenario.cpp) and checks (scenario_check.cpp).
namespace leadsim::detail {
#define LEADSIM_ROWS(S)                                                                        \
  template void read_rows<S>(Reader&, const Ctx&, S&, const std::vector<Row<S>>&, Known&);    \
  template void check_rows<S>(const S&, const std::vector<Row<S>>&, const std::string&,       \
                              const Known&, std::vector<Diagnostic>&, const Scenario&);
LEADSIM_ROWS(Scenario)
LEADSIM_ROWS(Candidate)
LEADSIM_ROWS(ClpSource)
LEADSIM_ROWS(Faction)
LEADSIM_ROWS(Affiliate)
LEADSIM_ROWS(Wave)
LEADSIM_ROWS(Registration)
LEADSIM_ROWS(Eligibility)
LEADSIM_ROWS(MpRules)
LEADSIM_ROWS(MeetingRules)
LEADSIM_ROWS(Campaign)
LEADSIM_ROWS(BallotRules)
LEADSIM_ROWS(Rulebook)
LEADSIM_ROWS(MpNominationRules)
LEADSIM_ROWS(SupportingRules)
LEADSIM_ROWS(MpBallotRules)
LEADSIM_ROWS(FinalBallotRules)
#undef LEADSIM_ROWS
}  // namespace leadsim::detail
