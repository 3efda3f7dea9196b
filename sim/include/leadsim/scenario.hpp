// scenario.hpp: a contest described as data, loaded from TOML and checked value by value.
//
// Data flow: scenario.toml (optionally `include`-ing a base file, plus `--set path=value`
// overrides) --load_scenario--> Scenario (typed, every value checked against its domain).
// Problems are collected, not thrown one at a time: a file with five mistakes gets five messages,
// each with file:line:column, and load_scenario throws one InputError holding them all. A
// Scenario built or changed in code is checked by check_scenario(), the same checks.
//
// Every key of a file fills one member below; the members' initialisers are the defaults. The
// keys, their kinds, domains, units and meanings are one table (fields.hpp, listed by
// `leadsim keys`). Sections of a scenario file:
//   [contest]      name, question, policy dimensions, ballot date
//   [candidates.X] position in policy space, valence, electability, incumbency
//   [factions.X]   centre and spread in policy space, meeting mobilisation, CLP-level lean
//   [clps]         the constituency parties: a CSV of real ones, or a generated set
//   [population]   CLP heterogeneity, the agent cap
//   [waves.X]      joining cohorts: section, size, join window, faction mix, activism, targeting
//   [registration] vetting of registered-supporter applications
//   [eligibility]  freeze dates and the court ruling
//   [mps]          the parliamentary party: size, factions, loyalty, support, endorsements
//   [meetings]     CLP nomination meetings: format, invitations, attendance, speakers, persuasion
//   [affiliates.X] unions and societies: size, executive decision or consultation
//   [campaign]     momentum, endorsements, national swing, idiosyncratic taste
//   [ballot]       turnout by section
//   [rules]        the rulebook: stages in order and their thresholds, the count (rulebook.hpp)
#pragma once

#include "leadsim/eigen.hpp"
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "leadsim/count.hpp"
#include "leadsim/diagnostic.hpp"
#include "leadsim/rulebook.hpp"
#include "leadsim/section.hpp"

