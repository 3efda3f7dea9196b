// The `leadsim` Python module (pybind11): scenarios, ensembles of runs as numpy arrays, errors as
// Python exceptions. A thin layer over the library's public headers; nothing here simulates.
//
//   Scenario      a loaded, checked scenario plus the overrides it was loaded with; set() gives a
//                 new one with one more override (the loader re-checks everything)
//   load()        Scenario(path, set) with keyword overrides (meetings__attendance=0.1)
//   run()         many runs (the GIL released; Ctrl-C stops them): a Result of numpy arrays
//   sweep()       the sweep engine (sweep.hpp): a design of points, runs at each; the points
//                 table as columns (numpy), optionally written to a resumable folder
//   ScenarioError the loader's InputError: every problem with file, line, column and message
//
// Built into <build>/python/; `PYTHONPATH=<build>/python python3 -c "import leadsim"`.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "leadsim/ensemble.hpp"
#include "leadsim/population.hpp"
#include "leadsim/report.hpp"
#include "leadsim/rulebook.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/summary.hpp"
#include "leadsim/sweep.hpp"

namespace py = pybind11;

namespace leadsim::python {

// ------------------------------------------------------------------------------------------------
// Python values -> TOML text, for the loader's "path=value" overrides.

std::string toml_string(const std::string& s) {
  std::string q = "\"";
  for (unsigned char ch : s) {
    switch (ch) {
      case '"':
        q += "\\\"";
        break;
      case '\\':
        q += "\\\\";
        break;
      case '\n':
        q += "\\n";
        break;
      case '\t':
        q += "\\t";
        break;
      case '\r':
        q += "\\r";
        break;
      default:
        if (ch < 0x20 || ch == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          q += buf;
        } else {
          q += char(ch);
        }
    }
  }
  return q + "\"";
}

std::string to_toml(py::handle v, const std::string& path) {
  // bool before int: Python's True is an int too.
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::int_>(v)) return py::str(v).cast<std::string>();
  if (py::isinstance<py::float_>(v)) {
    // repr() is the shortest text that reads back as the same double; TOML spells inf and nan
    // the same way.
    return py::repr(v).cast<std::string>();
  }
  if (py::isinstance<py::str>(v)) return toml_string(v.cast<std::string>());
  const py::object date = py::module_::import("datetime").attr("date");
  if (py::isinstance(v, date)) return v.attr("isoformat")().cast<std::string>();
  if (py::isinstance<py::dict>(v)) {
    std::string t = "{ ";
    bool first = true;
    for (auto [key, value] : v.cast<py::dict>()) {
      if (!first) t += ", ";
      first = false;
      t += toml_string(py::str(key).cast<std::string>()) + " = " + to_toml(value, path);
    }
    return t + (first ? "}" : " }");
  }
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    std::string t = "[";
    bool first = true;
    for (auto item : v) {
      if (!first) t += ", ";
      first = false;
      t += to_toml(item, path);
    }
    return t + "]";
  }
  // numpy scalars (numpy.int64, numpy.bool_, ...) and 0-d arrays: their Python value.
  if (py::hasattr(v, "item") && py::hasattr(v, "dtype")) return to_toml(v.attr("item")(), path);
  throw py::type_error(
      "leadsim: cannot use a " + py::str(py::type::of(v).attr("__name__")).cast<std::string>() +
      " as the value of '" + path + "' (use a number, bool, str, datetime.date, list or dict)");
}

// TOML text (a resolved parameter) -> a Python value, through the standard library's tomllib.
// The loader prints strings between quotes without escaping them, so a string holding a quote
// or a backslash is not valid TOML: such a value comes back as the text between its quotes.
py::object from_toml(const std::string& text) {
  const py::object loads = py::module_::import("tomllib").attr("loads");
  try {
    return loads("v = " + text)["v"];
  } catch (const py::error_already_set&) {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
      return py::str(std::string(text.begin() + 1, text.end() - 1));
    return py::str(text);
  }
}

// ------------------------------------------------------------------------------------------------
// Scenario

// One string field of each item, in order: the ids of the candidates, say, as a Python list.
template <class Item>
std::vector<std::string> field_of(const std::vector<Item>& items, std::string Item::*field) {
  std::vector<std::string> v;
  for (const Item& x : items) v.push_back(x.*field);
  return v;
}

struct PyScenario {
  std::string path;
  std::vector<std::pair<std::string, std::string>> overrides;  // (path, TOML value), in order
  std::shared_ptr<const Scenario> s;

  static PyScenario load(const std::string& path,
                         std::vector<std::pair<std::string, std::string>> overrides) {
    PyScenario p;
    p.path = path;
    // A later override of the same path replaces the earlier one, keeping one entry per path.
    std::vector<std::pair<std::string, std::string>> unique;
    for (auto& o : overrides) {
      auto it = std::find_if(unique.begin(), unique.end(),
                             [&](const auto& u) { return u.first == o.first; });
      if (it != unique.end()) unique.erase(it);
      unique.push_back(std::move(o));
    }
    p.overrides = std::move(unique);
    std::vector<std::string> specs;
    for (const auto& [k, v] : p.overrides) specs.push_back(k + "=" + v);
    p.s = std::make_shared<const Scenario>(load_scenario(path, specs));
    return p;
  }
};

