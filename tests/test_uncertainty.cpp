// Tests of the spread's decomposition by source (uncertainty.hpp): on the toy, each source is
// listed only when it is there, and a source that is the spread's main cause accounts for most
// of it.
#include "leadsim/uncertainty.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace leadsim {
namespace {

using test::toy;

UncertaintyDecomposition decomposed(const Scenario& s, std::uint64_t runs) {
  const Population pop = synthesise(s, 2);
  EnsembleOptions opt;
  opt.seed = 2;
  opt.runs = runs;
  opt.threads = 2;
  const EnsembleResult full = run_ensemble(s, pop, opt);
  return decompose_uncertainty(s, pop, opt, full);
}

TEST(Uncertainty, ListsOnlyTheSourcesTheScenarioHas) {
  auto ids = [](const Scenario& s) {
    std::vector<std::string> out;
    for (const auto& u : uncertainty_sources(s)) out.push_back(u.id);
    return out;
  };
  EXPECT_EQ(ids(toy({"campaign.swing_sd=0", "population.dispersion=0"})), std::vector<std::string>{});
  EXPECT_EQ(ids(toy({"campaign.swing_sd=0.1", "population.dispersion=0",
                     "campaign.cohort_error=0.1", "factions.radical.bloc_sd=0.3"})),
            (std::vector<std::string>{"swing", "polls", "blocs"}));
}

TEST(Uncertainty, AStrongNationalSwingAccountsForMostOfTheSpread) {
  // A swing of 1 utility unit per candidate dwarfs everything else in the toy: without it the
  // share's variance falls by more than 80%; the CLPs' draws (dispersion 0.4) account for little.
  const UncertaintyDecomposition d = decomposed(toy({"campaign.swing_sd=1"}), 200);
  ASSERT_EQ(d.rows.size(), 2u);
  EXPECT_EQ(d.rows[0].id, "swing");
  EXPECT_GT(d.rows[0].share_part, 0.8) << d.all.share_variance << " -> " << d.rows[0].without.share_variance;
  EXPECT_EQ(d.rows[1].id, "clps");
  EXPECT_LT(d.rows[1].share_part, 0.3);
}

TEST(Uncertainty, ThePollsErrorShowsAsItsOwnPart) {
  // Poll error by section and cohort, and no national swing: the polls' row carries the spread.
  const UncertaintyDecomposition d = decomposed(
      toy({"campaign.swing_sd=0", "campaign.poll_error.member=0.3",
           "campaign.poll_error.registered=0.3", "campaign.poll_error.affiliated=0.3"}),
      200);
  ASSERT_FALSE(d.rows.empty());
  EXPECT_EQ(d.rows[0].id, "polls");
  EXPECT_GT(d.rows[0].share_part, 0.5);
  EXPECT_GT(d.all.share_variance, d.rows[0].without.share_variance);
}

}  // namespace
}  // namespace leadsim