namespace leadsim {

using Day = std::int32_t;  // days since 1970-01-01

struct Candidate {
  std::string id, name;
  Eigen::VectorXd position;   // ideal point in policy space (each axis roughly -1..1)
  double valence = 0;         // non-policy appeal, utility units (added to every voter's utility)
  double electability = 0.5;  // 0..1, how well the party thinks it would do under this leader;
                              // hostile voters rank candidates from least to most electable
  bool incumbent = false;
};

struct Faction {
  std::string id, name;
  Eigen::VectorXd centre;            // mean ideal point of the faction's people
  double spread = 0.3;               // sd of personal ideal points around the centre, per axis
  double mobilisation = 1.0;         // multiplier on meeting attendance (organised factions > 1)
  double covariate_effect = 0;       // log-odds lean per sd of the CLP covariate
  std::vector<double> region_lean;   // per region: log-odds lean added in CLPs of that region
  double delegate_lean = 0;          // log-odds lean among General Committee delegates (elected
                                     // earlier, at an AGM, from long-standing activists)
  double bloc_sd = 0;                // sd of the log of its per-run, per-CLP mobilisation draw:
                                     // its people in a CLP turn out together, or stay at home
};

// [clps]: where the constituency parties come from (a CSV of real ones, or a generated set) and
// how the file's columns become sizes and the covariate. The loader builds Scenario::clps from it.
struct ClpSource {
  std::string file;                  // CSV path, relative to the file naming it; empty: generate
  std::vector<std::string> nations;  // keep only these nations (empty: all)
  std::string weight = "equal";      // column of relative membership size, or "equal"
  double weight_power = 1.0;         // relative size = column^power
  std::string covariate = "none";    // numeric column, "lab_share" or "none"
  std::string held_column = "winner";  // column naming the seat's winner
  std::string held_value = "Lab";    // ... whose value means the party holds the seat
  int count = 40;                    // generated CLPs
  double size_sd = 0.5;              // generated: sd of log relative size
  double held_share = 0.4;           // generated: probability a CLP has a party MP
  std::vector<double> region_weight; // per region: multiplier on relative size
  std::string identity;              // CSV of each CLP's lasting lean and activity (clp_identity.hpp)
};

struct Clp {
  std::string name, nation;
  int region = 0;          // index into Scenario::regions
  double weight = 1;       // relative size of the party here (waves with proportional targeting)
  double covariate = 0;    // standardised (mean 0, sd 1 over the CLPs used)
  bool labour_held = false;  // has a party MP, who may endorse a candidate
  // Its lasting traits (clp_identity.hpp), as a mean and sd each run draws from; all 0 without
  // an identity file.
  double lean_mean = 0, lean_sd = 0;          // log-odds per unit of policy axis 1, leftwards
  double activity_mean = 0, activity_sd = 0;  // log-odds of holding a nomination meeting
};

enum class MeetingFormat { all_member, general_committee };

enum class Targeting { proportional, uniform, named, top_covariate, random_selected, tippable };
const char* targeting_id(Targeting t);

// A joining cohort: people of one section who joined in a date window.
struct Wave {
  std::string id, name;
  Section section = Section::member;
  std::int64_t size = 0;             // people
  Day joined_from = 0, joined_to = 0;  // join dates uniform in [from, to]
  std::vector<double> faction_mix;   // per faction, sums to 1: national mix of this cohort
  double activism = 1.0;             // mean meeting-going propensity (1 = typical member)
  double activism_shape = 2.0;       // gamma shape: lower = more unequal activism
  double contactable = 0.97;         // probability the party's contact details are current
  double good_standing = 1.0;        // probability of being paid up / not suspended
  double hostile = 0.0;              // share who vote against the party's interest
  Targeting targeting = Targeting::proportional;
  std::vector<int> target_clps;      // named targets (indices), for Targeting::named
  int target_count = 0;              // for top_covariate / random_selected
  double target_share = 1.0;         // share of the wave on targets; the rest spread proportionally
  bool organised = false;            // brought to meetings: attendance x meetings.organised_turnout
  double bloc_sd = 0;                // organised: sd of the log of its per-run, per-CLP turnout draw
  std::string affiliate;             // affiliated supporters: the affiliate they all belong to
                                     // (an id of [affiliates]); empty: drawn by the shares
  double turnout_shift = 0;          // log-odds added to the section's ballot turnout for them
};

struct Registration {
  double rejection = 0.0;             // probability an ordinary application is rejected
  double hostile_odds_ratio = 1.0;    // odds of rejection for hostile applicants relative to others
};

enum class FreezeRuling { upheld, overturned };

struct Eligibility {
  Day member_ballot_freeze = 0;      // members who joined on or before this date may vote
  Day member_meeting_freeze = 0;     // ... may take part in nomination meetings
  FreezeRuling ruling = FreezeRuling::upheld;
  Day overturned_ballot_cutoff = 0;  // if the freeze is struck down: joined on or before this
  Day affiliated_freeze = 0;         // affiliated supporters must have joined their affiliate by
  bool require_good_standing = true;
};

// The parliamentary party (parliament.hpp). The rules they nominate under are in the rulebook.
struct MpRules {
  int count = 0;                 // MPs; 0: one per seat held in the CLP file, plus extra_mps
  int meps = 0;                  // MEPs
  int extra_mps = 0;             // MPs not tied to a CLP in the file (e.g. Northern Ireland, vacant)
  std::vector<double> factions;  // per faction: share of MPs
  double loyalty = 0.0;          // mean utility bonus for the incumbent (exponential across MPs)
  double noise = 0.3;            // scale of each MP's per-run Gumbel utility noise
  bool support_given = false;    // `support` was in the file: calibrate MPs' first choices to it
  std::vector<double> support;   // per candidate (+1 last = none): share of MPs nominating each
  std::vector<std::pair<int, int>> endorsements;  // (clp, candidate or -1): known local MPs' choices
};

enum class PersuasionModel { utility_shift, bounded_confidence };
enum class TieBreak { chair, lot };

struct MeetingRules {
  double meet = 0.55;              // probability a CLP holds a nomination meeting at all
  double general_committee = 0.0;  // probability the meeting is a GC of delegates, not all members
  double officer_tactics = 0.0;    // probability the officers choose meeting and format for their
                                   // own candidate's sake (officers.hpp)
  double requisition = 0.0;        // organised members' share of the CLP's members that forces an
                                   // all-member meeting (0: they cannot requisition one)
  std::vector<std::pair<int, MeetingFormat>> held;  // (clp, format): meetings known to be held
  double lost_invitation = 0.003;  // probability an invitation to a contactable member goes astray
  double attendance = 0.05;        // base probability a typical invited member attends
  double care = 1.0;               // attendance multiplier per unit of preference strength
  double organised_turnout = 2.0;  // attendance multiplier for people in organised waves
  int gc_size = 40;                // delegates on a General Committee
  double gc_attendance = 0.8;      // probability a delegate attends
  Day gc_elected_by = 0;           // delegates were chosen from members who joined by this date
  int quorum = 10;                 // fewer attendees: no nomination
  int speakers = 6;                // speeches in the debate
  double chair_bias = 0.0;         // 0 = equal speakers per candidate, 1 = all to the chair's side
  TieBreak tie_break = TieBreak::chair;
  PersuasionModel persuasion = PersuasionModel::utility_shift;
  double speech_strength = 0.15;   // utility shift a speech gives a persuaded listener
  double susceptibility = 0.3;     // probability a fully undecided listener is persuaded by a speech
  double undecided_scale = 0.2;    // utility gap at which persuadability falls to 1/e
  double confidence_bound = 0.6;   // bounded confidence: listens only to speakers this close
  double convergence = 0.3;        // bounded confidence: fraction of the distance moved
  double discussion = 0.0;         // bounded confidence: pairwise encounters per attendee after
                                   // the speeches (Deffuant-Weisbuch)
};

enum class AffiliateMethod { executive, consultation };

struct Affiliate {
  std::string id, name;
  double share = 0;                 // share of affiliated supporters who belong to it
  AffiliateMethod method = AffiliateMethod::executive;
  std::vector<double> executive_lean;  // per candidate: probability the executive nominates it
  double consultation_turnout = 0.1;   // share of its supporters who answer a consultation
  bool is_union = true;
};

struct Campaign {
  double momentum = 0.0;        // utility per unit of (share of CLP nominations - fair share)
  double affiliate_momentum = 0.0;  // the same for affiliate nominations (weighted by size)
  double mp_endorsement = 0.0;  // utility for the local MP's candidate among that CLP's people
  double swing_sd = 0.05;       // sd of each candidate's national valence shock per run
  double poll_error[kSections] = {0, 0, 0, 0};  // by Section: sd of the per-run log-odds shock
                                // on each faction's weight in that section's mixes (the polls'
                                // error: the mixes solve poll shares)
  double cohort_error = 0;      // the same per cohort (wave), beside its section's
  double electability_weight = 0;  // utility per unit of a candidate's electability (sincere
                                   // voters who want a leader who can win)
  double taste_sd = 0.3;        // sd of personal, non-policy taste for each candidate
  double salience = 1.0;        // weight of squared policy distance in utility
};

struct BallotRules {
  double turnout[kSections] = {0.8, 0.7, 0.5, 0.95};  // by Section  // base turnout of a typical eligible voter
  double activism_elasticity = 0.5;  // log-odds of voting per unit log activism
};

// One resolved parameter, for manifests and `leadsim keys`.
struct ResolvedParam {
  std::string path;   // as used by --set, e.g. "meetings.chair_bias"
  std::string value;  // TOML-formatted value in force
};

struct Scenario {
  std::string name = "unnamed contest";
  std::string question;
  std::string file;     // path it was loaded from
  std::string sha256;   // of the main file's bytes
  std::vector<std::pair<std::string, std::string>> included_files;  // (path, sha256), base first
  int dims = 2;         // policy dimensions
  Day ballot_day = 0;
  std::vector<Candidate> candidates;
  std::vector<Faction> factions;
  std::vector<std::string> regions;
  ClpSource clp_source;  // [clps] as written; `clps` is built from it
  std::vector<Clp> clps;
  std::vector<Wave> waves;
  double clp_dispersion = 0.5;  // sd of each CLP's per-run log-odds lean towards each faction
  Registration registration;
  Eligibility eligibility;
  MpRules mps;
  MeetingRules meetings;
  std::vector<Affiliate> affiliates;
  Campaign campaign;
  BallotRules ballot;
  Rulebook rules;
  std::int64_t max_agents = 20'000'000;  // refuse populations above this (memory guard)
  // contest.posterior: a posterior.csv of `leadsim calibrate` (relative to the scenario file),
  // whose particles the runs draw from. Loaded: each particle as this scenario with its values
  // (posterior_scenarios, themselves without a posterior) and the cumulative weights.
  std::string posterior;
  // contest.posterior_parameters: the posterior's columns the runs take (empty: all of them).
  std::vector<std::string> posterior_parameters;
  std::vector<std::shared_ptr<const Scenario>> posterior_scenarios;
  std::vector<double> posterior_cumulative;
  // The parameter paths each run takes from its particle (what the file says of them is not
  // what the runs play).
  std::vector<std::string> posterior_drawn;
  std::vector<ResolvedParam> resolved;   // every parameter in force, in reading order
  // Where each key and table was written (for messages about the values); empty for a scenario
  // built in code, whose messages then name the key alone.
  std::unordered_map<std::string, SourcePlace> places;