std::vector<std::pair<std::string, std::string>> overrides_from(const py::object& set) {
  std::vector<std::pair<std::string, std::string>> out;
  if (set.is_none()) return out;
  if (!py::isinstance<py::dict>(set))
    throw py::type_error("leadsim: set= takes a dict of {\"path\": value}");
  for (auto [k, v] : set.cast<py::dict>()) {
    const std::string path = py::str(k).cast<std::string>();
    out.emplace_back(path, to_toml(v, path));
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Running

// Runs `work` on a thread of its own with the GIL released, taking the GIL back every 50 ms to
// let Python see Ctrl-C; on Ctrl-C sets `stop` and waits for `work` to return, then raises
// KeyboardInterrupt. Exceptions from `work` are rethrown here.
void without_gil(const std::function<void()>& work, std::atomic<bool>& stop) {
  std::exception_ptr error;
  bool interrupted = false;
  {
    py::gil_scoped_release release;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::thread worker([&] {
      try {
        work();
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard lock(mu);
      done = true;
      cv.notify_all();
    });
    for (;;) {
      std::unique_lock lock(mu);
      if (cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) break;
      lock.unlock();
      py::gil_scoped_acquire gil;
      if (!interrupted && PyErr_CheckSignals() != 0) {
        interrupted = true;
        stop = true;
      }
    }
    worker.join();
  }
  if (interrupted) throw py::error_already_set();
  if (error) std::rethrow_exception(error);
}

// A vector handed to numpy without a copy: the array owns it through a capsule.
template <class T>
py::array numpy(std::vector<T>&& v, std::vector<py::ssize_t> shape,
                const py::dtype& dtype = py::dtype::of<T>()) {
  auto* owned = new std::vector<T>(std::move(v));
  py::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array(dtype, std::move(shape), owned->data(), owner);
}

// Every run's result as columns, filled in run order by the ensemble (no Python involved, so it
// runs without the GIL).
struct RunColumns : RunObserver {
  size_t runs, cands, clps;
  bool per_run_clps;
  std::vector<std::int32_t> winner, rounds, mp_rounds, meetings_held, meetings_quorate, meetings_gc;
  std::vector<std::uint8_t> winner_by_lot, unopposed, on_ballot, clp_met;
  std::vector<double> share, first_share, attendance_rate, turnout;
  std::vector<std::int32_t> nominations, mp_nominations, affiliate_nominations, eliminated_round,
      out_at_stage, mp_ballot_first, mp_out_round;
  std::vector<std::int64_t> meeting_votes, meeting_attendance, meeting_eligible;
  std::vector<std::int8_t> clp_nominee;
  std::vector<std::int32_t> clp_attendance, clp_votes;
  std::vector<std::int64_t> clp_nominations;  // clps x candidates, summed over runs
  std::vector<std::int64_t> clp_met_count;
  // Set from Python's thread on Ctrl-C. The observer stops the ensemble by throwing from
  // on_run: run_ensemble then wakes every worker (it does not when only its `cancel` flag is
  // set while a worker waits for the run-order window, which can leave that worker waiting).
  std::atomic<bool> stop{false};
  struct Stopped {};

  RunColumns(size_t runs_, size_t cands_, size_t clps_, bool per_run)
      : runs(runs_), cands(cands_), clps(clps_), per_run_clps(per_run) {
    winner.resize(runs);
    rounds.resize(runs);
    mp_rounds.resize(runs);
    unopposed.resize(runs);
    meetings_held.resize(runs);
    meetings_quorate.resize(runs);
    meetings_gc.resize(runs);
    winner_by_lot.resize(runs);
    on_ballot.resize(runs * cands);
    share.resize(runs * cands);
    first_share.resize(runs * kSections * cands);
    nominations.resize(runs * cands);
    mp_nominations.resize(runs * cands);
    affiliate_nominations.resize(runs * cands);
    eliminated_round.resize(runs * cands);
    out_at_stage.resize(runs * cands);
    mp_ballot_first.resize(runs * cands);
    mp_out_round.resize(runs * cands);
    meeting_votes.resize(runs * cands);
    meeting_attendance.resize(runs);
    meeting_eligible.resize(runs);
    attendance_rate.resize(runs);
    turnout.resize(runs * kSections);
    if (per_run_clps) {
      clp_nominee.resize(runs * clps);
      clp_met.resize(runs * clps);
      clp_attendance.resize(runs * clps);
      clp_votes.resize(runs * clps * cands);
    }
    clp_nominations.resize(clps * cands);
    clp_met_count.resize(clps);
  }

  void on_run(const RunResult& r) override {
    if (stop.load(std::memory_order_relaxed)) throw Stopped{};
    const size_t i = size_t(r.run);
    winner[i] = r.winner;
    rounds[i] = r.rounds;
    mp_rounds[i] = r.mp_rounds;
    winner_by_lot[i] = r.winner_by_lot;
    unopposed[i] = r.unopposed;
    meetings_held[i] = r.meetings_held;
    meetings_quorate[i] = r.meetings_quorate;
    meetings_gc[i] = r.meetings_general_committee;
    meeting_attendance[i] = r.meeting_attendance;
    meeting_eligible[i] = r.meeting_eligible;
    attendance_rate[i] =
        r.meeting_eligible ? double(r.meeting_attendance) / double(r.meeting_eligible) : 0.0;
    for (size_t c = 0; c < cands; ++c) {
      on_ballot[i * cands + c] = r.on_ballot[c];
      share[i * cands + c] = r.share[c];
      for (size_t sec = 0; sec < size_t(kSections); ++sec)
        first_share[(i * kSections + sec) * cands + c] = r.first_share[sec][c];
      nominations[i * cands + c] = r.nominations[c];
      mp_nominations[i * cands + c] = r.mp_nominations[c];
      affiliate_nominations[i * cands + c] = r.affiliate_nominations[c];
      eliminated_round[i * cands + c] = r.eliminated_round[c];
      out_at_stage[i * cands + c] = r.out_at_stage[c];
      mp_ballot_first[i * cands + c] = r.mp_ballot_first[c];
      mp_out_round[i * cands + c] = r.mp_out_round[c];
      meeting_votes[i * cands + c] = r.meeting_votes[c];
    }
    for (int sec = 0; sec < kSections; ++sec) turnout[i * kSections + size_t(sec)] = r.turnout(sec);
    for (size_t k = 0; k < clps; ++k) {
      const int nominee = r.clp_nominee[k];
      if (nominee >= 0) ++clp_nominations[k * cands + size_t(nominee)];
      clp_met_count[k] += r.clp_met[k];
      if (per_run_clps) {
        clp_nominee[i * clps + k] = std::int8_t(nominee);
        clp_met[i * clps + k] = r.clp_met[k];
        clp_attendance[i * clps + k] = r.clp_attendance[k];
        for (size_t c = 0; c < cands; ++c)
          clp_votes[(i * clps + k) * cands + c] = r.clp_votes[k * cands + c];
      }
    }
  }
};

// What run() returns. Arrays are numpy, indexed [run, ...]; candidates, sections and CLPs in the
// order of the `candidates`, `sections` and `clps` lists.
struct PyResult {
  std::string scenario;
  std::vector<std::string> candidates, candidate_names, clps, sections, stages;
  std::uint64_t seed = 0, runs = 0;
  int threads = 0;
  double seconds = 0;
  std::uint64_t no_valid_nominations = 0;
  py::dict win_probability;
  py::object winner, winner_by_lot, unopposed, rounds, mp_rounds, out_at_stage, mp_ballot_first,
      mp_out_round, on_ballot, share, first_share, nominations, meeting_votes, mp_nominations,
      affiliate_nominations, eliminated_round, meetings_held, meetings_quorate,
      meetings_general_committee, meeting_attendance, meeting_eligible, attendance_rate, turnout,
      clp_nominee, clp_met, clp_attendance, clp_votes, clp_nominations, clp_nomination_probability,
      clp_met_probability;
};

struct ArrayField {
  const char* name;
  py::object PyResult::*member;
  const char* doc;
};
const ArrayField kArrayFields[] = {
    {"winner", &PyResult::winner,
     "int32 [runs]: index of the winner in `candidates`; -1: nobody on the ballot"},
    {"winner_by_lot", &PyResult::winner_by_lot,
     "bool [runs]: the count ended in a tie broken by lot"},
    {"unopposed", &PyResult::unopposed,
     "bool [runs]: one candidate was left before the final ballot, elected without one"},
    {"rounds", &PyResult::rounds,
     "int32 [runs]: counting rounds of the final ballot (0: no ballot held)"},
    {"mp_rounds", &PyResult::mp_rounds,
     "int32 [runs]: rounds of the MPs' ballot (rulebooks with an mp_ballot stage)"},
    {"out_at_stage", &PyResult::out_at_stage,
     "int32 [runs, candidates]: index into `stages` of the stage that removed the candidate, -1 if "
     "it reached the end"},
    {"mp_ballot_first", &PyResult::mp_ballot_first,
     "int32 [runs, candidates]: MPs' votes in round 1 of an MPs' ballot"},
    {"mp_out_round", &PyResult::mp_out_round,
     "int32 [runs, candidates]: 1-based MPs' ballot round the candidate went out in, 0 if not"},
    {"on_ballot", &PyResult::on_ballot,
     "bool [runs, candidates]: had enough MP nominations (or was exempt)"},
    {"share", &PyResult::share, "float64 [runs, candidates]: share of the final round's votes"},
    {"first_share", &PyResult::first_share,
     "float64 [runs, sections, candidates]: first-preference share of the votes cast in each "
     "section"},
    {"nominations", &PyResult::nominations, "int32 [runs, candidates]: CLP nominations"},
    {"meeting_votes", &PyResult::meeting_votes,
     "int64 [runs, candidates]: first-round votes in all CLP meetings"},
    {"mp_nominations", &PyResult::mp_nominations,
     "int32 [runs, candidates]: MP (and MEP) nominations"},
    {"affiliate_nominations", &PyResult::affiliate_nominations,
     "int32 [runs, candidates]: affiliates' nominations"},
    {"eliminated_round", &PyResult::eliminated_round,
     "int32 [runs, candidates]: round of elimination, -1 if never eliminated"},
    {"meetings_held", &PyResult::meetings_held,
     "int32 [runs]: CLPs that held a nomination meeting"},
    {"meetings_quorate", &PyResult::meetings_quorate,
     "int32 [runs]: meetings that reached their quorum"},
    {"meetings_general_committee", &PyResult::meetings_general_committee,
     "int32 [runs]: meetings held as General Committees of delegates"},
    {"meeting_attendance", &PyResult::meeting_attendance, "int64 [runs]: people at all meetings"},
    {"meeting_eligible", &PyResult::meeting_eligible,
     "int64 [runs]: people eligible to attend the meetings held"},
    {"attendance_rate", &PyResult::attendance_rate,
     "float64 [runs]: meeting_attendance / meeting_eligible"},
    {"turnout", &PyResult::turnout, "float64 [runs, sections]: share of eligible voters who voted"},
    {"clp_nominee", &PyResult::clp_nominee,
     "int8 [runs, clps]: candidate each CLP nominated, -1 none (no meeting, inquorate); None if "
     "run(per_run_clps=False)"},
    {"clp_met", &PyResult::clp_met,
     "bool [runs, clps]: the CLP held a meeting; None if run(per_run_clps=False)"},
    {"clp_attendance", &PyResult::clp_attendance,
     "int32 [runs, clps]: attendance of each CLP's meeting (0 if none); None if "
     "run(per_run_clps=False)"},
    {"clp_votes", &PyResult::clp_votes,
     "int32 [runs, clps, candidates]: first-round votes in each CLP's meeting (0 if none); None "
     "if run(per_run_clps=False)"},
    {"clp_nominations", &PyResult::clp_nominations,
     "int64 [clps, candidates]: runs in which each CLP nominated each candidate"},
    {"clp_nomination_probability", &PyResult::clp_nomination_probability,
     "float64 [clps, candidates]: clp_nominations / runs"},
    {"clp_met_probability", &PyResult::clp_met_probability,
     "float64 [clps]: share of runs in which each CLP met"},
};

py::array bools(std::vector<std::uint8_t>&& v, std::vector<py::ssize_t> shape) {
  return numpy(std::move(v), std::move(shape), py::dtype::of<bool>());
}

PyResult run(const PyScenario& ps, std::uint64_t runs, std::uint64_t seed, int threads,
             bool per_run_clps) {
  if (runs < 1) throw py::value_error("leadsim.run: runs must be at least 1");
  if (threads < 0) throw py::value_error("leadsim.run: threads must be >= 0 (0: all cores)");
  const Scenario& s = *ps.s;
  const size_t C = s.candidates.size(), K = s.clps.size(), R = size_t(runs);
  auto cols = std::make_unique<RunColumns>(R, C, K, per_run_clps);
  std::optional<EnsembleResult> er;  // Summary has no default: set when the runs end
  without_gil(
      [&] {
        try {
          const Population pop = synthesise(s, seed);
          EnsembleOptions opt;
          opt.seed = seed;
          opt.runs = runs;
          opt.threads = threads;
          er.emplace(run_ensemble(s, pop, opt, cols.get()));
        } catch (const RunColumns::Stopped&) {
          // Interrupted: without_gil raises KeyboardInterrupt.
        }
      },
      cols->stop);

  PyResult r;
  r.scenario = s.name;
  for (const auto& c : s.candidates) {
    r.candidates.push_back(c.id);
    r.candidate_names.push_back(c.name);
  }
  for (const auto& c : s.clps) r.clps.push_back(c.name);
  for (int sec = 0; sec < kSections; ++sec) r.sections.push_back(section_id(Section(sec)));
  for (Stage st : s.rules.stages) r.stages.emplace_back(stage_id(st));
  r.seed = seed;
  r.runs = runs;
  r.threads = er->threads;
  r.seconds = er->seconds;
  r.no_valid_nominations = er->summary.no_valid_nominations;
  for (size_t c = 0; c < C; ++c) {
    const Proportion p = er->summary.win_probability(int(c));
    py::dict d;
    d["p"] = p.p;
    d["lo"] = p.lo;
    d["hi"] = p.hi;
    r.win_probability[py::str(s.candidates[c].id)] = d;
  }
  const auto Rs = py::ssize_t(R), Cs = py::ssize_t(C), Ks = py::ssize_t(K),
             Ss = py::ssize_t(kSections);
  RunColumns& x = *cols;
  r.winner = numpy(std::move(x.winner), {Rs});
  r.winner_by_lot = bools(std::move(x.winner_by_lot), {Rs});
  r.rounds = numpy(std::move(x.rounds), {Rs});
  r.unopposed = bools(std::move(x.unopposed), {Rs});
  r.mp_rounds = numpy(std::move(x.mp_rounds), {Rs});
  r.out_at_stage = numpy(std::move(x.out_at_stage), {Rs, Cs});
  r.mp_ballot_first = numpy(std::move(x.mp_ballot_first), {Rs, Cs});
  r.mp_out_round = numpy(std::move(x.mp_out_round), {Rs, Cs});
  r.on_ballot = bools(std::move(x.on_ballot), {Rs, Cs});
  r.share = numpy(std::move(x.share), {Rs, Cs});
  r.first_share = numpy(std::move(x.first_share), {Rs, Ss, Cs});
  r.nominations = numpy(std::move(x.nominations), {Rs, Cs});
  r.meeting_votes = numpy(std::move(x.meeting_votes), {Rs, Cs});
  r.mp_nominations = numpy(std::move(x.mp_nominations), {Rs, Cs});
  r.affiliate_nominations = numpy(std::move(x.affiliate_nominations), {Rs, Cs});
  r.eliminated_round = numpy(std::move(x.eliminated_round), {Rs, Cs});
  r.meetings_held = numpy(std::move(x.meetings_held), {Rs});
  r.meetings_quorate = numpy(std::move(x.meetings_quorate), {Rs});
  r.meetings_general_committee = numpy(std::move(x.meetings_gc), {Rs});
  r.meeting_attendance = numpy(std::move(x.meeting_attendance), {Rs});
  r.meeting_eligible = numpy(std::move(x.meeting_eligible), {Rs});
  r.attendance_rate = numpy(std::move(x.attendance_rate), {Rs});
  r.turnout = numpy(std::move(x.turnout), {Rs, Ss});
  if (per_run_clps) {
    r.clp_nominee = numpy(std::move(x.clp_nominee), {Rs, Ks});
    r.clp_met = bools(std::move(x.clp_met), {Rs, Ks});
    r.clp_attendance = numpy(std::move(x.clp_attendance), {Rs, Ks});
    r.clp_votes = numpy(std::move(x.clp_votes), {Rs, Ks, Cs});
  } else {
    r.clp_nominee = r.clp_met = r.clp_attendance = r.clp_votes = py::none();
  }
  std::vector<double> prob(K * C), met(K);
  for (size_t i = 0; i < K * C; ++i) prob[i] = double(x.clp_nominations[i]) / double(R);
  for (size_t k = 0; k < K; ++k) met[k] = double(x.clp_met_count[k]) / double(R);
  r.clp_nominations = numpy(std::move(x.clp_nominations), {Ks, Cs});
  r.clp_nomination_probability = numpy(std::move(prob), {Ks, Cs});
  r.clp_met_probability = numpy(std::move(met), {Ks});
  return r;
}

py::dict result_dict(const PyResult& r) {
  py::dict d;
  d["scenario"] = r.scenario;
  d["candidates"] = r.candidates;
  d["candidate_names"] = r.candidate_names;
  d["clps"] = r.clps;
  d["sections"] = r.sections;
  d["stages"] = r.stages;
  d["seed"] = r.seed;
  d["runs"] = r.runs;
  d["threads"] = r.threads;
  d["seconds"] = r.seconds;
  d["no_valid_nominations"] = r.no_valid_nominations;
  d["win_probability"] = r.win_probability;
  for (const auto& f : kArrayFields) d[f.name] = r.*(f.member);
  return d;
}

// ------------------------------------------------------------------------------------------------
// Sweeps

// One CSV line split into fields ("a, b" quoted is one field; "" inside quotes is a quote).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted && ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (ch == '"') {
      quoted = !quoted;
    } else if (ch == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += ch;
    }
  }
  return out;
}

