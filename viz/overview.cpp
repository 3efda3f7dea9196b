// The overview: what the runs say about who wins, by how much, with what nominations, and how
// many people took part. Each chart reads the library's Summary (fine histograms, exact counts).
#include <algorithm>
#include <cmath>

#include "chart.hpp"
#include "leadsim/ballot.hpp"
#include "panels.hpp"
#include "shown.hpp"

namespace leadsim::viz {

namespace {

const char* kSectionLabels[kSections] = {"Members", "Registered", "Affiliated", "MPs"};

std::string pct(double v, int decimals = 1) { return format_value(v, Unit::percent, decimals); }

// Sections with voters in this scenario (a contest without registered supporters has none).
std::vector<int> sections_present(const Scenario& s) {
  std::vector<int> out;
  for (int sec = 0; sec < kSections; ++sec)
    if (section_counts(s, Section(sec))) out.push_back(sec);
  return out;
}

// A bin grid of nice width over `r` (within [clamp_lo, clamp_hi]) with about `bins` bins.
struct Grid {
  Range range;
  int bins = 1;
};
Grid nice_grid(Range r, int bins, double clamp_lo, double clamp_hi, double min_width) {
  // A 1-2-5 width giving between `bins` and 2.5 x `bins` bins; a multiple of the library's fine
  // bins, so every fine bin falls in one coarse bin.
  const double w = std::max(
      nice_ticks({0, std::max(r.span(), min_width)}, 2 * std::max(2, bins) + 1).step, min_width);
  Range g{std::floor(r.lo / w + 1e-9) * w, std::ceil(r.hi / w - 1e-9) * w};
  g.lo = std::max(g.lo, clamp_lo);
  g.hi = std::min(g.hi, clamp_hi);
  if (g.hi <= g.lo) g.hi = g.lo + w;
  return {g, std::max(1, int(std::lround(g.span() / w)))};
}

// The histogram of a Distribution over `grid`, as shares of runs.
Histogram share_of_runs(const Distribution& d, Range fine, const Grid& grid) {
  Histogram h = rebin(d.bins(), fine, grid.range, grid.bins);
  const double n = double(std::max<std::uint64_t>(1, d.count()));
  for (double& c : h.counts) c /= n;
  return h;
}

// Bars of a histogram; each bin is reported to an export as (view, series, bin, share of runs).
// `integer_bins`: bins hold whole numbers, reported as their first and last value.
void draw_histogram(Chart& c, const Histogram& h, ImU32 fill, const std::string& view,
                    const std::string& series, bool integer_bins = false) {
  for (size_t b = 0; b < h.counts.size(); ++b) {
    const double lo = h.bin_lo(b), hi = lo + h.bin_width();
    if (integer_bins)
      shown_bin(view, series, "share of runs", lo + 0.5, hi - 0.5, h.counts[b]);
    else
      shown_bin(view, series, "share of runs", lo, hi, h.counts[b]);
    if (h.counts[b] > 0) c.rect(lo, 0, hi, h.counts[b], fill);
  }
}

// A step outline (the pinned result over the current one).
void draw_outline(Chart& c, const Histogram& h, ImU32 colour, const std::string& view,
                  const std::string& series, bool integer_bins = false) {
  for (size_t b = 0; b < h.counts.size(); ++b) {
    const double lo = h.bin_lo(b), hi = lo + h.bin_width();
    shown_bin(view, "pinned: " + series, "share of runs", integer_bins ? lo + 0.5 : lo,
              integer_bins ? hi - 0.5 : hi, h.counts[b]);
  }
  std::vector<double> xs, ys;
  for (size_t b = 0; b < h.counts.size(); ++b) {
    xs.push_back(h.bin_lo(b));
    ys.push_back(h.counts[b]);
    xs.push_back(h.bin_lo(b) + h.bin_width());
    ys.push_back(h.counts[b]);
  }
  c.polyline(xs, ys, colour, 1.5f);
}

// Which bin the mouse is over, or -1.
int hovered_bin(const Chart& c, const Histogram& h) {
  if (!c.hovered() || h.counts.empty()) return -1;
  const double x = c.mouse().x;
  const int b = int(std::floor((x - h.range.lo) / h.bin_width()));
  return b >= 0 && b < int(h.counts.size()) ? b : -1;
}

bool usable(const Results* r) { return r && r->scenario && r->summary && r->summary->runs > 0; }

// Before the first runs arrive: the chart's frame and axes with a note, so the layout does not
// jump when the data comes. True when that is all there is to draw.
bool waiting_for_runs(const Results& r, const char* id, const std::string& title, ImVec2 size,
                      const Axis& x, const Axis& y) {
  if (usable(&r)) return false;
  Chart c(id, title, size, x, y);
  c.message("waiting for runs");
  return true;
}

// The pinned result can be overlaid only on the same candidates.
const Results* comparable(const Results& r, const Results* pinned) {
  if (!usable(pinned) || !usable(&r)) return nullptr;
  const auto& a = r.scenario->candidates;
  const auto& b = pinned->scenario->candidates;
  if (a.size() != b.size()) return nullptr;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].id != b[i].id) return nullptr;
  return pinned;
}

