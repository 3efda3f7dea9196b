// sweep_folder.cpp: where a sweep's results live. Shards (--shard i/n), sweep.json (what the
// sweep is, so that a folder can be resumed or merged only with the same sweep) and the
// resumable folder: DIR/points.csv, runs.csv, sweep.json written through *.partial files and a
// journal, so that a sweep killed at any moment resumes to byte-identical files.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "leadsim/input_file.hpp"
#include "leadsim/report.hpp"
#include "leadsim/sha256.hpp"
#include "leadsim/sweep.hpp"
#include "sweep_detail.hpp"
#include "text.hpp"

namespace leadsim {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

using namespace detail;

// ------------------------------------------------------------------------------------------
// Shards and the manifest.

Shard parse_shard(const std::string& text) {
  const std::vector<std::string> parts = split(text, '/');
  char *e1 = nullptr, *e2 = nullptr;
  Shard s;
  if (parts.size() == 2) {
    s.index = std::strtoull(parts[0].c_str(), &e1, 10);
    s.count = std::strtoull(parts[1].c_str(), &e2, 10);
  }
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty() || *e1 || *e2 || s.count < 1 ||
      s.index < 1 || s.index > s.count)
    throw InputError({{"--shard", 0, 0, fmt::format("'{}' should be i/n with 1 <= i <= n, e.g. 2/8", text)}});
  return s;
}

std::vector<std::uint64_t> shard_points(std::uint64_t total, Shard shard) {
  // Round robin rather than blocks: neighbouring points often cost alike (a grid's slow
  // parameter), so dealing them out evens the shards' work.
  std::vector<std::uint64_t> out;
  for (std::uint64_t p = shard.index - 1; p < total; p += shard.count) out.push_back(p);
  return out;
}

namespace {

json spec_object(const SweepSpec& spec) {
  json j;
  j["design"] = design_id(spec.design);
  if (spec.design == SweepDesign::grid) j["levels"] = spec.levels;
  else j["points"] = spec.points;
  j["saltelli"] = spec.saltelli;
  j["runs"] = spec.runs;
  j["seed"] = spec.seed;
  j["streams"] = spec.streams == StreamPolicy::common ? "common" : "independent";
  if (spec.adaptive) {
    j["adaptive"] = spec.adaptive->text();
    j["max_runs"] = spec.adaptive_cap();
  }
  j["set"] = spec.set;
  json params = json::array();
  for (const auto& p : spec.params) {
    json x;
    x["path"] = p.path;
    if (p.is_range) {
      if (p.range_of_dates) {
        x["min"] = format_day(Day(p.lo));
        x["max"] = format_day(Day(p.hi));
      } else {
        x["min"] = p.lo;
        x["max"] = p.hi;
      }
      if (p.levels) x["levels"] = p.levels;
    } else {
      json values = json::array();
      for (const auto& v : p.values) values.push_back(v);
      x["values"] = values;
    }
    params.push_back(x);
  }
  j["parameters"] = params;
  return j;
}

const char* kind_id(ParamKind k) {
  switch (k) {
    case ParamKind::number: return "number";
    case ParamKind::integer: return "integer";
    case ParamKind::date: return "date";
    case ParamKind::other: return "values";
  }
  return "?";
}

}  // namespace

std::string spec_sha256(const SweepSpec& spec) { return sha256_hex(spec_object(spec).dump()); }

