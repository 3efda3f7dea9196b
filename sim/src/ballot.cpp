#include "leadsim/ballot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "block.hpp"
#include "leadsim/random.hpp"
#include "person_formulas.hpp"

namespace leadsim {

namespace {
constexpr int kFactorial[kMaxBallotCandidates + 1] = {1, 1, 2, 6, 24, 120, 720, 5040, 40320};

// Two candidates on the ballot, one CLP-wave segment: everything the fused loop needs.
struct PairSegment {
  const std::uint32_t* uid;
  const Day* joined;
  const std::uint8_t* traits;
  const float* turnout;
  const std::int16_t* pull[2];
  const std::int16_t* taste[2];
  const float* row;           // cumulative faction probabilities
  const float* delegate_row;  // ... for General Committee delegates
  float a[2][kMaxFactions], spread[kMaxFactions], endorse[2], taste_coef, pull_step[2];
  Day date_cut;           // eligible if joined on or before
  std::uint8_t need;      // trait bits eligibility needs (good standing)
  float reject[2];        // vetting: ordinary, hostile
  std::uint32_t key_turnout, key_faction, key_vetting;
  std::uint32_t hostile_second;  // 1 if a hostile voter ranks the second candidate first
};

// The counts of one block of a pair segment (people before anything heard at a meeting).
struct PairCounts {
  std::uint32_t eligible = 0, votes = 0, second = 0;  // `second`: votes ranking candidate 1 first
};

// Everything one person of a pair segment decides: eligible, votes, hostile (0 or 1) and both
// utilities. F (factions) and Vet (a registered-supporter segment) are compile-time so that a
// loop over people has no inner loops and vectorises whole. Eligibility and the faction are those
// of Electorate::block_may_vote and RunPreferences::block_factions (tests/test_ballot.cpp holds
// the two paths to the same tallies). `t` is the person's trait byte.
template <int F, bool Vet>
struct PairLane {
  std::uint32_t eligible, votes, hostile;
  float u0, u1;

