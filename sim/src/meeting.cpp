#include "leadsim/meeting.hpp"

#include <algorithm>
#include <cmath>

#include "block.hpp"
#include "leadsim/random.hpp"

namespace leadsim {

namespace {

// Gap between the best and second-best standing candidates (0 when only one stands).
float preference_gap(const float* u, const std::vector<bool>& standing) {
  float best = -1e30f, second = -1e30f;
  for (size_t c = 0; c < standing.size(); ++c) {
    if (!standing[c]) continue;
    if (u[c] > best) {
      second = best;
      best = u[c];
    } else if (u[c] > second) {
      second = u[c];
    }
  }
  return second < -1e29f ? 0.0f : best - second;
}

struct Meeting {
  const MeetingInputs& in;
  const Scenario& s;
  const Population& pop;
  MeetingScratch& sc;
  MeetingStory* story;
  int clp, k;
  std::uint64_t key;  // this meeting's random key
  MeetingResult result;

  Meeting(const MeetingInputs& inputs, int c, MeetingScratch& scratch, MeetingStory* st)
      : in(inputs),
        s(inputs.scenario),
        pop(inputs.population),
        sc(scratch),
        story(st),
        clp(c),
        k(int(inputs.scenario.candidates.size())),
        key(derive_key(derive_key(inputs.run_key, name_hash("meeting")), std::uint64_t(c))) {
    contested_ = standing_count() > 1;
    // The largest attendance probability per unit of activism and mobilisation any preference
    // gap allows (before the organised multiplier): the bound that lets most people be skipped.
    const float care = float(s.meetings.care);
    max_base_ = float(s.meetings.attendance) / (1.0f + care) *
                (1.0f + care * (contested_ ? 2.0f : 0.0f));
    // Rounding slack: the bound must never fall below a probability computed in another order.
    max_base_ *= 1.0f + 1e-5f;
  }

  float* utility(size_t a) { return &sc.utility[a * size_t(k)]; }
  int standing_count() const {
    int c = 0;
    for (bool b : in.standing) c += b;
    return c;
  }
  bool hostile(size_t a) const { return pop.traits[sc.attendee[a]] & kHostile; }
  int choice(size_t a) {
    return first_choice(s, {utility(a), size_t(k)}, in.standing, hostile(a));
  }

  // Stage 1.
  bool convene() {
    Stream g(key);
    result.met = g.uniform() < s.meetings.meet;
    result.format = g.uniform() < s.meetings.general_committee ? MeetingFormat::general_committee
                                                               : MeetingFormat::all_member;
    return result.met;
  }

  // Stages 2 and 3, for people [first, first+n) of one wave of members (n <= kBlock).
  // Invitations, the attendance draw and an upper bound on each person's attendance
  // probability are computed for the whole block in straight loops. Only those whose draw falls
  // under the bound (a small minority: attendance is a few percent) need their faction and
  // utilities to settle whether they come.
  void invite_and_attend_block(std::uint32_t first, int n, int wave) {
    const MeetingRules& m = s.meetings;
    const bool gc = result.format == MeetingFormat::general_committee;
    const PersonDraws& draws = in.preferences.draws();
    const std::uint32_t* uid = pop.uid.data() + first;
    const std::uint8_t* traits = pop.traits.data() + first;
    const Day* joined = pop.joined.data() + first;
    const float* activism = pop.activism.data() + first;
    const std::uint8_t standing = in.electorate.requires_good_standing() ? kGoodStanding : 0;
    const std::uint8_t needed = std::uint8_t(standing | (gc ? kDelegate : 0));
    const Day freeze = in.electorate.meeting_freeze();
    const float lost = float(m.lost_invitation);

    alignas(32) std::uint32_t eligible[kBlock], invited[kBlock], maybe[kBlock];
    alignas(32) std::int32_t faction[kBlock];
    alignas(32) float draw[kBlock], bound[kBlock];
    for (int j = 0; j < n; ++j) {
      const std::uint32_t t = traits[j];
      eligible[j] = std::uint32_t(joined[j] <= freeze) & std::uint32_t((t & needed) == needed);
      invited[j] = eligible[j] & ((t & kContactable) ? 1u : 0u);
    }
    for (int j = 0; j < n; ++j) {
      invited[j] &= std::uint32_t(PersonDraws::draw(draws.invitation, uid[j]) >= lost);
      draw[j] = PersonDraws::draw(draws.attendance, uid[j]);
    }
    in.preferences.block_factions(pop, first, n, clp, wave, faction);
    if (gc) {
      for (int j = 0; j < n; ++j) bound[j] = float(m.gc_attendance);
    } else {
      for (int j = 0; j < n; ++j) bound[j] = float(s.factions[0].mobilisation);
      for (int f = 1; f < int(s.factions.size()); ++f)
        blend_where(bound, faction, f, float(s.factions[size_t(f)].mobilisation), n);
      const float extra = float(m.organised_turnout) - 1.0f;
      for (int j = 0; j < n; ++j)
        bound[j] *= max_base_ * activism[j] * (1.0f + extra * float((traits[j] & kOrganised) / kOrganised));
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
      sc.attendee.push_back(i);
      sc.faction.push_back(std::uint8_t(f));
      sc.utility.insert(sc.utility.end(), u, u + k);
    }
  }

