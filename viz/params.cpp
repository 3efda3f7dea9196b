#include "params.hpp"

#include <toml++/toml.h>

#include "leadsim/toml_input.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace leadsim::viz {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string join(const std::vector<std::string>& parts, size_t from, char sep) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) {
    if (i > from) out += sep;
    out += parts[i];
  }
  return out;
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

// Sections whose second segment is an id of the scenario's own choosing.
bool keyed_section(const std::string& section) {
  return section == "candidates" || section == "factions" || section == "waves" ||
         section == "affiliates";
}

// A parsed TOML value "v = <value>", or nothing if it is not TOML (or nests too deep for toml++
// to hold safely, toml_input.hpp).
std::optional<toml::table> parse_value(const std::string& value) {
  if (toml_nesting_problem("v = " + value, "value")) return std::nullopt;
  try {
    return toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

}  // namespace

ParamSpec describe(const std::string& path) {
  ParamSpec p;
  p.path = path;
  const std::vector<std::string> parts = split(path, '.');
  p.section = parts[0];
  const bool keyed = keyed_section(p.section) && parts.size() >= 3;
  p.entity = keyed ? parts[1] : "";
  p.name = join(parts, keyed ? 2 : 1, '.');
  p.key = keyed ? p.section + ".<id>." + p.name : path;
  p.label = p.name;
  const Field* f = find_field(path);
  if (!f) return p;  // undocumented: edited as text
  p.documented = true;
  p.key = f->path;
  if (!f->label.empty()) p.label = f->label;
  p.type = f->type();
  p.def = f->def;
  p.unit = f->unit;
  p.meaning = f->meaning;
  p.lo = f->lo;
  p.hi = f->hi;
  p.lo_open = f->lo_open;
  switch (f->kind) {
    case FieldKind::probability: p.kind = WidgetKind::probability; break;
    case FieldKind::number:
      p.kind = WidgetKind::number;
      p.logarithmic = p.lo >= 0 && p.hi - p.lo >= 1000;
      break;
    case FieldKind::whole: p.kind = WidgetKind::integer; break;
    case FieldKind::boolean: p.kind = WidgetKind::boolean; break;
    case FieldKind::date: p.kind = WidgetKind::date; break;
    case FieldKind::word:
      p.kind = WidgetKind::choice;
      p.choices = f->words;
      break;
    case FieldKind::vector: p.kind = WidgetKind::position; break;
    case FieldKind::shares:
      p.kind = WidgetKind::shares;
      p.lo = 0;
      p.hi = 1;
      break;
    default: break;  // names, lists and tables: edited as TOML text
  }
  return p;
}

std::string widget_label(const ParamSpec& p) {
  auto lower = [](std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  if (p.unit.empty() || p.unit == "date" || lower(p.label).find(lower(p.unit)) != std::string::npos)
    return p.label;
  return p.label + " (" + p.unit + ")";
}

std::string qualified_label(const ParamSpec& p) {
  return p.entity.empty() ? widget_label(p) : p.entity + ": " + widget_label(p);
}

std::optional<double> parse_number(const std::string& value) {
  const auto t = parse_value(value);
  if (!t) return std::nullopt;
  const toml::node* n = t->get("v");
  if (auto f = n->as_floating_point()) return f->get();
  if (auto i = n->as_integer()) return double(i->get());
  return std::nullopt;
}

std::optional<bool> parse_bool(const std::string& value) {
  const auto t = parse_value(value);
  if (!t) return std::nullopt;
  if (auto b = t->get("v")->as_boolean()) return b->get();
  return std::nullopt;
}

std::optional<std::string> parse_string(const std::string& value) {
  const auto t = parse_value(value);
  if (!t) return std::nullopt;
  if (auto s = t->get("v")->as_string()) return s->get();
  return std::nullopt;
}

std::optional<std::vector<double>> parse_numbers(const std::string& value) {
  const auto t = parse_value(value);
  if (!t) return std::nullopt;
  const toml::array* a = t->get("v")->as_array();
  if (!a) return std::nullopt;
  std::vector<double> out;
  for (const auto& x : *a) {
    if (auto f = x.as_floating_point())
      out.push_back(f->get());
    else if (auto i = x.as_integer())
      out.push_back(double(i->get()));
    else
      return std::nullopt;
  }
  return out;
}

std::string text_edit_value(const std::string& current, const std::string& typed) {
  return parse_string(current) ? toml_string(typed) : typed;
}

std::string normalise_value(const std::string& value) {
  const std::string v = trim(value);
  if (parse_value(v)) return v;
  return toml_string(v);  // the loader reads a bare word as a string
}

std::optional<Shares> parse_shares(const std::string& value) {
  const auto t = parse_value(value);
  if (!t) return std::nullopt;
  const toml::table* tab = t->get("v")->as_table();
  if (!tab) return std::nullopt;
  // toml++ keeps keys sorted; the file's order is the order they appear in the text.
  Shares out;
  for (auto&& [k, v] : *tab) {
    double x;
    if (auto f = v.as_floating_point())
      x = f->get();
    else if (auto i = v.as_integer())
      x = double(i->get());
    else
      return std::nullopt;
    out.emplace_back(std::string(k.str()), x);
  }
  // Where key k is written: preceded by '{', ',', space or a quote and followed by space, '='
  // or a quote (so "left" is not found inside "soft_left").
  auto where = [&](const std::string& k) {
    for (size_t p = value.find(k); p != std::string::npos; p = value.find(k, p + 1)) {
      const char before = p ? value[p - 1] : '{',
                 after = p + k.size() < value.size() ? value[p + k.size()] : '=';
      if (std::string("{, \t\"'").find(before) != std::string::npos &&
          std::string(" \t=\"'").find(after) != std::string::npos)
        return p;
    }
    return std::string::npos;
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const auto& a, const auto& b) { return where(a.first) < where(b.first); });
  return out;
}

std::string toml_shares(const Shares& shares) {
  // Whole millionths: their sum is exactly 1,000,000, so the printed shares sum to 1.
  std::vector<long long> micro(shares.size());
  long long total = 0;
  size_t largest = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    micro[i] = std::llround(std::clamp(shares[i].second, 0.0, 1.0) * 1e6);
    total += micro[i];
    if (micro[i] > micro[largest]) largest = i;
  }
  if (!shares.empty()) micro[largest] += 1'000'000 - total;
  std::string out = "{ ";
  for (size_t i = 0; i < shares.size(); ++i) {
    if (i) out += ", ";
    out += toml_key(shares[i].first) + " = " + toml_number(double(micro[i]) / 1e6);
  }
  return out + " }";
}

