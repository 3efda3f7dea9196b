// scenario_fields.cpp: the field table, one Row per key of each scenario struct
// (scenario_fields.hpp). Long because it is the table: one entry per key, nothing else; the
// reading, checking and describing of rows is in scenario_rows.cpp.
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

// Each row below names only what differs from its defaults, by designated initializers. GCC
// before 14 warns under -Wextra about every member such an initializer leaves out
// (-Wmissing-field-initializers: some 270 warnings here); GCC 14 no longer does for designated
// initializers. Default member initializers on Row would silence it too, but GCC 12.2 crashes on
// them in this template (internal compiler error in nothrow_spec_p). So the warning is off for
// this file's tables alone.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 14
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

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
      {.key = "name", .label = "Title",
       .kind = FieldKind::text, .member = &Scenario::name,
       .meaning = "Title shown in outputs", .affects = kOut},
      {.key = "question", .label = "Question",
       .kind = FieldKind::text, .member = &Scenario::question,
       .meaning = "The question the scenario answers", .affects = kOut},
      {.key = "dimensions", .label = "Policy dimensions",
       .kind = FieldKind::whole, .member = &Scenario::dims, .lo = 1, .hi = 8,
       .unit = "axes", .meaning = "Dimensions of the policy space", .affects = kPop},
      {.key = "ballot_date", .label = "Ballot opens",
       .kind = FieldKind::date, .member = &Scenario::ballot_day,
       .meaning = "Day the final ballot opens (eligibility is judged then)",
       .def = Default::required},
      {.key = "posterior", .label = "Posterior file",
       .kind = FieldKind::text, .member = &Scenario::posterior,
       .meaning = "A posterior.csv of leadsim calibrate (relative to the scenario file): each run "
                  "draws a particle by weight and plays with its parameter values"},
      {.key = "posterior_parameters", .label = "Posterior parameters taken",
       .kind = FieldKind::texts, .member = &Scenario::posterior_parameters,
       .meaning = "Which of the posterior's parameters the runs take (each a column of it); empty: "
                  "all. A past contest's calibration lends a later scenario only what carries over"},
  };
  return rows;
}

const std::vector<Row<Candidate>>& candidate_rows() {
  static const std::vector<Row<Candidate>> rows = {
      {.key = "name", .label = "Name",
       .kind = FieldKind::text, .member = &Candidate::name,
       .meaning = "Name shown in outputs", .def = Default::entry_id, .affects = kOut},
      {.key = "position", .label = "Policy position",
       .kind = FieldKind::vector, .member = &Candidate::position, .lo = -5,
       .hi = 5, .meaning = "Ideal point in policy space", .affects = kPop},
      {.key = "valence", .label = "Personal appeal",
       .kind = FieldKind::number, .member = &Candidate::valence, .lo = -5, .hi = 5,
       .unit = "utility", .meaning = "Non-policy appeal added to every voter's utility",
       .affects = kPop},
      {.key = "electability", .label = "Electability",
       .kind = FieldKind::probability, .member = &Candidate::electability,
       .meaning = "How electable the party judges the candidate; hostile voters rank from least "
                  "to most electable"},
      {.key = "incumbent", .label = "Sitting leader",
       .kind = FieldKind::boolean, .member = &Candidate::incumbent,
       .meaning = "The sitting leader", .affects = kPop},
  };
  return rows;
}

const std::vector<Row<ClpSource>>& clp_rows() {
  static const std::vector<Row<ClpSource>> rows = {
      {.key = "file", .label = "Constituency file",
       .kind = FieldKind::text, .member = &ClpSource::file,
       .meaning = "CSV of constituencies (name, nation, region, numeric columns); path relative "
                  "to the scenario file. Empty: generate `count` CLPs",
       .affects = kPop},
      {.key = "nations", .label = "Nations kept",
       .kind = FieldKind::texts, .member = &ClpSource::nations,
       .meaning = "Keep only rows whose `nation` is listed (empty: all)", .affects = kPop},
      {.key = "weight", .label = "Size column",
       .kind = FieldKind::text, .member = &ClpSource::weight,
       .meaning = "Column giving each CLP's relative membership size, or \"equal\"",
       .affects = kPop},
      {.key = "weight_power", .label = "Size exponent",
       .kind = FieldKind::number, .member = &ClpSource::weight_power,
       .lo = 0, .hi = 4, .unit = "exponent",
       .meaning = "Relative size = column^power (above 1 concentrates members)", .affects = kPop},
      {.key = "covariate", .label = "Covariate column",
       .kind = FieldKind::text, .member = &ClpSource::covariate,
       .meaning = "Numeric column (or \"lab_share\" = lab/valid_votes) used as the CLP covariate; "
                  "standardised; \"none\" for zero",
       .affects = kPop},
      {.key = "held_column", .label = "Seat winner column",
       .kind = FieldKind::text, .member = &ClpSource::held_column,
       .meaning = "Column naming the seat's winner", .affects = kPop},
      {.key = "held_value", .label = "Winner meaning a seat held",
       .kind = FieldKind::text, .member = &ClpSource::held_value,
       .meaning = "Value of held_column meaning the party holds the seat (it has an MP)",
       .affects = kPop},
      {.key = "count", .label = "CLPs generated",
       .kind = FieldKind::whole, .member = &ClpSource::count, .lo = 1, .hi = 5000,
       .unit = "CLPs", .meaning = "Generated CLPs when no file is given", .affects = kPop},
      {.key = "size_sd", .label = "Spread of generated sizes",
       .kind = FieldKind::number, .member = &ClpSource::size_sd, .lo = 0, .hi = 3,
       .unit = "log units", .meaning = "Generated CLPs: sd of log relative size", .affects = kPop},
      {.key = "held_share", .label = "Generated seats held",
       .kind = FieldKind::probability, .member = &ClpSource::held_share,
       .meaning = "Generated CLPs: probability each has a party MP", .affects = kPop},
      {.key = "identity", .label = "CLP identity file",
       .kind = FieldKind::text, .member = &ClpSource::identity,
       .meaning = "CSV of each CLP's lasting lean and activity (clp,lean_mean,lean_sd,"
                  "activity_mean,activity_sd), as `leadsim identity` writes it from a past "
                  "contest; path relative to the scenario file. Empty: no lasting identity",
       .affects = kRuns},
  };
  return rows;
}

