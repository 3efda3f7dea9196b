// toml_text.cpp: values written as TOML text (toml_text.hpp).
#include "leadsim/toml_text.hpp"

#include <fmt/format.h>

namespace leadsim {

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        // TOML forbids raw control characters (U+0000-U+001F, U+007F) in basic strings.
        if (u < 0x20 || u == 0x7f) out += fmt::format("\\u{:04X}", unsigned(u));
        else out += ch;
    }
  }
  return out + "\"";
}

std::string toml_key(std::string_view k) {
  bool bare = !k.empty();
  for (const char ch : k)
    bare = bare && ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-');
  return bare ? std::string(k) : toml_string(k);
}

std::string toml_number(double v) { return fmt::format("{}", v); }

std::string toml_numbers(const std::vector<double>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + toml_number(v[i]);
  return s + "]";
}

std::string toml_strings(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + toml_string(v[i]);
  return s + "]";
}

}  // namespace leadsim