  static PairLane of(const PairSegment& g, std::uint32_t i, std::uint32_t t) {
    PairLane r;
    r.eligible = std::uint32_t(g.joined[i] <= g.date_cut) & std::uint32_t((t & g.need) == g.need);
    r.hostile = (t & kHostile) / kHostile;
    if constexpr (Vet) {
      const float p = r.hostile ? g.reject[1] : g.reject[0];  // a blend: both are in registers
      r.eligible &= std::uint32_t(PersonDraws::draw(g.key_vetting, g.uid[i]) >= p);
    }
    r.votes = r.eligible & person::votes(PersonDraws::draw(g.key_turnout, g.uid[i]), g.turnout[i]);
    const float uf = PersonDraws::draw(g.key_faction, g.uid[i]);
    float c0 = g.a[0][0], c1 = g.a[1][0], sp = g.spread[0];
    for (int q = 1; q < F; ++q) {  // f >= q exactly when uf passes the q-th threshold
      const bool up = uf >= person::faction_threshold(t, g.row[q - 1], g.delegate_row[q - 1]);
      c0 = up ? g.a[0][q] : c0;
      c1 = up ? g.a[1][q] : c1;
      sp = up ? g.spread[q] : sp;
    }
    // (sp * step) is RunPreferences::pull_coef() exactly (the step is a power of two).
    r.u0 = person::utility(c0, sp * g.pull_step[0], g.pull[0][i], g.taste_coef, g.taste[0][i]) +
           g.endorse[0];
    r.u1 = person::utility(c1, sp * g.pull_step[1], g.pull[1][i], g.taste_coef, g.taste[1][i]) +
           g.endorse[1];
    return r;
  }
  // Ranks candidate 1 first: a hostile voter ranks as the segment says, others sincerely.
  // (Bit arithmetic, so that a loop over people vectorises.)
  std::uint32_t second(const PairSegment& g) const {
    return (std::uint32_t(u1 > u0) & (hostile ^ 1u)) | (g.hostile_second & hostile);
  }
};

// One fused, branch-free loop over people [first, first+n) of a segment, counting in registers:
// nothing is stored per person. Lanes from n to `padded` (whole vectors) are read, not counted.
template <int F, bool Vet>
PairCounts pair_block(const PairSegment& segment, std::uint32_t first, int n, int padded) {
  // The segment's invariants in a local copy whose address never escapes, so that they stay in
  // registers through the loop; the people's arrays are offset to the block.
  PairSegment g = segment;
  g.uid += first;
  g.joined += first;
  g.traits += first;
  g.turnout += first;
  for (int l = 0; l < 2; ++l) {
    g.pull[l] += first;
    g.taste[l] += first;
  }
  // The trait bytes widened first, so that the main loop works on 32-bit lanes only (eight
  // people per vector, few enough live values to stay in registers).
  alignas(32) std::uint32_t wide[kBlock];
  for (int j = 0; j < padded; ++j) wide[j] = g.traits[j];
  std::uint32_t ne = 0, nv = 0, ns = 0;
  for (int j = 0; j < padded; ++j) {
    const PairLane<F, Vet> p = PairLane<F, Vet>::of(g, std::uint32_t(j), wide[j]);
    const std::uint32_t counted = std::uint32_t(j < n);
    const std::uint32_t v = p.votes & counted;
    ne += p.eligible & counted;
    nv += v;
    ns += v & p.second(g);
  }
  return {ne, nv, ns};
}

// A persuaded voter's ballot: whether they rank candidate 1 first after what they heard (delta
// per local candidate), as a change to the count pair_block made without it (-1, 0 or 1).
template <int F, bool Vet>
int pair_persuaded(const PairSegment& g, std::uint32_t i, const float delta[2]) {
  const PairLane<F, Vet> p = PairLane<F, Vet>::of(g, i, g.traits[i]);
  if (!p.votes || p.hostile) return 0;  // a hostile voter's ranking is fixed
  return int(p.u1 + delta[1] > p.u0 + delta[0]) - int(p.u1 > p.u0);
}

// The two entry points for one number of factions and segment kind.
struct PairKernel {
  PairCounts (*count)(const PairSegment&, std::uint32_t first, int n, int padded) = nullptr;
  int (*persuaded)(const PairSegment&, std::uint32_t i, const float delta[2]) = nullptr;
  explicit operator bool() const { return count != nullptr; }
};

template <int F>
PairKernel pair_kernel(bool vet) {
  if (vet) return {&pair_block<F, true>, &pair_persuaded<F, true>};
  return {&pair_block<F, false>, &pair_persuaded<F, false>};
}

PairKernel choose_pair_kernel(int factions, bool vet) {
  switch (factions) {
    case 1: return pair_kernel<1>(vet);
    case 2: return pair_kernel<2>(vet);
    case 3: return pair_kernel<3>(vet);
    case 4: return pair_kernel<4>(vet);
    case 5: return pair_kernel<5>(vet);
    case 6: return pair_kernel<6>(vet);
    case 7: return pair_kernel<7>(vet);
    case 8: return pair_kernel<8>(vet);
  }
  return {};  // more factions: the general path
}

}  // namespace

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

bool section_counts(const Scenario& s, Section sec) {
  const FinalBallotRules& rules = s.rules.final_ballot;
  if (sec == Section::mp) return rules.college && rules.weight[size_t(sec)] > 0;
  if (rules.college && rules.weight[size_t(sec)] <= 0) return false;
  return std::any_of(s.waves.begin(), s.waves.end(),
                     [&](const Wave& w) { return w.section == sec && w.size > 0; });
}

void cast_final_ballot(const BallotInputs& in, BallotScratch& scratch, BallotOutcome& out,
                       BallotPath path) {
  const Scenario& s = in.scenario;
  const Population& pop = in.population;
  const int k = int(s.candidates.size());

  // The m standing candidates, as local indices 0..m-1.
  std::uint8_t local[kMaxCandidates];
  int m = 0;
  for (int c = 0; c < k; ++c)
    if (in.standing[size_t(c)]) local[m++] = std::uint8_t(c);
  if (m > kMaxBallotCandidates)  // the loader prevents it; a guard against a future stage
    throw std::logic_error("more than " + std::to_string(kMaxBallotCandidates) +
                           " candidates reached the final ballot");
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
  // What attendees heard at their meeting, for the people of a block: persuasion entries are
  // sorted by person and blocks come in order, so this is one forward walk over the run.
  size_t next_persuaded = 0;
  auto for_each_persuaded = [&](std::uint32_t first, int n, auto&& apply) {
    while (next_persuaded < persuasion.person.size() && persuasion.person[next_persuaded] < first)
      ++next_persuaded;
    for (; next_persuaded < persuasion.person.size() &&
           persuasion.person[next_persuaded] < first + std::uint32_t(n);
         ++next_persuaded)
      apply(int(persuasion.person[next_persuaded] - first),
            &persuasion.delta[next_persuaded * size_t(k)]);
  };
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
    const std::uint32_t* segments = pop.segments(int(c));
    for (int w = 0; w < int(s.waves.size()); ++w) {
      const std::uint32_t seg = segments[w], seg_end = segments[w + 1];
      if (seg == seg_end) continue;
      const Wave& wave = s.waves[size_t(w)];
      const int sec = int(wave.section);
      std::uint32_t* tally = scratch.tally[size_t(sec)].data();
      if (wave.section == Section::member && wave.joined_from > electorate.ballot_cutoff()) {
        continue;  // the whole cohort joined after the freeze
      }
      const PairKernel kernel = m == 2 && path == BallotPath::fastest ? choose_pair_kernel(prefs.factions(),
                                                            wave.section == Section::registered)
                                       : PairKernel{};
      if (kernel) {
        PairSegment g;
        g.uid = pop.uid.data() + seg;
        g.joined = pop.joined.data() + seg;
        g.traits = pop.traits.data() + seg;
        g.turnout = pop.turnout.data() + seg;
        for (int l = 0; l < 2; ++l) {
          g.pull[l] = pop.pull_row(local[l]) + seg;
          g.taste[l] = pop.taste_row(local[l]) + seg;
          g.pull_step[l] = pop.pull_step[local[l]];
          g.endorse[l] = endorsed == local[l] ? endorsement : 0.0f;
          for (int f = 0; f < prefs.factions(); ++f) g.a[l][f] = prefs.faction_constant(f, local[l]);
        }
        for (int f = 0; f < prefs.factions(); ++f) g.spread[f] = prefs.spread(f);
        g.row = prefs.faction_row(int(c), w);
        g.delegate_row = prefs.delegate_row(int(c), w);
        g.taste_coef = prefs.taste_coef();
        g.date_cut = wave.section == Section::member       ? electorate.ballot_cutoff()
                     : wave.section == Section::affiliated ? electorate.affiliated_freeze()
                                                           : std::numeric_limits<Day>::max();
        g.need = wave.section == Section::member && electorate.requires_good_standing()
                     ? kGoodStanding
                     : 0;
        g.reject[0] = electorate.rejection(false);
        g.reject[1] = electorate.rejection(true);
        g.key_turnout = draws.turnout;
        g.key_faction = draws.faction;
        g.key_vetting = draws.vetting;
        g.hostile_second = std::uint32_t(hostile_index);
        PairCounts counts;
        for (std::uint32_t first = seg; first < seg_end; first += kBlock) {
          const int n = int(std::min<std::uint32_t>(kBlock, seg_end - first));
          // Whole vectors: only lanes below n are counted.
          const PairCounts b = kernel.count(g, first - seg, n, whole_vectors(n, pop.size() - first));
          counts.eligible += b.eligible;
          counts.votes += b.votes;
          counts.second += b.second;
        }
        // Those who heard speeches at their meeting: the count above without what they heard,
        // corrected person by person (a few per segment).
        for_each_persuaded(seg, int(seg_end - seg), [&](int j, const float* delta) {
          const float d[2] = {delta[local[0]], delta[local[1]]};
          counts.second += std::uint32_t(kernel.persuaded(g, std::uint32_t(j), d));
        });
        out.eligible[size_t(sec)] += counts.eligible;
        out.voted[size_t(sec)] += counts.votes;
        tally[1] += counts.second;
        tally[0] += counts.votes - counts.second;
        continue;
      }
      for (std::uint32_t first = seg; first < seg_end; first += kBlock) {
        const int n = int(std::min<std::uint32_t>(kBlock, seg_end - first));
        const std::uint32_t* uid = pop.uid.data() + first;
        const float* turnout = pop.turnout.data() + first;
        electorate.block_may_vote(pop, first, n, wave.section, draws, eligible);
        for (int j = 0; j < n; ++j)
          votes[j] = eligible[j] & person::votes(PersonDraws::draw(draws.turnout, uid[j]), turnout[j]);
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
        for_each_persuaded(first, n, [&](int j, const float* delta) {
          for (int l = 0; l < m; ++l) utility[l][j] += delta[local[l]];
        });
        const std::uint8_t* traits = pop.traits.data() + first;
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
    }
  }

  // The MP section of an electoral college: MPs and MEPs rank the candidates by their utility.
  if (in.mps && s.rules.final_ballot.college &&
      s.rules.final_ballot.weight[size_t(Section::mp)] > 0) {
    const int sec = int(Section::mp);
    Stream g(derive_key(in.run_key, name_hash("mp-turnout")));
    std::uint8_t ranked[kMaxCandidates];
    for (int i = 0; i < in.mps->size(); ++i) {
      ++out.eligible[size_t(sec)];
      if (g.uniform() >= s.ballot.turnout[sec]) continue;
      ++out.voted[size_t(sec)];
      in.mps->ranking(i, in.standing, ranked);
      // To local indices 0..m-1 for the permutation tally.
      for (int j = 0; j < m; ++j)
        for (int l = 0; l < m; ++l)
          if (local[l] == ranked[j]) order[j] = std::uint8_t(l);
      ++scratch.tally[size_t(sec)][size_t(permutation_index(order, m))];
    }
  }

  // First preferences by section, and the ballot set: one row per ranking and section.
  BallotSet ballots(k);
  std::uint8_t ranking[kMaxCandidates];
  for (int sec = 0; sec < kSections; ++sec) out.first[size_t(sec)].assign(size_t(k), 0.0);
  for (int p = 0; p < perms && m > 0; ++p) {
    permutation_from_index(p, m, order);
    for (int j = 0; j < m; ++j) ranking[j] = local[order[j]];
    for (int sec = 0; sec < kSections; ++sec) {
      const double t = double(scratch.tally[size_t(sec)][size_t(p)]);
      if (t == 0) continue;
      out.first[size_t(sec)][local[order[0]]] += t;
      ballots.add({ranking, size_t(m)}, t, sec);
    }
  }
  CountRules rules = s.rules.final_ballot.count_rules();
  out.count = count_ballots(ballots, rules, in.standing,
                            derive_key(in.run_key, name_hash("count-lots")));
}

}  // namespace leadsim