const std::vector<Row<ClpSource>>& clp_region_rows() {
  static const std::vector<Row<ClpSource>> rows = {
      {.key = "region_weight", .label = "Size by region",
       .kind = FieldKind::regional, .member = &ClpSource::region_weight,
       .lo = 0, .hi = 100, .unit = "multiplier",
       .meaning = "Multiply the relative size of CLPs in a region (e.g. { London = 1.5 })",
       .fill = 1.0, .affects = kPop},
  };
  return rows;
}

const std::vector<Row<Faction>>& faction_rows() {
  static const std::vector<Row<Faction>> rows = {
      {.key = "name", .label = "Name",
       .kind = FieldKind::text, .member = &Faction::name,
       .meaning = "Name shown in outputs", .def = Default::entry_id, .affects = kOut},
      {.key = "centre", .label = "Policy centre",
       .kind = FieldKind::vector, .member = &Faction::centre, .lo = -5, .hi = 5,
       .meaning = "Mean ideal point of its people", .affects = kPop},
      {.key = "spread", .label = "Spread of views",
       .kind = FieldKind::number, .member = &Faction::spread, .lo = 0, .hi = 5,
       .unit = "policy units", .meaning = "Sd of personal ideal points around the centre, per axis",
       .affects = kPop},
      {.key = "mobilisation", .label = "Meeting mobilisation",
       .kind = FieldKind::number, .member = &Faction::mobilisation, .lo = 0,
       .hi = 20, .unit = "multiplier",
       .meaning = "Meeting attendance multiplier (organised factions bring out their people)"},
      {.key = "covariate_effect", .label = "Covariate effect",
       .kind = FieldKind::number, .member = &Faction::covariate_effect,
       .lo = -5, .hi = 5, .unit = "log-odds per sd",
       .meaning = "How much more common the faction is in CLPs one sd higher on the covariate"},
      {.key = "region_lean", .label = "Lean by region",
       .kind = FieldKind::regional, .member = &Faction::region_lean, .lo = -5,
       .hi = 5, .unit = "log-odds",
       .meaning = "Extra lean of the faction in CLPs of each region (e.g. { London = 0.4 })",
       .fill = 0.0},
      {.key = "delegate_lean", .label = "Lean among delegates",
       .kind = FieldKind::number, .member = &Faction::delegate_lean,
       .lo = -5, .hi = 5, .unit = "log-odds",
       .meaning = "Extra lean of the faction among General Committee delegates (elected earlier "
                  "from long-standing activists)"},
      {.key = "bloc_sd", .label = "Bloc turnout spread",
       .kind = FieldKind::number, .member = &Faction::bloc_sd, .lo = 0, .hi = 3,
       .unit = "log sd",
       .meaning = "Its people turn out as a bloc: sd of the log of a per-run, per-CLP draw "
                  "multiplying their meeting attendance (mean 1)"},
  };
  return rows;
}

const std::vector<Row<Scenario>>& population_rows() {
  static const std::vector<Row<Scenario>> rows = {
      {.key = "dispersion", .label = "Spread of CLP leans",
       .kind = FieldKind::number, .member = &Scenario::clp_dispersion, .lo = 0,
       .hi = 5, .unit = "log-odds sd",
       .meaning = "Sd of each CLP's per-run lean towards each faction"},
      {.key = "max_agents", .label = "Most agents allowed",
       .kind = FieldKind::whole, .member = &Scenario::max_agents, .lo = 1,
       .hi = 2'000'000'000, .unit = "people",
       .meaning = "Refuse scenarios with more agents than this (memory guard)", .affects = kRules},
  };
  return rows;
}

