// ballot_file.hpp: ranked ballots from a CSV file, for counting real ballot data.
//
// Format: a header row naming the columns, then one row per ballot (or per group of identical
// ballots). Lines starting with '#' are comments.
//   ranking   required: candidate ids, best first, separated by '>' (e.g. "emiliband>balls");
//             a ballot may rank only some candidates (it exhausts after its last preference)
//   section   optional: member, registered, affiliated or mp (default member); under an
//             electoral college each section's votes become percentages of that section
//   count     optional: how many voters cast this ballot (default 1; a non-negative decimal
//             number up to kMaxBallotCount, so published totals and college weights can be used
//             as they are); `weight` is a synonym
// The file is read as csv.hpp reads CSV (a byte order mark, CRLF line ends, quoted fields).
// Example:
//   section,count,ranking
//   mp,111,dmiliband>emiliband>balls
//   member,55905,dmiliband>emiliband
#pragma once

#include <string>

#include "leadsim/count.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

// The most voters one row may count: a trillion, far above any electorate, and low enough that
// the sum of every row a file can hold stays finite (a count of 1e308 twice was infinity).
inline constexpr double kMaxBallotCount = 1e12;

// Reads ballots over the scenario's candidates (ids as in [candidates.<id>]); BallotSet::section
// holds each row's Section. Throws InputError with a file:line message for every bad row: an
// unknown candidate (with a did-you-mean), one ranked twice, an empty ranking, a bad count, an
// unknown section, a section the college gives no weight, or a file with no ballots.
BallotSet read_ballot_file(const std::string& path, const Scenario& s);

}  // namespace leadsim
