// person_formulas.hpp (private): the per-person formulas of a run, each written once.
//
//   utility()                 how much a person likes a candidate (preferences.hpp's model)
//   rank_top_two(), preference_gap(), attendance_gap()
//                             the gap between a person's top two candidates, and the capped gap
//                             that attendance cares about
//   attendance_base(), organised_factor(), attendance_probability()
//                             the chance an invited member attends their meeting (meeting.hpp)
//   attendance_max_base(), attendance_bound()
//                             an upper bound on that chance, known before the utilities are
//   turnout_probability(), votes()
//                             the chance someone votes in the final ballot (ballot.hpp), and the
//                             decision a person's draw makes of it
//
// The scalar loops (a meeting's story, person-by-person corrections), the per-block loops and the
// fused vectorised kernels (meeting_attend.cpp, ballot.cpp, preferences.cpp, nominations.cpp) all
// call these functions, so the paths agree bit for bit by construction. Each is forced inline and
// written on plain scalars, so that a loop calling one compiles, and vectorises, as if the formula
// were written in place. The order of the operations is part of the results (fused multiply-adds
// are off: -ffp-contract=off): change none without expecting every result to change.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "leadsim/population.hpp"  // kOrganised

#define LEADSIM_INLINE [[gnu::always_inline]] inline

namespace leadsim::person {

// Utility of one candidate (up to the per-person constant preferences.hpp drops): the faction's
// constant a_fc, plus the pull (stored in fixed point) times pull_coef = spread_f * pull_step_c,
// plus the taste (fixed point) times taste_coef = taste_sd * kTasteStep.
LEADSIM_INLINE float utility(float a, float pull_coef, std::int16_t pull, float taste_coef,
                             std::int16_t taste) {
  return a + pull_coef * float(pull) + taste_coef * float(taste);
}

// Below any utility: where the best and second best start before rank_top_two() sees any.
inline constexpr float kNoUtility = -1e30f;

// Takes utility x into the best and second best seen so far (the first of equals stays best).
// Without branches, so that it vectorises; the same decisions as the if/else it replaces.
LEADSIM_INLINE void rank_top_two(float x, float& best, float& second) {
  const bool up = x > best;
  const float other = x > second ? x : second;
  second = up ? best : other;
  best = up ? x : best;
}

// The gap between the best and second best (0 when there was no second: one candidate, or none).
// Written as a mask: a select here stops the vectoriser in the fused kernel.
LEADSIM_INLINE float preference_gap(float best, float second) {
  const float d = best - second;  // computed unconditionally, so that loops vectorise
  return std::bit_cast<float>(std::bit_cast<std::uint32_t>(d) &
                              (0u - std::uint32_t(!(second < -1e29f))));
}

// The gap attendance cares about: preference_gap() capped at 2 (a gap of one utility unit is
// typical). With a single candidate standing there is no second, so no gap to care about.
LEADSIM_INLINE float attendance_gap(float best, float second) {
  const float g = preference_gap(best, second);
  return g < 2.0f ? g : 2.0f;  // std::min(2.0f, g)
}

// attendance / (1 + care): the attendance probability per unit of activism and mobilisation at
// a gap of 0, so that a typical gap of 1 gives `attendance` itself.
LEADSIM_INLINE float attendance_base(float attendance, float care) {
  return attendance / (1.0f + care);
}

// 1 if trait byte t has the organised bit (an organised wave), else 0.
LEADSIM_INLINE std::uint32_t organised(std::uint32_t t) { return (t & kOrganised) / kOrganised; }

// The organised wave's multiplier: organised_turnout for an organised person, else 1 (a bitwise
// blend, so that loops vectorise; p * 1 is p exactly).
LEADSIM_INLINE float organised_factor(std::uint32_t t, float organised_turnout) {
  const std::uint32_t mask = 0u - organised(t);
  return std::bit_cast<float>((std::bit_cast<std::uint32_t>(organised_turnout) & mask) |
                              (std::bit_cast<std::uint32_t>(1.0f) & ~mask));
}

// The faction threshold for a person with trait byte t: a delegate's (General Committee) row's,
// else the ordinary row's. A bitwise blend: a bool here becomes a 1-bit type the vectoriser
// cannot handle, and the fused loops would run one person at a time.
LEADSIM_INLINE float faction_threshold(std::uint32_t t, float ordinary, float delegate) {
  const std::uint32_t mask = 0u - ((t & kDelegate) / kDelegate);
  return std::bit_cast<float>((std::bit_cast<std::uint32_t>(delegate) & mask) |
                              (std::bit_cast<std::uint32_t>(ordinary) & ~mask));
}

// The chance an invited member with this activism, faction mobilisation, attendance_gap() and
// trait byte t attends an all-member meeting (meeting.hpp, stage 3; the cap at 1 is the draw's:
// a draw is below 1).
LEADSIM_INLINE float attendance_probability(float base, float activism, float mobilisation,
                                            float care, float gap, std::uint32_t t,
                                            float organised_turnout) {
  return base * activism * mobilisation * (1.0f + care * gap) *
         organised_factor(t, organised_turnout);
}

// The largest attendance probability per unit of activism and mobilisation that any preference
// gap allows (before the organised multiplier): the gap capped at 2 when contested, none when not.
// With rounding slack: the bound must never fall below a probability computed in another order.
LEADSIM_INLINE float attendance_max_base(float attendance, float care, bool contested) {
  float b = attendance_base(attendance, care) * (1.0f + care * (contested ? 2.0f : 0.0f));
  b *= 1.0f + 1e-5f;
  return b;
}

// An upper bound on attendance_probability() for a person (extra = organised_turnout - 1): only
// those whose attendance draw falls under it (a few percent) need their utilities worked out.
LEADSIM_INLINE float attendance_bound(float mobilisation, float max_base, float activism,
                                      float extra, std::uint32_t t) {
  return mobilisation * (max_base * activism * (1.0f + extra * float(organised(t))));
}

// The logistic function and its inverse (probabilities shifted on the log-odds scale).
inline double logistic(double x) { return 1 / (1 + std::exp(-x)); }
inline double logit(double p) { return std::log(p / (1 - p)); }

// The chance a person votes in the final ballot, from their section's turnout, their activism and
// their cohort's shift: logistic(logit(turnout) + activism_elasticity * log(activism) + shift). Worked out once per person, with
// the population (it depends on nothing drawn per run).
inline float turnout_probability(double section_turnout, double activism_elasticity,
                                 float activism, double shift = 0) {
  const double p = std::clamp(section_turnout, 1e-9, 1 - 1e-9);
  return float(logistic(logit(p) + activism_elasticity * std::log(std::max(activism, 1e-6f)) + shift));
}

// 1 if a person whose turnout draw this run is `draw` votes, given their turnout_probability().
LEADSIM_INLINE std::uint32_t votes(float draw, float turnout) { return std::uint32_t(draw < turnout); }

// P(a CLP holds its nomination meeting): the scenario's `meet` for a CLP of typical activity,
// shifted on the log-odds scale by its lasting activity (clp_identity.hpp). Exactly `meet` at
// activity 0, so a scenario without an identity file is unchanged.
inline double meet_probability(double meet, double activity) {
  if (activity == 0 || meet <= 0 || meet >= 1) return meet;
  return logistic(logit(meet) + activity);
}

}  // namespace leadsim::person