const std::vector<Row<Affiliate>>& affiliate_rows() {
  static const std::vector<Row<Affiliate>> rows = {
      {.key = "name", .label = "Name",
       .kind = FieldKind::text, .member = &Affiliate::name,
       .meaning = "Name shown in outputs", .def = Default::entry_id, .affects = kOut},
      {.key = "share", .label = "Share of affiliated supporters",
       .kind = FieldKind::probability, .member = &Affiliate::share,
       .meaning = "Share of affiliated supporters who belong to it", .affects = kPop},
      {.key = "union", .label = "Trade union",
       .kind = FieldKind::boolean, .member = &Affiliate::is_union,
       .meaning = "A trade union (false: a socialist society)"},
      {.key = "method", .label = "How it nominates",
       .kind = FieldKind::word, .member = word<&Affiliate::method>(),
       .meaning = "How it decides its nomination", .words = {"executive", "consultation"}},
      {.key = "executive_lean", .label = "Executive's choice",
       .kind = FieldKind::shares, .member = &Affiliate::executive_lean,
       .meaning = "Executive: probability of nominating each candidate (or none)",
       .of = "candidate", .extra = "none", .def = Default::equal_shares},
      {.key = "consultation_turnout", .label = "Consultation turnout",
       .kind = FieldKind::probability,
       .member = &Affiliate::consultation_turnout,
       .meaning = "Consultation: share of its supporters who take part"},
  };
  return rows;
}

const std::vector<Row<Wave>>& wave_rows() {
  static const std::vector<Row<Wave>> rows = {
      {.key = "name", .label = "Name",
       .kind = FieldKind::text, .member = &Wave::name,
       .meaning = "Name shown in outputs", .def = Default::entry_id, .affects = kOut},
      {.key = "section", .label = "Section",
       .kind = FieldKind::word, .member = word<&Wave::section>(),
       .meaning = "Which part of the selectorate the cohort belongs to", .words = kSectionWords,
       .affects = kPop},
      {.key = "size", .label = "Cohort size",
       .kind = FieldKind::whole, .member = &Wave::size, .lo = 1, .hi = 100'000'000,
       .unit = "people", .meaning = "People in the cohort", .def = Default::required,
       .affects = kPop},
      {.key = "joined_from", .label = "Joined from",
       .kind = FieldKind::date, .member = &Wave::joined_from,
       .meaning = "First join date", .def = Default::required, .affects = kPop},
      {.key = "joined_to", .label = "Joined to",
       .kind = FieldKind::date, .member = &Wave::joined_to,
       .meaning = "Last join date", .def = Default::required, .affects = kPop},
      {.key = "factions", .label = "Faction mix",
       .kind = FieldKind::shares, .member = &Wave::faction_mix,
       .meaning = "The cohort's faction mix nationally", .of = "faction", .def = Default::required,
       .affects = kPop},
      {.key = "activism", .label = "Activism",
       .kind = FieldKind::number, .member = &Wave::activism, .lo = 0, .hi = 50,
       .unit = "multiplier", .meaning = "Mean meeting-going propensity (1 = a typical member)",
       .affects = kPop},
      {.key = "activism_shape", .label = "Evenness of activism",
       .kind = FieldKind::number, .member = &Wave::activism_shape, .lo = 0,
       .hi = 100, .lo_open = true, .unit = "gamma shape",
       .meaning = "Inequality of activism: lower = a few very active people", .affects = kPop},
      {.key = "contactable", .label = "Contact details held",
       .kind = FieldKind::probability, .member = &Wave::contactable,
       .meaning = "Probability the party holds current contact details", .affects = kPop},
      {.key = "good_standing", .label = "In good standing",
       .kind = FieldKind::probability, .member = &Wave::good_standing,
       .meaning = "Probability of being in good standing (paid up, not suspended)",
       .affects = kPop},
      {.key = "hostile", .label = "Hostile share",
       .kind = FieldKind::probability, .member = &Wave::hostile,
       .meaning = "Share who vote against the party's interest (for the least electable "
                  "candidate)",
       .affects = kPop},
      {.key = "organised", .label = "Organised",
       .kind = FieldKind::boolean, .member = &Wave::organised,
       .meaning = "Brought to meetings by organisers: attendance multiplied by "
                  "meetings.organised_turnout",
       .affects = kPop},
      {.key = "affiliate", .label = "Affiliate",
       .kind = FieldKind::text, .member = &Wave::affiliate,
       .meaning = "Affiliated supporters: the affiliate (an [affiliates] id) every one of them "
                  "belongs to, so that an affiliate's members have their own mix and turnout; "
                  "empty: each drawn by the affiliates' shares",
       .affects = kPop},
      {.key = "turnout_shift", .label = "Ballot turnout shift",
       .kind = FieldKind::number, .member = &Wave::turnout_shift, .lo = -10,
       .hi = 10, .unit = "log-odds",
       .meaning = "Added to the section's ballot turnout (log-odds) for this cohort's people",
       .affects = kPop},
      {.key = "bloc_sd", .label = "Bloc turnout spread",
       .kind = FieldKind::number, .member = &Wave::bloc_sd, .lo = 0, .hi = 3,
       .unit = "log sd",
       .meaning = "Organised: the cohort turns out as a bloc, sd of the log of a per-run, per-CLP "
                  "draw multiplying its attendance (mean 1)"},
      {.key = "target", .label = "Where they live",
       .kind = FieldKind::word, .member = word<&Wave::targeting>(),
       .meaning = "Where the cohort lives: in proportion to CLP size, uniformly, or concentrated "
                  "on targets (named, highest covariate, random, or tippable: the CLPs where its "
                  "candidate is expected to lose by the fewest meeting votes)",
       .words = {"proportional", "uniform", "named", "top_covariate", "random", "tippable"},
       .affects = kPop},
      {.key = "target_clps", .label = "Target CLPs",
       .kind = FieldKind::references, .member = &Wave::target_clps,
       .meaning = "Named target CLPs (target = \"named\")", .of = "CLP", .affects = kPop},
      {.key = "target_count", .label = "Number of targets",
       .kind = FieldKind::whole, .member = &Wave::target_count, .lo = 0,
       .hi = 5000, .unit = "CLPs", .meaning = "Targets chosen by covariate or at random",
       .affects = kPop},
      {.key = "target_share", .label = "Share on the targets",
       .kind = FieldKind::probability, .member = &Wave::target_share,
       .meaning = "Share of the cohort placed on its targets (the rest proportionally)",
       .affects = kPop},
  };
  return rows;
}

