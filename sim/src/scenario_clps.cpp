// scenario_clps.cpp: the constituency parties of a scenario (scenario_clps.hpp).
#include "scenario_clps.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "leadsim/random.hpp"
#include "leadsim/number_text.hpp"
#include "text.hpp"

namespace leadsim::detail {

namespace fs = std::filesystem;

bool build_clps(Scenario& s, const std::string& csv_path, std::vector<double>& cov,
                std::vector<Diagnostic>& diags) {
  const ClpSource& src = s.clp_source;
  const std::string& file = src.file;
  const auto& nations = src.nations;
  const std::string& weight = src.weight;
  const double power = src.weight_power;
  const std::string& covariate = src.covariate;
  const std::string& winner_col = src.held_column;
  const std::string& held_value = src.held_value;
  const std::int64_t count = src.count;
  const double size_sd = src.size_sd, held_share = src.held_share;
  if (file.empty()) {
    Stream g(name_hash("generated-clps"));
    s.regions = {"All"};
    for (std::int64_t i = 0; i < count; ++i) {
      Clp clp;
      clp.name = fmt::format("CLP {}", i + 1);
      clp.nation = "All";
      // Box-Muller from the fixed stream: the generated set is part of the scenario, not the run.
      double u1 = std::max(g.uniform(), 1e-12), u2 = g.uniform();
      double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
      double z2 = std::sqrt(-2 * std::log(u1)) * std::sin(2 * M_PI * u2);
      clp.weight = std::exp(size_sd * z);
      cov.push_back(z2);
      clp.labour_held = g.uniform() < held_share;
      s.clps.push_back(clp);
    }
  } else {
    const fs::path p = csv_path;
    CsvTable csv;
    if (!read_csv(p.string(), "CLP file", csv, diags)) return false;
    auto col = [&](const std::string& name) -> int {
      auto it = std::find(csv.header.begin(), csv.header.end(), name);
      return it == csv.header.end() ? -1 : int(it - csv.header.begin());
    };
    int c_name = col("name"), c_nation = col("nation"), c_region = col("region");
    if (c_name < 0 || c_nation < 0 || c_region < 0) {
      diags.push_back({p.string(), 1, 1, "the CLP file needs columns name, nation and region"});
      return false;
    }
    auto numeric_col = [&](const std::string& name, const char* what) -> int {
      if (name == "equal" || name == "none" || name == "lab_share") return -1;
      int i = col(name);
      if (i < 0)
        diags.push_back({p.string(), 1, 1, fmt::format("no column '{}' for {}{}", name, what,
                                                       did_you_mean(name, csv.header))});
      return i;
    };
    int c_weight = numeric_col(weight, "clps.weight");
    int c_cov = numeric_col(covariate, "clps.covariate");
    int c_lab = col("lab"), c_valid = col("valid_votes"), c_win = col(winner_col);
    if (covariate == "lab_share" && (c_lab < 0 || c_valid < 0))
      diags.push_back({p.string(), 1, 1, "covariate lab_share needs columns lab and valid_votes"});
    auto num = [&](size_t row, int column, double& out) {
      const std::string f = trim(csv.rows[row][size_t(column)]);
      const std::optional<double> x = parse_real(f);
      out = x.value_or(0);
      if (!x || out < 0) {
        diags.push_back({p.string(), csv.lines[row], column + 1,
                         fmt::format("column '{}' should be a finite non-negative decimal number, "
                                     "got '{}'", csv.header[size_t(column)], f)});
        return false;
      }
      return true;
    };
    for (size_t i = 0; i < csv.rows.size(); ++i) {
      const auto& row = csv.rows[i];
      if (!nations.empty() &&
          std::find(nations.begin(), nations.end(), row[size_t(c_nation)]) == nations.end())
        continue;
      Clp clp;
      clp.name = row[size_t(c_name)];
      clp.nation = row[size_t(c_nation)];
      const std::string& region = row[size_t(c_region)];
      auto it = std::find(s.regions.begin(), s.regions.end(), region);
      if (it == s.regions.end()) {
        s.regions.push_back(region);
        it = s.regions.end() - 1;
      }
      clp.region = int(it - s.regions.begin());
      double w = 1, x = 0;
      if (c_weight >= 0 && !num(i, c_weight, w)) continue;
      if (weight == "lab_share") {
        double lab = 0, valid = 0;
        if (!num(i, c_lab, lab) || !num(i, c_valid, valid)) continue;
        w = valid > 0 ? lab / valid : 0;
      }
      clp.weight = std::pow(w, power);
      if (c_cov >= 0 && !num(i, c_cov, x)) continue;
      if (covariate == "lab_share" && c_lab >= 0 && c_valid >= 0) {
        double lab = 0, valid = 0;
        if (!num(i, c_lab, lab) || !num(i, c_valid, valid)) continue;
        x = valid > 0 ? lab / valid : 0;
      }
      cov.push_back(x);
      clp.labour_held = c_win >= 0 && row[size_t(c_win)] == held_value;
      s.clps.push_back(clp);
    }
    if (s.clps.empty())
      diags.push_back({p.string(), 0, 0, "no CLPs left after filtering by clps.nations"});
  }
  return true;
}

void finish_clps(Scenario& s, const std::vector<double>& cov) {
  const std::string& covariate = s.clp_source.covariate;
  // Regional multipliers on size: the party's membership is not spread like its vote.
  for (auto& clp : s.clps) clp.weight *= s.clp_source.region_weight[size_t(clp.region)];
  // Standardise the covariate so effects are per standard deviation.
  if (!cov.empty()) {
    double mean = 0, var = 0;
    for (double x : cov) mean += x;
    mean /= double(cov.size());
    for (double x : cov) var += (x - mean) * (x - mean);
    double sd = std::sqrt(var / double(cov.size()));
    for (size_t i = 0; i < s.clps.size(); ++i)
      s.clps[i].covariate = covariate == "none" || sd == 0 ? 0.0 : (cov[i] - mean) / sd;
  }
}

int clp_of_row(const Scenario& s, const CsvTable& csv, size_t row, int col, const std::string& path,
               std::vector<int>& first_line, std::vector<Diagnostic>& diags) {
  const std::string& name = csv.rows[row][size_t(col)];
  const int clp = s.clp_index(name);
  if (clp < 0) return -1;
  if (first_line[size_t(clp)]) {
    diags.push_back({path, csv.lines[row], 1,
                     fmt::format("CLP '{}' has a second row (first on line {})", name,
                                 first_line[size_t(clp)])});
    return -2;
  }
  first_line[size_t(clp)] = csv.lines[row];
  return clp;
}

void read_clp_identity(Scenario& s, const std::string& csv_path, std::vector<Diagnostic>& diags) {
  CsvTable csv;
  if (!read_csv(csv_path, "CLP identity file", csv, diags)) return;
  const char* names[] = {"clp", "lean_mean", "lean_sd", "activity_mean", "activity_sd"};
  int col[5];
  for (int j = 0; j < 5; ++j) {
    col[j] = csv.column(names[j]);
    if (col[j] < 0) {
      diags.push_back({csv_path, 1, 1, fmt::format("the CLP identity file needs a column '{}'", names[j])});
      return;
    }
  }
  std::vector<int> seen(s.clps.size(), 0);
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    const int clp = clp_of_row(s, csv, r, col[0], csv_path, seen, diags);
    if (clp < 0) continue;
    double v[4];
    bool ok = true;
    for (int j = 0; j < 4; ++j) {
      const std::string f = trim(row[size_t(col[j + 1])]);
      const std::optional<double> x = parse_real(f);
      v[j] = x.value_or(0);
      const bool sd = j == 1 || j == 3;
      if (!x || !(std::fabs(v[j]) <= 20) || (sd && v[j] < 0)) {
        diags.push_back({csv_path, csv.lines[r], col[j + 1] + 1,
                         fmt::format("column '{}' should be a finite decimal number in [{}, 20], "
                                     "got '{}'", names[j + 1], sd ? "0" : "-20", f)});
        ok = false;
      }
    }
    if (!ok) continue;
    Clp& c = s.clps[size_t(clp)];
    c.lean_mean = v[0], c.lean_sd = v[1], c.activity_mean = v[2], c.activity_sd = v[3];
  }
  // Centred on the membership-weighted mean: the cohorts' faction mixes are national figures, so
  // the lasting leans redistribute a cohort between CLPs rather than shift the nation.
  double wsum = 0, lsum = 0;
  for (const Clp& c : s.clps) wsum += c.weight, lsum += c.weight * c.lean_mean;
  if (wsum > 0)
    for (Clp& c : s.clps) c.lean_mean -= lsum / wsum;
  for (size_t i = 0; i < s.clps.size(); ++i)
    if (!seen[i]) {
      diags.push_back({csv_path, 0, 0,
                       fmt::format("the CLP identity file has no row for '{}'", s.clps[i].name)});
      break;
    }
}

}  // namespace leadsim::detail
