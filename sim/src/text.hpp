// text.hpp (private): small string helpers for input parsing and messages.
#pragma once

#include <string>
#include <vector>

namespace leadsim {

std::string trim(const std::string& s);
std::vector<std::string> split(const std::string& s, char sep);
// Splits one CSV line, honouring double quotes ("a, b" is one field; "" is a literal quote).
std::vector<std::string> split_csv_line(const std::string& line);
// Edit distance between two words (insertions, deletions, substitutions).
int edit_distance(const std::string& a, const std::string& b);
// " (did you mean 'x'?)" for the closest known word within a small edit distance, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& known);

}  // namespace leadsim