std::string runs_note(const Results& r) {
  return format_value(double(r.count()), Unit::integer, 0) + " runs";
}

}  // namespace

std::string candidate_label(const Scenario& s, int c) {
  if (c < 0 || size_t(c) >= s.candidates.size()) return "no nomination";
  return s.candidates[size_t(c)].name;
}

void help_marker(const char* text) {
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void win_probability_chart(const Results& r, const Results* pinned_in, ImVec2 size) {
  Axis x{{0, 1}, Unit::percent, "P(win), 95% interval"};
  Axis y{};
  if (waiting_for_runs(r, "win", "Who wins", size, x, y)) return;
  const Scenario& s = *r.scenario;
  const Summary& sum = *r.summary;
  const Results* pinned = comparable(r, pinned_in);
  const int k = int(s.candidates.size());
  for (int i = 0; i < k; ++i) y.categories.push_back(s.candidates[size_t(i)].name);
  if (sum.no_valid_nominations > 0) y.categories.push_back("nobody on ballot");
  Legend legend;
  if (pinned) legend = {{"bar: current", candidate_colour(0)}, {"grey: pinned", pinned_colour()}};
  Chart c("win", "Who wins (" + runs_note(r) + ")", size, x, y, legend);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  int hovered = -1;
  for (size_t i = 0; i < y.categories.size(); ++i) {
    const bool nobody = int(i) >= k;
    const std::uint64_t wins = nobody ? sum.no_valid_nominations : sum.candidates[i].wins;
    const Interval p = wilson_interval(wins, sum.runs);
    const double top = double(i) + (pinned ? 0.12 : 0.2),
                 bottom = double(i) + (pinned ? 0.58 : 0.8);
    const ImU32 colour = nobody ? none_colour() : candidate_colour(int(i));
    shown_value("win_probability", y.categories[i], "P(win)", p.estimate, p.lo, p.hi);
    c.rect(0, top, p.estimate, bottom, colour);
    c.whisker_h((top + bottom) / 2, p.lo, p.hi, text);
    if (pinned) {
      const std::uint64_t pw =
          nobody ? pinned->summary->no_valid_nominations : pinned->summary->candidates[i].wins;
      const Interval q = wilson_interval(pw, pinned->summary->runs);
      shown_value("win_probability", "pinned: " + y.categories[i], "P(win)", q.estimate, q.lo,
                  q.hi);
      c.rect(0, double(i) + 0.64, q.estimate, double(i) + 0.86, pinned_colour(0.25f),
             pinned_colour());
      c.whisker_h(double(i) + 0.75, q.lo, q.hi, pinned_colour());
    }
    // The number, where it fits: after the whisker, or inside the bar when the bar is long.
    // The number where it fits: after the whisker, else inside the bar, else shortened.
    const std::string full = pct(p.estimate) + "  [" + format_value(p.lo, Unit::percent, 1) + ", " +
                             format_value(p.hi, Unit::percent, 1) + "]";
    const std::string brief = pct(p.estimate);
    const float after = float(c.xs().px_hi - c.xs().to_px(p.hi)) - 8;
    const float inside = float(c.xs().to_px(p.lo) - c.xs().px_lo) - 8;
    const double mid = (top + bottom) / 2;
    for (const std::string* label : {&full, &brief}) {
      const float w = ImGui::CalcTextSize(label->c_str()).x + ImGui::GetFontSize() * 0.5f;
      if (w <= after) {
        c.text(p.hi, mid, "  " + *label, text, {0, 0.5f});
        break;
      }
      if (w <= inside) {
        c.text(p.lo, mid, *label + "  ", IM_COL32_WHITE, {1, 0.5f});
        break;
      }
    }
    if (c.hovered() && c.mouse().y >= double(i) && c.mouse().y < double(i) + 1) hovered = int(i);
  }
  if (hovered >= 0) {
    const bool nobody = hovered >= k;
    const std::uint64_t wins =
        nobody ? sum.no_valid_nominations : sum.candidates[size_t(hovered)].wins;
    const Interval p = wilson_interval(wins, sum.runs);
    ImGui::BeginTooltip();
    ImGui::Text("%s", y.categories[size_t(hovered)].c_str());
    ImGui::Text("won %llu of %llu runs: %s (95%% interval %s to %s)", (unsigned long long)wins,
                (unsigned long long)sum.runs, pct(p.estimate, 2).c_str(), pct(p.lo, 2).c_str(),
                pct(p.hi, 2).c_str());
    if (!nobody) {
      const auto& cs = sum.candidates[size_t(hovered)];
      ImGui::Text("on the ballot in %s of runs",
                  pct(double(cs.on_ballot) / double(sum.runs)).c_str());
    }
    if (pinned && !nobody) {
      const auto& pc = pinned->summary->candidates[size_t(hovered)];
      ImGui::Text("pinned: %s of %llu runs",
                  pct(double(pc.wins) / double(pinned->summary->runs)).c_str(),
                  (unsigned long long)pinned->summary->runs);
    }
    ImGui::EndTooltip();
  }
}

void final_share_chart(const Results& r, const Results* pinned_in, ImVec2 size) {
  const Axis x0{{0, 1}, Unit::percent, "share of the final round's votes"};
  const Axis y0{{0, 0.1}, Unit::percent, "% of runs"};
  if (waiting_for_runs(r, "share", "Final-round share", size, x0, y0)) return;
  const Scenario& s = *r.scenario;
  const Summary& sum = *r.summary;
  const Results* pinned = comparable(r, pinned_in);
  const int k = int(s.candidates.size());
  // Zoom on where the contested runs are, always showing the 50% line. A run in which a
  // candidate was alone on the ballot (share exactly 0 or 1) would stretch the axis to the ends:
  // those runs are counted in a note instead of drawn.
  Range xr{0.5, 0.5};
  auto inner = [](const Distribution& d) {
    std::vector<std::uint64_t> b = d.bins();
    b.front() = 0;
    b.back() = 0;
    return b;
  };
  std::uint64_t uncontested = 0;
  for (int c = 0; c < k; ++c) {
    const auto& d = sum.candidates[size_t(c)].share;
    if (d.count() == 0 || sum.candidates[size_t(c)].on_ballot == 0) continue;
    uncontested = std::max(uncontested, d.bins().back());
    const Range occ = occupied_range(inner(d), {0, 1}, 0.002);
    xr = including(including(xr, occ.lo), occ.hi);
    if (pinned) {
      const Range po =
          occupied_range(inner(pinned->summary->candidates[size_t(c)].share), {0, 1}, 0.002);
      xr = including(including(xr, po.lo), po.hi);
    }
  }
  xr = padded(xr, 0.04);
  const Grid grid = nice_grid(xr, suggested_bins(sum.runs, 60), 0, 1, 1e-4);
  std::vector<Histogram> hs, ps;
  double ymax = 0;
  for (int c = 0; c < k; ++c) {
    hs.push_back(share_of_runs(sum.candidates[size_t(c)].share, {0, 1}, grid));
    ymax = std::max(ymax, hs.back().max_count());
    if (pinned) {
      ps.push_back(share_of_runs(pinned->summary->candidates[size_t(c)].share, {0, 1}, grid));
      ymax = std::max(ymax, ps.back().max_count());
    }
  }
  Axis x = x0, y = y0;
  x.range = grid.range;
  y.range = {0, std::max(ymax * 1.12, 0.01)};
  Legend legend;
  for (int i = 0; i < k; ++i)
    legend.emplace_back(s.candidates[size_t(i)].name, candidate_colour(i));
  if (pinned) legend.emplace_back("outline: pinned", pinned_colour());
  Chart c("share", "Final-round share", size, x, y, legend);
  for (int i = 0; i < k; ++i) {
    if (sum.candidates[size_t(i)].on_ballot == 0) continue;
    draw_histogram(c, hs[size_t(i)], candidate_colour(i, 0.55f), "final_share",
                   s.candidates[size_t(i)].name);
  }
  for (int i = 0; i < k && pinned; ++i)
    draw_outline(c, ps[size_t(i)], candidate_colour(i), "final_share",
                 s.candidates[size_t(i)].name);
  c.vline(0.5, kMarkColour, "50%: majority");
  if (uncontested > 0) {
    const std::string note = format_value(double(uncontested), Unit::integer, 0) +
                             " runs with one candidate alone on the ballot: not shown";
    c.text(grid.range.lo, y.range.hi, note, ImGui::GetColorU32(ImGuiCol_TextDisabled), {0, 0});
    shown_value("final_share", "uncontested", "runs with one candidate alone on the ballot",
                double(uncontested));
  }
  const int b = hovered_bin(c, hs.empty() ? Histogram{} : hs[0]);
  if (b >= 0) {
    ImGui::BeginTooltip();
    ImGui::Text("final-round share %s to %s", pct(hs[0].bin_lo(size_t(b)), 2).c_str(),
                pct(hs[0].bin_lo(size_t(b)) + hs[0].bin_width(), 2).c_str());
    for (int i = 0; i < k; ++i) {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(candidate_colour(i)), "%s: %s of runs",
                         s.candidates[size_t(i)].name.c_str(),
                         pct(hs[size_t(i)].counts[size_t(b)]).c_str());
      if (pinned) {
        ImGui::SameLine();
        ImGui::TextDisabled("(pinned %s)", pct(ps[size_t(i)].counts[size_t(b)]).c_str());
      }
    }
    for (int i = 0; i < k; ++i) {
      const auto& d = sum.candidates[size_t(i)].share;
      ImGui::Text("%s: mean %s, 90%% of runs in [%s, %s]", s.candidates[size_t(i)].name.c_str(),
                  pct(d.mean()).c_str(), pct(d.quantile(0.05)).c_str(),
                  pct(d.quantile(0.95)).c_str());
    }
    ImGui::EndTooltip();
  }
}

