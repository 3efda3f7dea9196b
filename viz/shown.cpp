#include "shown.hpp"

#include <cstdio>

namespace leadsim::viz {

Shown& Shown::get() {
  static Shown s;
  return s;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

namespace {

std::string number(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

std::string Shown::csv() const {
  std::string out = "view,series,item,x,x_hi,value,lo,hi,text\n";
  for (const auto& r : records_) {
    out += csv_field(r.view) + ',' + csv_field(r.series) + ',' + csv_field(r.item) + ',' +
           number(r.x) + ',' + number(r.x_hi) + ',' + number(r.value) + ',' + number(r.lo) + ',' +
           number(r.hi) + ',' + csv_field(r.text) + '\n';
  }
  return out;
}

}  // namespace leadsim::viz