const std::vector<Row<Registration>>& registration_rows() {
  static const std::vector<Row<Registration>> rows = {
      {.key = "rejection", .label = "Applications rejected",
       .kind = FieldKind::probability, .member = &Registration::rejection,
       .meaning = "Probability an ordinary registered-supporter application is rejected at "
                  "vetting"},
      {.key = "hostile_odds_ratio", .label = "Hostile applicants rejected",
       .kind = FieldKind::number,
       .member = &Registration::hostile_odds_ratio, .lo = 0, .hi = 1e6, .unit = "odds ratio",
       .meaning = "Odds of rejecting a hostile applicant relative to an ordinary one"},
  };
  return rows;
}

const std::vector<Row<Eligibility>>& eligibility_rows() {
  static const std::vector<Row<Eligibility>> rows = {
      {.key = "member_ballot_freeze", .label = "Ballot freeze date",
       .kind = FieldKind::date,
       .member = &Eligibility::member_ballot_freeze,
       .meaning = "Members who joined on or before may vote", .def = Default::ballot_day},
      {.key = "member_meeting_freeze", .label = "Meeting freeze date",
       .kind = FieldKind::date,
       .member = &Eligibility::member_meeting_freeze,
       .meaning = "Members who joined on or before may take part in nomination meetings",
       .def = Default::ballot_day},
      {.key = "freeze_ruling", .label = "Court ruling on the freeze",
       .kind = FieldKind::word, .member = word<&Eligibility::ruling>(),
       .meaning = "The court ruling on the ballot freeze date", .words = {"upheld", "overturned"}},
      {.key = "overturned_cutoff", .label = "Cutoff if overturned",
       .kind = FieldKind::date,
       .member = &Eligibility::overturned_ballot_cutoff,
       .meaning = "If the freeze is overturned: members who joined on or before may vote",
       .def = Default::ballot_day},
      {.key = "affiliated_freeze", .label = "Affiliated freeze date",
       .kind = FieldKind::date, .member = &Eligibility::affiliated_freeze,
       .meaning = "Affiliated supporters must have joined by", .def = Default::ballot_day},
      {.key = "require_good_standing", .label = "Good standing required",
       .kind = FieldKind::boolean,
       .member = &Eligibility::require_good_standing,
       .meaning = "Only members in good standing take part"},
  };
  return rows;
}

namespace {

// A table keyed by CLP name (`key` under `parent`): calls f(clp, path, name, value) for each
// entry naming a known CLP (path: the table's), and reports the others (unknown CLP, with a
// suggestion).
template <class F>
void for_each_clp_entry(Reader& r, const Ctx& parent, const std::string& key, Known& k, F f) {
  Ctx e = r.table(parent, key);
  r.resolve_table(parent, key);
  if (!e.table) return;
  for (auto&& [name, v] : *e.table) {
    r.find(e, name.str());
    const int clp = k.s->clp_index(std::string(name.str()));
    if (clp < 0)
      r.error_at(v, fmt::format("'{}': unknown CLP '{}'{}", e.path, name.str(),
                                did_you_mean(std::string(name.str()), k.clps)));
    else
      f(clp, e.path, std::string(name.str()), v);
  }
}

// mps.endorsements: { "CLP name" = "candidate id" | "none" }, each CLP one with a party MP.
void read_endorsements(Reader& r, const Ctx& mps, MpRules& m, const Row<MpRules>& row, Known& k) {
  for_each_clp_entry(r, mps, row.key, k, [&](int clp, const std::string& path,
                                             const std::string& name, const toml::node& v) {
    auto cand = v.as_string();
    const bool none = cand && cand->get() == "none";  // a known abstention
    const int ci = cand && !none ? k.s->candidate_index(cand->get()) : -1;
    if (!k.s->clps[size_t(clp)].labour_held)
      r.error_at(v, fmt::format("'{}': '{}' has no party MP in the CLP file", path, name));
    else if (ci < 0 && !none)
      r.error_at(v, fmt::format("'{}.\"{}\"': unknown candidate {}{}", path, name,
                                cand ? "'" + cand->get() + "'" : toml_repr(v),
                                cand ? did_you_mean(cand->get(), k.candidates) : ""));
    else
      m.endorsements.emplace_back(clp, ci);
  });
}

// meetings.held: CLP name -> "all_member" or "general_committee", meetings known to be held.
void read_held(Reader& r, const Ctx& meetings, MeetingRules& m, const Row<MeetingRules>& row,
               Known& k) {
  for_each_clp_entry(r, meetings, row.key, k, [&](int clp, const std::string& path,
                                                  const std::string& name, const toml::node& v) {
    auto format = v.as_string();
    const bool all = format && format->get() == "all_member";
    const bool gc = format && format->get() == "general_committee";
    if (!all && !gc)
      r.error_at(v, fmt::format("'{}.\"{}\"': expected \"all_member\" or \"general_committee\", "
                                "got {}", path, name, toml_repr(v)));
    else
      m.held.emplace_back(clp, gc ? MeetingFormat::general_committee : MeetingFormat::all_member);
  });
}

}  // namespace

