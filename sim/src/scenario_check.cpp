// scenario_check.cpp: check_scenario(), every problem of a Scenario's values.
//
// Two parts. Each value against its field's domain (the field table's check_rows, the same
// domains the reader checks as it reads). Then the values together: what no single field can
// say (shares across entries, dates in order, targets that exist, stages that can run in the
// order given, thresholds the parliamentary party can meet). load_scenario() runs the second part
// after reading (the reader has done the first, at each value's node); a Scenario built or changed
// in code gets both.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "leadsim/scenario.hpp"
#include "scenario_fields.hpp"

namespace leadsim {

namespace detail {

namespace {

// Exactly where `path` was written, else the file.
SourcePlace exactly(const Scenario& s, const std::string& path) {
  if (auto it = s.places.find(path); it != s.places.end()) return it->second;
  return place_in(s, "");
}

// The number of MPs (and MEPs) the parliamentary party will have (parliament.cpp draws them).
int parliament_size(const Scenario& s, bool with_meps) {
  int held = 0;
  for (const auto& c : s.clps) held += c.labour_held;
  const int mps = s.mps.count > 0 ? s.mps.count + s.mps.extra_mps : held + s.mps.extra_mps;
  return mps + (with_meps ? s.mps.meps : 0);
}

Known known_of(const Scenario& s) {
  Known k;
  k.s = const_cast<Scenario*>(&s);
  for (const auto& c : s.candidates) k.candidates.push_back(c.id);
  for (const auto& f : s.factions) k.factions.push_back(f.id);
  for (const auto& c : s.clps) k.clps.push_back(c.name);
  return k;
}

void check_rules(const Scenario& s, std::vector<Diagnostic>& out) {
  auto error = [&](const SourcePlace& p, std::string msg) {
    out.push_back(Diagnostic::at(p, std::move(msg)));
  };
  const Rulebook& rb = s.rules;
  const SourcePlace stages = place_in(s, "rules.stages");
  auto pos = [&](Stage st) {
    auto it = std::find(rb.stages.begin(), rb.stages.end(), st);
    return it == rb.stages.end() ? -1 : int(it - rb.stages.begin());
  };
  if (pos(Stage::final_ballot) < 0)
    error(stages, "'rules.stages' has no final_ballot: a contest must end in a ballot");
  else if (pos(Stage::final_ballot) != int(rb.stages.size()) - 1)
    error(stages, "'rules.stages': final_ballot must be the last stage");
  const SupportingRules& sr = rb.supporting;
  const SourcePlace sn = place_in(s, "rules.supporting_nominations");
  const int sup = pos(Stage::supporting_nominations);
  if (sup >= 0) {
    if (sr.clp_share <= 0 && sr.affiliates <= 0)
      error(sn, "'rules.supporting_nominations': both routes are closed (clp_share = 0 and "
                "affiliates = 0)");
    if (sr.clp_share > 0 && (pos(Stage::clp_nominations) < 0 || pos(Stage::clp_nominations) > sup))
      error(stages, "'rules.stages': supporting_nominations counts CLP nominations, so "
                    "clp_nominations must come before it (or set clp_share = 0)");
    if (sr.affiliates > 0 &&
        (pos(Stage::affiliate_nominations) < 0 || pos(Stage::affiliate_nominations) > sup))
      error(stages, "'rules.stages': supporting_nominations counts affiliates' nominations, so "
                    "affiliate_nominations must come before it (or set affiliates = 0)");
    if (sr.affiliate_unions > sr.affiliates)
      error(sn, fmt::format("'rules.supporting_nominations': affiliate_unions ({}) is more "
                            "than affiliates ({})", sr.affiliate_unions, sr.affiliates));
  }
  // The default stages include affiliate_nominations, which a party without affiliates skips;
  // stages the scenario chose must not name a stage that cannot happen.
  const bool stages_chosen = s.places.count("rules.stages") || rb.stages != Rulebook{}.stages;
  if (pos(Stage::affiliate_nominations) >= 0 && s.affiliates.empty() && stages_chosen)
    error(stages, "'rules.stages' has affiliate_nominations but the scenario has no "
                  "[affiliates.<id>]");
  const MpNominationRules& mr = rb.mp_nominations;
  const int electorate = parliament_size(s, mr.include_meps);
  if (pos(Stage::mp_nominations) >= 0 && mr.threshold_count > electorate)
    error(place_in(s, "rules.mp_nominations"),
          fmt::format("'rules.mp_nominations.threshold_count' is {} but there are only {} MPs{}",
                      mr.threshold_count, electorate, mr.include_meps ? " and MEPs" : ""));
  const MpBallotRules& br = rb.mp_ballot;
  const SourcePlace mb = place_in(s, "rules.mp_ballot");
  if (pos(Stage::mp_ballot) >= 0) {
    if (parliament_size(s, false) + s.mps.meps == 0)
      error(mb, "'rules.stages' has mp_ballot but the party has no MPs (no seats held, "
                "mps.count, mps.extra_mps)");
    for (int m : br.minimum_votes)
      if (m > parliament_size(s, true))
        error(mb, fmt::format("'rules.mp_ballot.minimum_votes' has {} but there are only {} MPs",
                              m, parliament_size(s, true)));
  }
  // The simulated final ballot takes at most kMaxBallotCandidates: more declared candidates need
  // an MPs' ballot that narrows the field to that many first.
  if (int(s.candidates.size()) > kMaxBallotCandidates &&
      !(pos(Stage::mp_ballot) >= 0 && br.finalists <= kMaxBallotCandidates))
    error(stages, fmt::format("{} candidates, but at most {} can stand in the simulated final "
                              "ballot: add an mp_ballot stage with finalists <= {}",
                              s.candidates.size(), kMaxBallotCandidates, kMaxBallotCandidates));
  const FinalBallotRules& fr = rb.final_ballot;
  const SourcePlace fb = place_in(s, "rules.final_ballot");
  if (fr.college) {
    if (fr.weight[size_t(Section::mp)] > 0 && parliament_size(s, true) == 0)
      error(fb, "'rules.final_ballot.college' gives MPs a weight but the party has no MPs");
    for (int k = 0; k < kSections; ++k) {
      if (Section(k) == Section::mp || fr.weight[size_t(k)] <= 0) continue;
      bool any = false;
      for (const auto& w : s.waves) any = any || w.section == Section(k);
      if (!any)
        error(fb, fmt::format("'rules.final_ballot.college' gives the {} section a weight but no "
                              "wave is in that section",
                              section_id(Section(k))));
    }
  }
}

}  // namespace

void check_values(const Scenario& s, std::vector<Diagnostic>& out) {
  Known k = known_of(s);
  check_rows(s, contest_rows(), "contest", k, out, s);
  for (const auto& c : s.candidates) check_rows(c, candidate_rows(), "candidates." + c.id, k, out, s);
  check_rows(s.clp_source, clp_rows(), "clps", k, out, s);
  check_rows(s.clp_source, clp_region_rows(), "clps", k, out, s);
  for (const auto& f : s.factions) check_rows(f, faction_rows(), "factions." + f.id, k, out, s);
  check_rows(s, population_rows(), "population", k, out, s);
  for (const auto& a : s.affiliates) check_rows(a, affiliate_rows(), "affiliates." + a.id, k, out, s);
  for (const auto& w : s.waves) check_rows(w, wave_rows(), "waves." + w.id, k, out, s);
  check_rows(s.registration, registration_rows(), "registration", k, out, s);
  check_rows(s.eligibility, eligibility_rows(), "eligibility", k, out, s);
  check_rows(s.mps, mp_rows(), "mps", k, out, s);
  check_rows(s.meetings, meeting_rows(), "meetings", k, out, s);
  check_rows(s.campaign, campaign_rows(), "campaign", k, out, s);
  check_rows(s.ballot, ballot_rows(), "ballot", k, out, s);
  check_rows(s.rules, rule_rows(), "rules", k, out, s);
  check_rows(s.rules.mp_nominations, mp_nomination_rows(), "rules.mp_nominations", k, out, s);
  check_rows(s.rules.supporting, supporting_rows(), "rules.supporting_nominations", k, out, s);
  check_rows(s.rules.mp_ballot, mp_ballot_rows(), "rules.mp_ballot", k, out, s);
  check_rows(s.rules.final_ballot, final_ballot_rows(), "rules.final_ballot", k, out, s);
  if (s.rules.final_ballot.college) {
    double sum = 0;
    for (double w : s.rules.final_ballot.weight) sum += w;
    if (!(std::abs(sum - 1) <= 1e-3))  // NaN fails too
      out.push_back(Diagnostic::at(place_in(s, "rules.final_ballot.college"),
                                   fmt::format("'rules.final_ballot.college': weights sum to "
                                               "{:.6g}, expected 1", sum)));
  }
}

void check_together(const Scenario& s, std::vector<Diagnostic>& out) {
  auto error = [&](const SourcePlace& p, std::string msg) {
    out.push_back(Diagnostic::at(p, std::move(msg)));
  };
  const SourcePlace top = place_in(s, "");
  if (s.candidates.empty()) error(top, "no candidates: add at least one [candidates.<id>] table");
  if (s.candidates.size() > size_t(kMaxCandidates))
    error(top, fmt::format("{} candidates; at most {} are supported", s.candidates.size(),
                           kMaxCandidates));
  double total_weight = 0;
  for (const auto& clp : s.clps) total_weight += clp.weight;
  if (!s.clps.empty() && total_weight <= 0)
    error(place_in(s, "clps"), "every CLP has zero weight: the members have nowhere to live");
  if (s.factions.empty()) error(top, "no factions: add at least one [factions.<id>] table");
  if (!s.affiliates.empty()) {
    double sum = 0;
    for (const auto& a : s.affiliates) sum += a.share;
    if (!(std::abs(sum - 1) <= 1e-6))
      error(top, fmt::format("affiliates' shares sum to {:.6g}, expected 1", sum));
  }
  for (const Wave& w : s.waves) {
    const std::string path = "waves." + w.id;
    if (w.joined_to < w.joined_from)
      error(place_in(s, path + ".joined_to"),
            fmt::format("'{}': joined_to {} is before joined_from {}", path,
                        format_day(w.joined_to), format_day(w.joined_from)));
    if (w.targeting == Targeting::named && w.target_clps.empty() &&
        !s.places.count(path + ".target_clps"))
      error(place_in(s, path), fmt::format("'{}': target = \"named\" needs target_clps", path));
    if ((w.targeting == Targeting::top_covariate || w.targeting == Targeting::random_selected ||
         w.targeting == Targeting::tippable) &&
        (w.target_count < 1 || w.target_count > int(s.clps.size())))
      error(place_in(s, path), fmt::format("'{}': target_count must be between 1 and the number of "
                                        "CLPs ({})", path, s.clps.size()));
  }
  if (s.waves.empty()) error(top, "no people: add at least one [waves.<id>] table");
  if (s.waves.size() > 250) error(top, "more than 250 waves");
  const std::int64_t agents = s.agents();
  if (agents > s.max_agents) {
    const double bytes = estimated_bytes(agents, s.dims, int(s.candidates.size()));
    error(exactly(s, "population.max_agents"),
          fmt::format("the scenario has {} agents, above population.max_agents = {}; it would "
                      "need about {} of memory (raise max_agents if the machine has it)",
                      agents, s.max_agents,
                      bytes >= 1e9 ? fmt::format("{:.1f} GB", bytes / 1e9)
                                   : fmt::format("{:.1f} MB", bytes / 1e6)));
  }
  for (const auto& w : s.waves)
    if (w.section == Section::affiliated && s.affiliates.empty()) {
      error(top, fmt::format("wave '{}' has affiliated supporters but there are no "
                             "[affiliates.<id>] tables", w.id));
      break;
    }
  for (const auto& [clp, cand] : s.mps.endorsements)
    if (clp < 0 || clp >= int(s.clps.size()) || !s.clps[size_t(clp)].labour_held ||
        cand >= int(s.candidates.size()))
      error(place_in(s, "mps.endorsements"),
            "'mps.endorsements': an endorsement names a CLP without a party MP or an unknown "
            "candidate");
  for (const Wave& w : s.waves) {
    if (w.affiliate.empty()) continue;
    const bool known = std::any_of(s.affiliates.begin(), s.affiliates.end(),
                                   [&](const Affiliate& a) { return a.id == w.affiliate; });
    if (!known)
      error(place_in(s, "waves." + w.id + ".affiliate"),
            fmt::format("'waves.{}.affiliate': no affiliate '{}' (an [affiliates.<id>] table)",
                        w.id, w.affiliate));
    else if (w.section != Section::affiliated)
      error(place_in(s, "waves." + w.id + ".affiliate"),
            fmt::format("'waves.{}.affiliate': only affiliated supporters belong to an affiliate",
                        w.id));
  }
  for (const auto& held : s.meetings.held)
    if (held.first < 0 || held.first >= int(s.clps.size()))
      error(place_in(s, "meetings.held"), "'meetings.held': names an unknown CLP");
  check_rules(s, out);
}

}  // namespace detail

std::vector<Diagnostic> check_scenario(const Scenario& s) {
  std::vector<Diagnostic> out;
  detail::check_values(s, out);
  detail::check_together(s, out);
  return out;
}

}  // namespace leadsim
