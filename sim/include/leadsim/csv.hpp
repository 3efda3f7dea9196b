// csv.hpp: one CSV line split into fields and one field written, as every table leadsim writes
// (runs.csv, clps.csv, points.csv, identity.csv) and reads quotes them: a field holding a comma,
// a quote or a line break goes between double quotes, an inner quote doubled. Public so that
// the clients (Python reading a resumed sweep's points.csv, the tests) read them the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leadsim {

// Splits one CSV line, honouring double quotes ("a, b" is one field; "" is a literal quote). A
// quote opens a quoted field only at the field's start; elsewhere it is a character of the field.
std::vector<std::string> split_csv_line(const std::string& line);

// A CSV text as a spreadsheet writes it, split into records: a UTF-8 byte order mark at the start
// skipped, CRLF or LF line ends, quoted fields holding commas, doubled quotes or line breaks (a
// record then spans lines). Outside quotes, blank lines and lines starting with '#' are skipped.
struct CsvRecord {
  int line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};
struct CsvText {
  std::vector<CsvRecord> records;
  int unterminated_quote_line = 0;  // the line of a quote never closed (0: none)
};
CsvText split_csv_text(std::string_view text);
// A CSV field as written: between double quotes (inner quotes doubled) when it holds a comma,
// a quote or a line break; as itself otherwise.
std::string csv_field(const std::string& s);

}  // namespace leadsim
