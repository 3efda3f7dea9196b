// chart.hpp: charts drawn with ImGui's ImDrawList, on the geometry of plot.hpp.
//
// A Chart is immediate mode like the rest of ImGui: construct it where it should appear (it
// reserves its size in the current window and draws the title, axes, ticks, grid and axis
// labels), draw data in data coordinates, and let it go. Hover tests are done by the caller
// against Chart::mouse() so each view writes its own tooltip.
//
//   Chart c("share", "Final-round share", size, {range_x, Unit::percent, "share of the final
//   round"},
//           {range_y, Unit::integer, "runs"});
//   c.rect(x0, 0, x1, count, candidate_colour(0));
//   c.vline(0.5, kMarkColour, "50%");
//
// Every chart's plot area is recorded in drawn_plots() for the frame, so the headless
// screenshot can say where the plots are (the window test checks they are not blank).
#pragma once

#include <imgui.h>

#include <string>
#include <utility>
#include <vector>

#include "plot.hpp"

namespace leadsim::viz {

// Colours. Candidates take the Okabe-Ito palette (distinguishable with colour-blindness).
ImU32 candidate_colour(int candidate, float alpha = 1.0f);
ImU32 none_colour(float alpha = 1.0f);    // no nomination, nobody
ImU32 pinned_colour(float alpha = 1.0f);  // the pinned result in the compare overlays
inline constexpr ImU32 kMarkColour = IM_COL32(230, 60, 60, 255);  // reference lines (50%)

// One axis: its range, how its values read, its label (with the unit).
struct Axis {
  Axis() = default;
  Axis(Range r, Unit u, std::string l) : range(r), unit(u), label(std::move(l)) {}
  Range range;
  Unit unit = Unit::number;
  std::string label;
  int max_ticks = 6;
  std::vector<std::string> categories;  // if set: category i is centred at i + 0.5, no grid
};

// A plot area the frame drew: for the screenshot's sidecar and its test.
struct PlotArea {
  std::string title;
  float x0, y0, x1, y1;  // pixels, window coordinates
};
std::vector<PlotArea>& drawn_plots();  // cleared by the app at the start of each frame

// Legend entries: a label and its colour swatch.
using Legend = std::vector<std::pair<std::string, ImU32>>;

class Chart {
 public:
  // The header holds the title, then the y axis's label and the legend (on one line when they
  // fit, wrapped otherwise): outside the plot area, so they never hide data.
  Chart(const char* id, const std::string& title, ImVec2 size, Axis x, Axis y,
        const Legend& legend = {});
  ~Chart();
  Chart(const Chart&) = delete;
  Chart& operator=(const Chart&) = delete;

  ImVec2 at(double x, double y) const;  // data -> pixels
  const Scale& xs() const { return xs_; }
  const Scale& ys() const { return ys_; }
  ImDrawList* draw_list() const { return dl_; }
  ImVec2 plot_min() const { return p0_; }
  ImVec2 plot_max() const { return p1_; }

  // Data drawing, clipped to the plot area.
  void rect(double x0, double y0, double x1, double y1, ImU32 fill, ImU32 border = 0);
  void outline(double x0, double y0, double x1, double y1, ImU32 colour, float thickness = 1.5f);
  void line(double x0, double y0, double x1, double y1, ImU32 colour, float thickness = 1.5f);
  void polyline(const std::vector<double>& xs, const std::vector<double>& ys, ImU32 colour,
                float thickness = 2.0f);
  void band(const std::vector<double>& xs, const std::vector<double>& lo,
            const std::vector<double>& hi, ImU32 fill);  // a shaded interval along x
  void point(double x, double y, float radius, ImU32 fill, ImU32 border = 0);
  // An interval [lo, hi] drawn as a whisker with end caps, horizontal at y or vertical at x.
  void whisker_h(double y, double lo, double hi, ImU32 colour, float cap = 4.0f);
  void whisker_v(double x, double lo, double hi, ImU32 colour, float cap = 4.0f);
  void vline(double x, ImU32 colour, const std::string& label = "", bool label_at_bottom = false);
  void hline(double y, ImU32 colour, const std::string& label = "");
  void text(double x, double y, const std::string& s, ImU32 colour, ImVec2 align = {0, 0});

  // A message in the middle of an empty chart ("waiting for runs").
  void message(const std::string& s);

  bool hovered() const { return hovered_; }
  ImVec2 mouse() const;  // in data coordinates (valid when hovered)

 private:
  ImDrawList* dl_ = nullptr;
  ImVec2 p0_, p1_;  // plot area (inside the axes)
  Scale xs_, ys_;
  bool hovered_ = false;
};

// A bar of a horizontal stacked bar (share of a whole), e.g. for the meeting inspector.
struct Segment {
  double value;
  ImU32 colour;
  std::string label;
};
// Draws a stacked horizontal bar `width` wide; returns the index of the hovered segment or -1.
int stacked_bar(const char* id, const std::vector<Segment>& segments, float width, float height);

}  // namespace leadsim::viz
