#include "plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "leadsim/summary.hpp"

namespace leadsim::viz {

Range span_of(std::span<const double> values) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!(lo <= hi)) return {0, 1};
  if (lo == hi) {
    // A single value still needs room to be drawn: half a unit, or 10% for large values.
    const double half = std::max(0.5, std::abs(lo) * 0.1);
    return {lo - half, hi + half};
  }
  return {lo, hi};
}

Range padded(Range r, double fraction) {
  const double m = r.span() * fraction;
  return {r.lo - m, r.hi + m};
}

Range including(Range r, double v) {
  if (!std::isfinite(v)) return r;
  return {std::min(r.lo, v), std::max(r.hi, v)};
}

namespace {

// The n-th nice step at or above `raw`: 1, 2, 5 x 10^k. `down` steps below instead.
double nice_step_at_least(double raw) {
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  // A little slack: 2.0000000001 should be 2, not 5.
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (norm <= m * (1 + 1e-9)) return m * mag;
  return 10 * mag;
}

double next_smaller_nice(double step) {
  const double mag = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  const double m = std::round(step / mag);
  if (m >= 5) return 2 * mag;
  if (m >= 2) return 1 * mag;
  return 0.5 * mag;
}

std::vector<double> multiples_in(Range r, double step) {
  std::vector<double> out;
  const double first = std::ceil(r.lo / step - 1e-9);
  const double last = std::floor(r.hi / step + 1e-9);
  for (double k = first; k <= last && out.size() < 1000; k += 1) {
    double v = k * step;
    if (std::abs(v) < step * 1e-9) v = 0;  // no "-0"
    out.push_back(v);
  }
  return out;
}

int decimals_of(double step) {
  // Steps are 1, 2 or 5 x 10^k: k below zero needs -k decimals.
  const int k = int(std::floor(std::log10(step) + 1e-9));
  return std::max(0, -k);
}

}  // namespace

Ticks nice_ticks(Range r, int max_ticks) {
  Ticks t;
  max_ticks = std::max(2, max_ticks);
  if (!(r.span() > 0) || !std::isfinite(r.span())) {
    t.step = 1;
    if (std::isfinite(r.lo)) t.values = {r.lo};
    return t;
  }
  t.step = nice_step_at_least(r.span() / double(max_ticks - 1));
  t.values = multiples_in(r, t.step);
  while (t.values.size() > size_t(max_ticks)) {  // rounding up can still leave one too many
    t.step = nice_step_at_least(t.step * 1.5);
    t.values = multiples_in(r, t.step);
  }
  // A coarse step can straddle a short range: fall back to finer steps until two ticks show.
  for (int guard = 0; t.values.size() < 2 && guard < 20; ++guard) {
    t.step = next_smaller_nice(t.step);
    t.values = multiples_in(r, t.step);
  }
  t.decimals = decimals_of(t.step);
  // Snap to the decimals shown, so 7 x 0.1 is 0.7 and not 0.7000000000000001.
  const double p = std::pow(10.0, t.decimals);
  for (double& v : t.values) v = std::round(v * p) / p;
  return t;
}

Range nice_range(Range r, int max_ticks) {
  if (!(r.span() > 0)) r = span_of(std::span<const double>(&r.lo, 1));
  const double step = nice_step_at_least(r.span() / double(std::max(1, max_ticks - 1)));
  return {std::floor(r.lo / step + 1e-9) * step, std::ceil(r.hi / step - 1e-9) * step};
}

double Scale::to_px(double v) const {
  const double span = domain.span();
  if (span == 0) return (px_lo + px_hi) / 2;
  return px_lo + (v - domain.lo) / span * (px_hi - px_lo);
}

double Scale::to_value(double px) const {
  if (px_hi == px_lo) return domain.lo;
  return domain.lo + (px - px_lo) / (px_hi - px_lo) * domain.span();
}

double Scale::to_px_clamped(double v) const {
  return to_px(std::clamp(v, std::min(domain.lo, domain.hi), std::max(domain.lo, domain.hi)));
}

double Histogram::total() const {
  double t = 0;
  for (double c : counts) t += c;
  return t;
}

double Histogram::max_count() const {
  double m = 0;
  for (double c : counts) m = std::max(m, c);
  return m;
}

Histogram rebin(std::span<const std::uint64_t> fine, Range fine_range, Range out_range, int bins) {
  Histogram h;
  h.range = out_range;
  h.counts.assign(size_t(std::max(1, bins)), 0.0);
  if (fine.empty() || !(out_range.span() > 0)) return h;
  const double fine_width = fine_range.span() / double(fine.size());
  const double out_width = out_range.span() / double(h.counts.size());
  for (size_t b = 0; b < fine.size(); ++b) {
    if (fine[b] == 0) continue;
    const double centre = fine_range.lo + (double(b) + 0.5) * fine_width;
    const double k = std::floor((centre - out_range.lo) / out_width);
    if (k < 0 || k >= double(h.counts.size())) continue;
    h.counts[size_t(k)] += double(fine[b]);
  }
  return h;
}

Range occupied_range(std::span<const std::uint64_t> fine, Range fine_range, double tail) {
  std::uint64_t n = 0;
  for (auto c : fine) n += c;
  if (n == 0) return fine_range;
  const double width = fine_range.span() / double(fine.size());
  const double cut = tail * double(n);
  size_t first = 0, last = fine.size() - 1;
  double acc = 0;
  for (size_t b = 0; b < fine.size(); ++b) {
    acc += double(fine[b]);
    if (acc > cut) {
      first = b;
      break;
    }
  }
  acc = 0;
  for (size_t b = fine.size(); b-- > 0;) {
    acc += double(fine[b]);
    if (acc > cut) {
      last = b;
      break;
    }
  }
  if (last < first) last = first;
  return {fine_range.lo + double(first) * width, fine_range.lo + double(last + 1) * width};
}