std::string sweep_json(const Scenario& base, const SweepSpec& spec, Shard shard) {
  json j;
  j["leadsim_version"] = leadsim_version();
  j["git_commit"] = LEADSIM_GIT_COMMIT;
  j["scenario"] = base.file;
  j["scenario_sha256"] = base.sha256;
  j["included_files"] = json::array();
  for (const auto& [file, hash] : base.included_files)
    j["included_files"].push_back({{"file", file}, {"sha256", hash}});
  j["spec"] = spec_object(spec);
  j["spec_sha256"] = spec_sha256(spec);
  json design;
  // A Saltelli sweep's design is "saltelli" (over a sobol or latin base): what the sensitivity
  // command looks for.
  design["type"] = spec.saltelli ? "saltelli" : design_id(spec.design);
  if (spec.saltelli) {
    design["base"] = design_id(spec.design);
    design["samples"] = spec.points;
    if (spec.design == SweepDesign::sobol) design["sobol_skip"] = sobol_skip(spec);
  }
  if (spec.design == SweepDesign::grid) design["levels"] = spec.levels;
  design["points"] = design_size(spec);
  j["design"] = design;
  j["points"] = design_size(spec);
  j["runs"] = spec.runs;
  j["seed"] = spec.seed;
  j["streams"] = spec.streams == StreamPolicy::common ? "common" : "independent";
  j["random_streams"] = spec.streams == StreamPolicy::common
                            ? "every point: population synthesise(point scenario, seed), run r keyed by "
                              "run_key(seed, r) (common random numbers)"
                            : "point seed = derive_key(seed, name_hash(\"path=value\\n\"...)); population "
                              "and runs as `leadsim run --seed <point seed>`";
  json params = json::array();
  for (const auto& p : spec.params) {
    json x;
    x["path"] = p.path;
    x["kind"] = kind_id(p.kind);
    if (p.is_range) {
      x["min"] = number_value(p, p.lo).shown;
      x["max"] = number_value(p, p.hi).shown;
      if (spec.design == SweepDesign::grid) x["levels"] = grid_levels(p, spec.levels).size();
    } else {
      json values = json::array();
      for (const auto& v : p.values) values.push_back(shown_text(v));
      x["values"] = values;
    }
    params.push_back(x);
  }
  j["parameters"] = params;
  if (spec.adaptive) j["adaptive"] = {{"target", spec.adaptive->text()}, {"batch", spec.runs},
                                      {"max_runs", spec.adaptive_cap()}};
  if (!shard.whole()) j["shard"] = {{"index", shard.index}, {"count", shard.count}};
  return j.dump(2) + "\n";
}

// ------------------------------------------------------------------------------------------
// The resumable folder.

namespace {

constexpr char kMagic[8] = {'L', 'S', 'W', 'E', 'E', 'P', 'J', '1'};

// FNV-1a, 64-bit, running over a file's bytes: cheap beside the simulation, and enough to tell
// a file's finished part from one the system lost in a crash.
struct RunningHash {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  }
};

struct JournalRecord {
  char magic[8];
  std::uint64_t seq, done, points_bytes, runs_bytes, points_hash, runs_hash, check;
  std::uint64_t compute_check() const {
    RunningHash h;
    h.add(std::string_view(reinterpret_cast<const char*>(this), offsetof(JournalRecord, check)));
    return h.h;
  }
};
static_assert(sizeof(JournalRecord) == 64);

void write_all(int fd, std::string_view data, const fs::path& what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(fmt::format("writing {} failed: {}", what.string(), std::strerror(errno)));
    data.remove_prefix(size_t(n));
  }
}

void sync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Hash of the first `bytes` of a file; false if it is shorter.
bool hash_prefix(const fs::path& file, std::uint64_t bytes, std::uint64_t& out) {
  // Only a regular file: a FIFO put in its place would be read for ever.
  if (!input_file_problem(file.string(), UINTMAX_MAX).empty()) return false;
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  RunningHash h;
  std::vector<char> buf(1 << 20);
  std::uint64_t left = bytes;
  while (left) {
    const size_t want = size_t(std::min<std::uint64_t>(left, buf.size()));
    in.read(buf.data(), std::streamsize(want));
    if (size_t(in.gcount()) != want) return false;
    h.add(std::string_view(buf.data(), want));
    left -= want;
  }
  out = h.h;
  return true;
}


}  // namespace