  // The chance an invited person i of faction f with utilities u attends (see meeting.hpp).
  float attendance_probability(std::uint32_t i, int f, const float* u) const {
    const MeetingRules& m = s.meetings;
    if (result.format == MeetingFormat::general_committee) return float(m.gc_attendance);
    // Caring: a gap of one utility unit between the top two is typical (multiplier 1); with a
    // single candidate standing there is no gap to care about.
    const float gap = contested_ ? std::min(2.0f, preference_gap(u, in.standing)) : 0.0f;
    const float care = float(m.care);
    float p = float(m.attendance) / (1.0f + care) * pop.activism[i] *
              float(s.factions[size_t(f)].mobilisation) * (1.0f + care * gap);
    if (pop.traits[i] & kOrganised) p *= float(m.organised_turnout);
    return p;
  }

  // The story's bookkeeping for one person (only when a story is being told).
  void tell_lane(std::uint32_t i, std::uint32_t eligible, std::uint32_t invited, bool attends,
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

  void invite_and_attend() {
    sc.attendee.clear();
    sc.faction.clear();
    sc.utility.clear();
    const std::uint32_t end = pop.clp_begin[size_t(clp) + 1];
    for (std::uint32_t seg = pop.clp_begin[size_t(clp)]; seg < end;) {
      const int w = pop.wave[seg];
      std::uint32_t seg_end = seg;
      while (seg_end < end && pop.wave[seg_end] == w) ++seg_end;
      const Wave& wave = s.waves[size_t(w)];
      // A cohort that joined after the freeze cannot take part (the story still counts them).
      const bool late = wave.joined_from > in.electorate.meeting_freeze();
      if (wave.section == Section::member && (!late || story))
        for (std::uint32_t first = seg; first < seg_end; first += kBlock)
          invite_and_attend_block(first, int(std::min<std::uint32_t>(kBlock, seg_end - first)), w);
      seg = seg_end;
    }
    result.attended = int(sc.attendee.size());
  }

  // The chair: the most active delegate present, or the most active attendee.
  size_t choose_chair() const {
    size_t chair = 0;
    auto rank = [&](size_t a) {
      const std::uint32_t i = sc.attendee[a];
      return std::pair<bool, float>(pop.traits[i] & kDelegate, pop.activism[i]);
    };
    for (size_t a = 1; a < sc.attendee.size(); ++a)
      if (rank(a) > rank(chair)) chair = a;
    return chair;
  }

  // Speeches per candidate: equal when chair_bias = 0; the chair's side gets more as it grows.
  std::array<int, kMaxCandidates> allot_speeches(int chair_candidate,
                                                 const std::array<int, kMaxCandidates>& supporters) {
    std::array<int, kMaxCandidates> slots{};
    int m = 0;
    for (int c = 0; c < k; ++c) m += supporters[size_t(c)] > 0;
    if (m == 0) return slots;
    const int total = s.meetings.speakers;
    const bool chair_side = chair_candidate >= 0 && supporters[size_t(chair_candidate)] > 0;
    if (!chair_side || m == 1) {
      for (int c = 0; c < k; ++c)
        if (supporters[size_t(c)] > 0) slots[size_t(c)] = total / m;
      return slots;
    }
    const double share = (1.0 + s.meetings.chair_bias * (m - 1)) / m;
    const int chair_slots = int(std::lround(total * share));
    const int others = (total - chair_slots) / (m - 1);
    for (int c = 0; c < k; ++c)
      if (supporters[size_t(c)] > 0) slots[size_t(c)] = c == chair_candidate ? chair_slots : others;
    // Balanced chairs give exactly equal numbers: the chair's side never gets the odd speech.
    if (s.meetings.chair_bias == 0) slots[size_t(chair_candidate)] = others;
    return slots;
  }

  // Stage 4.
  void debate() {
    const size_t n = sc.attendee.size();
    const int dims = in.preferences.dims();
    const MeetingRules& m = s.meetings;
    sc.entry_utility.assign(sc.utility.begin(), sc.utility.end());
    std::array<int, kMaxCandidates> supporters{};
    if (story) story->preferred_before.assign(size_t(k), 0);
    // Each attendee's current first choice, kept up to date as speeches move them.
    sc.choice.resize(n);
    for (size_t a = 0; a < n; ++a) sc.choice[a] = std::int8_t(choice(a));
    for (size_t a = 0; a < n; ++a) {
      const int c = sc.choice[a];
      if (c >= 0) ++supporters[size_t(c)];
      if (story && c >= 0) ++story->preferred_before[size_t(c)];
    }
    const size_t chair = choose_chair();
    const int chair_candidate = choice(chair);
    if (story) {
      story->chair_candidate = chair_candidate;
      story->chair_wave = pop.wave[sc.attendee[chair]];
      story->chair_faction = sc.faction[chair];
    }
    std::array<int, kMaxCandidates> slots = allot_speeches(chair_candidate, supporters);

    // Speaking order: round robin, the chair's side speaking last in each round.
    std::vector<int> order;
    for (bool more = true; more;) {
      more = false;
      for (int pass = 0; pass < 2; ++pass)
        for (int c = 0; c < k; ++c) {
          if ((c == chair_candidate) != (pass == 1) || slots[size_t(c)] == 0) continue;
          order.push_back(c);
          --slots[size_t(c)];
          more = true;
        }
    }

    // Speakers are drawn in proportion to activism (keys log(u)/activism, largest first).
    const CounterDraw speaker_draw(derive_key(key, name_hash("speaker")));
    sc.speaker_key.resize(n);
    sc.spoke.assign(n, 0);
    for (size_t a = 0; a < n; ++a)
      sc.speaker_key[a] = std::log(std::max(1e-300, to_unit(speaker_draw(pop.uid[sc.attendee[a]])))) /
                          std::max(1e-3, double(pop.activism[sc.attendee[a]]));
    if (m.persuasion == PersuasionModel::bounded_confidence) {
      sc.position.resize(n * size_t(dims));
      for (size_t a = 0; a < n; ++a)
        in.preferences.position(pop, sc.attendee[a], sc.faction[a],
                                &sc.position[a * size_t(dims)]);
    }
    const int endorsed = in.mp_endorsement[size_t(clp)];
    for (size_t t = 0; t < order.size(); ++t) {
      const int c = order[t];
      // The speaker: the highest-key attendee who backs c and has not spoken.
      size_t speaker = n;
      for (size_t a = 0; a < n; ++a)
        if (sc.choice[a] == c && !sc.spoke[a] && !hostile(a) &&
            (speaker == n || sc.speaker_key[a] > sc.speaker_key[speaker]))
          speaker = a;
      if (speaker == n) continue;  // everyone on that side has spoken
      sc.spoke[speaker] = 1;
      MeetingStory::Speech speech;
      speech.candidate = c;
      speech.speaker_wave = pop.wave[sc.attendee[speaker]];
      speech.speaker_faction = sc.faction[speaker];
      const CounterDraw moved(derive_key(key, name_hash("speech") + t));
      const float susceptibility = float(m.susceptibility), strength = float(m.speech_strength);
      const float per_gap = -1.0f / float(m.undecided_scale);
      for (size_t a = 0; a < n; ++a) {
        if (a == speaker) continue;
        float* u = utility(a);
        if (m.persuasion == PersuasionModel::utility_shift) {
          const float gap = preference_gap(u, in.standing);
          const float p = susceptibility * std::exp(gap * per_gap);
          if (float(to_unit(moved(pop.uid[sc.attendee[a]]))) < p) {
            u[c] += strength;
            sc.choice[a] = std::int8_t(choice(a));
            ++speech.persuaded;
          }
        } else {
          float* x = &sc.position[a * size_t(dims)];
          const float* y = &sc.position[speaker * size_t(dims)];
          float d2 = 0;
          for (int d = 0; d < dims; ++d) d2 += (x[d] - y[d]) * (x[d] - y[d]);
          if (d2 < float(m.confidence_bound * m.confidence_bound)) {
            for (int d = 0; d < dims; ++d) x[d] += float(m.convergence) * (y[d] - x[d]);
            in.preferences.utilities_at(pop, sc.attendee[a], x, u);
            if (endorsed >= 0) u[endorsed] += float(s.campaign.mp_endorsement);
            sc.choice[a] = std::int8_t(choice(a));
            ++speech.persuaded;
          }
        }
      }
      if (story) story->speeches.push_back(speech);
    }
    if (story) {
      story->preferred_after.assign(size_t(k), 0);
      for (size_t a = 0; a < n; ++a) {
        const int after = choice(a);
        if (after >= 0) ++story->preferred_after[size_t(after)];
        const int before = first_choice(s, {&sc.entry_utility[a * size_t(k)], size_t(k)},
                                         in.standing, hostile(a));
        story->changed_mind += before != after;
      }
    }
    chair_choice = chair_candidate;
  }

  // Stage 5.
  void vote() {
    const size_t n = sc.attendee.size();
    if (result.attended < s.meetings.quorum || n == 0) return;
    result.quorate = true;
    int remaining = standing_count();
    Stream lots(derive_key(key, name_hash("lots")));
    std::vector<bool> race(in.standing);
    for (int round = 0;; ++round) {
      std::array<int, kMaxCandidates> tally{};
      int cast = 0;
      for (size_t a = 0; a < n; ++a) {
        const int c = first_choice(s, {utility(a), size_t(k)}, race, hostile(a));
        if (c >= 0) {
          ++tally[size_t(c)];
          ++cast;
        }
      }
      if (round == 0) result.votes = tally;
      if (story) story->rounds.push_back(tally);
      int top = -1, bottom = -1;
      for (int c = 0; c < k; ++c) {
        if (!race[size_t(c)]) continue;
        if (top < 0 || tally[size_t(c)] > tally[size_t(top)]) top = c;
        if (bottom < 0 || tally[size_t(c)] < tally[size_t(bottom)]) bottom = c;
      }
      if (cast == 0) return;
      if (remaining <= 2 || 2 * tally[size_t(top)] > cast) {
        // Plurality between the last two (or an outright majority).
        std::vector<int> tied;
        for (int c = 0; c < k; ++c)
          if (race[size_t(c)] && tally[size_t(c)] == tally[size_t(top)]) tied.push_back(c);
        int winner = top;
        if (tied.size() > 1) {
          if (story) story->decided_by_tie_break = true;
          const bool chair_tied =
              std::find(tied.begin(), tied.end(), chair_choice) != tied.end();
          winner = s.meetings.tie_break == TieBreak::chair && chair_tied
                       ? chair_choice
                       : tied[lots() % tied.size()];
        }
        result.nominee = winner;
        if (story) story->eliminated.push_back(-1);
        return;
      }
      // The lowest goes out; a tie for last goes to lots.
      std::vector<int> last;
      for (int c = 0; c < k; ++c)
        if (race[size_t(c)] && tally[size_t(c)] == tally[size_t(bottom)]) last.push_back(c);
      const int out = last[lots() % last.size()];
      race[size_t(out)] = false;
      --remaining;
      if (story) story->eliminated.push_back(out);
    }
  }

  // Attendees carry the debate's effect on their utilities into the final ballot.
  void record_persuasion(Persuasion& persuasion) const {
    for (size_t a = 0; a < sc.attendee.size(); ++a) {
      bool any = false;
      for (int c = 0; c < k; ++c)
        any |= sc.utility[a * size_t(k) + size_t(c)] != sc.entry_utility[a * size_t(k) + size_t(c)];
      if (!any) continue;
      persuasion.person.push_back(sc.attendee[a]);
      for (int c = 0; c < k; ++c)
        persuasion.delta.push_back(sc.utility[a * size_t(k) + size_t(c)] -
                                   sc.entry_utility[a * size_t(k) + size_t(c)]);
    }
  }

  int chair_choice = -1;
  bool contested_ = false;
  float max_base_ = 0;
};

}  // namespace

MeetingResult hold_meeting(const MeetingInputs& in, int clp, MeetingScratch& scratch,
                           Persuasion& persuasion, MeetingStory* story) {
  Meeting m(in, clp, scratch, story);
  if (story) {
    const size_t waves = in.scenario.waves.size(), factions = in.scenario.factions.size();
    story->invited_by.assign(waves, std::vector<int>(factions, 0));
    story->attended_by.assign(waves, std::vector<int>(factions, 0));
    story->mp_endorsement = in.mp_endorsement[size_t(clp)];
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

}  // namespace leadsim
