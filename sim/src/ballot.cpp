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
  const PersonDraws& draws = prefs.draws();
  const Persuasion& persuasion = in.persuasion;
  const Electorate& electorate = in.electorate;
  size_t next_persuaded = 0;
  out.eligible.fill(0);
  out.voted.fill(0);
  if (m == 0) return;

  // Block buffers: one entry per person of the block.
  alignas(32) std::int32_t faction[kBlock];
  alignas(32) std::uint32_t votes[kBlock], eligible[kBlock];
  alignas(32) float utility[kMaxCandidates][kBlock];
  float u[kMaxCandidates];
  std::uint8_t order[kMaxCandidates];

  // People are grouped by CLP and, within a CLP, by wave: the faction odds, section and local
  // endorsement are constant over a segment, which is cut into blocks whose draws, eligibility,
  // turnout and utilities are computed in straight vectorisable loops.
  for (size_t c = 0; c < s.clps.size(); ++c) {
    const int endorsed = in.mp_endorsement[c];
    const std::uint32_t clp_end = pop.clp_begin[c + 1];
    for (std::uint32_t seg = pop.clp_begin[c]; seg < clp_end;) {
      const int w = pop.wave[seg];
      std::uint32_t seg_end = seg;
      while (seg_end < clp_end && pop.wave[seg_end] == w) ++seg_end;
      const Wave& wave = s.waves[size_t(w)];
      const int sec = int(wave.section);
      std::uint32_t* tally = scratch.tally[size_t(sec)].data();
      if (wave.section == Section::member && wave.joined_from > electorate.ballot_cutoff()) {
        seg = seg_end;  // the whole cohort joined after the freeze
        continue;
      }
      for (std::uint32_t first = seg; first < seg_end; first += kBlock) {
        const int n = int(std::min<std::uint32_t>(kBlock, seg_end - first));
        const std::uint32_t* uid = pop.uid.data() + first;
        const float* turnout = pop.turnout.data() + first;
        electorate.block_may_vote(pop, first, n, wave.section, draws, eligible);
        for (int j = 0; j < n; ++j)
          votes[j] = eligible[j] & std::uint32_t(PersonDraws::draw(draws.turnout, uid[j]) < turnout[j]);
        prefs.block_factions(pop, first, n, int(c), w, faction);
        for (int l = 0; l < m; ++l) {
          prefs.block_utility(pop, first, n, faction, local[l], utility[l]);
          if (endorsed == local[l])
            for (int j = 0; j < n; ++j) utility[l][j] += endorsement;
        }
        std::uint32_t n_eligible = 0, n_votes = 0;
        for (int j = 0; j < n; ++j) {
          n_eligible += eligible[j];
          n_votes += votes[j];
        }
        out.eligible[size_t(sec)] += n_eligible;
        out.voted[size_t(sec)] += n_votes;
        // What attendees heard at their meeting (sorted by person, so a forward walk).
        while (next_persuaded < persuasion.person.size() && persuasion.person[next_persuaded] < first)
          ++next_persuaded;
        for (; next_persuaded < persuasion.person.size() &&
               persuasion.person[next_persuaded] < first + std::uint32_t(n);
             ++next_persuaded) {
          const int j = int(persuasion.person[next_persuaded] - first);
          const float* delta = &persuasion.delta[next_persuaded * size_t(k)];
          for (int l = 0; l < m; ++l) utility[l][j] += delta[local[l]];
        }
        const std::uint8_t* traits = pop.traits.data() + first;
        if (m == 2) {
          // The common case, branch-free: the second candidate is ranked first when it has the
          // higher utility, or always/never for hostile voters.
          const std::uint32_t hostile_second = std::uint32_t(hostile_index);
          std::uint32_t second = 0;
          for (int j = 0; j < n; ++j) {
            const std::uint32_t hostile = (traits[j] & kHostile) ? 1u : 0u;
            const std::uint32_t sincere = utility[1][j] > utility[0][j] ? 1u : 0u;
            second += votes[j] & (hostile ? hostile_second : sincere);
          }
          tally[1] += second;
          tally[0] += n_votes - second;
          continue;
        }
        for (int j = 0; j < n; ++j) {
          if (!votes[j]) continue;
          int index = hostile_index;
          if (!(traits[j] & kHostile)) {
            for (int l = 0; l < m; ++l) u[l] = utility[l][j];
            for (int l = 0; l < m; ++l) order[l] = std::uint8_t(l);
            // Insertion sort, best first: m is at most 8.
            for (int l = 1; l < m; ++l)
              for (int q = l; q > 0 && u[order[q]] > u[order[q - 1]]; --q)
                std::swap(order[q], order[q - 1]);
            index = permutation_index(order, m);
          }
          ++tally[index];
        }
      }
      seg = seg_end;
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
