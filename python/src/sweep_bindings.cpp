// sweep_bindings.cpp: leadsim.sweep(), the library's sweep engine (sweep.hpp) from Python.
//
// The result is the points table as typed numpy columns, built from the engine's own figures
// (SweepPoint, PointStats) as each point finishes, not from CSV text. Points a resumed folder
// had already finished exist only as points.csv rows: those are read from the file. So that the
// two agree to the bit, every figure of a fresh point is rounded as points.csv prints it (6
// decimals) and read back: a resumed sweep returns the same arrays as a fresh one.
//
// Columns (points.csv's, in its order): point (int64), [saltelli_sample (int64),
// saltelli_matrix (str)], one per parameter (float64 for numbers, int64 for whole numbers, bool
// for booleans, str for dates as YYYY-MM-DD and for words, texts and tables), seed (uint64),
// per candidate X: win_X, win_X_lo, win_X_hi, share_X, share_X_se, share_X_lo, share_X_hi,
// nominations_X, nominations_X_se, nominations_X_lo, nominations_X_hi (float64), runs (int64).
#include <fmt/format.h>
#include <pybind11/stl.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "bindings.hpp"
#include "conversions.hpp"
#include "leadsim/csv.hpp"
#include "leadsim/design.hpp"
#include "leadsim/fields.hpp"
#include "leadsim/sweep.hpp"

namespace leadsim::python {

namespace {

// The figures per candidate, in column order, with their names' suffixes.
constexpr const char* kFigures[] = {
    "win_{}",      "win_{}_lo",      "win_{}_hi",      "share_{}",
    "share_{}_se", "share_{}_lo",    "share_{}_hi",    "nominations_{}",
    "nominations_{}_se", "nominations_{}_lo", "nominations_{}_hi"};
constexpr size_t kPerCandidate = std::size(kFigures);

// A figure as points.csv has it: printed with 6 decimals, read back.
double as_printed(double x) { return std::strtod(fmt::format("{:.6f}", x).c_str(), nullptr); }

// One row of the points table.
struct Row {
  std::int64_t saltelli_sample = -1;
  std::string saltelli_matrix;
  std::vector<std::string> shown;  // per parameter: as points.csv shows it
  std::uint64_t seed = 0;
  std::vector<double> figures;  // kPerCandidate per candidate, in column order
  std::int64_t runs = 0;
};

// Collects finished points (in point order) and passes them on to `next` (a folder), if any.
struct PointRows : SweepSink {
  SweepSink* next = nullptr;
  std::map<std::uint64_t, Row> rows;

