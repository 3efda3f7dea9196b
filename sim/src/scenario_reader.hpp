// scenario_reader.hpp (private): reading values out of a scenario's TOML tree, each checked
// where it stands.
//
// A Reader walks the tree the loader parsed (scenario_files.hpp). Each typed read names the key,
// its default and its domain; it (1) checks the value and records a diagnostic at the value's
// file:line:column if it is wrong (keeping the default, so one mistake does not cascade),
// (2) records the value in force as TOML text for the manifest (Scenario::resolved) and where it
// was written (Scenario::places), and (3) marks the node as understood, so that anything left
// unmarked afterwards is an unknown key (reported with a did-you-mean). The field table
// (scenario_fields.hpp) says which read each key gets; this file knows nothing of the keys.
#pragma once

#include "leadsim/eigen.hpp"
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <toml++/toml.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "leadsim/scenario.hpp"

namespace leadsim::detail {

SourcePlace place_of(const toml::node& n);
// A node's value as one line of TOML text (tables inline), for messages and the manifest.
std::string toml_repr(const toml::node& n);

// v in [lo, hi] (or (lo, hi] when lo_open), and finite: the one test of a number against its
// domain. Written so that NaN, which compares false with everything, fails it (a check written as
// "v < lo || v > hi" lets NaN through, and NaN then reaches the model as a valid value).
inline bool in_domain(double v, double lo, double hi, bool lo_open = false) {
  return std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
}
// ": it must be a finite number" when v is NaN or infinite (toml++ reads nan and inf as
// numbers), else "": added to a message about a value outside its domain.
std::string finite_note(double v);

// "[lo, hi]" or "(lo, hi]" (an infinite end as "inf"): a domain as messages and `keys` show it.
std::string range_text(double lo, double hi, bool lo_open);
// The messages for a value outside its domain, the same whether the reader found it in a file
// or check_scenario() in a Scenario built in code.
std::string number_out_of_range(const std::string& path, double v, double lo, double hi,
                                bool lo_open, const std::string& unit);
std::string integer_out_of_range(const std::string& path, std::int64_t v, std::int64_t lo,
                                 std::int64_t hi, const std::string& unit);
// Where `path` (a key or a table) was written, else the nearest table around it, else the file.
SourcePlace place_in(const Scenario& s, const std::string& path);

// A position in the tree being read: the table (null when absent) and its dotted path.
struct Ctx {
  const toml::table* table = nullptr;
  std::string path;
  SourcePlace where;  // where the table starts (for "missing key" messages)

  std::string key_path(std::string_view key) const {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
  const toml::node* get(std::string_view key) const { return table ? table->get(key) : nullptr; }
};

class Reader {
 public:
  Reader(std::vector<Diagnostic>& diags, std::vector<ResolvedParam>& resolved,
         std::unordered_map<std::string, SourcePlace>& places)
      : diags_(diags), resolved_(resolved), places_(places) {}

  void error(const SourcePlace& p, std::string msg) {
    diags_.push_back({p.file, p.line, p.column, std::move(msg)});
  }
  void error_at(const toml::node& n, std::string msg) { error(place_of(n), std::move(msg)); }

  // Looks a key up and marks it understood. Returns null when absent.
  const toml::node* find(const Ctx& c, std::string_view key);
  // Records the value in force (TOML text) of c.key, and where it was written if it was.
  void resolve(const Ctx& c, std::string_view key, std::string value);
  // Records a whole table's value in force (for tables read entry by entry).
  void resolve_table(const Ctx& parent, std::string_view key);

  // A sub-table (absent is fine: everything in it takes its default).
  Ctx table(const Ctx& c, std::string_view key);
  // Entries of a keyed table such as [candidates.X], in file order.
  std::vector<std::pair<std::string, Ctx>> entries(const Ctx& c, std::string_view key);

  double number(const Ctx& c, std::string_view key, double def, double lo, double hi,
                const std::string& unit, bool lo_open = false);
  std::int64_t integer(const Ctx& c, std::string_view key, std::int64_t def, std::int64_t lo,
                       std::int64_t hi, const std::string& unit);
  bool boolean(const Ctx& c, std::string_view key, bool def);
  std::string text(const Ctx& c, std::string_view key, std::string def);
  // One of a fixed set of words; returns the index of the word in `words`.
  int choice(const Ctx& c, std::string_view key, int def, const std::vector<std::string>& words);
  Day date(const Ctx& c, std::string_view key, std::optional<Day> def);
  // A fixed-length vector of numbers (a position in policy space).
  Eigen::VectorXd vector(const Ctx& c, std::string_view key, int dims, double lo, double hi);
  // Shares over named things (factions, candidates...) that must sum to 1. `extra` names an
  // optional additional slot (e.g. "none") placed last.
  std::vector<double> shares(const Ctx& c, std::string_view key,
                             const std::vector<std::string>& ids, const std::string& extra,
                             bool required, const std::string& what);
  // A list of strings; `nodes` receives each string's node (for messages about one of them).
  std::vector<std::string> strings(const Ctx& c, std::string_view key,
                                   std::vector<const toml::node*>* nodes = nullptr);
  // A table of numbers by region name ({ London = 0.4 }): one value per region, `def` where absent.
  std::vector<double> regional(const Ctx& c, std::string_view key,
                               const std::vector<std::string>& regions, double def, double lo,
                               double hi, const std::string& unit);

  // A node read as a whole by its caller: its children are not unknown keys.
  void mark_opaque(const toml::node* n) { opaque_.insert(n); }
  // After reading: report every key in the tree that no read asked for.
  void report_unknown(const toml::table& root, const std::string& path = "");
  // Files in reading order (includes first): entries of keyed tables are sorted by it.
  void set_file_order(std::vector<std::string> files) { files_ = std::move(files); }

 private:
  int file_rank(const std::string& f) const;

  std::vector<Diagnostic>& diags_;
  std::vector<ResolvedParam>& resolved_;
  std::unordered_map<std::string, SourcePlace>& places_;
  std::unordered_set<const toml::node*> seen_, opaque_;
  std::unordered_map<const toml::table*, std::vector<std::string>> asked_;
  std::vector<std::string> files_;
};

}  // namespace leadsim::detail
