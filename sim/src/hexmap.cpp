#include "leadsim/hexmap.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <utility>

#include "leadsim/diagnostic.hpp"
#include "leadsim/scenario.hpp"
#include "text.hpp"

namespace leadsim {

namespace {

bool parse_int(const std::string& text, int& out) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  const char* end = t.data() + t.size();
  const auto [p, ec] = std::from_chars(t.data(), end, out);
  return ec == std::errc() && p == end;
}

}  // namespace

int HexMap::index(const std::string& name) const {
  for (size_t i = 0; i < cells.size(); ++i)
    if (cells[i].name == name) return int(i);
  return -1;
}

HexMap read_hexmap(const std::string& path) {
  std::vector<Diagnostic> diags;
  CsvTable csv;
  if (!read_csv(path, "hex map file", csv, diags)) throw InputError(diags);
  const int c_name = csv.column("name"), c_q = csv.column("q"), c_r = csv.column("r");
  if (c_name < 0 || c_q < 0 || c_r < 0)
    throw InputError({{path, 1, 1, "the hex map file needs columns 'name', 'q' and 'r'"}});
  HexMap m;
  m.file = path;
  std::map<std::string, int> name_line;
  std::map<std::pair<int, int>, int> cell_line;
  for (size_t i = 0; i < csv.rows.size(); ++i) {
    const auto& row = csv.rows[i];
    const int line = csv.lines[i];
    HexCell cell;
    cell.name = row[size_t(c_name)];
    cell.line = line;
    bool ok = true;
    if (trim(cell.name).empty()) {
      diags.push_back({path, line, c_name + 1, "empty constituency name"});
      ok = false;
    }
    if (!parse_int(row[size_t(c_q)], cell.q)) {
      diags.push_back({path, line, c_q + 1,
                       fmt::format("q is '{}', expected a whole number", row[size_t(c_q)])});
      ok = false;
    }
    if (!parse_int(row[size_t(c_r)], cell.r)) {
      diags.push_back({path, line, c_r + 1,
                       fmt::format("r is '{}', expected a whole number", row[size_t(c_r)])});
      ok = false;
    }
    if (!ok) continue;
    if (const auto it = name_line.find(cell.name); it != name_line.end()) {
      diags.push_back({path, line, c_name + 1,
                       fmt::format("'{}' has a second row (first on line {})", cell.name, it->second)});
      continue;
    }
    if (const auto it = cell_line.find({cell.q, cell.r}); it != cell_line.end()) {
      diags.push_back({path, line, c_q + 1,
                       fmt::format("cell ({}, {}) is already taken (line {})", cell.q, cell.r,
                                   it->second)});
      continue;
    }
    name_line[cell.name] = line;
    cell_line[{cell.q, cell.r}] = line;
    m.cells.push_back(std::move(cell));
  }
  if (!diags.empty()) throw InputError(diags);
  if (m.cells.empty()) throw InputError({{path, 1, 1, "the hex map file has no rows"}});
  return m;
}

std::string default_hexmap_path(const std::string& scenario_file) {
  const std::filesystem::path dir = std::filesystem::path(scenario_file).parent_path();
  return (dir / "data" / "ge2015_hexmap.csv").string();
}

HexPoint hex_centre(int q, int r) {
  const double w = std::sqrt(3.0);  // width of a pointy-top hexagon of circumradius 1
  const double shift = (r & 1) ? 0.5 : 0.0;  // odd rows (negative ones too) sit half to the right
  return {w * (double(q) + shift), -1.5 * double(r)};
}

std::array<HexPoint, 6> hex_corners(HexPoint c, double size) {
  std::array<HexPoint, 6> out;
  for (int i = 0; i < 6; ++i) {
    const double a = (60.0 * i - 90.0) * 3.14159265358979323846 / 180.0;  // a corner at the top
    out[size_t(i)] = {c.x + size * std::cos(a), c.y + size * std::sin(a)};
  }
  return out;
}

HexBounds hex_bounds(const HexMap& m) {
  HexBounds b{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
              -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  const double hw = std::sqrt(3.0) / 2;
  for (const HexCell& cell : m.cells) {
    const HexPoint c = hex_centre(cell.q, cell.r);
    b.x0 = std::min(b.x0, c.x - hw);
    b.x1 = std::max(b.x1, c.x + hw);
    b.y0 = std::min(b.y0, c.y - 1);
    b.y1 = std::max(b.y1, c.y + 1);
  }
  if (m.cells.empty()) b = {};
  return b;
}

int clps_on_map(const Scenario& s, const HexMap& map) {
  int n = 0;
  for (const auto& c : s.clps) n += map.index(c.name) >= 0;
  return n;
}

}  // namespace leadsim