  void on_point(const SweepPoint& point, const PointResult& result) override {
    if (next) next->on_point(point, result);
    Row row;
    row.saltelli_sample = point.saltelli_sample;
    if (point.saltelli_matrix >= 0)
      row.saltelli_matrix = saltelli_matrix_name(point.saltelli_matrix);
    row.shown = point.shown;
    row.seed = point.seed;
    const PointStats& s = result.stats;
    for (size_t c = 0; c < s.win.size(); ++c) {
      for (double x : {s.win[c].p, s.win[c].lo, s.win[c].hi}) row.figures.push_back(as_printed(x));
      for (const MeanEstimate* e : {&s.share[c], &s.nominations[c]})
        for (double x : {e->mean, e->se, e->lo, e->hi}) row.figures.push_back(as_printed(x));
    }
    row.runs = std::int64_t(s.runs);
    rows[point.index] = std::move(row);
  }
};

// The rows of a finished points.csv that `rows` lacks (points finished before this call).
void read_points_csv(const std::filesystem::path& file, const SweepSpec& spec, size_t candidates,
                     std::map<std::uint64_t, Row>& rows) {
  std::ifstream in(file, std::ios::binary);
  std::string line;
  std::getline(in, line);  // the header
  const size_t params = spec.params.size();
  const size_t width = 1 + (spec.saltelli ? 2 : 0) + params + 1 + kPerCandidate * candidates + 1;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> f = split_csv_line(line);
    if (f.size() != width)
      throw std::runtime_error("leadsim.sweep: " + file.string() + ": a row of " +
                               std::to_string(f.size()) + " fields, expected " +
                               std::to_string(width));
    const std::uint64_t point = std::stoull(f[0]);
    if (rows.count(point)) continue;
    Row row;
    size_t i = 1;
    if (spec.saltelli) {
      row.saltelli_sample = std::stoll(f[i++]);
      row.saltelli_matrix = f[i++];
    }
    row.shown.assign(f.begin() + std::ptrdiff_t(i), f.begin() + std::ptrdiff_t(i + params));
    i += params;
    row.seed = std::stoull(f[i++]);
    for (size_t k = 0; k < kPerCandidate * candidates; ++k)
      row.figures.push_back(std::strtod(f[i++].c_str(), nullptr));
    row.runs = std::stoll(f[i]);
    rows[point] = std::move(row);
  }
}

// A parameter's column from its shown values, typed by its kind.
py::object param_column(const SweepParam& p, const std::vector<std::string>& shown) {
  const auto n = py::ssize_t(shown.size());
  if (p.kind == ParamKind::number) {
    std::vector<double> v;
    for (const auto& x : shown) v.push_back(std::strtod(x.c_str(), nullptr));
    return numpy(std::move(v), {n});
  }
  if (p.kind == ParamKind::integer) {
    std::vector<std::int64_t> v;
    for (const auto& x : shown) v.push_back(std::stoll(x));
    return numpy(std::move(v), {n});
  }
  const Field* f = find_field(p.path);
  if (p.kind == ParamKind::other && f && f->kind == FieldKind::boolean) {
    std::vector<std::uint8_t> v;
    for (const auto& x : shown) v.push_back(x == "true");
    return bools(std::move(v), {n});
  }
  return strings(shown);  // dates (YYYY-MM-DD), words, texts, tables
}

py::dict columns(const SweepSpec& spec, const Scenario& base,
                 const std::map<std::uint64_t, Row>& rows) {
  const auto n = py::ssize_t(rows.size());
  std::vector<std::int64_t> point, sample, runs;
  std::vector<std::string> matrix;
  std::vector<std::vector<std::string>> shown(spec.params.size());
  std::vector<std::uint64_t> seed;
  std::vector<std::vector<double>> figures(kPerCandidate * base.candidates.size());
  for (const auto& [index, row] : rows) {
    point.push_back(std::int64_t(index));
    sample.push_back(row.saltelli_sample);
    matrix.push_back(row.saltelli_matrix);
    for (size_t j = 0; j < shown.size(); ++j) shown[j].push_back(row.shown[j]);
    seed.push_back(row.seed);
    for (size_t k = 0; k < figures.size(); ++k) figures[k].push_back(row.figures[k]);
    runs.push_back(row.runs);
  }
  py::dict d;
  d["point"] = numpy(std::move(point), {n});
  if (spec.saltelli) {
    d["saltelli_sample"] = numpy(std::move(sample), {n});
    d["saltelli_matrix"] = strings(matrix);
  }
  for (size_t j = 0; j < shown.size(); ++j)
    d[py::str(spec.params[j].path)] = param_column(spec.params[j], shown[j]);
  d["seed"] = numpy(std::move(seed), {n});
  for (size_t c = 0; c < base.candidates.size(); ++c)
    for (size_t k = 0; k < kPerCandidate; ++k)
      d[py::str(fmt::format(fmt::runtime(kFigures[k]), base.candidates[c].id))] =
          numpy(std::move(figures[c * kPerCandidate + k]), {n});
  d["runs"] = numpy(std::move(runs), {n});
  return d;
}

// A Python parameter description -> SweepParam: (lo, hi) or (lo, hi, levels) a range (numbers
// or datetime.date), a list of values.
SweepParam sweep_param(const std::string& path, py::handle v) {
  SweepParam p;
  p.path = path;
  p.where = {"leadsim.sweep", 0, 0, ""};
  const py::object date = py::module_::import("datetime").attr("date");
  if (py::isinstance<py::tuple>(v)) {
    const auto t = v.cast<py::tuple>();
    if (t.size() != 2 && t.size() != 3)
      throw py::value_error("leadsim.sweep: the range of '" + path +
                            "' should be (lo, hi) or (lo, hi, levels)");
    p.is_range = true;
    if (py::isinstance(t[0], date) && py::isinstance(t[1], date)) {
      p.range_of_dates = true;
      p.lo = double(parse_day(t[0].attr("isoformat")().cast<std::string>()));
      p.hi = double(parse_day(t[1].attr("isoformat")().cast<std::string>()));
    } else {
      p.lo = t[0].cast<double>();
      p.hi = t[1].cast<double>();
    }
    if (t.size() == 3) p.levels = t[2].cast<int>();
    return p;
  }
  if (py::isinstance<py::list>(v)) {
    for (auto x : v) p.values.push_back(to_toml(x, path));
    if (p.values.empty())
      throw py::value_error("leadsim.sweep: the list of values of '" + path + "' is empty");
    return p;
  }
  throw py::type_error("leadsim.sweep: '" + path +
                       "' should be a (lo, hi) tuple, a (lo, hi, levels) tuple or a list of "
                       "values");
}

SweepDesign design_of(const std::string& design, bool& saltelli) {
  if (design == "grid") return SweepDesign::grid;
  if (design == "random") return SweepDesign::random;
  if (design == "latin") return SweepDesign::latin;
  if (design == "sobol") return SweepDesign::sobol;
  if (design == "saltelli") {
    saltelli = true;
    return SweepDesign::sobol;
  }
  throw py::value_error("leadsim.sweep: design should be grid, random, latin, sobol or saltelli, "
                        "not '" + design + "'");
}

py::dict sweep(const PyScenario& ps, const py::dict& parameters, const std::string& design,
               std::uint64_t points, std::uint64_t runs, std::uint64_t seed, int levels,
               bool saltelli, const std::string& streams, const py::object& adaptive,
               std::uint64_t max_runs, int threads, const py::object& out, bool resume) {
  SweepSpec spec;
  for (auto [k, v] : parameters)
    spec.params.push_back(sweep_param(py::str(k).cast<std::string>(), v));
  spec.design = design_of(design, saltelli);
  if (streams != "common" && streams != "independent")
    throw py::value_error("leadsim.sweep: streams should be 'common' or 'independent'");
  spec.points = points;
  spec.runs = runs;
  spec.seed = seed;
  spec.levels = levels;
  spec.saltelli = saltelli;
  spec.streams = streams == "common" ? StreamPolicy::common : StreamPolicy::independent;
  if (!adaptive.is_none()) spec.adaptive = parse_adaptive(adaptive.cast<std::string>());
  spec.max_runs = max_runs;
  for (const auto& [k, v] : ps.overrides) spec.set.push_back(k + "=" + v);
  spec.origin = "leadsim.sweep";
  const Scenario& base = *ps.s;
  check_sweep_spec(spec, base);  // InputError -> ScenarioError, before anything is written

  std::atomic<bool> cancel{false};
  SweepOptions opt;
  opt.threads = threads;
  opt.cancel = &cancel;
  PointRows rows;
  bool finished = true;
  if (out.is_none()) {
    without_gil([&] { finished = run_sweep(base, spec, opt, rows); }, cancel);
  } else {
    const std::filesystem::path dir = py::str(out).cast<std::string>();
    SweepFolder folder(dir, base, spec, Shard{}, resume);
    rows.next = &folder;
    opt.points = folder.remaining();
    if (!opt.points.empty())
      without_gil([&] { finished = run_sweep(base, spec, opt, rows); }, cancel);
    if (finished) {
      folder.finish();
      // Points finished before this call (a resumed folder): from the file.
      if (rows.rows.size() < folder.total())
        read_points_csv(dir / "points.csv", spec, base.candidates.size(), rows.rows);
    }
  }
  if (!finished) throw py::error_already_set();  // only after Ctrl-C, which set the error
  return columns(spec, base, rows.rows);
}

}  // namespace

