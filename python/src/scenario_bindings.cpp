// scenario_bindings.cpp: leadsim.Scenario, leadsim.load, and the loader's errors as Python's
// leadsim.ScenarioError (with leadsim.Diagnostic for each problem found).
//
// A Scenario is immutable: the loaded, checked library Scenario plus the overrides it was loaded
// with, as TOML text (conversions.hpp). set() re-loads with one more override, so every value
// goes through the loader's checks. get() and `parameters` read the values in force
// (Scenario::resolved) back as Python values of each field's kind.
#include <pybind11/stl.h>

#include <algorithm>

#include "bindings.hpp"
#include "conversions.hpp"
#include "leadsim/diagnostic.hpp"
#include "leadsim/population.hpp"

namespace leadsim::python {

PyScenario PyScenario::load(const std::string& path, Overrides overrides) {
  PyScenario p;
  p.path = path;
  for (auto& o : overrides) {
    auto it = std::find_if(p.overrides.begin(), p.overrides.end(),
                           [&](const auto& u) { return u.first == o.first; });
    if (it != p.overrides.end()) p.overrides.erase(it);
    p.overrides.push_back(std::move(o));
  }
  std::vector<std::string> specs;
  for (const auto& [k, v] : p.overrides) specs.push_back(k + "=" + v);
  p.s = std::make_shared<const Scenario>(load_scenario(path, specs));
  return p;
}

namespace {

Overrides overrides_from(const py::object& set) {
  Overrides out;
  if (set.is_none()) return out;
  if (!py::isinstance<py::dict>(set))
    throw py::type_error("leadsim: set= takes a dict of {\"path\": value}");
  for (auto [k, v] : set.cast<py::dict>()) {
    const std::string path = py::str(k).cast<std::string>();
    out.emplace_back(path, to_toml(v, path));
  }
  return out;
}

// One string field of each item, in order: the ids of the candidates, say, as a Python list.
template <class Item>
std::vector<std::string> field_of(const std::vector<Item>& items, std::string Item::*field) {
  std::vector<std::string> v;
  for (const Item& x : items) v.push_back(x.*field);
  return v;
}

// Keyword names cannot hold dots: a double underscore stands for one.
std::string dotted(const std::string& name) {
  std::string key;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name.compare(i, 2, "__") == 0) {
      key += '.';
      ++i;
    } else {
      key += name[i];
    }
  }
  return key;
}

void bind_errors(py::module_& m) {
  py::class_<Diagnostic>(m, "Diagnostic", "One problem found in a scenario, located in its file.")
      .def_readonly("file", &Diagnostic::file, "Path of the file, or '--set' for an override")
      .def_readonly("line", &Diagnostic::line, "1-based line; 0 when not tied to a line")
      .def_readonly("column", &Diagnostic::column, "1-based column; 0 when not tied to one")
      .def_readonly("message", &Diagnostic::message, "What is wrong, and what was expected")
      .def("__str__", &Diagnostic::str, "'file:line:column: error: message'")
      .def("__repr__", [](const Diagnostic& d) { return "<leadsim.Diagnostic " + d.str() + ">"; });

  // A ValueError: bad input, not a bug. Its attributes are set by the translator below.
  static py::exception<InputError> scenario_error(m, "ScenarioError", PyExc_ValueError);
  scenario_error.doc() =
      "The scenario (or an override) is invalid. `diagnostics` lists every problem found "
      "(leadsim.Diagnostic: file, line, column, message); `file`, `line`, `column` and "
      "`message` repeat the first.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      std::string text;
      for (const auto& d : e.diagnostics()) text += (text.empty() ? "" : "\n") + d.str();
      py::object exc = py::handle(scenario_error.ptr())(text);
      exc.attr("diagnostics") = py::cast(e.diagnostics());
      const Diagnostic first = e.diagnostics().empty() ? Diagnostic{} : e.diagnostics()[0];
      exc.attr("file") = first.file;
      exc.attr("line") = first.line;
      exc.attr("column") = first.column;
      exc.attr("message") = first.message;
      PyErr_SetObject(scenario_error.ptr(), exc.ptr());
    }
  });
}

}  // namespace

