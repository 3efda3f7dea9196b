// meeting_debate.cpp: stages 4 and 5 of a meeting (meeting.hpp): the chair, the speeches and
// their persuasion, the vote with its eliminations and tie-breaks.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "leadsim/random.hpp"
#include "meeting_detail.hpp"

namespace leadsim::detail {

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

// One speech heard under bounded confidence: every attendee within the bound of the speaker
// (squared distance below bound2) other than the speaker moves `convergence` of the way towards
// the speaker's position y; their utilities follow (RunPreferences::utilities_from_base(), the MP's
// endorsement added) and so does their first choice (Meeting::choice()). The speaker does not
// move, so listeners are independent of one another: who is within the bound is found in one
// branch-free pass over the room (who is near is as unpredictable as the room), then only they
// are moved. D and K are the dimensions and candidates where known at compile time (0: read at
// run time). Bit for bit the same as moving each listener in turn.
struct Hearing {
  std::size_t n, speaker;
  int dims, k;
  float* position;           // dims per attendee
  const float* base;         // k per attendee: the utility's fixed part
  float* utility;            // k per attendee
  std::int8_t* choice;       // per attendee
  const std::uint8_t* traits;
  std::uint32_t* listener;   // n: scratch for those the speech reaches
  float y[kMaxDims];
  float bound2, convergence, weight;        // weight: RunPreferences::position_weight()
  float cand[kMaxCandidates * kMaxDims];    // RunPreferences::candidate_positions()
  float endorse[kMaxCandidates];            // the MP's endorsement (0 for other candidates)
  bool stands[kMaxCandidates];              // in.standing
  std::int32_t first_standing, hostile_choice;

  struct Effect {
    int persuaded = 0, converted = 0;
  };

  template <int D, int K>
  [[gnu::noinline]] Effect hear() const {  // its own symbol: the profile shows it apart
    constexpr std::size_t MD = D > 0 ? std::size_t(D) : std::size_t(kMaxDims);
    constexpr std::size_t MK = K > 0 ? std::size_t(K) : std::size_t(kMaxCandidates);
    const std::size_t nd = D > 0 ? std::size_t(D) : std::size_t(dims);
    const std::size_t nk = K > 0 ? std::size_t(K) : std::size_t(k);
    // Everything the loops read, in locals: stores through the room's arrays could otherwise
    // alias this struct, and the compiler would reload it for every listener.
    float yl[MD], cl[MK * MD], el[MK];
    bool sl[MK];
    for (std::size_t d = 0; d < nd; ++d) yl[d] = y[d];
    for (std::size_t c = 0; c < nk; ++c) {
      el[c] = endorse[c];
      sl[c] = stands[c];
      for (std::size_t d = 0; d < nd; ++d) cl[c * nd + d] = cand[c * nd + d];
    }
    const float b2 = bound2, mu = convergence, w = weight;
    float* __restrict pos = position;
    std::uint32_t* __restrict near = listener;
    std::size_t moving = 0;
    for (std::size_t a = 0; a < n; ++a) {
      float d2 = 0;
      for (std::size_t d = 0; d < nd; ++d)
        d2 += (pos[a * nd + d] - yl[d]) * (pos[a * nd + d] - yl[d]);
      near[moving] = std::uint32_t(a);
      moving += std::size_t(d2 < b2) & std::size_t(a != speaker);
    }
    int converted = 0;
    for (std::size_t l = 0; l < moving; ++l) {
      const std::size_t a = near[l];
      float* x = pos + a * nd;
      for (std::size_t d = 0; d < nd; ++d) x[d] += mu * (yl[d] - x[d]);
      float nu[MK];
      for (std::size_t c = 0; c < nk; ++c) {
        float u = base[a * nk + c];
        for (std::size_t d = 0; d < nd; ++d) u += w * x[d] * cl[c * nd + d];
        nu[c] = u + el[c];
        utility[a * nk + c] = nu[c];
      }
      // The first standing candidate with the highest utility (as Meeting::choice(); utilities
      // are finite, so the first standing one beats -infinity).
      std::int32_t best = first_standing;
      float top = -INFINITY;
      for (std::size_t c = 0; c < nk; ++c) {
        const bool better = sl[c] & (nu[c] > top);
        best = better ? std::int32_t(c) : best;
        top = better ? nu[c] : top;
      }
      if (traits[a] & kHostile) best = hostile_choice;
      converted += best != choice[a];
      choice[a] = std::int8_t(best);
    }
    return {int(moving), converted};
  }

  Effect operator()() const {
    if (dims == 2 && k == 2) return hear<2, 2>();
    if (dims == 2 && k == 3) return hear<2, 3>();
    if (dims == 1 && k == 2) return hear<1, 2>();
    return hear<0, 0>();
  }
};

}  // namespace

