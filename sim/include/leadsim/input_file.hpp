// input_file.hpp: the one way leadsim reads a file it is given (a scenario and what it includes,
// a CLP or identity CSV, a ballot file, a sweep spec, a sweep's own tables).
//
// Every input is treated as hostile. A path naming a FIFO, a device (/dev/zero, /dev/urandom, a
// terminal) or a socket would be read for ever or block, so only regular files are read: the
// type is checked before the file is opened (a FIFO is never opened) and again on the open file
// (it may have been swapped in between). A file larger than kMaxInputBytes is refused before it
// is read, and reading stops there should it grow meanwhile. Every failure of the filesystem (no
// such file, permission, a name too long, a symlink loop, a part of the path that is not a folder)
// is bad input, reported as a diagnostic naming the path (exit 2), never an internal error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leadsim/diagnostic.hpp"

namespace leadsim {

// The largest input file leadsim reads: 64 MiB. The biggest real input (the CLP list, 60 KB; a
// ballot file of every distinct ranking) is far below; a bigger file is a mistake or an attack.
inline constexpr std::uintmax_t kMaxInputBytes = std::uintmax_t(64) << 20;

// Why `path` cannot be read as an input file, in words ("" when it is a readable regular file
// no larger than the cap), as a predicate: "does not exist", "is a FIFO (named pipe), not a
// file: ...", "is unreadable: permission denied ...".
// `max_bytes`: the cap (a sweep's own runs.csv, which merging streams, may be larger).
std::string input_file_problem(const std::string& path, std::uintmax_t max_bytes = kMaxInputBytes);

// The whole of `path`'s bytes. On failure records one diagnostic and returns nullopt: at `where`
// (the line of another file that names this one), "<what> '<path>' <problem>"; without `where` (a
// file named on the command line), at the path itself, "cannot open the <what>: it <problem>". `what` names the file's role: "scenario", "CLP file",
// "ballot file", "included file".
std::optional<std::string> read_input_file(const std::string& path, const std::string& what,
                                           std::vector<Diagnostic>& diags,
                                           const SourcePlace* where = nullptr);
// The same, throwing InputError on failure.
std::string read_input_file(const std::string& path, const std::string& what);

// Text as a spreadsheet or an editor on another system may write it, made plain: a UTF-8 byte
// order mark at the start removed. (Line ends, CRLF or LF, are each reader's: TOML accepts both,
// and the CSV reader, csv.hpp, takes either.)
std::string_view without_bom(std::string_view text);

}  // namespace leadsim
