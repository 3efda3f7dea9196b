// contest.hpp: one Monte Carlo run of a whole contest.
//
// The pipeline (run_contest): first what every run needs,
//   preferences   this run's CLP leans, national swings and everyone's faction (preferences.hpp)
//   eligibility   freeze dates, the court ruling, standing, vetting            (eligibility.hpp)
//   MPs           this run's view of the parliamentary party                    (parliament.hpp)
// then the rulebook's stages in its order (rulebook.hpp), each a function of its own module:
//   mp_nominations, supporting_nominations                                     (nominations.hpp)
//   clp_nominations: every CLP's nomination meeting                                (meeting.hpp)
//   affiliate_nominations                                                      (nominations.hpp)
//   mp_ballot: the MPs' exhaustive rounds                                       (parliament.hpp)
// and last, for the candidates still standing,
//   campaign      momentum from nominations won
//   final ballot  turnout, rankings, the count                                      (ballot.hpp)
// The run's result depends only on (scenario, population, seed, run index).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "leadsim/ballot.hpp"
#include "leadsim/meeting.hpp"
#include "leadsim/population.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

// What one run produced: small, one row of runs.csv (run_columns.hpp lists its columns) plus
// per-CLP outcomes (summed into clps.csv by Summary).
struct RunResult {
  std::uint64_t run = 0;
  int winner = -1;                     // -1: no valid nominations (nobody on the ballot)
  bool winner_by_lot = false;
  bool unopposed = false;              // one candidate left: elected without a ballot
  std::vector<bool> on_ballot;         // per candidate: reached the final ballot (or unopposed)
  std::vector<int> out_at_stage;       // per candidate: index into rules.stages of the stage that
                                       // removed it, -1 if it reached the end
  std::vector<int> mp_nominations;     // per candidate
  std::vector<int> mp_ballot_first;    // per candidate: MPs' votes in round 1 of an MPs' ballot
  std::vector<int> mp_out_round;       // per candidate: 1-based MPs' round it went out in, 0 if not
  int mp_rounds = 0;                   // rounds of the MPs' ballot
  std::vector<double> share;           // per candidate: share of the final round's votes
  std::array<std::vector<double>, kSections> first_share;  // per section, per candidate
  std::vector<int> nominations;        // per candidate: CLP nominations
  std::vector<std::int64_t> meeting_votes;  // per candidate: first-round votes in all meetings
  std::vector<int> affiliate_nominations;   // per candidate
  std::vector<int> eliminated_round;   // per candidate: 0-based count round, -1 if never eliminated
  int rounds = 0;                      // rounds of the final count (0: no ballot held)
  int meetings_held = 0, meetings_quorate = 0, meetings_general_committee = 0;
  std::int64_t meeting_attendance = 0, meeting_eligible = 0;
  std::array<std::int64_t, kSections> ballot_eligible{}, ballot_voted{};
  // Per CLP.
  std::vector<std::int8_t> clp_nominee;     // candidate, -1 none
  std::vector<std::int32_t> clp_attendance, clp_eligible;
  std::vector<std::uint8_t> clp_met;
  std::vector<std::int32_t> clp_votes;      // [clp * candidates + c]: first-round meeting votes

  double turnout(int section) const {
    return ballot_eligible[size_t(section)] ? double(ballot_voted[size_t(section)]) /
                                                  double(ballot_eligible[size_t(section)])
                                            : 0.0;
  }
  // People at all meetings over people eligible to attend them (0 when no meeting was held).
  double attendance_rate() const {
    return meeting_eligible ? double(meeting_attendance) / double(meeting_eligible) : 0.0;
  }
};

// Time spent per stage (seconds), summed over runs, for --profile.
struct StageProfile {
  static constexpr int kStages = 7;
  static constexpr const char* kNames[kStages] = {"preferences", "eligibility", "mps",
                                                  "meetings", "affiliates", "campaign",
                                                  "final_ballot"};
  std::array<double, kStages> seconds{};
  void add(const StageProfile& o) {
    for (int i = 0; i < kStages; ++i) seconds[size_t(i)] += o.seconds[size_t(i)];
  }
};

// Per-worker buffers, reused from run to run.
struct ContestWorkspace {
  ContestWorkspace();
  ~ContestWorkspace();
  ContestWorkspace(ContestWorkspace&&) noexcept;
  ContestWorkspace& operator=(ContestWorkspace&&) noexcept;

  struct Buffers;                    // the stages' scratch (contest.cpp): nothing to read
  std::unique_ptr<Buffers> buffers;
  StageProfile profile;
  bool timing = false;  // fill `profile` (costs a clock read per stage)
};

// Key of run `run` under master seed `seed`: everything random in the run derives from it.
std::uint64_t run_key(std::uint64_t seed, std::uint64_t run);

// Runs one contest. If `story` is given, the meeting of CLP `story_clp` is narrated into it. A
// scenario with a posterior plays s.for_run(seed, run): the particle drawn for this run.
void run_contest(const Scenario& s, const Population& pop, std::uint64_t seed, std::uint64_t run,
                 ContestWorkspace& ws, RunResult& out, MeetingStory* story = nullptr,
                 int story_clp = -1);

}  // namespace leadsim
