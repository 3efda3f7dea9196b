#include "leadsim/nominations.hpp"

#include <cmath>

#include "leadsim/random.hpp"

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

MpNominations nominate_by_mps(const Scenario& s, std::uint64_t run_key) {
  const int k = int(s.candidates.size());
  MpNominations out;
  out.count.assign(size_t(k), 0);
  out.endorsement.assign(s.clps.size(), -1);
  Stream g(derive_key(run_key, name_hash("mps")));
  auto nominate = [&]() {
    const int c = draw_index(s.mps.support, g.uniform());
    return c < k ? c : -1;  // the last slot is "none"
  };
  for (size_t c = 0; c < s.clps.size(); ++c) {
    if (!s.clps[c].labour_held) continue;
    ++out.electorate;
    const int choice = nominate();  // drawn even when known, so known choices don't shift others
    out.endorsement[c] = std::int8_t(choice);
  }
  for (const auto& [clp, cand] : s.mps.endorsements) out.endorsement[size_t(clp)] = std::int8_t(cand);
  for (std::int8_t e : out.endorsement)
    if (e >= 0) ++out.count[size_t(e)];
  for (int j = 0; j < s.mps.extra_mps + s.mps.meps; ++j) {
    ++out.electorate;
    const int c = nominate();
    if (c >= 0) ++out.count[size_t(c)];
  }
  out.threshold = int(std::ceil(s.mps.threshold * out.electorate - 1e-9));
  out.on_ballot.assign(size_t(k), false);
  for (int c = 0; c < k; ++c)
    out.on_ballot[size_t(c)] = out.count[size_t(c)] >= out.threshold ||
                               (s.candidates[size_t(c)].incumbent && s.mps.incumbent_exempt);
  return out;
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
  // Who answers is decided over the compact list of affiliated supporters in straight loops;
  // only those who answer (a few percent) are looked up in the population.
  std::vector<float> answer_rate(s.affiliates.size(), 0.0f);
  for (size_t a = 0; a < s.affiliates.size(); ++a)
    if (s.affiliates[a].method == AffiliateMethod::consultation)
      answer_rate[a] = float(s.affiliates[a].consultation_turnout);
  const std::uint32_t key = prefs.draws().consultation;
  const size_t n = pop.affiliated.size();
  float util[kMaxCandidates];
  alignas(32) std::uint32_t answers[kBlock];
  alignas(32) float rate[kBlock];
  for (size_t first = 0; first < n; first += kBlock) {
    const int len = int(std::min<size_t>(kBlock, n - first));
    const std::uint32_t* uid = pop.affiliated_uid.data() + first;
    const std::uint8_t* aff = pop.affiliated_affiliate.data() + first;
    for (int j = 0; j < len; ++j) rate[j] = answer_rate[aff[j]];
    for (int j = 0; j < len; ++j) answers[j] = PersonDraws::draw(key, uid[j]) < rate[j] ? 1u : 0u;
    for (int j = 0; j < len; ++j) {
      if (!answers[j]) continue;
      // Read from the compact copies: the answerers are scattered over the population.
      const size_t x = first + size_t(j);
      const std::uint8_t a = aff[j];
      const int f = RunPreferences::faction_in_row(
          prefs.faction_row(pop.affiliated_clp[x], pop.affiliated_wave[x]), prefs.factions(),
          PersonDraws::draw(prefs.draws().faction, uid[j]));
      // The same arithmetic as RunPreferences::utilities().
      for (int c = 0; c < k; ++c)
        util[c] = prefs.faction_constant(f, c) +
                  prefs.spread(f) * pop.affiliated_pull(c, std::ptrdiff_t(x)) +
                  prefs.taste_sd() * pop.affiliated_taste(c, std::ptrdiff_t(x));
      const int c = first_choice(s, {util, size_t(k)}, standing, pop.affiliated_traits[x] & kHostile);
      if (c >= 0) ++tally[a][size_t(c)];
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
