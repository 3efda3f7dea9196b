// text.hpp (private): small string helpers for input parsing and messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "leadsim/csv.hpp"  // split_csv_line, csv_field
#include "leadsim/diagnostic.hpp"

namespace leadsim {

// A CSV file: a header row, then rows of the same width. Blank lines and lines starting with
// '#' (comments naming a source, say) are skipped; `lines` holds each row's 1-based line number.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;
  int column(const std::string& name) const;  // index, or -1
};
// Reads `path` through read_input_file (input_file.hpp: regular files only, a size cap) and
// split_csv_text (csv.hpp: BOM, CRLF, quoted fields); problems ("cannot open the <what>: it ...",
// ragged rows, an unclosed quote) go to `diags`. Returns false if the file could not be read.
bool read_csv(const std::string& path, const std::string& what, CsvTable& out,
              std::vector<Diagnostic>& diags);

// The longest id of a candidate, faction, wave or affiliate.
inline constexpr size_t kMaxIdLength = 64;
// Why `id` cannot name a candidate, faction, wave or affiliate, else "". Ids become CSV column
// names (share_<id>), --set and sweep paths (candidates.<id>.valence), ballot rankings (a>b) and
// the adaptive target (win:<id>:0.05), so an id is what TOML writes bare: 1 to kMaxIdLength
// letters, digits, '_' or '-' (no commas, quotes, dots, spaces, line breaks, path separators).
std::string id_problem(const std::string& id);

std::string trim(const std::string& s);
// Why `s` is not UTF-8 text as TOML reads it (a stray byte, an overlong form, a surrogate, beyond
// U+10FFFF, a truncated sequence), naming the byte's 1-based position; "" if it is.
std::string utf8_problem(std::string_view s);
std::vector<std::string> split(const std::string& s, char sep);
// Edit distance between two words (insertions, deletions, substitutions).
int edit_distance(const std::string& a, const std::string& b);
// " (did you mean 'x'?)" for the closest known word within a small edit distance, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& known);

}  // namespace leadsim