void nominations_chart(const Results& r, const Results* pinned_in, ImVec2 size) {
  const Axis y0{{0, 0.1}, Unit::percent, "% of runs"};
  const Axis x_waiting{{0, 1}, Unit::integer, "CLP nominations"};
  if (waiting_for_runs(r, "noms", "CLP nominations", size, x_waiting, y0)) return;
  const Scenario& s = *r.scenario;
  const Summary& sum = *r.summary;
  const Results* pinned = comparable(r, pinned_in);
  const int k = int(s.candidates.size());
  const double n_clps = double(s.clps.size());
  // The library keeps one bin per count: Distribution(0, n+1, n+1). Shifting its range by half
  // a unit puts each fine bin's centre on its integer (see integer_bins()).
  const Range fine{-0.5, n_clps + 0.5};
  Range xr{1e300, -1e300};
  auto widen = [&](const Distribution& d) {
    if (d.count() == 0) return;
    xr = including(including(xr, d.quantile(0.0005)), d.quantile(0.9995));
  };
  for (int c = 0; c < k; ++c) {
    widen(sum.candidates[size_t(c)].nominations);
    if (pinned) widen(pinned->summary->candidates[size_t(c)].nominations);
  }
  if (xr.lo > xr.hi) xr = {0, 1};
  const IntegerBins ib = integer_bins(xr, std::clamp(int(size.x / 9), 10, 80));
  std::vector<Histogram> hs, ps;
  double ymax = 0;
  auto hist = [&](const Distribution& d) {
    Histogram h = rebin(d.bins(), fine, ib.range, ib.bins);
    const double n = double(std::max<std::uint64_t>(1, d.count()));
    for (double& v : h.counts) v /= n;
    ymax = std::max(ymax, h.max_count());
    return h;
  };
  for (int c = 0; c < k; ++c) {
    hs.push_back(hist(sum.candidates[size_t(c)].nominations));
    if (pinned) ps.push_back(hist(pinned->summary->candidates[size_t(c)].nominations));
  }
  Axis x{ib.range, Unit::integer,
         "CLP nominations won, of " + format_value(n_clps, Unit::integer, 0) + " CLPs"};
  Axis y = y0;
  y.range = {0, std::max(ymax * 1.12, 0.01)};
  Legend legend;
  for (int i = 0; i < k; ++i) {
    const auto& d = sum.candidates[size_t(i)].nominations;
    legend.emplace_back(
        s.candidates[size_t(i)].name + ": mean " + format_value(d.mean(), Unit::number, 1),
        candidate_colour(i));
  }
  if (pinned) legend.emplace_back("outline: pinned", pinned_colour());
  Chart c("noms", "CLP nominations per run", size, x, y, legend);
  for (int i = 0; i < k; ++i)
    draw_histogram(c, hs[size_t(i)], candidate_colour(i, 0.55f), "clp_nominations",
                   s.candidates[size_t(i)].name, true);
  for (int i = 0; i < k && pinned; ++i)
    draw_outline(c, ps[size_t(i)], candidate_colour(i), "clp_nominations",
                 s.candidates[size_t(i)].name, true);
  const int b = hovered_bin(c, hs.empty() ? Histogram{} : hs[0]);
  if (b >= 0) {
    const double lo = hs[0].bin_lo(size_t(b)) + 0.5, hi = lo + hs[0].bin_width() - 1;
    ImGui::BeginTooltip();
    if (hi > lo)
      ImGui::Text("%.0f to %.0f nominations", lo, hi);
    else
      ImGui::Text("%.0f nominations", lo);
    for (int i = 0; i < k; ++i)
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(candidate_colour(i)), "%s: %s of runs",
                         s.candidates[size_t(i)].name.c_str(),
                         pct(hs[size_t(i)].counts[size_t(b)]).c_str());
    ImGui::Separator();
    for (int i = 0; i < k; ++i) {
      const auto& d = sum.candidates[size_t(i)].nominations;
      ImGui::Text("%s: mean %.1f, 90%% of runs in [%.0f, %.0f]",
                  s.candidates[size_t(i)].name.c_str(), d.mean(), d.quantile(0.05),
                  d.quantile(0.95));
    }
    ImGui::Text("meetings held per run: mean %.1f of %.0f CLPs", sum.meetings_held.mean(), n_clps);
    ImGui::EndTooltip();
  }
}

