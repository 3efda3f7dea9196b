// report.hpp: what a run of many contests leaves behind.
//
//   OutputDir     (output_dir.hpp) a folder whose files change all together or not at all
//   RunsCsv       streams runs.csv, one row per run, as runs finish (a RunObserver)
//   write_summary_json, write_clps_csv   the aggregates, with a manifest
//   format_report the readable summary `leadsim run` prints
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "leadsim/ensemble.hpp"
#include "leadsim/output_dir.hpp"
#include "leadsim/run_columns.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

// Where the numbers came from: printed into every output.
struct Manifest {
  std::string version;
  std::string git_commit;
  std::uint64_t seed = 0;
  std::uint64_t runs = 0;
  std::int64_t agents = 0;
};
Manifest make_manifest(const Scenario& s, std::uint64_t seed, std::uint64_t runs);
const char* leadsim_version();

// runs.csv: one row per run, the columns of run_columns(s) (run_columns.hpp): run, winner,
// rounds, ..., then per candidate X share_X, first_X_<section>..., nominations_X, ..., then the
// meeting and turnout columns. The header is written on construction.
class RunsCsv : public RunObserver {
 public:
  RunsCsv(const Scenario& s, std::ostream& out);
  void on_run(const RunResult& r) override;

 private:
  const Scenario& s_;
  std::ostream& out_;
  std::vector<RunColumn> columns_;
};

void write_summary_json(std::ostream& out, const Scenario& s, const Manifest& m,
                        const Summary& summary);
void write_clps_csv(std::ostream& out, const Scenario& s, const Summary& summary);

// The readable summary (tables of win probabilities, shares, nominations, meetings, turnout).
std::string format_report(const Scenario& s, const Manifest& m, const EnsembleResult& r);

// A count of given ballots (`leadsim count`), round by round: as a table, and as JSON.
std::string format_count(const Scenario& s, const CountRules& rules, const CountResult& r);
std::string count_json(const Scenario& s, const CountRules& rules, const CountResult& r);

// Why the meeting of CLP `clp` was held or not, and in its format, in sentences (one per line):
// its lasting lean this run, its blocs' draws, then known / requisitioned / the officers' reading.
// Part of format_meeting_story(); the visualiser's inspector shows the same lines.
std::string describe_convening(const Scenario& s, int clp, const MeetingStory& story);

// The story of one CLP's meeting in one run, in prose and small tables.
std::string format_meeting_story(const Scenario& s, int clp, std::uint64_t seed,
                                 std::uint64_t run, const MeetingStory& story);

}  // namespace leadsim
