// meeting_detail.hpp: one meeting being held, its state and its stages (meeting.hpp lists them).
//
// Private to the meeting's sources: meeting.cpp (stages 1-3: convene, invite, attend) and
// meeting_debate.cpp (stages 4-5: debate, vote). Split in two because together they were 900
// lines; the class is one so that every stage sees the same inputs and scratch.
#pragma once

#include <array>
#include <cstdint>

#include "attend_kernel.hpp"
#include "leadsim/meeting.hpp"
#include "meeting_run.hpp"
#include "person_formulas.hpp"

namespace leadsim::detail {

struct Meeting {
  const MeetingInputs& in;
  const Scenario& s;
  const Population& pop;
  MeetingScratch& sc;
  MeetingStory* story;
  int clp, k;
  std::uint64_t key;  // this meeting's random key
  MeetingResult result;

  Meeting(const MeetingInputs& inputs, int c, MeetingScratch& scratch, MeetingStory* st);

  float* utility(size_t a) { return &sc.utility[a * size_t(k)]; }
  // The best and second-best standing candidates' utilities u, in candidate order.
  void top_two(const float* u, float& best, float& second) const {
    best = second = person::kNoUtility;
    for (int l = 0; l < n_standing_; ++l) person::rank_top_two(u[standing_[size_t(l)]], best, second);
  }
  // Gap between the best and second-best standing candidates' utilities (0 when only one stands).
  float gap_of(const float* u) const {
    float best, second;
    top_two(u, best, second);
    return person::preference_gap(best, second);
  }
  int standing_count() const {
    int c = 0;
    for (bool b : in.standing) c += b;
    return c;
  }
  bool hostile(size_t a) const { return sc.traits[a] & kHostile; }
  // first_choice(s, utility(a), in.standing, hostile(a)), over the standing list.
  int choice(size_t a) {
    if (n_standing_ == 0) return -1;
    if (sc.traits[a] & kHostile) return hostile_choice_;
    const float* u = utility(a);
    int best = standing_[0];
    for (int l = 1; l < n_standing_; ++l) {
      const int c = standing_[size_t(l)];
      if (u[c] > u[best]) best = c;
    }
    return best;
  }

  // Stage 1.
  bool convene();

  // Faction f's attendance multiplier in this CLP this run: its mobilisation times its bloc draw.
  float mobilisation(int f) const {
    return float(s.factions[size_t(f)].mobilisation) * in.preferences.faction_bloc(clp, f);
  }
  // The attendance multiplier for organised people of wave w here: meetings.organised_turnout
  // times the wave's bloc draw (1 for people who are not organised: organised_factor()).
  float organised_turnout(int w) const {
    return float(s.meetings.organised_turnout) * in.preferences.wave_bloc(clp, w);
  }

  // The trait bits eligibility to attend needs: good standing if the rules ask for it, and a
  // delegate's seat at a General Committee.
  std::uint8_t needed_traits() const {
    const std::uint8_t standing = in.electorate.requires_good_standing() ? kGoodStanding : 0;
    return std::uint8_t(standing | (result.format == MeetingFormat::general_committee ? kDelegate : 0));
  }

  // Eligibility (joined by the meeting freeze, with the traits needed) and invitation (eligible
  // and contactable: whether the invitation arrives is drawn later) for people [first, first+n).
  void eligible_and_contactable(std::uint32_t first, int n, std::uint32_t* eligible,
                                std::uint32_t* invited) const;

  // Takes the attendees among people [first, first+n) (attends[j] set) into the scratch, with
  // their factions and utilities (util[c][j]), their ids, traits and activism, and under bounded
  // confidence their positions and the fixed part of their utilities.
  void admit(std::uint32_t first, int n, const std::uint32_t* attends, const std::int32_t* faction,
             const float (*util)[kBlock]);

  // Takes person i, of faction f with utilities u (k floats), into the scratch as admit() does.
  void admit_person(std::uint32_t i, int f, const float* u);

  // Stages 2 and 3, for people [first, first+n) of one wave of members (n <= kBlock).
  // Invitations, the attendance draw and an upper bound on each person's attendance
  // probability are computed for the whole block in straight loops. Only those whose draw falls
  // under the bound (a small minority: attendance is a few percent) need their faction and
  // utilities to settle whether they come.
  void invite_and_attend_block(std::uint32_t first, int n, int wave);

  // Stages 2 and 3 without a story: the same decisions, bit for bit, as
  // invite_and_attend_block(), with the utilities and the attendance decision of the whole block
  // made in straight loops (reading the utility rows in order rather than at random), and the
  // few attendees then picked out by a bit scan. A block with few people eligible (a General
  // Committee's delegates) is handled person by person instead.
  void attend_block(std::uint32_t first, int n_people, int wave);

  // What attend_kernel() needs for wave w of this meeting's CLP (an all-member meeting).
  void prepare_segment(AttendSegment& g, int w) const;

  // Stages 2 and 3 for people [first, first+n_people) of an all-member meeting, through the fused
  // kernel (the same decisions, bit for bit, as attend_block()).
  void attend_fused(AttendKernel kernel, const AttendSegment& g, std::uint32_t first, int n_people);

  // The chance an invited person i of faction f with utilities u attends (see meeting.hpp).
  float attendance_probability(std::uint32_t i, int f, const float* u) const;

  // The story's bookkeeping for one person (only when a story is being told).
  void tell_lane(std::uint32_t i, std::uint32_t eligible, std::uint32_t invited, bool attends,
                 int f);

  void invite_and_attend();

  // The chair: the most active delegate present, or the most active attendee.
  size_t choose_chair() const;

  // Speeches per candidate: equal when chair_bias = 0; the chair's side gets more as it grows.
  std::array<int, kMaxCandidates> allot_speeches(int chair_candidate,
                                                 const std::array<int, kMaxCandidates>& supporters);

  // Stage 4.
  void debate();

  // Stage 4, after the speeches: pairwise discussion (bounded confidence, Deffuant-Weisbuch).
  void discuss();

  // Stage 5.
  void vote();

  // Attendees carry the debate's effect on their utilities into the final ballot.
  void record_persuasion(Persuasion& persuasion) const;

  int chair_choice = -1;
  std::array<int, kMaxCandidates> standing_{};  // the standing candidates, in order
  int n_standing_ = 0;
  int hostile_choice_ = -1;  // a hostile attendee's first choice: the least electable standing
  bool contested_ = false;
  float max_base_ = 0;
};

}  // namespace leadsim::detail
