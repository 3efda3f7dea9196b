// officers.cpp: a CLP's decision to meet and its format (officers.hpp).
#include "leadsim/officers.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "person_formulas.hpp"

namespace leadsim {

namespace {

// The share of wave w's join window [joined_from, joined_to] on or before `freeze` (join dates
// are uniform in the window): the part of the cohort that may take part in a meeting.
double share_joined_by(const Wave& w, Day freeze) {
  if (w.joined_to <= freeze) return 1.0;
  if (w.joined_from > freeze) return 0.0;
  return double(freeze - w.joined_from + 1) / double(w.joined_to - w.joined_from + 1);
}

// Faction f's expected split of votes over the standing candidates: a logit on the faction's
// mean utilities a_fc, with the scale of the personal noise around them. Two people of one
// faction differ by taste (sd taste_sd per candidate) and by position (spread_f per axis, which
// moves the utility gap between candidates c and d by 2 * salience * spread_f * |x_c - x_d| per
// sd); the logit's scale beta makes its sd, beta * pi / sqrt(3), that of the gap.
// The mean policy distance between two standing candidates.
double mean_distance(const ClpReading& r) {
  const Scenario& s = r.scenario;
  const int k = int(s.candidates.size());
  double distance = 0;
  int pairs = 0;
  for (int c = 0; c < k; ++c)
    for (int d = c + 1; d < k; ++d)
      if (r.standing[size_t(c)] && r.standing[size_t(d)]) {
        distance += (s.candidates[size_t(c)].position - s.candidates[size_t(d)].position).norm();
        ++pairs;
      }
  return pairs > 0 ? distance / pairs : 0.0;
}

void faction_split(const ClpReading& r, double distance, int f, double weight,
                   RoomExpectation& room) {
  const Scenario& s = r.scenario;
  const RunPreferences& prefs = r.preferences;
  const int k = int(s.candidates.size());
  const double taste = prefs.taste_sd(), spread = prefs.spread(f);
  const double policy = 2 * std::abs(s.campaign.salience) * spread * distance;
  const double gap_sd = std::sqrt(2 * taste * taste + policy * policy);
  const double beta = std::max(1e-6, gap_sd * std::sqrt(3.0) / std::numbers::pi);
  double top = -1e300;
  for (int c = 0; c < k; ++c)
    if (r.standing[size_t(c)]) top = std::max(top, double(prefs.faction_constant(f, c)));
  std::array<double, kMaxCandidates> e{};
  double total = 0;
  for (int c = 0; c < k; ++c)
    if (r.standing[size_t(c)]) total += e[size_t(c)] = std::exp((prefs.faction_constant(f, c) - top) / beta);
  if (total <= 0) return;
  for (int c = 0; c < k; ++c) room.votes[size_t(c)] += weight * e[size_t(c)] / total;
  room.people += weight;
}

void find_leader(RoomExpectation& room, int k) {
  room.leader = -1;
  if (room.people <= 0) return;
  for (int c = 0; c < k; ++c)
    if (room.leader < 0 || room.votes[size_t(c)] > room.votes[size_t(room.leader)]) room.leader = c;
}

}  // namespace

RoomExpectation expected_members_room(const ClpReading& r, int clp, int only_wave, bool only) {
  const Scenario& s = r.scenario;
  const Population& pop = r.population;
  const RunPreferences& prefs = r.preferences;
  const std::uint32_t* seg = pop.segments(clp);
  const double distance = mean_distance(r);
  RoomExpectation room;
  for (int w = 0; w < int(s.waves.size()); ++w) {
    const Wave& wave = s.waves[size_t(w)];
    if (wave.section != Section::member) continue;
    if (only_wave >= 0 && (w == only_wave) != only) continue;
    const double people = double(seg[w + 1] - seg[w]) * share_joined_by(wave, r.meeting_freeze);
    if (people <= 0) continue;
    const double keen = people * wave.activism *
                        (wave.organised ? s.meetings.organised_turnout * prefs.wave_bloc(clp, w) : 1.0);
    for (int f = 0; f < prefs.factions(); ++f) {
      const double mob = s.factions[size_t(f)].mobilisation * prefs.faction_bloc(clp, f);
      faction_split(r, distance, f, keen * mob * prefs.faction_probability(clp, w, f), room);
    }
  }
  find_leader(room, int(s.candidates.size()));
  return room;
}

RoomExpectation expected_general_committee(const ClpReading& r, int clp) {
  const Scenario& s = r.scenario;
  const RunPreferences& prefs = r.preferences;
  const std::uint16_t* delegates = r.population.delegates_of(clp);
  const double distance = mean_distance(r);
  RoomExpectation room;
  for (int w = 0; w < int(s.waves.size()); ++w) {
    if (delegates[w] == 0) continue;
    for (int f = 0; f < prefs.factions(); ++f)
      faction_split(r, distance, f, double(delegates[w]) * prefs.faction_probability(clp, w, f, true), room);
  }
  find_leader(room, int(s.candidates.size()));
  return room;
}

ConveneDecision decide_meeting(const ClpReading& r, int clp, double u_meet, double u_format,
                               double u_tactics) {
  const Scenario& s = r.scenario;
  const MeetingRules& m = s.meetings;
  ConveneDecision d;
  for (const auto& [c, format] : m.held)
    if (c == clp) {
      d.met = true;
      d.format = format;
      d.known = true;
      return d;
    }
  if (m.requisition > 0) {
    const std::uint32_t* seg = r.population.segments(clp);
    double organised = 0, members = 0;
    for (int w = 0; w < int(s.waves.size()); ++w) {
      const Wave& wave = s.waves[size_t(w)];
      if (wave.section != Section::member) continue;
      const double people = double(seg[w + 1] - seg[w]) * share_joined_by(wave, r.meeting_freeze);
      members += people;
      if (wave.organised) organised += people * r.preferences.wave_bloc(clp, w);
    }
    d.organised_share = members > 0 ? organised / members : 0;
    d.requisitioned = members > 0 && d.organised_share >= m.requisition;
  }
  if (d.requisitioned) {
    d.met = true;
    d.format = MeetingFormat::all_member;
    return d;
  }
  d.met = u_meet < person::meet_probability(m.meet, r.preferences.activity(clp));
  d.format = u_format < m.general_committee ? MeetingFormat::general_committee
                                            : MeetingFormat::all_member;
  int standing = 0;
  for (bool b : r.standing) standing += b;
  if (!d.met || standing < 2 || !(u_tactics < m.officer_tactics)) return d;
  d.members = expected_members_room(r, clp);
  d.delegates = expected_general_committee(r, clp);
  if (d.delegates.leader < 0 || d.members.leader == d.delegates.leader) return d;
  // The members would nominate someone other than the officers' candidate.
  d.tactical = true;
  if (m.general_committee > 0) d.format = MeetingFormat::general_committee;
  else d.met = false;
  return d;
}

}  // namespace leadsim
