#include "fonts.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace leadsim::viz {

namespace {

Fonts& mutable_fonts() {
  static Fonts f;
  return f;
}

const char* find_font(std::initializer_list<const char*> candidates) {
  for (const char* p : candidates)
    if (std::filesystem::exists(p)) return p;
  return nullptr;
}

}  // namespace

const Fonts& fonts() { return mutable_fonts(); }

bool setup_fonts(float scale) {
  Fonts& f = mutable_fonts();
  ImGuiIO& io = ImGui::GetIO();
  scale = std::clamp(scale, 0.5f, 4.0f);
  f.scale = scale;
  const float size = std::round(15.0f * scale);
  const char* regular = find_font({"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"});
  const char* bold = find_font({"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"});
  io.Fonts->Clear();
  if (regular) {
    f.regular = io.Fonts->AddFontFromFileTTF(regular, size);
    f.bold = bold ? io.Fonts->AddFontFromFileTTF(bold, size) : nullptr;
  } else {
    ImFontConfig cfg;
    cfg.SizePixels = std::round(13.0f * scale);
    f.regular = io.Fonts->AddFontDefault(&cfg);
    f.bold = nullptr;
  }
  io.FontDefault = f.regular;
  io.Fonts->Build();
  ImGui::GetStyle().ScaleAllSizes(scale);
  return regular != nullptr;
}

}  // namespace leadsim::viz
