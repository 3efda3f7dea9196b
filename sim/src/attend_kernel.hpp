// attend_kernel.hpp: stages 2 and 3 of an all-member meeting (invitation, attendance) for a block
// of people in one fused, branch-free loop, compiled per number of factions and candidates.
//
// Private to the meeting (meeting.cpp calls it; nothing else should). The arithmetic is term for
// term that of Meeting::attend_block() and the story path: all three call the formulas of
// person_formulas.hpp, and test_meeting checks that they give the same bits.
#pragma once

#include <cstdint>

#include "leadsim/meeting.hpp"

namespace leadsim::detail {

// One CLP-wave segment of an all-member meeting: everything the fused attendance loop needs.
struct AttendSegment {
  const std::uint32_t* uid;
  const Day* joined;  // null when the whole wave joined by the freeze
  const std::uint8_t* traits;
  const float* activism;
  const std::int16_t* pull[kMaxCandidates];
  const std::int16_t* taste[kMaxCandidates];
  const float* row;           // cumulative faction probabilities
  const float* delegate_row;  // ... for General Committee delegates
  float a[kMaxCandidates][kMaxFactions], spread[kMaxFactions], mob[kMaxFactions];
  float step[kMaxCandidates], endorse[kMaxCandidates];
  bool standing[kMaxCandidates];
  float taste_coef, lost, max_base, extra, base, care, organised_turnout;
  Day freeze;
  std::uint8_t needed;  // trait bits eligibility needs
  std::uint32_t key_invitation, key_attendance, key_faction;
};

// Stages 2 and 3 for people [first, first+n) of a segment of an all-member meeting (n <= kBlock).
// Lanes at or past n_people count as not eligible. Writes attends[j] (0 or 1), faction[j] and
// util[c][j]; adds to the counts.
using AttendKernel = void (*)(const AttendSegment&, int, int, int, std::uint32_t*, std::int32_t*,
                              float (*)[kBlock], std::uint32_t&, std::uint32_t&);

// The fused kernel for this many factions and candidates, or null (the general block loops).
AttendKernel choose_attend_kernel(int factions, int candidates);

}  // namespace leadsim::detail
