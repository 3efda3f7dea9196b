// toml_text.hpp: values written as TOML text, one way for every client.
//
// The loader records each parameter in force as TOML text (Scenario::resolved); `--set` takes
// TOML text; the visualiser writes overrides and "save as" files; the sweep writes its points'
// values; the Python module turns Python values into overrides. All of them quote and print
// through these functions, so a string holding quotes, backslashes, control characters or any
// unicode reads back as itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leadsim {

// A TOML basic string: "..." with ", \ and control characters escaped (\b \t \n \f \r, others
// as \uXXXX); every other character, unicode included, as it is (the text is UTF-8).
std::string toml_string(std::string_view s);
// A key: bare if it can be (A-Z a-z 0-9 _ -), else quoted as a string.
std::string toml_key(std::string_view k);
// A number, shortest text that reads back as the same double: "0.35", "2", "1e-06", "inf".
std::string toml_number(double v);
// An array of numbers: "[0.5, -1]".
std::string toml_numbers(const std::vector<double>& v);
// An array of strings: ["a", "b"].
std::string toml_strings(const std::vector<std::string>& v);

}  // namespace leadsim
