#include "chart.hpp"

#include <algorithm>
#include <cmath>

#include "fonts.hpp"

namespace leadsim::viz {

namespace {

// Okabe & Ito (2008): blue, vermillion, bluish green, orange, sky blue, reddish purple, yellow.
constexpr ImU32 kPalette[] = {
    IM_COL32(0, 114, 178, 255),  IM_COL32(213, 94, 0, 255),   IM_COL32(0, 158, 115, 255),
    IM_COL32(230, 159, 0, 255),  IM_COL32(86, 180, 233, 255), IM_COL32(204, 121, 167, 255),
    IM_COL32(240, 228, 66, 255),
};

ImU32 with_alpha(ImU32 c, float alpha) {
  const ImU32 a = ImU32(std::clamp(alpha, 0.0f, 1.0f) * 255.0f + 0.5f);
  return (c & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

ImU32 text_colour() { return ImGui::GetColorU32(ImGuiCol_Text); }
ImU32 dim_colour() { return ImGui::GetColorU32(ImGuiCol_TextDisabled); }
ImU32 grid_colour() { return ImGui::GetColorU32(ImGuiCol_Text, 0.10f); }

}  // namespace

ImU32 candidate_colour(int candidate, float alpha) {
  const int n = int(sizeof kPalette / sizeof kPalette[0]);
  return with_alpha(kPalette[((candidate % n) + n) % n], alpha);
}

ImU32 none_colour(float alpha) { return with_alpha(IM_COL32(150, 150, 150, 255), alpha); }
ImU32 pinned_colour(float alpha) { return with_alpha(IM_COL32(60, 60, 60, 255), alpha); }

std::vector<PlotArea>& drawn_plots() {
  static std::vector<PlotArea> plots;
  return plots;
}

namespace {

float legend_width(const Legend& items, float swatch, float gap) {
  float w = 0;
  for (const auto& [label, c] : items)
    w += swatch + gap * 0.5f + ImGui::CalcTextSize(label.c_str()).x + gap * 1.5f;
  return w;
}

// Draws legend items left to right from (x, y), wrapping within max_w; returns the lines used.
int draw_legend_row(ImDrawList* dl, const Legend& items, float x, float y, float max_w,
                    float line) {
  const float swatch = line * 0.75f, gap = line * 0.4f;
  float cx = x;
  int lines = 1;
  for (const auto& [label, colour] : items) {
    const float w = swatch + gap * 0.5f + ImGui::CalcTextSize(label.c_str()).x;
    if (cx > x && cx + w > x + max_w) {
      cx = x;
      y += line;
      ++lines;
    }
    const float sy = y + (line - swatch) * 0.5f;
    dl->AddRectFilled({cx, sy}, {cx + swatch, sy + swatch}, colour, 2);
    dl->AddText({cx + swatch + gap * 0.5f, y}, text_colour(), label.c_str());
    cx += w + gap * 1.5f;
  }
  return lines;
}

}  // namespace

Chart::Chart(const char* id, const std::string& title, ImVec2 size, Axis x, Axis y,
             const Legend& legend) {
  ImGui::PushID(id);
  size.x = std::max(size.x, 60.0f);
  size.y = std::max(size.y, 60.0f);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##chart", size);
  hovered_ = ImGui::IsItemHovered();
  dl_ = ImGui::GetWindowDrawList();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float line = ImGui::GetTextLineHeight();
  const float pad = std::round(line * 0.45f);

  // A frame, not a fill: a software renderer pays for every pixel blended.
  dl_->AddRect(pos, {pos.x + size.x, pos.y + size.y}, ImGui::GetColorU32(ImGuiCol_Border, 0.6f),
               style.FrameRounding);
  // Text in the header stays inside the chart.
  dl_->PushClipRect(pos, {pos.x + size.x - pad * 0.5f, pos.y + size.y}, true);

  // Title, then the y axis's label (its unit) and the legend: reading order, no rotated text.
  float top = pos.y + pad;
  {
    ImFont* bold = fonts().bold ? fonts().bold : ImGui::GetFont();
    dl_->AddText(bold, ImGui::GetFontSize(), {pos.x + pad, top}, text_colour(), title.c_str());
    top += line + pad * 0.5f;
  }
  const float header_w = size.x - pad * 2;
  const float ylabel_w = y.label.empty() ? 0 : ImGui::CalcTextSize(y.label.c_str()).x;
  const float legend_w = legend_width(legend, line * 0.75f, line * 0.4f);
  if (!y.label.empty()) dl_->AddText({pos.x + pad, top}, dim_colour(), y.label.c_str());
  if (!legend.empty()) {
    if (ylabel_w + legend_w + pad * 2 <= header_w) {
      draw_legend_row(dl_, legend, pos.x + size.x - pad - legend_w, top, legend_w + 1, line);
    } else {
      if (!y.label.empty()) top += line;
      top += line * float(draw_legend_row(dl_, legend, pos.x + pad, top, header_w, line) - 1);
    }
  }
  if (!y.label.empty() || !legend.empty()) top += line;
  dl_->PopClipRect();
  top += pad;
  const float bottom = pos.y + size.y - pad - (x.label.empty() ? 0 : line) - line - pad * 0.5f;

  // Y ticks decide the left margin (their widest label).
  const bool y_cat = !y.categories.empty();
  const bool x_cat = !x.categories.empty();
  const float plot_h = std::max(10.0f, bottom - top);
  Ticks yt;
  std::vector<std::string> ylabels;
  if (y_cat) {
    ylabels = y.categories;
  } else {
    yt = nice_ticks(y.range, std::clamp(int(plot_h / (line * 2.2f)) + 1, 2, y.max_ticks));
    const int dec = decimals_for_step(yt.step, y.unit);
    for (double v : yt.values) ylabels.push_back(format_value(v, y.unit, dec));
  }
  float label_w = 0;
  for (const auto& l : ylabels) label_w = std::max(label_w, ImGui::CalcTextSize(l.c_str()).x);
  label_w = std::min(label_w, size.x * 0.6f);
  const float left = pos.x + pad + label_w + pad;
  const float right = pos.x + size.x - pad * 2;
  p0_ = {std::round(left), std::round(top)};
  p1_ = {std::round(std::max(left + 10, right)), std::round(top + plot_h)};

  xs_ = Scale{x.range, p0_.x, p1_.x};
  // Categories on y read top to bottom (category 0 first); values grow upwards.
  ys_ =
      y_cat ? Scale{{0, double(y.categories.size())}, p0_.y, p1_.y} : Scale{y.range, p1_.y, p0_.y};
  if (x_cat) xs_ = Scale{{0, double(x.categories.size())}, p0_.x, p1_.x};

  // Y grid and labels.
  for (size_t i = 0; i < ylabels.size(); ++i) {
    const float py = float(y_cat ? ys_.to_px(double(i) + 0.5) : ys_.to_px(yt.values[i]));
    if (!y_cat) dl_->AddLine({p0_.x, py}, {p1_.x, py}, grid_colour());
    const ImVec2 ts = ImGui::CalcTextSize(ylabels[i].c_str());
    dl_->PushClipRect(pos, {p0_.x - pad * 0.5f, pos.y + size.y}, true);
    dl_->AddText({p0_.x - pad - ts.x, py - ts.y * 0.5f}, text_colour(), ylabels[i].c_str());
    dl_->PopClipRect();
  }
  // X ticks: as many as fit their labels.
  if (x_cat) {
    for (size_t i = 0; i < x.categories.size(); ++i) {
      const float px = float(xs_.to_px(double(i) + 0.5));
      const ImVec2 ts = ImGui::CalcTextSize(x.categories[i].c_str());
      dl_->AddText({px - ts.x * 0.5f, p1_.y + pad * 0.5f}, text_colour(), x.categories[i].c_str());
    }
  } else {
    const std::string sample = format_value(x.range.hi, x.unit, 2);
    const float per_label = ImGui::CalcTextSize(sample.c_str()).x + line * 1.5f;
    const Ticks xt =
        nice_ticks(x.range, std::clamp(int((p1_.x - p0_.x) / per_label), 2, x.max_ticks));
    const int dec = decimals_for_step(xt.step, x.unit);
    for (double v : xt.values) {
      const float px = float(xs_.to_px(v));
      dl_->AddLine({px, p0_.y}, {px, p1_.y}, grid_colour());
      dl_->AddLine({px, p1_.y}, {px, p1_.y + pad * 0.4f}, dim_colour());
      const std::string l = format_value(v, x.unit, dec);
      const ImVec2 ts = ImGui::CalcTextSize(l.c_str());
      dl_->AddText({px - ts.x * 0.5f, p1_.y + pad * 0.5f}, text_colour(), l.c_str());
    }
  }
  if (!x.label.empty()) {
    const ImVec2 ts = ImGui::CalcTextSize(x.label.c_str());
    dl_->PushClipRect(pos, {pos.x + size.x - pad * 0.5f, pos.y + size.y}, true);
    dl_->AddText({std::max(pos.x + pad, (p0_.x + p1_.x - ts.x) * 0.5f), p1_.y + pad * 0.5f + line},
                 dim_colour(), x.label.c_str());
    dl_->PopClipRect();
  }
  dl_->AddLine({p0_.x, p1_.y}, {p1_.x, p1_.y}, dim_colour());
  dl_->AddLine({p0_.x, p0_.y}, {p0_.x, p1_.y}, dim_colour());

  drawn_plots().push_back({title, p0_.x, p0_.y, p1_.x, p1_.y});
  dl_->PushClipRect(p0_, {p1_.x + 1, p1_.y + 1}, true);
}

Chart::~Chart() {
  dl_->PopClipRect();
  ImGui::PopID();
}

ImVec2 Chart::at(double x, double y) const { return {float(xs_.to_px(x)), float(ys_.to_px(y))}; }

ImVec2 Chart::mouse() const {
  const ImVec2 m = ImGui::GetIO().MousePos;
  return {float(xs_.to_value(m.x)), float(ys_.to_value(m.y))};
}

void Chart::rect(double x0, double y0, double x1, double y1, ImU32 fill, ImU32 border) {
  ImVec2 a = at(x0, y0), b = at(x1, y1);
  const ImVec2 lo{std::min(a.x, b.x), std::min(a.y, b.y)},
      hi{std::max(a.x, b.x), std::max(a.y, b.y)};
  dl_->AddRectFilled(lo, hi, fill);
  if (border) dl_->AddRect(lo, hi, border);
}

void Chart::outline(double x0, double y0, double x1, double y1, ImU32 colour, float thickness) {
  ImVec2 a = at(x0, y0), b = at(x1, y1);
  dl_->AddRect({std::min(a.x, b.x), std::min(a.y, b.y)}, {std::max(a.x, b.x), std::max(a.y, b.y)},
               colour, 0, 0, thickness);
}

void Chart::line(double x0, double y0, double x1, double y1, ImU32 colour, float thickness) {
  dl_->AddLine(at(x0, y0), at(x1, y1), colour, thickness);
}

void Chart::polyline(const std::vector<double>& xs, const std::vector<double>& ys, ImU32 colour,
                     float thickness) {
  std::vector<ImVec2> pts;
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i)
    if (std::isfinite(xs[i]) && std::isfinite(ys[i])) pts.push_back(at(xs[i], ys[i]));
  if (pts.size() >= 2) dl_->AddPolyline(pts.data(), int(pts.size()), colour, 0, thickness);
}

void Chart::band(const std::vector<double>& xs, const std::vector<double>& lo,
                 const std::vector<double>& hi, ImU32 fill) {
  // Quads between consecutive points: a concave band would break a single convex fill. Without
  // anti-aliasing, or the quads' soft edges would show as seams where they meet.
  const ImDrawListFlags flags = dl_->Flags;
  dl_->Flags &= ~ImDrawListFlags_AntiAliasedFill;
  for (size_t i = 0; i + 1 < xs.size() && i + 1 < lo.size() && i + 1 < hi.size(); ++i) {
    const ImVec2 a = at(xs[i], lo[i]), b = at(xs[i + 1], lo[i + 1]);
    const ImVec2 c = at(xs[i + 1], hi[i + 1]), d = at(xs[i], hi[i]);
    dl_->AddQuadFilled(a, b, c, d, fill);
  }
  dl_->Flags = flags;
}

void Chart::point(double x, double y, float radius, ImU32 fill, ImU32 border) {
  dl_->AddCircleFilled(at(x, y), radius, fill, 12);
  if (border) dl_->AddCircle(at(x, y), radius, border, 12);
}

void Chart::whisker_h(double y, double lo, double hi, ImU32 colour, float cap) {
  const ImVec2 a = at(lo, y), b = at(hi, y);
  dl_->AddLine(a, b, colour, 1.5f);
  dl_->AddLine({a.x, a.y - cap}, {a.x, a.y + cap}, colour, 1.5f);
  dl_->AddLine({b.x, b.y - cap}, {b.x, b.y + cap}, colour, 1.5f);
}

void Chart::whisker_v(double x, double lo, double hi, ImU32 colour, float cap) {
  const ImVec2 a = at(x, lo), b = at(x, hi);
  dl_->AddLine(a, b, colour, 1.5f);
  dl_->AddLine({a.x - cap, a.y}, {a.x + cap, a.y}, colour, 1.5f);
  dl_->AddLine({b.x - cap, b.y}, {b.x + cap, b.y}, colour, 1.5f);
}

void Chart::vline(double x, ImU32 colour, const std::string& label, bool label_at_bottom) {
  const float px = float(xs_.to_px(x));
  dl_->AddLine({px, p0_.y}, {px, p1_.y}, colour, 1.5f);
  if (label.empty()) return;
  // Right of the line, or left of it when it would run off the plot.
  const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
  const float left = px + 3 + ts.x > p1_.x ? px - 3 - ts.x : px + 3;
  dl_->AddText({left, label_at_bottom ? p1_.y - ts.y - 2 : p0_.y + 2}, colour, label.c_str());
}

void Chart::hline(double y, ImU32 colour, const std::string& label) {
  const float py = float(ys_.to_px(y));
  dl_->AddLine({p0_.x, py}, {p1_.x, py}, colour, 1.5f);
  if (!label.empty())
    dl_->AddText({p0_.x + 3, py - ImGui::GetTextLineHeight() - 1}, colour, label.c_str());
}

void Chart::text(double x, double y, const std::string& s, ImU32 colour, ImVec2 align) {
  const ImVec2 p = at(x, y), ts = ImGui::CalcTextSize(s.c_str());
  dl_->AddText({p.x - ts.x * align.x, p.y - ts.y * align.y}, colour, s.c_str());
}

void Chart::message(const std::string& s) {
  const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
  dl_->AddText({(p0_.x + p1_.x - ts.x) * 0.5f, (p0_.y + p1_.y - ts.y) * 0.5f}, dim_colour(),
               s.c_str());
}

int stacked_bar(const char* id, const std::vector<Segment>& segments, float width, float height) {
  ImGui::PushID(id);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##bar", {std::max(width, 1.0f), std::max(height, 1.0f)});
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  double total = 0;
  for (const auto& s : segments) total += std::max(0.0, s.value);
  int hovered_segment = -1;
  float x = pos.x;
  const float mx = ImGui::GetIO().MousePos.x;
  for (size_t i = 0; i < segments.size(); ++i) {
    const float w = total > 0 ? float(std::max(0.0, segments[i].value) / total) * width : 0;
    if (w <= 0) continue;
    dl->AddRectFilled({x, pos.y}, {x + w, pos.y + height}, segments[i].colour);
    const ImVec2 ts = ImGui::CalcTextSize(segments[i].label.c_str());
    if (ts.x + 6 < w)
      dl->AddText({x + (w - ts.x) * 0.5f, pos.y + (height - ts.y) * 0.5f}, IM_COL32_WHITE,
                  segments[i].label.c_str());
    if (hovered && mx >= x && mx < x + w) hovered_segment = int(i);
    x += w;
  }
  ImGui::PopID();
  return hovered_segment;
}

}  // namespace leadsim::viz
