// plot.hpp: the geometry of leadsim-viz's charts, as plain functions (no ImGui, unit-tested).
//
// A chart is drawn in two steps: this module decides where things go (ranges, "nice" ticks,
// bins, intervals, the value-to-pixel mapping); chart.hpp draws them with ImDrawList. Keeping
// the arithmetic here means it is tested without a window (tests/test_viz_plot.cpp).
//
// Sections:
//   Range, padded(), span_of()       an interval of values on one axis
//   Ticks, nice_ticks()              1-2-5 tick steps covering a range
//   Scale                            value <-> pixel along one axis (pixels may run backwards)
//   Histogram, rebin(), ...          coarse histograms from the library's fine ones
//   Interval, paired_mean_difference(), paired_proportion_difference()   differences with
//                                    their 95% intervals, for the compare view
//   format_value()                   tick and tooltip labels in the axis's unit
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace leadsim::viz {

// A closed interval of values [lo, hi] on one axis.
struct Range {
  double lo = 0, hi = 1;
  double span() const { return hi - lo; }
  bool contains(double v) const { return v >= lo && v <= hi; }
  bool operator==(const Range&) const = default;
};

// The smallest range holding every finite value (NaNs and infinities skipped); {0, 1} if none.
// A single value v gives {v - 0.5, v + 0.5} (or v*(1 -+ 0.1) for large |v|), so it can be drawn.
Range span_of(std::span<const double> values);
// Widens r by `fraction` of its span at each end (e.g. 0.05 for a 5% margin).
Range padded(Range r, double fraction);
// r widened to include v.
Range including(Range r, double v);

// Ticks at multiples of a 1, 2 or 5 x 10^k step, inside the range.
struct Ticks {
  double step = 1;
  std::vector<double> values;  // ascending, each a multiple of step (rounded to it)
  int decimals = 0;            // digits after the point that show the step exactly
};
// At most `max_ticks` ticks and at least 2 when the range is not empty (a range that falls
// between two coarse ticks may get up to 2 more than max_ticks to show two).
Ticks nice_ticks(Range r, int max_ticks);
// r widened outwards to the enclosing multiples of the nice step for `max_ticks` ticks.
Range nice_range(Range r, int max_ticks);

// Linear mapping of one axis: value `domain.lo` is at pixel `px_lo`, `domain.hi` at `px_hi`.
// For a y axis px_lo is the bottom (a larger pixel coordinate than px_hi).
struct Scale {
  Range domain;
  double px_lo = 0, px_hi = 1;
  double to_px(double v) const;
  double to_value(double px) const;
  double to_px_clamped(double v) const;  // values outside the domain pinned to its ends
};

// Counts over equal-width bins of [range.lo, range.hi).
struct Histogram {
  Range range;
  std::vector<double> counts;
  double bin_width() const { return counts.empty() ? 0 : range.span() / double(counts.size()); }
  double bin_lo(std::size_t b) const { return range.lo + double(b) * bin_width(); }
  double total() const;
  double max_count() const;
};

// Re-bins a fine histogram (bins of equal width over `fine_range`, as leadsim::Distribution
// keeps) into `bins` bins over `out_range`: each fine bin's count goes to the coarse bin holding
// its centre; fine bins outside out_range are dropped.
Histogram rebin(std::span<const std::uint64_t> fine, Range fine_range, Range out_range, int bins);

// The part of a fine histogram that holds all but `tail` of the mass at each end (e.g. 0.001),
// so a chart zooms on where the runs are. Empty histogram: fine_range.
Range occupied_range(std::span<const std::uint64_t> fine, Range fine_range, double tail);

// Bins to show for n observations: about sqrt(n), between 8 and `max_bins`.
int suggested_bins(std::uint64_t n, int max_bins = 60);

// For integer-valued data (counts of CLP nominations): a bin width that is a whole 1-2-5 number
// giving at most max_bins bins over r, and r aligned to it (bins centred on integers when width 1).
struct IntegerBins {
  Range range;
  int bins = 1;
  double width = 1;
};
IntegerBins integer_bins(Range r, int max_bins);

// A 95% interval around an estimate.
struct Interval {
  double estimate = 0, lo = 0, hi = 0;
};

// Mean of per-run differences a_i - b_i with its normal 95% interval (t-based below 30 pairs
// would be wider; with the hundreds of runs the views use, 1.96 is accurate).
Interval paired_mean_difference(std::span<const double> a, std::span<const double> b);

// Difference of two proportions measured on the same runs (paired: run i of each), from the
// 2x2 table of outcomes: both (n11), only the first (n10), only the second (n01), neither (n00).
// Newcombe's method 10 (score intervals with a correlation correction): stays inside [-1, 1]
// and is not degenerate when both proportions are 0 or 1.
Interval paired_proportion_difference(std::uint64_t n11, std::uint64_t n10, std::uint64_t n01,
                                      std::uint64_t n00);

// Wilson's 95% score interval for k successes in n: the library's wilson() (summary.hpp) as an
// Interval.
Interval wilson_interval(std::uint64_t k, std::uint64_t n);

// How values on an axis read.
enum class Unit {
  number,      // 1234.5
  integer,     // 1234
  percent,     // a share 0.4567 shown as 45.7%
  percent_pt,  // a difference of shares shown as +1.2 pt
};
// A label for v; `decimals` as nice_ticks() gives it (for percent, decimals of the percentage).
std::string format_value(double v, Unit unit, int decimals);
// Decimals that show a step of `step` exactly in `unit` (percent: step x 100).
int decimals_for_step(double step, Unit unit);

}  // namespace leadsim::viz
