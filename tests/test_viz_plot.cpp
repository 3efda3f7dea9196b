// Tests of the visualiser's plot geometry (viz/plot.hpp): ranges, nice ticks, the value-to-pixel
// mapping, re-binning the library's fine histograms, and the compare view's intervals.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "leadsim/summary.hpp"
#include "plot.hpp"

using namespace leadsim::viz;

TEST(VizPlot, SpanOfSkipsNonFiniteAndWidensASingleValue) {
  const std::vector<double> v{3, NAN, -1, INFINITY, 2};
  EXPECT_EQ(span_of(v), (Range{-1, 3}));
  const std::vector<double> one{0.4};
  const Range r = span_of(one);
  EXPECT_LT(r.lo, 0.4);
  EXPECT_GT(r.hi, 0.4);
  EXPECT_EQ(span_of(std::vector<double>{}), (Range{0, 1}));
  EXPECT_EQ(padded(Range{0, 10}, 0.1), (Range{-1, 11}));
  EXPECT_EQ(including(Range{0, 1}, 0.5), (Range{0, 1}));
  EXPECT_EQ(including(Range{0, 1}, 0.5 + 1), (Range{0, 1.5}));
}

TEST(VizPlot, NiceTicksAreOneTwoFiveStepsInsideTheRange) {
  const Ticks t = nice_ticks({0, 1}, 6);
  EXPECT_DOUBLE_EQ(t.step, 0.2);
  ASSERT_EQ(t.values.size(), 6u);
  EXPECT_DOUBLE_EQ(t.values.front(), 0);
  EXPECT_DOUBLE_EQ(t.values.back(), 1);
  EXPECT_EQ(t.decimals, 1);

  const Ticks u = nice_ticks({0.33, 0.71}, 5);  // 0.38 / 4 = 0.095 -> 0.1
  EXPECT_DOUBLE_EQ(u.step, 0.1);
  EXPECT_EQ(u.values, (std::vector<double>{0.4, 0.5, 0.6, 0.7}));

  const Ticks w = nice_ticks({-37, 912}, 6);  // 949 / 5 = 190 -> 200
  EXPECT_DOUBLE_EQ(w.step, 200);
  EXPECT_EQ(w.values, (std::vector<double>{0, 200, 400, 600, 800}));
  EXPECT_EQ(w.decimals, 0);

  for (int max_ticks = 2; max_ticks <= 12; ++max_ticks)
    for (Range r :
         {Range{0, 1}, Range{0.001, 0.0013}, Range{-5, 5}, Range{12, 916834}, Range{0.49, 0.51}}) {
      const Ticks k = nice_ticks(r, max_ticks);
      EXPECT_GE(k.values.size(), 2u) << r.lo << ".." << r.hi << " max " << max_ticks;
      EXPECT_LE(k.values.size(), size_t(max_ticks + 2));
      for (double v : k.values) {
        EXPECT_TRUE(r.contains(v) || std::abs(v - r.lo) < 1e-12 || std::abs(v - r.hi) < 1e-12);
        EXPECT_NEAR(std::remainder(v, k.step), 0, k.step * 1e-6);
      }
      const double mant = k.step / std::pow(10, std::floor(std::log10(k.step) + 1e-9));
      EXPECT_TRUE(std::abs(mant - 1) < 1e-9 || std::abs(mant - 2) < 1e-9 ||
                  std::abs(mant - 5) < 1e-9)
          << k.step;
    }
}

TEST(VizPlot, NiceRangeEnclosesTheDataOnStepMultiples) {
  const Range r = nice_range({0.13, 0.87}, 6);
  EXPECT_LE(r.lo, 0.13);
  EXPECT_GE(r.hi, 0.87);
  EXPECT_NEAR(r.lo, 0.0, 1e-12);
  EXPECT_NEAR(r.hi, 1.0, 1e-12);
}

TEST(VizPlot, ScaleMapsValuesToPixelsBothWays) {
  const Scale x{{0, 1}, 100, 300};
  EXPECT_DOUBLE_EQ(x.to_px(0.5), 200);
  EXPECT_DOUBLE_EQ(x.to_value(250), 0.75);
  EXPECT_DOUBLE_EQ(x.to_px_clamped(2), 300);
  const Scale y{{0, 50}, 400, 0};  // a y axis: larger values higher up, smaller pixels
  EXPECT_DOUBLE_EQ(y.to_px(0), 400);
  EXPECT_DOUBLE_EQ(y.to_px(50), 0);
  EXPECT_DOUBLE_EQ(y.to_px(10), 320);
  EXPECT_DOUBLE_EQ(y.to_value(320), 10);
  EXPECT_DOUBLE_EQ(y.to_px_clamped(-5), 400);
}

