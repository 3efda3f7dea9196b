// number_text.cpp: strict decimal readers (number_text.hpp).
#include "leadsim/number_text.hpp"

#include <charconv>
#include <cmath>

namespace leadsim {

namespace {

// Digits, optionally after one '-' when `sign` allows it: what from_chars will read in full.
bool plain_digits(std::string_view s, bool sign) {
  if (sign && !s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::optional<double> parse_real(std::string_view s) {
  // from_chars also reads "inf", "nan" and "infinity": the first character must be a digit, a
  // '.' or a '-' followed by one of those.
  std::string_view body = s.substr(!s.empty() && s[0] == '-' ? 1 : 0);
  if (body.empty() || !((body[0] >= '0' && body[0] <= '9') || body[0] == '.')) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v,
                                         std::chars_format::general);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_whole(std::string_view s, std::int64_t lo, std::int64_t hi) {
  if (!plain_digits(s, lo < 0)) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view s, std::uint64_t lo,
                                            std::uint64_t hi) {
  if (!plain_digits(s, false)) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

}  // namespace leadsim
