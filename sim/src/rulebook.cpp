// rulebook.cpp: the stage names, and the rules of one round of an MPs' exhaustive ballot.
#include "leadsim/rulebook.hpp"

#include <algorithm>
#include <stdexcept>

#include "leadsim/random.hpp"

namespace leadsim {

std::string_view stage_id(Stage s) {
  switch (s) {
    case Stage::mp_nominations: return "mp_nominations";
    case Stage::clp_nominations: return "clp_nominations";
    case Stage::affiliate_nominations: return "affiliate_nominations";
    case Stage::supporting_nominations: return "supporting_nominations";
    case Stage::mp_ballot: return "mp_ballot";
    case Stage::final_ballot: return "final_ballot";
  }
  throw std::invalid_argument("unknown Stage");
}

bool Rulebook::has(Stage s) const {
  return std::find(stages.begin(), stages.end(), s) != stages.end();
}

CountRules FinalBallotRules::count_rules() const {
  CountRules r(method);
  r.tie = tie;
  if (college) r.college.assign(weight.begin(), weight.end());
  return r;
}


MpRoundDecision decide_mp_round(const MpBallotRules& rules, int round,
                                const std::vector<std::vector<int>>& history,
                                const std::vector<bool>& continuing, std::uint64_t tie_seed) {
  if (history.empty() || round < 0) throw std::invalid_argument("decide_mp_round: no tallies");
  const std::vector<int>& votes = history.back();
  if (votes.size() != continuing.size())
    throw std::invalid_argument("decide_mp_round: tallies and candidates differ in size");
  MpRoundDecision d;
  std::vector<int> left;
  int total = 0;
  for (size_t c = 0; c < votes.size(); ++c)
    if (continuing[c]) {
      left.push_back(int(c));
      total += votes[c];
    }
  if (left.size() <= 1) return d;
  auto v = [&](int c) { return votes[size_t(c)]; };

  // 1. Below the round's minimum.
  if (size_t(round) < rules.minimum_votes.size()) {
    const int minimum = rules.minimum_votes[size_t(round)];
    for (int c : left)
      if (v(c) < minimum) d.eliminated.push_back(c);
    if (d.eliminated.size() == left.size()) {
      // Nobody reached the minimum: the leader stays (ties for the lead: lots).
      int best = *std::max_element(left.begin(), left.end(),
                                   [&](int a, int b) { return v(a) < v(b); });
      std::vector<int> top;
      for (int c : left)
        if (v(c) == v(best)) top.push_back(c);
      if (top.size() > 1) {
        d.by_lot = true;
        best = top[CounterDraw(tie_seed)(std::uint64_t(round) * 2 + 1) % top.size()];
      }
      std::erase(d.eliminated, best);
    }
  }
  // 2. Otherwise the lowest, ties narrowed by earlier rounds, then lots.
  if (d.eliminated.empty()) {
    std::vector<int> tied = left;
    for (size_t back = history.size(); back-- > 0 && tied.size() > 1;) {
      const auto& h = history[back];
      int low = h[size_t(tied.front())];
      for (int c : tied) low = std::min(low, h[size_t(c)]);
      std::erase_if(tied, [&](int c) { return h[size_t(c)] != low; });
    }
    int out = tied.front();
    if (tied.size() > 1) {
      d.by_lot = true;
      out = tied[CounterDraw(tie_seed)(std::uint64_t(round) * 2) % tied.size()];
    }
    d.eliminated.push_back(out);
  }
  std::sort(d.eliminated.begin(), d.eliminated.end());
  std::erase_if(left, [&](int c) {
    return std::binary_search(d.eliminated.begin(), d.eliminated.end(), c);
  });
  // 3. Voluntary withdrawals of trailing candidates, lowest first.
  if (rules.withdraw_below > 0 && total > 0) {
    std::stable_sort(left.begin(), left.end(), [&](int a, int b) { return v(a) < v(b); });
    for (int c : left) {
      if (int(left.size() - d.withdrawn.size()) <= rules.finalists) break;
      if (double(v(c)) >= rules.withdraw_below * total) break;
      // Each candidate decides for themselves: a draw per (round, candidate).
      const double u =
          to_unit(CounterDraw(tie_seed ^ 0x5744524157ULL)(std::uint64_t(round) * 64 + std::uint64_t(c)));
      if (u < rules.withdraw_probability) d.withdrawn.push_back(c);
    }
  }
  return d;
}

}  // namespace leadsim