void first_preferences_chart(const Results& r, const Results* pinned_in, ImVec2 size) {
  Axis y{{0, 1}, Unit::percent, "share of first preferences, 90% of runs"};
  Axis x{};
  if (!usable(&r)) x.categories = {"Members", "Registered", "Affiliated"};
  if (waiting_for_runs(r, "first", "First preferences by section", size, x, y)) return;
  const Scenario& s = *r.scenario;
  const Summary& sum = *r.summary;
  const Results* pinned = comparable(r, pinned_in);
  const int k = int(s.candidates.size());
  const std::vector<int> secs = sections_present(s);
  for (int sec : secs) x.categories.push_back(kSectionLabels[sec]);
  Legend legend;
  for (int i = 0; i < k; ++i)
    legend.emplace_back(s.candidates[size_t(i)].name, candidate_colour(i));
  if (pinned) legend.emplace_back("line: pinned mean", pinned_colour());
  Chart c("first", "First preferences by section", size, x, y, legend);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  int hovered_group = -1;
  for (size_t g = 0; g < secs.size(); ++g) {
    const int sec = secs[g];
    const double width = 0.8 / std::max(1, k);
    for (int i = 0; i < k; ++i) {
      const Distribution& d = sum.candidates[size_t(i)].first_share[size_t(sec)];
      const double x0 = double(g) + 0.1 + width * i, x1 = x0 + width * 0.9;
      shown_value("first_preferences", s.candidates[size_t(i)].name, kSectionLabels[sec], d.mean(),
                  d.quantile(0.05), d.quantile(0.95));
      c.rect(x0, 0, x1, d.mean(), candidate_colour(i));
      c.whisker_v((x0 + x1) / 2, d.quantile(0.05), d.quantile(0.95), text, 3);
      if (pinned) {
        const double pm = pinned->summary->candidates[size_t(i)].first_share[size_t(sec)].mean();
        c.line(x0 - width * 0.05, pm, x1 + width * 0.05, pm, pinned_colour(), 2.5f);
      }
      if (width * (c.xs().px_hi - c.xs().px_lo) / double(std::max<size_t>(1, secs.size())) > 34)
        c.text((x0 + x1) / 2, d.mean(), pct(d.mean(), 0), IM_COL32_WHITE, {0.5f, -0.2f});
    }
    if (c.hovered() && c.mouse().x >= double(g) && c.mouse().x < double(g) + 1)
      hovered_group = int(g);
  }
  c.hline(0.5, kMarkColour);
  if (hovered_group >= 0) {
    const int sec = secs[size_t(hovered_group)];
    ImGui::BeginTooltip();
    ImGui::Text("%s: share of first preferences among those who voted", kSectionLabels[sec]);
    for (int i = 0; i < k; ++i) {
      const Distribution& d = sum.candidates[size_t(i)].first_share[size_t(sec)];
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(candidate_colour(i)),
                         "%s: mean %s, 90%% in [%s, %s]", s.candidates[size_t(i)].name.c_str(),
                         pct(d.mean()).c_str(), pct(d.quantile(0.05)).c_str(),
                         pct(d.quantile(0.95)).c_str());
      if (pinned) {
        ImGui::SameLine();
        ImGui::TextDisabled(
            "(pinned %s)",
            pct(pinned->summary->candidates[size_t(i)].first_share[size_t(sec)].mean()).c_str());
      }
    }
    ImGui::EndTooltip();
  }
}

