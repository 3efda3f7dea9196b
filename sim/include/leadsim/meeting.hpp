// meeting.hpp: one CLP's nomination meeting in one run.
//
// Stages, in order (stages 1-3 in meeting.cpp, 4-5 in meeting_debate.cpp; the fused attendance
// loop in attend_kernel.cpp; the class holding them in meeting_detail.hpp):
//   1. convene:   whether the CLP meets and in which format (officers.hpp): an all-member
//                 meeting requisitioned by its organised members; else it meets with
//                 probability meetings.meet (shifted by its lasting activity) in its customary
//                 format (a General Committee with probability meetings.general_committee), and
//                 its officers may choose the format, or not to meet, for their candidate.
//   2. invite:    everyone eligible (eligibility.hpp; a delegate, for a GC) is invited if the
//                 party has current contact details; each invitation is lost with probability
//                 meetings.lost_invitation.
//   3. attend:    an invited member attends with probability
//                   attendance * activism * mobilisation[faction] * (1 + care * strength)
//                   * (organised_turnout if in an organised wave),   capped at 1,
//                 mobilisation and organised_turnout times this run's bloc draws for the CLP
//                 (factions' and organised waves' bloc_sd), so a bloc turns out together;
//                 where strength = utility gap between their top two candidates (capped at 2);
//                 a delegate attends a GC with probability gc_attendance.
//   4. debate:    the chair (the most active delegate present, else the most active attendee)
//                 allots `speakers` speeches: equal numbers per candidate with supporters in
//                 the room when chair_bias = 0, the chair's candidate taking a share
//                 (1 + bias*(m-1))/m of them in general. Speakers are supporters chosen in
//                 proportion to activism. Each speech persuades listeners:
//                   utility_shift: a listener is moved with probability
//                     susceptibility * exp(-gap / undecided_scale), gaining speech_strength in
//                     utility for the speech's candidate (the undecided move most);
//                   bounded_confidence: Deffuant-Weisbuch's update from each speaker to each
//                     listener (a leader-influence form of bounded confidence: one way): a
//                     listener within confidence_bound of the speaker in policy space moves
//                     `convergence` of the way towards them; then the room talks in pairs,
//                     Deffuant-Weisbuch as they define it (meetings.discussion encounters per
//                     attendee: two attendees within the bound each move `convergence` of the
//                     way towards the other).
//                 Persuasion persists: attendees carry it into the final ballot.
//   5. vote:      below the quorum, no nomination. Otherwise plurality between two candidates,
//                 an eliminating ballot (lowest out, vote again) for three or more; a tie goes
//                 to the chair's casting vote or to lots (meetings.tie_break).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "leadsim/eligibility.hpp"
#include "leadsim/officers.hpp"
#include "leadsim/population.hpp"
#include "leadsim/preferences.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

// What one run knows when a meeting starts.
struct MeetingInputs {
  const Scenario& scenario;
  const Population& population;
  const RunPreferences& preferences;
  const Electorate& electorate;
  const std::vector<bool>& standing;              // per candidate: on the ballot
  const std::vector<std::int8_t>& mp_endorsement;  // per CLP: candidate the local MP backs, or -1
  std::uint64_t run_key;
};

struct MeetingResult {
  bool met = false;
  bool quorate = false;
  MeetingFormat format = MeetingFormat::all_member;
  bool requisitioned = false;  // the organised members forced an all-member meeting (officers.hpp)
  bool tactical = false;       // the officers chose the format (or not to meet) for their candidate
  int eligible = 0;  // could have taken part (members past the freeze; delegates for a GC)
  int invited = 0;
  int attended = 0;
  int nominee = -1;  // candidate nominated, or -1
  std::array<int, kMaxCandidates> votes{};  // first-round votes per candidate
};

// Utility shifts that attendees carry out of their meetings, sorted by person.
struct Persuasion {
  std::vector<std::uint32_t> person;
  std::vector<float> delta;  // candidates floats per person
  void clear() {
    person.clear();
    delta.clear();
  }
};

// The story of one meeting, for `leadsim meeting` and the visualiser's inspector.
struct MeetingStory {
  struct Speech {
    int candidate = -1;
    int speaker_wave = -1, speaker_faction = -1;
    int persuaded = 0;  // listeners moved by this speech
    int converted = 0;  // ... of whom it changed the first choice (to its candidate or away)
  };
  ConveneDecision convening;     // stage 1: requisition, habit, the officers' tactics
  double lean = 0;               // the CLP's lasting lean this run (clp_identity.hpp; 0 without)
  std::vector<float> faction_bloc;  // this run's bloc draw per faction here (1: none)
  int members = 0;               // members of the CLP (any join date, standing)
  int past_freeze = 0;           // joined after the meeting freeze date
  int not_in_good_standing = 0;
  int not_delegates = 0;         // eligible members left out because the meeting is a GC
  int not_contactable = 0;       // eligible, but no current contact details
  int invitation_lost = 0;
  int hostile_attendees = 0;
  std::vector<std::vector<int>> invited_by;   // [wave][faction]
  std::vector<std::vector<int>> attended_by;  // [wave][faction]
  int chair_candidate = -1, chair_wave = -1, chair_faction = -1;
  int mp_endorsement = -1;
  std::vector<Speech> speeches;
  std::vector<int> preferred_before, preferred_after;  // attendees' first choices
  int changed_mind = 0;
  int discussion_moves = 0;      // pairwise encounters in which two attendees moved together
  int discussion_converted = 0;  // first choices those encounters changed
  std::vector<std::array<int, kMaxCandidates>> rounds;  // tallies per voting round
  std::vector<int> eliminated;                           // per round, -1 on the last
  bool decided_by_tie_break = false;
  MeetingResult result;
};

}  // namespace leadsim