TEST(VizPlot, RebinKeepsEveryCountInRangeAndDropsTheRest) {
  // A leadsim::Distribution's fine histogram, as the views get it.
  leadsim::Distribution d(0, 1, 10000);
  for (int i = 0; i < 1000; ++i) d.add(0.4 + 0.2 * i / 1000.0);  // uniform on [0.4, 0.6)
  d.add(0.95);
  const Histogram h = rebin(d.bins(), {0, 1}, {0.4, 0.6}, 20);
  EXPECT_EQ(h.counts.size(), 20u);
  EXPECT_DOUBLE_EQ(h.total(), 1000);  // the 0.95 is outside the window
  for (double c : h.counts) EXPECT_NEAR(c, 50, 1);
  EXPECT_DOUBLE_EQ(h.bin_width(), 0.01);
  EXPECT_NEAR(h.bin_lo(3), 0.43, 1e-12);
}

TEST(VizPlot, OccupiedRangeZoomsOnTheMass) {
  leadsim::Distribution d(0, 1, 10000);
  for (int i = 0; i < 1000; ++i) d.add(0.55 + 0.1 * i / 1000.0);
  const Range r = occupied_range(d.bins(), {0, 1}, 0.001);
  EXPECT_NEAR(r.lo, 0.55, 1e-3);
  EXPECT_NEAR(r.hi, 0.65, 1e-3);
  const std::vector<std::uint64_t> empty(10, 0);
  EXPECT_EQ(occupied_range(empty, {0, 1}, 0.01), (Range{0, 1}));
}

TEST(VizPlot, IntegerBinsCentreOnWholeNumbersAndCoverTheData) {
  const IntegerBins a = integer_bins({3, 9}, 40);  // 7 values: one bin each
  EXPECT_EQ(a.width, 1);
  EXPECT_EQ(a.bins, 7);
  EXPECT_EQ(a.range, (Range{2.5, 9.5}));

  const IntegerBins b = integer_bins({235, 314}, 30);  // 80 values -> width 5
  EXPECT_EQ(b.width, 5);
  EXPECT_LE(b.range.lo, 235);
  EXPECT_GE(b.range.hi, 314);
  EXPECT_LE(b.bins, 30);

  // Counts of CLP nominations kept one per value (Distribution(0, n+1, n+1)), re-binned with the
  // fine range shifted by half a unit so each fine bin's centre is its integer value.
  leadsim::Distribution d(0, 21, 21);
  for (int v : {3, 3, 4, 9, 9, 9}) d.add(v);
  const IntegerBins ib = integer_bins({3, 9}, 40);
  const Histogram h = rebin(d.bins(), {-0.5, 20.5}, ib.range, ib.bins);
  EXPECT_EQ(h.counts, (std::vector<double>{2, 1, 0, 0, 0, 0, 3}));
}

TEST(VizPlot, SuggestedBinsGrowWithRunsWithinLimits) {
  EXPECT_EQ(suggested_bins(0), 8);
  EXPECT_EQ(suggested_bins(400), 20);
  EXPECT_EQ(suggested_bins(1000000), 60);
  EXPECT_EQ(suggested_bins(1000000, 80), 80);
}

TEST(VizPlot, WilsonMatchesTheLibrary) {
  for (auto [k, n] : {std::pair<int, int>{0, 10}, {3, 10}, {10, 10}, {512, 1000}}) {
    const Interval a = wilson_interval(std::uint64_t(k), std::uint64_t(n));
    const leadsim::Proportion b = leadsim::wilson(std::uint64_t(k), std::uint64_t(n));
    EXPECT_NEAR(a.estimate, b.p, 1e-12);
    EXPECT_NEAR(a.lo, b.lo, 1e-12);
    EXPECT_NEAR(a.hi, b.hi, 1e-12);
  }
  // And the interval itself, worked by hand from Wilson's formula (z = 1.959964).
  const Interval three = wilson_interval(3, 10);
  EXPECT_NEAR(three.estimate, 0.3, 1e-12);
  EXPECT_NEAR(three.lo, 0.107791, 1e-6);
  EXPECT_NEAR(three.hi, 0.603222, 1e-6);
  EXPECT_NEAR(wilson_interval(0, 10).hi, 0.277533, 1e-6);
  EXPECT_NEAR(wilson_interval(10, 10).lo, 0.722467, 1e-6);
}

