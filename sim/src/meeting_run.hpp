// meeting_run.hpp: holding one CLP's meeting (the stages of meeting.hpp), as run_contest does
// it for every CLP of a run, and the buffers a worker thread reuses for it. Private to the
// library: callers reach meetings through run_contest (contest.hpp), whose ContestWorkspace owns
// these buffers, and read one meeting's story through MeetingStory.
#pragma once

#include <cstdint>
#include <vector>

#include "leadsim/meeting.hpp"

namespace leadsim::detail {

// Reusable buffers (one per worker thread): a meeting allocates nothing once they have grown.
struct MeetingScratch {
  std::vector<std::uint32_t> attendee;
  std::vector<std::uint8_t> faction;  // per attendee
  std::vector<float> utility;   // candidates per attendee
  std::vector<float> entry_utility;
  std::vector<float> position;  // dims per attendee (bounded confidence; filled on admission)
  std::vector<float> utility_base;  // candidates per attendee: RunPreferences::utility_base()
                                    // (bounded confidence; filled on admission)
  std::vector<std::int64_t> speaker_rank;  // per attendee: the speaker key's rank; -infinity's
                                          // once spoken (or if hostile)
  std::vector<std::int8_t> choice;  // per attendee: current first choice
  std::vector<int> order;            // speaking order (candidates)
  std::vector<bool> race;            // candidates still in the meeting's vote
  // Per attendee, gathered from the population as they are admitted (while their block is in
  // cache) rather than looked up at random by every stage after it:
  std::vector<std::uint32_t> uid;     // stable id
  std::vector<std::uint8_t> traits;   // trait byte (kHostile, kDelegate, ...)
  std::vector<float> activism;        // lasting activism (the chair, the speakers)
  std::vector<float> draw;           // per attendee: this speech's persuasion draw
  std::vector<float> chance;         // per attendee: the chance a speech moves them
  std::vector<std::uint32_t> listener;  // attendees this speech moves
};

// Holds CLP `clp`'s meeting. Appends attendees' persuasion to `persuasion`; fills `story` if given.
MeetingResult hold_meeting(const MeetingInputs& in, int clp, MeetingScratch& scratch,
                           Persuasion& persuasion, MeetingStory* story = nullptr);

}  // namespace leadsim::detail