const std::vector<Row<MpRules>>& mp_rows() {
  static const std::vector<Row<MpRules>> rows = {
      {.key = "count", .label = "MPs",
       .kind = FieldKind::whole, .member = &MpRules::count, .lo = 0, .hi = 2000,
       .unit = "MPs",
       .meaning = "MPs in the parliamentary party; 0: one per seat held in the CLP file (plus "
                  "extra_mps)",
       .affects = kPop},
      {.key = "meps", .label = "MEPs",
       .kind = FieldKind::whole, .member = &MpRules::meps, .lo = 0, .hi = 1000,
       .unit = "MEPs", .meaning = "MEPs in the parliamentary party", .affects = kPop},
      {.key = "extra_mps", .label = "MPs without a CLP",
       .kind = FieldKind::whole, .member = &MpRules::extra_mps, .lo = 0,
       .hi = 1000, .unit = "MPs", .meaning = "MPs not tied to a CLP in the file", .affects = kPop},
      {.key = "factions", .label = "MPs' faction mix",
       .kind = FieldKind::shares, .member = &MpRules::factions,
       .meaning = "Share of MPs in each faction (their ideal points are drawn around the "
                  "faction's centre)",
       .of = "faction", .def = Default::equal_shares, .affects = kPop},
      {.key = "loyalty", .label = "Loyalty to the leader",
       .kind = FieldKind::number, .member = &MpRules::loyalty, .lo = 0, .hi = 10,
       .unit = "utility",
       .meaning = "Mean utility bonus MPs give the incumbent (exponential across MPs)",
       .affects = kPop},
      {.key = "noise", .label = "MPs' unpredictability",
       .kind = FieldKind::number, .member = &MpRules::noise, .lo = 0, .hi = 10,
       .lo_open = true, .unit = "utility",
       .meaning = "Scale of each MP's per-run Gumbel utility noise", .affects = kPop},
      {.key = "support", .label = "MPs' published support",
       .kind = FieldKind::shares, .member = &MpRules::support,
       .meaning = "Published share of MPs (and MEPs) nominating each candidate (or none): MPs' "
                  "first choices are calibrated to it",
       .of = "candidate", .extra = "none", .def = Default::equal_shares, .affects = kPop},
      {.key = "endorsements", .label = "Local MPs' endorsements",
       .kind = FieldKind::table,
       .meaning = "Known choices of local MPs, e.g. { \"Holborn and St Pancras\" = \"smith\" }",
       .of = "CLP name -> candidate", .def_text = "{}", .read = read_endorsements},
  };
  return rows;
}

