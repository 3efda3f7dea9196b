#include "leadsim/ballot_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "leadsim/number_text.hpp"
#include "text.hpp"

namespace leadsim {

BallotSet read_ballot_file(const std::string& path, const Scenario& s) {
  std::vector<Diagnostic> diags;
  CsvTable csv;
  if (!read_csv(path, "ballot file", csv, diags)) throw InputError(diags);
  const int c_rank = csv.column("ranking"), c_sec = csv.column("section");
  int c_count = csv.column("count");
  if (c_count < 0) c_count = csv.column("weight");
  if (csv.header.empty() || c_rank < 0) {
    throw InputError({{path, 1, 1,
                       csv.header.empty()
                           ? std::string("empty ballot file: expected a header row "
                                         "(section,count,ranking) and ballots")
                           : "no 'ranking' column (expected columns: ranking, and optionally "
                             "section and count)"}});
  }
  std::vector<std::string> ids, sections;
  for (const auto& c : s.candidates) ids.push_back(c.id);
  for (int k = 0; k < kSections; ++k) sections.push_back(section_id(Section(k)));
  const FinalBallotRules& rules = s.rules.final_ballot;

  BallotSet set(int(s.candidates.size()));
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    const int line = csv.lines[r];
    auto bad = [&](int column, std::string msg) {
      diags.push_back({path, line, column + 1, std::move(msg)});
    };
    int section = int(Section::member);
    if (c_sec >= 0) {
      const std::string name = trim(row[size_t(c_sec)]);
      auto it = std::find(sections.begin(), sections.end(), name);
      if (it == sections.end()) {
        bad(c_sec, fmt::format("unknown section '{}', expected member, registered, affiliated or "
                               "mp{}", name, did_you_mean(name, sections)));
        continue;
      }
      section = int(it - sections.begin());
      if (rules.college && rules.weight[size_t(section)] <= 0) {
        bad(c_sec, fmt::format("section '{}' has no weight in the rulebook's electoral college",
                               name));
        continue;
      }
    }
    double count = 1;
    if (c_count >= 0) {
      const std::string f = trim(row[size_t(c_count)]);
      const std::optional<double> x = parse_real(f);
      count = x.value_or(0);
      // Capped, so that no sum of a file's counts (at most kMaxInputBytes rows) reaches infinity.
      if (!x || count < 0 || count > kMaxBallotCount) {
        bad(c_count, fmt::format("'{}' should be a decimal number of voters in [0, {:g}], got '{}'",
                                 csv.header[size_t(c_count)], kMaxBallotCount, f));
        continue;
      }
    }
    std::vector<std::uint8_t> ranking;
    bool ok = true;
    for (const std::string& raw : split(row[size_t(c_rank)], '>')) {
      const std::string id = trim(raw);
      const int c = s.candidate_index(id);
      if (c < 0) {
        bad(c_rank, id.empty() ? std::string("empty preference in the ranking (expected ids "
                                             "separated by '>')")
                               : fmt::format("unknown candidate '{}'{}", id, did_you_mean(id, ids)));
        ok = false;
        break;
      }
      if (std::find(ranking.begin(), ranking.end(), std::uint8_t(c)) != ranking.end()) {
        bad(c_rank, fmt::format("candidate '{}' is ranked twice on one ballot", id));
        ok = false;
        break;
      }
      ranking.push_back(std::uint8_t(c));
    }
    if (ok) set.add(ranking, count, section);
  }
  if (diags.empty() && set.size() == 0)
    diags.push_back({path, 0, 0, "the ballot file holds no ballots"});
  if (!diags.empty()) {
    std::stable_sort(diags.begin(), diags.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    throw InputError(diags);
  }
  return set;
}

}  // namespace leadsim
