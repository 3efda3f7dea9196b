// Tests of the visualiser's background runs and the numbers derived from them (viz/runner.hpp,
// viz/results.hpp): streamed results equal the library's, populations are reused only when
// they may be, cancel and debounce work, and the CLP rows, differences and member support add up.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "leadsim/ensemble.hpp"
#include "results.hpp"
#include "runner.hpp"
#include "support.hpp"

using namespace leadsim;
using namespace leadsim::viz;
using leadsim::test::toy;

namespace {

std::shared_ptr<const Scenario> toy_ptr(const std::vector<std::string>& overrides = {}) {
  return std::make_shared<const Scenario>(toy(overrides));
}

// Polls the runner like the UI does, until the job ends (or 60 s pass).
Results wait_for_end(Runner& runner, Results view = {}) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    runner.update(view, 0.0);
    const auto st = runner.status();
    if (view.job == st.job && (view.complete || view.cancelled) &&
        st.phase != Runner::Phase::waiting && st.phase != Runner::Phase::running)
      return view;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ADD_FAILURE() << "the runs did not end";
  return view;
}

}  // namespace

TEST(VizRunner, StreamedResultsEqualTheLibrarysAndArePerRun) {
  Runner runner;
  const auto s = toy_ptr();
  runner.submit(s, {}, {.runs = 200, .seed = 3, .threads = 2}, true);
  const Results view = wait_for_end(runner);
  ASSERT_TRUE(view.complete);
  EXPECT_EQ(view.count(), 200u);
  ASSERT_EQ(view.runs.size(), 200u);
  for (size_t i = 0; i < view.runs.size(); ++i) EXPECT_EQ(view.runs.value(RunFieldId::run, i), double(i));

  const Population pop = synthesise(*s, 3);
  EnsembleOptions opt;
  opt.seed = 3;
  opt.runs = 200;
  opt.threads = 1;
  const EnsembleResult direct = run_ensemble(*s, pop, opt);
  for (int c = 0; c < view.candidates(); ++c) {
    EXPECT_EQ(view.summary->candidates[size_t(c)].wins, direct.summary.candidates[size_t(c)].wins);
    EXPECT_DOUBLE_EQ(view.summary->candidates[size_t(c)].share.mean(),
                     direct.summary.candidates[size_t(c)].share.mean());
    double mean = 0;
    for (size_t i = 0; i < view.runs.size(); ++i) mean += view.runs.share_of(i, c);
    EXPECT_NEAR(mean / 200, direct.summary.candidates[size_t(c)].share.mean(), 1e-6);
  }
  const auto st = runner.status();
  EXPECT_EQ(st.phase, Runner::Phase::done);
  EXPECT_EQ(st.done, 200u);
  EXPECT_GT(st.runs_per_second, 0);
}

TEST(VizRunner, ThePopulationIsRedrawnOnlyWhenItMustBe) {
  Runner runner;
  runner.submit(toy_ptr(), {}, {.runs = 20}, true);
  Results view = wait_for_end(runner);
  EXPECT_FALSE(runner.status().population_reused);
  const auto first_population = view.population;

  runner.submit(toy_ptr({"meetings.chair_bias=0.5"}), {"meetings.chair_bias=0.5"}, {.runs = 20},
                true);
  view = wait_for_end(runner, view);
  EXPECT_TRUE(runner.status().population_reused);
  EXPECT_EQ(view.population, first_population);
  EXPECT_EQ(view.overrides, (std::vector<std::string>{"meetings.chair_bias=0.5"}));

  runner.submit(toy_ptr({"waves.old.activism=1.5"}), {}, {.runs = 20}, true);
  view = wait_for_end(runner, view);
  EXPECT_FALSE(runner.status().population_reused);
  EXPECT_NE(view.population, first_population);

  runner.submit(toy_ptr({"waves.old.activism=1.5"}), {}, {.runs = 20, .seed = 2}, true);
  view = wait_for_end(runner, view);
  EXPECT_FALSE(runner.status().population_reused);  // a new seed draws new people
}