int suggested_bins(std::uint64_t n, int max_bins) {
  const int b = int(std::lround(std::sqrt(double(n))));
  return std::clamp(b, 8, std::max(8, max_bins));
}

IntegerBins integer_bins(Range r, int max_bins) {
  IntegerBins out;
  const double lo = std::floor(r.lo), hi = std::ceil(r.hi);
  const double values = hi - lo + 1;  // integers lo..hi inclusive
  out.width = values <= max_bins ? 1.0 : nice_step_at_least(values / double(std::max(1, max_bins)));
  out.width = std::max(1.0, std::round(out.width));
  const double first = std::floor(lo / out.width) * out.width;
  out.bins = int(std::ceil((hi + 1 - first) / out.width));
  // Bin k holds the integers first + k*width .. first + (k+1)*width - 1: edges at half-integers.
  out.range = {first - 0.5, first + double(out.bins) * out.width - 0.5};
  return out;
}

Interval paired_mean_difference(std::span<const double> a, std::span<const double> b) {
  const size_t n = std::min(a.size(), b.size());
  Interval out;
  if (n == 0) return out;
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += a[i] - b[i];
  const double mean = sum / double(n);
  double ss = 0;
  for (size_t i = 0; i < n; ++i) ss += (a[i] - b[i] - mean) * (a[i] - b[i] - mean);
  const double se = n > 1 ? std::sqrt(ss / double(n - 1) / double(n)) : 0.0;
  out.estimate = mean;
  out.lo = mean - 1.959964 * se;
  out.hi = mean + 1.959964 * se;
  return out;
}

Interval wilson_interval(std::uint64_t k, std::uint64_t n) {
  const Proportion p = wilson(k, n);  // the library's (summary.hpp), as an Interval
  return {p.p, p.lo, p.hi};
}

Interval paired_proportion_difference(std::uint64_t n11, std::uint64_t n10, std::uint64_t n01,
                                      std::uint64_t n00) {
  // Newcombe (1998), "Improved confidence intervals for the difference between binomial
  // proportions based on paired data", method 10.
  const std::uint64_t n = n11 + n10 + n01 + n00;
  if (n == 0) return {0, -1, 1};
  const double a = double(n11), b = double(n10), c = double(n01), d = double(n00);
  const Interval first = wilson_interval(n11 + n10, n), second = wilson_interval(n11 + n01, n);
  const double p1 = first.estimate, p2 = second.estimate;
  const double theta = p1 - p2;
  const double A = (a + b) * (c + d) * (a + c) * (b + d);
  double phi = 0;
  if (A > 0) {
    const double ad_bc = a * d - b * c;
    phi = (ad_bc > 0 ? std::max(ad_bc - double(n) / 2, 0.0) : ad_bc) / std::sqrt(A);
  }
  const double l1 = p1 - first.lo, u1 = first.hi - p1, l2 = p2 - second.lo, u2 = second.hi - p2;
  const double dl = std::sqrt(std::max(0.0, l1 * l1 - 2 * phi * l1 * u2 + u2 * u2));
  const double du = std::sqrt(std::max(0.0, u1 * u1 - 2 * phi * u1 * l2 + l2 * l2));
  return {theta, std::max(-1.0, theta - dl), std::min(1.0, theta + du)};
}

namespace {

// "1234567" -> "1,234,567": counts of people and CLPs read better grouped.
std::string group_thousands(const std::string& digits) {
  size_t start = (digits.size() && (digits[0] == '-' || digits[0] == '+')) ? 1 : 0;
  size_t dot = digits.find('.');
  if (dot == std::string::npos) dot = digits.size();
  std::string out = digits.substr(0, start);
  const std::string whole = digits.substr(start, dot - start);
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  return out + digits.substr(dot);
}

}  // namespace

std::string format_value(double v, Unit unit, int decimals) {
  char buf[64];
  decimals = std::clamp(decimals, 0, 9);
  switch (unit) {
    case Unit::integer:
      std::snprintf(buf, sizeof buf, "%.0f", std::round(v) == 0 ? 0.0 : std::round(v));
      return group_thousands(buf);
    case Unit::percent:
      std::snprintf(buf, sizeof buf, "%.*f%%", decimals, v * 100);
      return buf;
    case Unit::percent_pt: {
      const double pt = v * 100;
      std::snprintf(buf, sizeof buf, "%+.*f pt", decimals,
                    std::abs(pt) < 0.5 * std::pow(10.0, -decimals) ? 0.0 : pt);
      return buf;
    }
    case Unit::number:
      break;
  }
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s == "-0" || (s.rfind("-0.", 0) == 0 && s.find_first_not_of("-0.") == std::string::npos))
    s.erase(0, 1);  // no "-0.0"
  return std::abs(v) >= 10000 ? group_thousands(s) : s;
}

int decimals_for_step(double step, Unit unit) {
  if (!(step > 0)) return 0;
  if (unit == Unit::integer) return 0;
  if (unit == Unit::percent || unit == Unit::percent_pt) step *= 100;
  return decimals_of(step);
}

}  // namespace leadsim::viz
