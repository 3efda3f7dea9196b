// score_bindings.cpp: leadsim.score(): the model's per-CLP nomination probabilities scored
// against observed nominations (score.hpp), returned as the dict score.json holds.
#include <pybind11/stl.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>

#include "bindings.hpp"
#include "conversions.hpp"
#include "leadsim/hexmap.hpp"
#include "leadsim/population.hpp"
#include "leadsim/report.hpp"
#include "leadsim/score.hpp"

namespace leadsim::python {

namespace {

py::dict score(const py::object& scenario, const std::string& observed, std::uint64_t runs,
               std::uint64_t seed, int threads, const std::optional<std::string>& out,
               const std::optional<std::string>& map_candidate) {
  if (runs < 1) throw py::value_error("leadsim.score: runs must be at least 1");
  if (threads < 0) throw py::value_error("leadsim.score: threads must be >= 0 (0: all cores)");
  // A Scenario, or the path of one.
  const PyScenario ps = py::isinstance<py::str>(scenario)
                            ? PyScenario::load(scenario.cast<std::string>(), {})
                            : scenario.cast<PyScenario>();
  const Scenario& s = *ps.s;
  const ObservedOutcomes obs = read_observed_outcomes(s, observed);
  int shown = 0;
  if (map_candidate) {
    if (*map_candidate == "likely") shown = -1;
    else if (*map_candidate == "none") shown = int(s.candidates.size());
    else if ((shown = s.candidate_index(*map_candidate)) < 0)
      throw py::value_error("leadsim.score: map_candidate '" + *map_candidate +
                            "' is not a candidate id, 'none' or 'likely'");
  }
  std::atomic<bool> cancel{false};
  std::string json;
  without_gil(
      [&] {
        std::unique_ptr<OutputDir> dir;
        std::optional<HexMap> map;
        if (out) {
          dir = std::make_unique<OutputDir>(*out);
          if (const std::string path = default_hexmap_path(s.file); std::filesystem::exists(path)) {
            map = read_hexmap(path);
            if (clps_on_map(s, *map) == 0) map.reset();
          }
        }
        const Population pop = synthesise(s, seed);
        EnsembleOptions opt;
        opt.seed = seed;
        opt.runs = runs;
        opt.threads = threads;
        opt.cancel = &cancel;  // set on Ctrl-C: the ensemble stops, without_gil raises
        std::unique_ptr<RunsCsv> runs_csv;
        if (dir) runs_csv = std::make_unique<RunsCsv>(s, dir->open("runs.csv"));
        ScoredEnsemble scored = run_and_score(s, pop, obs, opt, runs_csv.get());
        if (scored.result.cancelled) return;  // nothing committed: the folder is left as it was
        std::ostringstream j;
        write_score_json(j, scored.report);
        json = j.str();
        if (dir) {
          write_summary_json(dir->open("summary.json"), s, make_manifest(s, seed, runs),
                             scored.result.summary);
          write_clps_csv(dir->open("clps.csv"), s, scored.result.summary);
          write_score_files(*dir, scored.report, s, map ? &*map : nullptr, shown);
          dir->commit();
        }
      },
      cancel);
  return py::module_::import("json").attr("loads")(json).cast<py::dict>();
}

}  // namespace

void bind_score(py::module_& m) {
  m.def("score", &score, py::arg("scenario"), py::arg("observed"), py::arg("runs") = 1000,
        py::arg("seed") = 1, py::arg("threads") = 0, py::arg("out") = py::none(),
        py::arg("map_candidate") = py::none(),
        R"(Scores the model's per-CLP nomination probabilities against observed nominations.

leadsim.score(scenario, observed, runs=1000, seed=1, threads=0, out=None, map_candidate=None)

scenario: a leadsim.Scenario or the path of a scenario file. observed: a CSV with columns
clp and nominated (a candidate id or none; other columns ignored), e.g.
scenarios/data/clp_nominations_2015.csv. Runs the contest `runs` times and compares each
CLP's Monte Carlo frequencies with what it did: returns the dict score.json holds (the same
as `leadsim score`): 'brier' and 'log' (model, climatology, uniform and the skills against
them), per outcome in 'outcomes' its one-against-the-rest Brier and log scores (also against
a 0.5 coin), 'auc' with DeLong's and Hanley-McNeil's standard errors, the 'reliability' bins
(count, mean predicted, observed frequency, Wilson 90% interval) and the 'national' totals
over the scored CLPs (observed, mean, q05, q95, inside_90); 'auc_anyone_vs_none', 'scored',
'runs', 'seed', 'observed_sha256'. The climatology baseline is in-sample. With out="DIR" it
also writes that folder as `leadsim score` does (score.json, reliability.svg, map.svg when
the scenario's data folder has ge2015_hexmap.csv, and the run's summary.json, runs.csv,
clps.csv), all or nothing; map_candidate picks the map's candidate id ('likely': the most
likely outcome). Raises leadsim.ScenarioError (file:line) for an unknown CLP or candidate in
`observed`, a missing column or an empty file.)");
}

}  // namespace leadsim::python
