#include "text.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include <algorithm>
#include <numeric>

namespace leadsim {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

int edit_distance(const std::string& a, const std::string& b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = int(i);
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& known) {
  const std::string* best = nullptr;
  int best_d = 0;
  for (const auto& k : known) {
    int d = edit_distance(word, k);
    if (!best || d < best_d) {
      best = &k;
      best_d = d;
    }
  }
  // Within a third of the word's length: closer than that is a typo, further is a different word.
  if (best && best_d > 0 && best_d <= std::max<int>(2, int(word.size()) / 3))
    return " (did you mean '" + *best + "'?)";
  return "";
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

int CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return int(i);
  return -1;
}

bool read_csv(const std::string& path, const std::string& what, CsvTable& out,
              std::vector<Diagnostic>& diags) {
  std::ifstream in(path);
  if (!in || std::filesystem::is_directory(path)) {
    diags.push_back({path, 0, 0, "cannot open the " + what});
    return false;
  }
  std::string line;
  int ln = 0;
  while (std::getline(in, line)) {
    ++ln;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = split_csv_line(line);
    if (out.header.empty()) {
      for (auto& h : f) h = trim(h);
      out.header = f;
      continue;
    }
    if (f.size() != out.header.size()) {
      diags.push_back({path, ln, 1, fmt::format("expected {} comma-separated fields, got {}",
                                                out.header.size(), f.size())});
      continue;
    }
    out.rows.push_back(std::move(f));
    out.lines.push_back(ln);
  }
  return true;
}

}  // namespace leadsim
