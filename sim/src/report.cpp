#include "leadsim/report.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <iterator>

#include <nlohmann/json.hpp>

#include "text.hpp"  // csv_field

namespace leadsim {

namespace fs = std::filesystem;

const char* leadsim_version() { return LEADSIM_VERSION; }

Manifest make_manifest(const Scenario& s, std::uint64_t seed, std::uint64_t runs) {
  return {LEADSIM_VERSION, LEADSIM_GIT_COMMIT, seed, runs, s.agents()};
}

// ------------------------------------------------------------------------------------------------

RunsCsv::RunsCsv(const Scenario& s, std::ostream& out)
    : s_(s), out_(out), columns_(run_columns(s)) {
  std::string header;
  for (const RunColumn& col : columns_) (header += header.empty() ? "" : ",") += col.name;
  out_ << header << "\n";
}

void RunsCsv::on_run(const RunResult& r) {
  fmt::memory_buffer row;
  auto it = std::back_inserter(row);
  bool first = true;
  for (const RunColumn& col : columns_) {
    if (!first) row.push_back(',');
    first = false;
    const RunField& f = *col.field;
    if (f.type == ColumnType::real) {
      fmt::format_to(it, "{:.6f}", f.real(r, col.candidate, col.section));
      continue;
    }
    const std::int64_t v = f.integer(r, col.candidate, col.section);
    if (f.type != ColumnType::text) {
      fmt::format_to(it, "{}", v);
    } else if (v < 0) {
      fmt::format_to(it, "none");
    } else if (f.labels == ColumnLabels::candidate) {
      fmt::format_to(it, "{}", s_.candidates[size_t(v)].id);
    } else {
      fmt::format_to(it, "{}", stage_id(s_.rules.stages[size_t(v)]));
    }
  }
  row.push_back('\n');
  out_.write(row.data(), std::streamsize(row.size()));
}

// ------------------------------------------------------------------------------------------------

namespace {

nlohmann::ordered_json describe(const Distribution& d) {
  nlohmann::ordered_json j;
  j["mean"] = d.mean();
  j["sd"] = d.sd();
  j["q05"] = d.quantile(0.05);
  j["q50"] = d.quantile(0.5);
  j["q95"] = d.quantile(0.95);
  return j;
}

// A resolved value as JSON: numbers, booleans, strings and arrays as themselves, anything else
// (dates, tables) as its TOML text.
nlohmann::ordered_json param_value(const std::string& v) {
  auto j = nlohmann::ordered_json::parse(v, nullptr, false);
  return j.is_discarded() ? nlohmann::ordered_json(v) : j;
}

}  // namespace

void write_summary_json(std::ostream& out, const Scenario& s, const Manifest& m,
                        const Summary& summary) {
  nlohmann::ordered_json j;
  auto& man = j["manifest"];
  man["leadsim_version"] = m.version;
  man["git_commit"] = m.git_commit;
  man["scenario"] = s.file;
  man["scenario_sha256"] = s.sha256;
  man["included_files"] = nlohmann::ordered_json::array();
  for (const auto& [file, hash] : s.included_files)
    man["included_files"].push_back({{"file", file}, {"sha256", hash}});
  man["seed"] = m.seed;
  man["runs"] = summary.runs;
  man["runs_requested"] = m.runs;
  man["agents"] = m.agents;
  man["random_streams"] = "SplitMix64, keyed by (seed, run index, purpose, person)";
  auto& params = man["parameters"];
  params = nlohmann::ordered_json::object();
  for (const auto& p : s.resolved) params[p.path] = param_value(p.value);

  j["contest"] = s.name;
  j["runs"] = summary.runs;
  j["no_valid_nominations"] = summary.no_valid_nominations;
  j["decided_by_lot"] = summary.decided_by_lot;
  j["unopposed"] = summary.unopposed;
  {
    auto& st = j["stages"];
    st = nlohmann::ordered_json::array();
    for (Stage x : s.rules.stages) st.push_back(std::string(stage_id(x)));
    j["count"] = {{"method", std::string(to_string(s.rules.final_ballot.method))},
                  {"tie_break", std::string(to_string(s.rules.final_ballot.tie))}};
    if (s.rules.final_ballot.college)
      for (int sec = 0; sec < kSections; ++sec)
        j["count"]["college"][section_id(Section(sec))] = s.rules.final_ballot.weight[size_t(sec)];
  }
  auto& cands = j["candidates"];
  cands = nlohmann::ordered_json::array();
  for (size_t c = 0; c < s.candidates.size(); ++c) {
    const CandidateSummary& cs = summary.candidates[c];
    const Proportion win = summary.win_probability(int(c));
    nlohmann::ordered_json x;
    x["id"] = s.candidates[c].id;
    x["name"] = s.candidates[c].name;
    x["win_probability"] = win.p;
    x["win_probability_95"] = {win.lo, win.hi};
    x["on_ballot_probability"] = summary.runs ? double(cs.on_ballot) / double(summary.runs) : 0.0;
    x["final_share"] = describe(cs.share);
    for (int sec = 0; sec < kSections; ++sec)
      x["first_preferences"][section_id(Section(sec))] = describe(cs.first_share[size_t(sec)]);
    x["clp_nominations"] = describe(cs.nominations);
    x["meeting_votes_mean"] = summary.runs ? cs.meeting_votes / double(summary.runs) : 0.0;
    x["mp_nominations"] = describe(cs.mp_nominations);
    x["affiliate_nominations"] = describe(cs.affiliate_nominations);
    std::vector<std::uint64_t> elim(cs.eliminated_in_round.begin(),
                                    cs.eliminated_in_round.begin() +
                                        std::ptrdiff_t(std::max<size_t>(1, s.candidates.size() - 1)));
    x["runs_eliminated_in_round"] = elim;
    auto& left = x["runs_out_at_stage"];
    left = nlohmann::ordered_json::object();
    for (size_t st = 0; st < s.rules.stages.size(); ++st)
      if (cs.out_at_stage[st]) left[std::string(stage_id(s.rules.stages[st]))] = cs.out_at_stage[st];
    if (s.rules.has(Stage::mp_ballot)) {
      x["mp_ballot_round1_votes"] = describe(cs.mp_ballot_first);
      auto& by_round = x["runs_out_in_mp_round"];
      by_round = nlohmann::ordered_json::object();
      for (size_t rd = 1; rd < cs.mp_out_round.size(); ++rd)
        if (cs.mp_out_round[rd]) by_round[std::to_string(rd)] = cs.mp_out_round[rd];
    }
    cands.push_back(x);
  }
  auto& rounds = j["rounds"];
  rounds = nlohmann::ordered_json::object();
  for (size_t r = 0; r < summary.rounds.size(); ++r)
    if (summary.rounds[r]) rounds[std::to_string(r)] = summary.rounds[r];
  j["meetings"]["held"] = describe(summary.meetings_held);
  j["meetings"]["attendance_rate"] = describe(summary.attendance_rate);
  for (int sec = 0; sec < kSections; ++sec)
    j["turnout"][section_id(Section(sec))] = describe(summary.turnout[size_t(sec)]);
  out << j.dump(2) << "\n";
}

void write_clps_csv(std::ostream& out, const Scenario& s, const Summary& summary) {
  out << "clp,nation,region,mp,p_met";
  for (const auto& c : s.candidates) out << ",p_nominate_" << c.id;
  out << ",p_no_nomination,mean_attendance,mean_eligible";
  for (const auto& c : s.candidates) out << ",meeting_share_" << c.id;
  // The CLP's lasting identity (clp_identity.hpp) as the runs draw it: the lean's mean and 90%
  // interval (normal), and its activity's mean; all 0 without an identity file.
  out << ",lean_mean,lean_lo,lean_hi,activity_mean\n";
  const double runs = double(std::max<std::uint64_t>(1, summary.runs));
  for (size_t i = 0; i < s.clps.size(); ++i) {
    const Clp& clp = s.clps[i];
    const ClpSummary& cs = summary.clps[i];
    const std::string name = csv_field(clp.name);
    std::string row = fmt::format("{},{},{},{},{:.4f}", name, clp.nation,
                                  s.regions[size_t(clp.region)], int(clp.labour_held),
                                  double(cs.met) / runs);
    std::uint64_t nominated = 0;
    for (size_t c = 0; c < s.candidates.size(); ++c) {
      row += fmt::format(",{:.4f}", double(cs.nominated[c]) / runs);
      nominated += cs.nominated[c];
    }
    const double met = double(std::max<std::uint64_t>(1, cs.met));
    row += fmt::format(",{:.4f},{:.2f},{:.2f}", 1.0 - double(nominated) / runs,
                       double(cs.attendance) / met, double(cs.eligible) / met);
    for (size_t c = 0; c < s.candidates.size(); ++c) row += fmt::format(",{:.4f}", cs.meeting_share(c));
    row += fmt::format(",{:.4f},{:.4f},{:.4f},{:.4f}\n", clp.lean_mean,
                       clp.lean_mean - 1.6449 * clp.lean_sd, clp.lean_mean + 1.6449 * clp.lean_sd,
                       clp.activity_mean);
    out << row;
  }
}

std::string format_report(const Scenario& s, const Manifest& m, const EnsembleResult& r) {
  const Summary& sm = r.summary;
  std::string o;
  auto pct = [](double x) { return fmt::format("{:.1f}%", 100 * x); };
  size_t width = 12;
  for (const auto& c : s.candidates) width = std::max(width, c.name.size() + 2);

  o += fmt::format("{}: {} runs, seed {}, {} agents in {} CLPs; {:.1f} s ({:.0f} runs/s, {} threads)\n",
                   s.name, sm.runs, m.seed, m.agents, s.clps.size(), r.seconds,
                   r.seconds > 0 ? double(sm.runs) / r.seconds : 0.0, r.threads);
  if (!s.question.empty()) o += fmt::format("Question: {}\n", s.question);
  if (r.cancelled) o += fmt::format("(cancelled after {} of {} runs)\n", sm.runs, m.runs);

  o += fmt::format("\nWho wins{:>{}}   95% interval      final-round share: mean [90% range]\n",
                   "P(win)", width + 2);
  for (size_t c = 0; c < s.candidates.size(); ++c) {
    const auto& cs = sm.candidates[c];
    const Proportion p = sm.win_probability(int(c));
    o += fmt::format("  {:<{}}{:>8.3f}   [{:.3f}, {:.3f}]    {:>6} [{:.1f}, {:.1f}]\n",
                     s.candidates[c].name, width, p.p, p.lo, p.hi, pct(cs.share.mean()),
                     100 * cs.share.quantile(0.05), 100 * cs.share.quantile(0.95));
  }
  if (sm.no_valid_nominations)
    o += fmt::format("  no valid nominations (nobody on the ballot) in {} runs\n",
                     sm.no_valid_nominations);
  const double runs = double(std::max<std::uint64_t>(1, sm.runs));
  if (sm.unopposed)
    o += fmt::format("  elected unopposed (one candidate left, no ballot held) in {} of runs\n",
                     pct(double(sm.unopposed) / runs));
  for (size_t c = 0; c < s.candidates.size(); ++c) {
    const auto& cs = sm.candidates[c];
    std::string where;
    for (size_t st = 0; st < s.rules.stages.size(); ++st)
      if (cs.out_at_stage[st])
        where += fmt::format("{}{} {}", where.empty() ? "" : ", ", stage_id(s.rules.stages[st]),
                             pct(double(cs.out_at_stage[st]) / runs));
    if (!where.empty())
      o += fmt::format("  {} left the contest at: {} (MP nominations: mean {:.0f})\n",
                       s.candidates[c].name, where, cs.mp_nominations.mean());
  }
  if (s.rules.has(Stage::mp_ballot)) {
    o += fmt::format("\nMPs' ballot{:>{}}   90% range   P(reached the members)\n",
                     "round 1", width + 3);
    for (size_t c = 0; c < s.candidates.size(); ++c) {
      const auto& d = sm.candidates[c].mp_ballot_first;
      o += fmt::format("  {:<{}}{:>8.1f}   [{:.0f}, {:.0f}]   {:>8}\n", s.candidates[c].name, width,
                       d.mean(), d.quantile(0.05), d.quantile(0.95),
                       pct(double(sm.candidates[c].on_ballot) / runs));
    }
  }
  std::vector<int> present;  // sections with voters in this contest
  for (int sec = 0; sec < kSections; ++sec)
    if (section_counts(s, Section(sec))) present.push_back(sec);
  o += fmt::format("\nFirst preferences by section (mean share of votes cast){}\n  {:<{}}",
                   s.rules.final_ballot.college ? "; electoral college" : "", "", width);
  const size_t column = s.rules.final_ballot.college ? 17 : 12;  // "affiliated 33.3%" fits
  for (int sec : present)
    o += fmt::format("{:>{}}", s.rules.final_ballot.college
                                   ? fmt::format("{} {:.1f}%", section_id(Section(sec)),
                                                 100 * s.rules.final_ballot.weight[size_t(sec)])
                                   : std::string(section_id(Section(sec))), column);
  o += "\n";
  for (size_t c = 0; c < s.candidates.size(); ++c) {
    o += fmt::format("  {:<{}}", s.candidates[c].name, width);
    for (int sec : present)
      o += fmt::format("{:>{}}", pct(sm.candidates[c].first_share[size_t(sec)].mean()), column);
    o += "\n";
  }

  if (s.rules.has(Stage::clp_nominations)) {
    o += fmt::format("\nCLP nominations (of {} CLPs; meetings held per run: mean {:.0f})\n",
                     s.clps.size(), sm.meetings_held.mean());
    o += fmt::format("  {:<{}}{:>8}   90% range   meeting votes (mean per run)\n", "", width, "mean");
    for (size_t c = 0; c < s.candidates.size(); ++c) {
      const auto& d = sm.candidates[c].nominations;
      o += fmt::format("  {:<{}}{:>8.1f}   [{:.0f}, {:.0f}]   {:>10.0f}\n", s.candidates[c].name,
                       width, d.mean(), std::floor(d.quantile(0.05)), std::floor(d.quantile(0.95)),
                       sm.candidates[c].meeting_votes / double(std::max<std::uint64_t>(1, sm.runs)));
    }
    o += fmt::format("\nMeetings: attendance {} of those eligible to attend (members past the freeze; "
                     "delegates at a General Committee) [90% range {:.1f}, {:.1f}]\n",
                     pct(sm.attendance_rate.mean()), 100 * sm.attendance_rate.quantile(0.05),
                     100 * sm.attendance_rate.quantile(0.95));
  } else {
    o += "\n";
  }
  o += "Turnout:";
  for (size_t i = 0; i < present.size(); ++i)
    o += fmt::format(" {} {}{}", section_id(Section(present[i])),
                     pct(sm.turnout[size_t(present[i])].mean()), i + 1 < present.size() ? "," : "");
  o += "\n";
  o += "Counting rounds:";
  for (size_t k = 0; k < sm.rounds.size(); ++k)
    if (sm.rounds[k])
      o += fmt::format(" {} round{} in {} of runs;", k, k == 1 ? "" : "s",
                       pct(double(sm.rounds[k]) / double(std::max<std::uint64_t>(1, sm.runs))));
  o += "\n";
  return o;
}

}  // namespace leadsim

