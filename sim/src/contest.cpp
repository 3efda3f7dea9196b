#include "leadsim/contest.hpp"

#include <algorithm>
#include <optional>

#include "leadsim/eligibility.hpp"
#include "leadsim/nominations.hpp"
#include "leadsim/parliament.hpp"
#include "leadsim/preferences.hpp"
#include "leadsim/random.hpp"
#include "meeting_run.hpp"

namespace leadsim {

std::uint64_t run_key(std::uint64_t seed, std::uint64_t run) {
  return derive_key(derive_key(seed, name_hash("run")), run);
}

struct ContestWorkspace::Buffers {
  detail::MeetingScratch meeting;
  Persuasion persuasion;
  BallotScratch ballot;
};
ContestWorkspace::ContestWorkspace() : buffers(std::make_unique<Buffers>()) {}
ContestWorkspace::~ContestWorkspace() = default;
ContestWorkspace::ContestWorkspace(ContestWorkspace&&) noexcept = default;
ContestWorkspace& ContestWorkspace::operator=(ContestWorkspace&&) noexcept = default;

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

void run_contest(const Scenario& scenario, const Population& pop, std::uint64_t seed,
                 std::uint64_t run, ContestWorkspace& ws, RunResult& out, MeetingStory* story,
                 int story_clp) {
  // With a posterior (contest.posterior), the run plays the particle drawn for it.
  const Scenario& s = scenario.for_run(seed, run);
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
  std::optional<MpRun> mps;
  {
    StageTimer t(ws, 2);
    mps.emplace(s, pop.parliament, key);
  }

  // Every declared candidate stands until a stage's threshold removes them.
  std::vector<bool> standing(k, true);
  std::vector<std::int8_t> endorsement(n_clps, -1);  // local MPs' choices, if they nominate
  std::vector<int> affiliate_nominee(s.affiliates.size(), -1);
  out.out_at_stage.assign(k, -1);
  auto leave_unless = [&](const std::vector<bool>& stays, int stage) {
    for (size_t c = 0; c < k; ++c)
      if (standing[c] && !stays[c]) {
        standing[c] = false;
        out.out_at_stage[c] = stage;
      }
  };
  out.mp_nominations.assign(k, 0);
  out.nominations.assign(k, 0);
  out.meeting_votes.assign(k, 0);
  out.affiliate_nominations.assign(k, 0);
  out.mp_ballot_first.assign(k, 0);
  out.mp_out_round.assign(k, 0);
  out.mp_rounds = 0;
  out.clp_nominee.assign(n_clps, -1);
  out.clp_attendance.assign(n_clps, 0);
  out.clp_eligible.assign(n_clps, 0);
  out.clp_met.assign(n_clps, 0);
  out.clp_votes.assign(n_clps * k, 0);
  out.meetings_held = out.meetings_quorate = out.meetings_general_committee = 0;
  out.meeting_attendance = out.meeting_eligible = 0;
  ws.buffers->persuasion.clear();

  for (size_t st = 0; st + 1 < s.rules.stages.size(); ++st) {
    const int stage = int(st);
    switch (s.rules.stages[st]) {
      case Stage::mp_nominations: {
        StageTimer t(ws, 2);
        const MpNominations n = nominate_by_mps(s, *mps, standing);
        out.mp_nominations = n.count;
        endorsement = n.endorsement;
        leave_unless(n.on_ballot, stage);
        break;
      }
      case Stage::clp_nominations: {
        StageTimer t(ws, 3);
        const MeetingInputs in{s, pop, *prefs, *electorate, standing, endorsement, key};
        for (size_t c = 0; c < n_clps; ++c) {
          MeetingStory* sto = story && int(c) == story_clp ? story : nullptr;
          const MeetingResult r = detail::hold_meeting(in, int(c), ws.buffers->meeting, ws.buffers->persuasion, sto);
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
          for (size_t j = 0; j < k; ++j) {
            out.meeting_votes[j] += r.votes[j];
            out.clp_votes[c * k + j] = r.votes[j];
          }
        }
        break;
      }
      case Stage::affiliate_nominations: {
        StageTimer t(ws, 4);
        affiliate_nominee = nominate_by_affiliates(s, pop, *prefs, standing, key);
        for (int a : affiliate_nominee)
          if (a >= 0) ++out.affiliate_nominations[size_t(a)];
        break;
      }
      case Stage::supporting_nominations:
        leave_unless(supporting_threshold(s, out.nominations, affiliate_nominee, standing), stage);
        break;
      case Stage::mp_ballot: {
        StageTimer t(ws, 2);
        const std::vector<bool> before = standing;
        const MpBallotResult b = run_mp_ballot(s, *mps, standing, key);
        out.mp_rounds = int(b.rounds.size());
        if (!b.rounds.empty()) out.mp_ballot_first = b.rounds.front();
        out.mp_out_round = b.out_round;
        for (size_t c = 0; c < k; ++c)
          if (before[c] && !standing[c]) out.out_at_stage[c] = stage;
        break;
      }
      case Stage::final_ballot:
        break;  // always last (the loader checks)
    }
  }
  out.on_ballot = standing;

  std::vector<float> shift(k, 0.0f);
  {
    StageTimer t(ws, 5);
    std::vector<double> clp_won(k), aff_won(k);
    for (size_t c = 0; c < k; ++c) clp_won[c] = out.nominations[c];
    for (size_t a = 0; a < affiliate_nominee.size(); ++a)
      if (affiliate_nominee[a] >= 0) aff_won[size_t(affiliate_nominee[a])] += s.affiliates[a].share;
    const auto from_clps = momentum(clp_won, standing, s.campaign.momentum);
    const auto from_affiliates = momentum(aff_won, standing, s.campaign.affiliate_momentum);
    for (size_t c = 0; c < k; ++c) shift[c] = from_clps[c] + from_affiliates[c];
  }

  out.share.assign(k, 0.0);
  out.eliminated_round.assign(k, -1);
  for (auto& fs : out.first_share) fs.assign(k, 0.0);
  out.ballot_eligible.fill(0);
  out.ballot_voted.fill(0);
  out.winner = -1;
  out.winner_by_lot = false;
  out.rounds = 0;
  const int left = int(std::count(standing.begin(), standing.end(), true));
  out.unopposed = left == 1;
  if (left <= 1) {
    // Nobody left: no valid nominations. One left: elected unopposed, no ballot is held.
    for (size_t c = 0; c < k; ++c)
      if (standing[c]) {
        out.winner = int(c);
        out.share[c] = 1.0;
      }
    return;
  }
  {
    StageTimer t(ws, 6);
    BallotOutcome ballot;
    prefs->add_national_shift(shift);
    BallotInputs in{s, pop, *prefs, *electorate, standing, endorsement, ws.buffers->persuasion, key};
    in.mps = &*mps;
    cast_final_ballot(in, ws.buffers->ballot, ballot);
    out.winner = ballot.count.winner;
    out.winner_by_lot = ballot.count.winner_by_lot;
    out.rounds = int(ballot.count.rounds.size());
    out.eliminated_round = ballot.count.eliminated_round;
    if (!ballot.count.rounds.empty()) {
      const auto& last = ballot.count.rounds.back().votes;
      double total = 0;
      for (double v : last) total += v;
      for (size_t c = 0; c < k; ++c) out.share[c] = total > 0 ? last[c] / total : 0.0;
    }
    for (int sec = 0; sec < kSections; ++sec) {
      auto& fs = out.first_share[size_t(sec)];
      double total = 0;
      for (double v : ballot.first[size_t(sec)]) total += v;
      for (size_t c = 0; c < k; ++c) fs[c] = total > 0 ? ballot.first[size_t(sec)][c] / total : 0.0;
    }
    out.ballot_eligible = ballot.eligible;
    out.ballot_voted = ballot.voted;
  }
}

}  // namespace leadsim