  int candidate_index(const std::string& id) const;  // -1 if unknown
  int clp_index(const std::string& name) const;      // -1 if unknown
  std::int64_t agents() const;                       // people in all waves
  // The scenario run `run` of an ensemble with this seed plays: itself, or with a posterior, the
  // particle drawn by weight for (seed, run), the same whatever the threads.
  const Scenario& for_run(std::uint64_t seed, std::uint64_t run) const;
  // Which particle that is (-1 without a posterior).
  int posterior_particle(std::uint64_t seed, std::uint64_t run) const;
};

// Loads and checks a scenario. `overrides` are "path=value" strings (value in TOML syntax; bare
// words are taken as strings). Throws InputError with every problem found.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});

// Every problem of a Scenario's values: each value within its field's domain (fields.hpp) and
// the values together (shares summing to 1, dates in order, stages that can run in that order,
// targets that exist...). load_scenario() applies it; a Scenario built or changed in code gets
// the same checks from it. Messages are located where `places` knows the key, else at the file.
std::vector<Diagnostic> check_scenario(const Scenario& s);

// Parses "2016-01-12" to a Day; throws std::invalid_argument.
Day parse_day(const std::string& iso);
// Memory a population of this many agents needs, roughly (bytes).
double estimated_bytes(std::int64_t agents, int dims, int candidates);
std::string format_day(Day d);

}  // namespace leadsim