const std::vector<Row<MeetingRules>>& meeting_rows() {
  static const std::vector<Row<MeetingRules>> rows = {
      {.key = "meet", .label = "Meetings held",
       .kind = FieldKind::probability, .member = &MeetingRules::meet,
       .meaning = "Probability a CLP holds a nomination meeting"},
      {.key = "general_committee", .label = "General Committee meetings",
       .kind = FieldKind::probability,
       .member = &MeetingRules::general_committee,
       .meaning = "Probability a meeting is a General Committee of delegates rather than an "
                  "all-member meeting (the CLP's custom, before its officers' tactics)"},
      {.key = "officer_tactics", .label = "Officers' tactics",
       .kind = FieldKind::probability,
       .member = &MeetingRules::officer_tactics,
       .meaning = "Probability a CLP's officers choose whether to meet and in which format for "
                  "their own candidate: a General Committee, or no meeting, where the members "
                  "would nominate someone else"},
      {.key = "requisition", .label = "Requisition threshold",
       .kind = FieldKind::probability, .member = &MeetingRules::requisition,
       .meaning = "Organised members' share of a CLP's members at which they requisition an "
                  "all-member meeting the officers cannot refuse (0: no requisition)"},
      {.key = "held", .label = "Meetings known to be held",
       .kind = FieldKind::table,
       .meaning = "Meetings known to have been held, and their format, e.g. "
                  "{ \"Hampstead and Kilburn\" = \"all_member\" } (the officers' choice and the "
                  "habit do not apply there)",
       .of = "CLP name -> format", .def_text = "{}", .read = read_held},
      {.key = "lost_invitation", .label = "Invitations lost",
       .kind = FieldKind::probability,
       .member = &MeetingRules::lost_invitation,
       .meaning = "Probability an invitation to a contactable member is lost"},
      {.key = "attendance", .label = "Attendance",
       .kind = FieldKind::probability, .member = &MeetingRules::attendance,
       .meaning = "Base probability a typical invited member attends"},
      {.key = "care", .label = "Care about the gap",
       .kind = FieldKind::number, .member = &MeetingRules::care, .lo = 0, .hi = 20,
       .unit = "per utility unit",
       .meaning = "Attendance rises by this factor per unit of preference strength"},
      {.key = "organised_turnout", .label = "Organised turnout",
       .kind = FieldKind::number,
       .member = &MeetingRules::organised_turnout, .lo = 0, .hi = 50, .unit = "multiplier",
       .meaning = "Attendance multiplier for people in organised waves (brought to the meeting "
                  "by organisers)"},
      {.key = "gc_size", .label = "Delegates per committee",
       .kind = FieldKind::whole, .member = &MeetingRules::gc_size, .lo = 1,
       .hi = 1000, .unit = "delegates", .meaning = "Delegates on a General Committee",
       .affects = kPop},
      {.key = "gc_attendance", .label = "Delegate attendance",
       .kind = FieldKind::probability, .member = &MeetingRules::gc_attendance,
       .meaning = "Probability a delegate attends"},
      {.key = "gc_elected_by", .label = "Delegates joined by",
       .kind = FieldKind::date, .member = &MeetingRules::gc_elected_by,
       .meaning = "Delegates were elected from members who joined by this date",
       .def = Default::ballot_day, .affects = kPop},
      {.key = "quorum", .label = "Quorum",
       .kind = FieldKind::whole, .member = &MeetingRules::quorum, .lo = 0,
       .hi = 100000, .unit = "attendees", .meaning = "Fewer attendees than this: no nomination"},
      {.key = "speakers", .label = "Speeches",
       .kind = FieldKind::whole, .member = &MeetingRules::speakers, .lo = 0,
       .hi = 100, .unit = "speeches", .meaning = "Speeches in the debate"},
      {.key = "chair_bias", .label = "Chair's bias",
       .kind = FieldKind::probability, .member = &MeetingRules::chair_bias,
       .meaning = "0: equal speakers per candidate; 1: every speech for the chair's candidate"},
      {.key = "tie_break", .label = "Tied vote",
       .kind = FieldKind::word, .member = word<&MeetingRules::tie_break>(),
       .meaning = "A tied vote: the chair's casting vote, or lots", .words = {"chair", "lot"}},
      {.key = "persuasion", .label = "Persuasion model",
       .kind = FieldKind::word, .member = word<&MeetingRules::persuasion>(),
       .meaning = "How speeches move listeners", .words = {"utility_shift", "bounded_confidence"}},
      {.key = "speech_strength", .label = "Speech strength",
       .kind = FieldKind::number, .member = &MeetingRules::speech_strength,
       .lo = 0, .hi = 10, .unit = "utility",
       .meaning = "Utility shift of a persuaded listener towards the speech's candidate"},
      {.key = "susceptibility", .label = "Susceptibility",
       .kind = FieldKind::probability,
       .member = &MeetingRules::susceptibility,
       .meaning = "Probability a speech persuades a fully undecided listener"},
      {.key = "undecided_scale", .label = "Persuadable gap",
       .kind = FieldKind::number, .member = &MeetingRules::undecided_scale,
       .lo = 0, .hi = 10, .lo_open = true, .unit = "utility",
       .meaning = "Preference gap at which persuadability falls to 1/e"},
      {.key = "confidence_bound", .label = "Confidence bound",
       .kind = FieldKind::number,
       .member = &MeetingRules::confidence_bound, .lo = 0, .hi = 20, .unit = "policy units",
       .meaning = "Bounded confidence: listeners heed speakers within this distance"},
      {.key = "convergence", .label = "Convergence",
       .kind = FieldKind::probability, .member = &MeetingRules::convergence,
       .meaning = "Bounded confidence: share of the distance a listener moves"},
      {.key = "discussion", .label = "Discussion after speeches",
       .kind = FieldKind::number, .member = &MeetingRules::discussion, .lo = 0,
       .hi = 100, .unit = "encounters per attendee",
       .meaning = "Bounded confidence: after the speeches, pairwise encounters per attendee "
                  "(Deffuant-Weisbuch: two within the bound each move convergence towards the "
                  "other)"},
  };
  return rows;
}

namespace {
template <int K>
double& poll_error_of(Campaign& c) {
  return c.poll_error[K];
}
}  // namespace

