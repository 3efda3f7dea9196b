// scenario.cpp: load_scenario(), a scenario file read into a checked Scenario.
//
// The stages of a load: the file and its includes as one tree, the --set overrides applied
// (scenario_files.cpp); the tree read table by table through the field table (scenario_fields.cpp),
// each value checked where it stands (scenario_reader.cpp), the CLPs built from [clps]
// (scenario_clps.cpp); the values checked together (scenario_check.cpp); every key nobody read
// reported as unknown. Tables are read in an order that gives later ones what they need: the
// dimensions and ballot date first, then candidates, CLPs (regions), factions, affiliates, waves.
#include "leadsim/scenario.hpp"

#include "leadsim/number_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <toml++/toml.h>

#include "scenario_clps.hpp"
#include "scenario_fields.hpp"
#include "scenario_files.hpp"
#include "scenario_posterior.hpp"
#include "scenario_reader.hpp"
#include "text.hpp"

namespace leadsim {

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
    case Targeting::tippable: return "tippable";
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
  // Exactly YYYY-MM-DD, each part decimal digits: sscanf's "%d" would take "+2016" or " 2016",
  // and a year past 32767 wraps modulo 2^16 in std::chrono::year (67552 became 2016).
  const std::string_view t = iso;
  const auto part = [&](size_t at, size_t len, std::int64_t lo, std::int64_t hi) {
    return t.size() == 10 ? parse_whole(t.substr(at, len), lo, hi) : std::nullopt;
  };
  const auto y = part(0, 4, 1000, 9999), m = part(5, 2, 1, 12), d = part(8, 2, 1, 31);
  if (!y || !m || !d || t[4] != '-' || t[7] != '-')
    throw std::invalid_argument("expected a date YYYY-MM-DD (a year from 1000 to 9999), got '" +
                                iso + "'");
  std::chrono::year_month_day ymd{std::chrono::year{int(*y)}, std::chrono::month{unsigned(*m)},
                                  std::chrono::day{unsigned(*d)}};
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

using detail::Ctx;
using detail::Known;
using detail::Reader;
using detail::read_rows;

// The entries of a keyed table, each read through its rows with its id known.
template <class S>
std::vector<S> read_entries(Reader& r, const Ctx& top, const char* key,
                            const std::vector<detail::Row<S>>& rows, Known& k) {
  std::vector<S> out;
  for (auto& [id, c] : r.entries(top, key)) {
    S x;
    x.id = id;
    k.id = id;
    read_rows(r, c, x, rows, k);
    out.push_back(std::move(x));
  }
  k.id.clear();
  return out;
}

Scenario read_scenario(Reader& r, const toml::table& root, const std::string& path,
                       std::vector<Diagnostic>& diags) {
  Scenario s;
  s.file = path;
  Ctx top;
  top.table = &root;
  top.where = {path, 1, 1};
  s.places[""] = top.where;
  Known k;
  k.s = &s;

  read_rows(r, r.table(top, "contest"), s, detail::contest_rows(), k);
  s.candidates = read_entries(r, top, "candidates", detail::candidate_rows(), k);
  for (const auto& c : s.candidates) k.candidates.push_back(c.id);

  // CLPs: the source, the CLPs built from it, then what needs their regions.
  const Ctx clps = r.table(top, "clps");
  read_rows(r, clps, s.clp_source, detail::clp_rows(), k);
  {
    // A path relative to the file that names it (an including file may live elsewhere).
    auto beside = [&](const char* key, const std::string& file) {
      std::string base = path;
      if (const toml::node* n = clps.get(key); n && n->source().path) base = *n->source().path;
      return (std::filesystem::path(base).parent_path() / file).string();
    };
    std::vector<double> covariate;
    // A CSV that cannot be read leaves nothing for the regional multipliers to apply to.
    if (detail::build_clps(s, beside("file", s.clp_source.file), covariate, diags)) {
      read_rows(r, clps, s.clp_source, detail::clp_region_rows(), k);
      detail::finish_clps(s, covariate);
      if (!s.clp_source.identity.empty())
        detail::read_clp_identity(s, beside("identity", s.clp_source.identity), diags);
    }
  }
  for (const auto& c : s.clps) k.clps.push_back(c.name);

  s.factions = read_entries(r, top, "factions", detail::faction_rows(), k);
  for (const auto& f : s.factions) k.factions.push_back(f.id);
  read_rows(r, r.table(top, "population"), s, detail::population_rows(), k);
  // Affiliates before waves: waves of affiliated supporters are split among them.
  s.affiliates = read_entries(r, top, "affiliates", detail::affiliate_rows(), k);
  s.waves = read_entries(r, top, "waves", detail::wave_rows(), k);
  read_rows(r, r.table(top, "registration"), s.registration, detail::registration_rows(), k);
  read_rows(r, r.table(top, "eligibility"), s.eligibility, detail::eligibility_rows(), k);
  const Ctx mps = r.table(top, "mps");
  read_rows(r, mps, s.mps, detail::mp_rows(), k);
  s.mps.support_given = mps.get("support") != nullptr;  // calibrate MPs' first choices to it
  read_rows(r, r.table(top, "meetings"), s.meetings, detail::meeting_rows(), k);
  read_rows(r, r.table(top, "campaign"), s.campaign, detail::campaign_rows(), k);
  read_rows(r, r.table(top, "ballot"), s.ballot, detail::ballot_rows(), k);
  const Ctx rules = r.table(top, "rules");
  read_rows(r, rules, s.rules, detail::rule_rows(), k);
  read_rows(r, r.table(rules, "mp_nominations"), s.rules.mp_nominations,
            detail::mp_nomination_rows(), k);
  read_rows(r, r.table(rules, "supporting_nominations"), s.rules.supporting,
            detail::supporting_rows(), k);
  read_rows(r, r.table(rules, "mp_ballot"), s.rules.mp_ballot, detail::mp_ballot_rows(), k);
  read_rows(r, r.table(rules, "final_ballot"), s.rules.final_ballot, detail::final_ballot_rows(),
            k);
  return s;
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  std::vector<Diagnostic> diags;
  std::vector<std::string> files, hashes;
  toml::table root = detail::load_with_includes(path, diags, files, hashes);
  if (!diags.empty()) throw InputError(diags);  // syntax errors: the tree is not worth reading
  root.erase("sweep");  // a sweep's spec (sweep.hpp reads it): not part of the contest
  for (const auto& o : overrides) detail::apply_override(root, o, diags, files);
  if (!diags.empty()) throw InputError(diags);

  std::vector<ResolvedParam> resolved;
  std::unordered_map<std::string, SourcePlace> places;
  Reader r(diags, resolved, places);
  r.set_file_order(files);
  Scenario s = read_scenario(r, root, path, diags);
  for (auto& [k, p] : places) s.places.insert_or_assign(k, p);
  detail::check_together(s, diags);
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
  if (!s.posterior.empty()) detail::load_posterior(s, path, overrides);
  return s;
}

}  // namespace leadsim