// points.csv text -> {column: numpy array}: int64 where every value is a whole number, float64
// where every value is a number, else an array of str. The same columns as the file, so a
// DataFrame built from it equals pandas.read_csv(points.csv).
py::dict csv_columns(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  py::dict d;
  if (lines.empty()) return d;
  const std::vector<std::string> header = csv_fields(lines[0]);
  std::vector<std::vector<std::string>> cols(header.size());
  for (size_t i = 1; i < lines.size(); ++i) {
    const auto f = csv_fields(lines[i]);
    for (size_t c = 0; c < header.size(); ++c) cols[c].push_back(c < f.size() ? f[c] : "");
  }
  for (size_t c = 0; c < header.size(); ++c) {
    bool integers = true, numbers = true;
    std::vector<double> x;
    std::vector<std::int64_t> n;
    for (const auto& v : cols[c]) {
      char* end = nullptr;
      const double value = std::strtod(v.c_str(), &end);
      if (v.empty() || end != v.c_str() + v.size()) {
        numbers = integers = false;
        break;
      }
      x.push_back(value);
      if (v.find_first_not_of("-0123456789") != std::string::npos)
        integers = false;
      else
        n.push_back(std::stoll(v));
    }
    const auto rows = py::ssize_t(cols[c].size());
    if (integers)
      d[py::str(header[c])] = numpy(std::move(n), {rows});
    else if (numbers)
      d[py::str(header[c])] = numpy(std::move(x), {rows});
    else
      d[py::str(header[c])] = py::array(py::cast(cols[c]));
  }
  return d;
}

