#include "leadsim/population.hpp"

#include "leadsim/fields.hpp"

#include <algorithm>
#include <bit>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <numeric>

#include "leadsim/contest.hpp"  // run_key
#include "leadsim/officers.hpp"
#include "leadsim/preferences.hpp"
#include "leadsim/random.hpp"
#include "leadsim/uncertainty.hpp"
#include "person_formulas.hpp"

namespace leadsim {

std::size_t Population::bytes() const {
  return (clp_begin.size() + segment_begin.size()) * 4 + delegates.size() * 2 + uid.size() * 4 +
         clp.size() * 2 +
         (wave.size() + section.size() + traits.size() + affiliate.size()) +
         (joined.size() + activism.size() + turnout.size() + 2 * affiliated.size() +
          affiliated_begin.size()) * 4 +
         affiliated_record.size() * sizeof(std::int16_t) +
         std::size_t(offset.size()) * sizeof(float) +
         std::size_t(taste.size() + pull.size()) * sizeof(std::int16_t);
}

float fixed_point_step(double sd) {
  if (!(sd > 0) || !std::isfinite(sd)) return 1.0f;
  // The smallest power of two p with 2^15 p >= 8 sd, i.e. 2^ceil(log2(sd) - 12).
  const int e = std::clamp(int(std::ceil(std::log2(sd) - 12.0)), -100, 100);
  return std::ldexp(1.0f, e);
}

std::vector<int> tippable_targets(const Scenario& s, const Wave& w, std::uint64_t seed);

std::vector<int> wave_targets(const Scenario& s, const Wave& w, std::uint64_t seed) {
  const int n = static_cast<int>(s.clps.size());
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  switch (w.targeting) {
    case Targeting::proportional:
    case Targeting::uniform:
      return {};
    case Targeting::named:
      return w.target_clps;
    case Targeting::top_covariate:
      // Highest covariate first; ties by name order in the file, so the choice is stable.
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return s.clps[size_t(a)].covariate > s.clps[size_t(b)].covariate;
      });
      order.resize(size_t(w.target_count));
      return order;
    case Targeting::random_selected: {
      Stream g(derive_key(derive_key(seed, name_hash("population")), name_hash("targets:" + w.id)));
      for (int i = n - 1; i > 0; --i) std::swap(order[size_t(i)], order[g() % uint64_t(i + 1)]);
      order.resize(size_t(w.target_count));
      std::sort(order.begin(), order.end());
      return order;
    }
    case Targeting::tippable:
      return tippable_targets(s, w, seed);
  }
  return {};
}