void attendance_chart(const Results& r, const Results* pinned_in, ImVec2 size) {
  const Axis x0{{0, 0.2}, Unit::percent, "% of eligible members who attended"};
  const Axis y0{{0, 0.1}, Unit::percent, "% of runs"};
  if (waiting_for_runs(r, "attendance", "Meeting attendance", size, x0, y0)) return;
  const Summary& sum = *r.summary;
  const Results* pinned = comparable(r, pinned_in);
  Range xr = occupied_range(sum.attendance_rate.bins(), {0, 1}, 0.002);
  if (pinned) {
    const Range pr = occupied_range(pinned->summary->attendance_rate.bins(), {0, 1}, 0.002);
    xr = including(including(xr, pr.lo), pr.hi);
  }
  const Grid grid = nice_grid(padded(xr, 0.1), suggested_bins(sum.runs, 40), 0, 1, 1e-4);
  const Histogram h = share_of_runs(sum.attendance_rate, {0, 1}, grid);
  Histogram ph;
  double ymax = h.max_count();
  if (pinned) {
    ph = share_of_runs(pinned->summary->attendance_rate, {0, 1}, grid);
    ymax = std::max(ymax, ph.max_count());
  }
  Axis x = x0, y = y0;
  x.range = grid.range;
  y.range = {0, std::max(ymax * 1.12, 0.01)};
  Legend legend;
  if (pinned) legend = {{"current", candidate_colour(4)}, {"outline: pinned", pinned_colour()}};
  Chart c("attendance", "Meeting attendance", size, x, y, legend);
  draw_histogram(c, h, candidate_colour(4, 0.8f), "attendance", "all meetings");
  if (pinned) draw_outline(c, ph, pinned_colour(), "attendance", "all meetings");
  shown_value("attendance", "all meetings", "mean attendance rate", sum.attendance_rate.mean(),
              sum.attendance_rate.quantile(0.05), sum.attendance_rate.quantile(0.95));
  shown_value("attendance", "all meetings", "meetings held per run", sum.meetings_held.mean(),
              sum.meetings_held.quantile(0.05), sum.meetings_held.quantile(0.95));
  c.vline(sum.attendance_rate.mean(), ImGui::GetColorU32(ImGuiCol_Text),
          "mean " + pct(sum.attendance_rate.mean()));
  const int b = hovered_bin(c, h);
  if (b >= 0) {
    ImGui::BeginTooltip();
    ImGui::Text(
        "attendance %s to %s of eligible members: %s of runs", pct(h.bin_lo(size_t(b)), 2).c_str(),
        pct(h.bin_lo(size_t(b)) + h.bin_width(), 2).c_str(), pct(h.counts[size_t(b)]).c_str());
    ImGui::Text("mean %s, 90%% of runs in [%s, %s]", pct(sum.attendance_rate.mean(), 2).c_str(),
                pct(sum.attendance_rate.quantile(0.05), 2).c_str(),
                pct(sum.attendance_rate.quantile(0.95), 2).c_str());
    ImGui::EndTooltip();
  }
}

