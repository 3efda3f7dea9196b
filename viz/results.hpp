// results.hpp: what the Monte Carlo runs of one job have produced, in the form the views read.
//
// Two kinds of record, both filled run by run in run order:
//   Summary (the library's)  aggregates: wins, fine histograms of shares and nominations, per-CLP
//                            nomination counts, attendance and turnout distributions
//   RunTable (here)          one row per run of every run field (the library's run-column
//                            schema): the compare view pairs run i of two results (common random
//                            numbers make paired differences far more precise).
// Derived here, as plain functions the views and tests share: the CLP table rows and the
// differences between a pinned result and the current one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "leadsim/contest.hpp"
#include "leadsim/population.hpp"
#include "leadsim/run_columns.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/summary.hpp"
#include "plot.hpp"

namespace leadsim::viz {

// One row per run of every field of the library's run-column schema (run_columns.hpp:
// run_fields(), in its order), so a new run field needs nothing here. Column-major by field;
// within a field, row-major, each row's cells as append_row() lays them ([section][candidate]).
struct RunTable {
  // Rows kept: enough for any comparison (250,000 pairs pin a difference to a few tenths of a
  // point at worst) while memory stays bounded (about 76 + 60 per candidate bytes a row: 50 MB for
  // two candidates, 95 MB for five) however many runs are asked for.
  static constexpr std::size_t kMaxRows = 250'000;

  // One field's cells: reals as float, integers (booleans, indices) as 32 bits, or 64 when the
  // field is wide; the other two vectors stay empty.
  struct Column {
    const RunField* field = nullptr;
    std::size_t cells = 1;  // per row
    std::vector<float> real;
    std::vector<std::int32_t> narrow;
    std::vector<std::int64_t> wide;
    double at(std::size_t row, std::size_t cell = 0) const {
      const std::size_t i = row * cells + cell;
      return field->real ? double(real[i]) : field->wide ? double(wide[i]) : double(narrow[i]);
    }
  };

  int candidates = 0;
  std::vector<Column> columns;  // one per run field, indexed by RunFieldId

  void reset(int k);
  void add(const RunResult& r);  // ignored once kMaxRows rows are kept
  std::size_t size() const { return rows_; }
  // Appends rows [from, other.size()) of `other` (same candidates).
  void append(const RunTable& other, std::size_t from);

  const Column& column(RunFieldId id) const { return columns[size_t(id)]; }
  double value(RunFieldId id, std::size_t row, std::size_t cell = 0) const {
    return column(id).at(row, cell);
  }
  double share_of(std::size_t row, int c) const { return value(RunFieldId::share, row, size_t(c)); }
  double first_of(std::size_t row, int section, int c) const {
    return value(RunFieldId::first_share, row, size_t(section) * size_t(candidates) + size_t(c));
  }
  double nominations_of(std::size_t row, int c) const {
    return value(RunFieldId::nominations, row, size_t(c));
  }
  int winner_of(std::size_t row) const { return int(value(RunFieldId::winner, row)); }
  double attendance_rate_of(std::size_t row) const { return value(RunFieldId::attendance_rate, row); }
  double turnout_of(std::size_t row, int section) const {
    return value(RunFieldId::turnout, row, size_t(section));
  }

 private:
  std::size_t rows_ = 0;
};

// The results of one job: a scenario (with the overrides that made it), its population, the
// runs so far.
struct Results {
  std::uint64_t job = 0;  // 0: nothing yet
  std::shared_ptr<const Scenario> scenario;
  std::shared_ptr<const Population> population;
  std::vector<std::string> overrides;  // as edited: "path=value"
  std::uint64_t seed = 1, runs_requested = 0;
  std::optional<Summary> summary;
  RunTable runs;
  bool complete = false, cancelled = false;

  std::uint64_t count() const { return summary ? summary->runs : 0; }
  bool empty() const { return count() == 0; }
  int candidates() const { return scenario ? int(scenario->candidates.size()) : 0; }
};

// One CLP as the table and scatter show it (probabilities over the runs so far).
struct ClpRow {
  int clp = 0;
  std::string name, nation, region;
  bool has_mp = false;
  double p_met = 0;                // share of runs in which it held a meeting
  std::vector<double> p_nominate;  // per candidate: share of runs it nominated them
  double p_none = 0;               // share of runs with no nomination (no meeting, inquorate)
  int likely = -1;                 // the candidate it most often nominated, -1 if none
  double mean_attendance = 0;      // attendees per meeting held
  double mean_eligible = 0;        // eligible members per meeting held
  double attendance_rate = 0;      // attendance / eligible
  double covariate = 0;            // the scenario's CLP covariate (standardised)
  std::vector<double> meeting_share;  // per candidate: share of the first-round meeting vote
};
std::vector<ClpRow> clp_rows(const Results& r);

// A number compared between the pinned result (b) and the current one (a): a - b, paired by run.
struct Difference {
  std::string what;  // "P(win) Jeremy Corbyn"
  Unit unit = Unit::percent;
  double pinned = 0, current = 0;
  Interval diff;  // current - pinned with its 95% interval
  std::uint64_t pairs = 0;
};
// Win probability, mean final share, mean CLP nominations and first preferences by section per
// candidate, then attendance and turnout: every number the overview shows, as differences.
// The results must be of the same candidates (ids); otherwise the list is empty.
std::vector<Difference> differences(const Results& current, const Results& pinned);

// Members of each CLP who may attend its meeting (joined by the meeting freeze, in good standing),
// by wave: [clp][wave]. From the population alone, for the scatter's covariates.
std::vector<std::vector<int>> eligible_by_wave(const Scenario& s, const Population& pop);

// Each CLP's members' support for each candidate before any meeting: the share of members who
// may attend whose first choice it is, averaged over `runs` runs' faction draws and swings
// (without the local MP's endorsement or momentum). [clp][candidate]. About 15 ms per run
// for 900,000 people.
std::vector<std::vector<double>> member_support(const Scenario& s, const Population& pop,
                                                std::uint64_t seed, int runs);

}  // namespace leadsim::viz
