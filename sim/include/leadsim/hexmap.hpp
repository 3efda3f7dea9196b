// hexmap.hpp: a hex cartogram of constituencies, one equal hexagon per constituency, read from a
// CSV (`name,q,r`, e.g. scenarios/data/ge2015_hexmap.csv) and laid out for drawing. The map
// answers "where" questions: a small urban seat is as visible as a large rural one.
//
// Layout: a pointy-top hexagonal grid in the "odd-r" offset layout (odd rows sit half a hexagon
// to the right) with `r` growing northwards, so a drawing with y down puts row r at y = -1.5 r.
// Used by `leadsim score` (map.svg) and the visualiser's CLP map; neither knows the layout.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace leadsim {

struct HexCell {
  std::string name;  // constituency name, as in the CLP list
  int q = 0, r = 0;  // column and row (odd-r offset; r grows northwards)
  int line = 0;      // line of the CSV it came from (for messages)
};

struct HexPoint {
  double x = 0, y = 0;
};

struct HexMap {
  std::string file;
  std::vector<HexCell> cells;
  int index(const std::string& name) const;  // -1 if no cell has that name
};

// Reads `path` (columns name, q, r; other columns ignored). Throws InputError with file:line for
// a missing column, a non-integer coordinate, a name or a cell used twice, or no rows.
HexMap read_hexmap(const std::string& path);

// The map beside a scenario's CLP file: `<folder of the scenario>/data/ge2015_hexmap.csv`. The
// path is returned whether or not the file exists.
std::string default_hexmap_path(const std::string& scenario_file);

// Geometry for hexagons of circumradius 1 (centre to corner), y growing downwards (north up):
// the centre of cell (q, r), and the six corners of a hexagon of circumradius `size` about `c`.
HexPoint hex_centre(int q, int r);
std::array<HexPoint, 6> hex_corners(HexPoint c, double size);

// The bounding box of every cell's hexagon, for fitting a map into a rectangle.
struct HexBounds {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
HexBounds hex_bounds(const HexMap& m);

struct Scenario;
// How many of the scenario's CLPs have a hexagon on the map (0: its CLPs are not on this map,
// e.g. generated ones).
int clps_on_map(const Scenario& s, const HexMap& map);

}  // namespace leadsim
