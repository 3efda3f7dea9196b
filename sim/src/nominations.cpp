#include "leadsim/nominations.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "block.hpp"
#include "leadsim/random.hpp"
#include "person_formulas.hpp"

namespace leadsim {

namespace {
// Index drawn from probabilities `p` (the last slot may mean "none"); returns p.size()-1 at most.
int draw_index(const std::vector<double>& p, double u) {
  double acc = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    acc += p[i];
    if (u < acc) return int(i);
  }
  return int(p.size()) - 1;
}
}  // namespace

MpNominations nominate_by_mps(const Scenario& s, const MpRun& mps,
                              const std::vector<bool>& standing) {
  const int k = int(s.candidates.size());
  const MpNominationRules& rules = s.rules.mp_nominations;
  MpNominations out;
  out.count.assign(size_t(k), 0);
  out.endorsement.assign(s.clps.size(), -1);
  std::vector<int> known(s.clps.size(), -2);  // -2: no known choice
  for (const auto& [clp, cand] : s.mps.endorsements) known[size_t(clp)] = cand;
  std::uint8_t order[kMaxCandidates];
  for (int i = 0; i < mps.size(); ++i) {
    const int clp = mps.clp(i);
    if (mps.is_mep(i) && !rules.include_meps) continue;
    ++out.electorate;
    const int m = mps.ranking(i, standing, order);
    int first = mps.nominates(i) && m > 0 ? order[0] : -1;
    if (clp >= 0 && known[size_t(clp)] != -2) {
      first = known[size_t(clp)];
      if (first >= 0 && !standing[size_t(first)]) first = -1;
    }
    if (clp >= 0) out.endorsement[size_t(clp)] = std::int8_t(first);
    if (first < 0) continue;
    ++out.count[size_t(first)];
    // Further nominations go to the next choices, skipping the known first choice.
    for (int j = 0, extra = 1; j < m && extra < rules.max_per_mp; ++j)
      if (order[j] != first) {
        ++out.count[size_t(order[j])];
        ++extra;
      }
  }
  out.threshold = rules.threshold_count > 0
                      ? rules.threshold_count
                      : int(std::ceil(rules.threshold * out.electorate - 1e-9));
  out.on_ballot.assign(size_t(k), false);
  for (int c = 0; c < k; ++c)
    out.on_ballot[size_t(c)] =
        standing[size_t(c)] &&
        (out.count[size_t(c)] >= out.threshold ||
         (s.candidates[size_t(c)].incumbent && rules.incumbent_exempt));
  return out;
}

std::vector<bool> supporting_threshold(const Scenario& s, const std::vector<int>& clp_nominations,
                                       const std::vector<int>& affiliate_nominee,
                                       const std::vector<bool>& standing) {
  const SupportingRules& r = s.rules.supporting;
  const size_t k = s.candidates.size();
  std::vector<bool> ok(k, false);
  const int clps_needed = int(std::ceil(r.clp_share * double(s.clps.size()) - 1e-9));
  for (size_t c = 0; c < k; ++c) {
    if (!standing[c]) continue;
    if (s.candidates[c].incumbent && r.incumbent_exempt) {
      ok[c] = true;
      continue;
    }
    const bool by_clps = r.clp_share > 0 && clp_nominations[c] >= clps_needed;
    int affiliates = 0, unions = 0;
    double share = 0;
    for (size_t a = 0; a < affiliate_nominee.size(); ++a)
      if (affiliate_nominee[a] == int(c)) {
        ++affiliates;
        unions += s.affiliates[a].is_union;
        share += s.affiliates[a].share;
      }
    const bool by_affiliates = r.affiliates > 0 && affiliates >= r.affiliates &&
                               unions >= r.affiliate_unions &&
                               share >= r.affiliate_share - 1e-12;
    ok[c] = by_clps || by_affiliates;
  }
  return ok;
}

