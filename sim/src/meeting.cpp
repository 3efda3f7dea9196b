#include "leadsim/meeting.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "block.hpp"
#include "leadsim/random.hpp"
#include "person_formulas.hpp"

namespace leadsim {

namespace {

// float(to_unit(bits)), bit for bit, in arithmetic that vectorises (AVX2 has no conversion from
// 64-bit integers): the 53 bits taken as two exact doubles, their high 21 and low 32 bits each
// placed in the mantissa of a power of two that is then subtracted. Their sum is exact too.
inline float unit_float(std::uint64_t bits) {
  bits >>= 11;
  const double lo = std::bit_cast<double>(0x4330000000000000ULL | (bits & 0xffffffffULL)) - 0x1p52;
  const double hi = std::bit_cast<double>(0x4530000000000000ULL | (bits >> 32)) - 0x1p84;
  return float((hi + lo) * 0x1p-53);
}

// An integer that orders as x does (x not NaN; -0 ranks below +0): a negative double's bits
// order backwards, so all but their sign bit are flipped.
inline std::int64_t key_rank(double x) {
  const std::int64_t b = std::bit_cast<std::int64_t>(x);
  return b < 0 ? b ^ std::numeric_limits<std::int64_t>::max() : b;
}

// Join dates for a block of people who all joined by the freeze: none is later than any date.
alignas(32) constexpr std::array<Day, kBlock> kEarliest = [] {
  std::array<Day, kBlock> days{};
  days.fill(std::numeric_limits<Day>::min());
  return days;
}();

// One CLP-wave segment of an all-member meeting: everything the fused attendance loop needs.
struct AttendSegment {
  const std::uint32_t* uid;
  const Day* joined;  // null when the whole wave joined by the freeze
  const std::uint8_t* traits;
  const float* activism;
  const std::int16_t* pull[kMaxCandidates];
  const std::int16_t* taste[kMaxCandidates];
  const float* row;  // cumulative faction probabilities
  float a[kMaxCandidates][kMaxFactions], spread[kMaxFactions], mob[kMaxFactions];
  float step[kMaxCandidates], endorse[kMaxCandidates];
  bool standing[kMaxCandidates];
  float taste_coef, lost, max_base, extra, base, care, organised_turnout;
  Day freeze;
  std::uint8_t needed;  // trait bits eligibility needs
  std::uint32_t key_invitation, key_attendance, key_faction;
};

// Stages 2 and 3 for people [first, first+n) of a segment of an all-member meeting in one fused,
// branch-free loop: eligibility, invitation, the attendance draw, faction, utilities, the
// preference gap, the attendance probability. F (factions) and K (candidates) are compile-time
// so that the loop has no inner loops and vectorises whole; everything stays in registers and
// each person is read once. Lanes at or past n_people count as not eligible. The arithmetic is
// term for term that of Meeting::attend_block() and attendance_probability(), so both give the
// same bits. Writes attends[j] (0 or 1), faction[j] and util[c][j]; adds to the counts.
template <int F, int K>
void attend_kernel(const AttendSegment& g, int first, int n, int n_people,
                   std::uint32_t* __restrict attends, std::int32_t* __restrict faction,
                   float (*__restrict util)[kBlock], std::uint32_t& n_eligible,
                   std::uint32_t& n_invited) {
  float a[K][F], spread[F], mob[F], row[F], step[K], endorse[K];
  // Loop-invariant choices as bit masks (all ones or zero), so the loop body has no branches.
  std::uint32_t standing[K];
  for (int q = 0; q < F; ++q) {
    for (int c = 0; c < K; ++c) a[c][q] = g.a[c][q];
    spread[q] = g.spread[q];
    mob[q] = g.mob[q];
    row[q] = g.row[q];
  }
  for (int c = 0; c < K; ++c) {
    step[c] = g.step[c];
    endorse[c] = g.endorse[c];
    standing[c] = g.standing[c] ? ~0u : 0u;
  }
  const float tc = g.taste_coef, lost = g.lost, max_base = g.max_base, extra = g.extra;
  const float base = g.base, care = g.care, ot = g.organised_turnout;
  const std::uint32_t minus_inf = std::bit_cast<std::uint32_t>(-INFINITY);
  const Day freeze = g.freeze;
  const std::uint32_t needed = g.needed;
  const std::uint32_t ki = g.key_invitation, ka = g.key_attendance, kf = g.key_faction;
  const std::uint32_t* __restrict uid = g.uid + first;
  // A wave that joined wholly by the freeze reads kEarliest (in cache) rather than its own
  // dates: one stream fewer from memory, which this loop waits on.
  const Day* __restrict joined = g.joined ? g.joined + first : kEarliest.data();
  const std::uint8_t* __restrict traits = g.traits + first;
  const float* __restrict activism = g.activism + first;
  const std::int16_t* __restrict pull[K];
  const std::int16_t* __restrict taste[K];
  for (int c = 0; c < K; ++c) {
    pull[c] = g.pull[c] + first;
    taste[c] = g.taste[c] + first;
  }
  // The trait bytes widened first, so that the main loop works on 32-bit lanes only. (The
  // contact bit apart: tested in the main loop, it becomes a 1-bit type GCC cannot vectorise.)
  alignas(32) std::uint32_t wide[kBlock], contact[kBlock];
  for (int j = 0; j < n; ++j) {
    wide[j] = traits[j];
    contact[j] = (traits[j] & kContactable) ? 1u : 0u;
  }
  std::uint32_t ne = 0, ni = 0;
  for (int j = 0; j < n; ++j) {
    const std::uint32_t t = wide[j];
    const std::uint32_t el = std::uint32_t(j < n_people) & std::uint32_t(joined[j] <= freeze) &
                             std::uint32_t((t & needed) == needed);
    const std::uint32_t inv = el & contact[j] & std::uint32_t(PersonDraws::draw(ki, uid[j]) >= lost);
    const float draw = PersonDraws::draw(ka, uid[j]);
    const float uf = PersonDraws::draw(kf, uid[j]);
    std::int32_t f = 0;
    float c_a[K], sp = spread[0], mb = mob[0];
    for (int c = 0; c < K; ++c) c_a[c] = a[c][0];
    for (int q = 1; q < F; ++q) {  // f >= q exactly when uf passes the q-th threshold
      const bool up = uf >= row[q - 1];
      f += up ? 1 : 0;
      for (int c = 0; c < K; ++c) c_a[c] = up ? a[c][q] : c_a[c];
      sp = up ? spread[q] : sp;
      mb = up ? mob[q] : mb;
    }
    const float bound = person::attendance_bound(mb, max_base, activism[j], extra, t);
    const std::uint32_t maybe = inv & std::uint32_t(draw < bound);
    // Utilities, then the MP's endorsement, and the top two over the standing candidates in
    // candidate order.
    float best = person::kNoUtility, second = person::kNoUtility;
    for (int c = 0; c < K; ++c) {
      const float u =
          person::utility(c_a[c], sp * step[c], pull[c][j], tc, taste[c][j]) + endorse[c];
      util[c][j] = u;
      // A candidate not standing counts as -infinity: never above best or second.
      const float x = std::bit_cast<float>((std::bit_cast<std::uint32_t>(u) & standing[c]) |
                                           (minus_inf & ~standing[c]));
      person::rank_top_two(x, best, second);
    }
    const float gap = person::attendance_gap(best, second);
    const float p = person::attendance_probability(base, activism[j], mb, care, gap, t, ot);
    attends[j] = maybe & std::uint32_t(draw < p);
    faction[j] = f;
    ne += el;
    ni += inv;
  }
  n_eligible += ne;
  n_invited += ni;
}

using AttendKernel = void (*)(const AttendSegment&, int, int, int, std::uint32_t*, std::int32_t*,
                              float (*)[kBlock], std::uint32_t&, std::uint32_t&);

template <int K>
AttendKernel attend_kernel_k(int factions) {
  switch (factions) {
    case 1: return &attend_kernel<1, K>;
    case 2: return &attend_kernel<2, K>;
    case 3: return &attend_kernel<3, K>;
    case 4: return &attend_kernel<4, K>;
    case 5: return &attend_kernel<5, K>;
    case 6: return &attend_kernel<6, K>;
  }
  return nullptr;
}

// The fused kernel for this many factions and candidates, or null (the general block loops).
AttendKernel choose_attend_kernel(int factions, int candidates) {
  switch (candidates) {
    case 2: return attend_kernel_k<2>(factions);
    case 3: return attend_kernel_k<3>(factions);
    case 4: return attend_kernel_k<4>(factions);
  }
  return nullptr;
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

  float* utility(size_t a) { return &sc.utility[a * size_t(k)]; }
  // The best and second-best standing candidates' utilities u, in candidate order.
  void top_two(const float* u, float& best, float& second) const {
    best = second = person::kNoUtility;
    for (int l = 0; l < n_standing_; ++l) person::rank_top_two(u[standing_[size_t(l)]], best, second);
  }
  // Gap between the best and second-best standing candidates' utilities (0 when only one stands).
  float gap_of(const float* u) const {
    float best, second;
    top_two(u, best, second);
    return person::preference_gap(best, second);
  }
  int standing_count() const {
    int c = 0;
    for (bool b : in.standing) c += b;
    return c;
  }
  bool hostile(size_t a) const { return pop.traits[sc.attendee[a]] & kHostile; }
  // first_choice(s, utility(a), in.standing, hostile(a)), over the standing list.
  int choice(size_t a) {
    if (n_standing_ == 0) return -1;
    if (pop.traits[sc.attendee[a]] & kHostile) return hostile_choice_;
    const float* u = utility(a);
    int best = standing_[0];
    for (int l = 1; l < n_standing_; ++l) {
      const int c = standing_[size_t(l)];
      if (u[c] > u[best]) best = c;
    }
    return best;
  }

  // Stage 1.
  bool convene() {
    Stream g(key);
    result.met = g.uniform() < person::meet_probability(s.meetings.meet, in.preferences.activity(clp));
    result.format = g.uniform() < s.meetings.general_committee ? MeetingFormat::general_committee
                                                               : MeetingFormat::all_member;
    return result.met;
  }

  // The trait bits eligibility to attend needs: good standing if the rules ask for it, and a
  // delegate's seat at a General Committee.
  std::uint8_t needed_traits() const {
    const std::uint8_t standing = in.electorate.requires_good_standing() ? kGoodStanding : 0;
    return std::uint8_t(standing | (result.format == MeetingFormat::general_committee ? kDelegate : 0));
  }

  // Eligibility (joined by the meeting freeze, with the traits needed) and invitation (eligible
  // and contactable: whether the invitation arrives is drawn later) for people [first, first+n).
  void eligible_and_contactable(std::uint32_t first, int n, std::uint32_t* eligible,
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

  // Takes the attendees among people [first, first+n) (attends[j] set) into the scratch, with
  // their factions and utilities (util[c][j]). The scratch grows once per block.
  void admit(std::uint32_t first, int n, const std::uint32_t* attends, const std::int32_t* faction,
             const float (*util)[kBlock]) {
    const SetFlags set(attends, n);
    if (set.count() == 0) return;
    size_t a = sc.attendee.size();
    sc.attendee.resize(a + size_t(set.count()));
    sc.faction.resize(a + size_t(set.count()));
    sc.utility.resize((a + size_t(set.count())) * size_t(k));
    set.for_each([&](int j) {
      sc.attendee[a] = first + std::uint32_t(j);
      sc.faction[a] = std::uint8_t(faction[j]);
      for (int c = 0; c < k; ++c) sc.utility[a * size_t(k) + size_t(c)] = util[c][j];
      ++a;
    });
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
      for (int j = 0; j < n; ++j) bound[j] = float(s.factions[0].mobilisation);
      for (int f = 1; f < int(s.factions.size()); ++f)
        blend_where(bound, faction, f, float(s.factions[size_t(f)].mobilisation), n);
      const float extra = float(m.organised_turnout) - 1.0f;
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
      sc.attendee.push_back(i);
      sc.faction.push_back(std::uint8_t(f));
      sc.utility.insert(sc.utility.end(), u, u + k);
    }
  }

  // Stages 2 and 3 without a story: the same decisions, bit for bit, as
  // invite_and_attend_block(), with the utilities and the attendance decision of the whole block
  // made in straight loops (reading the utility rows in order rather than at random), and the
  // few attendees then picked out by a bit scan. A block with few people eligible (a General
  // Committee's delegates) is handled person by person instead.
  void attend_block(std::uint32_t first, int n_people, int wave) {
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
    const float extra = float(m.organised_turnout) - 1.0f;
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
        const int f = RunPreferences::faction_in_row(prefs.faction_row(clp, wave), factions,
                                                     PersonDraws::draw(draws.faction, uid[j]));
        float bound;
        if (gc) {
          bound = float(m.gc_attendance);
        } else {
          bound = person::attendance_bound(float(s.factions[size_t(f)].mobilisation), max_base_,
                                           activism[j], extra, traits[j]);
        }
        if (!(draw < bound)) return;
        prefs.utilities(pop, i, f, u);
        if (endorsed >= 0) u[endorsed] += endorsement;
        if (!(draw < attendance_probability(i, f, u))) return;
        sc.attendee.push_back(i);
        sc.faction.push_back(std::uint8_t(f));
        sc.utility.insert(sc.utility.end(), u, u + k);
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
      for (int j = 0; j < n; ++j) mob[j] = float(s.factions[0].mobilisation);
      for (int f = 1; f < factions; ++f)
        blend_where(mob, faction, f, float(s.factions[size_t(f)].mobilisation), n);
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
      const float ot = float(m.organised_turnout);
      for (int j = 0; j < n; ++j)
        p[j] = person::attendance_probability(base, activism[j], mob[j], care,
                                              person::attendance_gap(best[j], second[j]),
                                              traits[j], ot);
    }
    for (int j = 0; j < n; ++j) attends[j] = maybe[j] & std::uint32_t(draw[j] < p[j]);
    admit(first, n, attends, faction, util);
  }