void bind_scenario(py::module_& m) {
  bind_errors(m);

  py::class_<PyScenario>(m, "Scenario", R"(A contest loaded from a scenario file and checked.

Scenario(path, set=None): `set` is a dict {"dotted.path": value} of overrides applied on top
of the file (values: numbers, bools, strings, datetime.date, lists, dicts for share tables).
Raises leadsim.ScenarioError listing every problem with its file and line.

Scenarios are immutable: set() returns a new one.)")
      .def(py::init([](const std::string& path, const py::object& set) {
             return PyScenario::load(path, overrides_from(set));
           }),
           py::arg("path"), py::arg("set") = py::none(),
           "Loads and checks the scenario file at `path`, with overrides {path: value}.")
      .def(
          "set",
          [](const PyScenario& s, const std::string& path, const py::object& value) {
            auto o = s.overrides;
            o.emplace_back(path, to_toml(value, path));
            return PyScenario::load(s.path, std::move(o));
          },
          py::arg("path"), py::arg("value"),
          "A new scenario: this one with `path` set to `value` (re-loaded and re-checked), e.g. "
          "s.set('waves.organised.size', 6000).")
      .def(
          "set",
          [](const PyScenario& s, const py::dict& values) {
            auto o = s.overrides;
            for (auto& x : overrides_from(values)) o.push_back(std::move(x));
            return PyScenario::load(s.path, std::move(o));
          },
          py::arg("values"), "A new scenario with every {path: value} of the dict set.")
      .def(
          "get",
          [](const PyScenario& s, const std::string& path) -> py::object {
            for (const auto& p : s.s->resolved)
              if (p.path == path) return from_toml(p.value, p.path);
            throw py::key_error("leadsim: no parameter '" + path +
                                "' in force (see Scenario.parameters, or `leadsim keys`)");
          },
          py::arg("path"),
          "The value in force for a dotted path, e.g. s.get('meetings.meet'), as its kind has "
          "it (`leadsim keys`): float, int, bool, str, datetime.date, list, or dict for tables.")
      .def_property_readonly(
          "path", [](const PyScenario& s) { return s.path; }, "The file it was loaded from")
      .def_property_readonly(
          "overrides",
          [](const PyScenario& s) {
            py::dict d;
            for (const auto& [k, v] : s.overrides) d[py::str(k)] = from_toml(v, k);
            return d;
          },
          "The overrides applied on top of the file, {path: value}")
      .def_property_readonly(
          "parameters",
          [](const PyScenario& s) {
            py::dict d;
            for (const auto& p : s.s->resolved) d[py::str(p.path)] = from_toml(p.value, p.path);
            return d;
          },
          "Every parameter in force, {path: value}, in reading order")
      .def_property_readonly(
          "name", [](const PyScenario& s) { return s.s->name; }, "The contest's title")
      .def_property_readonly(
          "question", [](const PyScenario& s) { return s.s->question; },
          "The question the scenario asks")
      .def_property_readonly(
          "candidates",
          [](const PyScenario& s) { return field_of(s.s->candidates, &Candidate::id); },
          "Candidate ids, in file order (the column order of every result array)")
      .def_property_readonly(
          "candidate_names",
          [](const PyScenario& s) { return field_of(s.s->candidates, &Candidate::name); },
          "Candidates' display names, in the order of `candidates`")
      .def_property_readonly(
          "clps", [](const PyScenario& s) { return field_of(s.s->clps, &Clp::name); },
          "CLP names (the order of the per-CLP result arrays)")
      .def_property_readonly(
          "waves", [](const PyScenario& s) { return field_of(s.s->waves, &Wave::id); },
          "Joining cohorts' ids, in file order")
      .def_property_readonly(
          "factions", [](const PyScenario& s) { return field_of(s.s->factions, &Faction::id); },
          "Faction ids, in file order")
      .def_property_readonly(
          "agents", [](const PyScenario& s) { return s.s->agents(); },
          "People in all waves (the size of the simulated selectorate)")
      .def(
          "wave_targets",
          [](const PyScenario& s, const std::string& wave, std::uint64_t seed) {
            for (const auto& w : s.s->waves)
              if (w.id == wave) return wave_targets(*s.s, w, seed);
            throw py::key_error("leadsim: no wave '" + wave + "'");
          },
          py::arg("wave"), py::arg("seed") = 1,
          "Indices (into `clps`) of the CLPs a wave is concentrated on in runs with this seed "
          "(targets chosen at random depend on the seed); [] for proportional or uniform waves.")
      .def(
          "clp_index",
          [](const PyScenario& s, const std::string& name) {
            const int i = s.s->clp_index(name);
            if (i < 0) throw py::key_error("leadsim: no CLP named '" + name + "'");
            return i;
          },
          py::arg("name"), "Index of a CLP in `clps`")
      .def(
          "candidate_index",
          [](const PyScenario& s, const std::string& id) {
            const int i = s.s->candidate_index(id);
            if (i < 0) throw py::key_error("leadsim: no candidate '" + id + "'");
            return i;
          },
          py::arg("id"), "Index of a candidate id in `candidates`")
      .def("__repr__", [](const PyScenario& s) {
        return "<leadsim.Scenario '" + s.s->name + "' from " + s.path + ", " +
               std::to_string(s.overrides.size()) + " overrides, " + std::to_string(s.s->agents()) +
               " agents>";
      });

  m.def(
      "load",
      [](const std::string& path, const py::object& set, const py::kwargs& kw) {
        auto o = overrides_from(set);
        for (auto [k, v] : kw) {
          const std::string key = dotted(py::str(k).cast<std::string>());
          o.emplace_back(key, to_toml(v, key));
        }
        return PyScenario::load(path, std::move(o));
      },
      py::arg("path"), py::arg("set") = py::none(),
      R"(Loads a scenario: leadsim.load(path, set={"meetings.attendance": 0.1}) or, with
keywords, leadsim.load(path, meetings__attendance=0.1) (a double underscore for each dot).
Raises leadsim.ScenarioError.)");
}

}  // namespace leadsim::python
