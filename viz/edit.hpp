// edit.hpp: the scenario being explored, and every edit made to it (no ImGui, unit-tested).
//
// An EditSession is a scenario file plus a list of overrides ("path=value", as `leadsim run
// --set` takes them). Every edit reloads the scenario with load_scenario(file, overrides): if
// the loader refuses, the edit is refused, its messages are kept for the widget that made it,
// and the previous scenario stays in force. Loading takes a few milliseconds (labour-2016:
// 3 ms), so it is done where the edit happens.
//
// Example:
//   EditSession e;
//   e.open("scenarios/toy.toml");
//   e.set("meetings.chair_bias", "0.5");        // accepted: e.scenario() has the new value
//   e.set("meetings.chair_bias", "2.0");        // refused: e.refusal("meetings.chair_bias")
//   e.save_as("my.toml");                       // include = "toy.toml" + [meetings] chair_bias
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "leadsim/scenario.hpp"
#include "params.hpp"

namespace leadsim::viz {

class EditSession {
 public:
  // Opens a scenario file with optional overrides. Throws InputError (with every diagnostic, as
  // `leadsim validate` prints them) and leaves the session as it was.
  void open(const std::string& path, const std::vector<std::string>& overrides = {});
  bool is_open() const { return scenario_ != nullptr; }

  const std::string& path() const { return path_; }
  const std::vector<std::string>& overrides() const { return overrides_; }
  std::shared_ptr<const Scenario> scenario() const { return scenario_; }
  // Increases with every accepted change (open, set, reset): consumers compare it.
  std::uint64_t version() const { return version_; }

  // The TOML value in force for `path` ("" if the scenario has no such parameter).
  const std::string& value(const std::string& path) const;
  // The value the file itself gives `path`, before any override ("" if none).
  const std::string& file_value(const std::string& path) const;
  // The parameter's description (widget kind, range, unit, meaning), built once per scenario.
  const std::vector<ParamSpec>& params() const { return specs_; }
  const ParamSpec* spec(const std::string& path) const;

  // Sets `path` to a TOML value (bare words are strings). Returns false if the loader refused it;
  // then refusal(path) says why and nothing else changes.
  bool set(const std::string& path, const std::string& value);
  // Back to the file's value for one parameter, or for all.
  bool reset(const std::string& path);
  void reset_all();
  bool is_overridden(const std::string& path) const;
  // The loader's messages for the last refused edit of `path`, or nullptr.
  const std::vector<std::string>* refusal(const std::string& path) const;
  void clear_refusal(const std::string& path) { refusals_.erase(path); }

  // Writes a scenario file that includes this one and sets the overrides (see save_scenario()).
  void save_as(const std::string& new_file) const;

 private:
  bool reload(const std::vector<std::string>& overrides, const std::string& refused_path);
  void index();

  std::string path_;
  std::vector<std::string> overrides_;
  std::shared_ptr<const Scenario> scenario_;
  std::uint64_t version_ = 0;
  std::map<std::string, std::size_t> by_path_;      // path -> index in scenario_->resolved
  std::map<std::string, std::string> file_values_;  // path -> value without overrides
  std::vector<ParamSpec> specs_;
  std::map<std::string, std::size_t> spec_by_path_;
  std::map<std::string, std::vector<std::string>> refusals_;
};

// One line per diagnostic, as `leadsim validate` prints them.
std::vector<std::string> diagnostic_lines(const InputError& e);

}  // namespace leadsim::viz