namespace leadsim {

namespace {
// The candidates eliminated at the end of a round (several under two_round).
std::vector<int> eliminated_in(const CountRound& r) {
  std::vector<int> out;
  if (r.eliminated >= 0) out.push_back(r.eliminated);
  out.insert(out.end(), r.also_eliminated.begin(), r.also_eliminated.end());
  return out;
}

std::string describe_rules(const CountRules& rules) {
  std::string o = std::string(to_string(rules.method));
  if (rules.is_college()) {
    o += ", electoral college (";
    std::string parts;
    for (size_t sec = 0; sec < rules.college.size(); ++sec)
      if (rules.college[sec] > 0)
        parts += fmt::format("{}{} {:.2f}%", parts.empty() ? "" : ", ", section_id(Section(sec)),
                             100 * rules.college[sec]);
    o += parts;
    o += ")";
  } else {
    o += ", one member one vote";
  }
  return o + ", ties for last: " + std::string(to_string(rules.tie));
}
}  // namespace

namespace {

// A cell of votes and their percentage in two aligned parts: the votes right-aligned in
// `votes_width`, the percentage in a fixed width, so that 18857 4.5% lines up under
// 251417 59.5% digit for digit (the two were one right-aligned string).
std::string vote_cell(double votes, double percent, size_t votes_width, int decimals) {
  const size_t pw = size_t(decimals) + 5;  // "100.0%" or "100.00%"
  return fmt::format("{:>{}.0f} {:>{}}", votes, votes_width, fmt::format("{:.{}f}%", percent, decimals), pw);
}

// The widest vote count in a table, in digits.
size_t votes_width_of(const std::vector<double>& all) {
  size_t w = 1;
  for (double v : all) w = std::max(w, fmt::format("{:.0f}", v).size());
  return w;
}

}  // namespace

std::string format_count(const Scenario& s, const CountRules& rules, const CountResult& r) {
  std::string o = fmt::format("{}: {}\n\n", s.name, describe_rules(rules));
  if (r.rounds.empty()) return o + "No candidate stood: no count.\n";
  size_t width = 10;
  for (const auto& c : s.candidates) width = std::max(width, c.name.size() + 2);
  const bool college = rules.is_college();
  // Every column as wide as its widest cell, two spaces apart: votes and percentages (or a
  // college's percentages), the exhausted ballots, the eliminated candidates' ids.
  std::vector<double> all_votes;
  for (const auto& round : r.rounds) {
    all_votes.insert(all_votes.end(), round.votes.begin(), round.votes.end());
    all_votes.push_back(round.exhausted);
  }
  const size_t vw = votes_width_of(all_votes);
  size_t col = college ? 7 : vw + 1 + 6;
  col = std::max(col, fmt::format("Round {}", r.rounds.size()).size());
  for (const auto& round : r.rounds) {
    std::string names;
    for (int c : eliminated_in(round)) names += (names.empty() ? "" : "+") + s.candidates[size_t(c)].id;
    col = std::max(col, names.size() + (round.eliminated_by_lot ? 6 : 0));
  }
  auto cell = [&](const std::string& text) { return fmt::format("  {:>{}}", text, col); };
  o += fmt::format("  {:<{}}", "", width);
  for (size_t i = 0; i < r.rounds.size(); ++i) o += cell(fmt::format("Round {}", i + 1));
  o += "\n";
  for (size_t c = 0; c < s.candidates.size(); ++c) {
    o += fmt::format("  {:<{}}", s.candidates[c].name, width);
    for (const auto& round : r.rounds) {
      double total = 0;
      for (double v : round.votes) total += v;
      const bool out_already = round.votes[c] == 0 && r.eliminated_round[c] >= 0 &&
                               &round - &r.rounds[0] > r.eliminated_round[c];
      if (out_already) o += cell("-");
      else if (college) o += cell(fmt::format("{:.2f}%", 100 * round.votes[c]));
      else o += cell(vote_cell(round.votes[c], total > 0 ? 100 * round.votes[c] / total : 0.0, vw, 1));
    }
    o += "\n";
  }
  if (!college) {
    o += fmt::format("  {:<{}}", "exhausted", width);
    for (const auto& round : r.rounds) o += cell(fmt::format("{:.0f}", round.exhausted));
    o += "\n";
  }
  o += fmt::format("  {:<{}}", "eliminated", width);
  for (const auto& round : r.rounds) {
    std::string names;
    for (int c : eliminated_in(round)) names += (names.empty() ? "" : "+") + s.candidates[size_t(c)].id;
    o += cell(names.empty() ? "" : names + (round.eliminated_by_lot ? " (lot)" : ""));
  }
  // No trailing spaces.
  while (!o.empty() && o.back() == ' ') o.pop_back();
  o += "\n";
  if (college) {
    // Each section's continuing votes, which the percentages come from; one width for every
    // section's table, so that they line up with each other.
    std::vector<double> section_votes;
    for (const auto& round : r.rounds)
      for (const auto& v : round.section_votes) section_votes.insert(section_votes.end(), v.begin(), v.end());
    const size_t svw = votes_width_of(section_votes);
    const size_t scol = std::max(svw + 1 + 7, fmt::format("Round {}", r.rounds.size()).size());
    for (size_t sec = 0; sec < rules.college.size(); ++sec) {
      double any = 0;
      for (const auto& round : r.rounds)
        for (double v : round.section_votes[sec]) any += v;
      if (any == 0) continue;
      o += fmt::format("\n  {} section (weight {:.2f}%): votes\n", section_id(Section(sec)),
                       100 * rules.college[sec]);
      for (size_t c = 0; c < s.candidates.size(); ++c) {
        o += fmt::format("  {:<{}}", s.candidates[c].name, width);
        for (const auto& round : r.rounds) {
          const auto& v = round.section_votes[sec];
          double total = 0;
          for (double x : v) total += x;
          o += fmt::format("  {:>{}}", vote_cell(v[c], total > 0 ? 100 * v[c] / total : 0.0, svw, 2), scol);
        }
        o += "\n";
      }
    }
  }
  o += fmt::format("\nWinner: {}{} after {} round{}\n",
                   r.winner >= 0 ? s.candidates[size_t(r.winner)].name : "nobody",
                   r.winner_by_lot ? " (by lot)" : "", r.rounds.size(),
                   r.rounds.size() == 1 ? "" : "s");
  return o;
}

std::string count_json(const Scenario& s, const CountRules& rules, const CountResult& r) {
  nlohmann::ordered_json j;
  j["contest"] = s.name;
  j["method"] = std::string(to_string(rules.method));
  j["tie_break"] = std::string(to_string(rules.tie));
  if (rules.is_college())
    for (size_t sec = 0; sec < rules.college.size(); ++sec)
      j["college"][section_id(Section(sec))] = rules.college[sec];
  j["rounds"] = nlohmann::ordered_json::array();
  for (const auto& round : r.rounds) {
    nlohmann::ordered_json x;
    double total = 0;
    for (double v : round.votes) total += v;
    for (size_t c = 0; c < s.candidates.size(); ++c) {
      x["votes"][s.candidates[c].id] = round.votes[c];
      x["percent"][s.candidates[c].id] = total > 0 ? 100 * round.votes[c] / total : 0.0;
    }
    x["exhausted"] = round.exhausted;
    std::vector<std::string> out;
    for (int c : eliminated_in(round)) out.push_back(s.candidates[size_t(c)].id);
    x["eliminated"] = out;
    x["eliminated_by_lot"] = round.eliminated_by_lot;
    for (size_t sec = 0; sec < round.section_votes.size(); ++sec)
      for (size_t c = 0; c < s.candidates.size(); ++c)
        x["sections"][section_id(Section(sec))][s.candidates[c].id] = round.section_votes[sec][c];
    j["rounds"].push_back(x);
  }
  j["winner"] = r.winner >= 0 ? s.candidates[size_t(r.winner)].id : "none";
  j["winner_by_lot"] = r.winner_by_lot;
  return j.dump(2) + "\n";
}

std::string describe_convening(const Scenario& s, int clp, const MeetingStory& st) {
  const MeetingResult& r = st.result;
  const size_t k = s.candidates.size();
  auto cand = [&](int c) { return c >= 0 ? s.candidates[size_t(c)].name : std::string("nobody"); };
  std::string o;
  const Clp& here = s.clps[size_t(clp)];
  if (here.lean_sd > 0 || here.lean_mean != 0)
    o += fmt::format("Its lasting lean this run: {:+.2f} (log-odds per unit of axis 1, leftwards; "
                     "its record gives {:+.2f} +/- {:.2f}).\n",
                     st.lean, here.lean_mean, here.lean_sd);
  std::string blocs;
  for (size_t f = 0; f < s.factions.size() && f < st.faction_bloc.size(); ++f)
    if (s.factions[f].bloc_sd > 0)
      blocs += fmt::format("{}{} x{:.2f}", blocs.empty() ? "" : ", ", s.factions[f].name,
                           st.faction_bloc[f]);
  if (!blocs.empty()) o += "Blocs turning out here this run (1 = as usual): " + blocs + ".\n";
  const ConveneDecision& d = st.convening;
  auto reading = [&](const RoomExpectation& room) {
    double total = 0;
    for (size_t c = 0; c < k; ++c) total += room.votes[c];
    return room.leader < 0 || total <= 0
               ? std::string("nobody")
               : fmt::format("{} ({:.0f}%)", cand(room.leader), 100 * room.votes[size_t(room.leader)] / total);
  };
  if (d.known)
    o += "The scenario knows this meeting was held, and in which format.\n";
  else if (d.requisitioned)
    o += fmt::format("Requisitioned: organised members are {:.0f}% of the members (threshold "
                     "{:.0f}%), so an all-member meeting is held.\n",
                     100 * d.organised_share, 100 * s.meetings.requisition);
  else if (d.tactical)
    o += fmt::format("The officers expected the members to back {} and a General Committee {}: "
                     "they {}.\n",
                     reading(d.members), reading(d.delegates),
                     r.met ? "called a General Committee" : "did not call a meeting");
  else if (d.members.leader >= 0)
    o += fmt::format("The officers expected the members to back {} and a General Committee {}; "
                     "they kept the CLP's custom.\n",
                     reading(d.members), reading(d.delegates));
  return o;
}

std::string format_meeting_story(const Scenario& s, int clp, std::uint64_t seed, std::uint64_t run,
                                 const MeetingStory& st) {
  const MeetingResult& r = st.result;
  const size_t k = s.candidates.size();
  auto cand = [&](int c) { return c >= 0 ? s.candidates[size_t(c)].name : std::string("nobody"); };
  std::string o = fmt::format("{} (seed {}, run {}): {}\n", s.clps[size_t(clp)].name, seed, run,
                              s.name);
  if (st.mp_endorsement >= 0)
    o += fmt::format("The local MP nominated and endorses {}.\n", cand(st.mp_endorsement));
  o += describe_convening(s, clp, st);
  if (!r.met) {
    o += "The CLP did not hold a nomination meeting this run.\n";
    return o;
  }
  const bool gc = r.format == MeetingFormat::general_committee;
  o += fmt::format("Format: {}.\n\n", gc ? "General Committee (delegates only)" : "all-member meeting");

  o += "Invitations\n";
  o += fmt::format("  {:>7}  members of the CLP\n", st.members);
  o += fmt::format("  {:>7}  joined after the meeting freeze date ({}): not eligible\n",
                   st.past_freeze, format_day(s.eligibility.member_meeting_freeze));
  if (st.not_in_good_standing)
    o += fmt::format("  {:>7}  not in good standing: not eligible\n", st.not_in_good_standing);
  if (gc) o += fmt::format("  {:>7}  eligible but not delegates\n", st.not_delegates);
  o += fmt::format("  {:>7}  eligible\n", r.eligible);
  o += fmt::format("  {:>7}  not invited: contact details out of date\n", st.not_contactable);
  o += fmt::format("  {:>7}  not invited: invitation lost\n", st.invitation_lost);
  o += fmt::format("  {:>7}  invited\n", r.invited);
  o += fmt::format("  {:>7}  attended ({:.1f}% of eligible){}\n\n", r.attended,
                   r.eligible ? 100.0 * r.attended / r.eligible : 0.0,
                   st.hostile_attendees ? fmt::format(", {} of them hostile", st.hostile_attendees)
                                        : "");

  o += "Who attended, by cohort and faction (attended / invited)\n";
  size_t wname = 8;
  for (const auto& w : s.waves) wname = std::max(wname, w.name.size() + 2);
  o += fmt::format("  {:<{}}", "", wname);
  // Each column as wide as its faction's name or its widest cell, three spaces between columns
  // (with one, "Momentum left Corbyn-supporting left" read as one heading).
  auto cell_of = [&](size_t w, size_t f) {
    return fmt::format("{} / {}", st.attended_by[w][f], st.invited_by[w][f]);
  };
  std::vector<size_t> wcol;
  for (size_t f = 0; f < s.factions.size(); ++f) {
    size_t wide = s.factions[f].name.size();
    for (size_t w = 0; w < s.waves.size(); ++w)
      if (s.waves[w].section == Section::member) wide = std::max(wide, cell_of(w, f).size());
    wcol.push_back(wide + 3);
  }
  for (size_t f = 0; f < s.factions.size(); ++f) o += fmt::format("{:>{}}", s.factions[f].name, wcol[f]);
  o += "\n";
  for (size_t w = 0; w < s.waves.size(); ++w) {
    if (s.waves[w].section != Section::member) continue;
    o += fmt::format("  {:<{}}", s.waves[w].name, wname);
    for (size_t f = 0; f < s.factions.size(); ++f) o += fmt::format("{:>{}}", cell_of(w, f), wcol[f]);
    o += "\n";
  }
  if (r.attended == 0) {
    o += "\nNobody came: no nomination.\n";
    return o;
  }

  o += fmt::format("\nThe chair ({}, {}) backs {}.\n", s.waves[size_t(st.chair_wave)].name,
                   s.factions[size_t(st.chair_faction)].name, cand(st.chair_candidate));
  o += fmt::format("Preferences on arrival:");
  for (size_t c = 0; c < k; ++c)
    if (!st.preferred_before.empty())
      o += fmt::format(" {} {}{}", cand(int(c)), st.preferred_before[c], c + 1 < k ? "," : "");
  o += "\n";
  o += fmt::format("Speeches ({}):\n", st.speeches.size());
  for (size_t i = 0; i < st.speeches.size(); ++i) {
    const auto& sp = st.speeches[i];
    o += fmt::format("  {}. for {:<20} by a {} member ({}); moved {} listener{}{}\n", i + 1,
                     cand(sp.candidate), s.waves[size_t(sp.speaker_wave)].name,
                     s.factions[size_t(sp.speaker_faction)].name, sp.persuaded,
                     sp.persuaded == 1 ? "" : "s",
                     sp.converted ? fmt::format(", changing {} first choice{}", sp.converted,
                                                sp.converted == 1 ? "" : "s")
                                  : "");
  }
  if (st.discussion_moves)
    o += fmt::format("Then the room talked in pairs: {} conversation{} brought two people closer, "
                     "changing {} first choice{}.\n",
                     st.discussion_moves, st.discussion_moves == 1 ? "" : "s",
                     st.discussion_converted, st.discussion_converted == 1 ? "" : "s");
  o += fmt::format("{} attendee{} changed their first choice in the debate.\n", st.changed_mind,
                   st.changed_mind == 1 ? "" : "s");
  o += "\nThe vote\n";
  if (!r.quorate) {
    o += fmt::format("  {} attended, below the quorum of {}: no nomination.\n", r.attended,
                     s.meetings.quorum);
    return o;
  }
  for (size_t round = 0; round < st.rounds.size(); ++round) {
    o += fmt::format("  round {}:", round + 1);
    for (size_t c = 0; c < k; ++c) o += fmt::format(" {} {}", cand(int(c)), st.rounds[round][c]);
    if (round < st.eliminated.size() && st.eliminated[round] >= 0)
      o += fmt::format("  ({} eliminated)", cand(st.eliminated[round]));
    o += "\n";
  }
  o += fmt::format("Outcome: {} nominated{}.\n", cand(r.nominee),
                   st.decided_by_tie_break
                       ? (s.meetings.tie_break == TieBreak::chair ? " on the chair's casting vote"
                                                                  : " by lot")
                       : "");
  return o;
}

}  // namespace leadsim
