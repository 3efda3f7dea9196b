// meeting.cpp: a meeting held (hold_meeting), and its stages 1 to 3 (meeting.hpp): whether the
// CLP meets and in which format, who is eligible and invited, who attends. Stages 4 and 5 are in
// meeting_debate.cpp; the fused attendance loop in attend_kernel.cpp.
#include "leadsim/meeting.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "block.hpp"
#include "leadsim/officers.hpp"
#include "leadsim/random.hpp"
#include "meeting_detail.hpp"
#include "meeting_run.hpp"

namespace leadsim {

namespace detail {

Meeting::Meeting(const MeetingInputs& inputs, int c, MeetingScratch& scratch, MeetingStory* st)
    : in(inputs),
      s(inputs.scenario),
      pop(inputs.population),
      sc(scratch),
      story(st),
      clp(c),
      k(int(inputs.scenario.candidates.size())),
      key(derive_key(derive_key(inputs.run_key, name_hash("meeting")), std::uint64_t(c))) {
  for (int cand = 0; cand < k; ++cand)
    if (in.standing[size_t(cand)]) standing_[size_t(n_standing_++)] = cand;
  contested_ = standing_count() > 1;
  for (int l = 0; l < n_standing_; ++l) {  // as first_choice() for a hostile voter
    const int cand = standing_[size_t(l)];
    if (hostile_choice_ < 0 || s.candidates[size_t(cand)].electability <
                                   s.candidates[size_t(hostile_choice_)].electability)
      hostile_choice_ = cand;
  }
  // The bound that lets most people be skipped.
  max_base_ = person::attendance_max_base(float(s.meetings.attendance), float(s.meetings.care),
                                          contested_);
}

// Stage 1.
bool Meeting::convene() {
  Stream g(key);
  const double u_meet = g.uniform(), u_format = g.uniform(), u_tactics = g.uniform();
  const ClpReading reading{s, pop, in.preferences, in.standing, in.electorate.meeting_freeze()};
  const ConveneDecision d = decide_meeting(reading, clp, u_meet, u_format, u_tactics);
  result.met = d.met;
  result.format = d.format;
  result.requisitioned = d.requisitioned;
  result.tactical = d.tactical;
  if (story) story->convening = d;
  return result.met;
}

// Eligibility (joined by the meeting freeze, with the traits needed) and invitation (eligible
// and contactable: whether the invitation arrives is drawn later) for people [first, first+n).
void Meeting::eligible_and_contactable(std::uint32_t first, int n, std::uint32_t* eligible,
                              std::uint32_t* invited) const {
  const std::uint8_t* traits = pop.traits.data() + first;
  const Day* joined = pop.joined.data() + first;
  const std::uint8_t needed = needed_traits();
  const Day freeze = in.electorate.meeting_freeze();
  for (int j = 0; j < n; ++j) {
    const std::uint32_t t = traits[j];
    eligible[j] = std::uint32_t(joined[j] <= freeze) & std::uint32_t((t & needed) == needed);
    invited[j] = eligible[j] & ((t & kContactable) ? 1u : 0u);
  }
}

void Meeting::admit_person(std::uint32_t i, int f, const float* u) {
  sc.attendee.push_back(i);
  sc.faction.push_back(std::uint8_t(f));
  sc.utility.insert(sc.utility.end(), u, u + k);
  sc.uid.push_back(pop.uid[i]);
  sc.traits.push_back(pop.traits[i]);
  sc.activism.push_back(pop.activism[i]);
  if (s.meetings.persuasion == PersuasionModel::bounded_confidence) {
    // Positions move; the rest of each utility is read from the population here, once.
    const size_t at = sc.position.size();
    sc.position.resize(at + size_t(in.preferences.dims()));
    in.preferences.position(pop, i, f, &sc.position[at]);
    const size_t base = sc.utility_base.size();
    sc.utility_base.resize(base + size_t(k));
    in.preferences.utility_base(pop, i, &sc.utility_base[base]);
  }
}

// Takes the attendees among people [first, first+n) (attends[j] set) into the scratch.
void Meeting::admit(std::uint32_t first, int n, const std::uint32_t* attends, const std::int32_t* faction,
           const float (*util)[kBlock]) {
  const SetFlags set(attends, n);
  if (set.count() == 0) return;
  float u[kMaxCandidates];
  set.for_each([&](int j) {
    for (int c = 0; c < k; ++c) u[c] = util[c][j];
    admit_person(first + std::uint32_t(j), faction[j], u);
  });
}

// Stages 2 and 3, for people [first, first+n) of one wave of members (n <= kBlock).
// Invitations, the attendance draw and an upper bound on each person's attendance
// probability are computed for the whole block in straight loops. Only those whose draw falls
// under the bound (a small minority: attendance is a few percent) need their faction and
// utilities to settle whether they come.
void Meeting::invite_and_attend_block(std::uint32_t first, int n, int wave) {
  const MeetingRules& m = s.meetings;
  const bool gc = result.format == MeetingFormat::general_committee;
  const PersonDraws& draws = in.preferences.draws();
  const std::uint32_t* uid = pop.uid.data() + first;
  const std::uint8_t* traits = pop.traits.data() + first;
  const float* activism = pop.activism.data() + first;
  const float lost = float(m.lost_invitation);

  alignas(32) std::uint32_t eligible[kBlock], invited[kBlock], maybe[kBlock];
  alignas(32) std::int32_t faction[kBlock];
  alignas(32) float draw[kBlock], bound[kBlock];
  eligible_and_contactable(first, n, eligible, invited);
  for (int j = 0; j < n; ++j) {
    invited[j] &= std::uint32_t(PersonDraws::draw(draws.invitation, uid[j]) >= lost);
    draw[j] = PersonDraws::draw(draws.attendance, uid[j]);
  }
  in.preferences.block_factions(pop, first, n, clp, wave, faction);
  if (gc) {
    for (int j = 0; j < n; ++j) bound[j] = float(m.gc_attendance);
  } else {
    for (int j = 0; j < n; ++j) bound[j] = mobilisation(0);
    for (int f = 1; f < int(s.factions.size()); ++f) blend_where(bound, faction, f, mobilisation(f), n);
    const float extra = organised_turnout(wave) - 1.0f;
    for (int j = 0; j < n; ++j)
      bound[j] = person::attendance_bound(bound[j], max_base_, activism[j], extra, traits[j]);
  }
  for (int j = 0; j < n; ++j) maybe[j] = invited[j] & std::uint32_t(draw[j] < bound[j]);

  std::uint32_t n_eligible = 0, n_invited = 0, n_maybe = 0;
  for (int j = 0; j < n; ++j) {
    n_eligible += eligible[j];
    n_invited += invited[j];
    n_maybe += maybe[j];
  }
  result.eligible += int(n_eligible);
  result.invited += int(n_invited);
  if (n_maybe == 0 && !story) return;

  float u[kMaxCandidates];
  for (int j = 0; j < n; ++j) {
    if (!maybe[j] && !story) continue;
    const std::uint32_t i = first + std::uint32_t(j);
    bool attends = false;
    const int f = faction[j];
    if (maybe[j]) {
      in.preferences.utilities(pop, i, f, u);
      const int endorsed = in.mp_endorsement[size_t(clp)];
      if (endorsed >= 0) u[endorsed] += float(s.campaign.mp_endorsement);
      attends = draw[j] < attendance_probability(i, f, u);
    }
    if (story) tell_lane(i, eligible[j], invited[j], attends, f);
    if (!attends) continue;
    admit_person(i, f, u);
  }
}

// Stages 2 and 3 without a story: the same decisions, bit for bit, as
// invite_and_attend_block(), with the utilities and the attendance decision of the whole block
// made in straight loops (reading the utility rows in order rather than at random), and the
// few attendees then picked out by a bit scan. A block with few people eligible (a General
// Committee's delegates) is handled person by person instead.
void Meeting::attend_block(std::uint32_t first, int n_people, int wave) {
  // Lanes are computed in whole vectors (rounded up; the people after the block are read but
  // made ineligible below), so that no loop ends in a scalar remainder.
  const int n = whole_vectors(n_people, pop.size() - first);
  const MeetingRules& m = s.meetings;
  const bool gc = result.format == MeetingFormat::general_committee;
  const PersonDraws& draws = in.preferences.draws();
  const RunPreferences& prefs = in.preferences;
  const std::uint32_t* uid = pop.uid.data() + first;
  const std::uint8_t* traits = pop.traits.data() + first;
  const float* activism = pop.activism.data() + first;
  const float lost = float(m.lost_invitation);
  const int factions = int(s.factions.size());

  alignas(32) std::uint32_t eligible[kBlock], invited[kBlock], maybe[kBlock];
  std::uint32_t n_eligible = 0;
  eligible_and_contactable(first, n, eligible, invited);
  for (int j = n_people; j < n; ++j) eligible[j] = invited[j] = 0;
  for (int j = 0; j < n; ++j) n_eligible += eligible[j];
  result.eligible += int(n_eligible);
  if (n_eligible == 0) return;
  const float extra = organised_turnout(wave) - 1.0f;
  const int endorsed = in.mp_endorsement[size_t(clp)];
  const float endorsement = float(s.campaign.mp_endorsement);

  if (n_eligible * 8 < std::uint32_t(n_people)) {
    // Few eligible: person by person, in the order and arithmetic of the block loops.
    int n_invited = 0;
    float u[kMaxCandidates];
    for_each_set(invited, n, [&](int j) {
      if (!(PersonDraws::draw(draws.invitation, uid[j]) >= lost)) return;
      ++n_invited;
      const float draw = PersonDraws::draw(draws.attendance, uid[j]);
      const std::uint32_t i = first + std::uint32_t(j);
      const int f = RunPreferences::faction_in_row(prefs.row_for(clp, wave, traits[j]), factions,
                                                   PersonDraws::draw(draws.faction, uid[j]));
      float bound;
      if (gc) {
        bound = float(m.gc_attendance);
      } else {
        bound = person::attendance_bound(mobilisation(f), max_base_, activism[j], extra, traits[j]);
      }
      if (!(draw < bound)) return;
      prefs.utilities(pop, i, f, u);
      if (endorsed >= 0) u[endorsed] += endorsement;
      if (!(draw < attendance_probability(i, f, u))) return;
      admit_person(i, f, u);
    });
    result.invited += n_invited;
    return;
  }

  // The utility rows of the block are read after the draws: ask for them now, so that
  // fetching them overlaps the hashing.
  for (int c = 0; c < k; ++c)
    for (int j = 0; j < n; j += 32) {  // 32 two-byte values per cache line
      __builtin_prefetch(pop.pull_row(c) + first + j);
      __builtin_prefetch(pop.taste_row(c) + first + j);
    }
  alignas(32) std::int32_t faction[kBlock];
  alignas(32) float draw[kBlock], bound[kBlock], mob[kBlock];
  for (int j = 0; j < n; ++j) {
    invited[j] &= std::uint32_t(PersonDraws::draw(draws.invitation, uid[j]) >= lost);
    draw[j] = PersonDraws::draw(draws.attendance, uid[j]);
  }
  prefs.block_factions(pop, first, n, clp, wave, faction);
  if (gc) {
    for (int j = 0; j < n; ++j) bound[j] = float(m.gc_attendance);
  } else {
    for (int j = 0; j < n; ++j) mob[j] = mobilisation(0);
    for (int f = 1; f < factions; ++f) blend_where(mob, faction, f, mobilisation(f), n);
    for (int j = 0; j < n; ++j)
      bound[j] = person::attendance_bound(mob[j], max_base_, activism[j], extra, traits[j]);
  }
  std::uint32_t n_invited = 0, n_maybe = 0;
  for (int j = 0; j < n; ++j) {
    maybe[j] = invited[j] & std::uint32_t(draw[j] < bound[j]);
    n_invited += invited[j];
    n_maybe += maybe[j];
  }
  result.invited += int(n_invited);
  if (n_maybe == 0) return;

  // Everyone's utilities, the MP's endorsement.
  alignas(32) float util[kMaxCandidates][kBlock];
  for (int c = 0; c < k; ++c) prefs.block_utility(pop, first, n, faction, c, util[c]);
  if (endorsed >= 0)
    for (int j = 0; j < n; ++j) util[endorsed][j] += endorsement;

  // The attendance probability.
  alignas(32) float p[kBlock];
  alignas(32) std::uint32_t attends[kBlock];
  if (gc) {
    for (int j = 0; j < n; ++j) p[j] = float(m.gc_attendance);
  } else {
    // The best and second best standing utilities, in candidate order (as gap_of()).
    alignas(32) float best[kBlock], second[kBlock];
    for (int j = 0; j < n; ++j) best[j] = second[j] = person::kNoUtility;
    for (int l = 0; l < n_standing_; ++l) {
      const float* uc = util[standing_[size_t(l)]];
      for (int j = 0; j < n; ++j) person::rank_top_two(uc[j], best[j], second[j]);
    }
    const float care = float(m.care);
    const float base = person::attendance_base(float(m.attendance), care);
    const float ot = organised_turnout(wave);
    for (int j = 0; j < n; ++j)
      p[j] = person::attendance_probability(base, activism[j], mob[j], care,
                                            person::attendance_gap(best[j], second[j]),
                                            traits[j], ot);
  }
  for (int j = 0; j < n; ++j) attends[j] = maybe[j] & std::uint32_t(draw[j] < p[j]);
  admit(first, n, attends, faction, util);
}

// What attend_kernel() needs for wave w of this meeting's CLP (an all-member meeting).
void Meeting::prepare_segment(AttendSegment& g, int w) const {
  const MeetingRules& m = s.meetings;
  const RunPreferences& prefs = in.preferences;
  const PersonDraws& draws = prefs.draws();
  const int factions = int(s.factions.size());
  const int endorsed = in.mp_endorsement[size_t(clp)];
  g.uid = pop.uid.data();
  // Join dates lie in the wave's [joined_from, joined_to] (Wave).
  g.joined = s.waves[size_t(w)].joined_to <= in.electorate.meeting_freeze() ? nullptr
                                                                           : pop.joined.data();
  g.traits = pop.traits.data();
  g.activism = pop.activism.data();
  g.row = prefs.faction_row(clp, w);
  g.delegate_row = prefs.delegate_row(clp, w);
  for (int c = 0; c < k; ++c) {
    g.pull[c] = pop.pull_row(c);
    g.taste[c] = pop.taste_row(c);
    g.step[c] = pop.pull_step[size_t(c)];
    g.endorse[c] = c == endorsed ? float(s.campaign.mp_endorsement) : 0.0f;
    g.standing[c] = in.standing[size_t(c)];
    for (int f = 0; f < factions; ++f) g.a[c][f] = prefs.faction_constant(f, c);
  }
  for (int f = 0; f < factions; ++f) {
    g.spread[f] = prefs.spread(f);
    g.mob[f] = mobilisation(f);
  }
  g.taste_coef = prefs.taste_coef();
  g.lost = float(m.lost_invitation);
  g.max_base = max_base_;
  g.extra = organised_turnout(w) - 1.0f;
  g.care = float(m.care);
  g.base = person::attendance_base(float(m.attendance), g.care);
  g.organised_turnout = organised_turnout(w);
  g.freeze = in.electorate.meeting_freeze();
  g.needed = needed_traits();
  g.key_invitation = draws.invitation;
  g.key_attendance = draws.attendance;
  g.key_faction = draws.faction;
}

// Stages 2 and 3 for people [first, first+n_people) of an all-member meeting, through the fused
// kernel (the same decisions, bit for bit, as attend_block()).
void Meeting::attend_fused(AttendKernel kernel, const AttendSegment& g, std::uint32_t first, int n_people) {
  // Whole vectors (the kernel makes the people after the block ineligible).
  const int n = whole_vectors(n_people, pop.size() - first);
  alignas(32) std::uint32_t attends[kBlock];
  alignas(32) std::int32_t faction[kBlock];
  alignas(32) float util[kMaxCandidates][kBlock];
  std::uint32_t n_eligible = 0, n_invited = 0;
  kernel(g, int(first), n, n_people, attends, faction, util, n_eligible, n_invited);
  result.eligible += int(n_eligible);
  result.invited += int(n_invited);
  admit(first, n, attends, faction, util);
}

// The chance an invited person i of faction f with utilities u attends (see meeting.hpp).
float Meeting::attendance_probability(std::uint32_t i, int f, const float* u) const {
  const MeetingRules& m = s.meetings;
  if (result.format == MeetingFormat::general_committee) return float(m.gc_attendance);
  float best, second;
  top_two(u, best, second);
  const float care = float(m.care);
  return person::attendance_probability(
      person::attendance_base(float(m.attendance), care), pop.activism[i], mobilisation(f), care,
      person::attendance_gap(best, second), pop.traits[i], organised_turnout(pop.wave[i]));
}

// The story's bookkeeping for one person (only when a story is being told).
void Meeting::tell_lane(std::uint32_t i, std::uint32_t eligible, std::uint32_t invited, bool attends,
               int f) {
  const bool gc = result.format == MeetingFormat::general_committee;
  ++story->members;
  if (pop.joined[i] > s.eligibility.member_meeting_freeze) ++story->past_freeze;
  else if (s.eligibility.require_good_standing && !(pop.traits[i] & kGoodStanding))
    ++story->not_in_good_standing;
  else if (gc && !(pop.traits[i] & kDelegate)) ++story->not_delegates;
  if (!eligible) return;
  if (!invited) {
    if (!(pop.traits[i] & kContactable)) ++story->not_contactable;
    else ++story->invitation_lost;
    return;
  }
  ++story->invited_by[pop.wave[i]][size_t(f)];
  if (!attends) return;
  ++story->attended_by[pop.wave[i]][size_t(f)];
  if (pop.traits[i] & kHostile) ++story->hostile_attendees;
}

void Meeting::invite_and_attend() {
  sc.attendee.clear();
  sc.faction.clear();
  sc.utility.clear();
  sc.uid.clear();
  sc.traits.clear();
  sc.activism.clear();
  sc.position.clear();
  sc.utility_base.clear();
  const std::uint32_t* segments = pop.segments(clp);
  for (int w = 0; w < int(s.waves.size()); ++w) {
    const std::uint32_t seg = segments[w], seg_end = segments[w + 1];
    if (seg == seg_end) continue;
    const Wave& wave = s.waves[size_t(w)];
    // A cohort that joined after the freeze cannot take part (the story still counts them).
    const bool late = wave.joined_from > in.electorate.meeting_freeze();
    if (wave.section == Section::member && (!late || story)) {
      // All-member meetings go through the fused kernel where there is one for this many
      // factions and candidates; General Committees (few eligible) through attend_block().
      const AttendKernel kernel =
          !story && result.format == MeetingFormat::all_member
              ? choose_attend_kernel(int(s.factions.size()), k)
              : nullptr;
      AttendSegment g;
      if (kernel) prepare_segment(g, w);
      for (std::uint32_t first = seg; first < seg_end; first += kBlock) {
        const int n = int(std::min<std::uint32_t>(kBlock, seg_end - first));
        if (story) invite_and_attend_block(first, n, w);
        else if (kernel) attend_fused(kernel, g, first, n);
        else attend_block(first, n, w);
      }
    }
  }
  result.attended = int(sc.attendee.size());
}

MeetingResult hold_meeting(const MeetingInputs& in, int clp, MeetingScratch& scratch,
                           Persuasion& persuasion, MeetingStory* story) {
  Meeting m(in, clp, scratch, story);
  if (story) {
    const size_t waves = in.scenario.waves.size(), factions = in.scenario.factions.size();
    story->invited_by.assign(waves, std::vector<int>(factions, 0));
    story->attended_by.assign(waves, std::vector<int>(factions, 0));
    story->mp_endorsement = in.mp_endorsement[size_t(clp)];
    story->lean = in.preferences.lean(clp);
    story->faction_bloc.clear();
    for (int f = 0; f < in.preferences.factions(); ++f)
      story->faction_bloc.push_back(in.preferences.faction_bloc(clp, f));
  }
  if (m.convene()) {
    m.invite_and_attend();
    if (!scratch.attendee.empty()) {
      m.debate();
      m.vote();
      m.record_persuasion(persuasion);
    }
  }
  if (story) story->result = m.result;
  return m.result;
}

}  // namespace detail
}  // namespace leadsim
