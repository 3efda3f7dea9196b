#include "leadsim/ballot.hpp"

#include <algorithm>
#include <cmath>

#include "leadsim/random.hpp"

namespace leadsim {

namespace {
constexpr int kFactorial[kMaxCandidates + 1] = {1, 1, 2, 6, 24, 120, 720, 5040, 40320};
}

int permutation_index(const std::uint8_t* order, int m) {
  int index = 0;
  for (int j = 0; j < m; ++j) {
    int smaller_later = 0;
    for (int l = j + 1; l < m; ++l) smaller_later += order[l] < order[j];
    index += smaller_later * kFactorial[m - 1 - j];
  }
  return index;
}

void permutation_from_index(int index, int m, std::uint8_t* order) {
  std::uint8_t pool[kMaxCandidates];
  for (int j = 0; j < m; ++j) pool[j] = std::uint8_t(j);
  int left = m;
  for (int j = 0; j < m; ++j) {
    const int digit = index / kFactorial[m - 1 - j];
    index %= kFactorial[m - 1 - j];
    order[j] = pool[digit];
    std::copy(pool + digit + 1, pool + left, pool + digit);
    --left;
  }
}

void cast_final_ballot(const BallotInputs& in, BallotScratch& scratch, BallotOutcome& out) {
  const Scenario& s = in.scenario;
  const Population& pop = in.population;
  const int k = int(s.candidates.size());

  // The m standing candidates, as local indices 0..m-1.
  std::uint8_t local[kMaxCandidates];
  int m = 0;
  for (int c = 0; c < k; ++c)
    if (in.standing[size_t(c)]) local[m++] = std::uint8_t(c);
  const int perms = kFactorial[m];
  for (auto& t : scratch.tally) t.assign(size_t(perms), 0);

  // A hostile voter's ranking is the same everywhere: least electable first.
  std::uint8_t hostile_order[kMaxCandidates];
  for (int j = 0; j < m; ++j) hostile_order[j] = std::uint8_t(j);
  std::stable_sort(hostile_order, hostile_order + m, [&](int a, int b) {
    return s.candidates[local[a]].electability < s.candidates[local[b]].electability;
  });
  const int hostile_index = m > 0 ? permutation_index(hostile_order, m) : 0;

  const float endorsement = float(s.campaign.mp_endorsement);
  const RunPreferences& prefs = in.preferences;
  const CounterDraw politics = prefs.draws().politics;
  const Persuasion& persuasion = in.persuasion;
  size_t next_persuaded = 0;
  float u[kMaxCandidates];
  std::uint8_t order[kMaxCandidates];
  out.eligible.fill(0);
  out.voted.fill(0);
  if (m == 0) return;

  // People are grouped by CLP and, within a CLP, by wave: everything that depends only on the
  // CLP or the wave (faction odds, section, endorsement) is looked up once per segment, and the
  // counters live in registers.
  for (size_t c = 0; c < s.clps.size(); ++c) {
    const int endorsed = in.mp_endorsement[c];
    const float endorse_margin = endorsed == local[1] ? endorsement
                                 : endorsed == local[0] ? -endorsement
                                                        : 0.0f;
    const std::uint32_t clp_end = pop.clp_begin[c + 1];
    for (std::uint32_t i = pop.clp_begin[c]; i < clp_end;) {
      const int w = pop.wave[i];
      std::uint32_t segment_end = i;
      while (segment_end < clp_end && pop.wave[segment_end] == w) ++segment_end;
      const Wave& wave = s.waves[size_t(w)];
      const int sec = int(wave.section);
      if (wave.section == Section::member && wave.joined_from > in.electorate.ballot_cutoff()) {
        i = segment_end;  // the whole cohort joined after the freeze
        continue;
      }
      const float* odds = prefs.faction_row(int(c), w);
      std::int64_t eligible = 0, voted = 0;
      std::uint32_t* tally = scratch.tally[size_t(sec)].data();
      for (; i < segment_end; ++i) {
        if (!in.electorate.may_vote_without_draw(pop, i)) continue;
        const std::uint64_t draw = politics(pop.uid[i]);
        if (!in.electorate.may_vote(pop, i, draw)) continue;
        ++eligible;
        // Whether they vote is a coin toss the branch predictor cannot learn, so it is added in
        // as 0 or 1 rather than branched on: ranking a non-voter costs less than a mispredict.
        const std::uint32_t votes = field21(draw, 1) < pop.turnout[i];
        voted += votes;
        const float* delta = nullptr;
        if (next_persuaded < persuasion.person.size() && persuasion.person[next_persuaded] <= i) {
          while (persuasion.person[next_persuaded] < i) ++next_persuaded;
          if (persuasion.person[next_persuaded] == i)
            delta = &persuasion.delta[next_persuaded * size_t(k)];
        }
        const int f = RunPreferences::faction_in_row(odds, prefs.factions(), draw);
        int index;
        if (pop.traits[i] & kHostile) {
          index = hostile_index;
        } else if (m == 2) {
          // The common case, kept in registers: the sign of u[second] - u[first].
          float margin = prefs.margin(pop, i, f, local[0], local[1]) + endorse_margin;
          if (delta) margin += delta[local[1]] - delta[local[0]];
          index = margin > 0;
        } else {
          prefs.utilities(pop, i, f, u);
          if (endorsed >= 0) u[endorsed] += endorsement;
          if (delta)
            for (int j = 0; j < k; ++j) u[j] += delta[j];
          for (int j = 0; j < m; ++j) order[j] = std::uint8_t(j);
          // Insertion sort, best first: m is at most 8.
          for (int j = 1; j < m; ++j)
            for (int l = j; l > 0 && u[local[order[l]]] > u[local[order[l - 1]]]; --l)
              std::swap(order[l], order[l - 1]);
          index = permutation_index(order, m);
        }
        tally[index] += votes;
      }
      out.eligible[size_t(sec)] += eligible;
      out.voted[size_t(sec)] += voted;
    }
  }

  // First preferences by section, and the combined ballot set (one member one vote).
  BallotSet ballots(k);
  std::uint8_t ranking[kMaxCandidates];
  for (int sec = 0; sec < kSections; ++sec) out.first[size_t(sec)].assign(size_t(k), 0.0);
  for (int p = 0; p < perms && m > 0; ++p) {
    permutation_from_index(p, m, order);
    double w = 0;
    for (int sec = 0; sec < kSections; ++sec) {
      const double t = double(scratch.tally[size_t(sec)][size_t(p)]);
      out.first[size_t(sec)][local[order[0]]] += t;
      w += t;
    }
    if (w == 0) continue;
    for (int j = 0; j < m; ++j) ranking[j] = local[order[j]];
    ballots.add({ranking, size_t(m)}, w);
  }
  out.count = count_ballots(ballots, s.ballot.method, in.standing,
                            derive_key(in.run_key, name_hash("count-lots")));
}

}  // namespace leadsim
