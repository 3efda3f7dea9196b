// scenario_fields.cpp: the field table, one Row per key of each scenario struct, and the generic
// reading, checking and describing of rows (scenario_fields.hpp).
//
// The tables are listed in the order the loader reads them, and rows in the order of their keys
// in `leadsim keys`. A row's default is its member's initialiser in scenario.hpp. `affects` says
// what a change of the value changes: affects_population marks what synthesise() (population.cpp,
// parliament.cpp) reads, which is what keys the population caches of the visualiser and the sweep.
#include "scenario_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "leadsim/toml_text.hpp"
#include "text.hpp"

namespace leadsim::detail {

namespace {

constexpr std::uint8_t kPop = affects_population;
constexpr std::uint8_t kRuns = affects_runs;
constexpr std::uint8_t kRules = affects_rules;
constexpr std::uint8_t kOut = affects_output;

const std::vector<std::string> kSectionWords = {"member", "registered", "affiliated"};
const std::vector<std::string> kStageWords = {"mp_nominations", "clp_nominations",
                                              "affiliate_nominations", "supporting_nominations",
                                              "mp_ballot", "final_ballot"};

}  // namespace

// ---------------------------------------------------------------------------------------------
// The tables.

const std::vector<Row<Scenario>>& contest_rows() {
  static const std::vector<Row<Scenario>> rows = {
      {.key = "name", .kind = FieldKind::text, .member = &Scenario::name,
       .meaning = "Title shown in outputs", .affects = kOut},
      {.key = "question", .kind = FieldKind::text, .member = &Scenario::question,
       .meaning = "The question the scenario answers", .affects = kOut},
      {.key = "dimensions", .kind = FieldKind::whole, .member = &Scenario::dims, .lo = 1, .hi = 8,
       .unit = "axes", .meaning = "Dimensions of the policy space", .affects = kPop},
      {.key = "ballot_date", .kind = FieldKind::date, .member = &Scenario::ballot_day,
       .meaning = "Day the final ballot opens (eligibility is judged then)",
       .def = Default::required},
  };
  return rows;
}

const std::vector<Row<Candidate>>& candidate_rows() {
  static const std::vector<Row<Candidate>> rows = {
      {.key = "name", .kind = FieldKind::text, .member = &Candidate::name,
       .meaning = "Name shown in outputs", .def = Default::entry_id, .affects = kOut},
      {.key = "position", .kind = FieldKind::vector, .member = &Candidate::position, .lo = -5,
       .hi = 5, .meaning = "Ideal point in policy space", .affects = kPop},
      {.key = "valence", .kind = FieldKind::number, .member = &Candidate::valence, .lo = -5, .hi = 5,
       .unit = "utility", .meaning = "Non-policy appeal added to every voter's utility",
       .affects = kPop},
      {.key = "electability", .kind = FieldKind::probability, .member = &Candidate::electability,
       .meaning = "How electable the party judges the candidate; hostile voters rank from least "
                  "to most electable"},
      {.key = "incumbent", .kind = FieldKind::boolean, .member = &Candidate::incumbent,
       .meaning = "The sitting leader", .affects = kPop},
  };
  return rows;
}

const std::vector<Row<ClpSource>>& clp_rows() {
  static const std::vector<Row<ClpSource>> rows = {
      {.key = "file", .kind = FieldKind::text, .member = &ClpSource::file,
       .meaning = "CSV of constituencies (name, nation, region, numeric columns); path relative "
                  "to the scenario file. Empty: generate `count` CLPs",
       .affects = kPop},
      {.key = "nations", .kind = FieldKind::texts, .member = &ClpSource::nations,
       .meaning = "Keep only rows whose `nation` is listed (empty: all)", .affects = kPop},
      {.key = "weight", .kind = FieldKind::text, .member = &ClpSource::weight,
       .meaning = "Column giving each CLP's relative membership size, or \"equal\"",
       .affects = kPop},
      {.key = "weight_power", .kind = FieldKind::number, .member = &ClpSource::weight_power,
       .lo = 0, .hi = 4, .unit = "exponent",
       .meaning = "Relative size = column^power (above 1 concentrates members)", .affects = kPop},
      {.key = "covariate", .kind = FieldKind::text, .member = &ClpSource::covariate,
       .meaning = "Numeric column (or \"lab_share\" = lab/valid_votes) used as the CLP covariate; "
                  "standardised; \"none\" for zero",
       .affects = kPop},
      {.key = "held_column", .kind = FieldKind::text, .member = &ClpSource::held_column,
       .meaning = "Column naming the seat's winner", .affects = kPop},
      {.key = "held_value", .kind = FieldKind::text, .member = &ClpSource::held_value,
       .meaning = "Value of held_column meaning the party holds the seat (it has an MP)",
       .affects = kPop},
      {.key = "count", .kind = FieldKind::whole, .member = &ClpSource::count, .lo = 1, .hi = 5000,
       .unit = "CLPs", .meaning = "Generated CLPs when no file is given", .affects = kPop},
      {.key = "size_sd", .kind = FieldKind::number, .member = &ClpSource::size_sd, .lo = 0, .hi = 3,
       .unit = "log units", .meaning = "Generated CLPs: sd of log relative size", .affects = kPop},
      {.key = "held_share", .kind = FieldKind::probability, .member = &ClpSource::held_share,
       .meaning = "Generated CLPs: probability each has a party MP", .affects = kPop},
  };
  return rows;
}

const std::vector<Row<ClpSource>>& clp_region_rows() {
  static const std::vector<Row<ClpSource>> rows = {
      {.key = "region_weight", .kind = FieldKind::regional, .member = &ClpSource::region_weight,
       .lo = 0, .hi = 100, .unit = "multiplier",
       .meaning = "Multiply the relative size of CLPs in a region (e.g. { London = 1.5 })",
       .fill = 1.0, .affects = kPop},
  };
  return rows;
}

const std::vector<Row<Faction>>& faction_rows() {
  static const std::vector<Row<Faction>> rows = {
      {.key = "name", .kind = FieldKind::text, .member = &Faction::name,
       .meaning = "Name shown in outputs", .def = Default::entry_id, .affects = kOut},
      {.key = "centre", .kind = FieldKind::vector, .member = &Faction::centre, .lo = -5, .hi = 5,
       .meaning = "Mean ideal point of its people", .affects = kPop},
      {.key = "spread", .kind = FieldKind::number, .member = &Faction::spread, .lo = 0, .hi = 5,
       .unit = "policy units", .meaning = "Sd of personal ideal points around the centre, per axis",
       .affects = kPop},
      {.key = "mobilisation", .kind = FieldKind::number, .member = &Faction::mobilisation, .lo = 0,
       .hi = 20, .unit = "multiplier",
       .meaning = "Meeting attendance multiplier (organised factions bring out their people)"},
      {.key = "covariate_effect", .kind = FieldKind::number, .member = &Faction::covariate_effect,
       .lo = -5, .hi = 5, .unit = "log-odds per sd",
       .meaning = "How much more common the faction is in CLPs one sd higher on the covariate"},
      {.key = "region_lean", .kind = FieldKind::regional, .member = &Faction::region_lean, .lo = -5,
       .hi = 5, .unit = "log-odds",
       .meaning = "Extra lean of the faction in CLPs of each region (e.g. { London = 0.4 })",
       .fill = 0.0},
  };
  return rows;
}

const std::vector<Row<Scenario>>& population_rows() {
  static const std::vector<Row<Scenario>> rows = {
      {.key = "dispersion", .kind = FieldKind::number, .member = &Scenario::clp_dispersion, .lo = 0,
       .hi = 5, .unit = "log-odds sd",
       .meaning = "Sd of each CLP's per-run lean towards each faction"},
      {.key = "max_agents", .kind = FieldKind::whole, .member = &Scenario::max_agents, .lo = 1,
       .hi = 2'000'000'000, .unit = "people",
       .meaning = "Refuse scenarios with more agents than this (memory guard)", .affects = kRules},
  };
  return rows;
}

const std::vector<Row<Affiliate>>& affiliate_rows() {
  static const std::vector<Row<Affiliate>> rows = {
      {.key = "name", .kind = FieldKind::text, .member = &Affiliate::name,
       .meaning = "Name shown in outputs", .def = Default::entry_id, .affects = kOut},
      {.key = "share", .kind = FieldKind::probability, .member = &Affiliate::share,
       .meaning = "Share of affiliated supporters who belong to it", .affects = kPop},
      {.key = "union", .kind = FieldKind::boolean, .member = &Affiliate::is_union,
       .meaning = "A trade union (false: a socialist society)"},
      {.key = "method", .kind = FieldKind::word, .member = word<&Affiliate::method>(),
       .meaning = "How it decides its nomination", .words = {"executive", "consultation"}},
      {.key = "executive_lean", .kind = FieldKind::shares, .member = &Affiliate::executive_lean,
       .meaning = "Executive: probability of nominating each candidate (or none)",
       .of = "candidate", .extra = "none", .def = Default::equal_shares},
      {.key = "consultation_turnout", .kind = FieldKind::probability,
       .member = &Affiliate::consultation_turnout,
       .meaning = "Consultation: share of its supporters who take part"},
  };
  return rows;
}

const std::vector<Row<Wave>>& wave_rows() {
  static const std::vector<Row<Wave>> rows = {
      {.key = "name", .kind = FieldKind::text, .member = &Wave::name,
       .meaning = "Name shown in outputs", .def = Default::entry_id, .affects = kOut},
      {.key = "section", .kind = FieldKind::word, .member = word<&Wave::section>(),
       .meaning = "Which part of the selectorate the cohort belongs to", .words = kSectionWords,
       .affects = kPop},
      {.key = "size", .kind = FieldKind::whole, .member = &Wave::size, .lo = 1, .hi = 100'000'000,
       .unit = "people", .meaning = "People in the cohort", .def = Default::required,
       .affects = kPop},
      {.key = "joined_from", .kind = FieldKind::date, .member = &Wave::joined_from,
       .meaning = "First join date", .def = Default::required, .affects = kPop},
      {.key = "joined_to", .kind = FieldKind::date, .member = &Wave::joined_to,
       .meaning = "Last join date", .def = Default::required, .affects = kPop},
      {.key = "factions", .kind = FieldKind::shares, .member = &Wave::faction_mix,
       .meaning = "The cohort's faction mix nationally", .of = "faction", .def = Default::required,
       .affects = kPop},
      {.key = "activism", .kind = FieldKind::number, .member = &Wave::activism, .lo = 0, .hi = 50,
       .unit = "multiplier", .meaning = "Mean meeting-going propensity (1 = a typical member)",
       .affects = kPop},
      {.key = "activism_shape", .kind = FieldKind::number, .member = &Wave::activism_shape, .lo = 0,
       .hi = 100, .lo_open = true, .unit = "gamma shape",
       .meaning = "Inequality of activism: lower = a few very active people", .affects = kPop},
      {.key = "contactable", .kind = FieldKind::probability, .member = &Wave::contactable,
       .meaning = "Probability the party holds current contact details", .affects = kPop},
      {.key = "good_standing", .kind = FieldKind::probability, .member = &Wave::good_standing,
       .meaning = "Probability of being in good standing (paid up, not suspended)",
       .affects = kPop},
      {.key = "hostile", .kind = FieldKind::probability, .member = &Wave::hostile,
       .meaning = "Share who vote against the party's interest (for the least electable "
                  "candidate)",
       .affects = kPop},
      {.key = "organised", .kind = FieldKind::boolean, .member = &Wave::organised,
       .meaning = "Brought to meetings by organisers: attendance multiplied by "
                  "meetings.organised_turnout",
       .affects = kPop},
      {.key = "target", .kind = FieldKind::word, .member = word<&Wave::targeting>(),
       .meaning = "Where the cohort lives: in proportion to CLP size, uniformly, or concentrated "
                  "on targets",
       .words = {"proportional", "uniform", "named", "top_covariate", "random"}, .affects = kPop},
      {.key = "target_clps", .kind = FieldKind::references, .member = &Wave::target_clps,
       .meaning = "Named target CLPs (target = \"named\")", .of = "CLP", .affects = kPop},
      {.key = "target_count", .kind = FieldKind::whole, .member = &Wave::target_count, .lo = 0,
       .hi = 5000, .unit = "CLPs", .meaning = "Targets chosen by covariate or at random",
       .affects = kPop},
      {.key = "target_share", .kind = FieldKind::probability, .member = &Wave::target_share,
       .meaning = "Share of the cohort placed on its targets (the rest proportionally)",
       .affects = kPop},
  };
  return rows;
}

const std::vector<Row<Registration>>& registration_rows() {
  static const std::vector<Row<Registration>> rows = {
      {.key = "rejection", .kind = FieldKind::probability, .member = &Registration::rejection,
       .meaning = "Probability an ordinary registered-supporter application is rejected at "
                  "vetting"},
      {.key = "hostile_odds_ratio", .kind = FieldKind::number,
       .member = &Registration::hostile_odds_ratio, .lo = 0, .hi = 1e6, .unit = "odds ratio",
       .meaning = "Odds of rejecting a hostile applicant relative to an ordinary one"},
  };
  return rows;
}

const std::vector<Row<Eligibility>>& eligibility_rows() {
  static const std::vector<Row<Eligibility>> rows = {
      {.key = "member_ballot_freeze", .kind = FieldKind::date,
       .member = &Eligibility::member_ballot_freeze,
       .meaning = "Members who joined on or before may vote", .def = Default::ballot_day},
      {.key = "member_meeting_freeze", .kind = FieldKind::date,
       .member = &Eligibility::member_meeting_freeze,
       .meaning = "Members who joined on or before may take part in nomination meetings",
       .def = Default::ballot_day},
      {.key = "freeze_ruling", .kind = FieldKind::word, .member = word<&Eligibility::ruling>(),
       .meaning = "The court ruling on the ballot freeze date", .words = {"upheld", "overturned"}},
      {.key = "overturned_cutoff", .kind = FieldKind::date,
       .member = &Eligibility::overturned_ballot_cutoff,
       .meaning = "If the freeze is overturned: members who joined on or before may vote",
       .def = Default::ballot_day},
      {.key = "affiliated_freeze", .kind = FieldKind::date, .member = &Eligibility::affiliated_freeze,
       .meaning = "Affiliated supporters must have joined by", .def = Default::ballot_day},
      {.key = "require_good_standing", .kind = FieldKind::boolean,
       .member = &Eligibility::require_good_standing,
       .meaning = "Only members in good standing take part"},
  };
  return rows;
}

namespace {

// mps.endorsements: { "CLP name" = "candidate id" | "none" }, each CLP one with a party MP.
void read_endorsements(Reader& r, const Ctx& mps, MpRules& m, const Row<MpRules>& row, Known& k) {
  Ctx e = r.table(mps, row.key);
  r.resolve_table(mps, row.key);
  if (!e.table) return;
  const Scenario& s = *k.s;
  for (auto&& [key, v] : *e.table) {
    r.find(e, key.str());
    const int clp = s.clp_index(std::string(key.str()));
    auto cand = v.as_string();
    const bool none = cand && cand->get() == "none";  // a known abstention
    const int ci = cand && !none ? s.candidate_index(cand->get()) : -1;
    if (clp < 0) {
      r.error_at(v, fmt::format("'{}': unknown CLP '{}'{}", e.path, key.str(),
                                did_you_mean(std::string(key.str()), k.clps)));
    } else if (!s.clps[size_t(clp)].labour_held) {
      r.error_at(v, fmt::format("'{}': '{}' has no party MP in the CLP file", e.path, key.str()));
    } else if (ci < 0 && !none) {
      r.error_at(v, fmt::format("'{}.\"{}\"': unknown candidate {}{}", e.path, key.str(),
                                cand ? "'" + cand->get() + "'" : toml_repr(v),
                                cand ? did_you_mean(cand->get(), k.candidates) : ""));
    } else {
      m.endorsements.emplace_back(clp, ci);
    }
  }
}

}  // namespace

const std::vector<Row<MpRules>>& mp_rows() {
  static const std::vector<Row<MpRules>> rows = {
      {.key = "count", .kind = FieldKind::whole, .member = &MpRules::count, .lo = 0, .hi = 2000,
       .unit = "MPs",
       .meaning = "MPs in the parliamentary party; 0: one per seat held in the CLP file (plus "
                  "extra_mps)",
       .affects = kPop},
      {.key = "meps", .kind = FieldKind::whole, .member = &MpRules::meps, .lo = 0, .hi = 1000,
       .unit = "MEPs", .meaning = "MEPs in the parliamentary party", .affects = kPop},
      {.key = "extra_mps", .kind = FieldKind::whole, .member = &MpRules::extra_mps, .lo = 0,
       .hi = 1000, .unit = "MPs", .meaning = "MPs not tied to a CLP in the file", .affects = kPop},
      {.key = "factions", .kind = FieldKind::shares, .member = &MpRules::factions,
       .meaning = "Share of MPs in each faction (their ideal points are drawn around the "
                  "faction's centre)",
       .of = "faction", .def = Default::equal_shares, .affects = kPop},
      {.key = "loyalty", .kind = FieldKind::number, .member = &MpRules::loyalty, .lo = 0, .hi = 10,
       .unit = "utility",
       .meaning = "Mean utility bonus MPs give the incumbent (exponential across MPs)",
       .affects = kPop},
      {.key = "noise", .kind = FieldKind::number, .member = &MpRules::noise, .lo = 0, .hi = 10,
       .lo_open = true, .unit = "utility",
       .meaning = "Scale of each MP's per-run Gumbel utility noise", .affects = kPop},
      {.key = "support", .kind = FieldKind::shares, .member = &MpRules::support,
       .meaning = "Published share of MPs (and MEPs) nominating each candidate (or none): MPs' "
                  "first choices are calibrated to it",
       .of = "candidate", .extra = "none", .def = Default::equal_shares, .affects = kPop},
      {.key = "endorsements", .kind = FieldKind::table,
       .meaning = "Known choices of local MPs, e.g. { \"Holborn and St Pancras\" = \"smith\" }",
       .of = "CLP name -> candidate", .def_text = "{}", .read = read_endorsements},
  };
  return rows;
}

const std::vector<Row<MeetingRules>>& meeting_rows() {
  static const std::vector<Row<MeetingRules>> rows = {
      {.key = "meet", .kind = FieldKind::probability, .member = &MeetingRules::meet,
       .meaning = "Probability a CLP holds a nomination meeting"},
      {.key = "general_committee", .kind = FieldKind::probability,
       .member = &MeetingRules::general_committee,
       .meaning = "Probability a meeting is a General Committee of delegates rather than an "
                  "all-member meeting"},
      {.key = "lost_invitation", .kind = FieldKind::probability,
       .member = &MeetingRules::lost_invitation,
       .meaning = "Probability an invitation to a contactable member is lost"},
      {.key = "attendance", .kind = FieldKind::probability, .member = &MeetingRules::attendance,
       .meaning = "Base probability a typical invited member attends"},
      {.key = "care", .kind = FieldKind::number, .member = &MeetingRules::care, .lo = 0, .hi = 20,
       .unit = "per utility unit",
       .meaning = "Attendance rises by this factor per unit of preference strength"},
      {.key = "organised_turnout", .kind = FieldKind::number,
       .member = &MeetingRules::organised_turnout, .lo = 0, .hi = 50, .unit = "multiplier",
       .meaning = "Attendance multiplier for people in organised waves (brought to the meeting "
                  "by organisers)"},
      {.key = "gc_size", .kind = FieldKind::whole, .member = &MeetingRules::gc_size, .lo = 1,
       .hi = 1000, .unit = "delegates", .meaning = "Delegates on a General Committee",
       .affects = kPop},
      {.key = "gc_attendance", .kind = FieldKind::probability, .member = &MeetingRules::gc_attendance,
       .meaning = "Probability a delegate attends"},
      {.key = "gc_elected_by", .kind = FieldKind::date, .member = &MeetingRules::gc_elected_by,
       .meaning = "Delegates were elected from members who joined by this date",
       .def = Default::ballot_day, .affects = kPop},
      {.key = "quorum", .kind = FieldKind::whole, .member = &MeetingRules::quorum, .lo = 0,
       .hi = 100000, .unit = "attendees", .meaning = "Fewer attendees than this: no nomination"},
      {.key = "speakers", .kind = FieldKind::whole, .member = &MeetingRules::speakers, .lo = 0,
       .hi = 100, .unit = "speeches", .meaning = "Speeches in the debate"},
      {.key = "chair_bias", .kind = FieldKind::probability, .member = &MeetingRules::chair_bias,
       .meaning = "0: equal speakers per candidate; 1: every speech for the chair's candidate"},
      {.key = "tie_break", .kind = FieldKind::word, .member = word<&MeetingRules::tie_break>(),
       .meaning = "A tied vote: the chair's casting vote, or lots", .words = {"chair", "lot"}},
      {.key = "persuasion", .kind = FieldKind::word, .member = word<&MeetingRules::persuasion>(),
       .meaning = "How speeches move listeners", .words = {"utility_shift", "bounded_confidence"}},
      {.key = "speech_strength", .kind = FieldKind::number, .member = &MeetingRules::speech_strength,
       .lo = 0, .hi = 10, .unit = "utility",
       .meaning = "Utility shift of a persuaded listener towards the speech's candidate"},
      {.key = "susceptibility", .kind = FieldKind::probability,
       .member = &MeetingRules::susceptibility,
       .meaning = "Probability a speech persuades a fully undecided listener"},
      {.key = "undecided_scale", .kind = FieldKind::number, .member = &MeetingRules::undecided_scale,
       .lo = 0, .hi = 10, .lo_open = true, .unit = "utility",
       .meaning = "Preference gap at which persuadability falls to 1/e"},
      {.key = "confidence_bound", .kind = FieldKind::number,
       .member = &MeetingRules::confidence_bound, .lo = 0, .hi = 20, .unit = "policy units",
       .meaning = "Bounded confidence: listeners heed speakers within this distance"},
      {.key = "convergence", .kind = FieldKind::probability, .member = &MeetingRules::convergence,
       .meaning = "Bounded confidence: share of the distance a listener moves"},
  };
  return rows;
}

const std::vector<Row<Campaign>>& campaign_rows() {
  static const std::vector<Row<Campaign>> rows = {
      {.key = "momentum", .kind = FieldKind::number, .member = &Campaign::momentum, .lo = -10,
       .hi = 10, .unit = "utility",
       .meaning = "Shift per unit (share of CLP nominations - equal share)"},
      {.key = "affiliate_momentum", .kind = FieldKind::number, .member = &Campaign::affiliate_momentum,
       .lo = -10, .hi = 10, .unit = "utility",
       .meaning = "Shift per unit (size-weighted share of affiliate nominations - equal share)"},
      {.key = "mp_endorsement", .kind = FieldKind::number, .member = &Campaign::mp_endorsement,
       .lo = -10, .hi = 10, .unit = "utility",
       .meaning = "Shift towards the local MP's candidate, in meetings and the ballot"},
      {.key = "swing_sd", .kind = FieldKind::number, .member = &Campaign::swing_sd, .lo = 0,
       .hi = 10, .unit = "utility",
       .meaning = "Sd of each candidate's national valence shock per run"},
      {.key = "taste_sd", .kind = FieldKind::number, .member = &Campaign::taste_sd, .lo = 0,
       .hi = 10, .unit = "utility",
       .meaning = "Sd of personal non-policy taste for each candidate", .affects = kPop},
      {.key = "salience", .kind = FieldKind::number, .member = &Campaign::salience, .lo = 0,
       .hi = 100, .unit = "utility per squared unit",
       .meaning = "Weight of squared policy distance in utility", .affects = kPop},
  };
  return rows;
}

namespace {
template <int K>
double& turnout_of(BallotRules& b) {
  return b.turnout[K];
}
}  // namespace

const std::vector<Row<BallotRules>>& ballot_rows() {
  // Turnout is drawn once per person, with the population.
  static const char* kTurnout = "Turnout of a typical eligible voter in this section";
  static const std::vector<Row<BallotRules>> rows = {
      {.key = "turnout.member", .kind = FieldKind::probability,
       .member = &turnout_of<int(Section::member)>, .meaning = kTurnout, .affects = kPop},
      {.key = "turnout.registered", .kind = FieldKind::probability,
       .member = &turnout_of<int(Section::registered)>, .meaning = kTurnout, .affects = kPop},
      {.key = "turnout.affiliated", .kind = FieldKind::probability,
       .member = &turnout_of<int(Section::affiliated)>, .meaning = kTurnout, .affects = kPop},
      {.key = "turnout.mp", .kind = FieldKind::probability, .member = &turnout_of<int(Section::mp)>,
       .meaning = kTurnout, .affects = kPop},
      {.key = "activism_elasticity", .kind = FieldKind::number,
       .member = &BallotRules::activism_elasticity, .lo = 0, .hi = 10,
       .unit = "log-odds per log activism", .meaning = "How much more the active vote",
       .affects = kPop},
  };
  return rows;
}

namespace {

// rules.stages: the stage words in the order they run; each at most once.
void read_stages(Reader& r, const Ctx& rc, Rulebook& rb, const Row<Rulebook>& row, Known&) {
  std::vector<const toml::node*> nodes;
  const bool given = rc.get(row.key) != nullptr;
  const std::vector<std::string> names = r.strings(rc, row.key, &nodes);
  if (!given) return;
  rb.stages.clear();
  for (size_t i = 0; i < names.size(); ++i) {
    auto it = std::find(kStageWords.begin(), kStageWords.end(), names[i]);
    const Stage st = Stage(it - kStageWords.begin());
    if (it == kStageWords.end()) {
      r.error_at(*nodes[i], fmt::format("'rules.stages': unknown stage \"{}\", expected one of: "
                                        "mp_nominations, clp_nominations, "
                                        "affiliate_nominations, supporting_nominations, "
                                        "mp_ballot, final_ballot{}",
                                        names[i], did_you_mean(names[i], kStageWords)));
    } else if (rb.has(st)) {
      r.error_at(*nodes[i], fmt::format("'rules.stages': stage \"{}\" is listed twice", names[i]));
    } else {
      rb.stages.push_back(st);
    }
  }
}

// rules.final_ballot.college: { section = weight }, summing to 1 within 0.001 (then rescaled).
void read_college(Reader& r, const Ctx& fb, FinalBallotRules& fr, const Row<FinalBallotRules>& row,
                  Known&) {
  if (const toml::node* n = r.find(fb, row.key)) {
    r.mark_opaque(n);
    const toml::table* t = n->as_table();
    if (!t) {
      r.error_at(*n, "'rules.final_ballot.college' should be a table like "
                     "{ mp = 0.3333, member = 0.3333, affiliated = 0.3334 }");
    } else {
      fr.college = true;
      double sum = 0;
      std::vector<std::string> ids;
      for (int k = 0; k < kSections; ++k) ids.push_back(section_id(Section(k)));
      for (auto&& [key, v] : *t) {
        auto it = std::find(ids.begin(), ids.end(), std::string(key.str()));
        auto x = v.value<double>();
        if (it == ids.end()) {
          r.error_at(v, fmt::format("'rules.final_ballot.college.{}': unknown section, expected "
                                    "mp, member, registered or affiliated{}",
                                    key.str(), did_you_mean(std::string(key.str()), ids)));
        } else if (!x || !v.is_number() || *x < 0 || *x > 1) {
          r.error_at(v, fmt::format("'rules.final_ballot.college.{}' should be a weight in "
                                    "[0, 1], got {}", key.str(), toml_repr(v)));
        } else {
          fr.weight[size_t(it - ids.begin())] = *x;
          sum += *x;
        }
      }
      // Thirds cannot be written exactly: accept sums within 0.001 of 1 and rescale (write
      // 0.333333333333 for an exact third once rescaled).
      if (std::abs(sum - 1) > 1e-3)
        r.error_at(*n, fmt::format("'rules.final_ballot.college': weights sum to {:.6g}, "
                                   "expected 1", sum));
      else
        for (double& w : fr.weight) w /= sum;
    }
  }
  r.resolve_table(fb, row.key);
}

}  // namespace

const std::vector<Row<Rulebook>>& rule_rows() {
  static const std::vector<Row<Rulebook>> rows = {
      {.key = "stages", .kind = FieldKind::texts,
       .meaning = "The contest's stages in the order they run: mp_nominations, clp_nominations, "
                  "affiliate_nominations, supporting_nominations, mp_ballot, final_ballot (last). "
                  "Default: mp_nominations, clp_nominations, affiliate_nominations, final_ballot",
       .words = kStageWords, .affects = kRules, .read = read_stages},
  };
  return rows;
}

const std::vector<Row<MpNominationRules>>& mp_nomination_rows() {
  static const std::vector<Row<MpNominationRules>> rows = {
      {.key = "threshold", .kind = FieldKind::number, .member = &MpNominationRules::threshold,
       .lo = 0, .hi = 1, .lo_open = true, .unit = "share of MPs (+MEPs)",
       .meaning = "Nominations a candidate needs, as a share of the electorate", .affects = kRules},
      {.key = "threshold_count", .kind = FieldKind::whole,
       .member = &MpNominationRules::threshold_count, .lo = 0, .hi = 2000, .unit = "nominations",
       .meaning = "If > 0: nominations needed as a number (overrides threshold)", .affects = kRules},
      {.key = "include_meps", .kind = FieldKind::boolean, .member = &MpNominationRules::include_meps,
       .meaning = "MEPs nominate and count in the electorate", .affects = kRules},
      {.key = "incumbent_exempt", .kind = FieldKind::boolean,
       .member = &MpNominationRules::incumbent_exempt,
       .meaning = "The incumbent stands without nominations", .affects = kRules},
      {.key = "max_per_mp", .kind = FieldKind::whole, .member = &MpNominationRules::max_per_mp,
       .lo = 1, .hi = kMaxCandidates, .unit = "candidates",
       .meaning = "Candidates one MP may nominate (their top choices)", .affects = kRules},
  };
  return rows;
}

const std::vector<Row<SupportingRules>>& supporting_rows() {
  static const std::vector<Row<SupportingRules>> rows = {
      {.key = "clp_share", .kind = FieldKind::number, .member = &SupportingRules::clp_share, .lo = 0,
       .hi = 1, .unit = "share of CLPs",
       .meaning = "Route 1: nominations from this share of CLPs (0 closes the route)",
       .affects = kRules},
      {.key = "affiliates", .kind = FieldKind::whole, .member = &SupportingRules::affiliates, .lo = 0,
       .hi = 100, .unit = "affiliates",
       .meaning = "Route 2: nominations from this many affiliates (0 closes it)", .affects = kRules},
      {.key = "affiliate_unions", .kind = FieldKind::whole,
       .member = &SupportingRules::affiliate_unions, .lo = 0, .hi = 100, .unit = "unions",
       .meaning = "Route 2: of which at least this many are unions", .affects = kRules},
      {.key = "affiliate_share", .kind = FieldKind::probability,
       .member = &SupportingRules::affiliate_share,
       .meaning = "Route 2: together covering this share of the affiliated membership",
       .affects = kRules},
      {.key = "incumbent_exempt", .kind = FieldKind::boolean,
       .member = &SupportingRules::incumbent_exempt,
       .meaning = "The incumbent needs no supporting nominations", .affects = kRules},
  };
  return rows;
}

const std::vector<Row<MpBallotRules>>& mp_ballot_rows() {
  static const std::vector<Row<MpBallotRules>> rows = {
      {.key = "minimum_votes", .kind = FieldKind::wholes, .member = &MpBallotRules::minimum_votes,
       .unit = "MPs' votes",
       .meaning = "Per round (first = round 1): candidates with fewer votes are eliminated",
       .affects = kRules},
      {.key = "withdraw_below", .kind = FieldKind::number, .member = &MpBallotRules::withdraw_below,
       .lo = 0, .hi = 0.5, .unit = "share of votes",
       .meaning = "After a round, trailing candidates under this share may withdraw",
       .affects = kRules},
      {.key = "withdraw_probability", .kind = FieldKind::probability,
       .member = &MpBallotRules::withdraw_probability,
       .meaning = "Probability a candidate under withdraw_below withdraws", .affects = kRules},
      {.key = "finalists", .kind = FieldKind::whole, .member = &MpBallotRules::finalists, .lo = 1,
       .hi = kMaxCandidates, .unit = "candidates",
       .meaning = "The MPs' rounds stop when this many remain", .affects = kRules},
      {.key = "runner_up_withdraws", .kind = FieldKind::probability,
       .member = &MpBallotRules::runner_up_withdraws,
       .meaning = "Probability the second finalist withdraws (the other is elected unopposed)",
       .affects = kRules},
  };
  return rows;
}

const std::vector<Row<FinalBallotRules>>& final_ballot_rows() {
  static const std::vector<Row<FinalBallotRules>> rows = {
      {.key = "method", .kind = FieldKind::word, .member = word<&FinalBallotRules::method>(),
       .meaning = "Counting method of the final ballot",
       .words = {"alternative_vote", "plurality", "two_round"},
       .values = {int(CountMethod::alternative_vote), int(CountMethod::plurality),
                  int(CountMethod::two_round)},
       .affects = kRules},
      {.key = "tie_break", .kind = FieldKind::word, .member = word<&FinalBallotRules::tie>(),
       .meaning = "A tie for last place: fewest votes in the latest earlier round where they "
                  "differed, then lots; or lots at once",
       .words = {"backwards", "lot"}, .affects = kRules},
      {.key = "college", .kind = FieldKind::weights, .unit = "share",
       .meaning = "Electoral college: weight of each section (mp, member, registered, "
                  "affiliated); each round combines the sections' percentages",
       .of = "section", .def_text = "{} (one member one vote)", .affects = kRules,
       .read = read_college},
  };
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Reading, checking and describing rows.

std::vector<std::string> Known::ids_of(const std::string& what) const {
  if (what == "faction") return factions;
  if (what == "candidate") return candidates;
  if (what == "CLP") return clps;
  return {};
}

namespace {

template <class T, class S>
T& at(S& obj, const Member<S>& m) {
  if (auto p = std::get_if<T S::*>(&m)) return obj.**p;
  if constexpr (std::is_same_v<T, double>)
    if (auto f = std::get_if<double& (*)(S&)>(&m)) return (*f)(obj);
  throw std::logic_error("scenario field table: a row's member does not match its kind");
}

// An integer member of either width, as int64.
template <class S>
std::int64_t whole_of(const S& obj, const Member<S>& m) {
  if (auto p = std::get_if<int S::*>(&m)) return obj.**p;
  return obj.*std::get<std::int64_t S::*>(m);
}
template <class S>
void set_whole(S& obj, const Member<S>& m, std::int64_t v) {
  if (auto p = std::get_if<int S::*>(&m)) obj.**p = int(v);
  else obj.*std::get<std::int64_t S::*>(m) = v;
}

template <class S>
double lo_of(const Row<S>& row) {
  return row.kind == FieldKind::probability ? 0.0 : row.lo;
}
template <class S>
double hi_of(const Row<S>& row) {
  return row.kind == FieldKind::probability ? 1.0 : row.hi;
}
template <class S>
std::string unit_of(const Row<S>& row) {
  switch (row.kind) {
    case FieldKind::probability: return "probability";
    case FieldKind::date: return "date";
    case FieldKind::vector: return "policy units";
    case FieldKind::shares: return "share";
    default: return row.unit;
  }
}

// A word member as the index of its word in row.words, and back.
template <class S>
int word_index(const S& obj, const Row<S>& row) {
  const int v = std::get<WordRef<S>>(row.member).get(obj);
  if (row.values.empty()) return v;
  auto it = std::find(row.values.begin(), row.values.end(), v);
  return it == row.values.end() ? -1 : int(it - row.values.begin());
}
template <class S>
void set_word(S& obj, const Row<S>& row, int index) {
  std::get<WordRef<S>>(row.member).set(obj, row.values.empty() ? index : row.values[size_t(index)]);
}

std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = char(s[0] - 'A' + 'a');
  return s;
}

// The sub-table a dotted key lives in ("turnout.member" -> [ballot.turnout]), made once per
// read_rows so that a bad sub-table is reported once.
struct SubTables {
  std::map<std::string, Ctx> made;
  Ctx descend(Reader& r, const Ctx& c, std::string_view& key) {
    Ctx at = c;
    for (auto dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.')) {
      const std::string path = at.key_path(key.substr(0, dot));
      auto it = made.find(path);
      if (it == made.end()) it = made.emplace(path, r.table(at, key.substr(0, dot))).first;
      at = it->second;
      key = key.substr(dot + 1);
    }
    return at;
  }
};

template <class S>
void read_row(Reader& r, const Ctx& c, S& obj, const Row<S>& row, Known& k) {
  std::string_view key = row.key;
  const bool required = row.def == Default::required;
  switch (row.kind) {
    case FieldKind::number:
    case FieldKind::probability: {
      double& m = at<double>(obj, row.member);
      m = r.number(c, key, m, lo_of(row), hi_of(row), unit_of(row), row.lo_open);
      break;
    }
    case FieldKind::whole: {
      const std::int64_t v = r.integer(c, key, whole_of(obj, row.member), std::int64_t(row.lo),
                                       std::int64_t(row.hi), unit_of(row));
      set_whole(obj, row.member, v);
      if (required && !c.get(key))
        r.error(c.where, fmt::format("missing required key '{}' ({})", c.key_path(key),
                                     lower_first(row.meaning)));
      break;
    }
    case FieldKind::boolean: {
      bool& m = at<bool>(obj, row.member);
      m = r.boolean(c, key, m);
      break;
    }
    case FieldKind::text: {
      std::string& m = at<std::string>(obj, row.member);
      m = r.text(c, key, row.def == Default::entry_id ? k.id : m);
      break;
    }
    case FieldKind::word: {
      set_word(obj, row, r.choice(c, key, word_index(obj, row), row.words));
      break;
    }
    case FieldKind::date: {
      int& m = at<int>(obj, row.member);
      std::optional<Day> def = m;
      if (required) def.reset();
      if (row.def == Default::ballot_day) def = k.s->ballot_day;
      m = r.date(c, key, def);
      break;
    }
    case FieldKind::vector:
      at<Eigen::VectorXd>(obj, row.member) = r.vector(c, key, k.s->dims, row.lo, row.hi);
      break;
    case FieldKind::shares:
      at<std::vector<double>>(obj, row.member) =
          r.shares(c, key, k.ids_of(row.of), row.extra, required, row.of);
      break;
    case FieldKind::regional:
      at<std::vector<double>>(obj, row.member) =
          r.regional(c, key, k.s->regions, row.fill, row.lo, row.hi, unit_of(row));
      break;
    case FieldKind::texts:
      at<std::vector<std::string>>(obj, row.member) = r.strings(c, key);
      break;
    case FieldKind::references: {
      // Names of things read before (CLPs), kept as their indices.
      std::vector<const toml::node*> nodes;
      const std::vector<std::string> names = r.strings(c, key, &nodes);
      const std::vector<std::string> known = k.ids_of(row.of);
      auto& out = at<std::vector<int>>(obj, row.member);
      for (size_t i = 0; i < names.size(); ++i) {
        auto it = std::find(known.begin(), known.end(), names[i]);
        if (it == known.end())
          r.error_at(*nodes[i], fmt::format("'{}': unknown {} '{}'{}", c.key_path(key), row.of,
                                            names[i], did_you_mean(names[i], known)));
        else
          out.push_back(int(it - known.begin()));
      }
      break;
    }
    case FieldKind::wholes: {
      auto& out = at<std::vector<int>>(obj, row.member);
      if (const toml::node* n = r.find(c, key)) {
        const toml::array* a = n->as_array();
        if (!a)
          r.error_at(*n, fmt::format("'{}' should be an array of integers, e.g. [17, 33]",
                                     c.key_path(key)));
        for (size_t i = 0; a && i < a->size(); ++i) {
          auto x = (*a)[i].as_integer();
          if (!x || x->get() < 0)
            r.error_at((*a)[i], fmt::format("'{}' should hold non-negative integers",
                                            c.key_path(key)));
          else
            out.push_back(int(x->get()));
        }
      }
      std::string v = "[";
      for (size_t i = 0; i < out.size(); ++i) v += (i ? ", " : "") + std::to_string(out[i]);
      r.resolve(c, key, v + "]");
      break;
    }
    case FieldKind::table:
    case FieldKind::weights:
      break;  // read by their own functions
  }
}

}  // namespace

template <class S>
void read_rows(Reader& r, const Ctx& c, S& obj, const std::vector<Row<S>>& rows, Known& k) {
  SubTables subs;
  for (const Row<S>& row : rows) {
    std::string_view key = row.key;
    const Ctx at = subs.descend(r, c, key);
    Row<S> local = row;
    local.key = row.key + (key.data() - row.key);  // the last part of a dotted key
    if (row.read) row.read(r, at, obj, local, k);
    else read_row(r, at, obj, local, k);
  }
}

// ---------------------------------------------------------------------------------------------
// Checking values (for a Scenario built in code; the reader checks the same domains as it reads).

namespace {

SourcePlace place_in(const Scenario& s, const std::string& path) {
  for (std::string p = path;;) {
    if (auto it = s.places.find(p); it != s.places.end()) return it->second;
    const auto dot = p.rfind('.');
    if (dot == std::string::npos) break;
    p = p.substr(0, dot);
  }
  return {s.file.empty() ? std::string("<scenario>") : s.file, 0, 0};
}

std::string range_text(double lo, double hi, bool lo_open) {
  const std::string h = std::isinf(hi) ? std::string("inf") : fmt::format("{}", hi);
  return lo_open ? fmt::format("({}, {}]", lo, h) : fmt::format("[{}, {}]", lo, h);
}

}  // namespace

template <class S>
void check_rows(const S& cobj, const std::vector<Row<S>>& rows, const std::string& path,
                const Known& k, std::vector<Diagnostic>& out, const Scenario& s) {
  S& obj = const_cast<S&>(cobj);  // read only: the accessors of array members take S&
  for (const Row<S>& row : rows) {
    const std::string p = path + "." + row.key;
    auto bad = [&](std::string msg) { out.push_back(Diagnostic::at(place_in(s, p), std::move(msg))); };
    const std::string unit = unit_of(row);
    switch (row.kind) {
      case FieldKind::number:
      case FieldKind::probability: {
        const double v = at<double>(obj, row.member);
        const double lo = lo_of(row), hi = hi_of(row);
        if (!std::isfinite(v) || v > hi || (row.lo_open ? v <= lo : v < lo))
          bad(fmt::format("'{}' is {}, expected a number in {}{}", p, v,
                          range_text(lo, hi, row.lo_open), unit.empty() ? "" : " (" + unit + ")"));
        break;
      }
      case FieldKind::whole: {
        const std::int64_t v = whole_of(obj, row.member);
        if (v < std::int64_t(row.lo) || v > std::int64_t(row.hi))
          bad(fmt::format("'{}' is {}, expected an integer in [{}, {}] ({})", p, v,
                          std::int64_t(row.lo), std::int64_t(row.hi), unit));
        break;
      }
      case FieldKind::word: {
        const int v = word_index(obj, row);
        if (v < 0 || v >= int(row.words.size()))
          bad(fmt::format("'{}' is not one of its words", p));
        break;
      }
      case FieldKind::vector: {
        const Eigen::VectorXd& v = at<Eigen::VectorXd>(obj, row.member);
        if (v.size() != s.dims)
          bad(fmt::format("'{}' should be an array of {} numbers (one per policy dimension), "
                          "got {}", p, s.dims, v.size()));
        for (Eigen::Index i = 0; i < v.size(); ++i)
          if (!(v[i] >= row.lo && v[i] <= row.hi))
            bad(fmt::format("'{}[{}]' should be a number in [{}, {}]", p, i, row.lo, row.hi));
        break;
      }
      case FieldKind::shares: {
        const auto& v = at<std::vector<double>>(obj, row.member);
        const size_t n = k.ids_of(row.of).size() + (std::string(row.extra).empty() ? 0 : 1);
        double sum = 0;
        bool ok = v.size() == n;
        for (double x : v) {
          ok = ok && x >= 0 && x <= 1;
          sum += x;
        }
        if (v.size() != n)
          bad(fmt::format("'{}' should hold {} shares (one per {}{}), got {}", p, n, row.of,
                          std::string(row.extra).empty() ? "" : " and " + std::string(row.extra),
                          v.size()));
        else if (!ok)
          bad(fmt::format("'{}' should hold shares in [0, 1]", p));
        else if (std::abs(sum - 1.0) > 1e-6)
          bad(fmt::format("'{}': shares sum to {:.6g}, expected 1", p, sum));
        break;
      }
      case FieldKind::regional: {
        const auto& v = at<std::vector<double>>(obj, row.member);
        if (v.size() != s.regions.size())
          bad(fmt::format("'{}' should hold one value per region ({}), got {}", p,
                          s.regions.size(), v.size()));
        for (size_t i = 0; i < v.size(); ++i)
          if (!(v[i] >= row.lo && v[i] <= row.hi))
            bad(fmt::format("'{}.{}' should be a number in [{}, {}] ({})", p,
                            i < s.regions.size() ? s.regions[i] : std::to_string(i), row.lo,
                            row.hi, unit));
        break;
      }
      case FieldKind::references: {
        const auto n = int(k.ids_of(row.of).size());
        for (int x : at<std::vector<int>>(obj, row.member))
          if (x < 0 || x >= n) bad(fmt::format("'{}': no {} number {}", p, row.of, x));
        break;
      }
      case FieldKind::wholes:
        for (int x : at<std::vector<int>>(obj, row.member))
          if (x < 0) bad(fmt::format("'{}' should hold non-negative integers", p));
        break;
      default:
        break;  // booleans, texts, dates: any value is in the domain
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Describing rows (the public Field list).

namespace {

template <class S>
std::string default_text(const Row<S>& row) {
  if (row.def_text) return row.def_text;
  if (row.def == Default::required) return "required";
  if (row.def == Default::ballot_day) return "contest.ballot_date";
  if (row.def == Default::entry_id) return "\"<id>\"";
  if (row.def == Default::equal_shares) return "equal shares";
  static S d{};  // the defaults are the members' initialisers
  switch (row.kind) {
    case FieldKind::number:
    case FieldKind::probability: return toml_number(at<double>(d, row.member));
    case FieldKind::whole: return fmt::format("{}", whole_of(d, row.member));
    case FieldKind::boolean: return at<bool>(d, row.member) ? "true" : "false";
    case FieldKind::text: return toml_string(at<std::string>(d, row.member));
    case FieldKind::word:
      return toml_string(row.words[size_t(word_index(d, row))]);
    case FieldKind::date: return format_day(at<int>(d, row.member));
    case FieldKind::vector: return "zeros";
    case FieldKind::regional: return "{}";
    case FieldKind::texts:
    case FieldKind::wholes:
    case FieldKind::references: return "[]";
    default: return "{}";
  }
}

template <class S>
void describe(const std::string& prefix, const std::vector<Row<S>>& rows,
              std::vector<Field>& out) {
  for (const Row<S>& row : rows) {
    Field f;
    f.path = prefix + "." + row.key;
    f.kind = row.kind;
    f.lo = lo_of(row);
    f.hi = hi_of(row);
    f.lo_open = row.lo_open;
    f.words = row.words;
    f.of = row.of;
    f.extra = row.extra;
    f.unit = unit_of(row);
    f.meaning = row.meaning;
    f.def = default_text(row);
    f.affects = row.affects;
    out.push_back(std::move(f));
  }
}

}  // namespace

}  // namespace leadsim::detail

namespace leadsim {

const std::vector<Field>& scenario_fields() {
  using namespace detail;
  static const std::vector<Field> fields = [] {
    std::vector<Field> f;
    describe("contest", contest_rows(), f);
    describe("candidates.<id>", candidate_rows(), f);
    describe("clps", clp_rows(), f);
    describe("clps", clp_region_rows(), f);
    describe("factions.<id>", faction_rows(), f);
    describe("population", population_rows(), f);
    describe("affiliates.<id>", affiliate_rows(), f);
    describe("waves.<id>", wave_rows(), f);
    describe("registration", registration_rows(), f);
    describe("eligibility", eligibility_rows(), f);
    describe("mps", mp_rows(), f);
    describe("meetings", meeting_rows(), f);
    describe("campaign", campaign_rows(), f);
    describe("ballot", ballot_rows(), f);
    describe("rules", rule_rows(), f);
    describe("rules.mp_nominations", mp_nomination_rows(), f);
    describe("rules.supporting_nominations", supporting_rows(), f);
    describe("rules.mp_ballot", mp_ballot_rows(), f);
    describe("rules.final_ballot", final_ballot_rows(), f);
    return f;
  }();
  return fields;
}

const Field* find_field(std::string_view path) {
  const std::vector<std::string> parts = split(std::string(path), '.');
  for (const Field& f : scenario_fields()) {
    const std::vector<std::string> fp = split(f.path, '.');
    if (fp.size() != parts.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < fp.size() && ok; ++i) ok = fp[i] == "<id>" || fp[i] == parts[i];
    if (ok) return &f;
  }
  return nullptr;
}

std::string affects_text(std::uint8_t affects) {
  std::string s;
  for (auto [bit, name] : {std::pair{affects_population, "population"}, {affects_runs, "runs"},
                           {affects_rules, "rules"}, {affects_output, "output"}})
    if (affects & bit) s += (s.empty() ? "" : ", ") + std::string(name);
  return s;
}

std::string_view field_kind_id(FieldKind k) {
  switch (k) {
    case FieldKind::number: return "number";
    case FieldKind::probability: return "probability";
    case FieldKind::whole: return "whole";
    case FieldKind::boolean: return "boolean";
    case FieldKind::date: return "date";
    case FieldKind::text: return "text";
    case FieldKind::word: return "word";
    case FieldKind::shares: return "shares";
    case FieldKind::vector: return "vector";
    case FieldKind::regional: return "regional";
    case FieldKind::texts: return "texts";
    case FieldKind::wholes: return "wholes";
    case FieldKind::references: return "references";
    case FieldKind::table: return "table";
    case FieldKind::weights: return "weights";
  }
  return "?";
}

std::string Field::type() const {
  const auto bound = [](double x) { return std::isinf(x) ? std::string("inf") : fmt::format("{}", x); };
  const std::string range = fmt::format("{}{}, {}]", lo_open ? "(" : "[", bound(lo), bound(hi));
  switch (kind) {
    case FieldKind::number:
    case FieldKind::probability: return "number " + range;
    case FieldKind::whole: return "integer " + range;
    case FieldKind::boolean: return "bool";
    case FieldKind::date: return "date";
    case FieldKind::text: return "string";
    case FieldKind::word: {
      std::string s = "one of: ";
      for (size_t i = 0; i < words.size(); ++i) s += (i ? ", " : "") + words[i];
      return s;
    }
    case FieldKind::shares:
      return fmt::format("table of shares by {} id, summing to 1{}", of,
                         extra.empty() ? "" : " (\"" + extra + "\" allowed)");
    case FieldKind::vector: return "array of numbers in " + range + ", one per dimension";
    case FieldKind::regional: return "table region -> number in " + range;
    case FieldKind::texts:
    case FieldKind::references: return "array of strings";
    case FieldKind::wholes: return "array of integers";
    case FieldKind::table: return "table " + of + " id";
    case FieldKind::weights: return "table section -> weight, summing to 1";
  }
  return "?";
}

bool Field::scalar() const {
  return kind == FieldKind::number || kind == FieldKind::probability || kind == FieldKind::whole ||
         kind == FieldKind::date;
}

}  // namespace leadsim

// The structs the loader reads (scenario.cpp) and checks (scenario_check.cpp).
namespace leadsim::detail {
#define LEADSIM_ROWS(S)                                                                        \
  template void read_rows<S>(Reader&, const Ctx&, S&, const std::vector<Row<S>>&, Known&);    \
  template void check_rows<S>(const S&, const std::vector<Row<S>>&, const std::string&,       \
                              const Known&, std::vector<Diagnostic>&, const Scenario&);
LEADSIM_ROWS(Scenario)
LEADSIM_ROWS(Candidate)
LEADSIM_ROWS(ClpSource)
LEADSIM_ROWS(Faction)
LEADSIM_ROWS(Affiliate)
LEADSIM_ROWS(Wave)
LEADSIM_ROWS(Registration)
LEADSIM_ROWS(Eligibility)
LEADSIM_ROWS(MpRules)
LEADSIM_ROWS(MeetingRules)
LEADSIM_ROWS(Campaign)
LEADSIM_ROWS(BallotRules)
LEADSIM_ROWS(Rulebook)
LEADSIM_ROWS(MpNominationRules)
LEADSIM_ROWS(SupportingRules)
LEADSIM_ROWS(MpBallotRules)
LEADSIM_ROWS(FinalBallotRules)
#undef LEADSIM_ROWS
}  // namespace leadsim::detail