std::vector<int> nominate_by_affiliates(const Scenario& s, const Population& pop,
                                        const RunPreferences& prefs,
                                        const std::vector<bool>& standing, std::uint64_t run_key) {
  const int k = int(s.candidates.size());
  std::vector<int> nominee(s.affiliates.size(), -1);
  std::vector<std::vector<int>> tally(s.affiliates.size(), std::vector<int>(size_t(k), 0));
  bool consults = false;
  Stream g(derive_key(run_key, name_hash("affiliates")));
  for (size_t a = 0; a < s.affiliates.size(); ++a) {
    const Affiliate& aff = s.affiliates[a];
    const double u = g.uniform();  // drawn for every affiliate, so each keeps its own draw
    if (aff.method == AffiliateMethod::consultation) {
      consults = true;
      continue;
    }
    int c = draw_index(aff.executive_lean, u);
    nominee[a] = c < k && standing[size_t(c)] ? c : -1;
  }
  if (!consults) return nominee;
  // Who answers is decided over the compact list of affiliated supporters, one consulting
  // affiliate's group at a time, in straight loops; only those who answer (a few percent) are
  // then looked at, through their records.
  const std::uint32_t key = prefs.draws().consultation;
  const std::uint32_t faction_key = prefs.draws().faction;
  const size_t stride = pop.affiliated_stride();
  const float tc = prefs.taste_coef();
  float util[kMaxCandidates];
  alignas(32) std::uint32_t answers[kBlock];
  int answerer[kBlock];
  for (size_t a = 0; a < s.affiliates.size(); ++a) {
    if (s.affiliates[a].method != AffiliateMethod::consultation) continue;
    const float rate = float(s.affiliates[a].consultation_turnout);
    for (size_t first = pop.affiliated_begin[a]; first < pop.affiliated_begin[a + 1]; first += kBlock) {
      const int len = int(std::min<size_t>(kBlock, pop.affiliated_begin[a + 1] - first));
      const std::uint32_t* uid = pop.affiliated_uid.data() + first;
      for (int j = 0; j < len; ++j) answers[j] = PersonDraws::draw(key, uid[j]) < rate ? 1u : 0u;
      // The answerers' records are scattered: ask for all of them before reading any.
      int n_answer = 0;
      for_each_set(answers, len, [&](int j) { answerer[n_answer++] = j; });
      for (int l = 0; l < n_answer; ++l)
        __builtin_prefetch(&pop.affiliated_record[(first + size_t(answerer[l])) * stride]);
      for (int l = 0; l < n_answer; ++l) {
        const int j = answerer[l];
        const std::int16_t* rec = &pop.affiliated_record[(first + size_t(j)) * stride];
        const int clp = std::bit_cast<std::uint16_t>(rec[0]);
        const int wave = rec[1] & 0xFF, traits = (rec[1] >> 8) & 0xFF;
        const int f = RunPreferences::faction_in_row(prefs.row_for(clp, wave, std::uint8_t(traits)), prefs.factions(),
                                                     PersonDraws::draw(faction_key, uid[j]));
        for (int c = 0; c < k; ++c)
          util[c] = person::utility(prefs.faction_constant(f, c), prefs.pull_coef(pop, f, c),
                                    rec[2 + c], tc, rec[2 + k + c]);
        const int c = first_choice(s, {util, size_t(k)}, standing, traits & kHostile);
        if (c >= 0) ++tally[a][size_t(c)];
      }
    }
  }
  for (size_t a = 0; a < s.affiliates.size(); ++a) {
    if (s.affiliates[a].method != AffiliateMethod::consultation) continue;
    int best = -1;
    for (int c = 0; c < k; ++c)
      if (tally[a][size_t(c)] > 0 && (best < 0 || tally[a][size_t(c)] > tally[a][size_t(best)]))
        best = c;
    nominee[a] = best;
  }
  return nominee;
}

}  // namespace leadsim
