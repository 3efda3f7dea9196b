#include "leadsim/sensitivity.hpp"

#include "leadsim/input_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <stdexcept>

#include "leadsim/random.hpp"
#include "leadsim/scenario.hpp"
#include "text.hpp"

namespace leadsim {

namespace fs = std::filesystem;

namespace {

// The two estimators and V over the base samples listed in `rows` (a bootstrap resample, or
// 0..N-1). Writes S_i and ST_i into first[i], total[i]; returns V.
double estimate(const Eigen::VectorXd& f_a, const Eigen::VectorXd& f_b, const Eigen::MatrixXd& f_ab,
                const std::vector<int>& rows, double* first, double* total) {
  const auto n = double(rows.size());
  const Eigen::Index k = f_ab.cols();
  // V over the 2N values of f(A) and f(B), centred first: the outputs are often large numbers
  // (CLP nominations in the hundreds) whose variance is small next to their square.
  double sum = 0;
  for (int j : rows) sum += f_a[j] + f_b[j];
  const double mean = sum / (2 * n);
  double ss = 0;
  for (int j : rows) {
    const double da = f_a[j] - mean, db = f_b[j] - mean;
    ss += da * da + db * db;
  }
  const double v = ss / (2 * n);
  for (Eigen::Index i = 0; i < k; ++i) {
    double s = 0, t = 0;
    for (int j : rows) {
      const double ab = f_ab(j, i);
      // f(B) centred: the estimator's expectation is unchanged (the mean of f(AB_i) - f(A) is 0)
      // and its variance is much smaller for outputs far from zero.
      s += (f_b[j] - mean) * (ab - f_a[j]);
      t += (f_a[j] - ab) * (f_a[j] - ab);
    }
    first[i] = v > 0 ? s / n / v : std::nan("");
    total[i] = v > 0 ? t / n / 2 / v : std::nan("");
  }
  return v;
}

// Percentile of sorted values, interpolating between order statistics (type 7).
double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double h = q * double(sorted.size() - 1);
  const auto lo = size_t(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

SobolIndices sobol_indices(const Eigen::VectorXd& f_a, const Eigen::VectorXd& f_b,
                           const Eigen::MatrixXd& f_ab, const SobolOptions& opt) {
  const Eigen::Index n = f_a.size(), k = f_ab.cols();
  if (f_b.size() != n || f_ab.rows() != n)
    throw std::invalid_argument(
        fmt::format("sobol_indices: f(A) has {} values, f(B) {}, f(AB) {} rows; they must match", n,
                    f_b.size(), f_ab.rows()));
  if (n < 2) throw std::invalid_argument("sobol_indices: need at least 2 base samples");
  if (k < 1) throw std::invalid_argument("sobol_indices: need at least one parameter");
  if (!f_a.allFinite() || !f_b.allFinite() || !f_ab.allFinite())
    throw std::invalid_argument("sobol_indices: outputs must be finite numbers");
  if (opt.bootstrap < 0 || !(opt.confidence > 0 && opt.confidence < 1))
    throw std::invalid_argument("sobol_indices: bootstrap must be >= 0, confidence in (0, 1)");

  SobolIndices r;
  r.samples = int(n);
  r.first.resize(size_t(k));
  r.total.resize(size_t(k));
  r.mean = (f_a.sum() + f_b.sum()) / double(2 * n);
  std::vector<int> rows(static_cast<size_t>(n));
  std::iota(rows.begin(), rows.end(), 0);
  std::vector<double> s(static_cast<size_t>(k)), t(static_cast<size_t>(k));
  r.variance = estimate(f_a, f_b, f_ab, rows, s.data(), t.data());
  for (size_t i = 0; i < size_t(k); ++i) r.first[i] = {s[i], s[i], s[i]};
  for (size_t i = 0; i < size_t(k); ++i) r.total[i] = {t[i], t[i], t[i]};
  if (opt.bootstrap == 0 || !(r.variance > 0)) return r;

  // Bootstrap: resample the N base samples with replacement, B times; each resample gives one
  // S_i and ST_i per parameter. Resamples whose V is 0 (possible for outputs with few distinct
  // values) give no index and are skipped.
  const auto b = size_t(opt.bootstrap);
  std::vector<std::vector<double>> boot_s(static_cast<size_t>(k)), boot_t(static_cast<size_t>(k));
  for (auto& x : boot_s) x.reserve(b);
  for (auto& x : boot_t) x.reserve(b);
  Stream rng(derive_key(opt.seed, name_hash("sobol-bootstrap")));
  boost::random::uniform_int_distribution<int> pick(0, int(n) - 1);
  for (size_t rep = 0; rep < b; ++rep) {
    for (auto& j : rows) j = pick(rng);
    if (!(estimate(f_a, f_b, f_ab, rows, s.data(), t.data()) > 0)) continue;
    for (size_t i = 0; i < size_t(k); ++i) {
      boot_s[i].push_back(s[i]);
      boot_t[i].push_back(t[i]);
    }
  }
  const double tail = (1 - opt.confidence) / 2;
  for (size_t i = 0; i < size_t(k); ++i) {
    std::sort(boot_s[i].begin(), boot_s[i].end());
    std::sort(boot_t[i].begin(), boot_t[i].end());
    r.first[i].lo = percentile(boot_s[i], tail);
    r.first[i].hi = percentile(boot_s[i], 1 - tail);
    r.total[i].lo = percentile(boot_t[i], tail);
    r.total[i].hi = percentile(boot_t[i], 1 - tail);
  }
  return r;
}

std::vector<SobolIndices> sensitivity(const SaltelliTable& t, const SobolOptions& opt) {
  std::vector<SobolIndices> out;
  out.reserve(t.outputs.size());
  for (size_t o = 0; o < t.outputs.size(); ++o) {
    SobolOptions per = opt;
    per.seed = derive_key(opt.seed, name_hash(t.outputs[o]));
    out.push_back(sobol_indices(t.f_a[o], t.f_b[o], t.f_ab[o], per));
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Reading a sweep

namespace {

// Columns of points.csv that describe the design, not an output.
constexpr const char* kPointColumn = "point";
constexpr const char* kSampleColumn = "saltelli_sample";
constexpr const char* kMatrixColumn = "saltelli_matrix";

bool parse_number(const std::string& text, double& out) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  const char* end = t.data() + t.size();
  const auto [p, ec] = std::from_chars(t.data(), end, out);
  return ec == std::errc() && p == end && std::isfinite(out);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Columns that are not estimates of an output: the bounds of an interval (an index of a bound
// answers no question of its own) and bookkeeping (runs per point, seeds, timings).
bool is_default_output(const std::string& name) {
  for (const char* suffix : {"_lo", "_hi", "_low", "_high", "_q05", "_q95", "_se"})
    if (ends_with(name, suffix)) return false;
  for (const char* bookkeeping : {"runs", "seed", "seconds", "shard", "rank"})
    if (name == bookkeeping) return false;
  return true;
}

struct SweepSpec {
  std::vector<std::string> parameters;
  int samples_expected = 0;
};

// The parameter list, and the design: refused unless it is Saltelli's (when it says); its N.
// Accepts parameters as names or as objects with a "path" (or "name").
SweepSpec read_sweep_json(const fs::path& file) {
  if (std::string problem = input_file_problem(file.string()); !problem.empty())
    throw InputError({{file.string(), 0, 0,
                       fmt::format("cannot read the sweep's description: it {} (is this the folder "
                                   "of a finished `leadsim sweep --out`?)", problem)}});
  const std::string text = read_input_file(file.string(), "sweep description");
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw InputError({{file.string(), 0, 0, "not a JSON object (the file is damaged)"}});
  SweepSpec spec;
  // `leadsim sweep` writes "design": {"type": "saltelli", "base": "sobol", "samples": N, ...}
  // for Saltelli's layout, and the base design's name ("latin", ...) as the type otherwise.
  const nlohmann::json* design = j.contains("design") ? &j["design"] : nullptr;
  std::string type;
  if (design && design->is_string()) type = design->get<std::string>();
  if (design && design->is_object() && design->contains("type") && (*design)["type"].is_string())
    type = (*design)["type"].get<std::string>();
  if (!type.empty() && type != "saltelli")
    throw InputError({{file.string(), 0, 0,
                       fmt::format("the sweep's design is '{}', not a Saltelli layout: Sobol "
                                   "indices need one (leadsim sweep ... --design saltelli, or "
                                   "--saltelli over a sobol or latin design)",
                                   type)}});
  if (design && design->is_object() && design->contains("samples") &&
      (*design)["samples"].is_number_integer())
    spec.samples_expected = (*design)["samples"].get<int>();
  const nlohmann::json* params = nullptr;
  if (j.contains("parameters")) params = &j["parameters"];
  if (!params && design && design->is_object() && design->contains("parameters"))
    params = &(*design)["parameters"];
  if (!params || !params->is_array() || params->empty())
    throw InputError({{file.string(), 0, 0, "no \"parameters\" list"}});
  for (const auto& p : *params) {
    if (p.is_string()) {
      spec.parameters.push_back(p.get<std::string>());
      continue;
    }
    bool found = false;
    for (const char* key : {"path", "name"})
      if (p.is_object() && p.contains(key) && p[key].is_string()) {
        spec.parameters.push_back(p[key].get<std::string>());
        found = true;
        break;
      }
    if (!found)
      throw InputError(
          {{file.string(), 0, 0, "a parameter is neither a name nor an object with a \"path\""}});
  }
  return spec;
}

// A sweep still running writes its files as NAME.partial and renames them at the end: the
// finished file if there is one, else the partial one (whose complete samples can be used).
fs::path finished_or_partial(const fs::path& dir, const std::string& name) {
  const fs::path finished = dir / name, partial = dir / (name + ".partial");
  return !fs::exists(finished) && fs::exists(partial) ? partial : finished;
}

// One base sample's rows: slot 0 = A, 1 = B, 2 + i = AB_{i+1}.
struct Group {
  std::vector<int> line;       // per slot: the line it was read from, 0 = not seen
  std::vector<double> values;  // slot-major: values[slot * outputs + o]
};

}  // namespace

SaltelliTable read_saltelli_sweep(const fs::path& dir, const std::vector<std::string>& wanted) {
  if (!fs::is_directory(dir))
    throw InputError({{dir.string(), 0, 0,
                       "no such folder (expected the --out folder of "
                       "`leadsim sweep`)"}});
  SaltelliTable t;
  t.points_file = finished_or_partial(dir, "points.csv");
  const std::string file = t.points_file.string();
  const SweepSpec spec = read_sweep_json(finished_or_partial(dir, "sweep.json"));
  t.parameters = spec.parameters;
  t.samples_expected = spec.samples_expected;
  const size_t k = t.parameters.size();

  if (std::string problem = input_file_problem(file); !problem.empty())
    throw InputError({{file, 0, 0,
                       fmt::format("cannot read the sweep's points: it {} (is this the folder of "
                                   "`leadsim sweep --out`?)", problem)}});
  const std::string text = read_input_file(file, "sweep's points");
  std::vector<std::string> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    pos = nl + 1;
  }
  // A last line without its newline is a row being written (the sweep is still running).
  const bool partial_last = !text.empty() && text.back() != '\n';
  if (lines.empty()) throw InputError({{file, 1, 1, "empty file: no header row"}});

  const std::vector<std::string> header = split_csv_line(lines[0]);
  std::map<std::string, size_t> column;
  for (size_t c = 0; c < header.size(); ++c) column.emplace(trim(header[c]), c);
  for (const char* need : {kSampleColumn, kMatrixColumn})
    if (!column.count(need))
      throw InputError({{file, 1, 1,
                         fmt::format("no '{}' column: this is not a Saltelli design (run "
                                     "`leadsim sweep` with --design saltelli)",
                                     need)}});
  std::vector<std::string> names;
  for (const auto& h : header) names.push_back(trim(h));
  for (const auto& p : t.parameters)
    if (!column.count(p))
      throw InputError({{file, 1, 1,
                         fmt::format("no column for parameter '{}' named in sweep.json{}", p,
                                     did_you_mean(p, names))}});
  // Output columns: everything that is neither design nor parameter.
  std::vector<std::string> candidates;
  for (const auto& h : names) {
    if (h == kPointColumn || h == kSampleColumn || h == kMatrixColumn) continue;
    if (std::find(t.parameters.begin(), t.parameters.end(), h) != t.parameters.end()) continue;
    candidates.push_back(h);
  }
  std::vector<std::string> outputs;
  if (!wanted.empty()) {
    for (const auto& w : wanted) {
      if (std::find(candidates.begin(), candidates.end(), w) == candidates.end()) {
        const bool is_param =
            std::find(t.parameters.begin(), t.parameters.end(), w) != t.parameters.end();
        throw InputError(
            {{file, 1, 1,
              is_param ? fmt::format("'{}' is a parameter of the sweep, not an "
                                     "output",
                                     w)
                       : fmt::format("no output column '{}'{}", w, did_you_mean(w, candidates))}});
      }
      if (std::find(outputs.begin(), outputs.end(), w) == outputs.end()) outputs.push_back(w);
    }
  } else {
    for (const auto& c : candidates)
      if (is_default_output(c)) outputs.push_back(c);
  }

  const size_t slots = k + 2, n_out = outputs.size();
  std::vector<size_t> out_col;
  for (const auto& o : outputs) out_col.push_back(column.at(o));
  const size_t sample_col = column.at(kSampleColumn), matrix_col = column.at(kMatrixColumn);
  std::map<int, Group> groups;
  // Per output: the first line whose value is not a number (0: none).
  std::vector<int> bad_line(n_out, 0);
  std::vector<std::string> bad_value(n_out);
  for (size_t li = 1; li < lines.size(); ++li) {
    const int line_no = int(li) + 1;
    if (trim(lines[li]).empty()) continue;
    const std::vector<std::string> f = split_csv_line(lines[li]);
    if (f.size() != header.size()) {
      if (li + 1 == lines.size() && partial_last) break;  // being written: not a row yet
      throw InputError({{file, line_no, 1,
                         fmt::format("{} fields, the header has {}", f.size(), header.size())}});
    }
    double sample_d = 0;
    if (!parse_number(f[sample_col], sample_d) || sample_d < 0 ||
        sample_d != std::floor(sample_d) || sample_d > 2e9)
      throw InputError(
          {{file, line_no, 1,
            fmt::format("saltelli_sample is '{}', expected a whole number >= 0", f[sample_col])}});
    const std::string m = trim(f[matrix_col]);
    size_t slot = slots;
    if (m == "A") slot = 0;
    if (m == "B") slot = 1;
    if (m.size() > 2 && m.compare(0, 2, "AB") == 0) {
      double i = 0;
      if (parse_number(m.substr(2), i) && i >= 1 && i <= double(k) && i == std::floor(i))
        slot = 1 + size_t(i);
    }
    if (slot == slots)
      throw InputError({{file, line_no, 1,
                         fmt::format("saltelli_matrix is '{}', expected A, B or AB1..AB{} (the "
                                     "sweep has {} parameters)",
                                     m, k, k)}});
    Group& g = groups[int(sample_d)];
    if (g.line.empty()) {
      g.line.assign(slots, 0);
      g.values.assign(slots * n_out, std::nan(""));
    }
    if (g.line[slot])
      throw InputError({{file, line_no, 1,
                         fmt::format("sample {} has a second {} row (the first is on line {})",
                                     int(sample_d), m, g.line[slot])}});
    g.line[slot] = line_no;
    for (size_t o = 0; o < n_out; ++o) {
      double v = 0;
      if (parse_number(f[out_col[o]], v)) {
        g.values[slot * n_out + o] = v;
      } else if (!bad_line[o]) {
        bad_line[o] = line_no;
        bad_value[o] = f[out_col[o]];
      }
    }
  }

  // Explicitly chosen outputs must be numbers throughout; the default set drops those that
  // are not (a column of names, say).
  std::vector<size_t> keep;
  for (size_t o = 0; o < n_out; ++o) {
    if (!bad_line[o]) {
      keep.push_back(o);
      continue;
    }
    if (!wanted.empty())
      throw InputError({{file, bad_line[o], 1,
                         fmt::format("output '{}' is '{}', expected a finite number", outputs[o],
                                     bad_value[o])}});
  }

  t.samples_seen = int(groups.size());
  std::vector<const Group*> complete;
  for (const auto& [id, g] : groups)
    if (std::all_of(g.line.begin(), g.line.end(), [](int l) { return l > 0; })) {
      t.samples.push_back(id);
      complete.push_back(&g);
    }
  if (complete.size() < 2)
    throw InputError(
        {{file, 0, 0,
          fmt::format("{} complete Saltelli samples (each needs its A, B and AB1.."
                      "AB{} rows); at least 2 are needed{}",
                      complete.size(), k, groups.empty() ? ": the file has no rows yet" : "")}});
  const auto n = Eigen::Index(complete.size());
  for (size_t o : keep) {
    Eigen::VectorXd fa(n), fb(n);
    Eigen::MatrixXd fab(n, Eigen::Index(k));
    for (Eigen::Index j = 0; j < n; ++j) {
      const Group& g = *complete[size_t(j)];
      fa[j] = g.values[0 * n_out + o];
      fb[j] = g.values[1 * n_out + o];
      for (size_t i = 0; i < k; ++i) fab(j, Eigen::Index(i)) = g.values[(2 + i) * n_out + o];
    }
    // Default set: an output that is the same everywhere has no variance to apportion.
    if (wanted.empty() && fa.minCoeff() == fa.maxCoeff() && fb.minCoeff() == fb.maxCoeff() &&
        fa[0] == fb[0])
      continue;
    t.outputs.push_back(outputs[o]);
    t.f_a.push_back(std::move(fa));
    t.f_b.push_back(std::move(fb));
    t.f_ab.push_back(std::move(fab));
  }
  if (t.outputs.empty())
    throw InputError({{file, 1, 1, "no numeric output column varies across the sweep"}});
  return t;
}

// ------------------------------------------------------------------------------------------------
// Writing

void write_sensitivity_csv(std::ostream& out, const SaltelliTable& t,
                           const std::vector<SobolIndices>& indices, const SobolOptions& opt) {
  out << "output,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi,variance,samples,bootstrap,"
         "confidence\n";
  for (size_t o = 0; o < t.outputs.size(); ++o) {
    const SobolIndices& s = indices[o];
    for (size_t i = 0; i < t.parameters.size(); ++i)
      out << fmt::format("{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{},{},{}\n",
                         t.outputs[o], t.parameters[i], s.first[i].value, s.first[i].lo,
                         s.first[i].hi, s.total[i].value, s.total[i].lo, s.total[i].hi, s.variance,
                         s.samples, opt.bootstrap, opt.confidence);
  }
}

std::string format_sensitivity(const SaltelliTable& t, const std::vector<SobolIndices>& indices,
                               const SobolOptions& opt) {
  std::string s = fmt::format("Sobol indices from {}: {} parameters, {} complete Saltelli samples",
                              t.points_file.string(), t.parameters.size(), t.samples.size());
  if (t.samples_seen > int(t.samples.size()))
    s += fmt::format(" ({} incomplete left out)", t.samples_seen - int(t.samples.size()));
  if (t.samples_expected > 0 && int(t.samples.size()) < t.samples_expected)
    s += fmt::format(" of {} planned", t.samples_expected);
  s += fmt::format("; {:g}% bootstrap intervals from {} resamples\n", 100 * opt.confidence,
                   opt.bootstrap);
  s += "S1: share of the output's variance due to the parameter alone; ST: including its "
       "interactions.\n";
  size_t width = 9;
  for (const auto& p : t.parameters) width = std::max(width, p.size());
  for (size_t o = 0; o < t.outputs.size(); ++o) {
    const SobolIndices& x = indices[o];
    s += fmt::format("\n{}  (mean {:.4g}, sd {:.4g})\n", t.outputs[o], x.mean,
                     std::sqrt(x.variance));
    if (!(x.variance > 0)) {
      s += "  the output does not vary: no variance to apportion\n";
      continue;
    }
    const std::string level = fmt::format("{:g}% interval", 100 * opt.confidence);
    s += fmt::format("  {:<{}}  {:>6} {:<16}  {:>6} {}\n", "parameter", width, "S1", level, "ST",
                     level);
    std::vector<size_t> order(t.parameters.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return x.total[a].value > x.total[b].value; });
    for (size_t i : order)
      s += fmt::format("  {:<{}}  {:>6.3f} [{:>6.3f}, {:>6.3f}]  {:>6.3f} [{:>6.3f}, {:>6.3f}]\n",
                       t.parameters[i], width, x.first[i].value, x.first[i].lo, x.first[i].hi,
                       x.total[i].value, x.total[i].lo, x.total[i].hi);
  }
  return s;
}

}  // namespace leadsim
