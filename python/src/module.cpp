// module.cpp: the `leadsim` Python module (pybind11): its docstring, version, and the parts
// added by the binding files. A thin layer over the library's public headers; nothing in
// python/src simulates.
//
//   scenario_bindings.cpp  Scenario, load(), ScenarioError and Diagnostic
//   run_bindings.cpp       run() and its Result of numpy arrays (the library's run fields)
//   sweep_bindings.cpp     sweep(): the sweep engine, its points table as typed numpy columns
//   score_bindings.cpp     score(): per-CLP probabilities scored against observed nominations
//   conversions.cpp        Python values <-> TOML text, numpy helpers, the GIL-free runner
//
// Built into <build>/python/; `PYTHONPATH=<build>/python python3 -c "import leadsim"`.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "leadsim/report.hpp"

PYBIND11_MODULE(leadsim, m) {
  m.doc() = R"(leadsim: agent-based Monte Carlo simulation of party leadership contests.

Load a scenario (a TOML file), change parameters by their dotted paths (the same paths as
`leadsim run --set`; `leadsim keys` lists them), run many contests, get numpy arrays.

Example:
    import leadsim
    s = leadsim.load("scenarios/toy.toml", set={"meetings.attendance": 0.1})
    r = leadsim.run(s, runs=500, seed=1)
    r.win_probability["left"]             # {'p': ..., 'lo': ..., 'hi': ...} (Wilson 95%)
    r.nominations.mean(axis=0)            # mean CLP nominations per candidate
    r.clp_nomination_probability          # [clps x candidates]

Results depend only on (scenario, seed, runs): the same call gives the same arrays, whatever
the number of threads.)";
  m.attr("__version__") = leadsim::leadsim_version();
  leadsim::python::bind_scenario(m);
  leadsim::python::bind_run(m);
  leadsim::python::bind_sweep(m);
  leadsim::python::bind_score(m);
  leadsim::python::bind_calibrate(m);
}