Shares rebalance_shares(Shares shares, std::size_t i, double value) {
  if (i >= shares.size()) return shares;
  value = std::clamp(value, 0.0, 1.0);
  double others = 0;
  for (size_t j = 0; j < shares.size(); ++j)
    if (j != i) others += shares[j].second;
  const double rest = 1 - value;
  for (size_t j = 0; j < shares.size(); ++j) {
    if (j == i) continue;
    shares[j].second =
        others > 1e-12 ? shares[j].second / others * rest : rest / double(shares.size() - 1);
  }
  shares[i].second = shares.size() == 1 ? 1.0 : value;
  return shares;
}

std::string override_path(const std::string& spec) { return trim(spec.substr(0, spec.find('='))); }

std::string override_value(const std::string& spec) {
  const auto eq = spec.find('=');
  return eq == std::string::npos ? "" : trim(spec.substr(eq + 1));
}

std::vector<std::string> set_override(std::vector<std::string> list, const std::string& path,
                                      const std::string& value) {
  const std::string spec = path + "=" + value;
  for (auto& s : list)
    if (override_path(s) == path) {
      s = spec;
      return list;
    }
  list.push_back(spec);
  return list;
}

std::vector<std::string> remove_override(std::vector<std::string> list, const std::string& path) {
  std::erase_if(list, [&](const std::string& s) { return override_path(s) == path; });
  return list;
}

std::optional<std::string> find_override(const std::vector<std::string>& list,
                                         const std::string& path) {
  for (const auto& s : list)
    if (override_path(s) == path) return override_value(s);
  return std::nullopt;
}

std::string scenario_file_text(const std::string& new_file, const std::string& original,
                               const std::vector<std::string>& overrides) {
  // The include is read relative to the including file's folder (as the loader does).
  std::string include = original;
  std::error_code ec;
  const fs::path folder = fs::absolute(fs::path(new_file), ec).parent_path();
  const fs::path rel = fs::relative(fs::absolute(fs::path(original), ec), folder, ec);
  if (!ec && !rel.empty()) include = rel.generic_string();

  std::ostringstream out;
  out << "# " << fs::path(new_file).filename().string() << ": saved by leadsim-viz.\n"
      << "#\n"
      << "# The scenario " << original << " with " << overrides.size()
      << (overrides.size() == 1 ? " parameter" : " parameters") << " changed in the visualiser.\n"
      << "# Run it with: leadsim run " << new_file << "\n\n"
      << "include = " << toml_string(include) << "\n";

  // Group "a.b.c=value" under [a.b] headers, in the order first set. A path with one segment is
  // a top-level key and goes before any header.
  std::vector<std::string> headers;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_header;
  for (const auto& spec : overrides) {
    const std::vector<std::string> parts = split(override_path(spec), '.');
    std::string header;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      if (i) header += '.';
      header += toml_key(parts[i]);
    }
    if (!by_header.count(header)) headers.push_back(header);
    by_header[header].emplace_back(toml_key(parts.back()), normalise_value(override_value(spec)));
  }
  std::stable_partition(headers.begin(), headers.end(),
                        [](const std::string& h) { return h.empty(); });
  for (const auto& h : headers) {
    if (!h.empty()) out << "\n[" << h << "]\n";
    for (const auto& [k, v] : by_header[h]) out << k << " = " << v << "\n";
  }
  return out.str();
}

void save_scenario(const std::string& new_file, const std::string& original,
                   const std::vector<std::string>& overrides) {
  const std::string text = scenario_file_text(new_file, original, overrides);
  const std::string tmp = new_file + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) throw std::runtime_error("cannot write " + tmp);
    f << text;
    f.flush();
    if (!f) throw std::runtime_error("cannot write " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, new_file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot write " + new_file + ": " + ec.message());
  }
}

}  // namespace leadsim::viz