namespace detail {

std::string read_text(const fs::path& file) {
  // leadsim's own small files (sweep.json, the journal): through the one reader, "" if unreadable.
  std::vector<Diagnostic> ignored;
  if (std::optional<std::string> text = read_input_file(file.string(), "file", ignored))
    return *text;
  return "";
}

// What differs between two sweep.json texts, in words ("" when they describe the same sweep;
// the scenario's path may differ, its contents may not).
std::string sweep_difference(const std::string& a, const std::string& b) {
  json x = json::parse(a, nullptr, false), y = json::parse(b, nullptr, false);
  if (x.is_discarded()) return "its sweep.json is damaged";
  x.erase("scenario");
  y.erase("scenario");
  if (x == y) return "";
  auto str = [](const json& j, const char* k) { return j.contains(k) ? j[k].dump() : std::string("none"); };
  for (const auto& [key, what] :
       std::vector<std::pair<const char*, const char*>>{{"spec_sha256", "the sweep spec"},
                                                        {"scenario_sha256", "the scenario file"},
                                                        {"included_files", "a file the scenario includes"},
                                                        {"shard", "the shard"},
                                                        {"leadsim_version", "the leadsim version"},
                                                        {"git_commit", "the leadsim build (git commit)"}})
    if (str(x, key) != str(y, key))
      return fmt::format("{} differs ({} there, {} now)", what, str(x, key), str(y, key));
  return "its description differs";
}

}  // namespace detail

struct SweepFolder::Impl {
  fs::path points_partial, runs_partial, json_partial, journal_path;
  int points_fd = -1, runs_fd = -1, journal_fd = -1;
  bool created_journal = false;
  JournalRecord rec{};
  RunningHash points_hash, runs_hash;
  std::chrono::steady_clock::time_point last_sync = std::chrono::steady_clock::now();
  std::string json_text, points_header, runs_header;
  const SweepSpec* spec = nullptr;

  ~Impl() {
    for (int fd : {points_fd, runs_fd, journal_fd})
      if (fd >= 0) ::close(fd);
  }

  void write_record() {
    ++rec.seq;
    std::memcpy(rec.magic, kMagic, sizeof(kMagic));
    rec.points_hash = points_hash.h;
    rec.runs_hash = runs_hash.h;
    rec.check = rec.compute_check();
    // Two slots, alternately: a record torn by a crash leaves the previous one whole.
    const off_t at = off_t((rec.seq % 2) * sizeof(JournalRecord));
    if (::pwrite(journal_fd, &rec, sizeof(rec), at) != ssize_t(sizeof(rec)))
      throw std::runtime_error(fmt::format("writing {} failed: {}", journal_path.string(), std::strerror(errno)));
  }

