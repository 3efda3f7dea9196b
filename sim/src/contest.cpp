#include "leadsim/contest.hpp"

#include <optional>

#include "leadsim/eligibility.hpp"
#include "leadsim/nominations.hpp"
#include "leadsim/preferences.hpp"
#include "leadsim/random.hpp"

namespace leadsim {

std::uint64_t run_key(std::uint64_t seed, std::uint64_t run) {
  return derive_key(derive_key(seed, name_hash("run")), run);
}

namespace {
// Times a stage into the workspace profile when asked to.
class StageTimer {
 public:
  StageTimer(ContestWorkspace& ws, int stage) : ws_(ws), stage_(stage) {
    if (ws_.timing) start_ = std::chrono::steady_clock::now();
  }
  ~StageTimer() {
    if (ws_.timing)
      ws_.profile.seconds[size_t(stage_)] +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  ContestWorkspace& ws_;
  int stage_;
  std::chrono::steady_clock::time_point start_;
};

// Share of `won` among all nominations made, minus an equal share of the standing candidates.
std::vector<float> momentum(const std::vector<double>& won, const std::vector<bool>& standing,
                            double strength) {
  std::vector<float> shift(won.size(), 0.0f);
  double total = 0;
  int m = 0;
  for (size_t c = 0; c < won.size(); ++c) {
    total += won[c];
    m += standing[c];
  }
  if (total <= 0 || m == 0 || strength == 0) return shift;
  for (size_t c = 0; c < won.size(); ++c)
    if (standing[c]) shift[c] = float(strength * (won[c] / total - 1.0 / m));
  return shift;
}
}  // namespace

void run_contest(const Scenario& s, const Population& pop, std::uint64_t seed, std::uint64_t run,
                 ContestWorkspace& ws, RunResult& out, MeetingStory* story, int story_clp) {
  const std::uint64_t key = run_key(seed, run);
  const size_t k = s.candidates.size(), n_clps = s.clps.size();
  out.run = run;

  std::optional<RunPreferences> prefs;
  {
    StageTimer t(ws, 0);
    prefs.emplace(s, key);
  }
  std::optional<Electorate> electorate;
  {
    StageTimer t(ws, 1);
    electorate.emplace(s);
  }
  MpNominations mps;
  {
    StageTimer t(ws, 2);
    mps = nominate_by_mps(s, key);
  }
  out.on_ballot = mps.on_ballot;
  out.mp_nominations = mps.count;

  out.nominations.assign(k, 0);
  out.meeting_votes.assign(k, 0);
  out.clp_nominee.assign(n_clps, -1);
  out.clp_attendance.assign(n_clps, 0);
  out.clp_eligible.assign(n_clps, 0);
  out.clp_met.assign(n_clps, 0);
  out.meetings_held = out.meetings_quorate = out.meetings_general_committee = 0;
  out.meeting_attendance = out.meeting_eligible = 0;
  ws.persuasion.clear();
  {
    StageTimer t(ws, 3);
    const MeetingInputs in{s, pop, *prefs, *electorate, mps.on_ballot,
                           mps.endorsement, key};
    for (size_t c = 0; c < n_clps; ++c) {
      MeetingStory* st = story && int(c) == story_clp ? story : nullptr;
      const MeetingResult r = hold_meeting(in, int(c), ws.meeting, ws.persuasion, st);
      if (!r.met) continue;
      ++out.meetings_held;
      out.meetings_quorate += r.quorate;
      out.meetings_general_committee += r.format == MeetingFormat::general_committee;
      out.meeting_attendance += r.attended;
      out.meeting_eligible += r.eligible;
      out.clp_met[c] = 1;
      out.clp_attendance[c] = r.attended;
      out.clp_eligible[c] = r.eligible;
      out.clp_nominee[c] = std::int8_t(r.nominee);
      if (r.nominee >= 0) ++out.nominations[size_t(r.nominee)];
      for (size_t j = 0; j < k; ++j) out.meeting_votes[j] += r.votes[j];
    }
  }
  std::vector<int> affiliate_nominee;
  {
    StageTimer t(ws, 4);
    affiliate_nominee = nominate_by_affiliates(s, pop, *prefs, mps.on_ballot, key);
  }
  out.affiliate_nominations.assign(k, 0);
  std::vector<float> shift(k, 0.0f);
  {
    StageTimer t(ws, 5);
    std::vector<double> clp_won(k), aff_won(k);
    for (size_t c = 0; c < k; ++c) clp_won[c] = out.nominations[c];
    for (size_t a = 0; a < affiliate_nominee.size(); ++a)
      if (affiliate_nominee[a] >= 0) {
        ++out.affiliate_nominations[size_t(affiliate_nominee[a])];
        aff_won[size_t(affiliate_nominee[a])] += s.affiliates[a].share;
      }
    const auto from_clps = momentum(clp_won, mps.on_ballot, s.campaign.momentum);
    const auto from_affiliates = momentum(aff_won, mps.on_ballot, s.campaign.affiliate_momentum);
    for (size_t c = 0; c < k; ++c) shift[c] = from_clps[c] + from_affiliates[c];
  }
  {
    StageTimer t(ws, 6);
    BallotOutcome ballot;
    prefs->add_national_shift(shift);
    const BallotInputs in{s, pop, *prefs, *electorate, mps.on_ballot,
                          mps.endorsement, ws.persuasion, key};
    cast_final_ballot(in, ws.ballot, ballot);
    out.winner = ballot.count.winner;
    out.winner_by_lot = ballot.count.winner_by_lot;
    out.rounds = int(ballot.count.rounds.size());
    out.eliminated_round = ballot.count.eliminated_round;
    if (out.eliminated_round.empty()) out.eliminated_round.assign(k, -1);
    out.share.assign(k, 0.0);
    if (!ballot.count.rounds.empty()) {
      const auto& last = ballot.count.rounds.back().votes;
      double total = 0;
      for (double v : last) total += v;
      for (size_t c = 0; c < k; ++c) out.share[c] = total > 0 ? last[c] / total : 0.0;
    }
    for (int sec = 0; sec < kSections; ++sec) {
      auto& fs = out.first_share[size_t(sec)];
      fs.assign(k, 0.0);
      double total = 0;
      for (double v : ballot.first[size_t(sec)]) total += v;
      for (size_t c = 0; c < k; ++c) fs[c] = total > 0 ? ballot.first[size_t(sec)][c] / total : 0.0;
    }
    out.ballot_eligible = ballot.eligible;
    out.ballot_voted = ballot.voted;
  }
}

}  // namespace leadsim
