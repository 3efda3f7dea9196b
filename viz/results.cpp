#include "results.hpp"

#include <algorithm>
#include <span>

#include "leadsim/contest.hpp"
#include "leadsim/eligibility.hpp"
#include "leadsim/preferences.hpp"

namespace leadsim::viz {

void RunTable::reset(int k) {
  *this = RunTable{};
  candidates = k;
  for (const RunField& f : run_fields()) {
    Column c;
    c.field = &f;
    c.cells = (f.per_section() ? size_t(kSections) : 1) * (f.per_candidate() ? size_t(k) : 1);
    columns.push_back(std::move(c));
  }
}

void RunTable::add(const RunResult& r) {
  if (size() >= kMaxRows) return;
  for (Column& c : columns) {
    if (c.field->real) append_row(c.real, *c.field, r, size_t(candidates));
    else if (c.field->wide) append_row(c.wide, *c.field, r, size_t(candidates));
    else append_row(c.narrow, *c.field, r, size_t(candidates));
  }
  ++rows_;
}

void RunTable::append(const RunTable& o, std::size_t from) {
  if (from >= o.size()) return;
  if (columns.empty()) reset(o.candidates);
  auto tail = [from](auto& dst, const auto& src, size_t per_row) {
    if (!src.empty()) dst.insert(dst.end(), src.begin() + std::ptrdiff_t(from * per_row), src.end());
  };
  for (size_t i = 0; i < columns.size(); ++i) {
    tail(columns[i].real, o.columns[i].real, o.columns[i].cells);
    tail(columns[i].narrow, o.columns[i].narrow, o.columns[i].cells);
    tail(columns[i].wide, o.columns[i].wide, o.columns[i].cells);
  }
  rows_ += o.size() - from;
}

std::vector<ClpRow> clp_rows(const Results& r) {
  std::vector<ClpRow> rows;
  if (!r.scenario || !r.summary) return rows;
  const Scenario& s = *r.scenario;
  const Summary& sum = *r.summary;
  const double runs = double(std::max<std::uint64_t>(1, sum.runs));
  const size_t k = s.candidates.size();
  rows.reserve(s.clps.size());
  for (size_t i = 0; i < s.clps.size() && i < sum.clps.size(); ++i) {
    const Clp& c = s.clps[i];
    const ClpSummary& cs = sum.clps[i];
    ClpRow row;
    row.clp = int(i);
    row.name = c.name;
    row.nation = c.nation;
    row.region = size_t(c.region) < s.regions.size() ? s.regions[size_t(c.region)] : "";
    row.has_mp = c.labour_held;
    row.covariate = c.covariate;
    row.p_met = double(cs.met) / runs;
    std::uint64_t nominated = 0, best = 0;
    row.p_nominate.assign(k, 0);
    for (size_t j = 0; j < k && j < cs.nominated.size(); ++j) {
      row.p_nominate[j] = double(cs.nominated[j]) / runs;
      nominated += cs.nominated[j];
      if (cs.nominated[j] > best) {
        best = cs.nominated[j];
        row.likely = int(j);
      }
    }
    row.p_none = sum.runs ? 1 - double(nominated) / runs : 0;
    row.meeting_share.assign(k, 0);
    for (size_t j = 0; j < k && j < cs.votes.size(); ++j) row.meeting_share[j] = cs.meeting_share(j);
    if (cs.met) {
      row.mean_attendance = double(cs.attendance) / double(cs.met);
      row.mean_eligible = double(cs.eligible) / double(cs.met);
      row.attendance_rate = cs.eligible ? double(cs.attendance) / double(cs.eligible) : 0;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<Difference> differences(const Results& a, const Results& b) {
  std::vector<Difference> out;
  if (!a.scenario || !b.scenario || a.runs.size() == 0 || b.runs.size() == 0) return out;
  const auto& ca = a.scenario->candidates;
  const auto& cb = b.scenario->candidates;
  if (ca.size() != cb.size()) return out;
  for (size_t c = 0; c < ca.size(); ++c)
    if (ca[c].id != cb[c].id) return out;

  const size_t n = std::min(a.runs.size(), b.runs.size());
  const int k = int(ca.size());
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / double(v.size());
  };
  // A per-run quantity of both results, paired by run.
  auto paired = [&](const std::string& what, Unit unit, auto get) {
    std::vector<double> xa(n), xb(n);
    for (size_t i = 0; i < n; ++i) {
      xa[i] = get(a.runs, i);
      xb[i] = get(b.runs, i);
    }
    Difference d;
    d.what = what;
    d.unit = unit;
    d.current = mean(xa);
    d.pinned = mean(xb);
    d.diff = paired_mean_difference(xa, xb);
    d.pairs = n;
    out.push_back(std::move(d));
  };
  for (int c = 0; c < k; ++c) {
    const std::string& name = ca[size_t(c)].name;
    std::uint64_t n11 = 0, n10 = 0, n01 = 0, n00 = 0;
    for (size_t i = 0; i < n; ++i) {
      const bool wa = a.runs.winner_of(i) == c, wb = b.runs.winner_of(i) == c;
      (wa ? (wb ? n11 : n10) : (wb ? n01 : n00))++;
    }
    Difference d;
    d.what = "P(win) " + name;
    d.unit = Unit::percent;
    d.current = double(n11 + n10) / double(n);
    d.pinned = double(n11 + n01) / double(n);
    d.diff = paired_proportion_difference(n11, n10, n01, n00);
    d.pairs = n;
    out.push_back(std::move(d));
    paired("Final share " + name, Unit::percent,
           [c](const RunTable& t, size_t i) { return t.share_of(i, c); });
    paired("CLP nominations " + name, Unit::number,
           [c](const RunTable& t, size_t i) { return t.nominations_of(i, c); });
  }
  for (int sec = 0; sec < kSections; ++sec) {
    // A section nobody votes in (no waves of it) has nothing to compare.
    bool any = false;
    for (size_t i = 0; i < n && !any; ++i) any = a.runs.turnout_of(i, sec) > 0;
    if (!any) continue;
    for (int c = 0; c < k; ++c)
      paired(std::string("1st pref. ") + section_id(Section(sec)) + ": " + ca[size_t(c)].name,
             Unit::percent,
             [sec, c](const RunTable& t, size_t i) { return t.first_of(i, sec, c); });
  }
  paired("Meeting attendance", Unit::percent,
         [](const RunTable& t, size_t i) { return t.attendance_rate_of(i); });
  for (int sec = 0; sec < kSections; ++sec) {
    bool any = false;
    for (size_t i = 0; i < n && !any; ++i) any = a.runs.turnout_of(i, sec) > 0;
    if (!any) continue;
    paired(std::string("Turnout ") + section_id(Section(sec)), Unit::percent,
           [sec](const RunTable& t, size_t i) { return t.turnout_of(i, sec); });
  }
  return out;
}

std::vector<std::vector<int>> eligible_by_wave(const Scenario& s, const Population& pop) {
  std::vector<std::vector<int>> out(s.clps.size(), std::vector<int>(s.waves.size(), 0));
  const Electorate el(s);
  for (size_t c = 0; c < s.clps.size() && c + 1 < pop.clp_begin.size(); ++c)
    for (size_t i = pop.clp_begin[c]; i < pop.clp_begin[c + 1]; ++i)
      if (el.may_attend(pop, i)) ++out[c][pop.wave[i]];
  return out;
}

std::vector<std::vector<double>> member_support(const Scenario& s, const Population& pop,
                                                std::uint64_t seed, int runs) {
  const size_t k = s.candidates.size();
  std::vector<std::vector<double>> support(s.clps.size(), std::vector<double>(k, 0.0));
  std::vector<double> members(s.clps.size(), 0.0);
  const Electorate el(s);
  const std::vector<bool> standing(k, true);
  std::vector<float> u(k);
  for (int run = 0; run < runs; ++run) {
    const RunPreferences prefs(s, run_key(seed, std::uint64_t(run)));
    for (size_t c = 0; c < s.clps.size() && c + 1 < pop.clp_begin.size(); ++c)
      for (size_t i = pop.clp_begin[c]; i < pop.clp_begin[c + 1]; ++i) {
        if (!el.may_attend(pop, i)) continue;
        prefs.utilities(pop, i, prefs.faction(pop, i), u.data());
        const int first =
            first_choice(s, std::span<const float>(u), standing, (pop.traits[i] & kHostile) != 0);
        if (first >= 0) support[c][size_t(first)] += 1;
        members[c] += 1;
      }
  }
  for (size_t c = 0; c < support.size(); ++c)
    for (auto& x : support[c]) x = members[c] > 0 ? x / members[c] : 0;
  return support;
}

}  // namespace leadsim::viz
