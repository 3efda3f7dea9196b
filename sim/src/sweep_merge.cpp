// sweep_merge.cpp: joins the folders of a sweep's shards (`--shard i/n` jobs) into the folder
// the unsharded sweep would have written, byte for byte. Shards are dealt round robin, so point p
// is in shard p mod n; the merge streams the files, holding one row of each at a time.
#include <fmt/format.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "leadsim/report.hpp"
#include "leadsim/sweep.hpp"
#include "leadsim/input_file.hpp"
#include "sweep_detail.hpp"

namespace leadsim {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using detail::read_text;
using detail::sweep_difference;

// ------------------------------------------------------------------------------------------
// Merging shards.

namespace {

// The point a CSV row belongs to (its first field).
std::uint64_t row_point(const std::string& line) { return std::strtoull(line.c_str(), nullptr, 10); }

}  // namespace

void merge_sweeps(const std::vector<fs::path>& shards, const fs::path& out) {
  std::vector<Diagnostic> diags;
  struct Part {
    fs::path dir;
    std::uint64_t index = 0;
    std::ifstream points, runs;
    std::string lookahead;  // next runs.csv row not yet written
    bool has_lookahead = false;
  };
  if (shards.empty()) throw InputError({{"--merge", 0, 0, "no shard folders given"}});
  std::vector<std::unique_ptr<Part>> parts;
  std::string common;  // sweep.json without its shard
  std::uint64_t count = 0, total = 0;
  for (const auto& dir : shards) {
    const fs::path json_file = dir / "sweep.json";
    if (fs::exists(dir / "sweep.journal") || !fs::exists(json_file) || !fs::exists(dir / "points.csv") ||
        !fs::exists(dir / "runs.csv")) {
      diags.push_back({dir.string(), 0, 0, "not a finished sweep folder (it needs sweep.json, points.csv and "
                                           "runs.csv, and no sweep.journal: resume it first)"});
      continue;
    }
    std::string unreadable;
    for (const char* name : {"sweep.json", "points.csv", "runs.csv"})
      if (std::string why = input_file_problem((dir / name).string(), UINTMAX_MAX); !why.empty())
        unreadable = fmt::format("'{}' {}", (dir / name).string(), why);
    if (!unreadable.empty()) {
      diags.push_back({dir.string(), 0, 0, "not a finished sweep folder: " + unreadable});
      continue;
    }
    json j = json::parse(read_text(json_file), nullptr, false);
    if (j.is_discarded() || !j.contains("points")) {
      diags.push_back({json_file.string(), 0, 0, "not a sweep's description (damaged?)"});
      continue;
    }
    auto p = std::make_unique<Part>();
    p->dir = dir;
    std::uint64_t n = 1;
    if (j.contains("shard")) {
      p->index = j["shard"]["index"].get<std::uint64_t>();
      n = j["shard"]["count"].get<std::uint64_t>();
      j.erase("shard");
    } else {
      p->index = 1;
    }
    const std::string text = j.dump(2) + "\n";
    if (common.empty()) {
      common = text;
      count = n;
      total = j["points"].get<std::uint64_t>();
    } else if (text != common || n != count) {
      const std::string why = sweep_difference(common, text);
      diags.push_back({json_file.string(), 0, 0, fmt::format("a shard of a different sweep than {}: {}",
                                                             parts.front()->dir.string(),
                                                             why.empty() ? "the shard counts differ" : why)});
      continue;
    }
    parts.push_back(std::move(p));
  }
  if (!diags.empty()) throw InputError(diags);
  std::vector<Part*> by_index(size_t(count), nullptr);
  for (auto& p : parts) {
    if (p->index < 1 || p->index > count || by_index[size_t(p->index - 1)])
      diags.push_back({p->dir.string(), 0, 0, fmt::format("shard {}/{} given twice", p->index, count)});
    else
      by_index[size_t(p->index - 1)] = p.get();
  }
  for (std::uint64_t i = 0; i < count; ++i)
    if (!by_index[size_t(i)]) diags.push_back({"--merge", 0, 0, fmt::format("shard {}/{} is missing", i + 1, count)});
  if (!diags.empty()) throw InputError(diags);

  OutputDir dest(out);  // the merged files appear whole or not at all
  std::ostream& points = dest.open("points.csv");
  std::ostream& runs = dest.open("runs.csv");
  std::string header_points, header_runs, line;
  for (size_t i = 0; i < by_index.size(); ++i) {
    Part& p = *by_index[i];
    p.points.open(p.dir / "points.csv", std::ios::binary);
    p.runs.open(p.dir / "runs.csv", std::ios::binary);
    std::string hp, hr;
    std::getline(p.points, hp);
    std::getline(p.runs, hr);
    if (i == 0) {
      header_points = hp;
      header_runs = hr;
      points << hp << "\n";
      runs << hr << "\n";
    } else if (hp != header_points || hr != header_runs) {
      throw InputError({{p.dir.string(), 0, 0, "its CSV columns differ from the first shard's"}});
    }
  }
  auto damaged = [](const Part& p, std::uint64_t point) {
    return InputError({{p.dir.string(), 0, 0, fmt::format("point {} is missing or out of place (the "
                                                          "folder was edited?)", point)}});
  };
  for (std::uint64_t point = 0; point < total; ++point) {
    Part& p = *by_index[size_t(point % count)];
    if (!std::getline(p.points, line) || row_point(line) != point) throw damaged(p, point);
    points << line << "\n";
    for (;;) {
      if (!p.has_lookahead) {
        if (!std::getline(p.runs, p.lookahead)) break;
        p.has_lookahead = true;
      }
      if (row_point(p.lookahead) != point) break;
      runs << p.lookahead << "\n";
      p.has_lookahead = false;
    }
  }
  for (auto* p : by_index)
    if (std::getline(p->points, line) || p->has_lookahead || std::getline(p->runs, line))
      throw InputError({{p->dir.string(), 0, 0, "it has rows beyond the sweep's points"}});
  dest.open("sweep.json") << common;
  dest.commit();
}


}  // namespace leadsim