  // Data first, then the record that points at it: a crash of the machine (not just the
  // process) can then lose only the last few points, which the hashes detect. A killed process
  // loses nothing it wrote: its writes are in the page cache.
  void sync(bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_sync < std::chrono::seconds(2)) return;
    ::fdatasync(points_fd);
    ::fdatasync(runs_fd);
    ::fdatasync(journal_fd);
    last_sync = now;
  }

  int open_file(const fs::path& p, bool truncate) {
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
    if (fd < 0) throw InputError({{p.string(), 0, 0, fmt::format("cannot write the file: {}", std::strerror(errno))}});
    return fd;
  }

  void start_fresh() {
    {
      const int fd = open_file(json_partial, true);
      write_all(fd, json_text, json_partial);
      ::fsync(fd);
      ::close(fd);
    }
    if (points_fd >= 0) ::close(points_fd);
    if (runs_fd >= 0) ::close(runs_fd);
    points_fd = open_file(points_partial, true);
    runs_fd = open_file(runs_partial, true);
    write_all(points_fd, points_header, points_partial);
    write_all(runs_fd, runs_header, runs_partial);
    points_hash = {};
    runs_hash = {};
    points_hash.add(points_header);
    runs_hash.add(runs_header);
    rec = {};
    rec.points_bytes = points_header.size();
    rec.runs_bytes = runs_header.size();
    sync(true);
    write_record();
    ::fdatasync(journal_fd);
    sync_dir(journal_path.parent_path());
  }

  // The newest journal record whose files are intact; false if none is.
  bool recover() {
    JournalRecord slots[2]{};
    const ssize_t n = ::pread(journal_fd, slots, sizeof(slots), 0);
    std::vector<JournalRecord> valid;
    for (int i = 0; i < 2; ++i)
      if (n >= ssize_t((i + 1) * sizeof(JournalRecord)) && !std::memcmp(slots[i].magic, kMagic, 8) &&
          slots[i].check == slots[i].compute_check())
        valid.push_back(slots[i]);
    std::sort(valid.begin(), valid.end(), [](const auto& a, const auto& b) { return a.seq > b.seq; });
    for (const JournalRecord& r : valid) {
      std::uint64_t hp = 0, hr = 0;
      if (!hash_prefix(points_partial, r.points_bytes, hp) || hp != r.points_hash) continue;
      if (!hash_prefix(runs_partial, r.runs_bytes, hr) || hr != r.runs_hash) continue;
      rec = r;
      points_hash.h = hp;
      runs_hash.h = hr;
      points_fd = open_file(points_partial, false);
      runs_fd = open_file(runs_partial, false);
      // Whatever follows the record's lengths was written after it: a point not finished.
      if (::ftruncate(points_fd, off_t(r.points_bytes)) || ::ftruncate(runs_fd, off_t(r.runs_bytes)))
        throw std::runtime_error("cannot truncate the partial files");
      ::lseek(points_fd, 0, SEEK_END);
      ::lseek(runs_fd, 0, SEEK_END);
      return true;
    }
    return false;
  }
};

SweepFolder::SweepFolder(fs::path dir, const Scenario& base, const SweepSpec& spec, Shard shard, bool resume)
    : dir_(std::move(dir)), impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.spec = &spec;
  tasks_ = shard_points(design_size(spec), shard);
  m.json_text = sweep_json(base, spec, shard);
  m.points_header = points_csv_header(base, spec);
  m.runs_header = runs_csv_header(base, spec);
  m.points_partial = dir_ / "points.csv.partial";
  m.runs_partial = dir_ / "runs.csv.partial";
  m.json_partial = dir_ / "sweep.json.partial";
  m.journal_path = dir_ / "sweep.journal";

  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_))
    throw InputError({{dir_.string(), 0, 0, "cannot create the output folder (does its parent exist, and "
                                            "do you have permission?)"}});
  const bool had_journal = fs::exists(m.journal_path);
  m.journal_fd = ::open(m.journal_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (m.journal_fd < 0)
    throw InputError({{dir_.string(), 0, 0, fmt::format("cannot write to the output folder: {}", std::strerror(errno))}});
  m.created_journal = !had_journal;
  auto fail = [&](std::string msg) {
    if (m.created_journal) fs::remove(m.journal_path, ec);
    throw InputError({{dir_.string(), 0, 0, std::move(msg)}});
  };
  if (::flock(m.journal_fd, LOCK_EX | LOCK_NB) != 0)
    fail("another leadsim sweep is writing to this folder (wait for it, or choose another --out)");
  struct stat st {};
  ::fstat(m.journal_fd, &st);
  const bool unfinished = had_journal && st.st_size > 0;

  if (unfinished) {
    if (!resume)
      fail("the folder holds an unfinished sweep: add --resume to continue it, or remove the folder "
           "to start again");
    // A finish() interrupted between its renames: put the finished files back.
    for (const auto& [partial, final_name] : {std::pair{m.points_partial, dir_ / "points.csv"},
                                              std::pair{m.runs_partial, dir_ / "runs.csv"},
                                              std::pair{m.json_partial, dir_ / "sweep.json"}})
      if (!fs::exists(partial) && fs::exists(final_name)) fs::rename(final_name, partial, ec);
    if (!fs::exists(m.json_partial)) {
      // The sweep never got past its first write: nothing to keep.
      m.start_fresh();
      return;
    }
    const std::string why = sweep_difference(read_text(m.json_partial), m.json_text);
    if (!why.empty())
      throw InputError({{(dir_ / "sweep.json.partial").string(), 0, 0,
                         fmt::format("cannot resume: the folder holds a different sweep: {}. Resume with "
                                     "the same scenario, spec and seed, or choose another --out", why)}});
    m.json_text = read_text(m.json_partial);  // keep the bytes written first
    if (!m.recover()) {
      std::fprintf(stderr, "%s: the unfinished sweep's files are damaged (a system crash?); starting it again\n",
                   dir_.c_str());
      m.start_fresh();
      return;
    }
    done_ = m.rec.done;
    if (done_ > tasks_.size()) throw InputError({{m.journal_path.string(), 0, 0, "the journal is damaged"}});
    return;
  }
  if (resume && fs::exists(dir_ / "sweep.json") && fs::exists(dir_ / "points.csv") &&
      fs::exists(dir_ / "runs.csv")) {
    const std::string why = sweep_difference(read_text(dir_ / "sweep.json"), m.json_text);
    if (!why.empty())
      fail(fmt::format("cannot resume: the folder holds a different, finished sweep: {}", why));
    fs::remove(m.journal_path, ec);
    already_complete_ = true;
    done_ = tasks_.size();
    return;
  }
  m.start_fresh();
}

