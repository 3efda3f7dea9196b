// csv.hpp: one CSV line split into fields and one field written, as every table leadsim writes
// (runs.csv, clps.csv, points.csv, identity.csv) and reads quotes them: a field holding a comma,
// a quote or a line break goes between double quotes, an inner quote doubled. Public so that
// the clients (Python reading a resumed sweep's points.csv, the tests) read them the same way.
#pragma once

#include <string>
#include <vector>

namespace leadsim {

// Splits one CSV line, honouring double quotes ("a, b" is one field; "" is a literal quote).
std::vector<std::string> split_csv_line(const std::string& line);
// A CSV field as written: between double quotes (inner quotes doubled) when it holds a comma,
// a quote or a line break; as itself otherwise.
std::string csv_field(const std::string& s);

}  // namespace leadsim