// The chair: the most active delegate present, or the most active attendee.
size_t Meeting::choose_chair() const {
  size_t chair = 0;
  auto rank = [&](size_t a) {
    return std::pair<bool, float>(sc.traits[a] & kDelegate, sc.activism[a]);
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
std::array<int, kMaxCandidates> Meeting::allot_speeches(int chair_candidate,
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
void Meeting::debate() {
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
        hostile(a) ? silent
                   : key_rank(std::log(std::max(1e-300, to_unit(speaker_draw(sc.uid[a])))) /
                              std::max(1e-3, double(sc.activism[a])));
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
  const float endorsement = float(s.campaign.mp_endorsement);
  Hearing hearing{};  // bounded confidence: what every speech's pass over the room reads
  if (m.persuasion == PersuasionModel::bounded_confidence) {
    hearing.n = n;
    hearing.dims = dims;
    hearing.k = k;
    hearing.position = sc.position.data();
    hearing.base = sc.utility_base.data();
    hearing.utility = sc.utility.data();
    hearing.choice = sc.choice.data();
    hearing.traits = sc.traits.data();
    hearing.listener = sc.listener.data();
    hearing.bound2 = float(m.confidence_bound * m.confidence_bound);
    hearing.convergence = float(m.convergence);
    hearing.weight = in.preferences.position_weight();
    std::copy_n(in.preferences.candidate_positions(), k * dims, hearing.cand);
    for (int c = 0; c < k; ++c) hearing.endorse[c] = c == endorsed ? endorsement : 0.0f;
    for (int c = 0; c < k; ++c) hearing.stands[c] = in.standing[size_t(c)];
    hearing.first_standing = standing_[0];
    hearing.hostile_choice = hostile_choice_;
  }
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
        const int before = sc.choice[a];
        utility(a)[c] += strength;
        sc.choice[a] = std::int8_t(choice(a));
        speech.converted += sc.choice[a] != before;
        sc.chance[a] = chance_moved(a);
      }
      speech.persuaded = int(moving);
      if (story) story->speeches.push_back(speech);
      continue;
    }
    std::copy_n(&sc.position[speaker * size_t(dims)], dims, hearing.y);
    hearing.speaker = speaker;
    const Hearing::Effect effect = hearing();
    speech.persuaded = effect.persuaded;
    speech.converted = effect.converted;
    if (story) story->speeches.push_back(speech);
  }
  if (m.persuasion == PersuasionModel::bounded_confidence && m.discussion > 0 && n > 1) discuss();
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

// After the speeches, the room talks in pairs: Deffuant-Weisbuch's model as they define it. In
// each of round(discussion * n / 2) encounters two attendees are drawn at random (without
// replacement within the encounter); if their positions are closer than confidence_bound, each
// moves `convergence` of the way towards where the other was. Utilities follow the positions.
void Meeting::discuss() {
  const MeetingRules& m = s.meetings;
  const size_t n = sc.attendee.size();
  const int dims = s.dims;
  const int endorsed = in.mp_endorsement[size_t(clp)];
  const float bound2 = float(m.confidence_bound * m.confidence_bound), mu = float(m.convergence);
  const auto encounters = std::uint64_t(std::llround(m.discussion * double(n) / 2.0));
  Stream g(derive_key(key, name_hash("discussion")));
  int moved = 0, converted = 0;
  for (std::uint64_t e = 0; e < encounters; ++e) {
    const size_t i = size_t(g() % n);
    size_t j = size_t(g() % (n - 1));
    j += j >= i;  // another attendee
    float* x = &sc.position[i * size_t(dims)];
    float* y = &sc.position[j * size_t(dims)];
    float d2 = 0;
    for (int d = 0; d < dims; ++d) d2 += (x[d] - y[d]) * (x[d] - y[d]);
    if (!(d2 < bound2)) continue;
    for (int d = 0; d < dims; ++d) {
      const float xd = x[d], yd = y[d];
      x[d] = xd + mu * (yd - xd);
      y[d] = yd + mu * (xd - yd);
    }
    for (size_t a : {i, j}) {
      float* u = utility(a);
      in.preferences.utilities_from_base(&sc.utility_base[a * size_t(k)],
                                         &sc.position[a * size_t(dims)], u);
      if (endorsed >= 0) u[endorsed] += float(s.campaign.mp_endorsement);
      const int before = sc.choice[a];
      sc.choice[a] = std::int8_t(choice(a));
      converted += sc.choice[a] != before;
    }
    ++moved;
  }
  if (story) {
    story->discussion_moves = moved;
    story->discussion_converted = converted;
  }
}

// Stage 5.
void Meeting::vote() {
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
void Meeting::record_persuasion(Persuasion& persuasion) const {
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

}  // namespace leadsim::detail
