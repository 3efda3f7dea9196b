// shown.hpp: what a frame showed, as data, for "Export CSV" (no ImGui).
//
// Immediate mode makes "a CSV of what is shown" literal: while a frame is recorded, every view
// reports each number it draws (a bar, a whisker, a point, a table cell) here, and the export
// writes them. One tidy schema fits every view, so one file holds a whole tab:
//
//   view,series,item,x,x_hi,value,lo,hi,text
//   win_probability,Jeremy Corbyn,P(win),,,0.998,0.9928,0.9995,
//   final_share,Owen Smith,% of runs,0.375,0.38,0.0423,,,
//   clp_table,Hampstead and Kilburn,P(Jeremy Corbyn),,,0.93,,,
//
// `x`/`x_hi` place a value on an axis (a histogram bin, a scatter point); `lo`/`hi` are its
// interval; `text` holds non-numeric cells. Empty fields are blank. Recording is off except for
// the one frame an export asks for, so drawing pays nothing for it.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace leadsim::viz {

struct ShownRecord {
  static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  std::string view, series, item;
  double x = kNone, x_hi = kNone, value = kNone, lo = kNone, hi = kNone;
  std::string text;
};

class Shown {
 public:
  static Shown& get();  // the frame's record (the UI is single-threaded)
  bool recording() const { return recording_; }
  void start() {
    records_.clear();
    recording_ = true;
  }
  void stop() { recording_ = false; }
  void add(ShownRecord r) {
    if (recording_) records_.push_back(std::move(r));
  }
  const std::vector<ShownRecord>& records() const { return records_; }
  std::string csv() const;  // header line, then one line per record

 private:
  bool recording_ = false;
  std::vector<ShownRecord> records_;
};

// Shorthands for views: a value with an interval, a histogram bin, a point, a text cell.
inline void shown_value(const std::string& view, const std::string& series, const std::string& item,
                        double value, double lo = ShownRecord::kNone,
                        double hi = ShownRecord::kNone) {
  if (Shown::get().recording())
    Shown::get().add(
        {view, series, item, ShownRecord::kNone, ShownRecord::kNone, value, lo, hi, ""});
}
inline void shown_bin(const std::string& view, const std::string& series, const std::string& item,
                      double x, double x_hi, double value) {
  if (Shown::get().recording())
    Shown::get().add(
        {view, series, item, x, x_hi, value, ShownRecord::kNone, ShownRecord::kNone, ""});
}
inline void shown_point(const std::string& view, const std::string& series, const std::string& item,
                        double x, double value) {
  if (Shown::get().recording())
    Shown::get().add({view, series, item, x, ShownRecord::kNone, value, ShownRecord::kNone,
                      ShownRecord::kNone, ""});
}
inline void shown_text(const std::string& view, const std::string& series, const std::string& item,
                       const std::string& text) {
  if (Shown::get().recording())
    Shown::get().add({view, series, item, ShownRecord::kNone, ShownRecord::kNone,
                      ShownRecord::kNone, ShownRecord::kNone, ShownRecord::kNone, text});
}

// A CSV field: quoted when it holds a comma, quote or newline.
std::string csv_field(const std::string& s);

}  // namespace leadsim::viz
