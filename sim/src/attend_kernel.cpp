// attend_kernel.cpp: the fused attendance loop (see attend_kernel.hpp), instantiated for up to six
// factions and two to four candidates.
#include "attend_kernel.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <limits>

#include "leadsim/random.hpp"
#include "person_formulas.hpp"

namespace leadsim::detail {

namespace {

// Join dates for a block of people who all joined by the freeze: none is later than any date.
alignas(32) constexpr std::array<Day, kBlock> kEarliest = [] {
  std::array<Day, kBlock> days{};
  days.fill(std::numeric_limits<Day>::min());
  return days;
}();

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
  float a[K][F], spread[F], mob[F], row[F], drow[F], step[K], endorse[K];
  // Loop-invariant choices as bit masks (all ones or zero), so the loop body has no branches.
  std::uint32_t standing[K];
  for (int q = 0; q < F; ++q) {
    for (int c = 0; c < K; ++c) a[c][q] = g.a[c][q];
    spread[q] = g.spread[q];
    mob[q] = g.mob[q];
    row[q] = g.row[q];
    drow[q] = g.delegate_row[q];
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
      const bool up = uf >= person::faction_threshold(t, row[q - 1], drow[q - 1]);
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

}  // namespace

AttendKernel choose_attend_kernel(int factions, int candidates) {
  switch (candidates) {
    case 2: return attend_kernel_k<2>(factions);
    case 3: return attend_kernel_k<3>(factions);
    case 4: return attend_kernel_k<4>(factions);
  }
  return nullptr;
}

}  // namespace leadsim::detail
