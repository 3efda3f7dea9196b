// run_bindings.cpp: leadsim.run() and its leadsim.Result: an ensemble of runs as numpy arrays.
//
// The per-run arrays are the library's run fields (run_columns.hpp), the same table runs.csv
// and the visualiser read: one array per RunField, named RunField::name, typed by the field
// (boolean -> bool; integer -> int64 when wide, else int32; text, an index, -> int32; real ->
// float64) and shaped by its axis ([runs], [runs, candidates], [runs, sections] or [runs,
// sections, candidates]). A field added to the table appears here with no change. The per-CLP
// arrays (clp_nominee, clp_met, ..., not run fields) are filled here.
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <variant>

#include "bindings.hpp"
#include "conversions.hpp"
#include "leadsim/ensemble.hpp"
#include "leadsim/population.hpp"
#include "leadsim/rulebook.hpp"
#include "leadsim/run_columns.hpp"
#include "leadsim/summary.hpp"

namespace leadsim::python {

namespace {

// The run fields Python gets: all but `run`, the run index (the arrays' first axis itself).
bool in_result(const RunField& f) { return f.id != RunFieldId::run; }

// One field's cells of every run, in the type of its array.
using Cells = std::variant<std::vector<std::uint8_t>, std::vector<std::int32_t>,
                           std::vector<std::int64_t>, std::vector<double>>;

Cells cells_of(const RunField& f) {
  switch (f.type) {
    case ColumnType::boolean: return std::vector<std::uint8_t>{};
    case ColumnType::real: return std::vector<double>{};
    case ColumnType::integer:
      if (f.wide) return std::vector<std::int64_t>{};
      return std::vector<std::int32_t>{};
    case ColumnType::text: return std::vector<std::int32_t>{};
  }
  throw std::logic_error("leadsim: a run field of an unknown type");
}

const char* dtype_name(const RunField& f) {
  switch (f.type) {
    case ColumnType::boolean: return "bool";
    case ColumnType::real: return "float64";
    case ColumnType::integer: return f.wide ? "int64" : "int32";
    case ColumnType::text: return "int32";
  }
  return "?";
}

const char* axis_text(ColumnAxis a) {
  switch (a) {
    case ColumnAxis::run: return "[runs]";
    case ColumnAxis::candidate: return "[runs, candidates]";
    case ColumnAxis::section: return "[runs, sections]";
    case ColumnAxis::section_candidate: return "[runs, sections, candidates]";
  }
  return "?";
}

// Every run's result as columns, filled in run order by the ensemble (no Python involved, so it
// runs without the GIL).
struct RunColumns : RunObserver {
  size_t cands, clps;
  bool per_run_clps;
  std::vector<const RunField*> fields;
  std::vector<Cells> cells;  // per field
  std::vector<std::int8_t> clp_nominee;
  std::vector<std::uint8_t> clp_met;
  std::vector<std::int32_t> clp_attendance, clp_votes;
  std::vector<std::int64_t> clp_nominations;  // clps x candidates, summed over runs
  std::vector<std::int64_t> clp_met_count;

  RunColumns(size_t runs, size_t cands_, size_t clps_, bool per_run)
      : cands(cands_), clps(clps_), per_run_clps(per_run) {
    for (const RunField& f : run_fields()) {
      if (!in_result(f)) continue;
      fields.push_back(&f);
      cells.push_back(cells_of(f));
      const size_t n = runs * (f.per_section() ? size_t(kSections) : 1) *
                       (f.per_candidate() ? cands : 1);
      std::visit([n](auto& v) { v.reserve(n); }, cells.back());
    }
    if (per_run_clps) {
      clp_nominee.resize(runs * clps);
      clp_met.resize(runs * clps);
      clp_attendance.resize(runs * clps);
      clp_votes.resize(runs * clps * cands);
    }
    clp_nominations.resize(clps * cands);
    clp_met_count.resize(clps);
  }

