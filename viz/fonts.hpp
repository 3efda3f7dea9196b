// fonts.hpp: the visualiser's fonts and their scale (DPI).
//
// DejaVu Sans (Debian's fonts-dejavu-core) at 15 px times the monitor's content scale when it is
// installed, for legible charts and crisp text on high-DPI screens; Dear ImGui's built-in font
// otherwise. A bold face is used for chart titles when available.
#pragma once

#include <imgui.h>

namespace leadsim::viz {

struct Fonts {
  ImFont* regular = nullptr;
  ImFont* bold = nullptr;  // nullptr: titles use the regular font
  float scale = 1.0f;      // the content scale the fonts were built for
};
const Fonts& fonts();

// Adds the fonts to ImGui's atlas (call before the first frame), scales the style by `scale`
// and builds the atlas. Returns whether the TrueType fonts were found.
bool setup_fonts(float scale);

}  // namespace leadsim::viz