TEST(VizPlot, PairedMeanDifference) {
  const std::vector<double> a{1, 2, 3, 4, 5}, b{0, 1, 2, 3, 4};
  const Interval d = paired_mean_difference(a, b);
  EXPECT_DOUBLE_EQ(d.estimate, 1);
  EXPECT_DOUBLE_EQ(d.lo, 1);  // every pair differs by exactly 1: no uncertainty
  EXPECT_DOUBLE_EQ(d.hi, 1);
  const std::vector<double> c{0.5, 0.7, 0.4, 0.6}, e{0.5, 0.5, 0.5, 0.5};
  const Interval f = paired_mean_difference(c, e);
  EXPECT_NEAR(f.estimate, 0.05, 1e-12);
  // sd of (0, .2, -.1, .1) = 0.1291; se = 0.06455; half-width 0.1265
  EXPECT_NEAR(f.hi - f.estimate, 1.959964 * 0.1290994 / 2, 1e-6);
  EXPECT_NEAR(f.estimate - f.lo, f.hi - f.estimate, 1e-12);
  // Unequal lengths: only the common runs are paired.
  const std::vector<double> g{1, 1, 1, 100};
  EXPECT_DOUBLE_EQ(paired_mean_difference(g, std::vector<double>{0, 0, 0}).estimate, 1);
}

TEST(VizPlot, PairedProportionDifferenceIsNewcombesMethod10) {
  // Contains the estimate, stays in [-1, 1], is antisymmetric, narrows with more runs.
  const Interval d = paired_proportion_difference(12, 9, 2, 21);
  EXPECT_NEAR(d.estimate, 7.0 / 44, 1e-12);
  EXPECT_LT(d.lo, d.estimate);
  EXPECT_GT(d.hi, d.estimate);
  EXPECT_GT(d.lo, 0);  // 9 discordant pairs one way, 2 the other: a real difference
  const Interval swapped = paired_proportion_difference(12, 2, 9, 21);
  EXPECT_NEAR(swapped.estimate, -d.estimate, 1e-12);
  EXPECT_NEAR(swapped.lo, -d.hi, 1e-12);
  EXPECT_NEAR(swapped.hi, -d.lo, 1e-12);
  const Interval more = paired_proportion_difference(120, 90, 20, 210);
  EXPECT_LT(more.hi - more.lo, d.hi - d.lo);
  // Both always win: the difference is 0, and the interval is not degenerate.
  const Interval sure = paired_proportion_difference(1000, 0, 0, 0);
  EXPECT_DOUBLE_EQ(sure.estimate, 0);
  EXPECT_LT(sure.lo, 0);
  EXPECT_GT(sure.hi, 0);
  EXPECT_GE(sure.lo, -1);
  EXPECT_LT(sure.hi, 0.01);
  const Interval none = paired_proportion_difference(0, 0, 0, 0);
  EXPECT_EQ(none.lo, -1);
  EXPECT_EQ(none.hi, 1);
}

TEST(VizPlot, FormatValueInTheAxisUnit) {
  EXPECT_EQ(format_value(0.4567, Unit::percent, 1), "45.7%");
  EXPECT_EQ(format_value(0.5, Unit::percent, 0), "50%");
  EXPECT_EQ(format_value(0.0123, Unit::percent_pt, 1), "+1.2 pt");
  EXPECT_EQ(format_value(-0.0123, Unit::percent_pt, 1), "-1.2 pt");
  EXPECT_EQ(format_value(-0.00001, Unit::percent_pt, 1), "+0.0 pt");
  EXPECT_EQ(format_value(916834, Unit::integer, 0), "916,834");
  EXPECT_EQ(format_value(-0.0, Unit::number, 1), "0.0");
  EXPECT_EQ(format_value(-0.01, Unit::number, 1), "0.0");
  EXPECT_EQ(format_value(0.25, Unit::number, 2), "0.25");
  EXPECT_EQ(decimals_for_step(0.05, Unit::percent), 0);
  EXPECT_EQ(decimals_for_step(0.002, Unit::percent), 1);
  EXPECT_EQ(decimals_for_step(0.2, Unit::number), 1);
  EXPECT_EQ(decimals_for_step(50, Unit::integer), 0);
}