// Where an organised wave can tip a CLP: the organisers' reading of each CLP's all-member room
// without them (officers.hpp's expectation, with every per-run draw at its mean: no CLP
// dispersion, each CLP's lasting lean at its mean, no swing or poll error), in a population
// where the tippable waves live in proportion to CLP size. The wave's candidate is the one its
// own people would back (its expected room summed over the CLPs); its targets are the
// target_count CLPs where that candidate is behind by the fewest expected votes (people x
// propensity), CLPs it already leads not counted: a wave pays where it turns a narrow loss.
std::vector<int> tippable_targets(const Scenario& s, const Wave& w, std::uint64_t seed) {
  Scenario expected = s;
  for (Wave& x : expected.waves)
    if (x.targeting == Targeting::tippable) x.targeting = Targeting::proportional;
  switch_off_uncertainty(expected);
  const Population pop = synthesise(expected, seed);
  const RunPreferences prefs(expected, run_key(seed, 0));
  const std::vector<bool> standing(s.candidates.size(), true);
  const ClpReading reading{expected, pop, prefs, standing, s.eligibility.member_meeting_freeze};
  const int self = int(&w - s.waves.data());
  const int n = int(s.clps.size()), k = int(s.candidates.size());
  std::vector<double> own(size_t(k), 0.0);
  for (int c = 0; c < n; ++c) {
    const RoomExpectation mine = expected_members_room(reading, c, self, true);
    for (int q = 0; q < k; ++q) own[size_t(q)] += mine.votes[size_t(q)];
  }
  const int side = int(std::max_element(own.begin(), own.end()) - own.begin());
  std::vector<std::pair<double, int>> behind;  // (votes short, CLP)
  for (int c = 0; c < n; ++c) {
    const RoomExpectation room = expected_members_room(reading, c, self, false);
    if (room.leader < 0 || room.leader == side) continue;
    behind.emplace_back(room.votes[size_t(room.leader)] - room.votes[size_t(side)], c);
  }
  std::sort(behind.begin(), behind.end());
  std::vector<int> out;
  for (size_t i = 0; i < behind.size() && int(out.size()) < w.target_count; ++i)
    out.push_back(behind[i].second);
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// `value` in steps of `step`, rounded to nearest and saturated at +-32767 steps.
std::int16_t to_fixed(double value, float step) {
  return std::int16_t(std::clamp(std::nearbyint(value / double(step)), -32767.0, 32767.0));
}

// Cumulative distribution over CLPs for one wave's members.
std::vector<double> clp_cdf(const Scenario& s, const Wave& w, std::uint64_t seed) {
  const size_t n = s.clps.size();
  std::vector<double> base(n);
  double total = 0;
  for (size_t c = 0; c < n; ++c) {
    base[c] = w.targeting == Targeting::uniform ? 1.0 : s.clps[c].weight;
    total += base[c];
  }
  std::vector<int> targets = wave_targets(s, w, seed);
  std::vector<double> p(n);
  const double spread = targets.empty() ? 1.0 : 1.0 - w.target_share;
  for (size_t c = 0; c < n; ++c) p[c] = spread * base[c] / total;
  // Targeted people are split equally among the targets: organisers pick places, not sizes.
  for (int t : targets) p[size_t(t)] += w.target_share / double(targets.size());
  std::partial_sum(p.begin(), p.end(), p.begin());
  return p;
}

// Chooses each CLP's General Committee: delegates are long-standing members in good standing,
// chosen with probability proportional to activism (weighted sampling without replacement by
// Efraimidis-Spirakis keys u^(1/w)).
void choose_delegates(const Scenario& s, Population& pop, std::uint64_t seed) {
  std::vector<std::pair<double, std::uint32_t>> keys;
  pop.delegates.assign((pop.clp_begin.size() - 1) * pop.waves, 0);
  for (size_t c = 0; c + 1 < pop.clp_begin.size(); ++c) {
    keys.clear();
    Stream g(derive_key(seed, name_hash("delegates") + c));
    for (std::uint32_t i = pop.clp_begin[c]; i < pop.clp_begin[c + 1]; ++i) {
      if (pop.section[i] != std::uint8_t(Section::member)) continue;
      if (pop.joined[i] > s.meetings.gc_elected_by) continue;
      if (!(pop.traits[i] & kGoodStanding)) continue;
      double w = std::max(1e-6, double(pop.activism[i]));
      keys.emplace_back(std::log(std::max(g.uniform(), 1e-300)) / w, i);
    }
    size_t k = std::min(keys.size(), size_t(s.meetings.gc_size));
    std::partial_sort(keys.begin(), keys.begin() + std::ptrdiff_t(k), keys.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t j = 0; j < k; ++j) {
      const std::uint32_t i = keys[j].second;
      pop.traits[i] |= kDelegate;
      ++pop.delegates[c * pop.waves + pop.wave[i]];
    }
  }
}

}  // namespace

