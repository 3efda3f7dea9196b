// scenario_posterior.cpp: runs that draw their parameters from a calibration's posterior
// (scenario.hpp: contest.posterior, Scenario::for_run).
#include "scenario_posterior.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "leadsim/csv.hpp"
#include "leadsim/fields.hpp"
#include "leadsim/random.hpp"

namespace leadsim {

int Scenario::posterior_particle(std::uint64_t seed, std::uint64_t run) const {
  if (posterior_scenarios.empty()) return -1;
  const double u = to_unit(CounterDraw(derive_key(seed, name_hash("posterior")))(run)) *
                   posterior_cumulative.back();
  const auto it = std::upper_bound(posterior_cumulative.begin(), posterior_cumulative.end(), u);
  return int(std::min<std::ptrdiff_t>(it - posterior_cumulative.begin(),
                                      std::ptrdiff_t(posterior_scenarios.size()) - 1));
}

const Scenario& Scenario::for_run(std::uint64_t seed, std::uint64_t run) const {
  const int p = posterior_particle(seed, run);
  return p < 0 ? *this : *posterior_scenarios[size_t(p)];
}

namespace detail {

void load_posterior(Scenario& s, const std::string& path, const std::vector<std::string>& overrides) {
  namespace fs = std::filesystem;
  const fs::path file = fs::path(s.posterior).is_absolute()
                            ? fs::path(s.posterior)
                            : fs::path(path).parent_path() / s.posterior;
  const std::string name = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in || !fs::is_regular_file(file))
    throw InputError({{path, 0, 0, fmt::format("contest.posterior: cannot open '{}' (a posterior.csv "
                                               "written by leadsim calibrate)", name)}});
  std::vector<Diagnostic> diags;
  std::string line;
  int line_no = 0;
  std::vector<std::string> header;
  size_t weight_col = 0;
  std::vector<std::string> params;
  std::vector<double> weights;
  std::vector<std::vector<std::string>> values;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells = split_csv_line(line);
    if (header.empty()) {
      header = cells;
      const auto w = std::find(header.begin(), header.end(), "weight");
      if (header.empty() || header[0] != "particle" || w == header.end() || w == header.begin() + 1)
        throw InputError({{name, line_no, 1, "a posterior.csv starts: particle, <parameter paths>, "
                                             "weight, ..."}});
      weight_col = size_t(w - header.begin());
      params.assign(header.begin() + 1, w);
      for (const std::string& p : params) {
        const Field* f = find_field(p);
        if (!f) diags.push_back({name, line_no, 1, fmt::format("'{}' is not a scenario key", p)});
        else if (f->affects & affects_population)
          diags.push_back({name, line_no, 1,
                           fmt::format("'{}' changes the synthesised population, which the runs of "
                                       "one ensemble share: a posterior may hold only parameters "
                                       "that act within a run", p)});
      }
      if (!diags.empty()) throw InputError(diags);
      continue;
    }
    if (cells.size() < header.size()) {
      diags.push_back({name, line_no, 1, fmt::format("{} fields, expected {}", cells.size(),
                                                     header.size())});
      continue;
    }
    char* end = nullptr;
    const double w = std::strtod(cells[weight_col].c_str(), &end);
    if (cells[weight_col].empty() || *end || !std::isfinite(w) || w < 0) {
      diags.push_back({name, line_no, int(weight_col) + 1,
                       fmt::format("weight '{}' should be a finite number >= 0", cells[weight_col])});
      continue;
    }
    weights.push_back(w);
    values.emplace_back(cells.begin() + 1, cells.begin() + std::ptrdiff_t(weight_col));
  }
  if (!diags.empty()) throw InputError(diags);
  double total = 0;
  for (double w : weights) total += w;
  if (values.empty() || !(total > 0))
    throw InputError({{name, line_no, 1, "a posterior needs at least one particle of weight above 0"}});
  // Each particle: the scenario as loaded, with its values on top and no posterior of its own.
  double c = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    std::vector<std::string> o = overrides;
    o.push_back("contest.posterior=\"\"");
    for (size_t j = 0; j < params.size(); ++j) o.push_back(params[j] + "=" + values[i][j]);
    try {
      s.posterior_scenarios.push_back(std::make_shared<const Scenario>(load_scenario(path, o)));
    } catch (const InputError& e) {
      for (const Diagnostic& d : e.diagnostics())
        diags.push_back({name, int(i) + 2, 1, "particle " + std::to_string(i) + ": " + d.message});
      continue;
    }
    s.posterior_cumulative.push_back(c += weights[i]);
  }
  if (!diags.empty()) throw InputError(diags);
}

}  // namespace detail
}  // namespace leadsim