// Keeps points.csv's rows in memory (a sweep with no output folder).
struct PointsTable : SweepSink {
  const SweepSpec& spec;
  std::string csv;
  PointsTable(const Scenario& base, const SweepSpec& spec_)
      : spec(spec_), csv(points_csv_header(base, spec_)) {}
  void on_point(const SweepPoint& point, const PointResult& result) override {
    csv += points_csv_row(spec, point, result.stats);
  }
};

// A Python parameter description -> SweepParam: (lo, hi) or (lo, hi, levels) a range (numbers
// or datetime.date), a list of values.
SweepParam sweep_param(const std::string& path, py::handle v) {
  SweepParam p;
  p.path = path;
  p.where = {"leadsim.sweep", 0, 0, ""};
  const py::object date = py::module_::import("datetime").attr("date");
  if (py::isinstance<py::tuple>(v)) {
    const auto t = v.cast<py::tuple>();
    if (t.size() != 2 && t.size() != 3)
      throw py::value_error("leadsim.sweep: the range of '" + path +
                            "' should be (lo, hi) or (lo, hi, levels)");
    p.is_range = true;
    if (py::isinstance(t[0], date) && py::isinstance(t[1], date)) {
      p.range_of_dates = true;
      p.lo = double(parse_day(t[0].attr("isoformat")().cast<std::string>()));
      p.hi = double(parse_day(t[1].attr("isoformat")().cast<std::string>()));
    } else {
      p.lo = t[0].cast<double>();
      p.hi = t[1].cast<double>();
    }
    if (t.size() == 3) p.levels = t[2].cast<int>();
    return p;
  }
  if (py::isinstance<py::list>(v)) {
    for (auto x : v) p.values.push_back(to_toml(x, path));
    if (p.values.empty())
      throw py::value_error("leadsim.sweep: the list of values of '" + path + "' is empty");
    return p;
  }
  throw py::type_error("leadsim.sweep: '" + path +
                       "' should be a (lo, hi) tuple, a (lo, hi, levels) tuple or a list of "
                       "values");
}

