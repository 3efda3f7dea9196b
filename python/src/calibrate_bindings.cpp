// calibrate_bindings.cpp: leadsim.calibrate() and leadsim.target(), the calibration and the
// inverse question (calibration.hpp, target.hpp), returned as the dicts their JSON files hold.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <atomic>
#include <memory>
#include <optional>

#include "bindings.hpp"
#include "conversions.hpp"
#include "leadsim/calibration.hpp"
#include "leadsim/output_dir.hpp"
#include "leadsim/placement.hpp"
#include "leadsim/target.hpp"

namespace leadsim::python {

namespace {

// A Scenario object or a path: the file and the overrides the spec's runs take on top.
std::pair<std::string, std::vector<std::string>> scenario_of(const py::object& scenario) {
  if (py::isinstance<py::str>(scenario)) return {scenario.cast<std::string>(), {}};
  const PyScenario ps = scenario.cast<PyScenario>();
  std::vector<std::string> set;
  for (const auto& [k, v] : ps.overrides) set.push_back(k + "=" + v);
  return {ps.path, set};
}

py::dict parse_json(const std::string& text) {
  return py::module_::import("json").attr("loads")(text).cast<py::dict>();
}

py::dict calibrate(const py::object& scenario, const std::string& spec_path, int threads,
                   const std::optional<std::string>& out, bool resume) {
  if (threads < 0) throw py::value_error("leadsim.calibrate: threads must be >= 0 (0: all cores)");
  if (resume && !out) throw py::value_error("leadsim.calibrate: resume=True needs out= (the folder to resume)");
  auto [file, set] = scenario_of(scenario);
  CalibrationSpec spec = load_calibration_spec(spec_path);
  spec.set.insert(spec.set.begin(), set.begin(), set.end());
  const Scenario base = load_scenario(file, spec.set);
  check_calibration_spec(spec, base);
  std::atomic<bool> cancel{false};
  CalibrationResult r;
  without_gil(
      [&] {
        // With out=, the folder `leadsim calibrate` writes, checkpointed after each generation
        // (so resume=True goes on after an interruption, as --resume does).
        std::unique_ptr<OutputDir> dir;
        std::unique_ptr<CalibrationFolder> folder;
        if (out) {
          dir = std::make_unique<OutputDir>(*out);
          folder = std::make_unique<CalibrationFolder>(*out, base, spec, resume);
        }
        r = leadsim::calibrate(
            base, spec, threads,
            [&](const CalibrationCheckpoint& c) {
              if (folder) folder->save(c);
            },
            {}, &cancel, folder ? folder->resumed() : nullptr);
        if (r.abc.cancelled || !dir) return;
        folder->finish(*dir, r, file);
        dir->commit();
      },
      cancel);
  py::dict d = parse_json(calibration_json(base, spec, r));
  // This call's speed, which calibration.json leaves out (the file is the same bytes however the
  // calibration ran).
  d["seconds"] = r.seconds;
  d["runs_per_second"] = r.seconds > 0 ? double(r.runs - r.resumed_runs) / r.seconds : 0.0;
  // The last generation as arrays: each parameter's values, the weights and the distances.
  const Generation& g = r.abc.generations.back();
  py::dict particles;
  for (size_t p = 0; p < spec.params.size(); ++p) {
    py::array_t<double> a(py::ssize_t(g.particles.size()));
    for (size_t i = 0; i < g.particles.size(); ++i) a.mutable_at(py::ssize_t(i)) = g.particles[i].theta[p];
    particles[py::str(spec.params[p].path)] = a;
  }
  py::array_t<double> w(py::ssize_t(g.particles.size())), dist(py::ssize_t(g.particles.size()));
  for (size_t i = 0; i < g.particles.size(); ++i) {
    w.mutable_at(py::ssize_t(i)) = g.particles[i].weight;
    dist.mutable_at(py::ssize_t(i)) = g.particles[i].distance;
  }
  d["particles"] = particles;
  d["weights"] = w;
  d["distances"] = dist;
  return d;
}

// A [placement] spec: which CLPs a budget of joiners should join (placement.hpp).
py::dict placement(const std::string& file, const std::vector<std::string>& set,
                   const std::string& spec_path, int threads, const std::optional<std::string>& out) {
  PlacementSpec spec = load_placement_spec(spec_path);
  spec.set.insert(spec.set.begin(), set.begin(), set.end());
  const Scenario base = load_scenario(file, spec.set);
  check_placement_spec(spec, base);
  std::atomic<bool> cancel{false};
  PlacementResult r;
  without_gil(
      [&] {
        std::unique_ptr<OutputDir> dir;
        if (out) dir = std::make_unique<OutputDir>(*out);
        r = place_joiners(base, spec, threads, {}, &cancel);
        if (r.cancelled || !dir) return;
        dir->open("placement.json") << placement_json(base, spec, r);
        dir->open("placement.csv") << placement_csv(base, r);
        dir->open("curves.csv") << placement_curves_csv(base, r);
        dir->commit();
      },
      cancel);
  py::dict d = parse_json(placement_json(base, spec, r));
  // The cost curves as arrays [CLP, level]: the joiners each level put there and the isotonic P.
  const py::ssize_t n = py::ssize_t(r.curves.size()), levels = py::ssize_t(r.levels.size());
  py::array_t<std::int64_t> joiners({n, levels});
  py::array_t<double> p({n, levels});
  py::list names;
  for (py::ssize_t i = 0; i < n; ++i) {
    const PlacementCurve& c = r.curves[size_t(i)];
    names.append(base.clps[size_t(c.clp)].name);
    for (py::ssize_t l = 0; l < levels; ++l) {
      joiners.mutable_at(i, l) = c.joiners[size_t(l)];
      p.mutable_at(i, l) = c.p[size_t(l)];
    }
  }
  d["curve_clps"] = names;
  d["curve_joiners"] = joiners;
  d["curve_p"] = p;
  return d;
}

py::dict target(const py::object& scenario, const std::string& spec_path, int threads,
                const std::optional<std::string>& out) {
  if (threads < 0) throw py::value_error("leadsim.target: threads must be >= 0 (0: all cores)");
  auto [file, set] = scenario_of(scenario);
  if (is_placement_spec(spec_path)) return placement(file, set, spec_path, threads, out);
  TargetSpec spec = load_target_spec(spec_path);
  spec.set.insert(spec.set.begin(), set.begin(), set.end());
  const Scenario base = load_scenario(file, spec.set);
  check_target_spec(spec, base);
  std::atomic<bool> cancel{false};
  TargetResult r;
  without_gil(
      [&] {
        std::unique_ptr<OutputDir> dir;
        if (out) dir = std::make_unique<OutputDir>(*out);
        r = find_target(base, spec, threads, {}, &cancel);
        if (r.cancelled || !dir) return;
        dir->open("target.json") << target_json(base, spec, r);
        dir->commit();
      },
      cancel);
  return parse_json(target_json(base, spec, r));
}

}  // namespace

void bind_calibrate(py::module_& m) {
  m.def("calibrate", &calibrate, py::arg("scenario"), py::arg("spec"), py::arg("threads") = 0,
        py::arg("out") = py::none(), py::arg("resume") = false,
        R"(Fits a scenario's free parameters to observed outcomes by ABC-SMC.

leadsim.calibrate(scenario, spec, threads=0, out=None, resume=False)

scenario: a leadsim.Scenario (its overrides apply to every particle) or a scenario path. spec:
a calibration spec file ([calibration] with parameters and their priors, targets with observed
values and scales: runs.csv columns, quantities summed over named CLPs, and [calibration.outcomes]'s
counts from a per-CLP nominations file; README "Calibration"). Returns the dict calibration.json holds (settings,
each generation's tolerance, acceptance rate and effective sample size, runs spent, the
posterior summary, and 'warnings': a posterior pressing against a prior's bound, a target outside
its 90% predictive interval; README "Calibration" states the rule) plus the last generation as numpy arrays: 'particles' (parameter path ->
values), 'weights', 'distances'. The same numbers whatever `threads`. With out="DIR" it also
writes the folder `leadsim calibrate` writes (posterior.csv, particles.csv, checks.csv,
calibration.json, calibrated.toml), all or nothing, and its calibration.checkpoint after each
generation; resume=True (with out=) goes on from the checkpoint an interrupted calibration left
there, to the same numbers and files as an uninterrupted one ('seconds' and 'runs_per_second',
this call's, are the only keys not from calibration.json). Raises leadsim.ScenarioError
(file:line) for a bad spec, or a resume of another calibration's folder.)");
  m.def("target", &target, py::arg("scenario"), py::arg("spec"), py::arg("threads") = 0,
        py::arg("out") = py::none(),
        R"(The smallest value of a parameter at which an outcome reaches a probability.

leadsim.target(scenario, spec, threads=0, out=None)

scenario: a leadsim.Scenario or a scenario path. spec: a target spec file ([target] with the
parameter, min, max, precision, probability, confidence, runs, max_runs, seed, and
[target.outcome]: clp_nominates, nominations_at_least or wins; README "Target"). Returns the dict
target.json holds: 'found', 'at_min', 'answer' (the smallest value shown to reach the
probability), 'interval' (the bracket), 'undecided', 'runs', and 'probes' (every value tried
with its runs, successes, P and interval, verdict). With out="DIR" it writes target.json there.

With a placement spec ([placement]: wave, candidate, budget, step, max_per_clp, runs, seed, clps;
README "Target") it answers the placement question instead: the dict placement.json holds
('chosen': each CLP given joiners with P before and after; 'held_out_gain' and its standard
error 'held_out_gain_se', the honest expected gain in nominations; 'fitted_gain'), plus the cost
curves as numpy arrays: 'curve_clps' (names), 'curve_joiners' and 'curve_p' ([CLP, level]). With
out="DIR" it writes placement.json, placement.csv and curves.csv.)");
}

}  // namespace leadsim::python