void turnout_chart(const Results& r, const Results* pinned_in, ImVec2 size) {
  Axis y{{0, 1}, Unit::percent, "turnout of eligible voters, 90% of runs"};
  Axis x{};
  if (!usable(&r)) x.categories = {"Members", "Registered", "Affiliated"};
  if (waiting_for_runs(r, "turnout", "Final ballot turnout", size, x, y)) return;
  const Summary& sum = *r.summary;
  const Results* pinned = comparable(r, pinned_in);
  const std::vector<int> secs = sections_present(*r.scenario);
  for (int sec : secs) x.categories.push_back(kSectionLabels[sec]);
  Legend legend;
  if (pinned) legend = {{"line: pinned mean", pinned_colour()}};
  Chart c("turnout", "Final ballot turnout", size, x, y, legend);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  int hovered = -1;
  for (size_t g = 0; g < secs.size(); ++g) {
    const Distribution& d = sum.turnout[size_t(secs[g])];
    shown_value("turnout", kSectionLabels[secs[g]], "turnout", d.mean(), d.quantile(0.05),
                d.quantile(0.95));
    c.rect(double(g) + 0.25, 0, double(g) + 0.75, d.mean(), candidate_colour(2, 0.8f));
    c.whisker_v(double(g) + 0.5, d.quantile(0.05), d.quantile(0.95), text);
    c.text(double(g) + 0.5, d.mean(), pct(d.mean()), IM_COL32_WHITE, {0.5f, -0.2f});
    if (pinned) {
      const double pm = pinned->summary->turnout[size_t(secs[g])].mean();
      c.line(double(g) + 0.2, pm, double(g) + 0.8, pm, pinned_colour(), 2.5f);
    }
    if (c.hovered() && c.mouse().x >= double(g) && c.mouse().x < double(g) + 1) hovered = int(g);
  }
  if (hovered >= 0) {
    const Distribution& d = sum.turnout[size_t(secs[size_t(hovered)])];
    ImGui::BeginTooltip();
    ImGui::Text("%s: turnout mean %s, 90%% of runs in [%s, %s]",
                kSectionLabels[secs[size_t(hovered)]], pct(d.mean()).c_str(),
                pct(d.quantile(0.05)).c_str(), pct(d.quantile(0.95)).c_str());
    ImGui::EndTooltip();
  }
}

