// sweep_tables.cpp: the column layouts of a sweep's points.csv and runs.csv. runs.csv is the run
// command's own runs.csv (report.hpp's RunsCsv) behind the point and parameter columns, so that a
// point's rows match `leadsim run` of that point byte for byte.
#include <fmt/format.h>

#include <sstream>

#include "leadsim/design.hpp"
#include "leadsim/report.hpp"
#include "leadsim/sweep.hpp"
#include "sweep_detail.hpp"

namespace leadsim {

using namespace detail;

std::string points_csv_header(const Scenario& base, const SweepSpec& spec) {
  std::string h = "point";
  if (spec.saltelli) h += ",saltelli_sample,saltelli_matrix";
  for (const auto& p : spec.params) (h += ',') += csv_field(p.path);
  h += ",seed";
  for (const auto& c : base.candidates) {
    h += fmt::format(",win_{0},win_{0}_lo,win_{0}_hi", c.id);
    h += fmt::format(",share_{0},share_{0}_se,share_{0}_lo,share_{0}_hi", c.id);
    h += fmt::format(",nominations_{0},nominations_{0}_se,nominations_{0}_lo,nominations_{0}_hi", c.id);
  }
  return h + ",runs\n";
}

std::string points_csv_row(const SweepSpec& spec, const SweepPoint& point, const PointStats& s) {
  std::string row = std::to_string(point.index);
  if (spec.saltelli)
    row += fmt::format(",{},{}", point.saltelli_sample, saltelli_matrix_name(point.saltelli_matrix));
  for (const auto& v : point.shown) (row += ',') += csv_field(v);
  row += fmt::format(",{}", point.seed);
  for (size_t c = 0; c < s.win.size(); ++c) {
    row += fmt::format(",{:.6f},{:.6f},{:.6f}", s.win[c].p, s.win[c].lo, s.win[c].hi);
    for (const MeanEstimate* e : {&s.share[c], &s.nominations[c]})
      row += fmt::format(",{:.6f},{:.6f},{:.6f},{:.6f}", e->mean, e->se, e->lo, e->hi);
  }
  return row + fmt::format(",{}\n", s.runs);
}

std::string runs_csv_header(const Scenario& base, const SweepSpec& spec) {
  std::ostringstream os;
  RunsCsv header(base, os);  // the run command's own columns
  std::string h = "point";
  for (const auto& p : spec.params) (h += ',') += csv_field(p.path);
  return (h += ',') += os.str();
}

}  // namespace leadsim