Population synthesise(const Scenario& s, std::uint64_t seed) {
  const std::uint64_t pop_key = derive_key(seed, name_hash("population"));
  const size_t n = static_cast<size_t>(s.agents());
  const int dims = s.dims, k = static_cast<int>(s.candidates.size());

  // Draw everyone in wave order, then group by CLP.
  Population raw;
  raw.uid.resize(n);
  raw.clp.resize(n);
  raw.wave.resize(n);
  raw.section.resize(n);
  raw.traits.resize(n);
  raw.affiliate.resize(n);
  raw.joined.resize(n);
  raw.activism.resize(n);
  raw.offset.resize(dims, std::ptrdiff_t(n));
  PersonMatrix raw_taste(k, std::ptrdiff_t(n));  // stored as fixed point once grouped

  std::vector<double> aff_cdf;
  for (const auto& a : s.affiliates) aff_cdf.push_back((aff_cdf.empty() ? 0 : aff_cdf.back()) + a.share);

  size_t row = 0;
  for (size_t wi = 0; wi < s.waves.size(); ++wi) {
    const Wave& w = s.waves[wi];
    Stream g(derive_key(pop_key, name_hash("wave:" + w.id)));
    boost::random::normal_distribution<float> normal(0.f, 1.f);
    boost::random::gamma_distribution<double> gamma(w.activism_shape,
                                                    w.activism / w.activism_shape);
    const std::vector<double> cdf = clp_cdf(s, w, seed);
    // Ids are consecutive within a wave from a base fixed by the wave's name: unique within the
    // wave and the same in every scenario that has the wave.
    const std::uint32_t wave_id = std::uint32_t(name_hash("uid:" + w.id) >> 32);
    int tied = -1;  // the affiliate every one of them belongs to, if the wave names one
    for (size_t a = 0; a < s.affiliates.size(); ++a)
      if (!w.affiliate.empty() && s.affiliates[a].id == w.affiliate) tied = int(a);
    const double span = double(w.joined_to - w.joined_from + 1);
    for (std::int64_t j = 0; j < w.size; ++j, ++row) {
      raw.uid[row] = wave_id + std::uint32_t(j);
      double u = g.uniform() * cdf.back();
      raw.clp[row] = std::uint16_t(std::min<size_t>(
          size_t(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()), cdf.size() - 1));
      raw.wave[row] = std::uint8_t(wi);
      raw.section[row] = std::uint8_t(w.section);
      raw.joined[row] = w.joined_from + Day(g.uniform() * span);
      raw.activism[row] = float(w.activism_shape > 0 ? gamma(g) : w.activism);
      std::uint8_t t = 0;
      if (g.uniform() < w.contactable) t |= kContactable;
      if (g.uniform() < w.good_standing) t |= kGoodStanding;
      if (g.uniform() < w.hostile) t |= kHostile;
      if (w.organised) t |= kOrganised;
      raw.traits[row] = t;
      raw.affiliate[row] = kNoAffiliate;
      if (tied >= 0) {
        raw.affiliate[row] = std::uint8_t(tied);
      } else if (w.section == Section::affiliated && !aff_cdf.empty()) {
        double a = g.uniform() * aff_cdf.back();
        raw.affiliate[row] = std::uint8_t(std::min<size_t>(
            size_t(std::upper_bound(aff_cdf.begin(), aff_cdf.end(), a) - aff_cdf.begin()),
            aff_cdf.size() - 1));
      }
      for (int d = 0; d < dims; ++d) raw.offset(d, std::ptrdiff_t(row)) = normal(g);
      for (int c = 0; c < k; ++c) raw_taste(c, std::ptrdiff_t(row)) = normal(g);
    }
  }

  // Group by CLP with a stable counting sort (within a CLP, people stay in wave order).
  const size_t n_clps = s.clps.size();
  Population pop;
  pop.clp_begin.assign(n_clps + 1, 0);
  for (size_t i = 0; i < n; ++i) ++pop.clp_begin[raw.clp[i] + 1u];
  std::partial_sum(pop.clp_begin.begin(), pop.clp_begin.end(), pop.clp_begin.begin());
  const size_t n_waves = s.waves.size();
  pop.waves = n_waves;
  pop.segment_begin.assign(n_clps * n_waves + 1, 0);
  for (size_t i = 0; i < n; ++i) ++pop.segment_begin[raw.clp[i] * n_waves + raw.wave[i] + 1];
  std::partial_sum(pop.segment_begin.begin(), pop.segment_begin.end(), pop.segment_begin.begin());
  std::vector<std::uint32_t> next(pop.clp_begin.begin(), pop.clp_begin.end() - 1);
  std::vector<std::uint32_t> dest(n);
  for (size_t i = 0; i < n; ++i) dest[i] = next[raw.clp[i]]++;

  auto scatter = [&](auto& to, const auto& from) {
    to.resize(from.size());
    for (size_t i = 0; i < n; ++i) to[dest[i]] = from[i];
  };
  scatter(pop.uid, raw.uid);
  scatter(pop.clp, raw.clp);
  scatter(pop.wave, raw.wave);
  scatter(pop.section, raw.section);
  scatter(pop.traits, raw.traits);
  scatter(pop.affiliate, raw.affiliate);
  scatter(pop.joined, raw.joined);
  scatter(pop.activism, raw.activism);
  pop.offset.resize(dims, std::ptrdiff_t(n));
  pop.taste.resize(k, std::ptrdiff_t(n));
  for (size_t i = 0; i < n; ++i) {
    pop.offset.col(dest[i]) = raw.offset.col(std::ptrdiff_t(i));
    for (int c = 0; c < k; ++c)
      pop.taste(c, std::ptrdiff_t(dest[i])) = to_fixed(raw_taste(c, std::ptrdiff_t(i)), kTasteStep);
  }
  choose_delegates(s, pop, pop_key);

  // The personal part of each candidate's policy utility, worked out once (see preferences.hpp).
  // x_c . offset_i has standard deviation |x_c|, so pull has 2 * salience * |x_c|.
  pop.pull.resize(k, std::ptrdiff_t(n));
  for (int c = 0; c < k; ++c) {
    const Eigen::VectorXd& x = s.candidates[size_t(c)].position;
    const float step = fixed_point_step(2 * std::abs(s.campaign.salience) * x.norm());
    pop.pull_step.push_back(step);
    for (size_t i = 0; i < n; ++i) {
      double q = 0;
      for (int d = 0; d < dims; ++d) q += x[d] * double(pop.offset(d, std::ptrdiff_t(i)));
      pop.pull(c, std::ptrdiff_t(i)) = to_fixed(2 * s.campaign.salience * q, step);
    }
  }
  // Affiliated supporters grouped by affiliate (a stable counting sort).
  const size_t n_affiliates = s.affiliates.size();
  pop.affiliated_begin.assign(n_affiliates + 1, 0);
  for (size_t i = 0; i < n; ++i)
    if (pop.affiliate[i] != kNoAffiliate) ++pop.affiliated_begin[pop.affiliate[i] + 1u];
  std::partial_sum(pop.affiliated_begin.begin(), pop.affiliated_begin.end(),
                   pop.affiliated_begin.begin());
  const size_t n_aff = pop.affiliated_begin.back();
  std::vector<std::uint32_t> slot(pop.affiliated_begin.begin(), pop.affiliated_begin.end() - 1);
  pop.affiliated.resize(n_aff);
  for (size_t i = 0; i < n; ++i)
    if (pop.affiliate[i] != kNoAffiliate) pop.affiliated[slot[pop.affiliate[i]]++] = std::uint32_t(i);
  const size_t stride = pop.affiliated_stride();
  pop.affiliated_uid.resize(n_aff);
  pop.affiliated_record.resize(n_aff * stride);
  for (size_t x = 0; x < n_aff; ++x) {
    const size_t i = pop.affiliated[x];
    pop.affiliated_uid[x] = pop.uid[i];
    std::int16_t* rec = &pop.affiliated_record[x * stride];
    rec[0] = std::bit_cast<std::int16_t>(pop.clp[i]);
    rec[1] = std::int16_t(pop.wave[i] | (pop.traits[i] << 8));
    for (int c = 0; c < k; ++c) {
      rec[2 + c] = pop.pull(c, std::ptrdiff_t(i));
      rec[2 + k + c] = pop.taste(c, std::ptrdiff_t(i));
    }
  }

  // Turnout depends only on section and activism, so it is worked out once here rather than in
  // every run's final ballot.
  pop.turnout.resize(n);
  for (size_t i = 0; i < n; ++i)
    pop.turnout[i] = person::turnout_probability(s.ballot.turnout[pop.section[i]],
                                                 s.ballot.activism_elasticity, pop.activism[i],
                                                 s.waves[pop.wave[i]].turnout_shift);
  pop.parliament = synthesise_parliament(s, seed);
  return pop;
}

}  // namespace leadsim

namespace leadsim {

bool population_depends_on(const std::string& path) {
  // The field table says what synthesise() reads (fields.hpp, affects_population); a path it does
  // not know is taken to matter, so that nothing unknown is served from a stale cache.
  const Field* f = find_field(path);
  return !f || (f->affects & affects_population);
}

std::string population_signature(const Scenario& s, std::uint64_t seed) {
  std::string key = "seed=" + std::to_string(seed) + "\n";
  for (const auto& r : s.resolved)
    if (population_depends_on(r.path)) key += r.path + "=" + r.value + "\n";
  return key;
}

}  // namespace leadsim
