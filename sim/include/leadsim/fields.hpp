// fields.hpp: every scenario parameter described once, as data.
//
// A scenario file's keys are the fields of the Scenario structs (scenario.hpp). Each field is one
// row of a typed table kept beside the loader (sim/src/scenario_fields.cpp): its key path, a
// label for people, the member it fills, its kind and domain, unit, meaning, default (read from
// the struct's own member initialiser, so it is written once) and what it affects. That one
// table drives
//   - the TOML reader and its located checks (load_scenario),
//   - check_scenario(), the same checks for a Scenario built in code,
//   - `leadsim keys` and the README's key table,
//   - `--set` (a path is known if the table has it),
//   - the visualiser's widgets (labelled by label and unit, the key in the tooltip) and the
//     sweep's parameter kinds (by kind and domain, not prose),
//   - the population cache signature (by what the field affects: a new field read by the
//     population synthesis is declared so in its row, or the cache test fails).
// This header is the table's public face: a read-only description of each row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leadsim {

// What a field holds, which fixes how it is read, checked, printed and edited.
enum class FieldKind : std::uint8_t {
  number,       // a real number in [lo, hi] (or (lo, hi] when lo_open)
  probability,  // a real number in [0, 1] meaning a probability
  whole,        // an integer in [lo, hi]
  boolean,      // true / false
  date,         // a TOML date (a "YYYY-MM-DD" string is accepted too)
  text,         // a string
  word,         // one of a fixed set of words (words)
  shares,       // a table of shares by id (of), summing to 1; extra: an optional last slot
  vector,       // an array of numbers in [lo, hi], one per policy dimension
  regional,     // a table region -> number in [lo, hi]
  texts,        // an array of strings (words: the allowed ones, if any)
  wholes,       // an array of non-negative integers
  references,   // an array of names of things of kind `of` (CLPs)
  table,        // a table of one thing's name -> another's id (of), read as a whole
  weights,      // a table of sections -> weights summing to 1 (an electoral college)
};

// What changing a field changes (a bit set).
enum Affects : std::uint8_t {
  affects_population = 1,  // the synthesised people (synthesise() reads it): a new population
  affects_runs = 2,        // what happens in a run
  affects_rules = 4,       // the rulebook: which stages run and how votes count
  affects_output = 8,      // only what is printed (names, titles)
};

struct Field {
  std::string path;  // as --set takes it, with <id> for entries of keyed tables:
                     // "meetings.chair_bias", "waves.<id>.activism", "ballot.turnout.member"
  std::string label;  // its name for a person, a few words in sentence case ("Meetings held",
                      // "Care about the gap"): the visualiser's widgets show it (with the unit),
                      // the key and meaning going to the tooltip; every field has one
  FieldKind kind = FieldKind::number;
  double lo = 0, hi = 0;   // domain of number, whole, vector, regional
  bool lo_open = false;    // (lo, hi]: lo itself is not allowed
  std::vector<std::string> words;  // word / texts: the allowed words, in the order shown
  std::string of;          // shares, references, table: what the ids are ("faction", "CLP", ...)
  std::string extra;       // shares: an extra slot allowed besides the ids ("none")
  std::string unit;
  std::string meaning;
  std::string def;         // the default as TOML text, or "required", or how it is derived
  std::uint8_t affects = affects_runs;

  bool keyed() const { return path.find("<id>") != std::string::npos; }
  // The type in words, e.g. "number [0, 1]", "one of: chair, lot" (for `leadsim keys`).
  std::string type() const;
  // Whether the value is a number on a line (number, probability, whole, date): what a sweep can
  // take a range of and a slider can move.
  bool scalar() const;
};

// Every field, in the order the loader reads them (the order of `leadsim keys`).
const std::vector<Field>& scenario_fields();

// The field a concrete path names: "waves.new.size" is "waves.<id>.size"; one region's entry of a
// regional field, "factions.left.region_lean.London", is that field (a number in its domain,
// which --set, a calibration and a posterior can each set alone); null if none.
const Field* find_field(std::string_view path);

// What a field's Affects bits say, in words: "population", "runs", "rules, runs", "output".
std::string affects_text(std::uint8_t affects);

// "number", "probability", ...: the kind's name.
std::string_view field_kind_id(FieldKind k);

}  // namespace leadsim
