// sweep_folder.hpp: where a sweep's results go: shards (--shard i/n), sweep.json (what the
// sweep is), the resumable folder DIR/points.csv, runs.csv, sweep.json that survives being
// killed, and the merge of shards' folders into one. Part of the sweep API (sweep.hpp includes
// it with the rest).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "leadsim/scenario.hpp"
#include "leadsim/sweep_engine.hpp"
#include "leadsim/sweep_spec.hpp"

namespace leadsim {

// --shard i/n: shard i (1-based) computes points i-1, i-1+n, i-1+2n, ...
struct Shard {
  std::uint64_t index = 1, count = 1;
  bool whole() const { return count == 1; }
};
Shard parse_shard(const std::string& text);  // "2/8"; throws InputError
std::vector<std::uint64_t> shard_points(std::uint64_t total, Shard shard);

// sweep.json: what the sweep is (the spec and its SHA-256, the scenario and its files'
// SHA-256, seed, design, parameters, leadsim version and commit; the shard when split).
std::string sweep_json(const Scenario& base, const SweepSpec& spec, Shard shard);
std::string spec_sha256(const SweepSpec& spec);

// DIR/points.csv, runs.csv and sweep.json, written so that a sweep killed at any moment (even
// by SIGKILL) resumes to byte-identical files. While it runs they are *.partial, and a journal
// (DIR/sweep.journal) records, after each point, how many points are done and the length and a
// hash of each file's finished part; resuming truncates the partial files to the last good
// record. Finished: the files are renamed into place and the journal removed.
class SweepFolder : public SweepSink {
 public:
  // Starts a sweep in `dir`, or with `resume` continues the unfinished one there (starting it if
  // there is none). Throws InputError when an unfinished sweep is there and `resume` is false,
  // when it is a different sweep (another spec, scenario, seed, shard or leadsim build), or when
  // the folder cannot be written or another process is writing it.
  SweepFolder(std::filesystem::path dir, const Scenario& base, const SweepSpec& spec, Shard shard,
              bool resume);
  ~SweepFolder() override;
  SweepFolder(const SweepFolder&) = delete;
  SweepFolder& operator=(const SweepFolder&) = delete;

  std::uint64_t total() const { return tasks_.size(); }       // this shard's points
  std::uint64_t done() const { return done_; }                 // finished so far
  bool complete() const { return done_ == tasks_.size(); }
  bool already_complete() const { return already_complete_; }  // found finished on opening
  std::vector<std::uint64_t> remaining() const;                // points still to compute
  void on_point(const SweepPoint& point, const PointResult& result) override;
  void finish();   // renames the files into place (only when complete)
  void abandon();  // removes the partial files and the journal (bad input mid-way)
  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Impl;
  std::filesystem::path dir_;
  std::vector<std::uint64_t> tasks_;
  std::uint64_t done_ = 0;
  bool already_complete_ = false;
  std::unique_ptr<Impl> impl_;
};

// Joins the folders of every shard of one sweep (complete, any order) into `out`: files
// byte-identical to the unsharded sweep's. Throws InputError if a shard is missing, repeated,
// unfinished, or from another sweep.
void merge_sweeps(const std::vector<std::filesystem::path>& shards,
                  const std::filesystem::path& out);

}  // namespace leadsim
