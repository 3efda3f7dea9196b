// scenario_fields.hpp (private): the typed field table behind fields.hpp.
//
// One Row per key of a scenario struct: the key (dotted keys descend into sub-tables: "turnout.member"),
// its label, kind and domain, the member it fills, unit, meaning and what it affects. The default is the
// member's own initialiser (read from a default-constructed struct), except where a Row says it
// is derived (the ballot date, the entry's id, equal shares). read_rows() reads a struct's rows
// from the tree in order; check_rows() checks a struct's values against the same domains (for a
// Scenario built in code); describe_rows() makes the public Field list.
//
// Adding a parameter: a member with its default in scenario.hpp, one Row in
// scenario_fields.cpp (its label too: test_scenario's Fields.EveryFieldHasALabel), and its use in
// the mechanism. Nothing else.
#pragma once

#include "leadsim/eigen.hpp"
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "leadsim/fields.hpp"
#include "leadsim/scenario.hpp"
#include "scenario_reader.hpp"

namespace leadsim::detail {

// A member holding an enum, seen as the index of its word.
template <class S>
struct WordRef {
  int (*get)(const S&) = nullptr;
  void (*set)(S&, int) = nullptr;
};

// Where a Row's value lives in its struct.
template <class S>
using Member = std::variant<std::monostate, double S::*, int S::*, std::int64_t S::*, bool S::*,
                            std::string S::*, std::vector<double> S::*, Eigen::VectorXd S::*,
                            std::vector<int> S::*, std::vector<std::string> S::*,
                            double& (*)(S&), WordRef<S>>;

// How a Row's default is found.
enum class Default : std::uint8_t {
  member,       // the member's initialiser
  required,     // none: the key must be given
  ballot_day,   // contest.ballot_date
  entry_id,     // the entry's own id (names of keyed entries)
  equal_shares, // shares: 1/n over the ids
};

// What the tables read before tell a later one (ids, regions, dimensions).
struct Known {
  Scenario* s = nullptr;
  std::string id;                       // the entry being read, in keyed tables
  std::vector<std::string> candidates;  // ids
  std::vector<std::string> factions;    // ids
  std::vector<std::string> clps;        // names
  std::vector<std::string> ids_of(const std::string& what) const;
};

template <class S>
struct Row;
// A field with a reading of its own (kinds used once, or checks that need the tree).
template <class S>
using CustomRead = void (*)(Reader&, const Ctx&, S&, const Row<S>&, Known&);

template <class S>
struct Row {
  const char* key;
  const char* label;  // a few words, sentence case: what a person calls it (Field::label)
  FieldKind kind;
  Member<S> member;
  double lo = 0, hi = 0;
  bool lo_open = false;
  const char* unit = "";
  const char* meaning = "";
  std::vector<std::string> words;  // word: the words, in the order they are shown
  std::vector<int> values;         // word: the enum's value of each word (empty: 0, 1, ...)
  const char* of = "";                  // shares, references, table: what the ids name
  const char* extra = "";               // shares: an extra slot ("none")
  Default def = Default::member;
  double fill = 0;                      // regional: the value of a region not listed
  const char* def_text = nullptr;       // the default as shown, where no value can say it
  std::uint8_t affects = affects_runs;
  CustomRead<S> read = nullptr;
};

// The enum member M as the index of its word (words listed in the enum's order).
template <auto M, class S, class E>
WordRef<S> word_of(E S::*) {
  return {[](const S& s) { return int(s.*M); }, [](S& s, int v) { s.*M = E(v); }};
}
template <auto M>
auto word() {
  return word_of<M>(M);
}

// Reads the rows of one struct from table `c` into `obj`, in order.
template <class S>
void read_rows(Reader& r, const Ctx& c, S& obj, const std::vector<Row<S>>& rows, Known& k);
// Checks every value of `obj` against its row's domain; `path` is the table's path.
template <class S>
void check_rows(const S& obj, const std::vector<Row<S>>& rows, const std::string& path,
                const Known& k, std::vector<Diagnostic>& out, const Scenario& s);

// check_scenario()'s two parts (scenario_check.cpp): every value in its field's domain; the
// values together. The loader's reader does the first as it reads.
void check_values(const Scenario& s, std::vector<Diagnostic>& out);
void check_together(const Scenario& s, std::vector<Diagnostic>& out);

// The tables, one per struct (scenario_fields.cpp), in the order the loader reads them.
const std::vector<Row<Scenario>>& contest_rows();
const std::vector<Row<Candidate>>& candidate_rows();
const std::vector<Row<ClpSource>>& clp_rows();         // before the CLPs are built
const std::vector<Row<ClpSource>>& clp_region_rows();  // after (they need the regions)
const std::vector<Row<Faction>>& faction_rows();
const std::vector<Row<Scenario>>& population_rows();
const std::vector<Row<Affiliate>>& affiliate_rows();
const std::vector<Row<Wave>>& wave_rows();
const std::vector<Row<Registration>>& registration_rows();
const std::vector<Row<Eligibility>>& eligibility_rows();
const std::vector<Row<MpRules>>& mp_rows();
const std::vector<Row<MeetingRules>>& meeting_rows();
const std::vector<Row<Campaign>>& campaign_rows();
const std::vector<Row<BallotRules>>& ballot_rows();
const std::vector<Row<Rulebook>>& rule_rows();
const std::vector<Row<MpNominationRules>>& mp_nomination_rows();
const std::vector<Row<SupportingRules>>& supporting_rows();
const std::vector<Row<MpBallotRules>>& mp_ballot_rows();
const std::vector<Row<FinalBallotRules>>& final_ballot_rows();

}  // namespace leadsim::detail
