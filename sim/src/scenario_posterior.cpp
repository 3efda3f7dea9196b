// scenario_posterior.cpp: runs that draw their parameters from a calibration's posterior
// (scenario.hpp: contest.posterior, Scenario::for_run).
#include "scenario_posterior.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "leadsim/csv.hpp"
#include "leadsim/fields.hpp"
#include "leadsim/input_file.hpp"
#include "leadsim/number_text.hpp"
#include "leadsim/random.hpp"
#include "text.hpp"

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
  const std::string text = read_input_file(name, "posterior file");
  const CsvText csv = split_csv_text(text);
  if (csv.unterminated_quote_line)
    throw InputError({{name, csv.unterminated_quote_line, 1, "a quote is never closed"}});
  std::vector<Diagnostic> diags;
  std::vector<std::string> header;
  size_t weight_col = 0;
  std::vector<std::string> params;
  std::vector<bool> take;  // per parameter: taken by the runs (contest.posterior_parameters)
  std::vector<double> weights;
  std::vector<std::vector<std::string>> values;
  std::vector<int> lines;  // each particle's line
  int last_line = 1;
  for (const CsvRecord& rec : csv.records) {
    const std::vector<std::string>& cells = rec.fields;
    last_line = rec.line;
    if (header.empty()) {
      header = cells;
      const auto w = std::find(header.begin(), header.end(), "weight");
      if (header.empty() || header[0] != "particle" || w == header.end() || w == header.begin() + 1)
        throw InputError({{name, rec.line, 1, "a posterior.csv starts: particle, <parameter paths>, "
                                              "weight, ..."}});
      weight_col = size_t(w - header.begin());
      params.assign(header.begin() + 1, w);
      // Where contest.posterior_parameters was written, if known (else the posterior's header).
      const auto at = s.places.find("contest.posterior_parameters");
      const SourcePlace where = at != s.places.end() ? at->second : SourcePlace{name, rec.line, 1};
      for (const std::string& p : s.posterior_parameters)
        if (std::find(params.begin(), params.end(), p) == params.end())
          diags.push_back({where.file, where.line, where.column,
                           fmt::format("contest.posterior_parameters names '{}', which is no parameter "
                                       "of this posterior{}", p, did_you_mean(p, params))});
      // Only the parameters taken are held to the scenario: a past contest's posterior may
      // hold parameters of entries (factions, waves) this scenario does not have.
      take.assign(params.size(), true);
      if (!s.posterior_parameters.empty())
        for (size_t j = 0; j < params.size(); ++j)
          take[j] = std::find(s.posterior_parameters.begin(), s.posterior_parameters.end(), params[j]) !=
                    s.posterior_parameters.end();
      for (size_t j = 0; j < params.size(); ++j) {
        if (!take[j]) continue;
        const std::string& p = params[j];
        const Field* f = find_field(p);
        if (!f) diags.push_back({name, rec.line, 1, fmt::format("'{}' is not a scenario key", p)});
        else if (f->affects & affects_population)
          diags.push_back({name, rec.line, 1,
                           fmt::format("'{}' changes the synthesised population, which the runs of "
                                       "one ensemble share: a posterior may hold only parameters "
                                       "that act within a run", p)});
      }
      if (!diags.empty()) throw InputError(diags);
      for (size_t j = 0; j < params.size(); ++j)
        if (take[j]) s.posterior_drawn.push_back(params[j]);
      continue;
    }
    if (cells.size() < header.size()) {
      diags.push_back({name, rec.line, 1,
                       fmt::format("{} fields, expected {}", cells.size(), header.size())});
      continue;
    }
    const std::optional<double> w = parse_real(cells[weight_col]);
    if (!w || *w < 0) {
      diags.push_back({name, rec.line, int(weight_col) + 1,
                       fmt::format("weight '{}' should be a finite number >= 0", cells[weight_col])});
      continue;
    }
    weights.push_back(*w);
    lines.push_back(rec.line);
    values.emplace_back(cells.begin() + 1, cells.begin() + std::ptrdiff_t(weight_col));
  }
  if (!diags.empty()) throw InputError(diags);
  double total = 0;
  for (double w : weights) total += w;
  if (values.empty() || !(total > 0))
    throw InputError({{name, last_line, 1, "a posterior needs at least one particle of weight above 0"}});
  // Each particle: the scenario as loaded, with its values on top and no posterior of its own.
  double c = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    std::vector<std::string> o = overrides;
    o.push_back("contest.posterior=\"\"");
    for (size_t j = 0; j < params.size(); ++j)
      if (take[j]) o.push_back(params[j] + "=" + values[i][j]);
    try {
      s.posterior_scenarios.push_back(std::make_shared<const Scenario>(load_scenario(path, o)));
    } catch (const InputError& e) {
      for (const Diagnostic& d : e.diagnostics())
        diags.push_back({name, lines[i], 1, "this particle's values are refused: " + d.message});
      continue;
    }
    s.posterior_cumulative.push_back(c += weights[i]);
  }
  if (!diags.empty()) throw InputError(diags);
}

}  // namespace detail
}  // namespace leadsim