const std::vector<Row<Campaign>>& campaign_rows() {
  static const char* kPollError =
      "The error of the polls this section's mixes solve: sd of a per-run log-odds shock on each "
      "faction's weight in the section's cohorts (0.2: about 5 points near an even split)";
  static const std::vector<Row<Campaign>> rows = {
      {.key = "momentum", .label = "Momentum from CLPs",
       .kind = FieldKind::number, .member = &Campaign::momentum, .lo = -10,
       .hi = 10, .unit = "utility",
       .meaning = "Shift per unit (share of CLP nominations - equal share)"},
      {.key = "affiliate_momentum", .label = "Momentum from affiliates",
       .kind = FieldKind::number, .member = &Campaign::affiliate_momentum,
       .lo = -10, .hi = 10, .unit = "utility",
       .meaning = "Shift per unit (size-weighted share of affiliate nominations - equal share)"},
      {.key = "mp_endorsement", .label = "Local MP's pull",
       .kind = FieldKind::number, .member = &Campaign::mp_endorsement,
       .lo = -10, .hi = 10, .unit = "utility",
       .meaning = "Shift towards the local MP's candidate, in meetings and the ballot"},
      {.key = "swing_sd", .label = "National swing",
       .kind = FieldKind::number, .member = &Campaign::swing_sd, .lo = 0,
       .hi = 10, .unit = "utility",
       .meaning = "Sd of each candidate's national valence shock per run"},
      {.key = "poll_error.member", .label = "Poll error: members",
       .kind = FieldKind::number, .member = &poll_error_of<int(Section::member)>,
       .lo = 0, .hi = 5, .unit = "log-odds sd", .meaning = kPollError},
      {.key = "poll_error.registered", .label = "Poll error: registered supporters",
       .kind = FieldKind::number,
       .member = &poll_error_of<int(Section::registered)>, .lo = 0, .hi = 5, .unit = "log-odds sd",
       .meaning = kPollError},
      {.key = "poll_error.affiliated", .label = "Poll error: affiliated supporters",
       .kind = FieldKind::number,
       .member = &poll_error_of<int(Section::affiliated)>, .lo = 0, .hi = 5, .unit = "log-odds sd",
       .meaning = kPollError},
      {.key = "cohort_error", .label = "Poll error by cohort",
       .kind = FieldKind::number, .member = &Campaign::cohort_error, .lo = 0,
       .hi = 5, .unit = "log-odds sd",
       .meaning = "Each cohort's (wave's) own poll error beside its section's: sd of a per-run "
                  "log-odds shock on each faction's weight in its mix"},
      {.key = "electability_weight", .label = "Weight on electability",
       .kind = FieldKind::number,
       .member = &Campaign::electability_weight, .lo = -10, .hi = 10, .unit = "utility",
       .meaning = "Utility sincere voters give per unit of a candidate's electability (a leader "
                  "who can win)"},
      {.key = "taste_sd", .label = "Spread of personal taste",
       .kind = FieldKind::number, .member = &Campaign::taste_sd, .lo = 0,
       .hi = 10, .unit = "utility",
       .meaning = "Sd of personal non-policy taste for each candidate", .affects = kPop},
      {.key = "salience", .label = "Policy salience",
       .kind = FieldKind::number, .member = &Campaign::salience, .lo = 0,
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
      {.key = "turnout.member", .label = "Turnout: members",
       .kind = FieldKind::probability,
       .member = &turnout_of<int(Section::member)>, .meaning = kTurnout, .affects = kPop},
      {.key = "turnout.registered", .label = "Turnout: registered supporters",
       .kind = FieldKind::probability,
       .member = &turnout_of<int(Section::registered)>, .meaning = kTurnout, .affects = kPop},
      {.key = "turnout.affiliated", .label = "Turnout: affiliated supporters",
       .kind = FieldKind::probability,
       .member = &turnout_of<int(Section::affiliated)>, .meaning = kTurnout, .affects = kPop},
      {.key = "turnout.mp", .label = "Turnout: MPs",
       .kind = FieldKind::probability, .member = &turnout_of<int(Section::mp)>,
       .meaning = kTurnout, .affects = kPop},
      {.key = "activism_elasticity", .label = "Activists' extra turnout",
       .kind = FieldKind::number,
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
        } else if (!x || !v.is_number() || !in_domain(*x, 0, 1)) {
          r.error_at(v, fmt::format("'rules.final_ballot.college.{}' should be a weight in "
                                    "[0, 1], got {}{}", key.str(), toml_repr(v),
                                    x ? finite_note(*x) : ""));
        } else {
          fr.weight[size_t(it - ids.begin())] = *x;
          sum += *x;
        }
      }
      // Thirds cannot be written exactly: accept sums within 0.001 of 1 and rescale (write
      // 0.333333333333 for an exact third once rescaled).
      if (!(std::abs(sum - 1) <= 1e-3))  // NaN fails too
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
      {.key = "stages", .label = "Stages",
       .kind = FieldKind::texts,
       .meaning = "The contest's stages in the order they run: mp_nominations, clp_nominations, "
                  "affiliate_nominations, supporting_nominations, mp_ballot, final_ballot (last). "
                  "Default: mp_nominations, clp_nominations, affiliate_nominations, final_ballot",
       .words = kStageWords, .affects = kRules, .read = read_stages},
  };
  return rows;
}

const std::vector<Row<MpNominationRules>>& mp_nomination_rows() {
  static const std::vector<Row<MpNominationRules>> rows = {
      {.key = "threshold", .label = "MP nominations needed",
       .kind = FieldKind::number, .member = &MpNominationRules::threshold,
       .lo = 0, .hi = 1, .lo_open = true, .unit = "share of MPs (+MEPs)",
       .meaning = "Nominations a candidate needs, as a share of the electorate", .affects = kRules},
      {.key = "threshold_count", .label = "Number of MP nominations needed",
       .kind = FieldKind::whole,
       .member = &MpNominationRules::threshold_count, .lo = 0, .hi = 2000, .unit = "nominations",
       .meaning = "If > 0: nominations needed as a number (overrides threshold)", .affects = kRules},
      {.key = "include_meps", .label = "MEPs nominate",
       .kind = FieldKind::boolean, .member = &MpNominationRules::include_meps,
       .meaning = "MEPs nominate and count in the electorate", .affects = kRules},
      {.key = "incumbent_exempt", .label = "Leader needs no MP nominations",
       .kind = FieldKind::boolean,
       .member = &MpNominationRules::incumbent_exempt,
       .meaning = "The incumbent stands without nominations", .affects = kRules},
      {.key = "max_per_mp", .label = "Nominations per MP",
       .kind = FieldKind::whole, .member = &MpNominationRules::max_per_mp,
       .lo = 1, .hi = kMaxCandidates, .unit = "candidates",
       .meaning = "Candidates one MP may nominate (their top choices)", .affects = kRules},
  };
  return rows;
}