SweepFolder::~SweepFolder() = default;

std::vector<std::uint64_t> SweepFolder::remaining() const {
  return {tasks_.begin() + std::ptrdiff_t(done_), tasks_.end()};
}

void SweepFolder::on_point(const SweepPoint& point, const PointResult& result) {
  Impl& m = *impl_;
  if (already_complete_ || done_ >= tasks_.size() || tasks_[done_] != point.index)
    throw std::logic_error(fmt::format("sweep point {} arrived out of order", point.index));
  const std::string row = points_csv_row(*m.spec, point, result.stats);
  write_all(m.points_fd, row, m.points_partial);
  write_all(m.runs_fd, result.runs_rows, m.runs_partial);
  m.points_hash.add(row);
  m.runs_hash.add(result.runs_rows);
  m.rec.points_bytes += row.size();
  m.rec.runs_bytes += result.runs_rows.size();
  m.rec.done = ++done_;
  m.sync(false);
  m.write_record();
}

void SweepFolder::finish() {
  if (already_complete_) return;
  if (!complete()) throw std::logic_error("finish() before every point is done");
  Impl& m = *impl_;
  m.sync(true);
  // `leadsim sensitivity`'s table describes the sweep this folder held until now: it would be
  // stale beside the new points.csv.
  std::error_code ec;
  fs::remove(dir_ / "sensitivity.csv", ec);
  // The three renames, all or none: should one fail, those before it go back to their partial
  // names (the journal still stands, so the folder stays a resumable, unfinished sweep).
  const std::pair<fs::path, fs::path> moves[] = {{m.points_partial, dir_ / "points.csv"},
                                                 {m.runs_partial, dir_ / "runs.csv"},
                                                 {m.json_partial, dir_ / "sweep.json"}};
  for (size_t i = 0; i < std::size(moves); ++i) {
    std::error_code rec;
    fs::rename(moves[i].first, moves[i].second, rec);
    if (!rec) continue;
    for (size_t k = 0; k < i; ++k) fs::rename(moves[k].second, moves[k].first, ec);
    sync_dir(dir_);
    throw InputError({{moves[i].second.string(), 0, 0,
                       fmt::format("cannot put the finished file in place ({}): the sweep is left "
                                   "unfinished; fix the cause and run the same command with "
                                   "--resume", rec.message())}});
  }
  sync_dir(dir_);
  fs::remove(m.journal_path);
  sync_dir(dir_);
  already_complete_ = true;
}

void SweepFolder::abandon() {
  Impl& m = *impl_;
  std::error_code ec;
  for (const auto& p : {m.points_partial, m.runs_partial, m.json_partial, m.journal_path}) fs::remove(p, ec);
}

}  // namespace leadsim