void bind_sweep(py::module_& m) {
  m.def("sweep", &sweep, py::arg("scenario"), py::arg("parameters"), py::arg("design") = "latin",
        py::arg("points") = 0, py::arg("runs") = 100, py::arg("seed") = 1, py::arg("levels") = 5,
        py::arg("saltelli") = false, py::arg("streams") = "common",
        py::arg("adaptive") = py::none(), py::arg("max_runs") = 0, py::arg("threads") = 0,
        py::arg("out") = py::none(), py::arg("resume") = false,
        R"(A parameter sweep (the engine of `leadsim sweep`; README "Sweeps").

parameters: {"path": (lo, hi)} for a range (numbers or datetime.date; (lo, hi, levels) sets a
grid's levels), or {"path": [v1, v2, ...]} for a list of values. design: "grid", "random",
"latin", "sobol", or "saltelli" (Saltelli's layout over a Sobol base, for Sobol indices; or
saltelli=True over "latin"). points: points of a random/latin/sobol design (Saltelli: base
samples N). runs: per point. streams: "common" (every point under the sweep's seed) or
"independent". adaptive: "win:ID:WIDTH", "share:ID:WIDTH" or "nominations:ID:WIDTH", up to
max_runs. The scenario's overrides apply to every point.

Returns the points table as columns {name: numpy array}, those of points.csv: point (int64),
[saltelli_sample (int64), saltelli_matrix (str)], one column per parameter (float64 for
numbers, int64 for whole numbers, bool for booleans, str for dates and words), seed (uint64),
per candidate X win_X (+ _lo, _hi), share_X and nominations_X (+ _se, _lo, _hi) (float64, to
points.csv's 6 decimals), runs (int64); pandas.DataFrame(result) makes it a table. With
out="DIR" the sweep also writes DIR/points.csv, runs.csv and sweep.json (resumable with
resume=True, which returns the same arrays as an uninterrupted sweep; then `leadsim
sensitivity DIR`). Ctrl-C stops it (finished points are kept in DIR). Bad input raises
leadsim.ScenarioError before anything runs.)");
}

}  // namespace leadsim::python
