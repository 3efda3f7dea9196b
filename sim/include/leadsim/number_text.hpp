// number_text.hpp: numbers and dates written as text by a user (a CSV cell, a command-line flag,
// a date in quotes, a sweep's range), read without surprises.
//
// The C library's readers are lenient in ways that turn mistakes into silent wrong answers:
// strtod reads "0x10" as 16, "nan" and "inf" as numbers, and skips leading spaces; strtoull reads
// "-1" as 18446744073709551615 and saturates past 2^64; sscanf("%d") of a year wraps it modulo
// 2^16 once it reaches std::chrono::year. These read decimal text only, the whole text, and say
// no (nullopt) to anything else: a sign where none is meant, a hexadecimal or octal prefix,
// trailing or leading characters, NaN, an infinity, a value beyond the range asked for.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace leadsim {

// A finite decimal real: [-]digits[.digits][e[+-]digits] (".5" and "5." too), nothing else.
std::optional<double> parse_real(std::string_view s);
// A decimal whole number in [lo, hi]: [-]digits (the '-' only when lo < 0), nothing else.
std::optional<std::int64_t> parse_whole(std::string_view s, std::int64_t lo, std::int64_t hi);
// A decimal whole number in [lo, hi] for counts and seeds up to 2^64 - 1: digits only.
std::optional<std::uint64_t> parse_unsigned(
    std::string_view s, std::uint64_t lo = 0,
    std::uint64_t hi = std::numeric_limits<std::uint64_t>::max());

}  // namespace leadsim
