// bindings.hpp: what the binding files share: the Python Scenario (a loaded scenario with the
// overrides it was loaded with; run and sweep take it) and the functions that add each part of
// the module (module.cpp calls them in order).
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "leadsim/scenario.hpp"

namespace leadsim::python {

namespace py = pybind11;

// (path, TOML value) pairs, in order, one per path.
using Overrides = std::vector<std::pair<std::string, std::string>>;

struct PyScenario {
  std::string path;
  Overrides overrides;
  std::shared_ptr<const Scenario> s;

  // Loads `path` with the overrides (a later one for a path replaces an earlier one). Throws
  // InputError (ScenarioError in Python).
  static PyScenario load(const std::string& path, Overrides overrides);
};

void bind_scenario(py::module_& m);  // Diagnostic, ScenarioError, Scenario, load
void bind_run(py::module_& m);       // Result, run
void bind_sweep(py::module_& m);     // sweep
void bind_calibrate(py::module_& m); // calibrate, target
void bind_score(py::module_& m);     // score

}  // namespace leadsim::python