const std::vector<Row<SupportingRules>>& supporting_rows() {
  static const std::vector<Row<SupportingRules>> rows = {
      {.key = "clp_share", .label = "CLP nominations needed",
       .kind = FieldKind::number, .member = &SupportingRules::clp_share, .lo = 0,
       .hi = 1, .unit = "share of CLPs",
       .meaning = "Route 1: nominations from this share of CLPs (0 closes the route)",
       .affects = kRules},
      {.key = "affiliates", .label = "Affiliate nominations needed",
       .kind = FieldKind::whole, .member = &SupportingRules::affiliates, .lo = 0,
       .hi = 100, .unit = "affiliates",
       .meaning = "Route 2: nominations from this many affiliates (0 closes it)", .affects = kRules},
      {.key = "affiliate_unions", .label = "Unions among those affiliates",
       .kind = FieldKind::whole,
       .member = &SupportingRules::affiliate_unions, .lo = 0, .hi = 100, .unit = "unions",
       .meaning = "Route 2: of which at least this many are unions", .affects = kRules},
      {.key = "affiliate_share", .label = "Affiliated membership covered",
       .kind = FieldKind::probability,
       .member = &SupportingRules::affiliate_share,
       .meaning = "Route 2: together covering this share of the affiliated membership",
       .affects = kRules},
      {.key = "incumbent_exempt", .label = "Leader needs no supporting nominations",
       .kind = FieldKind::boolean,
       .member = &SupportingRules::incumbent_exempt,
       .meaning = "The incumbent needs no supporting nominations", .affects = kRules},
  };
  return rows;
}

const std::vector<Row<MpBallotRules>>& mp_ballot_rows() {
  static const std::vector<Row<MpBallotRules>> rows = {
      {.key = "minimum_votes", .label = "MPs' ballot: minimum votes",
       .kind = FieldKind::wholes, .member = &MpBallotRules::minimum_votes,
       .unit = "MPs' votes",
       .meaning = "Per round (first = round 1): candidates with fewer votes are eliminated",
       .affects = kRules},
      {.key = "withdraw_below", .label = "MPs' ballot: withdrawal threshold",
       .kind = FieldKind::number, .member = &MpBallotRules::withdraw_below,
       .lo = 0, .hi = 0.5, .unit = "share of votes",
       .meaning = "After a round, trailing candidates under this share may withdraw",
       .affects = kRules},
      {.key = "withdraw_probability", .label = "MPs' ballot: chance of withdrawing",
       .kind = FieldKind::probability,
       .member = &MpBallotRules::withdraw_probability,
       .meaning = "Probability a candidate under withdraw_below withdraws", .affects = kRules},
      {.key = "finalists", .label = "MPs' ballot: finalists",
       .kind = FieldKind::whole, .member = &MpBallotRules::finalists, .lo = 1,
       .hi = kMaxCandidates, .unit = "candidates",
       .meaning = "The MPs' rounds stop when this many remain", .affects = kRules},
      {.key = "runner_up_withdraws", .label = "MPs' ballot: runner-up withdraws",
       .kind = FieldKind::probability,
       .member = &MpBallotRules::runner_up_withdraws,
       .meaning = "Probability the second finalist withdraws (the other is elected unopposed)",
       .affects = kRules},
  };
  return rows;
}

const std::vector<Row<FinalBallotRules>>& final_ballot_rows() {
  static const std::vector<Row<FinalBallotRules>> rows = {
      {.key = "method", .label = "Final ballot count",
       .kind = FieldKind::word, .member = word<&FinalBallotRules::method>(),
       .meaning = "Counting method of the final ballot",
       .words = {"alternative_vote", "plurality", "two_round"},
       .values = {int(CountMethod::alternative_vote), int(CountMethod::plurality),
                  int(CountMethod::two_round)},
       .affects = kRules},
      {.key = "tie_break", .label = "Final ballot tie for last",
       .kind = FieldKind::word, .member = word<&FinalBallotRules::tie>(),
       .meaning = "A tie for last place: fewest votes in the latest earlier round where they "
                  "differed, then lots; or lots at once",
       .words = {"backwards", "lot"}, .affects = kRules},
      {.key = "college", .label = "Electoral college weights",
       .kind = FieldKind::weights, .unit = "share",
       .meaning = "Electoral college: weight of each section (mp, member, registered, "
                  "affiliated); each round combines the sections' percentages",
       .of = "section", .def_text = "{} (one member one vote)", .affects = kRules,
       .read = read_college},
  };
  return rows;
}

}  // namespace leadsim::detail
