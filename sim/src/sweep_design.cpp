// sweep_design.cpp: a checked spec's design as points. The design module (design.hpp) gives unit
// coordinates (or grid indices); here each becomes a parameter's value, as the TOML text `--set`
// takes and as the CSVs show it, and each point gets its seed (the random-streams policy). Kept
// apart from the engine: the MPI driver, the folder and the visualiser need the points without
// running them.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <toml++/toml.h>

#include "leadsim/design.hpp"
#include "leadsim/random.hpp"
#include "leadsim/sweep.hpp"
#include "sweep_detail.hpp"
#include "text.hpp"

namespace leadsim {

namespace {

std::string format_number(double x) { return fmt::format("{}", x); }

}  // namespace

namespace detail {

// What a CSV shows for a value: words without their quotes.
std::string shown_text(const std::string& toml_value) {
  try {
    toml::table t = toml::parse("v = " + toml_value);
    if (auto s = t.get("v")->as_string()) return s->get();
  } catch (const toml::parse_error&) {
  }
  return toml_value;
}

Value number_value(const SweepParam& p, double x) {
  if (p.kind == ParamKind::date) {
    const std::string d = format_day(Day(std::llround(x)));
    return {d, d};
  }
  if (p.kind == ParamKind::integer) {
    const std::string s = fmt::format("{}", std::llround(x));
    return {s, s};
  }
  const std::string s = format_number(x);
  return {s, s};
}

// The grid levels of one parameter.
std::vector<Value> grid_levels(const SweepParam& p, int default_levels) {
  std::vector<Value> out;
  if (!p.is_range) {
    for (const auto& v : p.values) out.push_back({v, shown_text(v)});
    return out;
  }
  const int levels = p.lo == p.hi ? 1 : (p.levels ? p.levels : default_levels);
  for (int i = 0; i < levels; ++i) {
    const double x = i == levels - 1 ? p.hi : p.lo + (p.hi - p.lo) * double(i) / double(levels - 1);
    Value v = number_value(p, levels == 1 ? p.lo : x);
    // Whole-number parameters: levels that round to the same value are one level.
    if (out.empty() || out.back().toml != v.toml) out.push_back(std::move(v));
  }
  return out;
}

// A coordinate u in [0, 1) as a value.
Value unit_value(const SweepParam& p, double u) {
  if (!p.is_range) {
    const size_t n = p.values.size();
    const size_t i = std::min(n - 1, size_t(u * double(n)));
    return {p.values[i], shown_text(p.values[i])};
  }
  if (p.kind == ParamKind::number) return number_value(p, p.lo + u * (p.hi - p.lo));
  // Whole numbers (and days): each of lo..hi gets an equal share of [0, 1).
  const double x = std::min(p.hi, std::floor(p.lo + u * (p.hi - p.lo + 1)));
  return number_value(p, x);
}

// A Saltelli layout over a Sobol base starts at the power of two >= N (and >= 2): the sequence's
// first points have equal halves (the origin, then 0.5 everywhere), which would make A_j = B_j.
std::uint64_t sobol_skip(const SweepSpec& spec) {
  if (!spec.saltelli) return 0;
  std::uint64_t skip = 2;
  while (skip < spec.points) skip *= 2;
  return skip;
}

}  // namespace detail

using namespace detail;

namespace {

std::uint64_t point_seed(const SweepSpec& spec, const std::vector<std::string>& values) {
  if (spec.streams == StreamPolicy::common) return spec.seed;
  // From the values, not the index: the same point gets the same stream in any design.
  std::string key;
  for (size_t i = 0; i < values.size(); ++i) key += spec.params[i].path + "=" + values[i] + "\n";
  return derive_key(spec.seed, name_hash(key));
}

}  // namespace

std::vector<std::string> SweepPoint::overrides(const SweepSpec& spec) const {
  std::vector<std::string> o = spec.set;
  for (size_t i = 0; i < values.size(); ++i) o.push_back(spec.params[i].path + "=" + values[i]);
  return o;
}

std::uint64_t design_size(const SweepSpec& spec) {
  if (spec.design == SweepDesign::grid) {
    std::vector<std::size_t> levels;
    for (const auto& p : spec.params) levels.push_back(grid_levels(p, spec.levels).size());
    return grid_size(levels);
  }
  if (spec.saltelli) {
    const std::uint64_t per = std::uint64_t(spec.params.size()) + 2;
    return spec.points > std::numeric_limits<std::uint64_t>::max() / per ? std::numeric_limits<std::uint64_t>::max()
                                                                      : spec.points * per;
  }
  return spec.points;
}


std::vector<SweepPoint> design_points(const SweepSpec& spec) {
  const int k = int(spec.params.size());
  std::vector<SweepPoint> out;
  auto finish = [&](SweepPoint& pt) {
    pt.index = out.size();
    pt.seed = point_seed(spec, pt.values);
    out.push_back(std::move(pt));
  };
  if (spec.design == SweepDesign::grid) {
    std::vector<std::vector<Value>> levels;
    std::vector<std::size_t> counts;
    for (const auto& p : spec.params) {
      levels.push_back(grid_levels(p, spec.levels));
      counts.push_back(levels.back().size());
    }
    for (const auto& idx : grid_design(counts)) {
      SweepPoint pt;
      for (int i = 0; i < k; ++i) {
        pt.values.push_back(levels[size_t(i)][idx[size_t(i)]].toml);
        pt.shown.push_back(levels[size_t(i)][idx[size_t(i)]].shown);
      }
      finish(pt);
    }
    return out;
  }
  const int dims = spec.saltelli ? 2 * k : k;
  DesignMatrix base = spec.design == SweepDesign::random  ? random_design(spec.points, dims, spec.seed)
                      : spec.design == SweepDesign::latin ? latin_hypercube(spec.points, dims, spec.seed)
                                                          : sobol_design(spec.points, dims, sobol_skip(spec));
  auto add = [&](const std::vector<double>& u, std::int64_t sample, int matrix) {
    SweepPoint pt;
    pt.saltelli_sample = sample;
    pt.saltelli_matrix = matrix;
    for (int i = 0; i < k; ++i) {
      Value v = unit_value(spec.params[size_t(i)], u[size_t(i)]);
      pt.values.push_back(std::move(v.toml));
      pt.shown.push_back(std::move(v.shown));
    }
    finish(pt);
  };
  if (spec.saltelli) {
    for (const SaltelliRow& row : saltelli_design(base, k)) add(row.u, std::int64_t(row.sample), row.matrix);
  } else {
    for (const auto& u : base) add(u, -1, -1);
  }
  return out;
}

}  // namespace leadsim