TEST(VizRunner, CancelKeepsTheRunsSoFar) {
  Runner runner;
  runner.submit(toy_ptr(), {}, {.runs = 10'000'000, .threads = 1}, true);
  Results view;
  for (int i = 0; i < 2000 && view.count() < 20; ++i) {
    runner.update(view, 0.0);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(view.count(), 20u);
  runner.cancel();
  view = wait_for_end(runner, view);
  EXPECT_TRUE(view.cancelled);
  EXPECT_FALSE(view.complete);
  EXPECT_LT(view.count(), 10'000'000u);
  EXPECT_EQ(runner.status().phase, Runner::Phase::cancelled);
}

TEST(VizRunner, RapidRequestsAreDebouncedIntoOneJob) {
  Runner runner(0.2);
  const auto job_before = runner.status().job;
  for (int i = 0; i < 10; ++i) {
    const std::string o = "meetings.attendance=0.0" + std::to_string(i + 1);
    runner.submit(toy_ptr({o}), {o}, {.runs = 30});
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(runner.status().phase, Runner::Phase::waiting);
  const Results view = wait_for_end(runner);
  EXPECT_EQ(view.job, job_before + 1);  // one job, of the last request
  EXPECT_EQ(view.overrides, (std::vector<std::string>{"meetings.attendance=0.010"}));
  EXPECT_EQ(view.count(), 30u);
}

TEST(VizResults, ClpRowsAddUpToOne) {
  Runner runner;
  runner.submit(toy_ptr(), {}, {.runs = 100}, true);
  const Results view = wait_for_end(runner);
  const auto rows = clp_rows(view);
  ASSERT_EQ(rows.size(), 20u);
  double nominations = 0;
  for (const auto& r : rows) {
    double total = r.p_none;
    for (double p : r.p_nominate) total += p;
    EXPECT_NEAR(total, 1, 1e-12) << r.name;
    EXPECT_LE(r.p_none, 1);
    EXPECT_GE(r.p_met, 1 - r.p_none - 1e-12);  // a nomination needs a meeting
    if (r.p_met > 0) {
      EXPECT_GT(r.mean_eligible, 0);
      EXPECT_NEAR(r.attendance_rate, r.mean_attendance / r.mean_eligible, 1e-9);
    }
    nominations += r.p_nominate[0] * 100;
  }
  EXPECT_NEAR(nominations, view.summary->candidates[0].nominations.mean() * 100, 1e-6);
}

TEST(VizResults, DifferencesArePairedByRun) {
  Runner runner;
  runner.submit(toy_ptr(), {}, {.runs = 300}, true);
  const Results upheld = wait_for_end(runner);
  // Against itself: every difference is exactly zero.
  for (const auto& d : differences(upheld, upheld)) {
    EXPECT_DOUBLE_EQ(d.diff.estimate, 0) << d.what;
    EXPECT_EQ(d.pairs, 300u);
  }
  // Letting the new members vote (freeze overturned) helps the left candidate (they are radicals).
  runner.submit(toy_ptr({"eligibility.freeze_ruling=overturned"}), {}, {.runs = 300}, true);
  const Results overturned = wait_for_end(runner, upheld);
  const auto diffs = differences(overturned, upheld);
  ASSERT_FALSE(diffs.empty());
  const Difference* share = nullptr;
  for (const auto& d : diffs)
    if (d.what == "Final share Left Candidate") share = &d;
  ASSERT_NE(share, nullptr);
  EXPECT_GT(share->diff.lo, 0) << share->diff.estimate;
  EXPECT_NEAR(share->diff.estimate, share->current - share->pinned, 1e-9);
  EXPECT_EQ(diffs[0].what, "P(win) Left Candidate");
  EXPECT_GE(diffs[0].diff.hi, diffs[0].diff.estimate);

  // Different candidates: nothing to compare.
  Results other = upheld;
  auto s = std::make_shared<Scenario>(*upheld.scenario);
  s->candidates[0].id = "someone_else";
  other.scenario = s;
  EXPECT_TRUE(differences(other, upheld).empty());
}

TEST(VizResults, MemberSupportIsAShareOfEligibleMembers) {
  const Scenario s = toy();
  const Population pop = synthesise(s, 1);
  const auto support = member_support(s, pop, 1, 2);
  const auto eligible = eligible_by_wave(s, pop);
  ASSERT_EQ(support.size(), s.clps.size());
  for (size_t c = 0; c < support.size(); ++c) {
    double total = 0;
    for (double x : support[c]) total += x;
    int members = 0;
    for (int n : eligible[c]) members += n;
    if (members > 0) {
      EXPECT_NEAR(total, 1, 1e-9);
    }
  }
  // Only members who joined by the meeting freeze (2020-01-31): of the new wave (joined
  // 2020-01-01 to 06-30) about 31 days in 182; no registered or affiliated supporters.
  ASSERT_EQ(s.waves[1].id, "new");
  int new_members = 0, supporters = 0;
  for (const auto& row : eligible) {
    new_members += row[1];
    supporters += row[2] + row[3];
  }
  EXPECT_NEAR(new_members, 8000 * 31 / 182, 150);
  EXPECT_EQ(supporters, 0);
}

TEST(VizRunner, ARequestSeenBeforeIsAnsweredFromTheKeptJob) {
  Runner runner;
  const RunSettings settings{.runs = 40, .seed = 5, .threads = 2};
  runner.submit(toy_ptr(), {}, settings, true);
  const Results first = wait_for_end(runner);
  ASSERT_TRUE(first.complete);
  EXPECT_FALSE(runner.status().kept);

  const std::string edit = "meetings.chair_bias=0.5";
  runner.submit(toy_ptr({edit}), {edit}, settings, true);
  Results view = wait_for_end(runner, first);
  EXPECT_FALSE(runner.status().kept);  // a new scenario: computed

  // Back to the first scenario: no runs are made, and the results are the first job's.
  runner.submit(toy_ptr(), {}, settings, true);
  view = wait_for_end(runner, view);
  const auto st = runner.status();
  EXPECT_TRUE(st.kept);
  EXPECT_EQ(st.phase, Runner::Phase::done);
  EXPECT_EQ(st.done, 40u);
  EXPECT_GT(view.job, first.job);
  EXPECT_TRUE(view.complete);
  EXPECT_TRUE(view.overrides.empty());
  EXPECT_EQ(view.runs.column(RunFieldId::share).real, first.runs.column(RunFieldId::share).real);
  EXPECT_EQ(view.runs.column(RunFieldId::nominations).narrow,
            first.runs.column(RunFieldId::nominations).narrow);
  for (int c = 0; c < view.candidates(); ++c)
    EXPECT_EQ(view.summary->candidates[size_t(c)].wins, first.summary->candidates[size_t(c)].wins);

  // The same scenario with another seed or run count is another job; so is anything after
  // forget().
  runner.submit(toy_ptr(), {}, {.runs = 40, .seed = 6, .threads = 2}, true);
  view = wait_for_end(runner, view);
  EXPECT_FALSE(runner.status().kept);
  runner.submit(toy_ptr(), {}, {.runs = 41, .seed = 5, .threads = 2}, true);
  view = wait_for_end(runner, view);
  EXPECT_FALSE(runner.status().kept);
  runner.forget();
  runner.submit(toy_ptr(), {}, settings, true);
  view = wait_for_end(runner, view);
  EXPECT_FALSE(runner.status().kept);
  EXPECT_EQ(view.runs.column(RunFieldId::share).real, first.runs.column(RunFieldId::share).real);  // computed again: the same bytes
}

TEST(VizRunner, TheKeyIsTheScenarioNotTheOverrideList) {
  // Keyed by every resolved parameter: a scenario changed without an override string (as the
  // population test does) is still a different job.
  Runner runner;
  runner.submit(toy_ptr(), {}, {.runs = 20}, true);
  Results view = wait_for_end(runner);
  runner.submit(toy_ptr({"meetings.chair_bias=0.5"}), {}, {.runs = 20}, true);
  view = wait_for_end(runner, view);
  EXPECT_FALSE(runner.status().kept);
  EXPECT_NE(results_key(*toy_ptr(), {.runs = 20}),
            results_key(*toy_ptr({"meetings.chair_bias=0.5"}), {.runs = 20}));
  EXPECT_EQ(results_key(*toy_ptr(), {.runs = 20, .threads = 1}),
            results_key(*toy_ptr(), {.runs = 20, .threads = 2}));
}

TEST(VizResults, TheRunTableHoldsEveryRunFieldOfTheSchema) {
  const Scenario s = toy();
  const Population pop = synthesise(s, 4);
  struct Keep : RunObserver {
    std::vector<RunResult> runs;
    void on_run(const RunResult& r) override { runs.push_back(r); }
  } keep;
  run_ensemble(s, pop, {.seed = 4, .runs = 12, .threads = 2}, &keep);
  const size_t k = s.candidates.size();
  RunTable t;
  t.reset(int(k));
  for (const auto& r : keep.runs) t.add(r);
  ASSERT_EQ(t.size(), 12u);
  ASSERT_EQ(t.columns.size(), run_fields().size());
  for (const RunField& f : run_fields()) {
    for (size_t row = 0; row < t.size(); ++row) {
      std::vector<double> want;
      append_row(want, f, keep.runs[row], k);
      ASSERT_EQ(t.column(f.id).cells, want.size()) << f.name;
      for (size_t cell = 0; cell < want.size(); ++cell) {
        const double expected = f.real ? double(float(want[cell])) : want[cell];
        EXPECT_EQ(t.value(f.id, row, cell), expected) << f.name << " row " << row << " cell " << cell;
      }
    }
  }
  EXPECT_EQ(t.winner_of(3), keep.runs[3].winner);
  EXPECT_EQ(t.first_of(5, 1, 1), double(float(keep.runs[5].first_share[1][1])));
  EXPECT_EQ(t.turnout_of(2, 0), double(float(keep.runs[2].turnout(0))));
  EXPECT_EQ(t.attendance_rate_of(7), double(float(keep.runs[7].attendance_rate())));
  // Appending in two steps gives the same table.
  RunTable half, u;
  half.reset(int(k));
  for (size_t i = 0; i < 5; ++i) half.add(keep.runs[i]);
  u = half;
  u.append(t, 5);
  ASSERT_EQ(u.size(), 12u);
  for (size_t i = 0; i < t.columns.size(); ++i) {
    EXPECT_EQ(u.columns[i].real, t.columns[i].real);
    EXPECT_EQ(u.columns[i].narrow, t.columns[i].narrow);
    EXPECT_EQ(u.columns[i].wide, t.columns[i].wide);
  }
}