py::dict sweep(const PyScenario& ps, const py::dict& parameters, const std::string& design,
               std::uint64_t points, std::uint64_t runs, std::uint64_t seed, int levels,
               bool saltelli, const std::string& streams, const py::object& adaptive,
               std::uint64_t max_runs, int threads, const py::object& out, bool resume) {
  SweepSpec spec;
  for (auto [k, v] : parameters)
    spec.params.push_back(sweep_param(py::str(k).cast<std::string>(), v));
  if (design == "grid")
    spec.design = SweepDesign::grid;
  else if (design == "random")
    spec.design = SweepDesign::random;
  else if (design == "latin")
    spec.design = SweepDesign::latin;
  else if (design == "sobol")
    spec.design = SweepDesign::sobol;
  else if (design == "saltelli") {
    spec.design = SweepDesign::sobol;
    saltelli = true;
  } else {
    throw py::value_error(
        "leadsim.sweep: design should be grid, random, latin, sobol or "
        "saltelli, not '" +
        design + "'");
  }
  if (streams != "common" && streams != "independent")
    throw py::value_error("leadsim.sweep: streams should be 'common' or 'independent'");
  spec.points = points;
  spec.runs = runs;
  spec.seed = seed;
  spec.levels = levels;
  spec.saltelli = saltelli;
  spec.streams = streams == "common" ? StreamPolicy::common : StreamPolicy::independent;
  if (!adaptive.is_none()) spec.adaptive = parse_adaptive(adaptive.cast<std::string>());
  spec.max_runs = max_runs;
  for (const auto& [k, v] : ps.overrides) spec.set.push_back(k + "=" + v);
  spec.origin = "leadsim.sweep";
  const Scenario& base = *ps.s;
  check_sweep_spec(spec, base);  // InputError -> ScenarioError, before anything is written

  std::atomic<bool> stop{false};
  SweepOptions opt;
  opt.threads = threads;
  opt.cancel = &stop;
  std::string csv;
  bool finished = true;
  if (out.is_none()) {
    PointsTable table(base, spec);
    without_gil([&] { finished = run_sweep(base, spec, opt, table); }, stop);
    csv = std::move(table.csv);
  } else {
    const std::filesystem::path dir = py::str(out).cast<std::string>();
    SweepFolder folder(dir, base, spec, Shard{}, resume);
    opt.points = folder.remaining();
    if (!opt.points.empty())
      without_gil([&] { finished = run_sweep(base, spec, opt, folder); }, stop);
    if (finished) folder.finish();
    std::ifstream in(dir / "points.csv", std::ios::binary);
    csv.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (!finished) throw py::error_already_set();  // only after Ctrl-C, which set the error
  return csv_columns(csv);
}

}  // namespace leadsim::python