  // What attend_kernel() needs for wave w of this meeting's CLP (an all-member meeting).
  void prepare_segment(AttendSegment& g, int w) const {
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
      g.mob[f] = float(s.factions[size_t(f)].mobilisation);
    }
    g.taste_coef = prefs.taste_coef();
    g.lost = float(m.lost_invitation);
    g.max_base = max_base_;
    g.extra = float(m.organised_turnout) - 1.0f;
    g.care = float(m.care);
    g.base = person::attendance_base(float(m.attendance), g.care);
    g.organised_turnout = float(m.organised_turnout);
    g.freeze = in.electorate.meeting_freeze();
    g.needed = needed_traits();
    g.key_invitation = draws.invitation;
    g.key_attendance = draws.attendance;
    g.key_faction = draws.faction;
  }

  // Stages 2 and 3 for people [first, first+n_people) of an all-member meeting, through the fused
  // kernel (the same decisions, bit for bit, as attend_block()).
  void attend_fused(AttendKernel kernel, const AttendSegment& g, std::uint32_t first, int n_people) {
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
  float attendance_probability(std::uint32_t i, int f, const float* u) const {
    const MeetingRules& m = s.meetings;
    if (result.format == MeetingFormat::general_committee) return float(m.gc_attendance);
    float best, second;
    top_two(u, best, second);
    const float care = float(m.care);
    return person::attendance_probability(
        person::attendance_base(float(m.attendance), care), pop.activism[i],
        float(s.factions[size_t(f)].mobilisation), care, person::attendance_gap(best, second),
        pop.traits[i], float(m.organised_turnout));
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

  // The chair: the most active delegate present, or the most active attendee.
  size_t choose_chair() const {
    size_t chair = 0;
    auto rank = [&](size_t a) {
      const std::uint32_t i = sc.attendee[a];
      return std::pair<bool, float>(pop.traits[i] & kDelegate, pop.activism[i]);
    };
    auto best = rank(chair);  // kept, rather than looked up again for every attendee
    for (size_t a = 1; a < sc.attendee.size(); ++a) {
      const auto r = rank(a);
      if (r > best) {
        chair = a;
        best = r;
      }
    }
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
    // Attendees' ids and hostility, gathered once.
    sc.uid.resize(n);
    sc.hostile.resize(n);
    for (size_t a = 0; a < n; ++a) {
      sc.uid[a] = pop.uid[sc.attendee[a]];
      sc.hostile[a] = std::uint8_t((pop.traits[sc.attendee[a]] & kHostile) ? 1 : 0);
    }
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
    std::vector<int>& order = sc.order;
    order.clear();
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
    sc.speaker_rank.resize(n);
    sc.draw.resize(n);
    sc.listener.resize(n);
    // Every key is finite; an attendee who may not speak (hostile, or has spoken) holds
    // -infinity instead, so that choosing a speaker is one comparison per attendee. Keys are
    // kept as their ranks (key_rank()), which vectorise where doubles' comparisons do not.
    const std::int64_t silent = key_rank(-INFINITY);
    for (size_t a = 0; a < n; ++a)
      sc.speaker_rank[a] =
          sc.hostile[a] ? silent
                        : key_rank(std::log(std::max(1e-300, to_unit(speaker_draw(sc.uid[a])))) /
                                   std::max(1e-3, double(pop.activism[sc.attendee[a]])));
    if (m.persuasion == PersuasionModel::bounded_confidence) {
      sc.position.resize(n * size_t(dims));
      for (size_t a = 0; a < n; ++a)
        in.preferences.position(pop, sc.attendee[a], sc.faction[a],
                                &sc.position[a * size_t(dims)]);
    }
    // utility_shift: the chance a speech moves an attendee changes only when a speech does, so
    // it is kept per attendee rather than worked out by every speech for every listener.
    const float susceptibility = float(m.susceptibility), strength = float(m.speech_strength);
    const float per_gap = -1.0f / float(m.undecided_scale);
    auto chance_moved = [&](size_t a) {
      return susceptibility * std::exp(gap_of(utility(a)) * per_gap);
    };
    if (m.persuasion == PersuasionModel::utility_shift) {
      sc.chance.resize(n);
      for (size_t a = 0; a < n; ++a) sc.chance[a] = chance_moved(a);
    }
    const int endorsed = in.mp_endorsement[size_t(clp)];
    for (size_t t = 0; t < order.size(); ++t) {
      const int c = order[t];
      // The speaker: the highest-key attendee who backs c and may speak (the first on a tie).
      // The highest key is found without branches (who backs c is as unpredictable as the
      // room) in a loop that vectorises (written as a mask: a select here loads conditionally,
      // which stops the vectoriser), then the first attendee holding it.
      std::int64_t best = silent;
      for (size_t a = 0; a < n; ++a) {
        const std::int64_t backs = -std::int64_t(sc.choice[a] == c);
        const std::int64_t r = (sc.speaker_rank[a] & backs) | (silent & ~backs);
        best = r > best ? r : best;
      }
      if (best == silent) continue;  // everyone on that side has spoken
      size_t speaker = 0;
      while (sc.speaker_rank[speaker] != best || sc.choice[speaker] != c) ++speaker;
      sc.speaker_rank[speaker] = silent;  // has spoken
      MeetingStory::Speech speech;
      speech.candidate = c;
      if (story) {  // only the story reads them (and the wave row is likely out of cache)
        speech.speaker_wave = pop.wave[sc.attendee[speaker]];
        speech.speaker_faction = sc.faction[speaker];
      }
      const CounterDraw moved(derive_key(key, name_hash("speech") + t));
      if (m.persuasion == PersuasionModel::utility_shift) {
        // Every listener's draw in one straight pass (which vectorises), then those it moves are
        // kept (without branches), and only they are looked at. Listeners are independent of
        // one another, so the order of the passes does not matter.
        for (size_t a = 0; a < n; ++a) sc.draw[a] = unit_float(moved(sc.uid[a]));
        std::size_t moving = 0;
        for (size_t a = 0; a < n; ++a) {
          sc.listener[moving] = std::uint32_t(a);
          moving += (a != speaker) & (sc.draw[a] < sc.chance[a]);
        }
        for (size_t l = 0; l < moving; ++l) {
          const size_t a = sc.listener[l];
          utility(a)[c] += strength;
          sc.choice[a] = std::int8_t(choice(a));
          sc.chance[a] = chance_moved(a);
        }
        speech.persuaded = int(moving);
        if (story) story->speeches.push_back(speech);
        continue;
      }
      for (size_t a = 0; a < n; ++a) {
        if (a == speaker) continue;
        float* u = utility(a);
        {
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
    std::vector<bool>& race = sc.race;
    race.assign(in.standing.begin(), in.standing.end());
    for (int round = 0;; ++round) {
      std::array<int, kMaxCandidates> tally{};
      int cast = 0;
      for (size_t a = 0; a < n; ++a) {
        // In the first round everyone is in the race: the debate kept each first choice.
        const int c = round == 0 ? sc.choice[a]
                                 : first_choice(s, {utility(a), size_t(k)}, race, hostile(a));
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
  std::array<int, kMaxCandidates> standing_{};  // the standing candidates, in order
  int n_standing_ = 0;
  int hostile_choice_ = -1;  // a hostile attendee's first choice: the least electable standing
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
