// officers.hpp: whether a CLP meets to nominate, and in which format (a meeting's stage 1).
//
// A CLP's officers decide, within the rules, and the organised members can force their hand
// (a meeting the scenario knows was held, meetings.held, is held in its known format):
//   1. Requisition: where meetings.requisition > 0 and the organised members (people of organised
//      member waves who joined by the meeting freeze, weighted by their bloc's draw this run) are
//      at least that share of the members who joined by it, they requisition an all-member
//      meeting, which is held whatever the officers want.
//   2. Habit: otherwise the CLP meets with probability logistic(logit(meet) + activity), its
//      activity the lasting one of clp_identity.hpp (0 without), in its customary format (a
//      General Committee with probability meetings.general_committee).
//   3. Tactics: with probability meetings.officer_tactics (in a contested meeting) the officers
//      act for their own candidate. The officers are elected at the same AGM as the delegates, so
//      their candidate is the one the General Committee is expected to nominate; the members'
//      candidate is the one an all-member meeting is expected to nominate. When the two differ,
//      officers hold a General Committee where the rules allow one (general_committee > 0), and
//      otherwise do not meet. When they agree, the customary format stands.
// "Expected" is the officers' reading of their CLP this run: each faction's share of the room
// (members: P(faction) x activism x mobilisation x bloc draws, for everyone who could take part;
// a GC: its delegates' factions), each faction's vote split by a logit on the faction's mean
// utilities (scale from the taste and policy spread), and the candidate with the most votes.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "leadsim/population.hpp"
#include "leadsim/preferences.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

// The expected votes of a room per candidate, and its leader (-1 for an empty room).
struct RoomExpectation {
  std::array<double, kMaxCandidates> votes{};
  double people = 0;  // expected weight of the room (people x propensity)
  int leader = -1;
};

struct ConveneDecision {
  bool met = false;
  MeetingFormat format = MeetingFormat::all_member;
  bool known = false;          // the scenario says this meeting was held (meetings.held)
  bool requisitioned = false;  // the organised members forced an all-member meeting
  bool tactical = false;       // the officers chose for their candidate's sake
  double organised_share = 0;  // organised members' share of those who could take part
  RoomExpectation members, delegates;  // the officers' reading of each format's room
};

// What the officers know of CLP c this run (meeting_freeze: the meetings' freeze date).
struct ClpReading {
  const Scenario& scenario;
  const Population& population;
  const RunPreferences& preferences;
  const std::vector<bool>& standing;
  Day meeting_freeze;
};

// The expected all-member room and General Committee of CLP c this run. The members' room can
// leave out one wave (`wave`, excluded) or be that wave's people alone (`wave`, only).
RoomExpectation expected_members_room(const ClpReading& r, int clp, int wave = -1,
                                      bool only = false);
RoomExpectation expected_general_committee(const ClpReading& r, int clp);

// Stage 1 for CLP c: u_meet, u_format and u_tactics are the meeting's three uniform draws (in
// that order from its stream, whether or not each is needed).
ConveneDecision decide_meeting(const ClpReading& r, int clp, double u_meet, double u_format,
                               double u_tactics);

}  // namespace leadsim