  void on_run(const RunResult& r) override {
    for (size_t j = 0; j < fields.size(); ++j)
      std::visit([&](auto& v) { append_row(v, *fields[j], r, cands); }, cells[j]);
    const size_t i = size_t(r.run);
    for (size_t k = 0; k < clps; ++k) {
      const int nominee = r.clp_nominee[k];
      if (nominee >= 0) ++clp_nominations[k * cands + size_t(nominee)];
      clp_met_count[k] += r.clp_met[k];
      if (per_run_clps) {
        clp_nominee[i * clps + k] = std::int8_t(nominee);
        clp_met[i * clps + k] = r.clp_met[k];
        clp_attendance[i * clps + k] = r.clp_attendance[k];
        for (size_t c = 0; c < cands; ++c)
          clp_votes[(i * clps + k) * cands + c] = r.clp_votes[k * cands + c];
      }
    }
  }
};

// The arrays that are not run fields, with their docs.
struct ClpArray {
  const char* name;
  const char* doc;
};
const ClpArray kClpArrays[] = {
    {"clp_nominee",
     "int8 [runs, clps]: candidate each CLP nominated, -1 none (no meeting, inquorate); None if "
     "run(per_run_clps=False)"},
    {"clp_met", "bool [runs, clps]: the CLP held a meeting; None if run(per_run_clps=False)"},
    {"clp_attendance",
     "int32 [runs, clps]: attendance of each CLP's meeting (0 if none); None if "
     "run(per_run_clps=False)"},
    {"clp_votes",
     "int32 [runs, clps, candidates]: first-round votes in each CLP's meeting (0 if none); None "
     "if run(per_run_clps=False)"},
    {"clp_nominations",
     "int64 [clps, candidates]: runs in which each CLP nominated each candidate"},
    {"clp_nomination_probability", "float64 [clps, candidates]: clp_nominations / runs"},
    {"clp_met_probability", "float64 [clps]: share of runs in which each CLP met"},
};

// What run() returns. Arrays are numpy, indexed [run, ...]; candidates, sections and CLPs in the
// order of the `candidates`, `sections` and `clps` lists.
struct PyResult {
  std::string scenario;
  std::vector<std::string> candidates, candidate_names, clps, sections, stages;
  std::uint64_t seed = 0, runs = 0;
  int threads = 0;
  double seconds = 0;
  std::uint64_t no_valid_nominations = 0;
  py::dict win_probability;
  py::dict arrays;  // name -> numpy array (or None): the run fields', then the per-CLP ones
};

PyResult run(const PyScenario& ps, std::uint64_t runs, std::uint64_t seed, int threads,
             bool per_run_clps) {
  if (runs < 1) throw py::value_error("leadsim.run: runs must be at least 1");
  if (threads < 0) throw py::value_error("leadsim.run: threads must be >= 0 (0: all cores)");
  const Scenario& s = *ps.s;
  const size_t C = s.candidates.size(), K = s.clps.size(), R = size_t(runs);
  auto cols = std::make_unique<RunColumns>(R, C, K, per_run_clps);
  std::atomic<bool> cancel{false};
  std::optional<EnsembleResult> er;  // Summary has no default: set when the runs end
  without_gil(
      [&] {
        const Population pop = synthesise(s, seed);
        EnsembleOptions opt;
        opt.seed = seed;
        opt.runs = runs;
        opt.threads = threads;
        opt.cancel = &cancel;  // set on Ctrl-C: the ensemble stops, without_gil raises
        er.emplace(run_ensemble(s, pop, opt, cols.get()));
      },
      cancel);

  PyResult r;
  r.scenario = s.name;
  for (const auto& c : s.candidates) {
    r.candidates.push_back(c.id);
    r.candidate_names.push_back(c.name);
  }
  for (const auto& c : s.clps) r.clps.push_back(c.name);
  for (int sec = 0; sec < kSections; ++sec) r.sections.push_back(section_id(Section(sec)));
  for (Stage st : s.rules.stages) r.stages.emplace_back(stage_id(st));
  r.seed = seed;
  r.runs = runs;
  r.threads = er->threads;
  r.seconds = er->seconds;
  r.no_valid_nominations = er->summary.no_valid_nominations;
  for (size_t c = 0; c < C; ++c) {
    const Proportion p = er->summary.win_probability(int(c));
    py::dict d;
    d["p"] = p.p;
    d["lo"] = p.lo;
    d["hi"] = p.hi;
    r.win_probability[py::str(s.candidates[c].id)] = d;
  }

  const auto Rs = py::ssize_t(R), Cs = py::ssize_t(C), Ks = py::ssize_t(K),
             Ss = py::ssize_t(kSections);
  RunColumns& x = *cols;
  for (size_t j = 0; j < x.fields.size(); ++j) {
    const RunField& f = *x.fields[j];
    std::vector<py::ssize_t> shape{Rs};
    if (f.per_section()) shape.push_back(Ss);
    if (f.per_candidate()) shape.push_back(Cs);
    r.arrays[f.name] = std::visit(
        [&](auto& v) -> py::object {
          using T = typename std::decay_t<decltype(v)>::value_type;
          if constexpr (std::is_same_v<T, std::uint8_t>) return bools(std::move(v), shape);
          else return numpy(std::move(v), shape);
        },
        x.cells[j]);
  }
  if (per_run_clps) {
    r.arrays["clp_nominee"] = numpy(std::move(x.clp_nominee), {Rs, Ks});
    r.arrays["clp_met"] = bools(std::move(x.clp_met), {Rs, Ks});
    r.arrays["clp_attendance"] = numpy(std::move(x.clp_attendance), {Rs, Ks});
    r.arrays["clp_votes"] = numpy(std::move(x.clp_votes), {Rs, Ks, Cs});
  } else {
    for (const char* name : {"clp_nominee", "clp_met", "clp_attendance", "clp_votes"})
      r.arrays[name] = py::none();
  }
  std::vector<double> prob(K * C), met(K);
  for (size_t i = 0; i < K * C; ++i) prob[i] = double(x.clp_nominations[i]) / double(R);
  for (size_t k = 0; k < K; ++k) met[k] = double(x.clp_met_count[k]) / double(R);
  r.arrays["clp_nominations"] = numpy(std::move(x.clp_nominations), {Ks, Cs});
  r.arrays["clp_nomination_probability"] = numpy(std::move(prob), {Ks, Cs});
  r.arrays["clp_met_probability"] = numpy(std::move(met), {Ks});
  return r;
}

py::dict result_dict(const PyResult& r) {
  py::dict d;
  d["scenario"] = r.scenario;
  d["candidates"] = r.candidates;
  d["candidate_names"] = r.candidate_names;
  d["clps"] = r.clps;
  d["sections"] = r.sections;
  d["stages"] = r.stages;
  d["seed"] = r.seed;
  d["runs"] = r.runs;
  d["threads"] = r.threads;
  d["seconds"] = r.seconds;
  d["no_valid_nominations"] = r.no_valid_nominations;
  d["win_probability"] = r.win_probability;
  for (auto [name, array] : r.arrays) d[name] = array;
  return d;
}

// A read-only attribute for the array `name` (a pointer into a static table).
void def_array(py::class_<PyResult>& result, const char* name, const char* doc) {
  result.def_property_readonly(
      name, [name](const PyResult& r) -> py::object { return r.arrays[name]; }, doc);
}

}  // namespace

void bind_run(py::module_& m) {
  py::class_<PyResult> result(m, "Result", R"(The runs of one leadsim.run().

Arrays are numpy, first axis the run; candidates, sections and CLPs in the order of the
`candidates`, `sections` and `clps` lists. to_dict() gives everything as a plain dict.)");
  result.def_readonly("scenario", &PyResult::scenario, "The contest's title")
      .def_readonly("candidates", &PyResult::candidates, "Candidate ids (array column order)")
      .def_readonly("candidate_names", &PyResult::candidate_names, "Candidates' display names")
      .def_readonly("clps", &PyResult::clps, "CLP names (per-CLP array order)")
      .def_readonly("sections", &PyResult::sections,
                    "Sections of the selectorate (member, registered, affiliated, ...): the "
                    "order of the section axis of first_share and turnout")
      .def_readonly("stages", &PyResult::stages,
                    "The rulebook's stages in the order they ran (out_at_stage indexes them)")
      .def_readonly("seed", &PyResult::seed, "Master seed")
      .def_readonly("runs", &PyResult::runs, "Monte Carlo runs")
      .def_readonly("threads", &PyResult::threads, "Worker threads used")
      .def_readonly("seconds", &PyResult::seconds, "Wall-clock time of the runs")
      .def_readonly("no_valid_nominations", &PyResult::no_valid_nominations,
                    "Runs in which nobody reached the ballot")
      .def_readonly("win_probability", &PyResult::win_probability,
                    "{candidate id: {'p', 'lo', 'hi'}}: share of runs won, Wilson 95% interval");
  // Docs as "int32 [runs, candidates]: meaning", kept for the life of the module.
  static std::vector<std::string> docs;
  for (const RunField& f : run_fields())
    if (in_result(f))
      docs.push_back(std::string(dtype_name(f)) + " " + axis_text(f.axis) + ": " + f.meaning);
  size_t j = 0;
  for (const RunField& f : run_fields())
    if (in_result(f)) def_array(result, f.name, docs[j++].c_str());
  for (const auto& a : kClpArrays) def_array(result, a.name, a.doc);
  result.def("to_dict", &result_dict, "Everything as a dict of lists, numbers and numpy arrays")
      .def("__repr__", [](const PyResult& r) {
        std::string s = "<leadsim.Result '" + r.scenario + "': " + std::to_string(r.runs) +
                        " runs, seed " + std::to_string(r.seed) + "; P(win)";
        for (const auto& c : r.candidates)
          s += " " + c + " " +
               py::str(py::float_(r.win_probability[py::str(c)]["p"].cast<double>()))
                   .cast<std::string>();
        return s + ">";
      });

  m.def("run", &run, py::arg("scenario"), py::arg("runs") = 1000, py::arg("seed") = 1,
        py::arg("threads") = 0, py::arg("per_run_clps") = true,
        R"(Runs the contest `runs` times: leadsim.run(scenario, runs=1000, seed=1, threads=0).

threads=0 uses every core. The GIL is released while the runs go on (other Python threads
keep running); Ctrl-C stops them and raises KeyboardInterrupt. per_run_clps=False leaves out
the [runs x clps] arrays (clp_nominee, clp_met, clp_attendance, clp_votes) to save memory on
large ensembles; the per-CLP totals are kept. The same scenario, runs and seed give the same
arrays whatever the thread count. Returns a leadsim.Result.)");
}

}  // namespace leadsim::python