void summary_table(const Results& r) {
  if (!usable(&r)) return;
  const Scenario& s = *r.scenario;
  const Summary& sum = *r.summary;
  const std::vector<int> secs = sections_present(s);
  const int cols = 5 + int(secs.size());
  if (!ImGui::BeginTable(
          "summary", cols,
          ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit))
    return;
  ImGui::TableSetupColumn("Candidate");
  ImGui::TableSetupColumn("P(win) [95%]");
  ImGui::TableSetupColumn("Final share: mean [90% of runs]");
  for (int sec : secs)
    ImGui::TableSetupColumn((std::string("1st pref. ") + kSectionLabels[sec]).c_str());
  ImGui::TableSetupColumn("CLP nominations [90%]");
  ImGui::TableSetupColumn("MP nominations");
  ImGui::TableHeadersRow();
  for (size_t c = 0; c < s.candidates.size(); ++c) {
    const CandidateSummary& cs = sum.candidates[c];
    const Interval p = wilson_interval(cs.wins, sum.runs);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(candidate_colour(int(c))), "%s",
                       s.candidates[c].name.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.3f [%.3f, %.3f]", p.estimate, p.lo, p.hi);
    ImGui::TableNextColumn();
    ImGui::Text("%s [%s, %s]", pct(cs.share.mean()).c_str(), pct(cs.share.quantile(0.05)).c_str(),
                pct(cs.share.quantile(0.95)).c_str());
    for (int sec : secs) {
      ImGui::TableNextColumn();
      ImGui::Text("%s", pct(cs.first_share[size_t(sec)].mean()).c_str());
    }
    ImGui::TableNextColumn();
    ImGui::Text("%.1f [%.0f, %.0f]", cs.nominations.mean(), cs.nominations.quantile(0.05),
                cs.nominations.quantile(0.95));
    ImGui::TableNextColumn();
    ImGui::Text("%.1f", cs.mp_nominations.mean());
  }
  ImGui::EndTable();
  ImGui::TextDisabled(
      "Meetings per run: %.1f of %zu CLPs; attendance %s of eligible; turnout %s. Nobody on the "
      "ballot in %llu runs; decided by lot in %llu.",
      sum.meetings_held.mean(), s.clps.size(), pct(sum.attendance_rate.mean()).c_str(),
      [&] {
        std::string t;
        for (int sec : secs)
          t += (t.empty() ? "" : ", ") + std::string(kSectionLabels[sec]) + " " +
               pct(sum.turnout[size_t(sec)].mean());
        return t;
      }()
          .c_str(),
      (unsigned long long)sum.no_valid_nominations, (unsigned long long)sum.decided_by_lot);
}

void overview_panel(const Results& r, const Results* pinned, ImVec2 size) {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  // Two rows of three charts fill the space above the summary table (about 4 lines).
  const float table_h = line * float(5 + (r.scenario ? r.scenario->candidates.size() : 2));
  const float row_h = std::max(220.0f, (size.y - table_h - gap * 2) / 2);
  const float col_w = std::max(200.0f, (size.x - gap * 2) / 3);
  win_probability_chart(r, pinned, {col_w, row_h});
  ImGui::SameLine();
  final_share_chart(r, pinned, {col_w, row_h});
  ImGui::SameLine();
  nominations_chart(r, pinned, {col_w, row_h});
  first_preferences_chart(r, pinned, {col_w, row_h});
  ImGui::SameLine();
  attendance_chart(r, pinned, {col_w, row_h});
  ImGui::SameLine();
  turnout_chart(r, pinned, {col_w, row_h});
  summary_table(r);
}

}  // namespace leadsim::viz
