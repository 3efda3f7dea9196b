#include "text.hpp"

#include <fmt/format.h>

#include <optional>

#include "leadsim/input_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <numeric>

namespace leadsim {

std::string id_problem(const std::string& id) {
  if (id.empty()) return "is empty";
  if (id.size() > kMaxIdLength)
    return fmt::format("is {} characters long, more than {}", id.size(), kMaxIdLength);
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '_' && c != '-')
      return "holds a character other than a letter, a digit, '_' or '-'";
  return "";
}

std::string utf8_problem(std::string_view s) {
  const auto bad = [](size_t i) { return fmt::format("is not UTF-8 text (byte {})", i + 1); };
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    int extra;
    std::uint32_t cp;
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      extra = 1, cp = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
      extra = 2, cp = b & 0x0Fu;
    } else if (b >= 0xF0 && b <= 0xF4) {
      extra = 3, cp = b & 0x07u;
    } else {
      return bad(i);  // a continuation byte first, an overlong lead (C0, C1) or beyond F4
    }
    if (i + size_t(extra) >= s.size()) return bad(i);  // truncated
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(s[i + size_t(k)]);
      if ((c & 0xC0u) != 0x80u) return bad(i);
      cp = (cp << 6) | (c & 0x3Fu);
    }
    const std::uint32_t least[] = {0, 0x80, 0x800, 0x10000};
    if (cp < least[extra] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return bad(i);
    i += size_t(extra) + 1;
  }
  return "";
}

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

namespace {

// Reads one record from `t` at `i` (past its end on return). `line` counts line breaks crossed.
// Returns false when a quoted field is still open at the end of the text.
bool read_csv_record(std::string_view t, size_t& i, int& line, std::vector<std::string>& out) {
  out.assign(1, std::string());
  bool quoted = false, at_field_start = true;
  while (i < t.size()) {
    const char c = t[i];
    if (quoted) {
      if (c == '"' && i + 1 < t.size() && t[i + 1] == '"') {
        out.back() += '"';
        i += 2;
        continue;
      }
      if (c == '"') quoted = false;
      else {
        if (c == '\n') ++line;
        out.back() += c;
      }
      ++i;
      continue;
    }
    if (c == '\n' || (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n')) {
      i += c == '\r' ? 2 : 1;
      ++line;
      return true;
    }
    if (c == '"' && at_field_start) {
      quoted = true;
      at_field_start = false;
    } else if (c == ',') {
      out.emplace_back();
      at_field_start = true;
    } else {
      out.back() += c;
      at_field_start = false;
    }
    ++i;
  }
  if (!out.back().empty() && out.back().back() == '\r') out.back().pop_back();  // a lone CR at the end
  return !quoted;
}

}  // namespace

std::vector<std::string> split_csv_line(const std::string& line) {
  size_t i = 0;
  int ln = 0;
  std::vector<std::string> out;
  read_csv_record(line, i, ln, out);
  // A line break inside the line (a quoted field's) was read as part of it; one outside ends it:
  // the rest, if any, is not this line's.
  return out;
}

CsvText split_csv_text(std::string_view text) {
  CsvText out;
  text = without_bom(text);
  size_t i = 0;
  int line = 1;
  std::vector<std::string> fields;
  while (i < text.size()) {
    // Blank lines and comments, seen only where a record would start.
    size_t eol = text.find('\n', i);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view whole = text.substr(i, eol - i);
    if (!whole.empty() && whole.back() == '\r') whole.remove_suffix(1);
    if (whole.empty() || whole[0] == '#') {
      i = eol + 1;
      ++line;
      continue;
    }
    const int start = line;
    const bool closed = read_csv_record(text, i, line, fields);
    out.records.push_back({start, fields});
    if (!closed) {
      out.unterminated_quote_line = start;
      break;
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
  std::optional<std::string> bytes = read_input_file(path, what, diags);
  if (!bytes) return false;
  const CsvText text = split_csv_text(*bytes);
  for (const CsvRecord& rec : text.records) {
    std::vector<std::string> f = rec.fields;
    if (out.header.empty()) {
      for (auto& h : f) h = trim(h);
      out.header = f;
      continue;
    }
    if (f.size() != out.header.size()) {
      diags.push_back({path, rec.line, 1, fmt::format("expected {} comma-separated fields, got {}",
                                                      out.header.size(), f.size())});
      continue;
    }
    out.rows.push_back(std::move(f));
    out.lines.push_back(rec.line);
  }
  if (text.unterminated_quote_line)
    diags.push_back({path, text.unterminated_quote_line, 1,
                     "a quoted field is never closed (expected a closing '\"')"});
  return true;
}

}  // namespace leadsim
