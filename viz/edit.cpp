#include "edit.hpp"

namespace leadsim::viz {

std::vector<std::string> diagnostic_lines(const InputError& e) {
  std::vector<std::string> out;
  for (const auto& d : e.diagnostics()) out.push_back(d.str());
  if (out.empty()) out.push_back(e.what());
  return out;
}

void EditSession::open(const std::string& path, const std::vector<std::string>& overrides) {
  std::vector<std::string> normalised;
  for (const auto& o : overrides)
    normalised = set_override(std::move(normalised), override_path(o), override_value(o));
  auto s = std::make_shared<const Scenario>(load_scenario(path, normalised));  // throws
  // The file's own values, for tooltips. Overrides given at start-up may be what makes the
  // file load at all, so the file alone may fail: then there are none to show.
  std::map<std::string, std::string> file_values;
  try {
    for (const auto& r : load_scenario(path).resolved) file_values[r.path] = r.value;
  } catch (const InputError&) {
  }
  path_ = path;
  file_values_ = std::move(file_values);
  overrides_ = std::move(normalised);
  scenario_ = std::move(s);
  refusals_.clear();
  ++version_;
  index();
}

void EditSession::index() {
  by_path_.clear();
  for (size_t i = 0; i < scenario_->resolved.size(); ++i) by_path_[scenario_->resolved[i].path] = i;
  // The structure (which parameters exist) changes only when a scenario is opened, but a
  // rebuild is cheap (a few hundred entries) and keeps this simple.
  specs_.clear();
  spec_by_path_.clear();
  for (const auto& r : scenario_->resolved) {
    spec_by_path_[r.path] = specs_.size();
    specs_.push_back(describe(r.path));
  }
}

const std::string& EditSession::value(const std::string& path) const {
  static const std::string none;
  auto it = by_path_.find(path);
  return it == by_path_.end() ? none : scenario_->resolved[it->second].value;
}

const std::string& EditSession::file_value(const std::string& path) const {
  static const std::string none;
  auto it = file_values_.find(path);
  return it == file_values_.end() ? none : it->second;
}

const ParamSpec* EditSession::spec(const std::string& path) const {
  auto it = spec_by_path_.find(path);
  return it == spec_by_path_.end() ? nullptr : &specs_[it->second];
}

bool EditSession::reload(const std::vector<std::string>& overrides,
                         const std::string& refused_path) {
  try {
    auto s = std::make_shared<const Scenario>(load_scenario(path_, overrides));
    overrides_ = overrides;
    scenario_ = std::move(s);
    refusals_.erase(refused_path);
    ++version_;
    index();
    return true;
  } catch (const InputError& e) {
    std::vector<std::string> lines;
    for (const auto& d : e.diagnostics()) lines.push_back(d.message);
    refusals_[refused_path] = std::move(lines);
    return false;
  }
}

bool EditSession::set(const std::string& path, const std::string& value) {
  if (!is_open()) return false;
  const std::string v = normalise_value(value);
  if (this->value(path) == v && find_override(overrides_, path) == v) return true;
  return reload(set_override(overrides_, path, v), path);
}

bool EditSession::reset(const std::string& path) {
  if (!is_open() || !is_overridden(path)) return true;
  return reload(remove_override(overrides_, path), path);
}

void EditSession::reset_all() {
  if (!is_open() || overrides_.empty()) return;
  reload({}, "");
}

bool EditSession::is_overridden(const std::string& path) const {
  return find_override(overrides_, path).has_value();
}

const std::vector<std::string>* EditSession::refusal(const std::string& path) const {
  auto it = refusals_.find(path);
  return it == refusals_.end() ? nullptr : &it->second;
}

void EditSession::save_as(const std::string& new_file) const {
  save_scenario(new_file, path_, overrides_);
}

}  // namespace leadsim::viz