PYBIND11_MODULE(leadsim, m) {
  using namespace leadsim;
  using namespace leadsim::python;
  m.doc() = R"(leadsim: agent-based Monte Carlo simulation of party leadership contests.

Load a scenario (a TOML file), change parameters by their dotted paths (the same paths as
`leadsim run --set`; `leadsim keys` lists them), run many contests, get numpy arrays.

Example:
    import leadsim
    s = leadsim.load("scenarios/toy.toml", set={"meetings.attendance": 0.1})
    r = leadsim.run(s, runs=500, seed=1)
    r.win_probability["left"]             # {'p': ..., 'lo': ..., 'hi': ...} (Wilson 95%)
    r.nominations.mean(axis=0)            # mean CLP nominations per candidate
    r.clp_nomination_probability          # [clps x candidates]

Results depend only on (scenario, seed, runs): the same call gives the same arrays, whatever
the number of threads.)";
  m.attr("__version__") = leadsim_version();

  py::class_<Diagnostic>(m, "Diagnostic", "One problem found in a scenario, located in its file.")
      .def_readonly("file", &Diagnostic::file, "Path of the file, or '--set' for an override")
      .def_readonly("line", &Diagnostic::line, "1-based line; 0 when not tied to a line")
      .def_readonly("column", &Diagnostic::column, "1-based column; 0 when not tied to one")
      .def_readonly("message", &Diagnostic::message, "What is wrong, and what was expected")
      .def("__str__", &Diagnostic::str, "'file:line:column: error: message'")
      .def("__repr__", [](const Diagnostic& d) { return "<leadsim.Diagnostic " + d.str() + ">"; });

  // A ValueError: bad input, not a bug. Its attributes are set by the translator below.
  static py::exception<InputError> scenario_error(m, "ScenarioError", PyExc_ValueError);
  scenario_error.doc() =
      "The scenario (or an override) is invalid. `diagnostics` lists every problem found "
      "(leadsim.Diagnostic: file, line, column, message); `file`, `line`, `column` and "
      "`message` repeat the first.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      std::string text;
      for (const auto& d : e.diagnostics()) text += (text.empty() ? "" : "\n") + d.str();
      py::object exc = py::handle(scenario_error.ptr())(text);
      exc.attr("diagnostics") = py::cast(e.diagnostics());
      const Diagnostic first = e.diagnostics().empty() ? Diagnostic{} : e.diagnostics()[0];
      exc.attr("file") = first.file;
      exc.attr("line") = first.line;
      exc.attr("column") = first.column;
      exc.attr("message") = first.message;
      PyErr_SetObject(scenario_error.ptr(), exc.ptr());
    }
  });

  py::class_<PyScenario>(m, "Scenario", R"(A contest loaded from a scenario file and checked.

Scenario(path, set=None): `set` is a dict {"dotted.path": value} of overrides applied on top
of the file (values: numbers, bools, strings, datetime.date, lists, dicts for share tables).
Raises leadsim.ScenarioError listing every problem with its file and line.

Scenarios are immutable: set() returns a new one.)")
      .def(py::init([](const std::string& path, const py::object& set) {
             return PyScenario::load(path, overrides_from(set));
           }),
           py::arg("path"), py::arg("set") = py::none(),
           "Loads and checks the scenario file at `path`, with overrides {path: value}.")
      .def(
          "set",
          [](const PyScenario& s, const std::string& path, const py::object& value) {
            auto o = s.overrides;
            o.emplace_back(path, to_toml(value, path));
            return PyScenario::load(s.path, std::move(o));
          },
          py::arg("path"), py::arg("value"),
          "A new scenario: this one with `path` set to `value` (re-loaded and re-checked), e.g. "
          "s.set('waves.organised.size', 6000).")
      .def(
          "set",
          [](const PyScenario& s, const py::dict& values) {
            auto o = s.overrides;
            for (auto& x : overrides_from(values)) o.push_back(std::move(x));
            return PyScenario::load(s.path, std::move(o));
          },
          py::arg("values"), "A new scenario with every {path: value} of the dict set.")
      .def(
          "get",
          [](const PyScenario& s, const std::string& path) -> py::object {
            for (const auto& p : s.s->resolved)
              if (p.path == path) return from_toml(p.value);
            throw py::key_error("leadsim: no parameter '" + path +
                                "' in force (see Scenario.parameters, or `leadsim keys`)");
          },
          py::arg("path"), "The value in force for a dotted path, e.g. s.get('meetings.meet').")
      .def_property_readonly(
          "path", [](const PyScenario& s) { return s.path; }, "The file it was loaded from")
      .def_property_readonly(
          "overrides",
          [](const PyScenario& s) {
            py::dict d;
            for (const auto& [k, v] : s.overrides) d[py::str(k)] = from_toml(v);
            return d;
          },
          "The overrides applied on top of the file, {path: value}")
      .def_property_readonly(
          "parameters",
          [](const PyScenario& s) {
            py::dict d;
            for (const auto& p : s.s->resolved) d[py::str(p.path)] = from_toml(p.value);
            return d;
          },
          "Every parameter in force, {path: value}, in reading order")
      .def_property_readonly(
          "name", [](const PyScenario& s) { return s.s->name; }, "The contest's title")
      .def_property_readonly(
          "question", [](const PyScenario& s) { return s.s->question; },
          "The question the scenario asks")
      .def_property_readonly(
          "candidates", [](const PyScenario& s) { return field_of(s.s->candidates, &Candidate::id); },
          "Candidate ids, in file order (the column order of every result array)")
      .def_property_readonly(
          "candidate_names", [](const PyScenario& s) { return field_of(s.s->candidates, &Candidate::name); },
          "Candidates' display names, in the order of `candidates`")
      .def_property_readonly(
          "clps", [](const PyScenario& s) { return field_of(s.s->clps, &Clp::name); },
          "CLP names (the order of the per-CLP result arrays)")
      .def_property_readonly(
          "waves", [](const PyScenario& s) { return field_of(s.s->waves, &Wave::id); },
          "Joining cohorts' ids, in file order")
      .def_property_readonly(
          "factions", [](const PyScenario& s) { return field_of(s.s->factions, &Faction::id); },
          "Faction ids, in file order")
      .def_property_readonly(
          "agents", [](const PyScenario& s) { return s.s->agents(); },
          "People in all waves (the size of the simulated selectorate)")
      .def(
          "wave_targets",
          [](const PyScenario& s, const std::string& wave, std::uint64_t seed) {
            for (const auto& w : s.s->waves)
              if (w.id == wave) return wave_targets(*s.s, w, seed);
            throw py::key_error("leadsim: no wave '" + wave + "'");
          },
          py::arg("wave"), py::arg("seed") = 1,
          "Indices (into `clps`) of the CLPs a wave is concentrated on in runs with this seed "
          "(targets chosen at random depend on the seed); [] for proportional or uniform waves.")
      .def(
          "clp_index",
          [](const PyScenario& s, const std::string& name) {
            const int i = s.s->clp_index(name);
            if (i < 0) throw py::key_error("leadsim: no CLP named '" + name + "'");
            return i;
          },
          py::arg("name"), "Index of a CLP in `clps`")
      .def(
          "candidate_index",
          [](const PyScenario& s, const std::string& id) {
            const int i = s.s->candidate_index(id);
            if (i < 0) throw py::key_error("leadsim: no candidate '" + id + "'");
            return i;
          },
          py::arg("id"), "Index of a candidate id in `candidates`")
      .def("__repr__", [](const PyScenario& s) {
        return "<leadsim.Scenario '" + s.s->name + "' from " + s.path + ", " +
               std::to_string(s.overrides.size()) + " overrides, " + std::to_string(s.s->agents()) +
               " agents>";
      });

  m.def(
      "load",
      [](const std::string& path, const py::object& set, const py::kwargs& kw) {
        auto o = overrides_from(set);
        // Keyword names cannot hold dots: a double underscore stands for one.
        for (auto [k, v] : kw) {
          const std::string name = py::str(k).cast<std::string>();
          std::string key;
          for (size_t i = 0; i < name.size(); ++i) {
            if (name.compare(i, 2, "__") == 0) {
              key += '.';
              ++i;
            } else {
              key += name[i];
            }
          }
          o.emplace_back(key, to_toml(v, key));
        }
        return PyScenario::load(path, std::move(o));
      },
      py::arg("path"), py::arg("set") = py::none(),
      R"(Loads a scenario: leadsim.load(path, set={"meetings.attendance": 0.1}) or, with
keywords, leadsim.load(path, meetings__attendance=0.1) (a double underscore for each dot).
Raises leadsim.ScenarioError.)");

  py::class_<PyResult> result(m, "Result", R"(The runs of one leadsim.run().

Arrays are numpy, first axis the run; candidates, sections and CLPs in the order of the
`candidates`, `sections` and `clps` lists. to_dict() gives everything as a plain dict.)");
  result.def_readonly("scenario", &PyResult::scenario, "The contest's title")
      .def_readonly("candidates", &PyResult::candidates, "Candidate ids (array column order)")
      .def_readonly("candidate_names", &PyResult::candidate_names, "Candidates' display names")
      .def_readonly("clps", &PyResult::clps, "CLP names (per-CLP array order)")
      .def_readonly("sections", &PyResult::sections,
                    "Sections of the selectorate (member, registered, affiliated, ...): the "
                    "order of the section axis of first_share and turnout")
      .def_readonly("stages", &PyResult::stages,
                    "The rulebook's stages in the order they ran (out_at_stage indexes them)")
      .def_readonly("seed", &PyResult::seed, "Master seed")
      .def_readonly("runs", &PyResult::runs, "Monte Carlo runs")
      .def_readonly("threads", &PyResult::threads, "Worker threads used")
      .def_readonly("seconds", &PyResult::seconds, "Wall-clock time of the runs")
      .def_readonly("no_valid_nominations", &PyResult::no_valid_nominations,
                    "Runs in which nobody reached the ballot")
      .def_readonly("win_probability", &PyResult::win_probability,
                    "{candidate id: {'p', 'lo', 'hi'}}: share of runs won, Wilson 95% interval");
  for (const auto& f : kArrayFields) result.def_readonly(f.name, f.member, f.doc);
  result.def("to_dict", &result_dict, "Everything as a dict of lists, numbers and numpy arrays")
      .def("__repr__", [](const PyResult& r) {
        std::string s = "<leadsim.Result '" + r.scenario + "': " + std::to_string(r.runs) +
                        " runs, seed " + std::to_string(r.seed) + "; P(win)";
        for (const auto& c : r.candidates)
          s += " " + c + " " +
               py::str(py::float_(r.win_probability[py::str(c)]["p"].cast<double>()))
                   .cast<std::string>();
        return s + ">";
      });

  m.def("sweep", &sweep, py::arg("scenario"), py::arg("parameters"), py::arg("design") = "latin",
        py::arg("points") = 0, py::arg("runs") = 100, py::arg("seed") = 1, py::arg("levels") = 5,
        py::arg("saltelli") = false, py::arg("streams") = "common",
        py::arg("adaptive") = py::none(), py::arg("max_runs") = 0, py::arg("threads") = 0,
        py::arg("out") = py::none(), py::arg("resume") = false,
        R"(A parameter sweep (the engine of `leadsim sweep`; README "Sweeps").

parameters: {"path": (lo, hi)} for a range (numbers or datetime.date; (lo, hi, levels) sets a
grid's levels), or {"path": [v1, v2, ...]} for a list of values. design: "grid", "random",
"latin", "sobol", or "saltelli" (Saltelli's layout over a Sobol base, for Sobol indices; or
saltelli=True over "latin"). points: points of a random/latin/sobol design (Saltelli: base
samples N). runs: per point. streams: "common" (every point under the sweep's seed) or
"independent". adaptive: "win:ID:WIDTH", "share:ID:WIDTH" or "nominations:ID:WIDTH", up to
max_runs. The scenario's overrides apply to every point.

Returns points.csv as columns {name: numpy array}: point, [saltelli_sample, saltelli_matrix],
one column per parameter, seed, per candidate X win_X (+ _lo, _hi), share_X and nominations_X
(+ _se, _lo, _hi), runs; pandas.DataFrame(result) makes it a table. With out="DIR" the sweep
also writes DIR/points.csv, runs.csv and sweep.json (resumable with resume=True; then
`leadsim sensitivity DIR`). Ctrl-C stops it (finished points are kept in DIR). Bad input raises
leadsim.ScenarioError before anything runs.)");

  m.def("run", &run, py::arg("scenario"), py::arg("runs") = 1000, py::arg("seed") = 1,
        py::arg("threads") = 0, py::arg("per_run_clps") = true,
        R"(Runs the contest `runs` times: leadsim.run(scenario, runs=1000, seed=1, threads=0).

threads=0 uses every core. The GIL is released while the runs go on (other Python threads
keep running); Ctrl-C stops them and raises KeyboardInterrupt. per_run_clps=False leaves out
the [runs x clps] arrays (clp_nominee, clp_met, clp_attendance) to save memory on large
ensembles; the per-CLP totals are kept. The same scenario, runs and seed give the same
arrays whatever the thread count. Returns a leadsim.Result.)");
}
